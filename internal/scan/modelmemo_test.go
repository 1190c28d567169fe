package scan

import (
	"context"
	"testing"
)

// TestModelReuse: a scan through a Cache whose files are all served from
// it (only a non-Python file changed) reuses the last scan's model and its
// answers to which files need a second pass; a Python file or an entry
// point changing builds a new model. The result is always what an
// uncached scan gives.
func TestModelReuse(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\n",
		"README.rst":      "svc\n",
		"svc/__init__.py": "",
		"svc/compat.py":   "import eventlet\n",
		"svc/use.py":      "from svc import compat\n\n\ndef go(f):\n    compat.eventlet.spawn(f)\n",
		"svc/other.py":    "X = 1\n",
	})
	c := NewCache()
	var last *keptModel
	step := func(what string, reused bool) {
		t.Helper()
		got := scanThrough(t, ctx, dir, c)
		if want := scanThrough(t, ctx, dir, nil); got != want {
			t.Errorf("%s: through the cache\n got %s\nwant %s", what, got, want)
		}
		if c.model == nil {
			t.Fatalf("%s: no model kept", what)
		}
		if r := last != nil && c.model.model == last.model; r != reused {
			t.Errorf("%s: model reused = %v, want %v", what, r, reused)
		}
		if len(c.model.again) == 0 {
			t.Errorf("%s: no second-pass answer kept", what)
		}
		last = c.model
	}
	step("first scan", false)
	editFile(t, dir, "README.rst", "svc, a service\n")
	step("a non-Python file changed", true)
	step("nothing changed", true)
	before := scanThrough(t, ctx, dir, nil)
	editFile(t, dir, "svc/compat.py", "from eventlet import greenthread as eventlet\n")
	if scanThrough(t, ctx, dir, nil) == before {
		t.Fatal("changing the re-export changed nothing: the test proves nothing")
	}
	step("the re-export use.py goes through changed", false)
	editFile(t, dir, "setup.cfg", "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-go = svc.use:go\n")
	step("an entry point added", false)
	editFile(t, dir, "svc/other.py", "X = 2\n")
	step("an unrelated Python file changed", false)
}
