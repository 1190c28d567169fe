package pysem

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// TestDecls: what functions return, what classes hold (through __init__
// and the methods it calls on self), custom pickling, and the parameters
// a function sends to a launch site, read back through the model across
// modules and re-exports. Near misses: a method that is not called from
// __init__, a function whose returns disagree, a parameter rebound before
// it is sent.
func TestDecls(t *testing.T) {
	src := map[string]string{
		"pkg.__init__": "from pkg.impl import *\n",
		"pkg.impl": `import threading
import multiprocessing
from oslo_config import cfg

__all__ = ['Holder', 'make', 'send']


class Holder(threading.Thread):
    def __init__(self):
        self.conf = cfg.CONF
        self._setup()

    def _setup(self):
        self.lock = threading.Lock()

    def start(self):
        self.late = threading.Lock()

    def __reduce__(self):
        return (Holder, ())


def make():
    return Holder()


def either(f):
    if f:
        return Holder()
    return threading.Lock()


def send(x, y):
    y = threading.Event()
    multiprocessing.Process(target=x, args=(y,)).start()
`,
	}
	var r Root
	srcs := map[string]string{}
	for name, text := range src {
		pkg := strings.HasSuffix(name, ".__init__")
		mod := strings.TrimSuffix(name, ".__init__")
		path := strings.ReplaceAll(name, ".", "/") + ".py"
		v := pysrc.Analyze(pysrc.Parse(path, []byte(text)), mod, pkg)
		srcs[path] = v.File.Src
		r.Modules = append(r.Modules, SummarizeDecls(v, path))
	}
	m := New([]Root{r})
	c, path := m.Class(m.Canonical("pkg.Holder"))
	if c == nil || path != "pkg/impl.py" {
		t.Fatalf("pkg.Holder: %v %q", c, path)
	}
	if !c.Custom || len(c.Bases) != 1 || c.Bases[0] != "threading.Thread" || c.Line != 8 {
		t.Errorf("Holder: custom %v, bases %v, line %d", c.Custom, c.Bases, c.Line)
	}
	var attrs []string
	for _, a := range c.Attrs {
		attrs = append(attrs, a.Name+"="+a.Ctor)
	}
	if got, want := strings.Join(attrs, " "), "self.conf=oslo_config.cfg.CONF self.lock=threading.Lock"; got != want {
		t.Errorf("Holder's attributes %q, want %q", got, want)
	}
	if a, ok := c.Attr("self.lock"); !ok || a.Line != 14 {
		t.Errorf("self.lock: %v %v", a, ok)
	}
	if got := m.Ctor(m.Canonical("pkg.make")); got != "pkg.impl.Holder" {
		t.Errorf("pkg.make returns %q", got)
	}
	if got := m.Ctor("pkg.impl.either"); got != "" {
		t.Errorf("either's returns disagree, yet it returns %q", got)
	}
	sends, path := m.SendsOf(m.Canonical("pkg.send"))
	if len(sends) != 1 || sends[0].Param != 0 || sends[0].Name != "x" || sends[0].Site != "multiprocessing.Process()" || sends[0].Line != 35 || path != "pkg/impl.py" {
		t.Errorf("pkg.send sends %+v (%s)", sends, path)
	}
	if !m.AnySends() {
		t.Error("AnySends is false")
	}
	// The declarations share no memory with the sources.
	s := m.Summary("pkg.impl")
	for _, str := range []string{s.Classes[0].Name, s.Classes[0].Bases[0], s.Classes[0].Attrs[0].Ctor, s.Ctors[0].Type, s.Sends[0].Name} {
		for _, src := range srcs {
			p, b := uintptr(unsafe.Pointer(unsafe.StringData(str))), uintptr(unsafe.Pointer(unsafe.StringData(src)))
			if p >= b && p < b+uintptr(len(src)) {
				t.Errorf("%q points into a source", str)
			}
		}
	}
}
