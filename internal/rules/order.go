package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// ---- EV507: spawn order relied on in runtime code ----

// orderWord finds order words in a comment ("order", "ordered",
// "ordering", "in sync"), not "border" or "reorder"; orderNegated finds the
// comments that say the order does not matter.
var (
	orderWord    = regexp.MustCompile(`(?i)\b(order|ordered|ordering|in sync)\b`)
	orderNegated = regexp.MustCompile(`(?i)(any order|no (particular )?order|unordered|order (does not|doesn't|need not|needn't) matter|(does not|doesn't) matter)`)
)

var asCompletedNames = names(tables.AsCompleted)

// pileOrderCheck finds GreenPile results read in spawn order (for-loops,
// list comprehensions, list(), zip(), enumerate()) and zip() over
// as_completed(), which pairs results with the wrong inputs. Each finding
// says whether the order is a real requirement (results matched to inputs
// by position, or a comment that says the order matters) or may be
// incidental.
func pileOrderCheck(p *analysis.Pass) {
	if p.Kind != pyproj.KindRuntime {
		return
	}
	hasPile, hasAC := false, false
	for _, name := range p.CallNames() {
		if _, ok := pileNames.match(name); ok {
			hasPile = true
		}
		if _, ok := asCompletedNames.match(name); ok {
			hasAC = true
		}
	}
	if !hasPile && !hasAC {
		return
	}
	vs := pysem.TrackValues(p.View, p.Resolve, nil, true)
	var lines []string // source lines, split on first need
	// orderComment finds, on the line or the three above it, a comment
	// about order: its line, and whether it says the order does not
	// matter ("in any order", "order does not matter").
	orderComment := func(at int) (int, bool) {
		if lines == nil {
			lines = strings.Split(p.File.Src, "\n")
		}
		for l := at; l >= max(1, at-3); l-- {
			if l > len(lines) {
				continue
			}
			if _, comment, ok := strings.Cut(lines[l-1], "#"); ok && orderWord.MatchString(comment) {
				return l, orderNegated.MatchString(comment)
			}
		}
		return 0, false
	}
	check := func(body []pysrc.Stmt, fn string) {
		pileOf := func(e pysrc.Expr) (string, pysrc.Node, bool) {
			n, ok := e.(*pysrc.NameExpr)
			if !ok {
				return "", nil, false
			}
			if _, ok := pileNames.match(vs.TypeOf(fn, n.ID)); ok {
				return n.ID, n, true
			}
			return "", nil, false
		}
		report := func(at pysrc.Node, pile, how string, real bool) {
			why := "if anything depends on positions the replacement must keep spawn order (executor.map, or futures kept in a list and read in order, never as_completed); if the results are only aggregated, the order is incidental"
			if real {
				why = "a real ordering requirement: the replacement must keep spawn order (executor.map, or futures kept in a list and read in order, never as_completed)"
			} else {
				l, negated := orderComment(p.View.Line(at.Pos()))
				if l == 0 {
					l, negated = orderComment(p.View.Line(vs.Lines[fn][pile]))
				}
				switch {
				case l > 0 && negated:
					why = fmt.Sprintf("the comment at line %d says the order does not matter: incidental, any replacement will do", l)
				case l > 0:
					why = fmt.Sprintf("the comment at line %d says the order matters: a real ordering requirement; the replacement must keep spawn order (executor.map, or futures kept in a list and read in order, never as_completed)", l)
				}
			}
			p.Report(at, fmt.Sprintf("results of GreenPile %s are %s, in spawn order: %s", pile, how, why))
		}
		pysrc.InspectAll(body, func(n pysrc.Node) bool {
			switch x := n.(type) {
			case *pysrc.FunctionDef, *pysrc.ClassDef:
				return false // walked as their own functions
			case *pysrc.For:
				if pile, at, ok := pileOf(x.Iter); ok {
					report(at, pile, "read by a for-loop", false)
				}
			case *pysrc.Comp:
				for _, g := range x.Generators {
					if pile, at, ok := pileOf(g.Iter); ok && (x.Kind == pysrc.ListComp || x.Kind == pysrc.GeneratorExp) {
						report(at, pile, "collected by a comprehension", false)
					}
				}
			case *pysrc.Call:
				cs := callSite(p, x)
				if cs == nil {
					return true
				}
				switch cs.Callee {
				case "list", "tuple":
					if len(x.Args) == 1 {
						if pile, at, ok := pileOf(x.Args[0]); ok {
							report(at, pile, "collected by "+cs.Callee+"()", false)
						}
					}
				case "enumerate":
					if len(x.Args) >= 1 {
						if pile, at, ok := pileOf(x.Args[0]); ok {
							report(at, pile, "numbered by enumerate() (matched to positions)", true)
						}
					}
				case "zip":
					for _, a := range x.Args {
						if pile, at, ok := pileOf(a); ok {
							report(at, pile, "paired with other values by zip() (matched to their inputs by position)", true)
						}
						if inner, ok := a.(*pysrc.Call); ok {
							if ics := callSite(p, inner); ics != nil {
								if _, ok := asCompletedNames.match(p.Resolve(ics.Resolved)); ok && len(x.Args) > 1 {
									p.Report(inner, "zip() pairs as_completed() results, which arrive in completion order, with values in submission order: results are matched to the wrong inputs (keep the futures in a list, or use executor.map)")
								}
							}
						}
					}
				}
			}
			return true
		})
	}
	check(p.File.Body, "")
	for _, d := range p.View.Defs {
		check(d.Node.Body, d.QualName)
	}
}

var orderRules = []*analysis.Rule{
	{
		ID: "EV507", Slug: "spawn-order-relied-on", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Python: pileOrderCheck, Concern: analysis.ConcernOrderDependentRuntime,
		Doc: analysis.Doc{
			Summary:     "results read in spawn order",
			What:        "In runtime code: the results of an eventlet GreenPile read in spawn order — a for-loop, a list or generator comprehension, list()/tuple(), zip() or enumerate() over the pile — and zip() over concurrent.futures.as_completed(). Each finding says whether the order is a real requirement (results matched to inputs by zip or enumerate, or a comment within three lines that says the order matters) or incidental (a comment that says it does not) or may be incidental. sum(), any(), all(), set comprehensions and sorted() do not depend on order and are not reported.",
			Why:         "A GreenPile yields results in the order the work was spawned. Replacements that yield in completion order (as_completed) silently reorder them: erasure-coded fragments, replies matched to nodes and similar positional logic then pair the wrong items.",
			Replacement: "Keep the order explicitly: executor.map(), or a list of futures read in order; use as_completed only when each result carries what it belongs to.",
			Example:     "# before\npile = GreenPile(len(nodes))\nfor n in nodes: pile.spawn(fetch, n)\nfor node, frag in zip(nodes, pile): ...\n# after\nfuts = [executor.submit(fetch, n) for n in nodes]\nfor node, fut in zip(nodes, futs): frag = fut.result()",
		},
	},
}
