package scan

import (
	"context"
	"maps"
	"testing"
)

// TestSecondPassMemo: a file's second pass (names through the model, the
// project's facts) is reused while its content and everything it read of
// the model and the facts are the same: a change elsewhere reuses it, a
// change of a re-export it goes through or of a fact it reads (what a
// function it sends returns) runs it again; the result is always what an
// uncached scan gives.
func TestSecondPassMemo(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\n",
		"svc/__init__.py": "",
		"svc/compat.py":   "import eventlet\n",
		"svc/use.py":      "from svc import compat\n\n\ndef go(f):\n    compat.eventlet.spawn(f)\n",
		"svc/conf.py":     "from oslo_config import cfg\n\n\ndef make():\n    return cfg.ConfigOpts()\n",
		"svc/run.py": "import multiprocessing\n\nfrom svc import conf\n\n\ndef work(x):\n    pass\n\n\n" +
			"def main():\n    multiprocessing.Process(target=work, args=(conf.make(),)).start()\n",
		"svc/other.py": "X = 1\n",
	})
	c := NewCache()
	scan := func(c *Cache) string { t.Helper(); return scanThrough(t, ctx, dir, c) }
	edit := func(rel, text string) { t.Helper(); editFile(t, dir, rel, text) }
	step := func(what string, wantHits, wantMisses int) {
		t.Helper()
		hits, misses := c.SecondHits, c.SecondMisses
		got := scan(c)
		if want := scan(nil); got != want {
			t.Errorf("%s: through the cache\n got %s\nwant %s", what, got, want)
		}
		if h, m := c.SecondHits-hits, c.SecondMisses-misses; h != wantHits || m != wantMisses {
			t.Errorf("%s: %d second passes reused, %d run; want %d, %d", what, h, m, wantHits, wantMisses)
		}
	}
	first := scan(nil)
	step("first scan", 0, 2)
	edit("svc/other.py", "X = 2\n")
	step("an unrelated file changed", 2, 0)
	edit("svc/compat.py", "from eventlet import greenthread as eventlet\n")
	if scan(nil) == first {
		t.Fatal("changing the re-export changed nothing: the test proves nothing")
	}
	step("the re-export use.py goes through changed", 1, 1)
	withConf := scan(nil)
	edit("svc/conf.py", "import threading\n\n\ndef make():\n    return threading.Lock()\n")
	if scan(nil) == withConf {
		t.Fatal("changing what make() returns changed nothing: the test proves nothing")
	}
	step("the fact run.py reads changed", 1, 1)
}

// TestSecondPassKeepsParse: a changed file whose path went through a
// second pass in the previous scan through the cache is parsed once, by
// its first pass, whose parse the second pass takes; the result is what
// an uncached scan gives. A file whose source is over the bound is parsed
// twice, a file that never needed a second pass keeps no parse, and no
// kept parse outlives its scan.
func TestSecondPassKeepsParse(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\n",
		"svc/__init__.py": "",
		"svc/compat.py":   "import eventlet\n",
		"svc/use.py":      "from svc import compat\n\n\ndef go(f):\n    compat.eventlet.spawn(f)\n",
		"svc/other.py":    "X = 1\n",
	})
	c := NewCache()
	step := func(what string, wantRun, wantParsed int) {
		t.Helper()
		misses, parsed := c.SecondMisses, c.SecondParsed
		got := scanThrough(t, ctx, dir, c)
		if want := scanThrough(t, ctx, dir, nil); got != want {
			t.Errorf("%s: through the cache\n got %s\nwant %s", what, got, want)
		}
		if m, p := c.SecondMisses-misses, c.SecondParsed-parsed; m != wantRun || p != wantParsed {
			t.Errorf("%s: %d second passes run, %d of them on the first pass's parse; want %d, %d", what, m, p, wantRun, wantParsed)
		}
		if len(c.parsed) != 0 || c.parsedBytes != 0 {
			t.Errorf("%s: %d parses (%d bytes) kept after the scan", what, len(c.parsed), c.parsedBytes)
		}
	}
	step("first scan: no earlier second pass", 1, 0)
	before := scanThrough(t, ctx, dir, nil)
	editFile(t, dir, "svc/use.py", "from svc import compat\n\n\ndef go(f):\n    compat.eventlet.spawn(f)\n    compat.eventlet.spawn_n(f)\n")
	if scanThrough(t, ctx, dir, nil) == before {
		t.Fatal("the edit changed nothing: the test proves nothing")
	}
	step("use.py changed: its first pass's parse taken", 1, 1)
	editFile(t, dir, "svc/other.py", "X = 2\n")
	step("other.py changed: it never needed a second pass", 0, 0)
	defer func(old int64) { maxParsedBytes = old }(maxParsedBytes)
	maxParsedBytes = 16
	editFile(t, dir, "svc/use.py", "from svc import compat\n\n\ndef go(f):\n    compat.eventlet.spawn_n(f)\n")
	step("use.py changed, over the bound: parsed again", 1, 0)
}

// Retain keeps the paths that went through a second pass while they are
// in the tree, whatever their content now (a changed file is the one
// whose parse is worth keeping), and drops the others.
func TestRetainSecondPaths(t *testing.T) {
	c := NewCache()
	c.secondPaths = map[string]bool{"svc/use.py\x00svc.use": true, "svc/gone.py\x00svc.gone": true}
	c.Retain(map[string]string{"svc/use.py": "another-id", "svc/other.py": "id"})
	if want := map[string]bool{"svc/use.py\x00svc.use": true}; !maps.Equal(c.secondPaths, want) {
		t.Errorf("second paths after Retain %v, want %v", c.secondPaths, want)
	}
}
