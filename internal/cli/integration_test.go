package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHooks runs each hook's entry the way pre-commit does — with
// file names appended — on a copy of a small project, so the published
// hooks stay valid invocations.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, line := range strings.Split(string(data), "\n") {
		if e, ok := strings.CutPrefix(strings.TrimSpace(line), "entry: "); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 {
		t.Fatalf("hooks: %d entries, want 2", len(entries))
	}
	dir := project(t, nil)
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := run(t, "baseline", "write", ".letgo-baseline.json"); code != ExitClean {
		t.Fatalf("baseline write = %d: %s", code, errOut)
	}
	write(t, dir, "demo/new.py", "import eventlet\n")
	for _, e := range entries {
		fields := strings.Fields(e)
		if fields[0] != "letgo" {
			t.Fatalf("entry %q does not run letgo", e)
		}
		args := append(fields[1:], "demo/new.py", "demo/work.py")
		out, errOut, code := run(t, args...)
		if code != ExitFindings || !strings.Contains(out, "demo/new.py:1:1: EV101") {
			t.Errorf("entry %q on demo/new.py = %d, stdout %q, stderr %q; want exit 3 and the new finding", e, code, out, errOut)
		}
		if strings.Contains(e, "check") && strings.Contains(out, "demo/work.py") {
			t.Errorf("entry %q reports the baseline's findings:\n%s", e, out)
		}
	}
}
