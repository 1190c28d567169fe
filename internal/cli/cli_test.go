package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestUsageAndVersion(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no args", nil, ExitUsage, "", "usage: letgo"},
		{"help", []string{"help"}, ExitClean, "", "commands:"},
		{"unknown", []string{"frobnicate"}, ExitUsage, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, ExitClean, "letgo dev", ""},
		{"debug without tool", []string{"debug"}, ExitUsage, "", "usage: letgo debug frontend"},
		{"frontend without dir", []string{"debug", "frontend"}, ExitUsage, "", "usage: letgo debug frontend"},
		{"frontend bad flag", []string{"debug", "frontend", "-nope", "x"}, ExitUsage, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("Main(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestDebugFrontend(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pkg/__init__.py", "import eventlet\neventlet.monkey_patch()\n")
	write("pkg/broken.py", "def f(:\n")
	write("pkg/notes.txt", "import eventlet\n")
	out, errOut, code := run(t, "debug", "frontend", "-workers", "2", dir)
	if code != ExitClean {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"files 2\n", "syntax_errors 1\n", "imports 1\n", "calls 1\n", "workers 2\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestEveryCommandHasHelp: --help of every command exits 0 with its
// synopsis and, for commands with flags, each flag spelt with two dashes.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "--help"}
		if c.name == "baseline" {
			args = []string{"baseline", "write", "--help"}
		}
		if c.name == "debug" {
			args = []string{"debug", "frontend", "--help"}
		}
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, args...)
			if code != ExitClean || out != "" {
				t.Fatalf("Main(%q) = %d, stdout %q; want 0 and help on stderr", args, code, out)
			}
			if !strings.HasPrefix(errOut, "usage: letgo "+c.name) {
				t.Errorf("Main(%q) stderr = %q, want the synopsis first", args, errOut)
			}
			if c.flags {
				if !strings.Contains(errOut, "\nflags:\n  --") {
					t.Errorf("Main(%q) stderr = %q, want the flags with two dashes", args, errOut)
				}
				if strings.Contains(errOut, "\n  -") && strings.Contains(strings.ReplaceAll(errOut, "\n  --", ""), "\n  -") {
					t.Errorf("Main(%q) stderr = %q: a flag with one dash", args, errOut)
				}
			}
		})
	}
}

// TestVersionNamesTheBuild: letgo version names the Go toolchain and, when
// the binary carries them, the module version and commit.
func TestVersionNamesTheBuild(t *testing.T) {
	out, _, code := run(t, "version")
	if code != ExitClean || !strings.HasPrefix(out, "letgo "+Version) || !strings.Contains(out, runtime.Version()) {
		t.Errorf("letgo version = %d, %q; want the version and %s", code, out, runtime.Version())
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && !strings.Contains(out, s.Value[:12]) {
				t.Errorf("letgo version = %q, want the commit %s", out, s.Value[:12])
			}
		}
	}
}
