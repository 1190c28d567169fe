package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// TestCacheKeyProjectInputs: a file's first-pass result is keyed by what
// of the project the per-file rules read (rules.WriteProjectInputs), not
// by every requirement. Over releases of one tree that bump unrelated
// requirements, move the oslo.config minimum across the pickling release
// and add a classifier: two releases with one key give the same Python
// findings uncached (the key leaves out nothing the rules read), a scan
// through the cache gives what an uncached scan gives, a release that
// only bumps other requirements parses no Python file again, and one that
// changes what the rules read parses again only the file whose rules read
// it (analysis.Pass.Project).
func TestCacheKeyProjectInputs(t *testing.T) {
	ctx := context.Background()
	py := map[string]string{
		"svc/__init__.py": "",
		"svc/run.py": "import multiprocessing\nimport threading\n\nfrom oslo_config import cfg\n\nCONF = cfg.CONF\n\n\ndef work(x):\n    pass\n\n\n" +
			"def main():\n    multiprocessing.Process(target=work, args=(CONF,)).start()\n" +
			"    multiprocessing.Process(target=work, args=(threading.Lock(),)).start()\n",
		"svc/other.py": "import threading\n\nLOCK = threading.Lock()\n",
	}
	cfg := func(classifiers ...string) string {
		return "[metadata]\nname = svc\nclassifier =\n    " + strings.Join(classifiers, "\n    ") + "\n"
	}
	releases := []struct {
		name, reqs, setup string
	}{
		{"base", "oslo.config>=9.0.0\nsix>=1.0\n", cfg("Programming Language :: Python :: 3.12")},
		{"bumps", "oslo.config>=9.0.0\nsix>=2.0\nrequests>=2.0\n", cfg("Programming Language :: Python :: 3.12", "License :: OSI Approved")},
		{"moved line", "alembic>=1.0\noslo.config>=9.0.0\nsix>=2.0\n", cfg("Programming Language :: Python :: 3.12")},
		{"pickles", "oslo.config>=10.6.0\nsix>=2.0\n", cfg("Programming Language :: Python :: 3.12")},
		{"pickles later", "oslo.config>=11.0.0\nsix>=3.0\n", cfg("Programming Language :: Python :: 3.12")},
		{"py314", "oslo.config>=11.0.0\nsix>=3.0\n", cfg("Programming Language :: Python :: 3.12", "Programming Language :: Python :: 3.14")},
	}
	dir := writeTree(t, py)
	write := func(i int) {
		for name, text := range map[string]string{"requirements.txt": releases[i].reqs, "setup.cfg": releases[i].setup} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	scan := func(c *Cache) *contract.Result {
		o := Options{Select: []string{"EV5"}, Now: time.Unix(1.7e9, 0)}
		if c != nil {
			c.Retain(contentIDs(t, dir))
			o.Cache, o.Blobs = c, contentIDs(t, dir)
		}
		res, err := Run(ctx, []string{dir}, o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	pyFindings := func(res *contract.Result) string {
		var b strings.Builder
		for _, f := range res.Findings {
			if strings.HasSuffix(f.Path, ".py") {
				b.WriteString(f.Path + ":" + f.Rule + ":" + f.Message + "\n")
			}
		}
		return b.String()
	}
	keys := make([]string, len(releases))
	uncached := make([]string, len(releases))
	full := make([]string, len(releases))
	for i := range releases {
		write(i)
		proj, err := pyproj.Load(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = NewCache().projectKey(proj)
		res := scan(nil)
		uncached[i], full[i] = pyFindings(res), resultJSON(t, res)
	}
	for i := range releases {
		for j := range i {
			if keys[i] == keys[j] && uncached[i] != uncached[j] {
				t.Errorf("%s and %s share a project key but their Python findings differ:\n%s\n%s", releases[j].name, releases[i].name, uncached[j], uncached[i])
			}
		}
	}
	// The releases that must share a key, and those that must not.
	for _, p := range [][2]int{{0, 1}, {3, 4}} {
		if keys[p[0]] != keys[p[1]] {
			t.Errorf("%s and %s: keys differ, though no input of the rules changed", releases[p[0]].name, releases[p[1]].name)
		}
	}
	for _, p := range [][2]int{{0, 2}, {0, 3}, {4, 5}} {
		if keys[p[0]] == keys[p[1]] {
			t.Errorf("%s and %s: one key, though the rules' inputs differ", releases[p[0]].name, releases[p[1]].name)
		}
		if uncached[p[0]] == uncached[p[1]] {
			t.Errorf("%s and %s give the same findings: the fixture proves nothing", releases[p[0]].name, releases[p[1]].name)
		}
	}
	c := NewCache()
	for i := range releases {
		write(i)
		misses := c.Misses
		if got := resultJSON(t, scan(c)); got != full[i] {
			t.Errorf("%s through the cache:\n got %s\nwant %s", releases[i].name, got, full[i])
		}
		// Other requirements bumped: nothing parsed again; the rules'
		// inputs changed: only the file whose rules read them (svc/run.py).
		want := map[bool]int{false: 0, true: 1}[keys[i] != keys[max(i-1, 0)]]
		if i > 0 && c.Misses-misses != want {
			t.Errorf("%s: %d Python files parsed again, want %d", releases[i].name, c.Misses-misses, want)
		}
	}
}
