package history

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// onDisk reads the scratch copy: files path → content, and directories.
func onDisk(t *testing.T, dir string) (map[string]string, []string) {
	t.Helper()
	files := map[string]string{}
	var dirs []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case d.IsDir():
			dirs = append(dirs, rel)
		default:
			b, _ := os.ReadFile(p)
			files[rel] = string(b)
		}
		return nil
	})
	return files, dirs
}

// The scratch copy follows a random walk of trees exactly — files that
// change, vanish, come back, become directories and the reverse — leaves no
// empty directory behind, rewrites only changed files (an unchanged file
// keeps its inode), and survives a file put there behind its back.
func TestScratchFollowsTrees(t *testing.T) {
	o := newObjects(t)
	rng := rand.New(rand.NewPCG(17, 1))
	paths := []string{"a.py", "b/c.py", "b/d/e.py", "b/d", "b", "f/g/h.txt", "f/g", "f/i.py", "j.cfg"}
	var releases []map[string]string
	cur := map[string]string{}
	for range 30 {
		next := map[string]string{}
		for p, c := range cur {
			if rng.IntN(4) > 0 {
				next[p] = c
			}
		}
		for range 3 {
			p := paths[rng.IntN(len(paths))]
			next[p] = fmt.Sprintf("v%d\n", rng.IntN(3))
		}
		// No file where another file needs a directory: drop the deeper one.
		for p := range next {
			for d := filepath.ToSlash(filepath.Dir(p)); d != "."; d = filepath.ToSlash(filepath.Dir(d)) {
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
	dir := t.TempDir()
	s, err := newScratch(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.root.Close()
	// Every file on disk is dated 2001 after each step: a file rewritten
	// since carries the time of its writing.
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	rewritten := func(p string) bool {
		fi, err := os.Stat(filepath.Join(dir, p))
		return err != nil || !fi.ModTime().Equal(old)
	}
	strays := 0
	for i, files := range releases {
		want, _, err := tree(context.Background(), o.dir, o.files(files))
		if err != nil {
			t.Fatal(err)
		}
		same := map[string]bool{}
		for p := range files {
			same[p] = s.have[p] == want[p]
		}
		if strays == 0 && i >= 5 {
			// Something history did not write, where it will write next.
			for p := range files {
				if _, ok := s.have[p]; !ok && filepath.Dir(p) == "." {
					os.WriteFile(filepath.Join(dir, p), []byte("stray\n"), 0o644)
					strays++
				}
			}
		}
		written, err := s.materialise(context.Background(), o.dir, want)
		if err != nil {
			t.Fatalf("release %d: materialise = %v", i, err)
		}
		got, dirs := onDisk(t, dir)
		if diff := cmp.Diff(files, got); diff != "" {
			t.Fatalf("release %d (-want +got):\n%s", i, diff)
		}
		for _, d := range dirs {
			if entries, _ := os.ReadDir(filepath.Join(dir, d)); len(entries) == 0 {
				t.Errorf("release %d: empty directory %s left", i, d)
			}
		}
		changed := 0
		for p := range files {
			if !same[p] {
				changed++
			} else if rewritten(p) {
				t.Errorf("release %d: unchanged %s rewritten", i, p)
			}
			os.Chtimes(filepath.Join(dir, p), old, old)
		}
		if written != changed {
			t.Errorf("release %d: %d files written, %d changed", i, written, changed)
		}
	}
	if strays == 0 {
		t.Error("no stray file was put in the way: the walk does not test it")
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
