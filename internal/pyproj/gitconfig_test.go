package pyproj

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestLoadIgnoresRepositoryFsmonitor: a checkout's .git/config may come
// from an upload nobody vetted, and git runs core.fsmonitor when ls-files
// reads the index. Loading the project must not run it.
func TestLoadIgnoresRepositoryFsmonitor(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the hook is a shell script")
	}
	dir := tree(t, map[string]string{"svc/__init__.py": "", "svc/api.py": "import os\n"})
	marker := filepath.Join(t.TempDir(), "fsmonitor-ran")
	hook := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch '"+marker+"'\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"},
		{"config", "core.fsmonitor", hook},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 2 {
		t.Errorf("Load(%q) found %d files, want 2", dir, len(p.Files))
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("Load(%q) ran the repository's core.fsmonitor hook", dir)
	}
}
