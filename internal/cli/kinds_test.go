package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// kindProject is a project with one service (main launches workers and
// waits on the launcher) and one tool (argparse sub-commands that return),
// both under a package that patches eventlet at import.
func kindProject(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "setup.cfg", "[metadata]\nname = kp\n[entry_points]\nconsole_scripts =\n    kp-engine = kp.cmd.engine:main\n    kp-manage = kp.cmd.manage:main\n")
	write(t, dir, "kp/__init__.py", "")
	write(t, dir, "kp/cmd/__init__.py", "import eventlet\neventlet.monkey_patch()\n")
	write(t, dir, "kp/cmd/engine.py", "from oslo_service import service\n\n\ndef main():\n    launcher = service.ProcessLauncher(None)\n    launcher.wait()\n")
	write(t, dir, "kp/cmd/manage.py", "import argparse\n\n\ndef sync(args):\n    return 0\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n    sub = parser.add_subparsers()\n    sub.add_parser('db-sync').set_defaults(func=sync)\n    args = parser.parse_args()\n    return args.func(args)\n")
	return dir
}

// TestKindsEndToEnd: text, JSON and Markdown say which entry point is a
// service and which a tool; the tool that runs no concurrent work is none,
// and only the service is counted in the stage.
func TestKindsEndToEnd(t *testing.T) {
	dir := kindProject(t)
	out, errOut, code := run(t, "modes", dir)
	if code != ExitClean {
		t.Fatalf("modes exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"kp-engine                    service  eventlet-only",
		"kp-manage                    tool     none",
		"0 of 1 services default to threading (1 tool(s) not counted)",
		"stage 0 (eventlet only): 1 service(s) run only on eventlet: kp-engine",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("modes text lacks %q:\n%s", want, out)
		}
	}
	jsonOut, _, _ := run(t, "modes", "--format", "json", dir)
	var doc struct {
		EntryPoints []struct {
			Name, Kind, Mode string
			ModeReason       string `json:"mode_reason"`
		} `json:"entrypoints"`
		Stage struct {
			Services, Tools  int
			ThreadingDefault int `json:"threading_default"`
		} `json:"stage"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ep := range doc.EntryPoints {
		got[ep.Name] = ep.Kind + " " + ep.Mode
		if ep.Name == "kp-manage" && !strings.Contains(ep.ModeReason, "inherits eventlet-only") {
			t.Errorf("kp-manage mode_reason = %q, want the inherited mode named", ep.ModeReason)
		}
	}
	if got["kp-engine"] != "service eventlet-only" || got["kp-manage"] != "tool none" {
		t.Errorf("JSON kinds = %v", got)
	}
	if doc.Stage.Services != 1 || doc.Stage.Tools != 1 || doc.Stage.ThreadingDefault != 0 {
		t.Errorf("JSON stage counts = %+v, want 1 service, 1 tool, 0 threading", doc.Stage)
	}
	md, _, _ := run(t, "scan", "--format", "markdown", dir)
	if !strings.Contains(md, "| kp-manage | console\\_scripts | tool | none |") || !strings.Contains(md, "| kp-engine | console\\_scripts | service | eventlet-only |") {
		t.Errorf("markdown lacks the kinds:\n%s", md)
	}
	txt, _, _ := run(t, "scan", dir)
	if !strings.Contains(txt, "kp-manage                        tool    none") {
		t.Errorf("scan text lacks the kind:\n%s", txt)
	}
}
