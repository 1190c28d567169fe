package rules

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

var mockPatchNames = names(tables.MockPatch)

// mockTarget returns what a mock.patch-like call replaces: the target string
// of patch('eventlet.spawn'), or obj.attr for patch.object(obj, 'attr').
// name is the call's canonical name (Pass.CallNames).
func mockTarget(p *analysis.Pass, c *pysrc.CallSite, name string) (string, bool) {
	if _, ok := mockPatchNames.match(name); !ok {
		// "@mock.patch" used through an unresolved local alias still counts
		// when the callee reads like one (its last byte first: most calls
		// end otherwise).
		if n := len(c.Callee); n == 0 || c.Callee[n-1] != 'h' && c.Callee[n-1] != 't' ||
			!strings.HasSuffix(c.Callee, "mock.patch") && !strings.HasSuffix(c.Callee, "mock.patch.object") {
			return "", false
		}
		name = c.Callee
	}
	if strings.HasSuffix(name, ".object") || strings.HasSuffix(name, "MockPatchObject") {
		if len(c.Args) < 2 || c.Args[1].Kind != pysrc.ValStr {
			return "", false
		}
		if c.Args[0].Ref != "" {
			return p.Resolve(c.Args[0].Ref) + "." + c.Args[1].Str, true
		}
		return c.Args[0].Text + "." + c.Args[1].Str, true // an object of the test's own
	}
	if len(c.Args) >= 1 && c.Args[0].Kind == pysrc.ValStr {
		return c.Args[0].Str, true
	}
	return "", false
}

func mockEventletCheck(p *analysis.Pass) {
	callNames := p.CallNames()
	for i, c := range p.View.Calls {
		target, ok := mockTarget(p, c, callNames[i])
		if !ok || !(isEventlet(target) || isGreenlet(target)) {
			continue
		}
		p.Report(c.Node, fmt.Sprintf("test mocks eventlet target %s", target))
	}
}

// inlineSideEffect reports whether a lambda runs its first argument inline:
// lambda f, *a, **kw: f(*a, **kw).
func inlineSideEffect(e pysrc.Expr) bool {
	lam, ok := e.(*pysrc.Lambda)
	if !ok || lam.Args == nil {
		return false
	}
	params := lam.Args.All()
	if len(params) == 0 {
		return false
	}
	first := params[0].Name
	found := false
	pysrc.Inspect(lam.Body, func(n pysrc.Node) bool {
		if c, ok := n.(*pysrc.Call); ok {
			if name, ok := c.Func.(*pysrc.NameExpr); ok && name.ID == first {
				found = true
			}
		}
		return !found
	})
	return found
}

func isSpawnTarget(t string) bool {
	i := strings.LastIndexByte(t, '.')
	switch last := t[i+1:]; last {
	case "spawn", "submit", "start_new_thread":
		return true
	default:
		return strings.HasPrefix(last, "spawn_")
	}
}

// syncSpawnCheck finds mocks and fixtures that replace a spawn function
// with one that runs the spawned function inline: a lambda side effect, or
// a function or class of the file that calls its first argument or hands it
// to a futurist.SynchronousExecutor. The test no longer runs concurrently.
func syncSpawnCheck(p *analysis.Pass) {
	var vs *pysem.Values // assignments of the file, gathered on first need
	callNames := p.CallNames()
	for i, c := range p.View.Calls {
		target, ok := mockTarget(p, c, callNames[i])
		if !ok || !isSpawnTarget(target) {
			continue
		}
		var repl []pysrc.Expr
		for _, k := range c.Node.Keywords {
			if k.Arg == "side_effect" || k.Arg == "new" {
				repl = append(repl, k.Value)
			}
		}
		newAt := 1 // mock.patch(target, new), MonkeyPatch(target, new)
		if name := p.Resolve(c.Resolved); strings.HasSuffix(name, ".object") || strings.HasSuffix(name, "MockPatchObject") || strings.HasSuffix(c.Callee, ".object") {
			newAt = 2 // mock.patch.object(obj, "name", new)
		}
		if len(c.Node.Args) > newAt {
			repl = append(repl, c.Node.Args[newAt])
		}
		for _, e := range repl {
			if inlineSideEffect(e) {
				p.Report(c.Node, fmt.Sprintf("mock of %s runs the spawned function inline (synchronous spawn): likely a test artefact that hides races native threads will show", target))
				continue
			}
			n, ok := e.(*pysrc.NameExpr)
			if !ok {
				continue
			}
			if vs == nil {
				vs = pysem.TrackValues(p.View, p.Resolve, nil, true)
			}
			if how := runsInline(vs, c.Func, n.ID); how != "" {
				p.Report(c.Node, fmt.Sprintf("%s replaced by %s, which %s (a synchronous-spawn fixture): code under test sees run-to-completion ordering native threads do not give — a test artefact unless the test needs that order, in which case it should say so", target, n.ID, how))
			}
		}
	}
}

// runsInline says how the function or class named in fn's scope (its own
// nested definitions, then the module's) runs the work it is given
// inline, "" when it does not.
func runsInline(vs *pysem.Values, fn, name string) string {
	var def *pysrc.FuncDef
	for _, d := range vs.View.Defs {
		if d.QualName == fn+".<locals>."+name || d.QualName == name && fn != name {
			def = d
			if d.QualName != name {
				break
			}
		}
	}
	first := 0
	if def == nil {
		for _, cl := range vs.View.Classes {
			if cl.QualName == name { // a fake class whose constructor runs the work
				for _, d := range vs.View.Defs {
					if d.QualName == name+".__init__" {
						def, first = d, 1
					}
				}
			}
		}
	}
	if def == nil || len(def.Params) <= first {
		return ""
	}
	param := def.Params[first].Name
	for _, cs := range vs.View.Calls {
		if cs.Func != def.QualName {
			continue
		}
		if cs.Callee == param {
			return "calls the spawned function itself"
		}
		if recv, ok := strings.CutSuffix(cs.Callee, ".submit"); ok && len(cs.Args) > 0 && cs.Args[0].Text == param {
			for scope := def.QualName; ; {
				if ctor := vs.Assigned[scope][recv]; ctor != "" {
					if strings.HasSuffix(ctor, "SynchronousExecutor") {
						return "submits it to a " + ctor
					}
					break
				}
				i := strings.LastIndex(scope, ".<locals>.")
				if i < 0 {
					if scope == "" {
						break
					}
					scope = ""
					continue
				}
				scope = scope[:i]
			}
		}
	}
	return ""
}

var testRules = []*analysis.Rule{
	{
		ID: "EV601", Slug: "mock-eventlet-target", Risk: analysis.RiskLow, Kind: analysis.RuleTest, Python: mockEventletCheck,
		Doc: analysis.Doc{
			Summary:     "test mocks an eventlet target",
			What:        "mock.patch('eventlet...'), mock.patch.object(eventlet..., 'name') and fixtures.MonkeyPatch of eventlet or greenlet names. The target is a string: this rule reads string literals on purpose.",
			Why:         "The test pins the code under test to eventlet; it breaks or passes vacuously when the code moves to threads.",
			Replacement: "Mock the replacement (threading.Thread, the executor's submit, time.sleep) or the project's own seam.",
			Example:     "# before\n@mock.patch('eventlet.spawn')\n# after\n@mock.patch.object(worker_module.executor, 'submit')",
		},
	},
	{
		ID: "EV602", Slug: "sync-spawn-side-effect", Risk: analysis.RiskMedium, Kind: analysis.RuleTest, Python: syncSpawnCheck, Concern: analysis.ConcernOrderDependentTest,
		Doc: analysis.Doc{
			Summary:     "spawn mocked to run inline",
			What:        "A mock of a spawn or submit function whose side_effect is a lambda that calls its first argument: the spawned work runs synchronously.",
			Why:         "Such tests encode eventlet-era ordering assumptions and hide races that appear with native threads.",
			Replacement: "Let the work run on a real thread and wait for it (join, future.result()), or use a synchronous executor fixture on purpose and say so.",
			Example:     "# before\n@mock.patch('eventlet.spawn', side_effect=lambda f, *a: f(*a))\n# after\nexecutor = futurist.SynchronousExecutor()  # explicit, reviewed",
		},
	},
	{
		ID: "EV603", Slug: "eventlet-timeout-in-tests", Risk: analysis.RiskLow, Kind: analysis.RuleTest,
		Python: apiCheck(timeoutNames, "eventlet.Timeout used in tests", apiOpts{calls: true, refs: true, skip: onlyTests}),
		Doc: analysis.Doc{
			Summary:     "eventlet.Timeout used in tests",
			What:        "eventlet.Timeout guards (with eventlet.Timeout(n):) and handlers in test code.",
			Why:         "A green timeout cannot interrupt a blocked native thread: the guard silently stops guarding in threading mode.",
			Replacement: "fixtures.Timeout / the test runner's timeout, or join(timeout) and future.result(timeout) on the work itself.",
			Example:     "# before\nwith eventlet.Timeout(5):\n    svc.stop()\n# after\nself.useFixture(fixtures.Timeout(5, gentle=True))",
		},
	},
}
