package pysem

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// root builds a root from modules given as source text ("pkg/__init__"
// names a package).
func root(library bool, mods map[string]string) Root {
	r := Root{Library: library}
	for name, src := range mods {
		pkg := strings.HasSuffix(name, ".__init__")
		mod := strings.TrimSuffix(name, ".__init__")
		path := strings.ReplaceAll(name, ".", "/") + ".py"
		r.Modules = append(r.Modules, Summarize(pysrc.Analyze(pysrc.Parse(path, []byte(src)), mod, pkg)))
	}
	return r
}

func TestCanonical(t *testing.T) {
	m := New([]Root{
		root(false, map[string]string{
			"pkg.__init__":    "",
			"pkg.concurrency": "import eventlet\nfrom eventlet import greenthread as gt\n",
			"pkg.compat":      "from pkg.concurrency import eventlet\nfrom pkg import concurrency as conc\n",
			"pkg.star":        "from pkg.concurrency import *\n",
			"pkg.limited":     "__all__ = ['other']\nimport eventlet\nother = 1\n",
			"pkg.star2":       "from pkg.limited import *\n",
			"pkg.cyc_a":       "from pkg.cyc_b import x\n",
			"pkg.cyc_b":       "from pkg.cyc_a import x\n",
			"pkg.utils":       "def get():\n    import eventlet\n    return eventlet\n\ndef maybe(f):\n    import eventlet\n    if f:\n        return eventlet\n    return None\n\ndef mixed(f):\n    import json, eventlet\n    if f:\n        return json\n    return eventlet\n\nclass L:\n    def mod(self):\n        import eventlet\n        return eventlet\n",
			"pkg.launch":      "from oslo_service.service import launch\n",
			"pkg.fallback":    "try:\n    from eventlet.patcher import is_monkey_patched\nexcept ImportError:\n    def is_monkey_patched(m):\n        return False\n",
			"pkg.none":        "try:\n    import eventlet\nexcept ImportError:\n    eventlet = None\n",
			"pkg.shadow":      "import eventlet\neventlet = object()\n",
		}),
		root(true, map[string]string{
			"oslo_service.__init__": "",
			"oslo_service.service":  "from oslo_service._impl import launch\n",
			"oslo_service._impl":    "def launch():\n    pass\n",
		}),
	})
	for in, want := range map[string]string{
		"pkg.concurrency.eventlet.spawn":      "eventlet.spawn",
		"pkg.concurrency.gt.spawn":            "eventlet.greenthread.spawn",
		"pkg.compat.eventlet.sleep":           "eventlet.sleep",
		"pkg.compat.conc.eventlet.sleep":      "eventlet.sleep",
		"pkg.star.eventlet.spawn":             "eventlet.spawn",
		"pkg.star2.eventlet.spawn":            "pkg.star2.eventlet.spawn", // __all__ leaves it out
		"pkg.cyc_a.x":                         "pkg.cyc_b.x",              // a cycle is cut where it comes back
		"pkg.utils.get().tpool.Proxy":         "eventlet.tpool.Proxy",
		"pkg.utils.maybe().spawn":             "eventlet.spawn",
		"pkg.utils.mixed().spawn":             "pkg.utils.mixed().spawn",
		"pkg.utils.L().mod().sleep":           "eventlet.sleep",
		"pkg.utils.get":                       "pkg.utils.get", // the function itself
		"pkg.launch.launch":                   "oslo_service.service.launch",
		"pkg.fallback.is_monkey_patched":      "eventlet.patcher.is_monkey_patched",
		"pkg.none.eventlet.spawn":             "eventlet.spawn",
		"pkg.shadow.eventlet.spawn":           "pkg.shadow.eventlet.spawn",
		"oslo_service.service.launch":         "oslo_service.service.launch",
		"eventlet.spawn":                      "eventlet.spawn",
		"elsewhere.mod.x":                     "elsewhere.mod.x",
		"pkg.concurrency.eventlet.green.time": "eventlet.green.time",
	} {
		if got := m.Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
	if got := m.RootOf("oslo_service.service.launch"); got != 1 {
		t.Errorf("RootOf(oslo_service.service.launch) = %d, want 1", got)
	}
	if got := m.RootOf("eventlet.spawn"); got != -1 {
		t.Errorf("RootOf(eventlet.spawn) = %d, want -1", got)
	}
}

// TestCanonicalLongChain: a chain of re-exports longer than the hop limit
// ends, and one within it is followed to its end.
func TestCanonicalLongChain(t *testing.T) {
	mods := map[string]string{"p.__init__": ""}
	n := 40
	for i := 0; i < n; i++ {
		mods[fmt.Sprintf("p.m%d", i)] = fmt.Sprintf("from p.m%d import x\n", i+1)
	}
	mods[fmt.Sprintf("p.m%d", n)] = "from eventlet import spawn as x\n"
	m := New([]Root{root(false, mods)})
	if got := m.Canonical("p.m0.x"); got != "eventlet.spawn" {
		t.Errorf("Canonical(p.m0.x) through %d modules = %q", n, got)
	}
	long := map[string]string{"q.__init__": ""}
	for i := 0; i < 3*maxHops; i++ {
		long[fmt.Sprintf("q.m%d", i)] = fmt.Sprintf("from q.m%d import x\n", i+1)
	}
	m = New([]Root{root(false, long)})
	if got := m.Canonical("q.m0.x"); got == "" {
		t.Error("a chain past the hop limit returned nothing")
	}
}

func TestDynamic(t *testing.T) {
	m := New([]Root{
		{
			Modules: root(false, map[string]string{
				"pkg.__init__": "",
				"pkg.cmd": "from oslo_config import cfg\nfrom oslo_utils import importutils\nfrom stevedore import driver\n" +
					"CONF = cfg.CONF\nopts = [cfg.StrOpt('mgr', default='pkg.mgr.Manager'), cfg.StrOpt('ext', default='other.X')]\n" +
					"def main():\n    importutils.import_class(CONF.mgr)\n    importutils.import_class(CONF.ext)\n" +
					"    importutils.import_object('pkg.thing.T')\n    driver.DriverManager('pkg.drivers', 'fast')\n",
				"pkg.mgr":   "class Manager: pass\n",
				"pkg.thing": "class T: pass\n",
				"pkg.fast":  "class D: pass\n",
			}).Modules,
			EntryPoints: []EntryPoint{{Group: "pkg.drivers", Name: "fast", Target: "pkg.fast:D"}, {Group: "pkg.drivers", Name: "slow", Target: "pkg.slow:D"}},
		},
	})
	var got []string
	for _, d := range m.Dynamic("pkg.cmd") {
		got = append(got, d.Module+" ("+d.Why+")")
	}
	want := []string{
		"pkg.mgr (default of option mgr: pkg.mgr.Manager)",
		"pkg.thing (loads pkg.thing.T by name)",
		"pkg.fast (stevedore driver fast of pkg.drivers)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Dynamic(pkg.cmd) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
