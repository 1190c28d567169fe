package pyproj

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"demo/vendor", "demo/vendor/x.py", true},
		{"demo/vendor/", "demo/vendor/a/b.py", true},
		{"demo/vendor", "demo/vendors/x.py", false},
		{"vendor", "a/vendor/x.py", true},
		{"vendor", "a/vendorx/x.py", false},
		{"*_pb2.py", "a/b/x_pb2.py", true},
		{"tests/*", "tests/test_a.py", true},
		{"tests/*", "pkg/tests/test_a.py", false},
		{"**/tests/*.py", "pkg/tests/test_a.py", true},
		{"**/tests/*.py", "tests/test_a.py", true},
		{"pkg/**", "pkg/a/b/c.py", true},
		{"pkg/*.py", "pkg/a/b.py", false},
		{"pkg/[ab].py", "pkg/a.py", true},
		{"pkg/[!ab].py", "pkg/a.py", false},
		{"./pkg/x.py", "pkg/x.py", true},
		{"pkg/x?.py", "pkg/x1.py", true},
		{"pkg.x", "pkgax", false}, // dots are literal
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.pattern)
		if err != nil {
			t.Fatalf("CompileGlob(%q): %v", tt.pattern, err)
		}
		if got := g.Match(tt.path); got != tt.want {
			t.Errorf("CompileGlob(%q).Match(%q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"", "pkg/[ab", "  "} {
		if _, err := CompileGlob(bad); err == nil {
			t.Errorf("CompileGlob(%q) = nil error, want one", bad)
		}
	}
}

func TestFindRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	write := func(rel string) {
		p := filepath.Join(home, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	write(".git/HEAD")               // a dotfiles repository in the home directory
	write("src/proj/setup.cfg")      // a project
	write("src/proj/pkg/sub/mod.py") // a file deep in it
	write("src/loose/tool/x.py")     // a tree with no markers
	tests := []struct{ path, root, rel string }{
		{"src/proj", "src/proj", ""},
		{"src/proj/", "src/proj", ""},
		{"src/proj/pkg/sub", "src/proj", "pkg/sub"},
		{"src/proj/pkg/sub/mod.py", "src/proj", "pkg/sub/mod.py"},
		{"src/loose/tool", "src/loose/tool", ""}, // not widened to the home directory's repository
	}
	for _, tt := range tests {
		root, rel, err := FindRoot(filepath.Join(home, tt.path))
		if err != nil || root != filepath.Join(home, tt.root) || rel != tt.rel {
			t.Errorf("FindRoot(%q) = %q, %q, %v; want %q, %q", tt.path, root, rel, err, filepath.Join(home, tt.root), tt.rel)
		}
	}
}

// TestLoadRecordsSizes: Python files carry their listed size (the scan
// parses the largest first).
func TestLoadRecordsSizes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("import os\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.py"), []byte("x = 1\ny = 2\nz = 3\n"), 0o644)
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if want := map[string]int64{"a.py": 10, "b.py": 18}[f.Path]; f.Size != want {
			t.Errorf("%s: Size = %d, want %d", f.Path, f.Size, want)
		}
	}
}
