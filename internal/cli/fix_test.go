package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// patchAll is a service's monkey patching with eventlet's defaults (time
// included), the condition for the sleep rewrites.
const patchAll = "import eventlet\n\neventlet.monkey_patch()\n"

// TestFix applies letgo fix to small projects and compares each file with
// the expected rewrite; a rescan shows the fixed findings gone and nothing
// new, and CPython parses every rewritten file when it is installed.
func TestFix(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string // demo/x.py -> source
		want      map[string]string // rewritten sources (unchanged when absent)
		remaining []string          // EV116/EV117 findings left, path:line rule
		noPatch   bool              // no demo/boot.py calling eventlet.monkey_patch()
	}{
		{
			name:      "no monkey_patch() in the project (a library): no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\n\neventlet.sleep(1)\n"},
			remaining: []string{"demo/a.py:3 EV117"},
			noPatch:   true,
		},
		{
			name:  "adds the import before third-party imports",
			files: map[string]string{"demo/a.py": "import eventlet\n\n\ndef f():\n    eventlet.sleep(5)\n"},
			want:  map[string]string{"demo/a.py": "import time\nimport eventlet\n\n\ndef f():\n    time.sleep(5)\n"},
		},
		{
			name:  "in the stdlib block, alphabetically",
			files: map[string]string{"demo/a.py": "\"\"\"Doc.\"\"\"\nimport os\nimport sys\n\nimport eventlet\n\neventlet.sleep(0.5)\n"},
			want:  map[string]string{"demo/a.py": "\"\"\"Doc.\"\"\"\nimport os\nimport sys\nimport time\n\nimport eventlet\n\ntime.sleep(0.5)\n"},
		},
		{
			name:  "before a later stdlib module",
			files: map[string]string{"demo/a.py": "import os\nimport uuid\n\nfrom eventlet import greenthread as gt\n\n\ndef f():\n    gt.sleep()\n    gt.sleep(0)\n"},
			want:  map[string]string{"demo/a.py": "import os\nimport time\nimport uuid\n\nfrom eventlet import greenthread as gt\n\n\ndef f():\n    time.sleep(0)\n    time.sleep(0)\n"},
		},
		{
			name:  "time already imported",
			files: map[string]string{"demo/a.py": "import time\n\nimport eventlet\n\n\ndef f(n):\n    eventlet.sleep(n * 2)\n    time.sleep(1)\n"},
			want:  map[string]string{"demo/a.py": "import time\n\nimport eventlet\n\n\ndef f(n):\n    time.sleep(n * 2)\n    time.sleep(1)\n"},
		},
		{
			name:      "keyword argument: no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\n\neventlet.sleep(seconds=1)\n"},
			remaining: []string{"demo/a.py:3 EV117"},
		},
		{
			name:      "time is a parameter: no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\n\n\ndef f(time):\n    eventlet.sleep(time)\n"},
			remaining: []string{"demo/a.py:5 EV117"},
		},
		{
			name:      "time is a local: no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\n\n\ndef f():\n    for time in (1, 2):\n        eventlet.sleep(time)\n"},
			remaining: []string{"demo/a.py:6 EV117"},
		},
		{
			name:      "time names another module: no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\nfrom oslo_utils import timeutils as time\n\neventlet.sleep(1)\n"},
			remaining: []string{"demo/a.py:4 EV117"},
		},
		{
			name: "time not patched in eventlet mode: no fix anywhere",
			files: map[string]string{
				"demo/__init__.py": "import eventlet\n\neventlet.monkey_patch(time=False)\n",
				"demo/a.py":        "import eventlet\n\neventlet.sleep(1)\n",
			},
			remaining: []string{"demo/a.py:3 EV117"},
		},
		{
			name: "threading only, no monkey patching, no green threads: fixed",
			files: map[string]string{
				"demo/work.py": "import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n",
				"demo/a.py":    "import eventlet\n\n\ndef wait():\n    eventlet.sleep(2)\n",
			},
			want:    map[string]string{"demo/a.py": "import time\nimport eventlet\n\n\ndef wait():\n    time.sleep(2)\n"},
			noPatch: true,
		},
		{
			name: "no monkey patching but green threads: no fix",
			files: map[string]string{
				"demo/a.py": "import eventlet\n\n\ndef wait():\n    eventlet.sleep(2)\n",
			},
			remaining: []string{"demo/a.py:5 EV117"},
			noPatch:   true,
		},
		{
			name: "a library (no services) that patches for itself: no fix",
			files: map[string]string{
				"setup.cfg": "[metadata]\nname = lib\n",
				"demo/a.py": "import eventlet\n\neventlet.sleep(1)\n",
			},
			remaining: []string{"demo/a.py:3 EV117"},
		},
		{
			name: "time not patched through a module that re-exports eventlet: no fix",
			files: map[string]string{
				"demo/concurrency.py": "import eventlet\n",
				"demo/utils.py":       "from demo.concurrency import eventlet\n\n\ndef patch():\n    eventlet.patcher.monkey_patch(all=False, socket=True)\n",
				"demo/a.py":           "import eventlet\n\neventlet.sleep(1)\n",
			},
			remaining: []string{"demo/a.py:3 EV117"},
		},
		{
			name: "monkey_patch(all=flag) may leave time unpatched: no fix",
			files: map[string]string{
				"demo/boot.py": "import eventlet\n\n\ndef patch(flag):\n    eventlet.monkey_patch(all=flag)\n",
				"demo/a.py":    "import eventlet\n\neventlet.sleep(1)\n",
			},
			remaining: []string{"demo/a.py:3 EV117"},
		},
		{
			name: "monkey_patch(all=False, time=True) patches time",
			files: map[string]string{
				"demo/boot.py": "import eventlet\n\neventlet.monkey_patch(all=False, socket=True, time=True)\n",
				"demo/a.py":    "import time\n\nimport eventlet\n\neventlet.sleep(1)\n",
			},
			want: map[string]string{"demo/a.py": "import time\n\nimport eventlet\n\ntime.sleep(1)\n"},
		},
		{
			name: "a test mocks eventlet.sleep: no fix",
			files: map[string]string{
				"demo/a.py":              "import eventlet\n\n\ndef wait():\n    eventlet.sleep(30)\n",
				"demo/tests/__init__.py": "",
				"demo/tests/test_a.py":   "from unittest import mock\n\n\n@mock.patch('eventlet.sleep')\ndef test_wait(m):\n    pass\n",
			},
			remaining: []string{"demo/a.py:5 EV117"},
		},
		{
			name:      "the file uses eventlet.Timeout: no fix",
			files:     map[string]string{"demo/a.py": "import eventlet\n\n\ndef wait(ready):\n    with eventlet.Timeout(5):\n        while not ready():\n            eventlet.sleep(0.1)\n"},
			remaining: []string{"demo/a.py:7 EV117"},
		},
		{
			name:      "a file with a BOM is left alone",
			files:     map[string]string{"demo/a.py": "\ufeffimport eventlet\n\neventlet.sleep(1)\n"},
			remaining: []string{"demo/a.py:3 EV117"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"demo/boot.py": patchAll}
			for k, v := range tt.files {
				files[k] = v
			}
			if tt.noPatch {
				delete(files, "demo/boot.py")
			}
			dir := project(t, files)
			before, _, _ := scanJSON(t, dir)
			if _, errOut, code := run(t, "fix", dir); code != ExitClean {
				t.Fatalf("fix = %d, stderr %q", code, errOut)
			}
			for rel, src := range tt.files {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				want, ok := tt.want[rel]
				if !ok {
					want = src
				}
				if diff := cmp.Diff(want, string(got)); diff != "" {
					t.Errorf("%s after fix (-want +got):\n%s", rel, diff)
				}
				if py := os.Getenv("LETGO_PYTHON"); ok && py != "" || ok && pythonAvailable() {
					if py == "" {
						py = "python3"
					}
					cmd := exec.Command(py, "-c", "import ast,sys; ast.parse(open(sys.argv[1],'rb').read())", filepath.Join(dir, rel))
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("CPython cannot parse the rewritten %s: %v\n%s", rel, err, out)
					}
				}
			}
			after, _, _ := scanJSON(t, dir)
			var remaining []string
			for _, f := range after.Findings {
				if f.Rule == "EV116" || f.Rule == "EV117" {
					remaining = append(remaining, fmtFinding(f.Path, f.Line, f.Rule))
				}
			}
			if diff := cmp.Diff(tt.remaining, remaining); diff != "" {
				t.Errorf("sleep findings after fix (-want +got):\n%s", diff)
			}
			// Nothing new: every finding after the fix was there before
			// (fingerprints survive the line moves an added import makes).
			seen := map[string]bool{}
			for _, f := range before.Findings {
				seen[f.Rule+" "+f.Path+" "+f.Fingerprint] = true
			}
			for _, f := range after.Findings {
				if !seen[f.Rule+" "+f.Path+" "+f.Fingerprint] {
					t.Errorf("new finding after fix: %s:%d %s %s", f.Path, f.Line, f.Rule, f.Message)
				}
			}
		})
	}
}

func fmtFinding(path string, line int, rule string) string {
	return fmt.Sprintf("%s:%d %s", path, line, rule)
}

func pythonAvailable() bool {
	_, err := exec.LookPath("python3")
	return err == nil
}

// TestFixDiff: --diff shows the rewrite as a unified diff that patch
// applies, and writes nothing.
func TestFixDiff(t *testing.T) {
	src := "import os\n\nimport eventlet\n\n\ndef f():\n    eventlet.sleep(1)\n"
	dir := project(t, map[string]string{"demo/a.py": src, "demo/boot.py": patchAll})
	out, errOut, code := run(t, "fix", "--diff", dir)
	if code != ExitClean || !strings.Contains(errOut, "would fix 1 finding(s) in 1 file(s)") {
		t.Fatalf("fix --diff = %d, stderr %q", code, errOut)
	}
	want := "@@ -1,0 +2 @@\n+import time\n@@ -7 +8 @@\n-    eventlet.sleep(1)\n+    time.sleep(1)\n"
	if !strings.Contains(out, want) {
		t.Errorf("diff:\n%s\nwant it to contain:\n%s", out, want)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "demo", "a.py")); string(got) != src {
		t.Errorf("--diff rewrote the file:\n%s", got)
	}
	if _, err := exec.LookPath("patch"); err == nil {
		cmd := exec.Command("patch", "-p0", "--dry-run")
		cmd.Dir = "/"
		cmd.Stdin = strings.NewReader(out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("patch --dry-run refused the diff: %v\n%s\n%s", err, b, out)
		}
	}
}

// TestFixGatesIgnoreNarrowing: narrowing the run (--ignore, a path
// argument, per-file-ignores) chooses which fixes apply, never hides the
// evidence against them.
func TestFixGatesIgnoreNarrowing(t *testing.T) {
	files := map[string]string{
		"demo/boot.py":           patchAll,
		"demo/a.py":              "import eventlet\n\n\ndef wait():\n    eventlet.sleep(30)\n",
		"demo/tests/__init__.py": "",
		"demo/tests/test_a.py":   "from unittest import mock\n\n\n@mock.patch('eventlet.sleep')\ndef test_wait(m):\n    pass\n",
	}
	for name, args := range map[string][]string{
		"ignore EV6":       {"--ignore", "EV6"},
		"path argument":    {"demo/a.py"},
		"per-file-ignores": nil,
	} {
		t.Run(name, func(t *testing.T) {
			all := map[string]string{}
			for k, v := range files {
				all[k] = v
			}
			if name == "per-file-ignores" {
				all["pyproject.toml"] = "[tool.letgo.per-file-ignores]\n\"demo/tests/*\" = [\"EV6\"]\n"
			}
			dir := project(t, all)
			cmd := []string{"fix"}
			for _, a := range args {
				if strings.HasPrefix(a, "demo/") {
					a = filepath.Join(dir, a)
				}
				cmd = append(cmd, a)
			}
			if len(args) == 0 || args[0] != "demo/a.py" {
				cmd = append(cmd, dir)
			}
			_, errOut, code := run(t, cmd...)
			got, _ := os.ReadFile(filepath.Join(dir, "demo", "a.py"))
			if code != ExitClean || string(got) != files["demo/a.py"] || !strings.Contains(errOut, "mocks eventlet.sleep") {
				t.Errorf("fix %q = %d, stderr %q, demo/a.py now:\n%s\nwant it untouched because a test mocks eventlet.sleep", cmd, code, errOut, got)
			}
		})
	}
}
