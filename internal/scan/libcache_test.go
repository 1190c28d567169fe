package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/letgo-dev/letgo/internal/contract"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// contentIDs are the content ids of a tree's files, as Options.Blobs.
func contentIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h := sha256.Sum256(b)
		ids[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// resultJSON is a result as JSON without its timings.
func resultJSON(t *testing.T, res *contract.Result) string {
	t.Helper()
	res.Stats.ElapsedMS, res.Stats.GraphMS = 0, 0
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCachedLibraryRoots: scans of one tree against a library root, one
// after another through one cache (as history does), give the same JSON as
// uncached scans; the second parses no library file again; a library file
// that changes is parsed again and its change shows; and a library file at
// the same relative path as one of the scanned tree (setup.py, a module of
// the same name) never takes the tree's content id or result.
func TestCachedLibraryRoots(t *testing.T) {
	ctx := context.Background()
	svc := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n  svc-api = svc.cmd:main\n",
		"setup.py":        "import setuptools\nsetuptools.setup(pbr=True)\n",
		"svc/__init__.py": "",
		"svc/cmd.py":      "from lib import spawn\n\n\ndef work():\n    pass\n\n\ndef main():\n    spawn(work)\n",
		"tools/common.py": "import threading\n",
	})
	lib := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = lib\n",
		"setup.py":        "import eventlet\neventlet.monkey_patch()\n",
		"lib/__init__.py": "from lib._green import spawn\n",
		"lib/_green.py":   "import eventlet\nspawn = eventlet.spawn\n",
		"tools/common.py": "import eventlet\neventlet.monkey_patch()\n",
	})
	blobs := contentIDs(t, svc)
	uncached := func() string {
		res, err := Run(ctx, []string{svc}, Options{With: []string{lib}, Now: time.Unix(1e9, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return resultJSON(t, res)
	}
	cache := NewCache()
	cached := func() string {
		cache.Retain(blobs)
		res, err := Run(ctx, []string{svc}, Options{With: []string{lib}, Now: time.Unix(1e9, 0), Cache: cache, Blobs: blobs})
		if err != nil {
			t.Fatal(err)
		}
		return resultJSON(t, res)
	}
	want := uncached()
	if got := cached(); got != want {
		t.Fatalf("first cached scan differs from an uncached one:\n got %s\nwant %s", got, want)
	}
	if cache.LibHits != 0 || cache.LibMisses != 4 {
		t.Errorf("first scan: library hits %d misses %d, want 0 and 4", cache.LibHits, cache.LibMisses)
	}
	misses := cache.LibMisses
	if got := cached(); got != want {
		t.Fatalf("second cached scan differs:\n got %s\nwant %s", got, want)
	}
	if cache.LibMisses != misses || cache.LibHits != misses {
		t.Errorf("second scan: library hits %d misses %d, want every library file served (%d)", cache.LibHits, cache.LibMisses-misses, misses)
	}
	// The library stops using eventlet: the uncached result changes, and
	// the cached one follows.
	if err := os.WriteFile(filepath.Join(lib, "lib", "_green.py"), []byte("import threading\n\n\ndef spawn(f):\n    threading.Thread(target=f).start()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := uncached()
	if changed == want {
		t.Fatal("changing the library did not change the result: the test proves nothing")
	}
	hits, misses := cache.LibHits, cache.LibMisses
	if got := cached(); got != changed {
		t.Fatalf("cached scan after a library change differs:\n got %s\nwant %s", got, changed)
	}
	if cache.LibMisses-misses != 1 || cache.LibHits-hits != misses-1 {
		t.Errorf("after changing one library file: %d parsed, %d served; want 1 and %d", cache.LibMisses-misses, cache.LibHits-hits, misses-1)
	}
}
