package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Retain keeps the entries of the tree given and drops the others: file
// results of other versions and of vanished files, and modes of another
// set of Python files.
func TestCacheRetain(t *testing.T) {
	dir := t.TempDir()
	write := func(p, content string) {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("setup.cfg", "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc = svc:main\n")
	os.Mkdir(filepath.Join(dir, "svc"), 0o755)
	write("svc/__init__.py", "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    pass\n")
	write("svc/a.py", "x = 1\n")
	c := NewCache()
	scanWith := func(blobs map[string]string) {
		t.Helper()
		if _, err := Run(context.Background(), []string{dir}, Options{Cache: c, Blobs: blobs}); err != nil {
			t.Fatal(err)
		}
	}
	v1 := map[string]string{"setup.cfg": "c", "svc/__init__.py": "i", "svc/a.py": "a1"}
	scanWith(v1)
	files1, _, modes1 := c.Len()
	if files1 != 2 || modes1 != 1 {
		t.Fatalf("after one scan: %d files, %d modes; want 2 and 1", files1, modes1)
	}
	write("svc/a.py", "x = 2\n")
	v2 := map[string]string{"setup.cfg": "c", "svc/__init__.py": "i", "svc/a.py": "a2"}
	c.Retain(v2)
	if files, _, modes := c.Len(); files != 1 || modes != 0 {
		t.Errorf("Retain(v2) kept %d files, %d modes; want 1 (__init__.py) and 0", files, modes)
	}
	scanWith(v2)
	c.Retain(v2)
	if files, _, modes := c.Len(); files != 2 || modes != 1 {
		t.Errorf("Retain(v2) after scanning v2 kept %d files, %d modes; want 2 and 1", files, modes)
	}
	c.Retain(map[string]string{"svc/__init__.py": "i"})
	if files, views, modes := c.Len(); files != 1 || views > 1 || modes != 0 {
		t.Errorf("Retain(one file) kept %d files, %d views, %d modes", files, views, modes)
	}
	var nilCache *Cache
	nilCache.Retain(v1) // a nil cache caches nothing
}
