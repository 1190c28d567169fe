// Package graph resolves imports across source roots (a project and the
// libraries it uses) and answers, for each entry point, whether eventlet is
// loaded when it starts: unconditionally, only through guarded imports, or
// not at all, with the shortest chain of imports as evidence.
package graph

import (
	"container/heap"
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// Import is one import fact of a module, as the view found it.
type Import struct {
	Module  string   // absolute module named by the statement
	Names   []string // from-import names (possibly submodules)
	From    bool
	Guard   pysrc.GuardKind
	Cond    string
	Line    int
	Text    string // the statement as written (first line)
	Dynamic bool
	// Choice marks a module loaded by name as one of several the loading
	// code chooses among at run time (the values of a dict, the options
	// matching a pattern): which one a process loads depends on how it
	// was started, so the verdicts of entry points do not follow it; an
	// explicit question (ReachTargetChoices) does.
	Choice bool
}

// Module is one module of a root.
type Module struct {
	Name      string
	Root      string
	Path      string // relative to Root
	IsPackage bool
	Library   bool // from a --with or site-packages root
	Runtime   bool // runtime code (not tests, docs or tooling)
	// Imports are read by Build only: the graph keeps them as edges, and
	// a caller may drop them once it is built.
	Imports []Import
}

// Edge is a resolved import: from one module to another (or to an
// external module that is not in any root).
type Edge struct {
	From, To int
	Guard    pysrc.GuardKind
	Cond     string
	Line     int
	Text     string
	Implicit bool // a parent package run by importing its submodule
	Choice   bool // see Import.Choice
}

// Graph is the import graph of all roots.
type Graph struct {
	Nodes []Node
	Out   [][]Edge
	index map[string]int
}

// Node is a module, in a root or external.
type Node struct {
	Name     string
	Module   *Module // nil for external modules
	External bool
}

// IsEventlet reports whether a module name is eventlet or greenlet (or
// below them): the targets of the reachability question.
func IsEventlet(name string) bool {
	return name == "eventlet" || strings.HasPrefix(name, "eventlet.") ||
		name == "greenlet" || strings.HasPrefix(name, "greenlet.")
}

// Build resolves every import of every module. When two roots provide the
// same module, the first wins (roots are given project first).
func Build(mods []*Module) *Graph {
	g := &Graph{index: make(map[string]int, len(mods)*2)}
	for _, m := range mods {
		if _, dup := g.index[m.Name]; dup || m.Name == "" {
			continue
		}
		g.index[m.Name] = len(g.Nodes)
		g.Nodes = append(g.Nodes, Node{Name: m.Name, Module: m})
	}
	g.Out = make([][]Edge, len(g.Nodes))
	n := len(g.Nodes)
	for i := 0; i < n; i++ {
		m := g.Nodes[i].Module
		for _, imp := range m.Imports {
			if imp.Guard == pysrc.GuardTypeChecking {
				continue // never runs
			}
			for _, target := range g.targets(imp) {
				g.addEdgeTo(i, target, imp)
			}
		}
		// A module's own parent packages run before it; modelled on the
		// importing side (import a.b.c runs a, a.b, a.b.c), and here for
		// modules started directly (entry points).
	}
	for i := range g.Out {
		sort.SliceStable(g.Out[i], func(a, b int) bool { return g.Out[i][a].Line < g.Out[i][b].Line })
	}
	return g
}

// targets lists the modules an import statement runs, parents first.
func (g *Graph) targets(imp Import) []string {
	var out []string
	parts := strings.Split(imp.Module, ".")
	for i := 1; i <= len(parts); i++ {
		out = append(out, strings.Join(parts[:i], "."))
	}
	if imp.From {
		for _, n := range imp.Names {
			if n == "*" {
				continue
			}
			sub := imp.Module + "." + n
			if _, ok := g.index[sub]; ok || IsEventlet(sub) && isEventletSubmodule(sub) {
				out = append(out, sub)
			}
		}
	}
	return out
}

// isEventletSubmodule: "from eventlet import wsgi" names a submodule.
func isEventletSubmodule(name string) bool {
	return slices.Contains(tables.EventletSubmodules, name)
}

func (g *Graph) node(name string) int {
	if i, ok := g.index[name]; ok {
		return i
	}
	g.index[name] = len(g.Nodes)
	g.Nodes = append(g.Nodes, Node{Name: name, External: true})
	g.Out = append(g.Out, nil)
	return len(g.Nodes) - 1
}

func (g *Graph) addEdgeTo(from int, target string, imp Import) {
	if target == g.Nodes[from].Name {
		return
	}
	// External modules are leaves: keep only the top-level package, except
	// for eventlet, whose submodules are named in chains.
	if _, ok := g.index[target]; !ok && !IsEventlet(target) {
		if i := strings.IndexByte(target, '.'); i >= 0 {
			if _, ok := g.index[target[:i]]; !ok {
				target = target[:i]
			}
		}
	}
	to := g.node(target)
	for _, e := range g.Out[from] {
		if e.To == to && e.Guard <= imp.Guard && (!e.Choice || imp.Choice) {
			return // an edge at least as strong exists
		}
	}
	g.Out[from] = append(g.Out[from], Edge{From: from, To: to, Guard: imp.Guard, Cond: imp.Cond, Line: imp.Line, Text: imp.Text, Choice: imp.Choice})
}

// Lookup returns the node of a module name.
func (g *Graph) Lookup(name string) (int, bool) {
	i, ok := g.index[name]
	return i, ok
}

// Verdict says how an entry point reaches eventlet.
type Verdict = enums.Verdict

// Verdicts.
const (
	Unconditional = enums.VerdictUnconditional
	Guarded       = enums.VerdictGuarded
	None          = enums.VerdictNone
	// Unknown: the module is in no root given, so nothing can be said.
	Unknown = enums.VerdictUnknown
)

// Verdicts is the closed set of verdicts.
var Verdicts = enums.Verdicts

// Hop is one step of a chain: the module reached, and the import that
// reached it (in the previous module's file).
type Hop struct {
	Module string      `json:"module"`
	Root   string      `json:"root,omitempty"`
	Path   string      `json:"path,omitempty"` // the importing file ("" for the start)
	Line   int         `json:"line,omitempty"`
	Text   string      `json:"text,omitempty"`
	Guard  enums.Guard `json:"guard,omitempty"`
	Cond   string      `json:"cond,omitempty"`
}

// Answer is the reachability of eventlet from a start module.
type Answer struct {
	Verdict Verdict  `json:"eventlet"`
	Chain   []Hop    `json:"chain,omitempty"`
	Guards  []string `json:"guards,omitempty"` // the non-unconditional guards on the chain
	Reason  string   `json:"reason,omitempty"` // why the verdict is unknown
}

// startNodes are the modules that run when a module is started: its
// parent packages, then itself.
func (g *Graph) startNodes(module string) []int {
	var out []int
	parts := strings.Split(module, ".")
	for i := 1; i <= len(parts); i++ {
		if n, ok := g.index[strings.Join(parts[:i], ".")]; ok {
			out = append(out, n)
		}
	}
	return out
}

type item struct {
	node, cost, hops int
	seq              int // push order: among equals, the earliest import wins
}

type pq []item

func (q pq) Len() int { return len(q) }
func (q pq) Less(i, j int) bool {
	if q[i].cost != q[j].cost {
		return q[i].cost < q[j].cost
	}
	if q[i].hops != q[j].hops {
		return q[i].hops < q[j].hops
	}
	return q[i].seq < q[j].seq
}
func (q pq) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)   { *q = append(*q, x.(item)) }
func (q *pq) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// Reach answers whether starting module loads eventlet. The chosen chain
// has the fewest guarded edges, then the fewest hops; edges into eventlet
// end a chain (eventlet's own imports are not followed).
func (g *Graph) Reach(module string) Answer {
	return g.ReachTarget(module, IsEventlet)
}

// ReachTarget is Reach for any target predicate on module names. It does
// not follow edges of modules chosen among several at run time.
func (g *Graph) ReachTarget(module string, target func(string) bool) Answer {
	return g.reachTarget(module, target, false)
}

// ReachTargetChoices is ReachTarget through the modules loaded by name
// as one of several too (Import.Choice): what a process may load,
// depending on how it was started.
func (g *Graph) ReachTargetChoices(module string, target func(string) bool) Answer {
	return g.reachTarget(module, target, true)
}

func (g *Graph) reachTarget(module string, target func(string) bool, choices bool) Answer {
	if i, ok := g.index[module]; !ok || g.Nodes[i].External {
		return Answer{Verdict: Unknown, Reason: "module " + module + " is in no root given (add its checkout with --with or a site-packages directory)"}
	}
	starts := g.startNodes(module)
	// Dense arrays: a query touches at most every node once.
	dist := make([]item, len(g.Nodes))
	seen := make([]bool, len(g.Nodes))
	prev := make([]int32, len(g.Nodes)) // index into Out[from], with from in prevFrom
	prevFrom := make([]int32, len(g.Nodes))
	q := &pq{}
	seq := 0
	for _, s := range starts {
		dist[s], seen[s], prevFrom[s] = item{s, 0, 0, seq}, true, -1
		heap.Push(q, item{s, 0, 0, seq})
		seq++
	}
	best := -1
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if d := dist[it.node]; d.cost < it.cost || d.cost == it.cost && d.hops < it.hops {
			continue
		}
		if target(g.Nodes[it.node].Name) {
			best = it.node
			break
		}
		for k, e := range g.Out[it.node] {
			if e.Choice && !choices {
				continue
			}
			c := it.cost
			if e.Guard != pysrc.GuardUnconditional {
				c++
			}
			nd := dist[e.To]
			if !seen[e.To] || c < nd.cost || c == nd.cost && it.hops+1 < nd.hops {
				dist[e.To], seen[e.To] = item{e.To, c, it.hops + 1, seq}, true
				prev[e.To], prevFrom[e.To] = int32(k), int32(it.node)
				heap.Push(q, item{e.To, c, it.hops + 1, seq})
				seq++
			}
		}
	}
	if best < 0 {
		return Answer{Verdict: None}
	}
	var rev []Edge
	for n := best; prevFrom[n] >= 0; {
		e := g.Out[prevFrom[n]][prev[n]]
		rev = append(rev, e)
		n = e.From
	}
	ans := Answer{Verdict: Unconditional}
	first := best
	if len(rev) > 0 {
		first = rev[len(rev)-1].From
	}
	ans.Chain = append(ans.Chain, g.hop(first, nil))
	for i := len(rev) - 1; i >= 0; i-- {
		e := rev[i]
		ans.Chain = append(ans.Chain, g.hop(e.To, &e))
		if e.Guard != pysrc.GuardUnconditional {
			ans.Verdict = Guarded
			ans.Guards = append(ans.Guards, e.Guard.String())
		}
	}
	return ans
}

func (g *Graph) hop(n int, via *Edge) Hop {
	h := Hop{Module: g.Nodes[n].Name}
	if via != nil {
		from := g.Nodes[via.From].Module
		h.Root, h.Path, h.Line, h.Text, h.Guard, h.Cond = from.Root, from.Path, via.Line, via.Text, enums.Guard(via.Guard.String()), via.Cond
	} else if m := g.Nodes[n].Module; m != nil {
		h.Root, h.Path = m.Root, m.Path
	}
	return h
}

// Reachable returns the modules reachable from module through
// unconditional edges only.
func (g *Graph) Reachable(module string) map[int]bool {
	seen := map[int]bool{}
	stack := g.startNodes(module)
	for _, s := range stack {
		seen[s] = true
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if IsEventlet(g.Nodes[n].Name) {
			continue
		}
		for _, e := range g.Out[n] {
			if e.Guard == pysrc.GuardUnconditional && !seen[e.To] {
				seen[e.To] = true
				stack = append(stack, e.To)
			}
		}
	}
	return seen
}

// Blocker is a library module that imports eventlet unconditionally, with
// the downstream entry points that load eventlet through it.
type Blocker struct {
	Module      string   `json:"module"`
	Root        string   `json:"root"`
	Path        string   `json:"path"`
	Line        int      `json:"line"`
	Text        string   `json:"text"`
	EntryPoints []string `json:"entrypoints"`
}

// Blockers ranks library modules that import eventlet unconditionally by
// the number of the given entry points (name → module) that reach them
// through unconditional imports. Each entry point is a walk of the graph:
// a cancelled ctx ends the ranking early, with a partial answer the caller
// must discard (it checks ctx).
func (g *Graph) Blockers(ctx context.Context, entryPoints map[string]string) []Blocker {
	byNode := map[int]*Blocker{}
	for i, node := range g.Nodes {
		m := node.Module
		if m == nil || !m.Library || !m.Runtime || IsEventlet(node.Name) {
			continue
		}
		for _, e := range g.Out[i] {
			if e.Guard == pysrc.GuardUnconditional && IsEventlet(g.Nodes[e.To].Name) {
				byNode[i] = &Blocker{Module: node.Name, Root: m.Root, Path: m.Path, Line: e.Line, Text: e.Text, EntryPoints: []string{}}
				break
			}
		}
	}
	if len(byNode) == 0 {
		return nil
	}
	names := make([]string, 0, len(entryPoints))
	for name := range entryPoints {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ctx.Err() != nil {
			return nil
		}
		for n := range g.Reachable(entryPoints[name]) {
			if b, ok := byNode[n]; ok {
				b.EntryPoints = append(b.EntryPoints, name)
			}
		}
	}
	out := make([]Blocker, 0, len(byNode))
	for _, b := range byNode {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].EntryPoints) != len(out[j].EntryPoints) {
			return len(out[i].EntryPoints) > len(out[j].EntryPoints)
		}
		return out[i].Module < out[j].Module
	})
	return out
}
