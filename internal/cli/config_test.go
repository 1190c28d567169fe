package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/letgo-dev/letgo/internal/contract"
)

// TestMalformedConfig: a configuration file that does not parse is a
// finding and the scan goes on; only letgo's own broken section is a
// usage error, naming the file and line.
func TestMalformedConfig(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantCode int
		wantErr  string            // on stderr, for a usage error
		want     map[string]string // path → the start of one finding
	}{
		{"broken pyproject.toml", map[string]string{"pyproject.toml": "[project\nname = "},
			ExitClean, "", map[string]string{"pyproject.toml": "EV904 cannot parse"}},
		{"broken setup.cfg", map[string]string{"setup.cfg": "[metadata\nname = x\n"},
			ExitClean, "", map[string]string{"setup.cfg": "EV904 cannot parse"}},
		{"broken tox.ini", map[string]string{"tox.ini": "[tox\nenvlist = py3\n"},
			ExitClean, "", map[string]string{"tox.ini": "EV904 cannot parse"}},
		{"broken pyproject.toml, letgo section fine", map[string]string{"pyproject.toml": "[tool.letgo]\nselect = [\"EV904\", \"EV101\"]\n[project\n"},
			ExitClean, "", map[string]string{"pyproject.toml": "EV904 cannot parse"}},
		{"broken [tool.letgo]", map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n[tool.letgo]\nselect = [\"EV1\",\n"},
			ExitUsage, "pyproject.toml:4:", nil},
		{"broken [letgo]", map[string]string{"setup.cfg": "[metadata]\nname = x\n[letgo]\ninclude-docs = sometimes\n"},
			ExitUsage, "setup.cfg:4:", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "pkg/__init__.py", "")
			write(t, dir, "pkg/good.py", "import eventlet\n")
			for rel, content := range tt.files {
				write(t, dir, rel, content)
			}
			for _, cmd := range [][]string{{"scan", "--format", "json", dir}, {"baseline", "write", filepath.Join(t.TempDir(), "b.json"), dir}} {
				out, errOut, code := run(t, cmd...)
				if code != tt.wantCode {
					t.Fatalf("Main(%q) = %d, want %d; stderr %s", cmd, code, tt.wantCode, errOut)
				}
				if tt.wantErr != "" {
					if !strings.Contains(errOut, tt.wantErr) {
						t.Errorf("Main(%q) stderr = %q, want it to name %q", cmd, errOut, tt.wantErr)
					}
					continue
				}
				if cmd[0] != "scan" {
					continue
				}
				got := findingsByPath(t, out)
				want := map[string]string{"pkg/good.py": "EV101"}
				for k, v := range tt.want {
					want[k] = v
				}
				for path, w := range want {
					if !hasPrefix(got[path], w) {
						t.Errorf("%s: findings %q, want one starting %q", path, got[path], w)
					}
				}
			}
		})
	}
}

// TestSpecialConfigFiles: configuration files linked to /dev/zero and FIFOs
// are findings; the scan finishes with exit 0.
func TestSpecialConfigFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil || runtime.GOOS == "windows" {
		t.Skip("needs /dev/zero and FIFOs")
	}
	dir := t.TempDir()
	write(t, dir, "pkg/__init__.py", "")
	write(t, dir, "pkg/good.py", "import eventlet\n")
	zero := []string{"setup.cfg", "pyproject.toml", "requirements.txt", "tox.ini", ".zuul.yaml", ".coveragerc"}
	for _, name := range zero {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "test-requirements.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "scan", "--format", "json", "--include-docs", dir)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := findingsByPath(t, out)
	for _, name := range zero {
		if !hasPrefix(got[name], "EV904 symlink points outside the project") {
			t.Errorf("%s: findings %q, want EV904", name, got[name])
		}
	}
	if !hasPrefix(got["test-requirements.txt"], "EV904 cannot read: not a regular file (a named pipe)") {
		t.Errorf("test-requirements.txt: findings %q, want EV904", got["test-requirements.txt"])
	}
	if !hasPrefix(got["pkg/good.py"], "EV101") {
		t.Errorf("pkg/good.py: findings %q, want EV101", got["pkg/good.py"])
	}
}

func findingsByPath(t *testing.T, out string) map[string][]string {
	t.Helper()
	var res contract.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("scan output is not JSON: %v\n%s", err, out)
	}
	got := map[string][]string{}
	for _, f := range res.Findings {
		got[f.Path] = append(got[f.Path], f.Rule+" "+f.Message)
	}
	return got
}

func hasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
