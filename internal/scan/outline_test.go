package scan

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// outlineSources are module shapes that define functions and classes in
// every place Python allows: conditionally, in handlers, nested, decorated,
// async, under a global statement, after a syntax error.
var outlineSources = map[string]string{
	"plain":    "def f():\n    pass\n\n\nclass C(object):\n    def run(self):\n        pass\n",
	"cond":     "import os\nif os.name == 'nt':\n    def start():\n        pass\nelse:\n    class Start:\n        pass\n",
	"try":      "try:\n    from x import main\nexcept ImportError:\n    def main():\n        pass\n",
	"nested":   "def outer():\n    def inner():\n        def deeper():\n            pass\n    class Local:\n        def start(self):\n            pass\n",
	"classes":  "class A:\n    class B:\n        def run(self):\n            pass\n    async def go(self):\n        pass\n",
	"deco":     "import functools\n\n\n@functools.lru_cache()\ndef cached():\n    pass\n\n\n@decorator\nclass D:\n    pass\n",
	"global":   "def setup():\n    global helper\n    def helper():\n        pass\n",
	"rebound":  "def f():\n    pass\n\n\nf = 1\nclass f:\n    pass\n",
	"with":     "with ctx():\n    def w():\n        pass\nfor i in range(3):\n    def loop():\n        pass\nwhile False:\n    class Loop:\n        pass\n",
	"syntax":   "def ok():\n    pass\n\n\ndef broken(:\n    pass\n\n\nclass After:\n    def main(self):\n        pass\n",
	"deleted":  "def gone():\n    pass\n\n\ndel gone\n",
	"match":    "match x:\n    case 1:\n        def m():\n            pass\n",
	"lambdas":  "f = lambda: None\nclass K:\n    g = lambda self: None\n",
	"empty":    "",
	"comments": "# def main():\n'''\ndef run():\n'''\n",
}

// TestOutlineCoversDefinitions: the interpreter skips analysing a module
// when its outline says the module level does not bind the first name of
// what it looks up (modes.Source.Binds), or that it defines no entry
// function (DefinesEntry). That holds only if the first name of every
// function and class the module's view defines is a name its summary
// binds, and DefinesEntry is true whenever a definition is an entry
// function: checked on shaped sources and on every module of the scan's
// fixtures.
func TestOutlineCoversDefinitions(t *testing.T) {
	srcs := map[string]string{}
	for name, src := range outlineSources {
		srcs[name+".py"] = src
	}
	fixtures, err := filepath.Glob("testdata/*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures {
		ar, err := txtar.ParseFile(fx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".py") {
				srcs[fx+":"+f.Name] = string(f.Data)
			}
		}
	}
	if len(srcs) < len(outlineSources)+20 {
		t.Fatalf("%d sources, want the fixtures' too", len(srcs))
	}
	for name, src := range srcs {
		v := pysrc.Analyze(pysrc.Parse(name, []byte(src)), "pkg.mod", false)
		sum := pysem.Summarize(v)
		if !sort.SliceIsSorted(sum.Names, func(i, j int) bool { return sum.Names[i].Name < sum.Names[j].Name }) {
			t.Errorf("%s: summary names not sorted: the outline's search needs them sorted", name)
		}
		o := outline{names: sum.Names, entry: modes.DefinesEntry(v)}
		s := &viewSource{outlines: map[string]outline{"pkg.mod": o}}
		var quals []string
		for _, d := range v.Defs {
			quals = append(quals, d.QualName)
			if modes.EntryFunc(d.Name) && !o.entry {
				t.Errorf("%s: DefinesEntry = false, but %s is an entry function", name, d.QualName)
			}
		}
		for _, c := range v.Classes {
			quals = append(quals, c.QualName)
		}
		for _, q := range quals {
			head, _, _ := strings.Cut(q, ".")
			if binds, known := s.Binds("pkg.mod", head); !binds || !known {
				t.Errorf("%s: Binds(%q) = %v, %v; the view defines %s", name, head, binds, known, q)
			}
		}
		if binds, known := s.Binds("pkg.mod", "\x00nothing"); binds || !known {
			t.Errorf("%s: Binds of a name never bound = %v, %v, want false, true", name, binds, known)
		}
		if binds, known := s.Binds("pkg.other", "f"); binds || known {
			t.Errorf("%s: Binds in a module without outline = %v, %v, want false, false", name, binds, known)
		}
	}
}
