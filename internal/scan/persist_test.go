package scan

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// memFiles is a FileStore in memory, as the store's file cache.
type memFiles struct {
	mu   sync.Mutex
	m    map[string][]byte
	puts int
}

func (s *memFiles) Get(content, context string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[content+"\x00"+context]
	return v, ok
}

func (s *memFiles) Put(content, context string, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[content+"\x00"+context] = value
	s.puts++
}

// TestStoredResultFields: gob keeps exported fields only, so every field
// reachable from what is stored must be exported, or a cached result
// would silently lose it; and fileResult has the fields encodeResult
// knows (a new one fails here until it is stored).
func TestStoredResultFields(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, at string) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(ty.Elem(), at+"[]")
		case reflect.Map:
			walk(ty.Key(), at+"{key}")
			walk(ty.Elem(), at+"{}")
		case reflect.Struct:
			for i := 0; i < ty.NumField(); i++ {
				f := ty.Field(i)
				if !f.IsExported() {
					t.Errorf("%s.%s (%s) is not exported: gob would drop it", at, f.Name, ty)
				}
				walk(f.Type, at+"."+f.Name)
			}
		case reflect.Interface, reflect.Func, reflect.Chan:
			t.Errorf("%s is a %s: gob cannot store it", at, ty.Kind())
		}
	}
	walk(reflect.TypeOf(storedResult{}), "storedResult")
	var names []string
	ft := reflect.TypeOf(fileResult{})
	for i := 0; i < ft.NumField(); i++ {
		names = append(names, ft.Field(i).Name)
	}
	want := "findings lines imports imported summary names wsgiLine backend atImport bytes syntax skipped outline project"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("fileResult's fields are %q; encodeResult and decodeResult store %q: update them", got, want)
	}
}

// persistFixtures are trees with findings, declarations (pickling), backends,
// import-time facts, WSGI modules, dynamic loads and entry points.
var persistFixtures = []string{
	"testdata/modes/wsgi.txtar", "testdata/modes/gates.txtar", "testdata/modes/hard.txtar", "testdata/modes/started.txtar",
	"testdata/order/order.txtar", "testdata/sem/dynamic_loads.txtar", "testdata/sem/reexported_module.txtar",
	"testdata/kinds/kinds.txtar", "testdata/graph/guards.txtar", "testdata/graph/privileged.txtar",
}

// TestPersistedScan: a scan whose first pass is served by the FileStore
// (a new Cache, as a new process) gives the same JSON as an uncached
// scan and parses no file; a changed file is parsed again (and only it);
// another rule set or another set of roots is served nothing.
func TestPersistedScan(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1.7e9, 0)
	for _, fx := range persistFixtures {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			dir, _ := txtarTree(t, fx, "want", "args")
			plain := func(o Options) string {
				o.Now = now
				res, err := Run(ctx, []string{dir}, o)
				if err != nil {
					t.Fatal(err)
				}
				return resultJSON(t, res)
			}
			files := &memFiles{m: map[string][]byte{}}
			cached := func(o Options) (string, *Cache) {
				c := NewCache()
				c.Persist = files
				o.Now, o.Cache, o.Blobs = now, c, contentIDs(t, dir)
				res, err := Run(ctx, []string{dir}, o)
				if err != nil {
					t.Fatal(err)
				}
				return resultJSON(t, res), c
			}
			want := plain(Options{})
			got, c := cached(Options{})
			if got != want {
				t.Fatalf("first cached scan differs:\n got %s\nwant %s", got, want)
			}
			if c.Stored != 0 || files.puts != c.Misses || c.Misses == 0 {
				t.Fatalf("first scan: %d stored hits, %d puts, %d misses; want 0 and every file put", c.Stored, files.puts, c.Misses)
			}
			parsed := c.Misses
			got, c = cached(Options{})
			if got != want {
				t.Fatalf("scan served from the file store differs:\n got %s\nwant %s", got, want)
			}
			if c.Stored != parsed || c.Misses != 0 {
				t.Fatalf("second scan: %d served from the store, %d parsed; want %d and 0", c.Stored, c.Misses, parsed)
			}
			// Another rule set: nothing served.
			sel := Options{Select: []string{"EV1", "EV9"}}
			if got, c = cached(sel); got != plain(sel) || c.Stored != 0 {
				t.Errorf("another rule set: %d served from the store (want 0), same JSON %v", c.Stored, got == plain(sel))
			}
			// A library root with new top-level names: nothing served.
			lib := writeTree(t, map[string]string{"zz_persist_lib/__init__.py": "import eventlet\n"})
			with := Options{With: []string{lib}}
			if got, c = cached(with); got != plain(with) || c.Stored != 0 {
				t.Errorf("another set of roots: %d served from the store (want 0), same JSON %v", c.Stored, got == plain(with))
			}
			// One file changed: it alone is parsed again.
			var py string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && py == "" && strings.HasSuffix(p, ".py") {
					py = p
				}
				return nil
			})
			old, _ := os.ReadFile(py)
			if err := os.WriteFile(py, append(old, []byte("\nimport eventlet\neventlet.monkey_patch()\n")...), 0o644); err != nil {
				t.Fatal(err)
			}
			changed := plain(Options{})
			if changed == want {
				t.Fatal("changing a file did not change the result: the test proves nothing")
			}
			if got, c = cached(Options{}); got != changed || c.Misses != 1 {
				t.Errorf("after changing %s: %d parsed (want 1), same JSON as uncached %v", py, c.Misses, got == changed)
			}
		})
	}
}

// TestCacheProjectSettings: the first pass's results depend on project
// settings the rules read (the Python classifiers, for the start method
// in force): a scan through the cache (in memory, then from the file
// store) after the classifiers changed, with every Python file the same,
// gives what an uncached scan gives.
func TestCacheProjectSettings(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\nclassifier =\n    Programming Language :: Python :: 3.12\n",
		"svc/__init__.py": "",
		"svc/run.py": "import multiprocessing\nimport threading\n\n\ndef work(x):\n    pass\n\n\ndef main():\n" +
			"    multiprocessing.Process(target=work, args=(threading.Lock(),)).start()\n",
	})
	files := &memFiles{m: map[string][]byte{}}
	mem := NewCache()
	mem.Persist = files
	scan := func(c *Cache) string {
		o := Options{Select: []string{"EV5"}, Now: time.Unix(1.7e9, 0)}
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
	if got, want := scan(mem), scan(nil); got != want {
		t.Fatalf("first cached scan differs:\n got %s\nwant %s", got, want)
	}
	before := scan(nil)
	if err := os.WriteFile(filepath.Join(dir, "setup.cfg"), []byte("[metadata]\nname = svc\nclassifier =\n    Programming Language :: Python :: 3.12\n    Programming Language :: Python :: 3.14\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := scan(nil)
	if want == before {
		t.Fatal("changing the classifiers did not change the result: the test proves nothing")
	}
	if got := scan(mem); got != want {
		t.Errorf("in-memory cache after the classifiers changed:\n got %s\nwant %s", got, want)
	}
	fresh := NewCache()
	fresh.Persist = files
	if got := scan(fresh); got != want {
		t.Errorf("file store after the classifiers changed:\n got %s\nwant %s", got, want)
	}
}

// TestPersistedProjectChange: a release that changes the project's
// settings the rules read (the classifiers) and no Python file is served
// from the file store, in a new process (a new Cache), every file whose
// rules did not read them; the file that did is parsed again; the result
// is what an uncached scan gives.
func TestPersistedProjectChange(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\nclassifier =\n    Programming Language :: Python :: 3.12\n",
		"svc/__init__.py": "",
		"svc/run.py": "import multiprocessing\nimport threading\n\n\ndef work(x):\n    pass\n\n\ndef main():\n" +
			"    multiprocessing.Process(target=work, args=(threading.Lock(),)).start()\n",
		"svc/other.py": "import eventlet\n\n\ndef go(f):\n    eventlet.spawn(f)\n",
	})
	files := &memFiles{m: map[string][]byte{}}
	scan := func(persist bool) (string, *Cache) {
		o := Options{Now: time.Unix(1.7e9, 0)}
		var c *Cache
		if persist {
			c = NewCache()
			c.Persist = files
			o.Cache, o.Blobs = c, contentIDs(t, dir)
		}
		res, err := Run(ctx, []string{dir}, o)
		if err != nil {
			t.Fatal(err)
		}
		return resultJSON(t, res), c
	}
	before, _ := scan(false)
	if got, c := scan(true); got != before || c.Misses != 3 {
		t.Fatalf("first scan: %d parsed (want 3), same JSON as uncached %v", c.Misses, got == before)
	}
	if err := os.WriteFile(filepath.Join(dir, "setup.cfg"), []byte("[metadata]\nname = svc\nclassifier =\n    Programming Language :: Python :: 3.12\n    Programming Language :: Python :: 3.14\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, _ := scan(false)
	if want == before {
		t.Fatal("changing the classifiers did not change the result: the test proves nothing")
	}
	got, c := scan(true)
	if got != want {
		t.Errorf("after the classifiers changed, through the file store:\n got %s\nwant %s", got, want)
	}
	if c.Misses != 1 || c.Stored != 2 {
		t.Errorf("after the classifiers changed: %d parsed, %d served from the store; want 1 (run.py reads them), 2", c.Misses, c.Stored)
	}
}
