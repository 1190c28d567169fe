package scan

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// importTimeFacts lists what a module creates when it is imported — calls
// run by its module-level and class-level code, unconditionally or under
// a try — the first of each kind (see modes.ImportTimeKind).
func importTimeFacts(v *pysrc.View) map[string]modes.Evidence {
	var facts map[string]modes.Evidence
	for _, c := range v.Calls {
		if c.Func != "" || c.Guard.Kind != pysrc.GuardUnconditional && c.Guard.Kind != pysrc.GuardTry {
			continue
		}
		kind := modes.ImportTimeKind(c.Resolved)
		if kind == "" {
			continue
		}
		if facts == nil {
			facts = map[string]modes.Evidence{}
		}
		if _, dup := facts[kind]; !dup {
			text := v.File.Text(c.Node)
			if i := strings.IndexByte(text, '\n'); i >= 0 {
				text = text[:i] + " ..."
			}
			// Copies: the facts outlive the file, and a substring would
			// keep its whole source alive.
			facts[kind] = modes.Evidence{Path: strings.Clone(v.File.Name), Line: v.Line(c.Node.Pos()), Text: strings.Clone(clip(text, 120))}
		}
	}
	return facts
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + " ..."
}

// tainted marks the graph nodes whose import creates an object of one of
// the kinds, itself or through unconditional imports (parent packages
// included): one reverse search per set of kinds and scan.
func tainted(res *state, kinds []string) []bool {
	key := strings.Join(kinds, ",")
	if t, ok := res.Facts.taint[key]; ok {
		return t
	}
	g := res.Graph
	in := make([][]int, len(g.Nodes))
	for from, edges := range g.Out {
		for _, e := range edges {
			if e.Guard == pysrc.GuardUnconditional {
				in[e.To] = append(in[e.To], from)
			}
		}
	}
	t := make([]bool, len(g.Nodes))
	var queue []int
	for i, n := range g.Nodes {
		if createsAny(res, n.Name, kinds) {
			t[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, from := range in[n] {
			if !t[from] {
				t[from] = true
				queue = append(queue, from)
			}
		}
	}
	res.Facts.taint[key] = t
	return t
}

func createsAny(res *state, module string, kinds []string) bool {
	for _, k := range kinds {
		if _, ok := res.Facts.atImport[module][k]; ok {
			return true
		}
	}
	return false
}

// lateSelection says whether an entry point's default path selects its
// runtime after importing a module that, when imported, created what the
// selection must precede (see modes.Selection.Hazards): the first such
// import on the path, the chain to the module that creates the object,
// and the creation.
func lateSelection(res *state, ep contract.EntryPoint) *analysis.LateSelection {
	sel := ep.Selection
	if sel == nil || res.Graph == nil {
		return nil
	}
	kinds := sel.Hazards()
	if len(kinds) == 0 {
		return nil
	}
	t := tainted(res, kinds)
	if res.Facts.nodes == nil {
		res.Facts.nodes = make(map[string]int, len(res.Graph.Nodes))
		for i, n := range res.Graph.Nodes {
			res.Facts.nodes[n.Name] = i
		}
	}
	index := res.Facts.nodes
	running := runningAt(sel)
	for _, imp := range sel.Before {
		var target, chain string
		switch {
		case running[imp.Module]:
			// Still running at the selection: what it imported before is
			// listed on its own, what it creates may come after.
			continue
		case imp.Ran:
			// Its code ran to the end before the selection, and its
			// imports are listed on their own: only what it creates.
			if !createsAny(res, imp.Module, kinds) {
				continue
			}
			target, chain = imp.Module, imp.Module
		default:
			i, ok := index[imp.Module]
			if !ok || !t[i] {
				continue
			}
			ans := res.Graph.ReachTarget(imp.Module, func(name string) bool { return createsAny(res, name, kinds) })
			if ans.Verdict != graph.Unconditional || len(ans.Chain) == 0 {
				continue
			}
			target, chain = ans.Chain[len(ans.Chain)-1].Module, chainText(ans.Chain)
		}
		var ev modes.Evidence
		var kind string
		for _, k := range kinds {
			if e, ok := res.Facts.atImport[target][k]; ok {
				ev, kind = e, k
				break
			}
		}
		var what string
		switch sel.Kind {
		case modes.EventPatch:
			what = "monkey_patch()"
		case modes.EventBackend:
			what = "init_backend(" + sel.Arg + ")"
		case modes.EventHook:
			what = "default backend hook (" + sel.Arg + ")"
		default: // the other events select no runtime
			panic("scan: selection by a " + string(sel.Kind) + " event")
		}
		at := importAt(imp, ep)
		return &analysis.LateSelection{Select: what, SelectPath: sel.At.Path, SelectLine: sel.At.Line, SelectText: sel.At.Text,
			ImportPath: at.Path, ImportLine: at.Line, ImportText: at.Text, Chain: chain,
			CreatePath: ev.Path, CreateLine: ev.Line, CreateText: ev.Text, CreateKind: kind}
	}
	return nil
}

// chainText renders a chain of imports: "a > b (b.py:3) > eventlet (b.py:7)".
func chainText(chain []graph.Hop) string {
	parts := make([]string, len(chain))
	for i, h := range chain {
		parts[i] = h.Module
		if h.Path != "" && h.Line > 0 {
			parts[i] += fmt.Sprintf(" (%s:%d)", h.Path, h.Line)
		}
	}
	return strings.Join(parts, " > ")
}

// lateReason says, in an entry point's mode reason, what a late selection
// does (EV208). Where the library's default backend is known the mode
// already says what runs (modes.FixSource); otherwise the mode is kept as
// the code states it, and the reader is told why starting it may differ.
func lateReason(l *analysis.LateSelection) string {
	what := "the selection may not take effect"
	switch l.CreateKind {
	case "component":
		what = "the backend is fixed to the library default (eventlet) first: it starts on eventlet or fails with BackendAlreadySelected"
	case "native":
		what = "native primitives made before patching stay native"
	case "green":
		what = "eventlet primitives were made before threading was selected"
	}
	return fmt.Sprintf("%s at %s:%d comes after %s:%d (EV208): %s", l.Select, l.SelectPath, l.SelectLine, l.ImportPath, l.ImportLine, what)
}

// opaqueSelection is, for an entry point whose default path selects the
// threading backend through a backend registry (init_backend, a default
// hook), the first import before that selection of a module of the
// registry's own library whose code no root gives: importing it may
// fetch a component and fix the backend to the library's default first
// (EV208's hazard), and without its code letgo cannot tell. nil when
// there is none, or when the code is given (then lateSelection and the
// interpreter's library fixes decide).
func opaqueSelection(res *state, ep contract.EntryPoint) *modes.Imported {
	sel := ep.Selection
	if sel == nil || sel.Registry == "" || sel.Kind == modes.EventPatch || sel.Arg != "threading" {
		return nil
	}
	pkg, _, _ := strings.Cut(sel.Registry, ".")
	running := runningAt(sel)
	for i := range sel.Before {
		imp := &sel.Before[i]
		m := imp.Module
		switch {
		case imp.Ran, running[m]:
			continue // the project's own module: its code was run
		case m != pkg && !strings.HasPrefix(m, pkg+"."):
			continue // another library
		case m == sel.Registry || strings.HasPrefix(sel.Registry, m+".") || strings.HasPrefix(m, sel.Registry+"."):
			continue // the registry, its packages and its own modules: what the selection itself imports
		}
		if res.Graph != nil {
			if j, ok := graphIndex(res)[m]; ok && res.Graph.Nodes[j].Module != nil {
				continue // its code is given: the library fixes and EV208 decide
			}
		}
		return imp
	}
	return nil
}

// opaqueReason says why an entry point's mode is unknown when its
// selection follows an import opaqueSelection found.
func opaqueReason(sel *modes.Selection, imp *modes.Imported, ep contract.EntryPoint) string {
	what := "init_backend(threading)"
	if sel.Kind == modes.EventHook {
		what = "the default backend hook (threading)"
	}
	at := importAt(*imp, ep)
	pkg, _, _ := strings.Cut(sel.Registry, ".")
	return fmt.Sprintf("%s at %s:%d comes after %s:%d imports %s, a module of the backend's library whose code letgo was not given: "+
		"if that import fetches a backend component, the backend is fixed to the library's default first and the selection does not take effect; "+
		"give the library's root (--with, the checkout that provides %s) to decide",
		what, sel.At.Path, sel.At.Line, at.Path, at.Line, imp.Module, pkg)
}

// runningAt is the set of project modules whose import-time code was
// still running at a selection: what they create after it is not before
// it.
func runningAt(sel *modes.Selection) map[string]bool {
	running := make(map[string]bool, len(sel.Running))
	for _, m := range sel.Running {
		running[m] = true
	}
	return running
}

// importAt is where an import before a selection was made: its statement,
// or, for the entry module itself (imported by the entry point), the
// entry point's declaration.
func importAt(imp modes.Imported, ep contract.EntryPoint) modes.Evidence {
	if imp.At.Path != "" {
		return imp.At
	}
	return modes.Evidence{Path: ep.Source, Line: ep.Line, Text: "entry point " + ep.Name + " starts in " + ep.Module}
}
