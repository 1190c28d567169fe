package scan

import (
	"context"
	"fmt"
	"github.com/letgo-dev/letgo/internal/contract"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestModeFixtures checks the mode, switch variable names and inversion of
// each entry point of the fixture projects in testdata/modes.
func TestModeFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "modes", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no mode fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want")
			want := secs["want"]
			res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ep := range res.EntryPoints {
				line := ep.Name + " " + string(ep.Mode)
				if ep.Switch.Env != "" {
					line += " env=" + ep.Switch.Env
				}
				if ep.Switch.Config != "" {
					line += " config=" + ep.Switch.Config
				}
				if strings.HasPrefix(string(ep.Mode), "dual") {
					if ep.Switch.Inverted {
						line += " inverted=true"
					} else {
						line += " inverted=false"
					}
				}
				// The deciding fact: the first monkey_patch, backend selection,
				// hook or component in the default outcome's evidence.
				for _, e := range ep.ModeEvidence {
					if strings.Contains(e.Text, "monkey_patch") || strings.Contains(e.Text, "init_backend") ||
						strings.Contains(e.Text, "hook") || strings.Contains(e.Text, "launch") ||
						strings.Contains(e.Text, "Launcher") || strings.Contains(e.Text, "ServiceManager") ||
						strings.Contains(e.Text, "GreenPool") || strings.Contains(e.Text, "WSGI application") {
						line += fmt.Sprintf(" @%s:%d", e.Path, e.Line)
						break
					}
				}
				if ep.ModeReason != "" {
					t.Logf("%s: %s", ep.Name, ep.ModeReason)
				}
				if len(ep.ModeEvidence) == 0 && ep.Mode != "none" {
					t.Errorf("%s: mode %s without evidence", ep.Name, ep.Mode)
				}
				got = append(got, line)
			}
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestModesUnderLimits: a service whose analysis a limit cut short, or
// whose code letgo could not read, has mode unknown with the reason, and
// the stage says so instead of "on track". An entry point whose code is
// another distribution's is left out of the stage as before.
func TestModesUnderLimits(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"setup.cfg": `[metadata]
name = svc
[entry_points]
console_scripts =
    svc-slow = svc.cmd.slow:main
    svc-api = svc.cmd.api:main
    svc-bin = svc.cmd.bin:main
    svc-rootwrap = oslo_rootwrap.cmd:main
`,
		"svc/__init__.py":     "",
		"svc/cmd/__init__.py": "",
		// monkey_patch after more statements than the interpreter runs.
		"svc/cmd/slow.py": "import eventlet\n" + strings.Repeat("x = 1\n", 25_000) + "\n\ndef main():\n    eventlet.monkey_patch()\n    while True:\n        eventlet.sleep(1)\n",
		"svc/cmd/api.py":  "import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n",
		"svc/cmd/bin.py":  "import svc.blob\n\n\ndef main():\n    while True:\n        pass\n",
		"svc/blob.py":     "import eventlet\x00\neventlet.monkey_patch()\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV9"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ mode, reason string }{
		"svc-slow":     {"unknown", "budget of 20000 statements ran out at svc/cmd/slow.py:20001"},
		"svc-api":      {"threading-only", ""},
		"svc-bin":      {"unknown", "module svc.blob (svc/blob.py) could not be analysed"},
		"svc-rootwrap": {"unknown", "not in the project"},
	}
	for _, ep := range res.EntryPoints {
		w, ok := want[ep.Name]
		if !ok {
			t.Errorf("unexpected entry point %s", ep.Name)
			continue
		}
		if string(ep.Mode) != w.mode || !strings.Contains(ep.ModeReason, w.reason) {
			t.Errorf("%s: mode %s (%q), want %s (reason containing %q)", ep.Name, ep.Mode, ep.ModeReason, w.mode, w.reason)
		}
	}
	st := res.Stage
	if st == nil {
		t.Fatal("no stage")
	}
	if strings.Contains(st.Timeline, "on track") || !strings.HasPrefix(st.Timeline, "undetermined") {
		t.Errorf("stage timeline = %q, want undetermined, not on track", st.Timeline)
	}
	if diff := cmp.Diff([]string{"svc-bin", "svc-slow"}, st.UnknownServices); diff != "" {
		t.Errorf("stage unknown services (-want +got):\n%s", diff)
	}
}

// TestKindFixtures checks each entry point's kind (service, tool, wsgi),
// its mode and the line that decided the kind, in testdata/kinds.
func TestKindFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "kinds", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no kind fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want", "stage")
			res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ep := range res.EntryPoints {
				line := ep.Name + " " + string(ep.Kind) + " " + string(ep.Mode)
				if len(ep.KindEvidence) > 0 {
					line += fmt.Sprintf(" @%s:%d", ep.KindEvidence[0].Path, ep.KindEvidence[0].Line)
				}
				got = append(got, line)
			}
			want := secs["want"]
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The stage counts services only: the tools are left out
			// (an entry point of unknown kind counts as a service).
			var services, tools int
			if len(secs["stage"]) != 1 {
				t.Fatal("no stage section")
			}
			if _, err := fmt.Sscanf(secs["stage"][0], "services %d tools %d", &services, &tools); err != nil {
				t.Fatalf("stage section %q: %v", secs["stage"][0], err)
			}
			if st := res.Stage; st == nil || st.Services != services || st.Tools != tools {
				t.Errorf("stage = %+v, want %d services and %d tools", st, services, tools)
			}
		})
	}
}

// TestLibraryEntryPoint: a console script whose code is a library's
// (svc-wrap = wrap_lib.cmd:main) is followed into the library root given
// with With: main(run_daemon=False) called without arguments takes its
// parameter's default, so the plain command is a tool and the daemon
// entry a service. Without the library its mode is unknown, and the
// reason names the distribution to add. Either way the stage places only
// the project's own services.
func TestLibraryEntryPoint(t *testing.T) {
	app := writeTree(t, map[string]string{
		"setup.cfg": `[metadata]
name = svc
[options]
install_requires =
    wrap.lib>=1.0
[entry_points]
console_scripts =
    svc-wrap = wrap_lib.cmd:main
    svc-wrap-daemon = wrap_lib.cmd:daemon
    svc-api = svc.api:main
`,
		"svc/__init__.py": "",
		"svc/api.py":      "import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n",
	})
	lib := writeTree(t, map[string]string{
		"setup.cfg":            "[metadata]\nname = wrap.lib\n",
		"wrap_lib/__init__.py": "",
		"wrap_lib/cmd.py":      "import subprocess\n\n\ndef daemon():\n    main(run_daemon=True)\n\n\ndef main(run_daemon=False):\n    if run_daemon:\n        from wrap_lib import server\n        server.serve()\n    else:\n        subprocess.call(['true'])\n",
		"wrap_lib/server.py":   "import socketserver\n\n\ndef serve():\n    socketserver.TCPServer(('', 0), None).serve_forever()\n",
	})
	kinds := func(res *contract.Result) map[string]string {
		out := map[string]string{}
		for _, ep := range res.EntryPoints {
			out[ep.Name] = string(ep.Kind) + " " + string(ep.Mode)
			if ep.Name == "svc-wrap" && ep.Mode == "unknown" && !strings.Contains(ep.ModeReason, "its code is in wrap.lib") {
				t.Errorf("svc-wrap without the library: reason %q does not name the distribution", ep.ModeReason)
			}
		}
		return out
	}
	res, err := Run(context.Background(), []string{app}, Options{Select: []string{"EV9"}, With: []string{lib}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"svc-wrap": "tool none", "svc-wrap-daemon": "service none", "svc-api": "service threading-only"}
	if diff := cmp.Diff(want, kinds(res)); diff != "" {
		t.Errorf("with the library (-want +got):\n%s", diff)
	}
	if st := res.Stage; st == nil || st.Stage == nil || *st.Stage != 3 {
		t.Errorf("stage with the library = %+v, want 3 (only svc-api is the project's)", st)
	}
	res, err = Run(context.Background(), []string{app}, Options{Select: []string{"EV9"}})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"svc-wrap": "unknown unknown", "svc-wrap-daemon": "unknown unknown", "svc-api": "service threading-only"}
	if diff := cmp.Diff(want, kinds(res)); diff != "" {
		t.Errorf("without the library (-want +got):\n%s", diff)
	}
}
