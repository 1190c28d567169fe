package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
)

const setupCfg = `[metadata]
name = svc
[entry_points]
console_scripts =
    svc-api = svc.api:main
    svc-worker = svc.worker:main
`

const gate = `import os


def patch(backend='eventlet'):
    if os.environ.get('SVC_DISABLE_EVENTLET_PATCHING', '') in ('1', 'true'):
        use = False
    elif os.environ.get('SVC_DISABLE_EVENTLET_PATCHING', '') in ('0', 'false'):
        use = True
    else:
        use = backend == 'eventlet'
    from oslo_service import backend as b
    if use:
        import eventlet
        eventlet.monkey_patch()
        b.init_backend(b.BackendType.EVENTLET)
    else:
        b.init_backend(b.BackendType.THREADING)
`

// release is one tagged state of the fixture repository.
type release struct {
	tag   string
	files map[string]string
}

func repo(t *testing.T, releases []release) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	run("init", "-q")
	for _, r := range releases {
		for p, content := range r.files {
			fp := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(fp), 0o755)
			if content == "" {
				content = "\n"
			}
			if err := os.WriteFile(fp, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		run("add", "-A")
		run("commit", "-q", "-m", r.tag)
		run("tag", r.tag)
	}
	return dir
}

func TestHistory(t *testing.T) {
	patched := "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    pass\n"
	viaGate := func(backend string) string {
		return "from svc import gate\ngate.patch(" + backend + ")\n\n\ndef main():\n    pass\n"
	}
	threads := "import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n"
	dir := repo(t, []release{
		{"1.0.0", map[string]string{"setup.cfg": setupCfg, "requirements.txt": "eventlet\n", "svc/__init__.py": "",
			"svc/api.py": patched, "svc/worker.py": patched}},
		{"2.0.0", map[string]string{"svc/gate.py": gate, "svc/api.py": viaGate(""), "svc/worker.py": viaGate("")}},
		{"3.0.0", map[string]string{"svc/api.py": viaGate("backend='threading'"), "svc/worker.py": viaGate("backend='threading'")}},
		{"3.1.0", map[string]string{"README.rst": "docs only\n"}},
		{"4.0.0", map[string]string{"svc/api.py": threads, "svc/worker.py": threads, "svc/gate.py": "", "requirements.txt": "oslo.log\n"}},
		{"5.0.0", map[string]string{"svc/api.py": patched}}, // back to eventlet only (a regression, not a skip)
	})
	refs, err := ResolveRefs(context.Background(), dir, "*.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), dir, refs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Entries {
		line := e.Name
		for _, s := range e.Services {
			line += " " + s.Name + "=" + string(s.Mode)
		}
		got = append(got, line+" stage="+string(rune('0'+*e.Stage.Stage)))
	}
	want := []string{
		"1.0.0 svc-api=eventlet-only svc-worker=eventlet-only stage=0",
		"2.0.0 svc-api=dual-default-eventlet svc-worker=dual-default-eventlet stage=1",
		"3.0.0 svc-api=dual-default-threading svc-worker=dual-default-threading stage=2",
		"3.1.0 svc-api=dual-default-threading svc-worker=dual-default-threading stage=2",
		"4.0.0 svc-api=threading-only svc-worker=threading-only stage=3",
		"5.0.0 svc-api=eventlet-only svc-worker=threading-only stage=0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if len(rep.Departures) != 0 {
		t.Errorf("departures = %+v, want none (every step taken)", rep.Departures)
	}
	// 5.0.0 moved svc-api back to eventlet and the stage down; svc-worker
	// kept its mode and 3.1.0 changed nothing: no regression there.
	var regs []string
	for _, r := range rep.Regressions {
		regs = append(regs, fmt.Sprintf("%s %s (%s) -> %s (%s)", r.Service, r.From, r.FromRef, r.To, r.ToRef))
	}
	wantRegs := []string{"svc-api threading-only (4.0.0) -> eventlet-only (5.0.0)", " stage 3 (4.0.0) -> stage 0 (5.0.0)"}
	if diff := cmp.Diff(wantRegs, regs); diff != "" {
		t.Errorf("regressions (-want +got):\n%s", diff)
	}
	// 3.1.0 changed no Python file: nothing parsed again.
	if e := rep.Entries[3]; e.Parsed != 0 || e.Reused == 0 {
		t.Errorf("3.1.0 parsed %d, reused %d: want 0 parsed", e.Parsed, e.Reused)
	}

	skip := repo(t, []release{
		{"1.0", map[string]string{"setup.cfg": setupCfg, "svc/__init__.py": "", "svc/api.py": patched, "svc/worker.py": patched}},
		{"2.0", map[string]string{"svc/gate.py": gate, "svc/api.py": viaGate("backend='threading'"), "svc/worker.py": viaGate("")}},
	})
	refs, _ = ResolveRefs(context.Background(), skip, "", []string{"1.0", "2.0"})
	rep, err = Run(context.Background(), skip, refs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Departures) != 1 || rep.Departures[0].Service != "svc-api" || rep.Departures[0].ToRef != "2.0" {
		t.Errorf("departures = %+v, want svc-api skipping the eventlet-default release", rep.Departures)
	}
	if len(rep.Regressions) != 0 {
		t.Errorf("regressions = %+v, want none (every move is forward)", rep.Regressions)
	}
}

// TestRunResultHook: Options.Result sees each ref's full result in order,
// Options.With resolves imports into a library root, and an error from the
// hook ends the run with it.
func TestRunResultHook(t *testing.T) {
	viaLib := "from lib import hub\n\n\ndef main():\n    hub.run()\n"
	dir := repo(t, []release{
		{"1.0", map[string]string{"setup.cfg": setupCfg, "svc/__init__.py": "", "svc/api.py": viaLib, "svc/worker.py": viaLib}},
		{"2.0", map[string]string{"README.rst": "docs\n"}},
	})
	lib := t.TempDir()
	for p, text := range map[string]string{"setup.cfg": "[metadata]\nname = lib\n", "lib/__init__.py": "\n", "lib/hub.py": "import eventlet\n\n\ndef run():\n    eventlet.sleep(0)\n"} {
		os.MkdirAll(filepath.Dir(filepath.Join(lib, p)), 0o755)
		os.WriteFile(filepath.Join(lib, p), []byte(text), 0o644)
	}
	refs, err := ResolveRefs(context.Background(), dir, "", []string{"1.0", "2.0"})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	_, err = Run(context.Background(), dir, refs, Options{With: []string{lib}, Result: func(ref Ref, res *contract.Result) error {
		var blockers []string
		for _, b := range res.Blockers {
			blockers = append(blockers, b.Module)
		}
		seen = append(seen, ref.Name+" "+strings.Join(blockers, ","))
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1.0 lib.hub", "2.0 lib.hub"}, seen); diff != "" {
		t.Errorf("Result hook (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	calls := 0
	_, err = Run(context.Background(), dir, refs, Options{Result: func(Ref, *contract.Result) error { calls++; return stop }})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Run with a failing hook = %v after %d calls, want the hook's error after 1", err, calls)
	}
}

// TestRegressions: a service moving back a step, compared with its last
// ref that had a step (an unknown in between is no step), and the stage
// going down are regressions; a tool's mode, a forward move and an
// unknown stage are not.
func TestRegressions(t *testing.T) {
	stage := func(n int) modes.Stage { return modes.Stage{Stage: &n} }
	entries := []Entry{
		{Ref: Ref{Name: "1"}, Stage: stage(2), Services: []Service{{Name: "api", Mode: modes.DualDefaultThreading, Kind: modes.KindService}, {Name: "manage", Mode: modes.ThreadingOnly, Kind: modes.KindTool}}},
		{Ref: Ref{Name: "2"}, Stage: modes.Stage{}, Services: []Service{{Name: "api", Mode: modes.Unknown, Kind: modes.KindService}, {Name: "manage", Mode: modes.EventletOnly, Kind: modes.KindTool}}},
		{Ref: Ref{Name: "3"}, Stage: stage(1), Services: []Service{{Name: "api", Mode: modes.DualDefaultEventlet, Kind: modes.KindService}}},
		{Ref: Ref{Name: "4"}, Stage: stage(3), Services: []Service{{Name: "api", Mode: modes.ThreadingOnly, Kind: modes.KindService}}},
	}
	var got []string
	for _, r := range regressions(entries) {
		got = append(got, fmt.Sprintf("%s %s (%s) -> %s (%s)", r.Service, r.From, r.FromRef, r.To, r.ToRef))
	}
	want := []string{"api dual-default-threading (1) -> dual-default-eventlet (3)", " stage 2 (1) -> stage 1 (3)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("regressions (-want +got):\n%s", diff)
	}
}

// TestUnchangedTreeReused: a ref whose tree and date are the last ref's (a
// ref given twice, a second tag on the same commit) reuses the last scan,
// and its entry and result are those of scanning it again; a ref whose
// tree differs, if only outside Python, is scanned.
func TestUnchangedTreeReused(t *testing.T) {
	patched := "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    pass\n"
	dir := repo(t, []release{
		{"1.0", map[string]string{"setup.cfg": setupCfg, "svc/__init__.py": "", "svc/api.py": patched, "svc/worker.py": patched}},
		{"2.0", map[string]string{"README.rst": "docs\n", "svc/worker.py": "def main():\n    pass\n"}},
	})
	if out, err := exec.Command("git", "-C", dir, "tag", "2.1", "2.0").CombinedOutput(); err != nil {
		t.Fatalf("git tag: %v %s", err, out)
	}
	refs, err := ResolveRefs(context.Background(), dir, "", []string{"1.0", "2.0", "2.0", "2.1", "1.0", "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	run := func(noReuse bool) (*Report, []string, []string) {
		var scanned, results []string
		rep, err := Run(context.Background(), dir, refs, Options{noReuse: noReuse,
			scanned: func(ref string) { scanned = append(scanned, ref) },
			Result: func(ref Ref, res *contract.Result) error {
				r := *res
				r.Stats.ElapsedMS, r.Stats.GraphMS, r.Graph = 0, 0, nil
				b, err := json.Marshal(r)
				results = append(results, ref.Name+" "+string(b))
				res.Graph = nil // as the fleet's hook does: no later ref may see it
				return err
			}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rep.Entries {
			rep.Entries[i].ElapsedMS = 0
		}
		return rep, scanned, results
	}
	rep, scanned, results := run(false)
	again, _, resultsAgain := run(true)
	if diff := cmp.Diff([]string{"1.0", "2.0", "1.0"}, scanned); diff != "" {
		t.Errorf("refs scanned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(again, rep); diff != "" {
		t.Errorf("report reusing unchanged trees (-scanning every ref +reusing):\n%s", diff)
	}
	if diff := cmp.Diff(resultsAgain, results); diff != "" {
		t.Errorf("results reusing unchanged trees (-scanning every ref +reusing):\n%s", diff)
	}
	if e := rep.Entries[2]; e.Parsed != 0 || e.Reused != 3 {
		t.Errorf("2.0 again: parsed %d, reused %d, want 0 and 3", e.Parsed, e.Reused)
	}
}
