package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
)

// fleetClock is the time the fleet tests run at: scanned_at, generated_at
// and the timeline statements depend on it.
var fleetClock = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

// fleetFixture writes a txtar fleet into a temporary directory, makes it
// the working directory (the goldens hold relative paths) and pins the
// clock.
func fleetFixture(t *testing.T, file string) string {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		write(t, dir, f.Name, string(f.Data))
	}
	t.Chdir(dir)
	old := fleetNow
	fleetNow = func() time.Time { return fleetClock }
	t.Cleanup(func() { fleetNow = old })
	return dir
}

// gitCommit makes dir a git repository with one commit, dated and signed
// the same on every run so that its id is too.
func gitCommit(t *testing.T, dir, branch string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.org", "GIT_AUTHOR_DATE=2026-04-01T10:00:00Z", "GIT_COMMITTER_DATE=2026-04-01T10:00:00Z",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	for _, args := range [][]string{{"init", "-q", "-b", branch}, {"add", "-A"}, {"commit", "-q", "--no-gpg-sign", "-m", "init"}} {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func fleetScanJSON(t *testing.T, args ...string) fleetScanOutput {
	t.Helper()
	out, errOut, code := run(t, append([]string{"fleet", "scan", "--format", "json"}, args...)...)
	if code != ExitClean {
		t.Fatalf("fleet scan %q: exit %d: %s", args, code, errOut)
	}
	var doc fleetScanOutput
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("fleet scan output is not JSON: %v\n%s", err, out)
	}
	return doc
}

func storedScans(t *testing.T, dsn string) int {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.Scans(context.Background(), store.ScanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// TestFleetScanAndStatus runs a fleet of two teams end to end: fleet scan
// into a SQLite store, a second scan that stores nothing new, and fleet
// status in every format.
// Rewrite the goldens with: go test ./internal/cli -run TestFleetScanAndStatus -update
func TestFleetScanAndStatus(t *testing.T) {
	dir := fleetFixture(t, filepath.Join("testdata", "fleet", "manifest.txtar"))
	commit := gitCommit(t, filepath.Join(dir, "src", "svc"), "main")
	scanArgs := []string{"--manifest", "fleet.toml", "--src", "src", "--db", "fleet.db", "--workers", "2"}

	first := fleetScanJSON(t, scanArgs...)
	if got, want := len(first.Scanned), 2; got != want {
		t.Fatalf("fleet scan scanned %d repositories, want %d: %+v", got, want, first.Scanned)
	}
	lib, svc := first.Scanned[0], first.Scanned[1]
	if lib.Repo != "acme/commonlib" || lib.Commit != "" || len(lib.ContentID) != 64 || !lib.Stored || lib.Stage != nil {
		t.Errorf("fleet scan commonlib = %+v, want no commit, a content id, stored, no stage", lib)
	}
	if svc.Repo != "acme/svc" || svc.Team != "compute" || svc.Commit != commit || svc.Ref != "main" || !svc.Stored || svc.Stage == nil || *svc.Stage != 1 {
		t.Errorf("fleet scan svc = %+v, want commit %s on main, stored, stage 1", svc, commit)
	}
	if diff := cmp.Diff([]string{"acme/gone"}, first.Missing); diff != "" {
		t.Errorf("fleet scan missing (-want +got):\n%s", diff)
	}
	if len(first.Failed) != 2 || first.Failed[0].Repo != "acme/broken" || !strings.Contains(first.Failed[0].Reason, "git") ||
		first.Failed[1].Repo != "acme/old" || !strings.HasPrefix(first.Failed[1].Reason, "bare repository: ") {
		t.Errorf("fleet scan failed = %+v, want acme/broken (git) and acme/old (a bare repository without a commit)", first.Failed)
	}

	second := fleetScanJSON(t, scanArgs...)
	for i, r := range second.Scanned {
		if r.Stored || r.ScanID != first.Scanned[i].ScanID {
			t.Errorf("second fleet scan of %s: stored %v id %d, want nothing new (id %d)", r.Repo, r.Stored, r.ScanID, first.Scanned[i].ScanID)
		}
	}
	if n := storedScans(t, "fleet.db"); n != 2 {
		t.Errorf("store holds %d scans after two fleet scans of an unchanged fleet, want 2", n)
	}

	statusArgs := []string{"fleet", "status", "--db", "fleet.db", "--manifest", "fleet.toml", "--src", "src"}
	out, errOut, code := run(t, append(statusArgs, "--format", "json")...)
	if code != ExitClean {
		t.Fatalf("fleet status: exit %d: %s", code, errOut)
	}
	var doc fleet.Status
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("fleet status output is not JSON: %v\n%s", err, out)
	}
	// One status model (fleet.Status), which letgo serve reads too: it
	// holds every field the command prints, and prints them back the same.
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var strict fleet.Status
	if err := dec.Decode(&strict); err != nil {
		t.Errorf("fleet status JSON has a field fleet.Status does not: %v", err)
	}
	again, err := json.Marshal(strict)
	if err != nil {
		t.Fatal(err)
	}
	var printed, model any
	if err := json.Unmarshal([]byte(out), &printed); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &model); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(printed, model); diff != "" {
		t.Errorf("fleet status JSON through fleet.Status (-printed +model):\n%s", diff)
	}
	if doc.Schema != 1 || doc.GeneratedAt != "2026-05-04T12:00:00Z" || len(doc.Repos) != 2 {
		t.Fatalf("fleet status header: schema %d generated %q repos %d", doc.Schema, doc.GeneratedAt, len(doc.Repos))
	}
	s := doc.Repos[0]
	one := 1
	checks := []struct {
		field     string
		got, want any
	}{
		{"repo", s.Repo, "acme/svc"},
		{"team", s.Team, "compute"},
		{"deliverable", s.Deliverable, "svc-server"},
		{"commit", s.Commit, commit},
		{"ref", s.Ref, "main"},
		{"scanned_at", s.ScannedAt, fleetClock},
		{"committed_at", s.CommittedAt.Format(time.RFC3339), "2026-04-01T10:00:00Z"},
		{"stage", s.Stage, &one},
		{"eventlet_free", s.EventletFree, modes.AnswerNo},
		{"blocked_by", s.BlockedBy, []string{"commonlib.hub"}},
		{"services", s.Services, fleet.ServiceCounts{Total: 2, Tools: 1, ByMode: map[string]int{"dual-default-eventlet": 1, "none": 1}}},
		{"deadline 2026.2", s.Deadlines[0], fleet.DeadlineStatus{Series: "2026.2", Requires: "every deliverable that relies on eventlet can run without it", Verdict: "meets"}},
		{"deadline 2027.2", s.Deadlines[3].Verdict, "misses"},
		{"rule_set", s.RuleSet != "" && s.Version == Version, true},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("fleet status repos[0].%s (-want +got):\n%s", c.field, diff)
		}
	}
	if s.Debt.Runtime == 0 || s.Debt.ByFamily["EV2"] == 0 && len(s.Debt.ByFamily) == 0 {
		t.Errorf("fleet status svc debt = %+v, want runtime debt by family", s.Debt)
	}
	l := doc.Repos[1]
	if l.Repo != "acme/commonlib" || l.Team != "libs" || l.Commit != "" || l.ContentID == "" || l.Stage != nil || l.Reason == "" ||
		l.EventletFree != modes.AnswerUnknown {
		t.Errorf("fleet status commonlib = %+v, want no commit, a content id, no stage with a reason, eventlet_free null", l)
	}
	wantBlockers := []fleet.Blocker{{Module: "commonlib.hub", Root: "acme/commonlib", Modules: []string{"commonlib.hub"}, Services: 1, Repos: []string{"acme/svc"}}}
	if diff := cmp.Diff(wantBlockers, doc.Blockers); diff != "" {
		t.Errorf("fleet status blockers (-want +got):\n%s", diff)
	}
	// The library has no stage: it is judged against the deadlines by its
	// own verdict (eventlet required: it meets none), not counted unknown.
	for _, r := range doc.Repos {
		if r.Repo != "acme/commonlib" {
			continue
		}
		if r.Stage != nil || r.Library == nil || r.Library.Eventlet != "required" {
			t.Fatalf("commonlib: stage %v library %+v, want no stage and eventlet required", r.Stage, r.Library)
		}
		for _, d := range r.Deadlines {
			if d.Verdict != "misses" {
				t.Errorf("commonlib (eventlet required) against %s %q: %s, want misses", d.Series, d.Requires, d.Verdict)
			}
		}
	}
	if diff := cmp.Diff([]string{"acme/gone"}, doc.Missing); diff != "" {
		t.Errorf("fleet status missing (-want +got):\n%s", diff)
	}
	if len(doc.Failed) != 2 || doc.Failed[0].Repo != "acme/broken" || !strings.Contains(doc.Failed[0].Reason, "no scan in the store") || !strings.Contains(doc.Failed[1].Reason, "no scan in the store") {
		t.Errorf("fleet status failed = %+v, want acme/broken and acme/old (no scan)", doc.Failed)
	}
	if got := doc.Summary.ByStage; got["1"] != 1 || got["undetermined"] != 1 || doc.Summary.Repos != 2 {
		t.Errorf("fleet status summary = %+v, want one repository in stage 1, one undetermined", doc.Summary)
	}

	for _, format := range []string{"text", "markdown", "csv"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := run(t, append(statusArgs, "--format", format)...)
			if code != ExitClean {
				t.Fatalf("fleet status --format %s: exit %d: %s", format, code, errOut)
			}
			out = strings.ReplaceAll(strings.ReplaceAll(out, commit, "<commit>"), commit[:12], "<commit>")
			checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "status."+map[string]string{"text": "txt", "markdown": "md", "csv": "csv"}[format]), out)
		})
	}

	// --team keeps one team; without the map and --src, missing and failed
	// are not known and the JSON says so with null.
	out, _, _ = run(t, "fleet", "status", "--db", "fleet.db", "--team", "libs", "--format", "json")
	var libs map[string]any
	if err := json.Unmarshal([]byte(out), &libs); err != nil {
		t.Fatal(err)
	}
	if repos := libs["repos"].([]any); len(repos) != 1 || repos[0].(map[string]any)["repo"] != "acme/commonlib" || libs["missing"] != nil || libs["failed"] != nil || libs["notes"] == nil {
		t.Errorf("fleet status --team libs without the map = %s, want commonlib only, missing and failed null, a note", out)
	}
}

// pkgDir is the package directory, where the goldens live: the fleet tests
// change the working directory.
var pkgDir, _ = os.Getwd()

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestFleetScanContentChange: a tree that is not a git checkout is stored
// under the hash of its files, so a changed file is a new scan and an
// unchanged tree is not.
func TestFleetScanContentChange(t *testing.T) {
	dir := fleetFixture(t, filepath.Join("testdata", "fleet", "manifest.txtar"))
	args := []string{"--manifest", "fleet.toml", "--src", "src", "--db", "sqlite:fleet.db"}
	first := fleetScanJSON(t, args...)
	write(t, dir, "src/commonlib/commonlib/hub.py", "import threading\n")
	second := fleetScanJSON(t, args...)
	if first.Scanned[0].ContentID == second.Scanned[0].ContentID || !second.Scanned[0].Stored {
		t.Errorf("after a change in commonlib: content %s → %s, stored %v; want a new content id, stored",
			first.Scanned[0].ContentID, second.Scanned[0].ContentID, second.Scanned[0].Stored)
	}
	if second.Scanned[1].Stored {
		t.Errorf("unchanged svc stored again: %+v", second.Scanned[1])
	}
	if n := storedScans(t, "fleet.db"); n != 3 {
		t.Errorf("store holds %d scans, want 3 (two, then commonlib again)", n)
	}
}

// TestFleetGovernance: with governance data, a checkout is matched by
// repository, not by deliverable name (glance_store is deliverable
// glance-store), and a broken bare repository fails alone.
func TestFleetGovernance(t *testing.T) {
	dir := fleetFixture(t, filepath.Join("..", "fleet", "testdata", "governance.txtar"))
	write(t, dir, "src/glance_store/setup.cfg", "[metadata]\nname = glance_store\n")
	write(t, dir, "src/glance_store/glance_store/__init__.py", "import eventlet\n")
	write(t, dir, "src/ironic.git/HEAD", "ref: refs/heads/master\n")
	write(t, dir, "src/ironic.git/objects/info/packs", "")
	out := fleetScanJSON(t, "--governance", ".", "--src", "src", "--db", "fleet.db")
	if len(out.Scanned) != 1 || out.Scanned[0].Repo != "openstack/glance_store" || out.Scanned[0].Team != "glance" {
		t.Errorf("fleet scan --governance scanned %+v, want openstack/glance_store of glance", out.Scanned)
	}
	if len(out.Failed) != 1 || out.Failed[0].Repo != "openstack/ironic" || !strings.HasPrefix(out.Failed[0].Reason, "bare repository: ") {
		t.Errorf("fleet scan --governance failed %+v, want openstack/ironic, a broken bare repository", out.Failed)
	}
	// Retired repositories (legacy.yaml) are not expected under --src.
	for _, m := range out.Missing {
		if m == "openstack/astra" || m == "openstack/astra-dashboard" || m == "openstack/glance-ui" {
			t.Errorf("fleet scan --governance lists the retired %s as missing", m)
		}
	}
	if len(out.Missing) == 0 {
		t.Error("fleet scan --governance: no repository missing, want the live ones --src lacks")
	}
	status, errOut, code := run(t, "fleet", "status", "--db", "fleet.db", "--governance", ".", "--format", "json")
	var doc fleet.Status
	if code != ExitClean || json.Unmarshal([]byte(status), &doc) != nil || len(doc.Repos) != 1 {
		t.Fatalf("fleet status: exit %d %s\n%s", code, errOut, status)
	}
	if r := doc.Repos[0]; r.Deliverable != "glance-store" || r.Team != "glance" {
		t.Errorf("fleet status --governance repo = %s of %s (deliverable %s), want glance-store of glance", r.Repo, r.Team, r.Deliverable)
	}
}

// TestFleetLocate: how checkouts under --src are told from bare
// repositories, files and ambiguous names.
func TestFleetLocate(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	write(t, a, "nova/setup.cfg", "")
	write(t, a, "cinder.git/HEAD", "ref: refs/heads/master\n")
	write(t, a, "cinder.git/objects/.keep", "")
	write(t, b, "cinder/setup.cfg", "") // a checkout in a later --src beats a bare one
	write(t, a, "swift/HEAD", "ref: refs/heads/master\n")
	write(t, a, "swift/objects/.keep", "")
	write(t, a, "heat", "not a directory")
	write(t, a, "glance/.git/HEAD", "ref: refs/heads/master\n") // a checkout, though it has HEAD
	write(t, a, "glance/objects/.keep", "")
	write(t, a, "common/setup.cfg", "")
	write(t, root, "fleet.toml", `[[team]]
name = "t"
repos = ["openstack/nova", "openstack/cinder", "openstack/swift", "openstack/heat", "openstack/glance", "openstack/gone", "openstack/common", "x/common"]
`)
	m, err := fleet.ReadManifest(filepath.Join(root, "fleet.toml"))
	if err != nil {
		t.Fatal(err)
	}
	found, missing, failures := locate(m, []string{a, b})
	got := map[string]string{}
	for _, l := range found {
		rel, _ := filepath.Rel(root, l.dir)
		got[l.repo.Name] = "found " + filepath.ToSlash(rel)
		if l.bare {
			got[l.repo.Name] += " (bare)"
		}
	}
	for _, name := range missing {
		got[name] = "missing"
	}
	for _, f := range failures {
		got[f.Repo] = f.Reason
	}
	want := map[string]string{
		"openstack/nova":   "found a/nova",
		"openstack/cinder": "found b/cinder",
		"openstack/swift":  "found a/swift (bare)",
		"openstack/heat":   "not a directory",
		"openstack/glance": "found a/glance",
		"openstack/gone":   "missing",
		"openstack/common": `ambiguous checkout: the team map names openstack/common, x/common, all checked out as "common"`,
		"x/common":         `ambiguous checkout: the team map names openstack/common, x/common, all checked out as "common"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locate (-want +got):\n%s", diff)
	}
}

// TestFleetErrors: mistakes are usage errors (exit 2), a store that is not
// there is exit 1, both named.
func TestFleetErrors(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "fleet.toml")
	write(t, dir, "fleet.toml", "[[team]]\nname = \"t\"\nrepos = [\"acme/x\"]\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"fleet"}, ExitUsage, "usage: letgo fleet scan"},
		{"unknown subcommand", []string{"fleet", "frob"}, ExitUsage, `unknown fleet subcommand "frob"`},
		{"backfill without map", []string{"fleet", "backfill"}, ExitUsage, "needs the team map"},
		{"scan without map", []string{"fleet", "scan", "--src", dir}, ExitUsage, "--governance DIR or --manifest FILE"},
		{"scan without src", []string{"fleet", "scan", "--manifest", manifest}, ExitUsage, "needs --src"},
		{"scan both maps", []string{"fleet", "scan", "--manifest", manifest, "--governance", dir, "--src", dir}, ExitUsage, "not both"},
		{"scan bad src", []string{"fleet", "scan", "--manifest", manifest, "--src", filepath.Join(dir, "nope")}, ExitError, "not a directory"},
		{"scan nothing found", []string{"fleet", "scan", "--manifest", manifest, "--src", dir, "--db", filepath.Join(dir, "x.db")}, ExitError, "no repository the team map names"},
		{"bad manifest", []string{"fleet", "scan", "--manifest", filepath.Join(dir, "missing.toml"), "--src", dir}, ExitError, "read team map"},
		{"status bad format", []string{"fleet", "status", "--format", "xml"}, ExitUsage, "--format must be one of"},
		{"status no store", []string{"fleet", "status", "--db", filepath.Join(dir, "none.db")}, ExitError, "fleet scan creates it"},
		{"status bad dsn", []string{"fleet", "status", "--db", "mysql://x"}, ExitError, "unsupported scheme"},
		{"status src without map", []string{"fleet", "status", "--src", dir}, ExitUsage, "--src needs the team map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("Main(%q) = %d, %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Errorf("fleet status created the store it could not find")
	}
}

// TestRuleSetHash: the hash changes with the version and the rules, not
// with their order.
func TestRuleSetHash(t *testing.T) {
	base := ruleSetHash("1.0", []string{"EV101", "EV201"})
	tests := []struct {
		name    string
		version string
		ids     []string
		same    bool
	}{
		{"order", "1.0", []string{"EV201", "EV101"}, true},
		{"version", "1.1", []string{"EV101", "EV201"}, false},
		{"rule", "1.0", []string{"EV101"}, false},
	}
	for _, tt := range tests {
		if got := ruleSetHash(tt.version, tt.ids); (got == base) != tt.same {
			t.Errorf("ruleSetHash(%q, %q) = %s, base %s; same = %v, want %v", tt.version, tt.ids, got, base, got == base, tt.same)
		}
	}
}

// TestFleetScanSymlinks: a --src of symlinks to the checkouts (how a
// fleet is assembled from trees kept elsewhere) is scanned through them.
func TestFleetScanSymlinks(t *testing.T) {
	dir := fleetFixture(t, filepath.Join("testdata", "fleet", "manifest.txtar"))
	gitCommit(t, filepath.Join(dir, "src", "svc"), "main")
	os.MkdirAll(filepath.Join(dir, "links"), 0o755)
	for _, n := range []string{"svc", "commonlib"} {
		if err := os.Symlink(filepath.Join(dir, "src", n), filepath.Join(dir, "links", n)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	out := fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "links", "--db", "fleet.db")
	if len(out.Scanned) != 2 || out.Scanned[1].Repo != "acme/svc" || out.Scanned[1].Stage == nil || *out.Scanned[1].Stage != 1 {
		t.Fatalf("fleet scan through symlinks scanned %+v, want svc at stage 1", out.Scanned)
	}
	// commonlib is no git checkout: its files are walked, through the link.
	st, err := store.Open(context.Background(), "fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lib, err := st.Scan(context.Background(), out.Scanned[0].ScanID)
	if err != nil || lib.Repo != "acme/commonlib" || lib.Stats.PythonFiles != 2 {
		t.Errorf("fleet scan of the linked commonlib = %+v (%v), want its 2 Python files scanned", lib, err)
	}
	// Its content id is that of the files behind the link: a change is
	// a new scan.
	write(t, dir, "src/commonlib/commonlib/hub.py", "import threading\n")
	again := fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "links", "--db", "fleet.db")
	if again.Scanned[0].ContentID == out.Scanned[0].ContentID || !again.Scanned[0].Stored {
		t.Errorf("after a change behind the link: content %s → %s, stored %v; want a new scan",
			out.Scanned[0].ContentID, again.Scanned[0].ContentID, again.Scanned[0].Stored)
	}
}

// TestFleetBlockersGrouped: the modules of one library package that
// import eventlet are one blocker (one cause), with the modules inside,
// and a service that reaches several of them counts once; goldens of the
// text and Markdown status.
func TestFleetBlockersGrouped(t *testing.T) {
	fleetFixture(t, filepath.Join("testdata", "fleet", "blockers.txtar"))
	fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "fleet.db", "--workers", "2")
	statusArgs := []string{"fleet", "status", "--db", "fleet.db", "--manifest", "fleet.toml", "--src", "src"}
	out, errOut, code := run(t, append(statusArgs, "--format", "json")...)
	if code != ExitClean {
		t.Fatalf("fleet status: exit %d: %s", code, errOut)
	}
	var doc fleet.Status
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := []fleet.Blocker{
		{Module: "lib.backend._eventlet", Root: "acme/lib", Services: 3, Repos: []string{"acme/other", "acme/svc"},
			Modules: []string{"lib.backend._eventlet", "lib.backend._eventlet.loop", "lib.backend._eventlet.threads"}},
		{Module: "lib.hub", Root: "acme/lib", Services: 1, Repos: []string{"acme/svc"}, Modules: []string{"lib.hub"}},
	}
	if diff := cmp.Diff(want, doc.Blockers); diff != "" {
		t.Errorf("fleet status blockers (-want +got):\n%s", diff)
	}
	for _, format := range []string{"text", "markdown"} {
		out, errOut, code := run(t, append(statusArgs, "--format", format)...)
		if code != ExitClean {
			t.Fatalf("fleet status --format %s: exit %d: %s", format, code, errOut)
		}
		checkGolden(t, filepath.Join(pkgDir, "testdata", "fleet", "blockers_status."+map[string]string{"text": "txt", "markdown": "md"}[format]), out)
	}
}
