package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/store"
)

// backfillFleet writes testdata/fleet/backfill.txtar into a temporary
// working directory and builds its repositories: src/svc and src/worker
// as checkouts, src/blob.git as a bare repository. It returns the commit
// of every tag ("acme/svc 1.0.0") and a replacer that puts placeholders
// for them into output, so goldens do not depend on git.
func backfillFleet(t *testing.T) (map[string]string, *strings.Replacer) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := fleetFixture(t, filepath.Join("testdata", "fleet", "backfill.txtar"))
	commits := map[string]string{}
	gitIn := func(repo, date string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.org", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	names, _ := filepath.Glob(filepath.Join(dir, "repos", "*", "TAGS"))
	for _, tags := range names {
		name := filepath.Base(filepath.Dir(tags))
		repo := filepath.Join(dir, "src", name)
		os.MkdirAll(repo, 0o755)
		gitIn(repo, "2025-01-01T00:00:00Z", "init", "-q", "-b", "master")
		data, _ := os.ReadFile(tags)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			tag, date, _ := strings.Cut(line, " ")
			overlay := filepath.Join(dir, "repos", name, tag)
			err := filepath.Walk(overlay, func(p string, fi os.FileInfo, err error) error {
				if err != nil || fi.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(overlay, p)
				b, _ := os.ReadFile(p)
				write(t, repo, filepath.ToSlash(rel), string(b))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			gitIn(repo, date, "add", "-A")
			gitIn(repo, date, "commit", "-q", "--no-gpg-sign", "-m", tag)
			gitIn(repo, date, "tag", tag)
			commits["acme/"+name+" "+tag] = gitIn(repo, date, "rev-parse", "HEAD")
		}
	}
	bare := filepath.Join(dir, "src", "blob.git")
	gitIn(dir, "2025-01-01T00:00:00Z", "clone", "-q", "--bare", filepath.Join(dir, "src", "blob"), bare)
	os.RemoveAll(filepath.Join(dir, "src", "blob"))
	var pairs []string
	for k, c := range commits {
		pairs = append(pairs, "{{"+k+"}}", c)
	}
	fill := strings.NewReplacer(pairs...)
	files, _ := filepath.Glob(filepath.Join(dir, "releases", "deliverables", "*", "*.yaml"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		os.WriteFile(f, []byte(fill.Replace(string(b))), 0o644)
	}
	keys := make([]string, 0, len(commits))
	for k := range commits {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var hide []string
	for _, k := range keys {
		hide = append(hide, commits[k], "<"+k+">", commits[k][:12], "<"+k+">")
	}
	return commits, strings.NewReplacer(hide...)
}

func backfillJSON(t *testing.T, args ...string) fleetBackfillOutput {
	t.Helper()
	out, errOut, code := run(t, append([]string{"fleet", "backfill", "--format", "json"}, args...)...)
	if code != ExitClean {
		t.Fatalf("fleet backfill %q: exit %d: %s", args, code, errOut)
	}
	var doc fleetBackfillOutput
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("fleet backfill output is not JSON: %v\n%s", err, out)
	}
	return doc
}

// refLines summarises a backfill: one line per release, "repo series ref
// from state stage".
func refLines(doc fleetBackfillOutput) []string {
	var out []string
	for _, r := range doc.Repos {
		for _, ref := range r.Refs {
			out = append(out, strings.Join([]string{r.Repo, ref.Series, ref.Ref, ref.From, ref.State, stageText(ref.Stage)}, " | "))
		}
	}
	return out
}

// TestFleetBackfill: the releases of every repository are named by their
// series from the releases data (matched by repository: the deliverable
// named "worker" ships another one), the manifest's patterns or the tags'
// dates; a bare repository is backfilled like a checkout; a second run
// scans nothing; --since leaves the older series out.
// Rewrite the goldens with: go test ./internal/cli -run TestFleetBackfill -update
func TestFleetBackfill(t *testing.T) {
	commits, hide := backfillFleet(t)
	args := []string{"--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "fleet.db", "--workers", "2"}
	first := backfillJSON(t, args...)
	want := []string{
		"acme/blob | 2025.1 | b0.1 | tag date against the series table | stored | stage 1",
		"acme/blob | 2025.2 | b0.2 | tag date against the series table | stored | stage 1",
		"acme/blob | 2026.1 | b0.3 | tag date against the series table | stored | stage 3",
		"acme/svc | 2025.1 | 1.0.0 | releases data | stored | stage 0",
		"acme/svc | 2025.2 | 2.0.0 | releases data | stored | stage 1",
		"acme/svc | 2026.1 | 3.0.0 | releases data | stored | stage 2",
		"acme/worker | 2025.1 | w1.0 | manifest series pattern | stored | stage 0",
		"acme/worker | 2025.2 | w2.0 | manifest series pattern | stored | stage 0",
		"acme/worker | 2026.1 | w3.0 | manifest series pattern | stored | stage 0",
	}
	if diff := cmp.Diff(want, refLines(first)); diff != "" {
		t.Fatalf("fleet backfill (-want +got):\n%s", diff)
	}
	if len(first.Failed) != 0 || len(first.Missing) != 0 {
		t.Errorf("fleet backfill failed %+v, missing %v; want none", first.Failed, first.Missing)
	}
	// The commit is the one the releases data gives, the series stored
	// with the scan; later releases reuse the unchanged files' analysis.
	st, err := store.Open(context.Background(), "fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := st.Scans(context.Background(), store.ScanFilter{Repo: "acme/svc"})
	if err != nil || len(svc) != 3 {
		t.Fatalf("store holds %d scans of acme/svc (%v), want 3", len(svc), err)
	}
	if s := svc[1]; s.Commit != commits["acme/svc 2.0.0"] || s.Series != "2025.2" || s.Ref != "2.0.0" || s.Team != "compute" {
		t.Errorf("stored scan of svc 2.0.0 = %+v, want its commit, series 2025.2, team compute", s.Meta)
	}
	if w := first.Repos[2].Refs[2]; w.Parsed != 0 || w.Reused == 0 {
		t.Errorf("worker w3.0 (no Python change) parsed %d, reused %d; want nothing parsed", w.Parsed, w.Reused)
	}

	second := backfillJSON(t, args...)
	for _, line := range refLines(second) {
		if !strings.Contains(line, "| present |") {
			t.Errorf("second backfill: %s, want present (nothing scanned again)", line)
		}
	}
	if n := storedScans(t, "fleet.db"); n != 9 {
		t.Errorf("store holds %d scans after two backfills, want 9", n)
	}
	out, errOut, code := run(t, append([]string{"fleet", "backfill"}, args...)...)
	if code != ExitClean {
		t.Fatalf("fleet backfill text: exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "backfill.txt"), hide.Replace(out))

	since := backfillJSON(t, "--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "since.db", "--since", "2025.2")
	for _, line := range refLines(since) {
		if strings.Contains(line, "2025.1") {
			t.Errorf("backfill --since 2025.2 scanned %s", line)
		}
	}
	if got := len(refLines(since)); got != 6 {
		t.Errorf("backfill --since 2025.2 planned %d releases, want 6", got)
	}
	// Without releases data the built-in table names svc's tags by date:
	// the highest version of each series' window (2.0.0, not 1.0.1).
	builtin := backfillJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "builtin.db")
	var svcRefs []string
	for _, line := range refLines(builtin) {
		if strings.HasPrefix(line, "acme/svc ") {
			svcRefs = append(svcRefs, line)
		}
	}
	wantBuiltin := []string{
		"acme/svc | 2025.1 | 1.0.0 | tag date against the series table | stored | stage 0",
		"acme/svc | 2025.2 | 2.0.0 | tag date against the series table | stored | stage 1",
		"acme/svc | 2026.1 | 3.0.0 | tag date against the series table | stored | stage 2",
	}
	if diff := cmp.Diff(wantBuiltin, svcRefs); diff != "" {
		t.Errorf("backfill without releases data (-want +got):\n%s", diff)
	}
}

// TestFleetBackfillErrors: usage mistakes and a commit the repository does
// not have.
func TestFleetBackfillErrors(t *testing.T) {
	backfillFleet(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no map", []string{"--src", "src"}, ExitUsage, "needs the team map"},
		{"no src", []string{"--manifest", "fleet.toml"}, ExitUsage, "needs --src"},
		{"bad since", []string{"--manifest", "fleet.toml", "--src", "src", "--since", "1999.1"}, ExitUsage, `--since "1999.1": no such series`},
		{"bad releases", []string{"--manifest", "fleet.toml", "--src", "src", "--releases", "src"}, ExitError, "no data/series_status.yaml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, append([]string{"fleet", "backfill", "--db", "x.db"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("fleet backfill %q = %d, %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
			}
		})
	}
	// A hash the repository does not hold fails that release only.
	f := filepath.Join("releases", "deliverables", "flamingo", "svc-server.yaml")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, []byte(strings.Replace(string(b), "hash: ", "hash: 2222222222222222222222222222222222222222 #", 1)), 0o644)
	doc := backfillJSON(t, "--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "bad.db")
	var states []string
	for _, r := range doc.Repos {
		if r.Repo == "acme/svc" {
			for _, ref := range r.Refs {
				states = append(states, ref.Ref+" "+ref.State)
				if ref.State == "failed" && !strings.Contains(ref.Reason, "2.0.0") {
					t.Errorf("failed release reason %q does not name it", ref.Reason)
				}
			}
		}
	}
	if diff := cmp.Diff([]string{"1.0.0 stored", "2.0.0 failed", "3.0.0 stored"}, states); diff != "" {
		t.Errorf("backfill with a missing commit (-want +got):\n%s", diff)
	}
}

// TestFleetDiff: two series of a backfilled fleet, per team: stage moves,
// services that flipped mode (toward threading, and blob's api straight to
// threading only), new and fixed findings by fingerprint.
// Rewrite the goldens with: go test ./internal/cli -run TestFleetDiff -update
func TestFleetDiff(t *testing.T) {
	_, hide := backfillFleet(t)
	backfillJSON(t, "--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "fleet.db")
	out, errOut, code := run(t, "fleet", "diff", "--db", "fleet.db", "--format", "json", "2025.1", "gazpacho")
	if code != ExitClean {
		t.Fatalf("fleet diff: exit %d: %s", code, errOut)
	}
	var doc fleetDiff
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, team := range doc.Teams {
		for _, r := range team.Repos {
			var flips []string
			for _, fl := range r.Flips {
				flips = append(flips, fl.Service+":"+fl.Toward)
			}
			got[team.Team+" "+r.Repo] = strings.Join([]string{r.FromRef + "->" + r.ToRef, stageMove(r),
				"new " + strconv.Itoa(r.New), "fixed " + strconv.Itoa(r.Fixed), strings.Join(flips, ",")}, " | ")
		}
	}
	want := map[string]string{
		"compute acme/svc":    "1.0.0->3.0.0 | 0 → 2 | new " + strconv.Itoa(doc.Teams[0].Repos[0].New) + " | fixed " + strconv.Itoa(doc.Teams[0].Repos[0].Fixed) + " | svc-api:threading,svc-worker:threading",
		"compute acme/worker": "w1.0->w3.0 | 0 | new " + strconv.Itoa(doc.Teams[0].Repos[1].New) + " | fixed 0 | ",
		"storage acme/blob":   "b0.1->b0.3 | 1 → 3 | new 0 | fixed " + strconv.Itoa(doc.Teams[1].Repos[0].Fixed) + " | blob-api:threading",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fleet diff 2025.1 gazpacho (-want +got):\n%s", diff)
	}
	// The counts themselves: svc stopped spawning greenthreads and
	// patching at import (fixed) and gained the guarded patch of gate.py
	// (new); worker gained a GreenPool (new) and fixed nothing; blob
	// dropped eventlet (fixed) and added nothing.
	if svc, worker, blob := doc.Teams[0].Repos[0], doc.Teams[0].Repos[1], doc.Teams[1].Repos[0]; svc.Fixed == 0 || svc.New == 0 || worker.New == 0 || blob.Fixed == 0 {
		t.Errorf("fleet diff: svc fixed %d new %d, worker new %d, blob fixed %d; want all > 0", svc.Fixed, svc.New, worker.New, blob.Fixed)
	}
	if doc.From.Kind != "series" || doc.To.Kind != "series" || doc.Summary.StageForward != 2 || doc.Summary.FlipsThreading != 3 {
		t.Errorf("fleet diff summary = %+v from %+v to %+v", doc.Summary, doc.From, doc.To)
	}
	for _, format := range []string{"markdown", "text"} {
		out, errOut, code := run(t, "fleet", "diff", "--db", "fleet.db", "--format", format, "2025.1", "2026.1")
		if code != ExitClean {
			t.Fatalf("fleet diff --format %s: exit %d: %s", format, code, errOut)
		}
		checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "diff."+map[string]string{"markdown": "md", "text": "txt"}[format]), hide.Replace(out))
	}
	// A tag and a date select too; a selector that matches nothing is an
	// error that says what it tried.
	out, _, code = run(t, "fleet", "diff", "--db", "fleet.db", "--format", "json", "2.0.0", "2026-03-31")
	if code != ExitClean || !strings.Contains(out, `"kind": "ref"`) || !strings.Contains(out, `"kind": "date"`) {
		t.Errorf("fleet diff 2.0.0 2026-03-31 = %d\n%s", code, out)
	}
	_, errOut, code = run(t, "fleet", "diff", "--db", "fleet.db", "2019.1", "2026.1")
	if code != ExitError || !strings.Contains(errOut, `"2019.1" names no series, date or ref`) {
		t.Errorf("fleet diff of an unknown series = %d, %q", code, errOut)
	}
	_, errOut, code = run(t, "fleet", "diff", "--db", "fleet.db", "2026.1")
	if code != ExitUsage || !strings.Contains(errOut, "two arguments") {
		t.Errorf("fleet diff with one argument = %d, %q", code, errOut)
	}
}

// TestFleetReportAndPace: after a backfill of three series, fleet status
// carries each repository's pace (a projection) and fleet report the
// per-team answer: compute can turn eventlet off partly (svc's services
// have a switch, worker's has none), with what remains by family and file,
// the stage by series and the deadlines now and at this pace.
// Rewrite the goldens with: go test ./internal/cli -run TestFleetReportAndPace -update
func TestFleetReportAndPace(t *testing.T) {
	_, hide := backfillFleet(t)
	backfillJSON(t, "--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "fleet.db")
	out, errOut, code := run(t, "fleet", "status", "--db", "fleet.db", "--format", "json")
	if code != ExitClean {
		t.Fatalf("fleet status: exit %d: %s", code, errOut)
	}
	var doc fleet.Status
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	pace := map[string]string{}
	for _, r := range doc.Repos {
		if r.Pace == nil || !r.Pace.Projection {
			t.Fatalf("fleet status %s: pace %+v, want a projection", r.Repo, r.Pace)
		}
		var v []string
		for _, d := range r.Pace.Deadlines {
			v = append(v, d.Verdict)
		}
		pace[r.Repo] = r.Pace.NextSeries + " " + strings.Join(v, ",")
	}
	want := map[string]string{
		"acme/svc":    "2026.2 meets,meets,meets,meets", // stage 0 → 2 in two releases: stage 3 next release
		"acme/worker": " misses,misses,misses,misses",   // no stage gained: no date
		"acme/blob":   " meets,meets,meets,meets",       // stage 3 already
	}
	if diff := cmp.Diff(want, pace); diff != "" {
		t.Errorf("fleet status pace (-want +got):\n%s", diff)
	}
	for _, format := range []string{"text", "markdown"} {
		out, errOut, code := run(t, "fleet", "status", "--db", "fleet.db", "--format", format)
		if code != ExitClean {
			t.Fatalf("fleet status --format %s: exit %d: %s", format, code, errOut)
		}
		checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "history_status."+map[string]string{"text": "txt", "markdown": "md"}[format]), hide.Replace(out))
	}

	out, errOut, code = run(t, "fleet", "report", "--db", "fleet.db", "--format", "json", "compute")
	if code != ExitClean {
		t.Fatalf("fleet report: exit %d: %s", code, errOut)
	}
	var rep teamReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := []string{"team " + rep.CanTurnOff}
	for _, r := range rep.Repos {
		got = append(got, r.Status.Repo+" "+r.CanTurnOff+" series "+strconv.Itoa(len(r.History)))
	}
	if diff := cmp.Diff([]string{"team partly", "acme/svc yes series 3", "acme/worker no series 3"}, got); diff != "" {
		t.Errorf("fleet report compute (-want +got):\n%s", diff)
	}
	out, errOut, code = run(t, "fleet", "report", "--db", "fleet.db", "compute")
	if code != ExitClean {
		t.Fatalf("fleet report markdown: exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "report_compute.md"), hide.Replace(out))
	// A checkout past its last release (worker gains a switch) is scanned
	// by fleet scan; the pace, which rests on releases, says so.
	write(t, ".", "src/worker/worker/main.py", "import os\n\nif os.environ.get('WORKER_DISABLE_EVENTLET_PATCHING', '').lower() not in ('1', 'true', 'yes'):\n    import eventlet\n    eventlet.monkey_patch()\n\n\ndef main():\n    pass\n")
	fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "fleet.db")
	out, _, _ = run(t, "fleet", "status", "--db", "fleet.db", "--team", "compute")
	if !strings.Contains(out, "acme/worker") || !strings.Contains(out, "the newest scan (after 2026.1) is at stage 1") {
		t.Errorf("fleet status after a scan past the last release: no note of the newer stage\n%s", out)
	}
	_, errOut, code = run(t, "fleet", "report", "--db", "fleet.db", "nobody")
	if code != ExitError || !strings.Contains(errOut, `no scan of a repository of team "nobody"`) {
		t.Errorf("fleet report of an unknown team = %d, %q", code, errOut)
	}
}

// TestFleetScanBare: fleet scan reads a bare repository at HEAD through the
// history machinery, stored under HEAD's commit and branch, and a second
// run skips it.
func TestFleetScanBare(t *testing.T) {
	commits, _ := backfillFleet(t)
	first := fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "fleet.db")
	var blob *scannedRepo
	for i, r := range first.Scanned {
		if r.Repo == "acme/blob" {
			blob = &first.Scanned[i]
		}
	}
	if blob == nil || blob.Commit != commits["acme/blob b0.3"] || blob.Ref != "master" || !blob.Stored || blob.Stage == nil || *blob.Stage != 3 {
		t.Fatalf("fleet scan of the bare acme/blob = %+v, want HEAD (b0.3) on master, stored, stage 3; failed %+v", blob, first.Failed)
	}
	st, err := store.Open(context.Background(), "fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Result(context.Background(), blob.ScanID)
	st.Close()
	if err != nil || len(res.EntryPoints) != 1 || res.EntryPoints[0].Name != "blob-api" || res.Roots[0] != filepath.Join("src", "blob.git") {
		t.Errorf("stored result of the bare scan: %v, roots %v, entry points %+v; want blob-api under src/blob.git", err, res.Roots, res.EntryPoints)
	}
	second := fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "fleet.db")
	for _, r := range second.Scanned {
		if r.Stored {
			t.Errorf("second fleet scan stored %s again", r.Repo)
		}
	}
}

// TestFleetFileCacheBound: a run with the file cache prunes it: the
// entries of another letgo build are dropped (never served to this one),
// then the least recently used beyond --file-cache-max; the output says
// what the cache holds, and without the cache there is no prune.
func TestFleetFileCacheBound(t *testing.T) {
	backfillFleet(t)
	args := []string{"--manifest", "fleet.toml", "--src", "src", "--releases", "releases", "--db", "fleet.db", "--workers", "2"}
	first := backfillJSON(t, args...)
	if c := first.FileCache; c == nil || c.Kept == 0 || c.Bytes == 0 || c.Dropped != 0 {
		t.Fatalf("first backfill's file cache = %+v, want entries kept, none dropped", c)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	stale := store.CacheKey{Content: "0123456789abcdef0123456789abcdef01234567", RuleSet: "file-stale"}
	if err := st.CacheUse(ctx, nil, []store.CacheEntry{{Key: stale, Value: []byte("from another build"), Build: "exe:another"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	second := backfillJSON(t, args...)
	if c := second.FileCache; c == nil || c.Dropped != 1 || c.Kept != first.FileCache.Kept || c.Bytes != first.FileCache.Bytes {
		t.Errorf("second backfill's file cache = %+v, want the other build's entry dropped and %+v kept", c, first.FileCache)
	}
	st, err = store.Open(ctx, "fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.CacheGet(ctx, stale); err != nil || ok {
		t.Errorf("the other build's entry after the prune: held %v (%v), want dropped", ok, err)
	}
	st.Close()

	bound := first.FileCache.Bytes / 2
	third := backfillJSON(t, append(args, "--file-cache-max", strconv.FormatInt(bound, 10))...)
	if c := third.FileCache; c == nil || c.Dropped == 0 || c.Bytes > bound || c.Kept >= first.FileCache.Kept {
		t.Errorf("backfill with --file-cache-max %d: file cache %+v, want entries dropped and at most %d bytes kept", bound, c, bound)
	}
	if off := backfillJSON(t, append(args, "--file-cache=false")...); off.FileCache != nil {
		t.Errorf("backfill --file-cache=false pruned the cache: %+v", off.FileCache)
	}
	if _, errOut, code := run(t, append([]string{"fleet", "backfill"}, append(args, "--file-cache-max", "12X")...)...); code != ExitUsage || !strings.Contains(errOut, "not a size") {
		t.Errorf("--file-cache-max 12X: exit %d, %s; want a usage error", code, errOut)
	}
}
