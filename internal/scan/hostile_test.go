package scan

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
)

// TestHostileTree: FIFOs, links to /dev/zero and links out of the tree
// each become one EV904 finding; the scan neither blocks nor grows, and
// analyses the rest.
func TestHostileTree(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil || runtime.GOOS == "windows" {
		t.Skip("needs /dev/zero and FIFOs")
	}
	secret := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(secret, []byte("import eventlet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/good.py":     "import eventlet\n",
		"pkg/inside.py":   "",
	})
	for name, target := range map[string]string{"pkg/zero.py": "/dev/zero", "setup.cfg": "/dev/zero", "pkg/passwd.py": secret} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"pkg/pipe.py", "requirements.txt"} {
		if err := syscall.Mkfifo(filepath.Join(dir, filepath.FromSlash(name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		res *contract.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := Run(context.Background(), []string{dir}, Options{})
		done <- result{res, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the scan of a tree with FIFOs and devices did not finish")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := map[string][]string{}
	for _, f := range r.res.Findings {
		got[f.Path] = append(got[f.Path], f.Rule+" "+f.Message)
	}
	want := map[string]string{
		"pkg/good.py":      "EV101",
		"pkg/pipe.py":      "EV904 cannot read: not a regular file (a named pipe)",
		"requirements.txt": "EV904 cannot read: not a regular file (a named pipe)",
		"pkg/zero.py":      "EV904 symlink points outside the project",
		"setup.cfg":        "EV904 symlink points outside the project",
		"pkg/passwd.py":    "EV904 symlink points outside the project",
	}
	for path, w := range want {
		n := 0
		for _, g := range got[path] {
			if strings.HasPrefix(g, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: findings %q, want one starting %q", path, got[path], w)
		}
	}
}

// TestReadSourceDevice: a Python file that is a device when it is read is
// refused at once, not read until memory runs out.
func TestReadSourceDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("needs /dev/zero")
	}
	f := &pyproj.File{Path: "pkg/zero.py", Abs: "/dev/zero", Python: true, Kind: pyproj.KindRuntime}
	proj := &pyproj.Project{Files: []*pyproj.File{f}}
	fr := scanFile(proj, f, rules.All(), nil, nil, nil)
	if !fr.skipped || len(fr.findings) != 1 || fr.findings[0].Message != "cannot read: not a regular file (a character device)" {
		t.Errorf("scanFile(/dev/zero) = skipped %v, findings %+v", fr.skipped, fr.findings)
	}
}
