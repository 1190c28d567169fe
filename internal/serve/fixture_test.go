package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
)

// Hostile values planted in the fixtures: each must be shown as text.
const (
	hostileScript = `</script><script>document.title="pwned"</script>`
	hostileSVG    = `"><svg onload=alert(1)>`
	hostileANSI   = "\x1b[31mred\x1b[0m"
)

func intp(n int) *int { return &n }

// fixtureResult is a small scan written for the tests: n findings over two
// files, an entry point per mode given, a concern and a blocker.
func fixtureResult(stage *int, epModes []modes.Mode, n int, hostile bool) *contract.Result {
	res := &contract.Result{Schema: contract.Schema, Tool: contract.Tool{Name: "letgo", Version: "test"}, Rules: []string{"EV101", "EV102", "EV201"},
		Stats: contract.Stats{ByFamily: map[string]int{}, ByKind: map[string]int{}, BySeverity: map[string]int{}}, Concerns: []contract.Concern{}, Blockers: []graph.Blocker{}}
	path, msg, ep := "pkg/service.py", "eventlet.spawn() called", "svc-api"
	if hostile {
		path, msg, ep = "pkg/"+hostileSVG+".py", "eventlet.spawn() "+hostileScript+" "+hostileANSI, "svc-"+hostileSVG
	}
	for i := range n {
		rule, fam := "EV102", "1"
		if i%3 == 2 {
			rule, fam = "EV201", "2"
		}
		p := path
		if i%2 == 1 {
			p = "pkg/other.py"
		}
		res.Findings = append(res.Findings, analysis.Finding{Rule: rule, Slug: "x", Family: int(fam[0] - '0'), Kind: "runtime", Path: p, Line: 10 + i, Col: 4,
			Message: msg, Severity: analysis.Severity("medium"), Fingerprint: fmt.Sprintf("fp-%s-%d", rule, i)})
		res.Stats.RuntimeDebt++
		res.Stats.ByFamily[fam]++
	}
	for i, m := range epModes {
		name := fmt.Sprintf("%s-%d", ep, i)
		res.EntryPoints = append(res.EntryPoints, contract.EntryPoint{Name: name, Group: "console_scripts", Target: "pkg.cmd:main", Path: "pkg/cmd.py", Source: "setup.cfg", Line: 3,
			Module: "pkg.cmd", Eventlet: "unconditional", Mode: m, Chain: []graph.Hop{{Module: "pkg.cmd"}, {Module: "eventlet", Path: path, Line: 2, Text: "import eventlet", Guard: enums.GuardUnconditional}},
			ModeEvidence: []modes.Evidence{{Path: path, Line: 5, Text: "eventlet.monkey_patch()"}}, Switch: modes.Switch{Env: "SVC_EVENTLET", Default: "eventlet", Values: map[string][]string{"threading": {"0"}}}})
	}
	res.Concerns = append(res.Concerns, contract.Concern{Type: analysis.ConcernHeartbeatSleep, Path: path, Line: 7, Detail: msg, Severity: "high", Rule: "EV301"})
	res.Blockers = append(res.Blockers, graph.Blocker{Module: "oslo_service.eventlet_backdoor", Root: "/src/oslo.service", Path: "oslo_service/eventlet_backdoor.py", Line: 1, Text: "import eventlet", EntryPoints: []string{ep + "-0"}})
	res.Stage = &modes.Stage{Stage: stage, Name: "stage", Summary: "summary " + msg}
	return res
}

type seedScan struct {
	repo, team, series string
	day                int
	stage              *int
	modes              []modes.Mode
	findings           int
	hostile            bool
}

// seed opens a temporary SQLite store holding the scans.
func seed(t *testing.T, scans []seedScan) *store.DB {
	t.Helper()
	return seedInto(t, filepath.Join(t.TempDir(), "letgo.db"), scans)
}

func seedInto(t *testing.T, dsn string, scans []seedScan) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i, sc := range scans {
		m := store.Meta{Repo: sc.repo, Team: sc.team, Commit: fmt.Sprintf("%040x", i+1), Ref: "master", Series: sc.series,
			CommittedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, sc.day), RuleSet: "rules-test"}
		if _, _, err := db.SaveScan(context.Background(), &store.Scan{Meta: m, Result: fixtureResult(sc.stage, sc.modes, sc.findings, sc.hostile)}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func fleetFixture() []seedScan {
	return []seedScan{
		{"openstack/nova", "nova", "2025.2", 0, intp(0), []modes.Mode{modes.EventletOnly, modes.EventletOnly}, 9, false},
		{"openstack/nova", "nova", "2026.1", 200, intp(1), []modes.Mode{modes.DualDefaultEventlet, modes.EventletOnly}, 6, false},
		{"openstack/nova", "nova", "", 300, intp(2), []modes.Mode{modes.DualDefaultThreading, modes.DualDefaultThreading}, 3, false},
		{"openstack/glance", "glance", "2025.2", 0, intp(0), []modes.Mode{modes.EventletOnly}, 5, false},
		{"openstack/glance", "glance", "2026.1", 200, intp(0), []modes.Mode{modes.EventletOnly}, 5, false},
		{"openstack/oslo.service", "oslo", "2026.1", 200, nil, nil, 4, false},
	}
}

// testStatus is a stand-in for fleet status in this package's tests (the
// real one is cli's, which the cli tests serve): schema 1 with the fields
// the pages read, from each repository's latest scan.
func testStatus(ctx context.Context, st Store) ([]byte, error) {
	infos, err := st.Scans(ctx, store.ScanFilter{Latest: true})
	if err != nil {
		return nil, err
	}
	doc := map[string]any{"schema": 1, "generated_at": "2026-12-01T00:00:00Z", "blockers": []any{},
		"summary": map[string]any{"by_stage": map[string]int{}, "deadlines": modes.Deadlines}}
	var repos []map[string]any
	for _, in := range infos {
		res, err := st.Result(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		byMode, thread := map[string]int{}, 0
		for _, e := range res.EntryPoints {
			byMode[string(e.Mode)]++
			if e.Mode == modes.DualDefaultThreading || e.Mode == modes.ThreadingOnly {
				thread++
			}
		}
		var stage *int
		if res.Stage != nil {
			stage = res.Stage.Stage
		}
		repos = append(repos, map[string]any{"repo": in.Repo, "team": in.Team, "commit": in.Commit, "scan_id": in.ID, "stage": stage,
			"scanned_at": in.ScannedAt, "services": map[string]any{"total": len(res.EntryPoints), "threading_default": thread, "by_mode": byMode},
			"debt": map[string]any{"runtime": res.Stats.RuntimeDebt, "by_family": res.Stats.ByFamily}, "blocked_by": []string{}})
	}
	doc["repos"] = repos
	return json.Marshal(doc)
}

func testRuleSet(version string, rules []string) string {
	return "rules-" + version + "-" + strings.Join(rules, ",")
}

// counting counts the store's queries, to bound a page's cost.
type counting struct {
	*store.DB
	n atomic.Int64
}

func (c *counting) Scans(ctx context.Context, f store.ScanFilter) ([]store.ScanInfo, error) {
	c.n.Add(1)
	return c.DB.Scans(ctx, f)
}
func (c *counting) Scan(ctx context.Context, id int64) (*store.ScanInfo, error) {
	c.n.Add(1)
	return c.DB.Scan(ctx, id)
}
func (c *counting) Result(ctx context.Context, id int64) (*contract.Result, error) {
	c.n.Add(1)
	return c.DB.Result(ctx, id)
}
func (c *counting) Generation(ctx context.Context) (string, error) {
	c.n.Add(1)
	return c.DB.Generation(ctx)
}
func (c *counting) FindingsOf(ctx context.Context, ids []int64) (map[int64][]analysis.Finding, error) {
	c.n.Add(1)
	return c.DB.FindingsOf(ctx, ids)
}
func (c *counting) EntryPointsOf(ctx context.Context, ids []int64) (map[int64][]contract.EntryPoint, error) {
	c.n.Add(1)
	return c.DB.EntryPointsOf(ctx, ids)
}
func (c *counting) ScansWithFingerprint(ctx context.Context, repo, fp string) ([]int64, error) {
	c.n.Add(1)
	return c.DB.ScansWithFingerprint(ctx, repo, fp)
}

func newServer(t *testing.T, st Store, private bool) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{Store: st, Status: testStatus, RuleSet: testRuleSet, Private: private, MaxUpload: 1 << 20,
		Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}
