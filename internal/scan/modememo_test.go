package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestModeMemo: an entry point's mode is inferred again only when
// something the inference read changed: a release that changes a file off
// its import closure reuses it, one that changes a module it follows does
// not; either way the result is what an uncached scan gives.
func TestModeMemo(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\n\n[entry_points]\nconsole_scripts =\n    svc-api = svc.api:main\n    svc-tool = svc.tool:main\n",
		"svc/__init__.py": "",
		"svc/api.py":      "from svc import hub\n\n\ndef main():\n    hub.start()\n    while True:\n        hub.serve()\n",
		"svc/hub.py":      "import eventlet\n\neventlet.monkey_patch()\n\n\ndef start():\n    pass\n\n\ndef serve():\n    eventlet.sleep(1)\n",
		"svc/tool.py":     "import sys\n\n\ndef main():\n    print(sys.argv)\n",
		"svc/other.py":    "X = 1\n",
	})
	c := NewCache()
	scan := func(c *Cache) string { t.Helper(); return scanThrough(t, ctx, dir, c) }
	edit := func(rel, text string) { t.Helper(); editFile(t, dir, rel, text) }
	step := func(what string, wantHits, wantMisses int) {
		t.Helper()
		hits, misses := c.ModeHits, c.ModeMisses
		if got, want := scan(c), scan(nil); got != want {
			t.Errorf("%s: through the cache\n got %s\nwant %s", what, got, want)
		}
		if h, m := c.ModeHits-hits, c.ModeMisses-misses; h != wantHits || m != wantMisses {
			t.Errorf("%s: %d entry points reused, %d inferred; want %d, %d", what, h, m, wantHits, wantMisses)
		}
	}
	step("first scan", 0, 2)
	edit("svc/other.py", "X = 2\n")
	step("a file no entry point imports changed", 2, 0)
	before := scan(nil)
	edit("svc/hub.py", "import threading\n\n\ndef start():\n    pass\n\n\ndef serve():\n    threading.Event().wait(1)\n")
	if scan(nil) == before {
		t.Fatal("changing hub.py changed nothing: the test proves nothing")
	}
	step("a module on svc-api's path changed", 1, 1)
	edit("svc/tool.py", "import sys\nimport svc.hub\n\n\ndef main():\n    print(sys.argv)\n")
	step("svc-tool now imports hub", 1, 1)
}

// scanThrough scans dir as history does (the cache first keeps only what
// the tree can use, then the scan reads through it with the tree's
// content ids), or with no cache when c is nil: the result's JSON.
func scanThrough(t *testing.T, ctx context.Context, dir string, c *Cache) string {
	t.Helper()
	o := Options{Now: time.Unix(1.7e9, 0)}
	if c != nil {
		c.Retain(contentIDs(t, dir))
		o.Cache, o.Blobs = c, contentIDs(t, dir)
	}
	res, err := Run(ctx, []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	return resultJSON(t, res)
}

// editFile writes a file of the tree at dir.
func editFile(t *testing.T, dir, rel, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
