package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gitRepo is a repository built by a test, one tag per release.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := gitRepo{t, t.TempDir()}
	r.git("", "init", "-q")
	return r
}

func (r gitRepo) git(stdin string, args ...string) string {
	r.t.Helper()
	return strings.TrimSpace(r.raw(stdin, args...))
}

// raw is git's output untrimmed: tree objects are binary.
func (r gitRepo) raw(stdin string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("git %v: %v %s", args, err, stderr.String())
	}
	return string(out)
}

// release writes files into the work tree, commits and tags them.
func (r gitRepo) release(tag string, files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		fp := filepath.Join(r.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(fp, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	r.git("", "add", "-A")
	r.git("", "commit", "-q", "--allow-empty", "-m", tag)
	r.git("", "tag", tag)
}

const historySetup = "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-api = svc.api:main\n"

func historyRelease(i int) map[string]string {
	return map[string]string{"setup.cfg": historySetup, "svc/__init__.py": "\n",
		"svc/api.py": fmt.Sprintf("import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    return %d\n", i)}
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestHistoryRefusesOptionRefs: a ref starting with "-" would reach git as
// an option (--output=FILE creates a file); it is a usage error naming the
// ref, and git never sees it.
func TestHistoryRefusesOptionRefs(t *testing.T) {
	r := newGitRepo(t)
	r.release("1.0", historyRelease(0))
	out := t.TempDir()
	inject := "--output=" + filepath.Join(out, "x")
	tests := []struct {
		name, refs string
	}{
		{"alone", inject},
		{"in a list", "1.0," + inject},
		{"glob", "-*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "history", r.dir, "--refs", tt.refs)
			bad := tt.refs
			if i := strings.Index(bad, ","); i >= 0 {
				bad = bad[i+1:]
			}
			if code != ExitUsage || !strings.Contains(stderr, fmt.Sprintf("%q", bad)) || stdout != "" {
				t.Errorf("Main(history --refs %q) = %d, stdout %q, stderr %q; want %d and the ref named", tt.refs, code, stdout, stderr, ExitUsage)
			}
			if got := dirEntries(t, out); len(got) != 0 {
				t.Errorf("Main(history --refs %q) created %q", tt.refs, got)
			}
		})
	}
}

// TestHistoryInterrupted: cancelling the context mid-run (as SIGINT and
// SIGTERM do) exits 1 saying so, prints no report and leaves nothing in
// the temporary directory.
func TestHistoryInterrupted(t *testing.T) {
	r := newGitRepo(t)
	var refs []string
	for i := range 12 {
		tag := fmt.Sprintf("1.%d", i)
		r.release(tag, historyRelease(i))
		refs = append(refs, tag)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// Cancel as soon as history lists its first tree: git on PATH is a
	// wrapper that leaves a mark when it runs ls-tree.
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	bin, marks := t.TempDir(), t.TempDir()
	script := "#!/bin/sh\ncase \" $* \" in *\" ls-tree \"*) : > \"" + filepath.Join(marks, "ls-tree") + "\" ;; esac\nexec " + realGit + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if ents, _ := os.ReadDir(marks); len(ents) > 0 {
				cancel()
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, []string{"history", r.dir, "--refs", strings.Join(refs, ",")}, &stdout, &stderr)
	cancel()
	<-watching
	if code != ExitError || !strings.Contains(stderr.String(), "interrupted") || stdout.Len() != 0 {
		t.Errorf("Main(history, cancelled) = %d, stdout %q, stderr %q; want %d, no report, \"interrupted\"", code, stdout.String(), stderr.String(), ExitError)
	}
	if got := dirEntries(t, tmp); len(got) != 0 {
		t.Errorf("TMPDIR holds %q after an interrupted history, want nothing", got)
	}
}

// TestHistoryRefusedPaths: a crafted tree entry that climbs out of the
// tree is named on stderr and in the JSON report, and the run completes.
func TestHistoryRefusedPaths(t *testing.T) {
	r := newGitRepo(t)
	r.release("1.0", historyRelease(0))
	// Add an entry "../escaped" to the top tree of 1.0 and tag it 1.1.
	blob := r.git("pwned\n", "hash-object", "-w", "--stdin")
	top := r.raw("", "cat-file", "tree", "1.0^{tree}")
	id, _ := hex.DecodeString(blob)
	tree := r.git("100644 ../escaped\x00"+string(id)+top, "hash-object", "-t", "tree", "--literally", "-w", "--stdin")
	r.git("", "tag", "1.1", r.git("", "commit-tree", tree, "-m", "evil"))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := run(t, "history", r.dir, "--refs", "1.0,1.1", "--format", format)
			want := `1.1: path "../escaped" not scanned`
			if code != ExitClean || !strings.Contains(stderr, want) {
				t.Errorf("Main(history) = %d, stderr %q; want %d and %q", code, stderr, ExitClean, want)
			}
			if format == "json" && !strings.Contains(stdout, `"path": "../escaped"`) {
				t.Errorf("Main(history --format json) stdout lacks the refused path:\n%s", stdout)
			}
			if got := dirEntries(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q after history, want nothing", got)
			}
		})
	}
}

// TestHistorySubdirectory: a directory inside a repository is refused,
// not widened to the repository.
func TestHistorySubdirectory(t *testing.T) {
	r := newGitRepo(t)
	r.release("1.0", historyRelease(0))
	sub := filepath.Join(r.dir, "svc")
	stdout, stderr, code := run(t, "history", sub, "--refs", "1.0")
	if code != ExitError || !strings.Contains(stderr, "subdirectory") || stdout != "" {
		t.Errorf("Main(history %q) = %d, stdout %q, stderr %q; want %d and \"subdirectory\"", sub, code, stdout, stderr, ExitError)
	}
}

// TestHistoryRegressions: a service that moves back toward eventlet
// between refs, and the stage going down, are reported as regressions in
// text and JSON; a release that moves forward, and one that changes
// nothing, are not.
func TestHistoryRegressions(t *testing.T) {
	r := newGitRepo(t)
	patched := "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    while True:\n        pass\n"
	threads := "import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n"
	r.release("1.0", map[string]string{"setup.cfg": historySetup, "svc/__init__.py": "\n", "svc/api.py": patched})
	r.release("2.0", map[string]string{"svc/api.py": threads})
	r.release("2.1", map[string]string{"README.rst": "docs\n"})
	r.release("3.0", map[string]string{"svc/api.py": patched})
	stdout, stderr, code := run(t, "history", r.dir, "--refs", "1.0,2.0,2.1,3.0")
	if code != ExitClean {
		t.Fatalf("history: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"regressions toward eventlet:",
		"svc-api: threading-only (2.1) -> eventlet-only (3.0): the mode moved back toward eventlet",
		"project: stage 3 (2.1) -> stage 0 (3.0): the project's stage went down from 3 to 0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("history text lacks %q:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, " -> eventlet-only ("); n != 1 {
		t.Errorf("history text names %d regressions of svc-api, want 1 (1.0 -> 2.0 is forward):\n%s", n, stdout)
	}
	stdout, _, _ = run(t, "history", r.dir, "--refs", "1.0,2.0,2.1,3.0", "--format", "json")
	var rep struct {
		Regressions []struct {
			Service, From, To string
			FromRef           string `json:"from_ref"`
			ToRef             string `json:"to_ref"`
		} `json:"regressions"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Regressions) != 2 || rep.Regressions[0].Service != "svc-api" || rep.Regressions[0].FromRef != "2.1" || rep.Regressions[0].ToRef != "3.0" ||
		rep.Regressions[1].Service != "" || rep.Regressions[1].To != "stage 0" {
		t.Errorf("history json regressions = %+v, want svc-api 2.1 -> 3.0 and the project's stage", rep.Regressions)
	}
	// Forward only: no regression.
	stdout, _, _ = run(t, "history", r.dir, "--refs", "1.0,2.0,2.1")
	if !strings.Contains(stdout, "no regression toward eventlet") {
		t.Errorf("history of forward moves:\n%s", stdout)
	}
}

// TestHistoryWith: with --with, every ref's imports resolve against the
// library root, so a service that loads eventlet only through the library
// is seen loading it (eventlet unconditional, the project not
// eventlet-free, blocked by the library module); without it the same
// history cannot tell (eventlet-free unknown). A --with that is not a
// directory is a usage error.
func TestHistoryWith(t *testing.T) {
	lib := t.TempDir()
	for p, content := range map[string]string{
		"setup.cfg":            "[metadata]\nname = greenlib\n",
		"greenlib/__init__.py": "import eventlet\n\n\ndef run():\n    return 1\n",
	} {
		fp := filepath.Join(lib, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := newGitRepo(t)
	r.release("1.0", map[string]string{"setup.cfg": historySetup, "svc/__init__.py": "\n",
		"svc/api.py": "import time\n\nimport greenlib\n\n\ndef main():\n    while True:\n        time.sleep(greenlib.run())\n"})
	type rep struct {
		Refs []struct {
			Stage struct {
				EventletFree *bool    `json:"eventlet_free"`
				BlockedBy    []string `json:"blocked_by"`
			} `json:"stage"`
			Services []struct{ Name, Mode, Kind, Eventlet string } `json:"services"`
		} `json:"refs"`
	}
	read := func(args ...string) rep {
		t.Helper()
		stdout, stderr, code := run(t, append([]string{"history", r.dir, "--refs", "1.0", "--format", "json"}, args...)...)
		if code != ExitClean {
			t.Fatalf("history %v: exit %d: %s", args, code, stderr)
		}
		var got rep
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Refs) != 1 || len(got.Refs[0].Services) != 1 {
			t.Fatalf("history %v: %s", args, stdout)
		}
		return got
	}
	with := read("--with", lib).Refs[0]
	if s := with.Services[0]; s.Name != "svc-api" || s.Kind != "service" || s.Eventlet != "unconditional" {
		t.Errorf("with the library: service = %+v, want svc-api, a service loading eventlet unconditionally", s)
	}
	if f := with.Stage.EventletFree; f == nil || *f || strings.Join(with.Stage.BlockedBy, ",") != "greenlib" {
		t.Errorf("with the library: eventlet_free = %v, blocked_by = %v, want false and greenlib", f, with.Stage.BlockedBy)
	}
	without := read().Refs[0]
	if s := without.Services[0]; s.Eventlet == "unconditional" {
		t.Errorf("without the library: service = %+v, loads eventlet through a library letgo was not given", s)
	}
	if f := without.Stage.EventletFree; f != nil {
		t.Errorf("without the library: eventlet_free = %v, want unknown (omitted)", *f)
	}
	if _, stderr, code := run(t, "history", r.dir, "--refs", "1.0", "--with", filepath.Join(lib, "missing")); code != ExitUsage || !strings.Contains(stderr, "--with") {
		t.Errorf("history --with a missing directory: exit %d, %s; want a usage error", code, stderr)
	}
}
