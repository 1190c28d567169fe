package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

var (
	monkeyPatchNames = names(tables.MonkeyPatch)
	monkeyPatchRoots = monkeyPatchNames.roots()
	probeNames       = names(tables.Probes)
)

// patchWhere says where a monkey_patch() call sits.
type patchWhere int

const (
	patchModule patchWhere = iota
	patchInit
	patchFunction
	patchTests
)

func wherePatched(p *analysis.Pass, c *pysrc.CallSite) patchWhere {
	switch {
	case p.Kind == pyproj.KindTest:
		return patchTests
	case c.Func != "":
		return patchFunction
	case path.Base(p.Path) == "__init__.py":
		return patchInit
	}
	return patchModule
}

func monkeyPatchCheck(where patchWhere) func(*analysis.Pass) {
	return func(p *analysis.Pass) {
		callNames := p.CallNames()
		for _, i := range p.CallsUnder(monkeyPatchRoots) {
			c, name := p.View.Calls[i], callNames[i]
			if _, ok := monkeyPatchNames.match(name); !ok || wherePatched(p, c) != where {
				continue
			}
			args := argsText(c)
			switch where {
			case patchFunction:
				p.Report(c.Node, fmt.Sprintf("%s(%s) called in %s()", name, args, c.Func))
			case patchInit:
				p.Report(c.Node, fmt.Sprintf("%s(%s) called at import of package %s: every module below it is patched", name, args, p.View.Module))
			case patchTests:
				p.Report(c.Node, fmt.Sprintf("%s(%s) called in test code", name, args))
			default:
				p.Report(c.Node, fmt.Sprintf("%s(%s) called at module level", name, args))
			}
		}
	}
}

// eventletToggles are the environment variables that steer eventlet or a
// project's eventlet gate.
func isEventletToggle(s string) bool {
	switch s {
	case "EVENTLET_MONKEYPATCH", "EVENTLET_HUB", "EVENTLET_NO_GREENDNS", "EVENTLET_THREADPOOL_SIZE", "EVENTLET_TPOOL_DNS", "EVENTLET_NONBLOCK_MODE_BLOCKING_OK":
		return true
	}
	return strings.HasSuffix(s, "_DISABLE_EVENTLET_PATCHING") || strings.HasSuffix(s, "_EVENTLET_PATCHING") ||
		strings.HasPrefix(s, "OS_") && strings.Contains(s, "EVENTLET")
}

// envToggleCheck reports environment variables that steer eventlet, read or
// set in code (os.environ[...], os.environ.get/setdefault/pop, os.getenv).
func envToggleCheck(p *analysis.Pass) {
	if !p.Has(kwEVENTLET) {
		return // every toggle name contains it: nothing to resolve
	}
	callNames := p.CallNames()
	for i, c := range p.View.Calls {
		name := callNames[i]
		switch name {
		case "os.environ.get", "os.getenv", "os.environ.setdefault", "os.environ.pop", "os.putenv", "os.unsetenv":
		default:
			continue
		}
		if len(c.Args) > 0 && c.Args[0].Kind == pysrc.ValStr && isEventletToggle(c.Args[0].Str) {
			p.Report(c.Node, fmt.Sprintf("environment toggle %s read or set with %s()", c.Args[0].Str, name))
		}
	}
	pysrc.InspectAll(p.File.Body, func(n pysrc.Node) bool {
		sub, ok := n.(*pysrc.Subscript)
		if !ok {
			return true
		}
		if dottedEnd(sub.X, "environ") {
			if c, ok := sub.Index.(*pysrc.Constant); ok && c.Kind == pysrc.ConstStr {
				if s := p.File.StringValue(c); isEventletToggle(s) {
					p.Report(sub, fmt.Sprintf("environment toggle %s accessed through os.environ", s))
				}
			}
		}
		return true
	})
}

func dottedEnd(e pysrc.Expr, attr string) bool {
	switch x := e.(type) {
	case *pysrc.Attribute:
		return x.Attr == attr
	case *pysrc.NameExpr:
		return x.ID == attr
	}
	return false
}

// poisoningCheck reports code that makes eventlet unusable on purpose: a
// positive signal of a threading-only service.
func poisoningCheck(p *analysis.Pass) {
	if !p.Has(kwEventlet) {
		return // every shape names eventlet in the source
	}
	pysrc.InspectAll(p.File.Body, func(n pysrc.Node) bool {
		as, ok := n.(*pysrc.Assign)
		if !ok {
			// Assignments are statements, and statements nest only in
			// statements: expressions need not be walked.
			_, stmt := n.(pysrc.Stmt)
			return stmt
		}
		for _, t := range as.Targets {
			switch x := t.(type) {
			case *pysrc.Subscript:
				if dottedEnd(x.X, "modules") {
					if c, ok := x.Index.(*pysrc.Constant); ok && c.Kind == pysrc.ConstStr && isEventlet(p.File.StringValue(c)) {
						if v, ok := as.Value.(*pysrc.Constant); ok && v.Kind == pysrc.ConstNone {
							p.Report(as, fmt.Sprintf("eventlet import poisoned: sys.modules[%q] = None", p.File.StringValue(c)))
						}
					}
				}
			case *pysrc.Attribute:
				if x.Attr == "monkey_patch" {
					if head, ok := x.X.(*pysrc.NameExpr); ok && headIsEventlet(p, head) {
						p.Report(as, "eventlet.monkey_patch replaced: patching is disabled on purpose")
					}
				}
			}
		}
		return true
	})
	for _, c := range p.View.Calls {
		if c.Callee == "sys.meta_path.insert" || c.Callee == "sys.meta_path.append" {
			text := p.File.Text(c.Node)
			if strings.Contains(strings.ToLower(text), "eventlet") {
				p.Report(c.Node, "import finder installed that refuses eventlet")
			}
		}
	}
}

func headIsEventlet(p *analysis.Pass, n *pysrc.NameExpr) bool {
	for _, b := range p.View.Exports {
		if b.Name == n.ID && isEventlet(b.Target) {
			return true
		}
	}
	return false
}

var patchRules = []*analysis.Rule{
	{
		ID: "EV201", Slug: "monkey-patch-call", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: monkeyPatchCheck(patchModule),
		Doc: analysis.Doc{
			Summary:     "eventlet.monkey_patch() called at module level",
			What:        "eventlet.monkey_patch() or patcher.monkey_patch() at module level of a module (not a package __init__, not tests). The finding lists the keyword arguments.",
			Why:         "Every process that imports the module runs on eventlet: the service's concurrency mode is decided here.",
			Replacement: "Move the decision into one gate function that each command calls first, selecting eventlet or threading from a per-binary default and an operator switch; then default to threading; then delete the eventlet branch.",
			Example:     "# before (nimbus/cmd/api.py)\nimport eventlet\neventlet.monkey_patch()\n# after\nfrom nimbus import monkey_patch\nmonkey_patch.patch(backend='threading')",
		},
	},
	{
		ID: "EV202", Slug: "monkey-patch-in-package-init", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: monkeyPatchCheck(patchInit),
		Doc: analysis.Doc{
			Summary:     "eventlet.monkey_patch() called in a package __init__",
			What:        "eventlet.monkey_patch() at module level of a package's __init__.py.",
			Why:         "Importing anything in the package patches the process: every command module below it runs on eventlet, and so does any tool or library that imports it.",
			Replacement: "Remove the call from the package; let each command select its mode through a gate function.",
			Example:     "# before (nimbus/cmd/__init__.py)\nimport eventlet\neventlet.monkey_patch()\n# after\n(removed; nimbus/cmd/api.py calls monkey_patch.patch() first)",
		},
	},
	{
		ID: "EV203", Slug: "monkey-patch-in-function", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: monkeyPatchCheck(patchFunction),
		Doc: analysis.Doc{
			Summary:     "eventlet.monkey_patch() called inside a function",
			What:        "eventlet.monkey_patch() inside a function: a mode gate, a server start function or a main().",
			Why:         "The services that call the function run on eventlet; which ones depends on the callers and the arguments (see letgo modes).",
			Replacement: "Keep it only on the eventlet branch of the gate; make threading the default; then delete it.",
			Example:     "def patch(backend='eventlet'):\n    if backend == 'eventlet':\n        import eventlet\n        eventlet.monkey_patch()",
		},
	},
	{
		ID: "EV204", Slug: "monkey-patch-in-tests", Risk: analysis.RiskMedium, Kind: analysis.RuleTest, Python: monkeyPatchCheck(patchTests),
		Doc: analysis.Doc{
			Summary:     "eventlet.monkey_patch() called in test code",
			What:        "eventlet.monkey_patch() in test code, typically tests/__init__.py.",
			Why:         "The whole test suite then runs on eventlet and never exercises threading mode.",
			Replacement: "Patch only in a test environment that targets eventlet mode (e.g. a tox env), selected by the same switch operators use.",
			Example:     "# before (nimbus/tests/__init__.py)\neventlet.monkey_patch()\n# after\nif os.environ.get('NIMBUS_TEST_EVENTLET'):\n    eventlet.monkey_patch()",
		},
	},
	{
		ID: "EV205", Slug: "eventlet-env-toggle", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Python: envToggleCheck,
		Doc: analysis.Doc{
			Summary:     "environment variable that steers eventlet read or set",
			What:        "EVENTLET_MONKEYPATCH, EVENTLET_HUB, EVENTLET_NO_GREENDNS, EVENTLET_THREADPOOL_SIZE and project gates such as OS_<PROJECT>_DISABLE_EVENTLET_PATCHING, read or set through os.environ or os.getenv.",
			Why:         "These switches decide a process's concurrency mode or tune eventlet; operators need to know them, and they must go with eventlet.",
			Replacement: "Document the gate's switch and its default; remove eventlet tuning variables with eventlet.",
			Example:     "if os.environ.get('OS_NIMBUS_DISABLE_EVENTLET_PATCHING', '').lower() in ('1', 'true'):\n    ...",
		},
	},
	{
		ID: "EV206", Slug: "monkey-patch-probe", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: apiCheck(probeNames, "monkey patching probed", apiOpts{calls: true, refs: true}),
		Doc: analysis.Doc{
			Summary:     "monkey patching probed",
			What:        "patcher.is_monkey_patched, patcher.original and oslo_utils eventletutils.is_monkey_patched.",
			Why:         "Code that asks whether eventlet patched a module behaves differently per mode; both branches need tests, and the probe goes with eventlet.",
			Replacement: "Decide from the selected backend (one gate) instead of probing; delete the probe with eventlet.",
			Example:     "# before\nif patcher.is_monkey_patched('thread'):\n    lock = eventlet.semaphore.Semaphore()\n# after\nlock = threading.Lock()",
		},
	},
	{
		ID: "EV207", Slug: "eventlet-poisoned", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime, Positive: true, Python: poisoningCheck,
		Doc: analysis.Doc{
			Summary:     "eventlet made unusable on purpose (positive signal)",
			What:        "`sys.modules['eventlet'] = None`, replacing eventlet.monkey_patch with a function that raises, or an import finder that refuses eventlet.",
			Why:         "A threading-mode process that poisons eventlet cannot load it by accident: a guard against regressions.",
			Replacement: "Nothing to replace; keep it while eventlet is still installed.",
			Example:     "sys.modules['eventlet'] = None  # threading mode: refuse eventlet",
		},
	},
}
