package cli

import (
	"encoding/json"
	"github.com/letgo-dev/letgo/internal/contract"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/modes"
)

// TestStageNeedsServices: an empty directory, a tree without entry points
// and a subdirectory are never "stage 3 … on track": there is nothing to
// judge, or the project the subdirectory belongs to is judged.
func TestStageNeedsServices(t *testing.T) {
	empty := t.TempDir()
	if _, errOut, code := run(t, "modes", empty); code != ExitError || !strings.Contains(errOut, "no Python project") {
		t.Errorf("modes on an empty directory = %d, stderr %q; want 1 and no Python project", code, errOut)
	}
	res, _, _ := scanJSON(t, empty)
	if res.Stage == nil || res.Stage.Stage != nil || !strings.Contains(res.Stage.Reason, "no Python files") {
		t.Errorf("scan of an empty directory: stage %+v, want null with a reason", res.Stage)
	}
	lib := t.TempDir()
	write(t, lib, "setup.cfg", "[metadata]\nname = lib\n")
	write(t, lib, "lib/__init__.py", "import eventlet\n")
	res, _, _ = scanJSON(t, lib)
	if res.Stage == nil || res.Stage.Stage != nil || !strings.Contains(res.Stage.Reason, "1 Python file(s); runtime code imports eventlet") {
		t.Errorf("scan of a tree without entry points: stage %+v, want null with what was found", res.Stage)
	}
	out, _, _ := run(t, "scan", lib)
	if strings.Contains(out, "on track") || !strings.Contains(out, "Stage undetermined") {
		t.Errorf("scan text of a tree without entry points:\n%s", out)
	}
	var raw map[string]json.RawMessage
	jsonOut, _, _ := run(t, "scan", "--format", "json", lib)
	json.Unmarshal([]byte(jsonOut), &raw)
	var st map[string]json.RawMessage
	json.Unmarshal(raw["stage"], &st)
	if string(st["stage"]) != "null" {
		t.Errorf(`JSON stage.stage = %s, want null`, st["stage"])
	}
	// A subdirectory is judged as part of its project.
	proj := project(t, nil)
	whole, _, _ := run(t, "modes", proj)
	sub, errOut, code := run(t, "modes", filepath.Join(proj, "demo"))
	if code != ExitClean || sub != whole {
		t.Errorf("modes of a subdirectory = %d, stderr %q:\n%s\nwant the project's:\n%s", code, errOut, sub, whole)
	}
}

// TestEveryRootStage: several roots print one stage each.
func TestEveryRootStage(t *testing.T) {
	a, b := project(t, nil), t.TempDir()
	write(t, b, "setup.cfg", "[metadata]\nname = other\n")
	write(t, b, "other/__init__.py", "")
	for _, format := range []string{"text", "markdown"} {
		out, _, _ := run(t, "scan", "--format", format, a, b)
		if !strings.Contains(out, "of "+a) || !strings.Contains(out, "of "+b) {
			t.Errorf("scan --format %s of two roots prints the stage of only one:\n%s", format, out)
		}
	}
}

// TestSameRootOnce: a root given twice (or as "root/") is scanned once.
func TestSameRootOnce(t *testing.T) {
	a := project(t, nil)
	once, _, _ := scanJSON(t, a)
	twice, _, _ := scanJSON(t, a, a+"/")
	if len(twice.Roots) != 1 || len(twice.Findings) != len(once.Findings) || len(twice.EntryPoints) != len(once.EntryPoints) {
		t.Errorf("scan a a/: roots %v, %d findings, %d entry points; want one root and %d, %d",
			twice.Roots, len(twice.Findings), len(twice.EntryPoints), len(once.Findings), len(once.EntryPoints))
	}
}

// TestEventletFreeThroughLibraries: a project whose own code is free of
// eventlet but whose service loads it through a library is not
// eventlet-free, and the stage names the library module.
func TestEventletFreeThroughLibraries(t *testing.T) {
	app, lib := appWithLibrary(t)
	res, _, _ := scanJSON(t, "--with", lib, app)
	st := res.Stage
	if st == nil || st.EventletFree != modes.AnswerNo || strings.Join(st.BlockedBy, ",") != "lib.green" {
		t.Errorf("stage = %+v, want eventlet_free false, blocked_by [lib.green]", st)
	}
	res, _, _ = scanJSON(t, app)
	if st := res.Stage; st == nil || st.EventletFree != modes.AnswerUnknown || len(st.BlockedBy) != 0 {
		t.Errorf("without the library root: stage = %+v, want eventlet_free unknown (the library's imports are not seen)", st)
	}
	// With the library root and a library free of eventlet: free.
	write(t, lib, "lib/green.py", "import threading\n")
	res, _, _ = scanJSON(t, "--with", lib, app)
	if st := res.Stage; st == nil || st.EventletFree != modes.AnswerYes {
		t.Errorf("with an eventlet-free library: stage = %+v, want eventlet_free true", st)
	}
}

// TestEventletFreeDefaultEventlet: a service whose default mode is
// eventlet (a dual mode whose switch is unset) imports eventlet when it
// starts as shipped, however guarded the import: its loads_eventlet is
// yes (via the patch) and the project is not eventlet-free. Near miss:
// the same gate defaulting to threading loads nothing and is free.
func TestEventletFreeDefaultEventlet(t *testing.T) {
	gate := func(dflt string) string {
		return "import os\n\nif os.environ.get('SVC_EVENTLET', '" + dflt + "') == '1':\n    import eventlet\n    eventlet.monkey_patch()\n"
	}
	for _, c := range []struct {
		dflt string
		free bool
	}{{"1", false}, {"0", true}} {
		dir := t.TempDir()
		write(t, dir, "setup.cfg", "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-api = svc.api:main\n    svc-manage = svc.manage:main\n")
		write(t, dir, "svc/manage.py", "def main():\n    print(\"synced\")\n")
		write(t, dir, "svc/__init__.py", gate(c.dflt))
		write(t, dir, "svc/api.py", "import time\n\n\ndef main():\n    while True:\n        time.sleep(1)\n")
		lib := t.TempDir()
		write(t, lib, "setup.cfg", "[metadata]\nname = lib\n")
		write(t, lib, "lib/__init__.py", "")
		res, _, _ := scanJSON(t, "--with", lib, dir)
		if len(res.EntryPoints) != 2 || res.EntryPoints[0].Name != "svc-api" || res.EntryPoints[0].Eventlet == "unconditional" {
			t.Fatalf("default %s: entry points %+v, want one whose eventlet import is guarded", c.dflt, res.EntryPoints)
		}
		if st := res.Stage; st == nil || st.EventletFree != modes.AnswerOf(c.free) {
			t.Errorf("default %s (mode %s): stage = %+v, want eventlet_free %v", c.dflt, res.EntryPoints[0].Mode, st, c.free)
		}
		ep := res.EntryPoints[0]
		if want := map[bool]contract.Loads{true: contract.LoadsNo, false: contract.LoadsYes}[c.free]; ep.LoadsEventlet != want {
			t.Errorf("default %s: loads_eventlet = %q, want %q", c.dflt, ep.LoadsEventlet, want)
		}
		// A tool inheriting the default (none: it starts no concurrent
		// work) still imports eventlet when it starts.
		if tool := res.EntryPoints[1]; tool.Kind != "tool" || tool.Mode != "none" || tool.LoadsEventlet != ep.LoadsEventlet {
			t.Errorf("default %s: tool %s %s loads_eventlet %q, want a tool of mode none loading as the service does (%q)", c.dflt, tool.Kind, tool.Mode, tool.LoadsEventlet, ep.LoadsEventlet)
		}
		if !c.free && (len(ep.LoadsEventletVia) != 1 || ep.LoadsEventletVia[0].Path != "svc/__init__.py" || ep.LoadsEventletVia[0].Line != 5) {
			t.Errorf("default %s: loads_eventlet_via = %+v, want the monkey_patch at svc/__init__.py:5", c.dflt, ep.LoadsEventletVia)
		}
	}
}
