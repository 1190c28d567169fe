package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/store"
)

// TestCachedContentID: a tree's content id through the store is the one
// computed by hashing; an unchanged tree is answered from the store
// (proved by a planted value), a file rewritten with the same size and
// modification time is hashed again, and a tree with a file changed
// within the racy window is hashed and its status not stored.
func TestCachedContentID(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	write(t, dir, "pkg/a.py", "import eventlet\n")
	write(t, dir, "pkg/b.py", "x = 1\n")
	if err := os.Symlink("a.py", filepath.Join(dir, "pkg", "link.py")); err != nil {
		t.Fatal(err)
	}
	old := racyWindow
	defer func() { racyWindow = old }()

	racyWindow = time.Hour // every file is fresh
	want, err := contentID(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := cachedContentID(ctx, st, dir)
	if err != nil || got != want {
		t.Fatalf("racy tree: %q, %v; want %q", got, err, want)
	}
	key, _, _ := treeStatus(ctx, dir, time.Now())
	if _, ok, _ := st.CacheGet(ctx, store.CacheKey{Content: key, RuleSet: statusRuleSet}); ok {
		t.Error("a racy tree's status was stored")
	}

	racyWindow = 0
	time.Sleep(20 * time.Millisecond)
	if got, _, err = cachedContentID(ctx, st, dir); err != nil || got != want {
		t.Fatalf("first: %q, %v; want %q", got, err, want)
	}
	key, _, _ = treeStatus(ctx, dir, time.Now())
	planted := contentPrefix + "planted"
	if err := st.CachePut(ctx, store.CacheKey{Content: key, RuleSet: statusRuleSet}, []byte(planted)); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = cachedContentID(ctx, st, dir); got != planted {
		t.Fatalf("unchanged tree: %q, want the stored %q (the tree was hashed again)", got, planted)
	}
	// Same size, same modification time, other content: the change time
	// (and so the status) differs.
	p := filepath.Join(dir, "pkg", "b.py")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	write(t, dir, "pkg/b.py", "y = 2\n")
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	changed, err := contentID(ctx, dir)
	if err != nil || changed == want {
		t.Fatalf("contentID after a change: %q, %v (was %q)", changed, err, want)
	}
	if got, _, _ = cachedContentID(ctx, st, dir); got != changed {
		t.Errorf("after rewriting b.py: %q, want %q", got, changed)
	}
	// A symlink retargeted: a new status too.
	os.Remove(filepath.Join(dir, "pkg", "link.py"))
	if err := os.Symlink("b.py", filepath.Join(dir, "pkg", "link.py")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	relinked, _ := contentID(ctx, dir)
	if got, _, _ = cachedContentID(ctx, st, dir); got != relinked || relinked == changed {
		t.Errorf("after retargeting link.py: %q, want %q (before %q)", got, relinked, changed)
	}
}

// storedResultJSON is the result of a stored scan as JSON, without its
// timings.
func storedResultJSON(t *testing.T, dsn string, id int64) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Result(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	res.Stats.ElapsedMS, res.Stats.GraphMS = 0, 0
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFleetScanFileCache: a fleet scan --file-cache of trees that are not
// checkouts keeps its files' analyses in the store, and a later scan of a changed
// tree, served from it, stores the result a scan into an empty store
// does.
func TestFleetScanFileCache(t *testing.T) {
	dir := fleetFixture(t, filepath.Join("testdata", "fleet", "manifest.txtar"))
	args := []string{"--manifest", "fleet.toml", "--src", "src", "--db", "sqlite:fleet.db", "--file-cache"}
	fleetScanJSON(t, args...)
	write(t, dir, "src/commonlib/commonlib/hub.py", "import threading\n")
	warm := fleetScanJSON(t, args...)
	cold := fleetScanJSON(t, "--manifest", "fleet.toml", "--src", "src", "--db", "sqlite:fresh.db")
	if !warm.Scanned[0].Stored || !cold.Scanned[0].Stored {
		t.Fatalf("commonlib not stored: %+v, %+v", warm.Scanned[0], cold.Scanned[0])
	}
	got := storedResultJSON(t, "fleet.db", warm.Scanned[0].ScanID)
	want := storedResultJSON(t, "fresh.db", cold.Scanned[0].ScanID)
	if got != want {
		t.Errorf("scan through the file cache differs from one into an empty store:\n got %s\nwant %s", got, want)
	}
}
