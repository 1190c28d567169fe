package history

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/safeio"
)

// served reads every file a tree serves: path → content.
func served(t *testing.T, gt *gitTree) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range gt.Files() {
		b, err := gt.ReadFile(f.Path, MaxBlobSize)
		if err != nil {
			t.Fatalf("ReadFile(%q) = %v", f.Path, err)
		}
		if int64(len(b)) != f.Size {
			t.Errorf("ReadFile(%q) read %d bytes, the listing says %d", f.Path, len(b), f.Size)
		}
		out[f.Path] = string(b)
	}
	return out
}

// TestGitTreeHostile: a tree with a symlink to outside, a submodule, a
// ".." entry, a .git directory, an oversized blob, a binary file and a
// file entry naming a tree object is scanned without writing anything:
// the unsafe names and the oversized blob are refused with a reason, the
// link and the submodule are not files of the scan, the binary file and
// the mislabelled entry are reported per file, and every finding, entry
// point and chain names the repository.
func TestGitTreeHostile(t *testing.T) {
	o := newObjects(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.py")
	if err := os.WriteFile(secret, []byte("import eventlet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pwned := o.blob("import eventlet\neventlet.monkey_patch()\n")
	svc := o.tree(
		entry{"100644", "__init__.py", o.blob("\n")},
		entry{"100644", "api.py", o.blob(svcPatched)},
		entry{"100644", "blob.py", o.blob("import eventlet\x00\x01\x02\n")},
		entry{"100644", "big.py", o.blob("import eventlet\n" + strings.Repeat("#", 200) + "\n")},
		entry{"120000", "linked.py", o.blob(secret)},
		entry{"120000", "out", o.blob(outside)},
	)
	notBlob := o.tree(entry{"100644", "x", o.blob("x\n")})
	dotgit := o.tree(entry{"100644", "config", o.blob("[core]\n\tfsmonitor = touch " + filepath.Join(tmp, "ran") + "\n")})
	evil := o.tree(
		entry{"100644", "..", pwned},
		entry{"40000", ".git", dotgit},
		entry{"160000", "mod", o.tag("sub", o.files(map[string]string{"a.py": "import eventlet\n"}), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC))},
		entry{"100644", "setup.cfg", o.blob(svcSetup)},
		entry{"40000", "svc", svc},
		entry{"100644", "tree.py", notBlob},
	)
	o.tag("1.0", evil, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))

	ctx := context.Background()
	refs, err := ResolveRefs(ctx, o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	var res *contract.Result
	rep, err := Run(ctx, o.dir, refs, Options{maxBlob: 100, Result: func(_ Ref, r *contract.Result) error { res = r; return nil }})
	if err != nil {
		t.Fatalf("Run = %v, want a report", err)
	}
	want := []Refusal{
		{"..", `path component ".."`},
		{".git/config", `path component ".git"`},
		{"svc/big.py", "blob larger than 100 bytes"},
	}
	if diff := cmp.Diff(want, rep.Entries[0].Refused); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("TMPDIR holds %v after history, want nothing: no tree is written", ents)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 1 {
		t.Errorf("%s holds %v, want only secret.py", outside, ents)
	}

	skipped := map[string]string{}
	for _, f := range res.Findings {
		if f.Rule == "EV904" {
			skipped[f.Path] = f.Message
		}
		if f.Root != o.dir {
			t.Errorf("finding %s %s:%d has root %q, want the repository %q", f.Rule, f.Path, f.Line, f.Root, o.dir)
		}
		if strings.HasPrefix(f.Path, "svc/linked") || strings.HasPrefix(f.Path, "svc/out") || strings.HasPrefix(f.Path, "mod/") {
			t.Errorf("finding %s in %s: a link or submodule was scanned", f.Rule, f.Path)
		}
	}
	for p, msg := range map[string]string{"svc/blob.py": "binary file", "tree.py": "not a blob"} {
		if !strings.Contains(skipped[p], msg) {
			t.Errorf("EV904 for %s = %q, want it to say %q", p, skipped[p], msg)
		}
	}
	if got := res.Stats.Files; got != 5 {
		t.Errorf("files scanned = %d, want 5 (setup.cfg, tree.py, svc/__init__.py, svc/api.py, svc/blob.py)", got)
	}
	if diff := cmp.Diff([]string{o.dir}, res.Roots); diff != "" {
		t.Errorf("result roots (-want +got):\n%s", diff)
	}
	for _, ep := range res.EntryPoints {
		if ep.Root != o.dir {
			t.Errorf("entry point %s root %q, want %q", ep.Name, ep.Root, o.dir)
		}
		for _, h := range ep.Chain {
			if h.Root != "" && h.Root != o.dir {
				t.Errorf("entry point %s: chain hop %s root %q, want %q", ep.Name, h.Module, h.Root, o.dir)
			}
		}
	}
	if got := rep.Entries[0].Services; len(got) != 1 || got[0].Mode != "eventlet-only" {
		t.Errorf("services = %+v, want svc-api eventlet-only", got)
	}
}

// TestGitTreeReadFile: a path the tree does not serve does not exist; a
// blob over the caller's limit is refused from the listing without asking
// git; a blob git sends larger than the limit is skipped, and the stream
// stays in step for the next request; a failed process fails every later
// read and is reported.
func TestGitTreeReadFile(t *testing.T) {
	o := newObjects(t)
	ctx := context.Background()
	files, _, err := tree(ctx, o.dir, o.files(map[string]string{"a.py": "aaaa\n", "b.py": "b\n"}))
	if err != nil {
		t.Fatal(err)
	}
	objects, err := startCatFile(ctx, o.dir)
	if err != nil {
		t.Fatal(err)
	}
	gt, refused := newGitTree(files, objects, MaxBlobSize)
	if len(refused) != 0 {
		t.Fatalf("refused %v, want none", refused)
	}
	if _, err := gt.ReadFile("c.py", 100); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(c.py) = %v, want fs.ErrNotExist", err)
	}
	if _, err := gt.ReadFile("../a.py", 100); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(../a.py) = %v, want fs.ErrNotExist", err)
	}
	var se *safeio.Error
	if _, err := gt.ReadFile("a.py", 3); !errors.Is(err, safeio.ErrTooLarge) || !errors.As(err, &se) || se.Path != "a.py" {
		t.Errorf("ReadFile(a.py, 3) = %v, want an *safeio.Error for a.py wrapping ErrTooLarge", err)
	}
	if _, err := objects.blob(files["a.py"].id, 3); !errors.Is(err, safeio.ErrTooLarge) {
		t.Errorf("blob(a.py, 3) = %v, want ErrTooLarge", err)
	}
	if b, err := gt.ReadFile("b.py", 100); err != nil || string(b) != "b\n" {
		t.Errorf("ReadFile(b.py) after a refused blob = %q, %v; want \"b\\n\"", b, err)
	}
	if _, err := objects.blob("0000000000000000000000000000000000000000", 100); !errors.Is(err, errNotBlob) {
		t.Errorf("blob(missing) = %v, want errNotBlob", err)
	}
	if _, err := objects.blob("HEAD\n"+files["a.py"].id, 100); !errors.Is(err, errNotBlob) {
		t.Errorf("blob(two lines) = %v, want a refusal", err)
	}
	if b, err := gt.ReadFile("a.py", 100); err != nil || string(b) != "aaaa\n" {
		t.Errorf("ReadFile(a.py) = %q, %v; want \"aaaa\\n\"", b, err)
	}
	if objects.failure() != nil {
		t.Errorf("failure() = %v while git serves requests", objects.failure())
	}
	objects.close()
	if _, err := gt.ReadFile("b.py", 100); err == nil {
		t.Error("ReadFile after close = nil error, want the process's failure")
	}
	if _, err := gt.ReadFile("a.py", 3); !errors.Is(err, safeio.ErrTooLarge) {
		t.Errorf("ReadFile(a.py, 3) after close = %v: the listing alone refuses it", err)
	}
	if objects.failure() == nil {
		t.Error("failure() = nil after close")
	}
}

// TestWrittenCountsChanges: along a random walk of trees — files that
// change, vanish, come back, become directories and the reverse — each
// ref serves exactly its tree, and Written counts the files whose blob
// changed since the previous ref.
func TestWrittenCountsChanges(t *testing.T) {
	o := newObjects(t)
	rng := rand.New(rand.NewPCG(17, 1))
	paths := []string{"a.py", "b/c.py", "b/d/e.py", "b/d", "b", "f/g/h.txt", "f/g", "f/i.py", "j.cfg"}
	var releases []map[string]string
	cur := map[string]string{}
	for range 20 {
		next := map[string]string{}
		for p, c := range cur {
			if rng.IntN(4) > 0 {
				next[p] = c
			}
		}
		for range 3 {
			next[paths[rng.IntN(len(paths))]] = fmt.Sprintf("v%d\n", rng.IntN(3))
		}
		// No file where another file needs a directory: drop the deeper one.
		for p := range next {
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				if _, ok := next[d]; ok {
					delete(next, p)
					break
				}
			}
		}
		if len(next) == 0 {
			next["a.py"] = "v0\n"
		}
		releases = append(releases, next)
		cur = next
	}
	ctx := context.Background()
	objects, err := startCatFile(ctx, o.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer objects.close()
	var wantWritten []int
	prev := map[string]string{}
	for i, files := range releases {
		id := o.files(files)
		o.tag(fmt.Sprintf("1.%d", i), id, time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC))
		listed, _, err := tree(ctx, o.dir, id)
		if err != nil {
			t.Fatal(err)
		}
		gt, _ := newGitTree(listed, objects, MaxBlobSize)
		if diff := cmp.Diff(files, served(t, gt)); diff != "" {
			t.Fatalf("release %d (-want +got):\n%s", i, diff)
		}
		n := 0
		for p, c := range files {
			if prev[p] != c {
				n++
			}
		}
		wantWritten = append(wantWritten, n)
		prev = files
	}
	refs, err := ResolveRefs(ctx, o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Date.Before(refs[j].Date) })
	rep, err := Run(ctx, o.dir, refs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range rep.Entries {
		got = append(got, e.Written)
	}
	if diff := cmp.Diff(wantWritten, got); diff != "" {
		t.Errorf("written per ref (-want +got):\n%s", diff)
	}
}

// TestLargeBlobAcrossRefs: a blob over the limit is refused on every ref
// that holds it and counted as written on none; the same path under the
// limit is served again.
func TestLargeBlobAcrossRefs(t *testing.T) {
	o := newObjects(t)
	big, small := strings.Repeat("x", 11), "small\n"
	steps := []struct {
		files   map[string]string
		written int
		refused []Refusal
	}{
		{map[string]string{"big": big, "small": small}, 1, []Refusal{{"big", "blob larger than 10 bytes"}}},
		{map[string]string{"big": big, "small": small}, 0, []Refusal{{"big", "blob larger than 10 bytes"}}},
		{map[string]string{"big": small, "small": small}, 1, nil},
		{map[string]string{"small": big}, 0, []Refusal{{"small", "blob larger than 10 bytes"}}},
	}
	for i, st := range steps {
		o.tag(fmt.Sprintf("1.%d", i), o.files(st.files), time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC))
	}
	refs, err := ResolveRefs(context.Background(), o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), o.dir, refs, Options{maxBlob: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		e := rep.Entries[i]
		if e.Written != st.written {
			t.Errorf("step %d: written %d, want %d", i, e.Written, st.written)
		}
		if diff := cmp.Diff(st.refused, e.Refused); diff != "" {
			t.Errorf("step %d: refused (-want +got):\n%s", i, diff)
		}
	}
}

// The cache holds the current tree only: a file that goes back to an
// earlier version is parsed again, and an unchanged ref parses nothing.
func TestCacheHoldsCurrentTree(t *testing.T) {
	o := newObjects(t)
	v1 := map[string]string{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched, "svc/util.py": "x = 1\n"}
	v2 := map[string]string{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched, "svc/util.py": "x = 2\n"}
	for i, files := range []map[string]string{v1, v2, v2, v1} {
		o.tag(fmt.Sprintf("1.%d", i), o.files(files), time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC))
	}
	refs, err := ResolveRefs(context.Background(), o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), o.dir, refs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range rep.Entries {
		got = append(got, e.Parsed)
	}
	if diff := cmp.Diff([]int{3, 1, 0, 1}, got); diff != "" {
		t.Errorf("files parsed per ref (-want +got):\n%s", diff)
	}
}

// TestGitFailureEndsRun: git cat-file dying in the middle of a ref ends
// the run with its error, instead of the ref's files being reported as
// unreadable one by one. git on PATH is a wrapper that lets Run's
// cat-file answer one request.
func TestGitFailureEndsRun(t *testing.T) {
	o := newObjects(t)
	o.tag("1.0", o.files(map[string]string{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched}),
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	refs, err := ResolveRefs(context.Background(), o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	bin := t.TempDir()
	script := "#!/bin/sh\ncase \" $* \" in *\" cat-file \"*) head -n 1 | " + realGit + " \"$@\"; exit ;; esac\nexec " + realGit + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	rep, err := Run(context.Background(), o.dir, refs, Options{})
	if err == nil || !strings.Contains(err.Error(), "git cat-file") || rep != nil {
		t.Errorf("Run with a dying git cat-file = %v, %v; want no report and an error naming git cat-file", rep, err)
	}
}
