package pyproj

import "testing"

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
