package pyproj

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestLoadPathsOfRootSpellings checks that a walked root however spelt
// ("dir", "dir/", "dir/./", ".", a relative path) gives the same relative
// paths and, for each file, the absolute path filepath.Join(root, rel)
// makes: the walk's own paths are kept rather than joined again.
func TestLoadPathsOfRootSpellings(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "proj")
	for _, rel := range []string{"setup.py", "pkg/__init__.py", "pkg/sub/mod.py", "docs/x.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(base)
	want := []string{"docs/x.txt", "pkg/__init__.py", "pkg/sub/mod.py", "setup.py"}
	for _, root := range []string{dir, dir + "/", dir + "/./", "proj", "./proj", "proj/../proj"} {
		t.Run(root, func(t *testing.T) {
			p, err := Load(context.Background(), root)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range p.Files {
				got = append(got, f.Path)
				if w := filepath.Join(root, filepath.FromSlash(f.Path)); f.Abs != w {
					t.Errorf("Abs of %q = %q, want %q", f.Path, f.Abs, w)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("Load(%q) paths = %q, want %q", root, got, want)
			}
		})
	}
	t.Run(".", func(t *testing.T) {
		t.Chdir(dir)
		p, err := Load(context.Background(), ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Files {
			if w := filepath.Join(".", filepath.FromSlash(f.Path)); f.Abs != w {
				t.Errorf("Abs of %q = %q, want %q", f.Path, f.Abs, w)
			}
		}
		if len(p.Files) != len(want) {
			t.Errorf("Load(\".\") has %d files, want %d", len(p.Files), len(want))
		}
	})
}
