package history

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// objects builds git objects by hand in a repository, including ones that
// git's porcelain would never write (tree entries named "..", "a/b", ".git").
type objects struct {
	t   *testing.T
	dir string
}

func newObjects(t *testing.T) objects {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	o := objects{t, t.TempDir()}
	o.git(nil, "", "init", "-q")
	return o
}

// git runs git in the repository with env added and stdin as input, and
// returns its trimmed output.
func (o objects) git(env []string, stdin string, args ...string) string {
	o.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", o.dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		o.t.Fatalf("git %v: %v %s", args, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func (o objects) blob(content string) string {
	return o.git(nil, content, "hash-object", "-w", "--stdin")
}

// entry is one raw tree entry: mode ("100644", "40000", "120000"), name
// and object id.
type entry struct{ mode, name, id string }

// tree writes a tree object with exactly these entries, unchecked.
func (o objects) tree(entries ...entry) string {
	o.t.Helper()
	var raw bytes.Buffer
	for _, e := range entries {
		id, err := hex.DecodeString(e.id)
		if err != nil {
			o.t.Fatal(err)
		}
		raw.WriteString(e.mode + " " + e.name + "\x00")
		raw.Write(id)
	}
	return o.git(nil, raw.String(), "hash-object", "-t", "tree", "--literally", "-w", "--stdin")
}

// files writes a well-formed tree holding these files (path → content).
func (o objects) files(files map[string]string) string {
	o.t.Helper()
	type node struct {
		blobs map[string]string
		dirs  map[string]*node
	}
	newNode := func() *node { return &node{map[string]string{}, map[string]*node{}} }
	top := newNode()
	for p, content := range files {
		parts := strings.Split(p, "/")
		n := top
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = newNode()
			}
			n = n.dirs[d]
		}
		n.blobs[parts[len(parts)-1]] = o.blob(content)
	}
	var write func(n *node) string
	write = func(n *node) string {
		var es []entry
		for name, id := range n.blobs {
			es = append(es, entry{"100644", name, id})
		}
		for name, sub := range n.dirs {
			es = append(es, entry{"40000", name, write(sub)})
		}
		// git orders entries by name, a tree's name compared as if it
		// ended in "/".
		key := func(e entry) string {
			if e.mode == "40000" {
				return e.name + "/"
			}
			return e.name
		}
		sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
		return o.tree(es...)
	}
	return write(top)
}

// tag commits tree at date (a root commit: history reads trees, not
// ancestry) and tags it.
func (o objects) tag(name, tree string, date time.Time) string {
	o.t.Helper()
	env := []string{"GIT_COMMITTER_DATE=" + date.Format(time.RFC3339), "GIT_AUTHOR_DATE=" + date.Format(time.RFC3339)}
	commit := o.git(env, "", "commit-tree", tree, "-m", name)
	o.git(nil, "", "tag", name, commit)
	return commit
}

const svcSetup = "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-api = svc.api:main\n"

const svcPatched = "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    pass\n"

// TestHostileTreeStaysInside: tree entries crafted to climb out of the
// scratch directory, to write a .git into it, or to collide, are refused
// and reported per ref; the run goes on and nothing outside the scratch
// directory is created, changed or deleted.
func TestHostileTreeStaysInside(t *testing.T) {
	o := newObjects(t)
	base := t.TempDir()
	tmp := filepath.Join(base, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	// A file the crafted tag would overwrite, and the next tag delete.
	victim := filepath.Join(tmp, "escaped")
	if err := os.WriteFile(victim, []byte("original\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	pwned := o.blob("pwned\n")
	svc := o.tree(
		entry{"100644", "..", pwned}, // svc/..
		entry{"100644", "__init__.py", o.blob("\n")},
		entry{"100644", "api.py", o.blob(svcPatched)},
	)
	climb := o.tree(entry{"100644", "escaped2", pwned})
	dotgit := o.tree(entry{"100644", "config", o.blob("[core]\n\tfsmonitor = touch /nonexistent\n")})
	evil := o.tree(
		entry{"100644", "../escaped", pwned},
		entry{"40000", "..", climb}, // ../escaped2
		entry{"40000", ".GIT", dotgit},
		entry{"100644", "a", pwned},
		entry{"100644", "a/b", pwned}, // a file under the file "a"
		entry{"100644", "setup.cfg", o.blob(svcSetup)},
		entry{"100644", "sub\\..\\..\\x", pwned},
		entry{"120000", "link", o.blob(base)}, // a symlink to outside
		entry{"40000", "svc", svc},
		entry{"100644", "svc/api.py", pwned}, // the same path as svc/api.py in the tree svc
	)
	o.tag("1.0", evil, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	// The next tag writes through the link if the link was materialised.
	o.tag("2.0", o.files(map[string]string{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched,
		"link/escaped3": "pwned\n"}), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC))

	ctx := context.Background()
	refs, err := ResolveRefs(ctx, o.dir, "*", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, o.dir, refs, Options{})
	if err != nil {
		t.Fatalf("Run = %v, want a report", err)
	}

	if got, err := os.ReadFile(victim); err != nil || string(got) != "original\n" {
		t.Errorf("%s = %q, %v after history; want it untouched", victim, got, err)
	}
	for dir, want := range map[string][]string{base: {"tmp"}, tmp: {"escaped"}} {
		var got []string
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			got = append(got, e.Name())
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entries of %s after history (-want +got):\n%s", dir, diff)
		}
	}

	if len(rep.Entries) != 2 {
		t.Fatalf("Run reported %d refs, want 2", len(rep.Entries))
	}
	var refused []string
	for _, r := range rep.Entries[0].Refused {
		refused = append(refused, r.Path)
	}
	want := []string{"../escaped", "../escaped2", ".GIT/config", "a/b", "sub\\..\\..\\x", "svc/..", "svc/api.py"}
	if diff := cmp.Diff(want, refused); diff != "" {
		t.Errorf("refused paths of 1.0 (-want +got):\n%s", diff)
	}
	if len(rep.Entries[1].Refused) != 0 {
		t.Errorf("refused paths of 2.0 = %+v, want none", rep.Entries[1].Refused)
	}
	// The run went on and scanned what was safe to write: svc/api.py is
	// ambiguous in 1.0 and left out; it is there in 2.0.
	if got := rep.Entries[1].Services; len(got) != 1 || got[0].Mode != "eventlet-only" {
		t.Errorf("services of 2.0 = %+v, want svc-api eventlet-only", got)
	}
}

// TestCheckPath pins which paths from a git tree may be written.
func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"setup.cfg", true},
		{"svc/api.py", true},
		{".github/workflows/x.yaml", true},
		{".gitignore", true},
		{"a..b/c", true},
		{"", false},
		{"/etc/passwd", false},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{"a\\..\\b", false},
		{".git/config", false},
		{"sub/.Git/hooks/x", false},
		{".git./config", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := checkPath(tt.path) == ""; got != tt.ok {
				t.Errorf("checkPath(%q) = %q, want ok=%v", tt.path, checkPath(tt.path), tt.ok)
			}
		})
	}
}

// TestDirectoryBecomesFile: a path that is a directory in one ref and a
// file in the next, and the reverse.
func TestDirectoryBecomesFile(t *testing.T) {
	o := newObjects(t)
	releases := []map[string]string{
		{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched, "conf/a.ini": "a\n", "conf/deep/b.ini": "b\n"},
		{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched, "conf": "now a file\n"},
		{"setup.cfg": svcSetup, "svc/__init__.py": "\n", "svc/api.py": svcPatched, "conf/a.ini": "a again\n"},
	}
	var trees []map[string]blob
	for i, files := range releases {
		id := o.files(files)
		o.tag("1."+string(rune('0'+i)), id, time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC))
		want, _, err := tree(context.Background(), o.dir, id)
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, want)
	}

	// As served, step by step.
	objects, err := startCatFile(context.Background(), o.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer objects.close()
	for i, want := range trees {
		gt, _ := newGitTree(want, objects, MaxBlobSize)
		if diff := cmp.Diff(releases[i], served(t, gt)); diff != "" {
			t.Errorf("tree of release %d (-want +got):\n%s", i, diff)
		}
	}

	// And through Run.
	refs, err := ResolveRefs(context.Background(), o.dir, "1.*", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), o.dir, refs, Options{})
	if err != nil {
		t.Fatalf("Run = %v, want a report", err)
	}
	if len(rep.Entries) != 3 {
		t.Errorf("Run reported %d refs, want 3", len(rep.Entries))
	}
}

// TestRunInterrupted: a cancelled run stops at the next ref, returns an
// error wrapping context.Canceled and no report, and leaves nothing in
// the temporary directory.
func TestRunInterrupted(t *testing.T) {
	o := newObjects(t)
	for i := range 3 {
		o.tag("1."+string(rune('0'+i)), o.files(map[string]string{"setup.cfg": svcSetup, "svc/__init__.py": "\n",
			"svc/api.py": svcPatched + strings.Repeat("\n", i)}), time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC))
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	refs, err := ResolveRefs(context.Background(), o.dir, "*", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []string
	rep, err := Run(ctx, o.dir, refs, Options{Progress: func(done, total int, ref string) {
		seen = append(seen, ref)
		cancel()
	}})
	if !errors.Is(err, context.Canceled) || rep != nil {
		t.Errorf("Run(cancelled) = %v, %v; want nil, an error wrapping context.Canceled", rep, err)
	}
	if err != nil && !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("Run(cancelled) error %q does not say it was interrupted", err)
	}
	if diff := cmp.Diff([]string{"1.0"}, seen); diff != "" {
		t.Errorf("refs scanned after cancel (-want +got):\n%s", diff)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("TMPDIR holds %v after an interrupted run, want nothing", ents)
	}
}

// TestRepoSubdirectory: a directory inside a work tree is refused rather
// than widened to the enclosing repository; a bare repository is fine.
func TestRepoSubdirectory(t *testing.T) {
	o := newObjects(t)
	o.tag("1.0", o.files(map[string]string{"setup.cfg": svcSetup, "svc/api.py": svcPatched}), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	sub := filepath.Join(o.dir, "svc")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "bare.git")
	o.git(nil, "", "clone", "-q", "--bare", o.dir, bare)

	ctx := context.Background()
	if _, err := ResolveRefs(ctx, sub, "*", nil); err == nil || !strings.Contains(err.Error(), "subdirectory") {
		t.Errorf("ResolveRefs(%q) = %v, want an error naming the subdirectory", sub, err)
	}
	if _, err := Run(ctx, sub, []Ref{{Name: "1.0"}}, Options{}); err == nil || !strings.Contains(err.Error(), "subdirectory") {
		t.Errorf("Run(%q) = %v, want an error naming the subdirectory", sub, err)
	}
	refs, err := ResolveRefs(ctx, bare, "*", nil)
	if err != nil || len(refs) != 1 {
		t.Fatalf("ResolveRefs(%q) = %v, %v; want 1.0", bare, refs, err)
	}
	if _, err := Run(ctx, bare, refs, Options{}); err != nil {
		t.Errorf("Run(%q) = %v, want a report", bare, err)
	}
}

// TestRefDates: an annotated tag is dated by its tagger, a lightweight tag
// by its commit, whether refs are given by pattern or by list.
func TestRefDates(t *testing.T) {
	o := newObjects(t)
	committed := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	tagged := time.Date(2021, 6, 1, 9, 30, 0, 0, time.FixedZone("", 2*3600))
	commit := o.tag("1.0", o.files(map[string]string{"setup.cfg": svcSetup}), committed)
	o.git([]string{"GIT_COMMITTER_DATE=" + tagged.Format(time.RFC3339)}, "", "tag", "-a", "-m", "release", "2.0", commit)
	// A tag of the annotated tag: dated by its own tagger.
	o.git([]string{"GIT_COMMITTER_DATE=" + tagged.AddDate(0, 1, 0).Format(time.RFC3339)}, "", "tag", "-a", "-m", "again", "3.0", "2.0")
	want := []Ref{
		{Name: "1.0", Commit: commit, Date: committed},
		{Name: "2.0", Commit: commit, Date: tagged},
		{Name: "3.0", Commit: commit, Date: tagged.AddDate(0, 1, 0)},
	}
	ctx := context.Background()
	byPattern, err := ResolveRefs(ctx, o.dir, "*.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	byList, err := ResolveRefs(ctx, o.dir, "", []string{"1.0", "2.0", "3.0"})
	if err != nil {
		t.Fatal(err)
	}
	eq := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) && a.Format(time.RFC3339) == b.Format(time.RFC3339) })
	if diff := cmp.Diff(want, byPattern, eq); diff != "" {
		t.Errorf("ResolveRefs(pattern) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, byList, eq); diff != "" {
		t.Errorf("ResolveRefs(list) (-want +got):\n%s", diff)
	}
}

// TestResolveRefsRefusesOptions: a ref that git would read as an option is
// refused before git runs.
func TestResolveRefsRefusesOptions(t *testing.T) {
	o := newObjects(t)
	o.tag("1.0", o.files(map[string]string{"setup.cfg": svcSetup}), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	out := filepath.Join(t.TempDir(), "x")
	for _, list := range [][]string{{"--output=" + out}, {"1.0", "--output=" + out}, {"1.0\n--output=" + out}, {""}} {
		if _, err := ResolveRefs(context.Background(), o.dir, "", list); err == nil {
			t.Errorf("ResolveRefs(%q) = nil error, want a refusal", list)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
		t.Errorf("ResolveRefs created %v", ents)
	}
	if _, err := ResolveRefs(context.Background(), o.dir, "", []string{"nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("ResolveRefs(nope) = %v, want an error naming the ref", err)
	}
}
