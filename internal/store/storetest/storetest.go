// Package storetest is the conformance suite every store backend passes,
// and a generator of realistic scan results for tests and benchmarks.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/store"
)

// NewResult builds a deterministic scan result shaped like a real one of an
// OpenStack service: findings of the real rules (with their replacement
// texts) spread over a package tree, entry points with chains, switches and
// evidence, concerns, blockers, a stage and stats.
func NewResult(seed int64, findings, entryPoints int) *contract.Result {
	rng := rand.New(rand.NewSource(seed))
	all := rules.All()
	pkgs := []string{"compute", "api/openstack", "conductor", "scheduler", "network", "virt/libvirt", "db/main", "objects", "tests/unit/compute", "cmd"}
	res := &contract.Result{
		Schema: contract.Schema,
		Tool:   contract.Tool{Name: "letgo", Version: "0.9.0"},
		Roots:  []string{"/src/nova"},
		Stats: contract.Stats{Files: 4000 + rng.Intn(1000), PythonFiles: 2500 + rng.Intn(500), Bytes: 40 << 20,
			ElapsedMS: 1234.5, GraphMS: 210.25, RuntimeDebt: findings / 2,
			ByKind: map[string]int{"runtime": findings / 2, "test": findings / 2}, ByFamily: map[string]int{},
			BySeverity: map[string]int{"high": findings / 5, "medium": findings / 3, "low": findings - findings/5 - findings/3}},
		Findings:    []analysis.Finding{},
		EntryPoints: []contract.EntryPoint{},
		Blockers:    []graph.Blocker{},
		Concerns:    []contract.Concern{},
	}
	seen := map[string]int{}
	for i := 0; i < findings; i++ {
		r := all[rng.Intn(len(all))]
		path := fmt.Sprintf("nova/%s/mod_%02d.py", pkgs[rng.Intn(len(pkgs))], rng.Intn(40))
		line := 1 + rng.Intn(2000)
		msg := fmt.Sprintf("%s: eventlet.%s() called in %s", r.Slug, []string{"spawn", "sleep", "greenthread.spawn_n", "monkey_patch"}[rng.Intn(4)], path)
		key := r.ID + "\x00" + path + "\x00" + msg
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, seen[key])))
		seen[key]++
		res.Findings = append(res.Findings, analysis.Finding{
			Rule: r.ID, Slug: r.Slug, Family: r.Family(), Kind: pyproj.FileKind(r.Kind), Root: "/src/nova", Path: path,
			Line: line, Col: 1 + rng.Intn(40), EndLine: line, EndCol: 60, Message: msg,
			Severity: analysis.Severity([]string{"info", "low", "medium", "high"}[rng.Intn(4)]), Positive: r.Positive,
			Fingerprint: hex.EncodeToString(sum[:8]), Module: "nova." + pkgs[rng.Intn(len(pkgs))],
			Replacement: r.Doc.Replacement,
		})
		res.Stats.ByFamily[fmt.Sprint(r.Family())]++
	}
	sort.Slice(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Line < b.Line
	})
	mode := []modes.Mode{modes.EventletOnly, modes.DualDefaultEventlet, modes.DualDefaultThreading, modes.ThreadingOnly}
	var blocking []string
	for i := 0; i < entryPoints; i++ {
		name := fmt.Sprintf("nova-svc-%02d", i)
		m := mode[rng.Intn(len(mode))]
		if m == modes.EventletOnly {
			blocking = append(blocking, name)
		}
		chain := []graph.Hop{{Module: "nova.cmd.svc"}}
		for h := 0; h < 2+rng.Intn(4); h++ {
			chain = append(chain, graph.Hop{Module: fmt.Sprintf("oslo_service.mod%d", h), Root: "/src/oslo.service",
				Path: fmt.Sprintf("oslo_service/mod%d.py", h), Line: 10 + h, Text: "import eventlet"})
		}
		res.EntryPoints = append(res.EntryPoints, contract.EntryPoint{
			Root: "/src/nova", Name: name, Group: "console_scripts", Target: "nova.cmd.svc:main", Path: "setup.cfg",
			Source: "setup.cfg", Line: 40 + i, Module: "nova.cmd.svc", Eventlet: "unconditional", Chain: chain,
			Mode: m, ModeEvidence: []modes.Evidence{{Path: "nova/cmd/__init__.py", Line: 20, Text: "eventlet.monkey_patch()"}},
			Switch: modes.Switch{Env: "OS_NOVA_DISABLE_EVENTLET_PATCHING", Values: map[string][]string{"threading": {"1", "true"}}, Default: "eventlet"},
		})
	}
	res.Stage = &modes.Stage{Stage: modes.Level(1), Name: "both modes, eventlet default", BlockingServices: blocking,
		Summary: "services still default to eventlet", Timeline: "2026.2: every deliverable can run without eventlet"}
	for i := 0; i < 3; i++ {
		res.Blockers = append(res.Blockers, graph.Blocker{Module: fmt.Sprintf("oslo_service.mod%d", i), Root: "/src/oslo.service",
			Path: fmt.Sprintf("oslo_service/mod%d.py", i), Line: 10 + i, Text: "import eventlet", EntryPoints: []string{"nova-svc-00", "nova-svc-01"}})
	}
	for i := 0; i < 5 && i < len(res.Findings); i++ {
		f := res.Findings[i]
		res.Concerns = append(res.Concerns, contract.Concern{Type: "heartbeat", Path: f.Path, Line: f.Line, Detail: f.Message, Severity: f.Severity, Rule: f.Rule})
	}
	return res
}

// Open opens a fresh, empty store for one test.
type Open func(t *testing.T) store.Store

// Run runs the conformance suite against the stores open makes.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		f    func(*testing.T, store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Idempotent", testIdempotent},
		{"Atomic", testAtomic},
		{"Invalid", testInvalid},
		{"NotFound", testNotFound},
		{"Empty", testEmpty},
		{"Repos", testRepos},
		{"Scans", testScans},
		{"Diff", testDiff},
		{"Cache", testCache},
		{"CacheEviction", testCacheEviction},
		{"Concurrent", testConcurrent},
		{"ReplayRace", testReplayRace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			})
			tt.f(t, s)
		})
	}
}

var t0 = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

func meta(repo, commit string, day int) store.Meta {
	return store.Meta{Repo: repo, Team: "nova", Commit: commit, Ref: "master", Series: "2026.1",
		ScannedAt: t0.Add(time.Duration(day) * 24 * time.Hour), Version: "0.9.0", RuleSet: "rules-1"}
}

// jsonCopy is what a result becomes through JSON: the store keeps results
// as JSON, so that is the exact value to expect back.
func jsonCopy(t *testing.T, r *contract.Result) *contract.Result {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out contract.Result
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func save(t *testing.T, s store.Store, sc *store.Scan) int64 {
	t.Helper()
	id, created, err := s.SaveScan(context.Background(), sc)
	if err != nil {
		t.Fatalf("SaveScan(%s@%s) = %v", sc.Repo, sc.Commit, err)
	}
	if !created {
		t.Fatalf("SaveScan(%s@%s) created = false, want true", sc.Repo, sc.Commit)
	}
	return id
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := NewResult(1, 120, 12)
	res.Findings[3].Positive = true
	res.Findings[4].Guard, res.Findings[4].EntryPoint = "try-import", "nova-svc-01"
	res.EntryPoints[2].Guards = []string{"if-env"}
	res.EntryPoints[2].Reason, res.EntryPoints[2].ModeReason = "no target", "no switch found"
	res.Stages = []contract.RootStage{{Root: "/src/nova", Stage: *res.Stage}}
	m := meta("openstack/nova", "c0ffee", 0)
	m.ScannedAt = time.Date(2026, 4, 1, 12, 0, 0, 123456000, time.UTC)
	m.CommittedAt = time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)
	id := save(t, s, &store.Scan{Meta: m, Result: res})

	got, err := s.Scan(ctx, id)
	if err != nil {
		t.Fatalf("Scan(%d) = %v", id, err)
	}
	want := store.ScanInfo{ID: id, Meta: m, Stage: res.Stage, Stats: res.Stats, NumFindings: 120, NumEntryPoints: 12}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("Scan(%d) mismatch (-want +got):\n%s", id, diff)
	}
	gotRes, err := s.Result(ctx, id)
	if err != nil {
		t.Fatalf("Result(%d) = %v", id, err)
	}
	if diff := cmp.Diff(jsonCopy(t, res), gotRes); diff != "" {
		t.Errorf("Result(%d) mismatch (-want +got):\n%s", id, diff)
	}
	fs, err := s.Findings(ctx, id)
	if err != nil {
		t.Fatalf("Findings(%d) = %v", id, err)
	}
	if diff := cmp.Diff(res.Findings, fs); diff != "" {
		t.Errorf("Findings(%d) mismatch (-want +got):\n%s", id, diff)
	}
	eps, err := s.EntryPoints(ctx, id)
	if err != nil {
		t.Fatalf("EntryPoints(%d) = %v", id, err)
	}
	if diff := cmp.Diff(res.EntryPoints, eps); diff != "" {
		t.Errorf("EntryPoints(%d) mismatch (-want +got):\n%s", id, diff)
	}
	cs, err := s.Concerns(ctx, id)
	if err != nil {
		t.Fatalf("Concerns(%d) = %v", id, err)
	}
	if diff := cmp.Diff(res.Concerns, cs); diff != "" {
		t.Errorf("Concerns(%d) mismatch (-want +got):\n%s", id, diff)
	}
	bs, err := s.Blockers(ctx, id)
	if err != nil {
		t.Fatalf("Blockers(%d) = %v", id, err)
	}
	if diff := cmp.Diff(res.Blockers, bs); diff != "" {
		t.Errorf("Blockers(%d) mismatch (-want +got):\n%s", id, diff)
	}

	// Without a stage, the stage is absent rather than a zero stage 0
	// ("eventlet only" would be a false claim).
	res2 := NewResult(2, 3, 1)
	res2.Stage = nil
	id2 := save(t, s, &store.Scan{Meta: meta("openstack/nova", "d00d", 1), Result: res2})
	got2, err := s.Scan(ctx, id2)
	if err != nil {
		t.Fatalf("Scan(%d) = %v", id2, err)
	}
	if got2.Stage != nil {
		t.Errorf("Scan(%d).Stage = %+v, want nil", id2, got2.Stage)
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := &store.Scan{Meta: meta("openstack/nova", "c0ffee", 0), Result: NewResult(1, 50, 5)}
	id := save(t, s, sc)
	replay := *sc
	replay.ScannedAt = replay.ScannedAt.Add(time.Hour) // a replayed upload, later
	id2, created, err := s.SaveScan(ctx, &replay)
	if err != nil || created || id2 != id {
		t.Fatalf("SaveScan(replay) = %d, %v, %v; want %d, false, nil", id2, created, err, id)
	}
	scans, err := s.Scans(ctx, store.ScanFilter{Repo: "openstack/nova"})
	if err != nil || len(scans) != 1 {
		t.Fatalf("Scans() = %d scans, %v; want 1", len(scans), err)
	}
	if !scans[0].ScannedAt.Equal(sc.ScannedAt) {
		t.Errorf("ScannedAt = %v, want the first save's %v", scans[0].ScannedAt, sc.ScannedAt)
	}
	fs, err := s.Findings(ctx, id)
	if err != nil || len(fs) != 50 {
		t.Errorf("Findings(%d) = %d findings, %v; want 50", id, len(fs), err)
	}
	// Another ref, commit or rule set is another scan.
	for _, m := range []func(*store.Scan){
		func(s *store.Scan) { s.Ref = "33.0.0" },
		func(s *store.Scan) { s.Commit = "beef" },
		func(s *store.Scan) { s.RuleSet = "rules-2" },
	} {
		other := *sc
		m(&other)
		if _, created, err := s.SaveScan(ctx, &other); err != nil || !created {
			t.Errorf("SaveScan(%s %s %s) = created %v, %v; want a new scan", other.Commit, other.Ref, other.RuleSet, created, err)
		}
	}
}

func testAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := NewResult(1, 200, 10)
	// A bad row at the very end, after most rows of the scan went in.
	res.Blockers[len(res.Blockers)-1].Line = -1
	sc := &store.Scan{Meta: meta("openstack/nova", "c0ffee", 0), Result: res}
	if _, _, err := s.SaveScan(ctx, sc); err == nil {
		t.Fatal("SaveScan(line -1) = nil error, want the constraint's error")
	}
	repos, err := s.Repos(ctx)
	if err != nil || len(repos) != 0 {
		t.Fatalf("Repos() after a failed save = %+v, %v; want none", repos, err)
	}
	scans, err := s.Scans(ctx, store.ScanFilter{})
	if err != nil || len(scans) != 0 {
		t.Fatalf("Scans() after a failed save = %d scans, %v; want none", len(scans), err)
	}
	res.Blockers[len(res.Blockers)-1].Line = 12
	id := save(t, s, sc)
	fs, err := s.Findings(ctx, id)
	if err != nil || len(fs) != 200 {
		t.Errorf("Findings(%d) = %d, %v; want 200 (no leftovers of the failed save)", id, len(fs), err)
	}
}

func testInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		edit func(*store.Scan)
	}{
		{"no repo", func(s *store.Scan) { s.Repo = "" }},
		{"no commit", func(s *store.Scan) { s.Commit = "" }},
		{"no rule set", func(s *store.Scan) { s.RuleSet = "" }},
		{"no result", func(s *store.Scan) { s.Result = nil }},
	} {
		sc := &store.Scan{Meta: meta("openstack/nova", "c0ffee", 0), Result: NewResult(1, 2, 1)}
		tt.edit(sc)
		if _, _, err := s.SaveScan(ctx, sc); err == nil {
			t.Errorf("SaveScan(%s) = nil error, want an error", tt.name)
		}
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	const id = 424242
	_, err1 := s.Scan(ctx, id)
	_, err2 := s.Result(ctx, id)
	_, err3 := s.Findings(ctx, id)
	_, err4 := s.EntryPoints(ctx, id)
	_, err5 := s.Concerns(ctx, id)
	_, err6 := s.Blockers(ctx, id)
	_, err7 := s.Diff(ctx, id, id)
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("call %d on scan %d = %v, want ErrNotFound", i+1, id, err)
		}
	}
}

func testEmpty(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := NewResult(1, 0, 0)
	res.Blockers, res.Concerns = []graph.Blocker{}, []contract.Concern{}
	id := save(t, s, &store.Scan{Meta: meta("openstack/oslo.i18n", "aa", 0), Result: res})
	fs, err := s.Findings(ctx, id)
	if err != nil || fs == nil || len(fs) != 0 {
		t.Errorf("Findings(empty scan) = %#v, %v; want an empty list", fs, err)
	}
	eps, err := s.EntryPoints(ctx, id)
	if err != nil || eps == nil || len(eps) != 0 {
		t.Errorf("EntryPoints(empty scan) = %#v, %v; want an empty list", eps, err)
	}
}

func testRepos(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Saved out of order: a backfill scans old tags after the head.
	head := meta("openstack/nova", "head", 10)
	head.CommittedAt = t0.Add(9 * 24 * time.Hour)
	old := meta("openstack/nova", "old", 11)
	old.Team, old.CommittedAt = "nova-old", t0.Add(-300*24*time.Hour)
	headID := save(t, s, &store.Scan{Meta: head, Result: NewResult(1, 5, 1)})
	save(t, s, &store.Scan{Meta: old, Result: NewResult(2, 7, 1)})
	g := meta("openstack/glance_store", "g1", 1)
	g.Team = "glance"
	gID := save(t, s, &store.Scan{Meta: g, Result: NewResult(3, 2, 0)})

	repos, err := s.Repos(ctx)
	if err != nil {
		t.Fatalf("Repos() = %v", err)
	}
	type row struct {
		Name, Team string
		Scans      int
		Latest     int64
	}
	var got []row
	for _, r := range repos {
		got = append(got, row{r.Name, r.Team, r.Scans, r.Latest.ID})
	}
	want := []row{{"openstack/glance_store", "glance", 1, gID}, {"openstack/nova", "nova", 2, headID}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Repos() mismatch (-want +got):\n%s", diff)
	}
}

func testScans(t *testing.T, s store.Store) {
	ctx := context.Background()
	ids := map[string]int64{}
	for i, c := range []struct{ repo, commit, ref, series string }{
		{"openstack/nova", "n1", "29.0.0", "2024.1"},
		{"openstack/nova", "n2", "30.0.0", "2024.2"},
		{"openstack/nova", "n3", "30.0.1", "2024.2"},
		{"openstack/nova", "n4", "master", "2025.1"},
		{"openstack/cinder", "c1", "24.0.0", "2024.1"},
		{"openstack/cinder", "c2", "25.0.0", "2024.2"},
	} {
		m := meta(c.repo, c.commit, i)
		m.Ref, m.Series = c.ref, c.series
		ids[c.commit] = save(t, s, &store.Scan{Meta: m, Result: NewResult(int64(i), 3, 1)})
	}
	for _, tt := range []struct {
		name string
		f    store.ScanFilter
		want []string
	}{
		{"all", store.ScanFilter{}, []string{"n1", "n2", "n3", "n4", "c1", "c2"}},
		{"repo", store.ScanFilter{Repo: "openstack/nova"}, []string{"n1", "n2", "n3", "n4"}},
		{"series", store.ScanFilter{Series: "2024.2"}, []string{"n2", "n3", "c2"}},
		{"ref", store.ScanFilter{Ref: "master"}, []string{"n4"}},
		{"commit", store.ScanFilter{Commit: "c1"}, []string{"c1"}},
		{"dates", store.ScanFilter{Since: t0.Add(24 * time.Hour), Until: t0.Add(3 * 24 * time.Hour)}, []string{"n2", "n3", "n4"}},
		{"latest per repo", store.ScanFilter{Latest: true}, []string{"c2", "n4"}},
		{"latest of a series", store.ScanFilter{Series: "2024.2", Latest: true}, []string{"c2", "n3"}},
		{"rule set", store.ScanFilter{RuleSet: "other"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scans, err := s.Scans(ctx, tt.f)
			if err != nil {
				t.Fatalf("Scans(%+v) = %v", tt.f, err)
			}
			var got []string
			for _, sc := range scans {
				got = append(got, sc.Commit)
				if sc.ID != ids[sc.Commit] {
					t.Errorf("Scans(%+v): %s has id %d, want %d", tt.f, sc.Commit, sc.ID, ids[sc.Commit])
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scans(%+v) mismatch (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

func testDiff(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := func(rule, path string, line int, fp string) analysis.Finding {
		return analysis.Finding{Rule: rule, Path: path, Line: line, Fingerprint: fp, Message: rule + " at " + path,
			Severity: analysis.SevLow, Kind: pyproj.KindRuntime}
	}
	older := NewResult(1, 0, 0)
	older.Findings = []analysis.Finding{
		f("EV101", "a.py", 3, "keep"),
		f("EV102", "a.py", 10, "move"),
		f("EV103", "b.py", 5, "gone"),
		f("EV104", "c.py", 7, "dup"), // the same fingerprint in two roots
		f("EV104", "c.py", 7, "dup"),
	}
	newer := NewResult(1, 0, 0)
	newer.Findings = []analysis.Finding{
		f("EV101", "a.py", 3, "keep"),
		f("EV102", "a.py", 14, "move"),
		f("EV105", "b.py", 5, "fresh"),
		f("EV104", "c.py", 7, "dup"),
	}
	a := save(t, s, &store.Scan{Meta: meta("openstack/nova", "old", 0), Result: older})
	b := save(t, s, &store.Scan{Meta: meta("openstack/nova", "new", 1), Result: newer})
	d, err := s.Diff(ctx, a, b)
	if err != nil {
		t.Fatalf("Diff(%d, %d) = %v", a, b, err)
	}
	type row struct {
		Change         store.Change
		Rule           string
		Line, FromLine int
	}
	var got []row
	for _, c := range d.Findings {
		got = append(got, row{c.Change, c.Rule, c.Line, c.FromLine})
	}
	want := []row{
		{store.Unchanged, "EV101", 3, 3},
		{store.Moved, "EV102", 14, 10},
		{store.Fixed, "EV103", 5, 5},
		{store.New, "EV105", 5, 0},
		{store.Fixed, "EV104", 7, 7},
		{store.Unchanged, "EV104", 7, 7},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff(%d, %d) mismatch (-want +got):\n%s", a, b, diff)
	}
	if d.From.ID != a || d.To.ID != b {
		t.Errorf("Diff(%d, %d) is between %d and %d", a, b, d.From.ID, d.To.ID)
	}
	for c, n := range map[store.Change]int{store.New: 1, store.Fixed: 2, store.Unchanged: 2, store.Moved: 1} {
		if got := d.Count(c); got != n {
			t.Errorf("Count(%s) = %d, want %d", c, got, n)
		}
	}
	other := save(t, s, &store.Scan{Meta: meta("openstack/cinder", "x", 1), Result: newer})
	if _, err := s.Diff(ctx, a, other); err == nil {
		t.Errorf("Diff(nova, cinder) = nil error, want an error")
	}
}

func testCache(t *testing.T, s store.Store) {
	ctx := context.Background()
	k := store.CacheKey{Content: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", RuleSet: "rules-1"}
	if v, ok, err := s.CacheGet(ctx, k); err != nil || ok || v != nil {
		t.Fatalf("CacheGet(%v) on an empty cache = %q, %v, %v; want a miss", k, v, ok, err)
	}
	if err := s.CachePut(ctx, k, []byte("analysis v1")); err != nil {
		t.Fatalf("CachePut(%v) = %v", k, err)
	}
	if err := s.CachePut(ctx, k, []byte("analysis v2")); err != nil {
		t.Fatalf("CachePut(%v) again = %v", k, err)
	}
	if v, ok, err := s.CacheGet(ctx, k); err != nil || !ok || string(v) != "analysis v2" {
		t.Errorf("CacheGet(%v) = %q, %v, %v; want \"analysis v2\"", k, v, ok, err)
	}
	other := store.CacheKey{Content: k.Content, RuleSet: "rules-2"}
	if _, ok, err := s.CacheGet(ctx, other); err != nil || ok {
		t.Errorf("CacheGet(%v) = %v, %v; want a miss (another rule set)", other, ok, err)
	}
	empty := store.CacheKey{Content: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", RuleSet: "rules-1"}
	if err := s.CachePut(ctx, empty, nil); err != nil {
		t.Fatalf("CachePut(%v, nil) = %v", empty, err)
	}
	if v, ok, err := s.CacheGet(ctx, empty); err != nil || !ok || len(v) != 0 {
		t.Errorf("CacheGet(%v) = %q, %v, %v; want an empty hit", empty, v, ok, err)
	}
	many := []store.CacheEntry{{Key: store.CacheKey{Content: "m1", RuleSet: "rules-1"}, Value: []byte("one")},
		{Key: store.CacheKey{Content: "m2", RuleSet: "rules-1"}}, {Key: k, Value: []byte("analysis v3")}}
	if err := s.CachePutMany(ctx, many); err != nil {
		t.Fatalf("CachePutMany = %v", err)
	}
	for _, e := range many {
		if v, ok, err := s.CacheGet(ctx, e.Key); err != nil || !ok || string(v) != string(e.Value) {
			t.Errorf("after CachePutMany, CacheGet(%v) = %q, %v, %v; want %q", e.Key, v, ok, err, e.Value)
		}
	}
	bad := []store.CacheEntry{{Key: store.CacheKey{Content: "m3", RuleSet: "rules-1"}, Value: []byte("x")}, {Key: store.CacheKey{RuleSet: "rules-1"}}}
	if err := s.CachePutMany(ctx, bad); err == nil {
		t.Error("CachePutMany with an empty key = nil error")
	}
	if _, ok, _ := s.CacheGet(ctx, bad[0].Key); ok {
		t.Error("CachePutMany with an empty key stored part of the batch")
	}
	binary := store.CacheKey{Content: "bin", RuleSet: "rules-1"}
	val := []byte{0, 1, 2, 0xff, 0xfe, 0}
	if err := s.CachePut(ctx, binary, val); err != nil {
		t.Fatalf("CachePut(%v) = %v", binary, err)
	}
	if v, ok, err := s.CacheGet(ctx, binary); err != nil || !ok || string(v) != string(val) {
		t.Errorf("CacheGet(%v) = %v, %v, %v; want %v", binary, v, ok, err, val)
	}
	if err := s.CachePut(ctx, store.CacheKey{}, val); err == nil {
		t.Errorf("CachePut(empty key) = nil error, want an error")
	}
}

// testCacheEviction: a prune drops the entries of other builds, then the
// least recently used (put or served) beyond the size bound, and keeps
// what was used since; the counts it reports are what the cache holds.
func testCacheEviction(t *testing.T, s store.Store) {
	ctx := context.Background()
	key := func(n string) store.CacheKey { return store.CacheKey{Content: n, RuleSet: "ctx"} }
	put := func(build string, names ...string) {
		t.Helper()
		var es []store.CacheEntry
		for _, n := range names {
			es = append(es, store.CacheEntry{Key: key(n), Value: []byte(strings.Repeat("x", 100)), Build: build})
		}
		if err := s.CacheUse(ctx, nil, es); err != nil {
			t.Fatalf("CacheUse(put %v) = %v", names, err)
		}
	}
	held := func() []string {
		t.Helper()
		var out []string
		for _, n := range []string{"old1", "old2", "a", "b", "c", "d", "e"} {
			if _, ok, err := s.CacheGet(ctx, key(n)); err != nil {
				t.Fatal(err)
			} else if ok {
				out = append(out, n)
			}
		}
		return out
	}
	put("build-0", "old1", "old2")
	put("build-1", "a", "b") // step 2
	put("build-1", "c")      // step 3
	put("build-1", "d", "e") // step 4
	// a is served to a scan: used at step 5, the most recent.
	if err := s.CacheUse(ctx, []store.CacheKey{key("a")}, nil); err != nil {
		t.Fatalf("CacheUse(used a) = %v", err)
	}
	if err := s.CachePut(ctx, key("old1"), []byte("no build")); err != nil {
		t.Fatal(err)
	}
	got, err := s.CachePrune(ctx, store.CachePolicy{Build: "build-1"})
	if err != nil {
		t.Fatalf("CachePrune(build) = %v", err)
	}
	if want := (store.CachePruned{Dropped: 2, Kept: 5, Bytes: 500}); got != want {
		t.Errorf("CachePrune(build-1) = %+v, want %+v", got, want)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e"}, held()); diff != "" {
		t.Errorf("after pruning other builds (-want +got):\n%s", diff)
	}
	// 300 bytes: a (step 5) and d, e (step 4) stay; c (3) and b (2) go.
	got, err = s.CachePrune(ctx, store.CachePolicy{Build: "build-1", MaxBytes: 300})
	if err != nil {
		t.Fatalf("CachePrune(300 bytes) = %v", err)
	}
	if want := (store.CachePruned{Dropped: 2, Kept: 3, Bytes: 300}); got != want {
		t.Errorf("CachePrune(300 bytes) = %+v, want %+v", got, want)
	}
	if diff := cmp.Diff([]string{"a", "d", "e"}, held()); diff != "" {
		t.Errorf("after the size bound (-want +got):\n%s", diff)
	}
	// A bound below the newest step drops all; nothing left to drop after.
	if got, err = s.CachePrune(ctx, store.CachePolicy{MaxBytes: 50}); err != nil || got != (store.CachePruned{Dropped: 3}) {
		t.Errorf("CachePrune(50 bytes) = %+v, %v; want 3 dropped, none kept", got, err)
	}
	if got, err = s.CachePrune(ctx, store.CachePolicy{Build: "build-1", MaxBytes: 1}); err != nil || got != (store.CachePruned{}) {
		t.Errorf("CachePrune of an empty cache = %+v, %v; want nothing", got, err)
	}
}

// testConcurrent saves from two writers while a reader checks that every
// scan it can see is whole.
func testConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const perWriter = 8
	const findings = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, err)
	}
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				m := meta(fmt.Sprintf("openstack/repo%d", w), fmt.Sprintf("c%d", i), i)
				if _, _, err := s.SaveScan(ctx, &store.Scan{Meta: m, Result: NewResult(int64(i), findings, 5)}); err != nil {
					fail(err)
				}
			}
		}()
	}
	// The reader checks each scan once, as soon as it is visible: checking
	// every scan again each round costs much under the race detector and
	// adds nothing.
	reads := make(chan int, 1)
	go func() {
		checked := map[int64]bool{}
		defer func() { reads <- len(checked) }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			scans, err := s.Scans(ctx, store.ScanFilter{})
			if err != nil {
				fail(err)
				return
			}
			for _, sc := range scans {
				if checked[sc.ID] {
					continue
				}
				checked[sc.ID] = true
				fs, err := s.Findings(ctx, sc.ID)
				if err != nil {
					fail(err)
					return
				}
				if len(fs) != findings || sc.NumFindings != findings {
					fail(fmt.Errorf("scan %d visible with %d findings (counted %d), want %d", sc.ID, len(fs), sc.NumFindings, findings))
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	t.Logf("reader checked %d of %d scans while they were written", <-reads, 2*perWriter)
	for _, err := range failures {
		t.Error(err)
	}
	scans, err := s.Scans(ctx, store.ScanFilter{})
	if err != nil || len(scans) != 2*perWriter {
		t.Errorf("Scans() after concurrent saves = %d, %v; want %d", len(scans), err, 2*perWriter)
	}
}

// testReplayRace saves one scan from several goroutines at once, as when an
// upload is retried while the first attempt is still being written: one
// save creates it, the others get its id.
func testReplayRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 4
	res := NewResult(1, 100, 5)
	type out struct {
		id      int64
		created bool
		err     error
	}
	outs := make(chan out, n)
	for i := 0; i < n; i++ {
		go func() {
			id, created, err := s.SaveScan(ctx, &store.Scan{Meta: meta("openstack/nova", "c0ffee", 0), Result: res})
			outs <- out{id, created, err}
		}()
	}
	created, ids := 0, map[int64]bool{}
	for i := 0; i < n; i++ {
		o := <-outs
		if o.err != nil {
			t.Fatalf("SaveScan = %v", o.err)
		}
		if o.created {
			created++
		}
		ids[o.id] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Errorf("%d concurrent saves of one scan: %d created, %d ids; want 1 and 1", n, created, len(ids))
	}
	scans, err := s.Scans(ctx, store.ScanFilter{})
	if err != nil || len(scans) != 1 {
		t.Errorf("Scans() = %d, %v; want 1", len(scans), err)
	}
}
