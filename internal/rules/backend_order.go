package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/enums"
)

// ---- EV208: runtime selected after imports that depend on it ----

// lateSelectionCheck reports, once per selection site and import, the
// entry points whose default path selects the runtime after importing a
// module that already created what the selection must come before.
func lateSelectionCheck(p *analysis.GraphPass) {
	type site struct {
		late  *analysis.LateSelection
		names []string
	}
	sites := map[string]*site{}
	var keys []string
	for _, e := range p.Entries {
		l := e.Late
		if l == nil {
			continue
		}
		key := fmt.Sprintf("%s:%d\x00%s:%d", l.SelectPath, l.SelectLine, l.ImportPath, l.ImportLine)
		if sites[key] == nil {
			sites[key] = &site{late: l}
			keys = append(keys, key)
		}
		sites[key].names = append(sites[key].names, e.Name)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := sites[k]
		l := s.late
		why := "the backend was already fixed to the library default (eventlet): init_backend raises BackendAlreadySelected, a default hook never runs"
		switch l.CreateKind {
		case "native":
			why = "the native primitive created there stays native: patched and unpatched locks and threads are mixed"
		case "green":
			why = "an eventlet primitive was created before threading was selected: it needs eventlet's hub, which threading mode does not run"
		}
		p.Reportf(l.SelectPath, l.SelectLine, "%s selected too late for %s: %s:%d %s imports %s first, and %s:%d %s runs at import (%s): %s",
			l.Select, strings.Join(s.names, ", "), l.ImportPath, l.ImportLine, l.ImportText, l.Chain, l.CreatePath, l.CreateLine, l.CreateText, l.CreateKind, why)
	}
}

// ---- EV508: eventlet loaded by a service that defaults to threading ----

func eventletUnderThreadingCheck(p *analysis.GraphPass) {
	for _, e := range p.Entries {
		if e.Verdict != enums.VerdictUnconditional || e.Kind == enums.KindTool {
			continue
		}
		if e.Mode != enums.ModeThreadingOnly && e.Mode != enums.ModeDualDefaultThreading {
			continue
		}
		p.ReportEntry(e, "%s defaults to threading (%s) but still loads eventlet unconditionally at import: %s", e.Name, e.Mode, e.Chain)
	}
}

var backendOrderRules = []*analysis.Rule{
	{
		ID: "EV208", Slug: "backend-selected-too-late", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Graph: lateSelectionCheck,
		Doc: analysis.Doc{
			Summary:     "runtime selected after imports that already depend on it",
			What:        "An entry point whose default path selects its runtime — eventlet.monkey_patch(), init_backend(THREADING), a default hook returning THREADING — after an import whose module, or a module it imports unconditionally, created at import time what the selection must precede: a component fetched from oslo.service's backend (get_component, which fixes the backend to its default), an eventlet primitive (before threading is selected), or a native lock, queue or thread (before monkey patching). The finding is at the selection and names the import, the chain and the creating line. Without the library's code (no --with root provides it) the import cannot be judged: a threading selection after importing another module of the backend's own library is not reported here, and the entry point's mode is unknown, its reason naming the import and the root to give.",
			Why:         "oslo.service fixes its backend the first time a component is fetched; a later init_backend(THREADING) raises BackendAlreadySelected and a later default hook never runs, so the service starts on eventlet or fails at start-up while its main reads as threading-only. Native locks created before monkey_patch stay native and deadlock with green threads.",
			Replacement: "Select the runtime first: make the gate call the first statement of each command module (before any project or library import), or move the import that creates the object below it or into the function that uses it.",
			Example:     "# before (svc/cmd/api.py)\nfrom oslo_service import service  # fetches components: backend fixed to eventlet\nfrom svc import gate\ngate.patch(backend='threading')  # BackendAlreadySelected\n# after\nfrom svc import gate; gate.patch(backend='threading')\nfrom oslo_service import service  # noqa: E402",
		},
	},
	{
		ID: "EV508", Slug: "eventlet-loaded-under-threading", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Graph: eventletUnderThreadingCheck, Concern: analysis.ConcernEventletUnderThreading,
		Doc: analysis.Doc{
			Summary:     "service that defaults to threading still loads eventlet",
			What:        "A service or WSGI application whose default mode is threading (threading-only, dual-default-threading) and whose imports load eventlet unconditionally, through its own code or a library's; the finding gives the chain of imports.",
			Why:         "Loading eventlet has side effects even unpatched (environment read at import, its hub and DNS resolver, warnings), the service cannot start once eventlet is uninstalled, and eventlet primitives it then uses run without a hub.",
			Replacement: "Make the imports on the chain conditional on the eventlet backend (import inside the eventlet branch of the gate, or guard them), or replace the module that imports eventlet.",
			Example:     "svc-api (threading-only) -> svc.utils (svc/utils.py:3) -> eventlet",
		},
	},
}
