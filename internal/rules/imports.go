package rules

import (
	"fmt"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// importCheck reports eventlet imports whose guard is one of kinds.
func importCheck(kinds ...pysrc.GuardKind) func(*analysis.Pass) {
	return func(p *analysis.Pass) {
		for _, imp := range p.View.Imports {
			if imp.Dynamic != "" {
				continue
			}
			ok := false
			for _, k := range kinds {
				ok = ok || imp.Guard.Kind == k
			}
			if !ok {
				continue
			}
			mod := eventletModuleOf(p, imp)
			if mod == "" {
				continue
			}
			var msg string
			switch imp.Guard.Kind {
			case pysrc.GuardUnconditional:
				msg = fmt.Sprintf("%s imported unconditionally at module level", mod)
			case pysrc.GuardTry:
				msg = fmt.Sprintf("%s imported inside try/except ImportError", mod)
			case pysrc.GuardIf:
				msg = fmt.Sprintf("%s imported under condition %q", mod, clip(imp.Guard.Cond, 80))
			case pysrc.GuardFunction:
				msg = fmt.Sprintf("%s imported inside function %s", mod, orModule(imp.Func))
			case pysrc.GuardTypeChecking:
				msg = fmt.Sprintf("%s imported under TYPE_CHECKING", mod)
			}
			p.ReportImport(imp, mod, msg)
		}
	}
}

// eventletModuleOf returns the eventlet module an import loads, "" if none.
// "from eventlet import greenthread" loads eventlet; so does a from-import of
// a project facade that re-exports eventlet names.
func eventletModuleOf(p *analysis.Pass, imp *pysrc.Import) string {
	if !imp.From {
		if isEventlet(imp.Module) {
			return imp.Module
		}
		return ""
	}
	if isEventlet(imp.Module) {
		for _, n := range imp.Names {
			if sub := imp.Module + "." + n.Name; n.Name != "*" && isEventletSubmodule(sub) {
				return sub
			}
		}
		return imp.Module
	}
	return ""
}

// isEventletSubmodule knows eventlet's submodules, so that
// "from eventlet import wsgi" reports eventlet.wsgi.
func isEventletSubmodule(name string) bool {
	switch name {
	case "eventlet.wsgi", "eventlet.greenthread", "eventlet.greenpool", "eventlet.queue", "eventlet.event",
		"eventlet.semaphore", "eventlet.timeout", "eventlet.tpool", "eventlet.hubs", "eventlet.debug",
		"eventlet.backdoor", "eventlet.green", "eventlet.patcher", "eventlet.corolocal", "eventlet.websocket",
		"eventlet.pools", "eventlet.convenience", "eventlet.db_pool", "eventlet.support", "eventlet.greenio":
		return true
	}
	return false
}

func orModule(fn string) string {
	if fn == "" {
		return "(lambda)"
	}
	return fn
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func dynamicImportCheck(p *analysis.Pass) {
	for _, imp := range p.View.Imports {
		if imp.Dynamic == "" || !(isEventlet(imp.Module) || isGreenlet(imp.Module)) {
			continue
		}
		p.ReportImport(imp, imp.Module, fmt.Sprintf("%s imported dynamically by %s()", imp.Module, imp.Dynamic))
	}
}

func greenletImportCheck(p *analysis.Pass) {
	for _, imp := range p.View.Imports {
		if imp.Dynamic == "" && isGreenlet(imp.Module) {
			p.ReportImport(imp, imp.Module, fmt.Sprintf("%s imported (%s)", imp.Module, imp.Guard.Kind))
		}
	}
}

var importRules = []*analysis.Rule{
	{
		ID: "EV101", Slug: "eventlet-import-unconditional", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime,
		Python: importCheck(pysrc.GuardUnconditional),
		Doc: analysis.Doc{
			Summary: "eventlet imported unconditionally at module level",
			What:    "An `import eventlet` or `from eventlet... import ...` at module level, outside any try, if or function. Class bodies count as module level.",
			Why:     "Importing the module loads eventlet, with its side effects (environment variables read at import, warnings), even when nothing is monkey patched. In a library this keeps every dependent service from being eventlet-free.",
			Replacement: "Import eventlet only on the eventlet code path: inside the function that needs it, " +
				"or behind a mode check; in a library, make eventlet an optional extra and guard the import with try/except ImportError.",
			Example: "# before\nimport eventlet\n\ndef start():\n    eventlet.spawn(work)\n\n# after\ndef start():\n    threading.Thread(target=work).start()",
		},
	},
	{
		ID: "EV102", Slug: "eventlet-import-guarded", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: importCheck(pysrc.GuardTry),
		Doc: analysis.Doc{
			Summary:     "eventlet imported inside try/except ImportError",
			What:        "An eventlet import inside a try statement whose handlers catch ImportError, ModuleNotFoundError, Exception or everything.",
			Why:         "The module still loads eventlet whenever it is installed, but works without it: compatible with an eventlet-free install if eventlet is only an optional extra.",
			Replacement: "Keep the guard while both modes exist; delete the import and the eventlet branch when eventlet support is removed.",
			Example:     "try:\n    import eventlet\nexcept ImportError:\n    eventlet = None",
		},
	},
	{
		ID: "EV103", Slug: "eventlet-import-conditional", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: importCheck(pysrc.GuardIf),
		Doc: analysis.Doc{
			Summary:     "eventlet imported under a condition",
			What:        "An eventlet import inside an if/elif/else branch, a loop or a match case at module level; the finding quotes the condition.",
			Why:         "Whether eventlet loads depends on the condition: a mode predicate (`'eventlet' in sys.modules`, an environment variable) is the dual-mode shape; anything else deserves a look.",
			Replacement: "Make sure the condition is the mode switch and that the threading branch never imports eventlet; remove the branch when eventlet support goes.",
			Example:     "if os.environ.get('OS_X_DISABLE_EVENTLET_PATCHING', '').lower() not in ('1', 'true'):\n    import eventlet\n    eventlet.monkey_patch()",
		},
	},
	{
		ID: "EV104", Slug: "eventlet-import-function-local", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: importCheck(pysrc.GuardFunction),
		Doc: analysis.Doc{
			Summary:     "eventlet imported inside a function",
			What:        "An eventlet import inside a def or lambda.",
			Why:         "eventlet loads only when the function runs: safe when only the eventlet code path calls it, a hidden dependency otherwise.",
			Replacement: "Check that only the eventlet branch reaches the function; delete it with eventlet support.",
			Example:     "def _patch():\n    import eventlet\n    eventlet.monkey_patch()",
		},
	},
	{
		ID: "EV105", Slug: "eventlet-import-type-checking", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: importCheck(pysrc.GuardTypeChecking),
		Doc: analysis.Doc{
			Summary:     "eventlet imported under TYPE_CHECKING",
			What:        "An eventlet import under `if TYPE_CHECKING:`.",
			Why:         "It never runs, but annotations that name eventlet types keep a typing dependency and document eventlet-only signatures.",
			Replacement: "Replace eventlet types in annotations with the threading equivalents (threading.Event, queue.Queue, concurrent.futures.Future).",
			Example:     "if TYPE_CHECKING:\n    from eventlet.greenpool import GreenPool",
		},
	},
	{
		ID: "EV106", Slug: "eventlet-import-dynamic", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime,
		Python: dynamicImportCheck,
		Doc: analysis.Doc{
			Summary:     "eventlet imported dynamically",
			What:        "`importlib.import_module('eventlet...')`, `__import__('eventlet')`, `importutils.try_import('eventlet')` or `eventlet.import_patched(...)` of eventlet or greenlet with a literal name.",
			Why:         "Dynamic imports hide from grep and from import linters, yet load eventlet all the same.",
			Replacement: "Use a plain guarded import on the eventlet code path, or remove it with eventlet support.",
			Example:     "eventlet = importutils.try_import('eventlet')",
		},
	},
	{
		ID: "EV107", Slug: "greenlet-import", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime,
		Python: greenletImportCheck,
		Doc: analysis.Doc{
			Summary:     "greenlet imported",
			What:        "An import of greenlet, eventlet's coroutine engine, under any guard.",
			Why:         "Direct greenlet use (getcurrent, switching, greenlet-local state) only works under eventlet.",
			Replacement: "threading equivalents: threading.get_ident(), threading.local, threading.Thread.",
			Example:     "# before\nfrom greenlet import getcurrent\nkey = id(getcurrent())\n# after\nkey = threading.get_ident()",
		},
	},
}
