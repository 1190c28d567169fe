package scan

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/modes"
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
// when its outline says the module defines no function or class with the
// name it looks up, or no entry function for a loader to run. So the
// outline must cover every definition of the module's view: checked on
// shaped sources and on every module of the scan's fixtures, with the
// outline as the first pass stores it and as a persisted result restores
// it.
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
		first := modes.OutlineOf(v)
		stored, err := encodeResult(fileResult{outline: first})
		if err != nil {
			t.Fatal(err)
		}
		restored, err := decodeResult(stored)
		if err != nil || restored.outline == nil {
			t.Fatalf("%s: decodeResult = %v, %v: the outline is not restored", name, restored.outline, err)
		}
		for _, o := range []*modes.Outline{first, restored.outline} {
			s := &viewSource{outlines: map[string]*modes.Outline{"pkg.mod": o}}
			entry := false
			for _, d := range v.Defs {
				entry = entry || modes.EntryFunc(d.Name)
				if !s.Outline("pkg.mod").Defines(d.QualName) {
					t.Errorf("%s: Defines(%q) = false; the view defines it", name, d.QualName)
				}
			}
			for _, c := range v.Classes {
				if !o.Defines(c.QualName) {
					t.Errorf("%s: Defines(%q) = false; the view defines the class", name, c.QualName)
				}
			}
			if o.Entry != entry {
				t.Errorf("%s: Entry = %v, want %v", name, o.Entry, entry)
			}
			if o.Defines("\x00nothing") {
				t.Errorf("%s: Defines of a name never defined = true", name)
			}
			if s.Outline("pkg.other") != nil {
				t.Errorf("%s: Outline of a module without one is not nil", name)
			}
		}
	}
	// What is bound but not defined is not: an import, an assignment.
	v := pysrc.Analyze(pysrc.Parse("m.py", []byte(outlineSources["try"]+"CONF = 1\nimport os\n")), "m", false)
	o := modes.OutlineOf(v)
	for q, want := range map[string]bool{"main": true, "CONF": false, "CONF.web": false, "os": false, "os.path": false} {
		if got := o.Defines(q); got != want {
			t.Errorf("Defines(%q) = %v, want %v", q, got, want)
		}
	}
}
