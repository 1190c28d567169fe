package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// graphFlags are the root flags shared by why, graph and blockers.
type graphFlags struct {
	path       string
	with, site listFlag
	format     string
	workers    int
	showTiming bool
	to         string
}

func newGraphFlags(name string, stderr io.Writer) (*flag.FlagSet, *graphFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g := &graphFlags{}
	fs.StringVar(&g.path, "path", ".", "the project root")
	fs.Var(&g.with, "with", "another source root to resolve imports in (a library checkout); repeatable")
	fs.Var(&g.site, "site-packages", "a site-packages directory to resolve imports in; repeatable")
	fs.IntVar(&g.workers, "workers", 0, "parallel workers (default: number of CPUs)")
	fs.BoolVar(&g.showTiming, "timing", false, "print how long building the graph and answering took (stderr)")
	return fs, g
}

// build analyses the project g.path belongs to: a subdirectory or a file
// is judged as part of its project (found upward, as scan does), never as
// a project of its own.
func (g *graphFlags) build(ctx context.Context) (*contract.Result, time.Duration, error) {
	start := time.Now()
	if root, _, err := pyproj.FindRoot(g.path); err == nil {
		g.path = root
	}
	res, err := scan.Run(ctx, []string{g.path}, scan.Options{Select: []string{"EV9"}, With: g.with, SitePackages: g.site, Workers: g.workers, Version: Version})
	return res, time.Since(start), err
}

// runWhy explains how an entry point or module loads eventlet.
func runWhy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, g := newGraphFlags("why", stderr)
	fs.StringVar(&g.to, "to", "eventlet", "target module (and its submodules)")
	fs.StringVar(&g.format, "format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo why ENTRYPOINT|MODULE [--path ROOT] [--with ROOT]... [--site-packages DIR]... [--to MODULE]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitUsage
	}
	name := fs.Arg(0)
	if g.format != "text" && g.format != "json" {
		fmt.Fprintf(stderr, "letgo: --format must be text or json\n")
		return ExitUsage
	}
	res, took, err := g.build(ctx)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	module, label := name, name
	for _, ep := range res.EntryPoints {
		if ep.Name == name {
			module, label = ep.Module, fmt.Sprintf("%s (%s %s)", name, ep.Group, ep.Target)
		}
	}
	if _, ok := res.Graph.Lookup(module); !ok && module == name {
		return errorf(stderr, "no entry point or module %q under %s (see letgo graph)", name, g.path)
	}
	qstart := time.Now()
	target := func(m string) bool { return m == g.to || strings.HasPrefix(m, g.to+".") }
	if g.to == "eventlet" {
		target = graph.IsEventlet
	}
	ans := res.Graph.ReachTarget(module, target)
	if ans.Verdict == graph.None {
		// Through a class chosen among several at run time: what the
		// process may load, depending on how it was started.
		ans = res.Graph.ReachTargetChoices(module, target)
	}
	if g.showTiming {
		fmt.Fprintf(stderr, "graph built in %v (%d modules); answered in %v\n", took.Round(time.Millisecond), len(res.Graph.Nodes), time.Since(qstart))
	}
	if g.format == "json" {
		writeJSON(stdout, struct {
			Name   string `json:"name"`
			Module string `json:"module"`
			graph.Answer
		}{name, module, ans})
		return ExitClean
	}
	q := textsafe.Line
	fmt.Fprintf(stdout, "%s\n", q(label))
	switch ans.Verdict {
	case graph.Unknown:
		fmt.Fprintf(stdout, "  unknown: %s\n", q(ans.Reason))
		return ExitClean
	case graph.None:
		fmt.Fprintf(stdout, "  does not load %s: no chain of imports reaches it from %s\n", q(g.to), q(module))
		return ExitClean
	case graph.Unconditional:
		fmt.Fprintf(stdout, "  loads %s unconditionally: every import on this chain runs when it starts\n", q(g.to))
	case graph.Guarded:
		fmt.Fprintf(stdout, "  loads %s only through guarded imports (%s)\n", q(g.to), q(strings.Join(ans.Guards, ", ")))
	default:
		panic("graph: verdict " + string(ans.Verdict))
	}
	writeChain(stdout, ans.Chain, g.path)
	return ExitClean
}

// writeChain prints a chain as a tree, one import per line: the module
// reached, where the import is (root-qualified outside the project), the
// import text and its guard.
func writeChain(w io.Writer, chain []graph.Hop, project string) {
	q := textsafe.Line
	where := func(h graph.Hop) string {
		if h.Root != "" && h.Root != project {
			return q(strings.TrimSuffix(h.Root, "/") + "/" + h.Path)
		}
		return q(h.Path)
	}
	for i, h := range chain {
		indent := strings.Repeat("  ", i+1)
		if i == 0 {
			fmt.Fprintf(w, "%s%s  (%s)\n", indent, q(h.Module), where(h))
			continue
		}
		guard := string(h.Guard)
		if h.Cond != "" {
			guard += ": " + h.Cond
		}
		fmt.Fprintf(w, "%s└─ %s  %s:%d  %s  [%s]\n", indent, q(h.Module), where(h), h.Line, q(h.Text), q(guard))
	}
}

// optionalPath takes the project root from at most one argument, or
// prints usage and reports false.
func (g *graphFlags) optionalPath(fs *flag.FlagSet, stderr io.Writer, usage string) bool {
	switch fs.NArg() {
	case 0:
	case 1:
		g.path = fs.Arg(0)
	default:
		fmt.Fprintln(stderr, usage)
		return false
	}
	return true
}

// runGraph prints every entry point's verdict (text, json or dot).
func runGraph(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, g := newGraphFlags("graph", stderr)
	fs.StringVar(&g.format, "format", "text", "output format: text, json or dot")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if !g.optionalPath(fs, stderr, "usage: letgo graph [PATH] [--with ROOT]... [--site-packages DIR]... [--format text|json|dot]") {
		return ExitUsage
	}
	res, took, err := g.build(ctx)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	if g.showTiming {
		fmt.Fprintf(stderr, "graph built in %v (%d modules)\n", took.Round(time.Millisecond), len(res.Graph.Nodes))
	}
	switch g.format {
	case "json":
		writeJSON(stdout, struct {
			EntryPoints []contract.EntryPoint `json:"entrypoints"`
			Blockers    []graph.Blocker       `json:"blockers"`
		}{res.EntryPoints, res.Blockers})
	case "dot":
		writeDot(stdout, res)
	case "text":
		q := textsafe.Line
		fmt.Fprintf(stdout, "%-34s %-16s %-14s %s\n", "ENTRY POINT", "GROUP", "EVENTLET", "THROUGH")
		for _, ep := range res.EntryPoints {
			through := ""
			if n := len(ep.Chain); n >= 2 {
				through = fmt.Sprintf("%s (%s:%d)", q(ep.Chain[n-2].Module), q(ep.Chain[n-1].Path), ep.Chain[n-1].Line)
			}
			fmt.Fprintf(stdout, "%-34s %-16s %-14s %s\n", q(ep.Name), q(ep.Group), q(string(ep.Eventlet)), through)
		}
	default:
		fmt.Fprintln(stderr, "letgo: --format must be text, json or dot")
		return ExitUsage
	}
	return ExitClean
}

// writeDot draws the union of the entry points' chains: the part of the
// graph that explains each verdict.
func writeDot(w io.Writer, res *contract.Result) {
	fmt.Fprintln(w, "digraph letgo {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];")
	edges := map[string]bool{}
	for _, ep := range res.EntryPoints {
		// An entry point whose verdict is unknown (its module is in no root
		// given) or new to this table is still drawn: an empty color is a
		// syntax error for Graphviz.
		color, ok := map[graph.Verdict]string{graph.Unconditional: "red", graph.Guarded: "orange", graph.None: "darkgreen"}[ep.Eventlet]
		if !ok {
			color = "gray"
		}
		fmt.Fprintf(w, "  %q [shape=ellipse, color=%s];\n", ep.Name, color)
		// A WSGI module is its own entry point: the ellipse is the module's
		// node, with no edge to itself.
		if ep.Module != "" && ep.Module != ep.Name {
			fmt.Fprintf(w, "  %q -> %q;\n", ep.Name, ep.Module)
		}
		for i := 1; i < len(ep.Chain); i++ {
			style := "solid"
			if ep.Chain[i].Guard != enums.GuardUnconditional {
				style = "dashed"
			}
			e := fmt.Sprintf("  %q -> %q [style=%s, label=%q];", ep.Chain[i-1].Module, ep.Chain[i].Module, style, fmt.Sprintf("%s:%d", ep.Chain[i].Path, ep.Chain[i].Line))
			edges[e] = true
		}
	}
	keys := make([]string, 0, len(edges))
	for e := range edges {
		keys = append(keys, e)
	}
	sort.Strings(keys)
	for _, e := range keys {
		fmt.Fprintln(w, e)
	}
	fmt.Fprintln(w, "}")
}

// runBlockers lists library modules that import eventlet unconditionally,
// ranked by the entry points of the project that load eventlet through them.
func runBlockers(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, g := newGraphFlags("blockers", stderr)
	fs.StringVar(&g.format, "format", "text", "output format: text or json")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if len(g.with) == 0 && len(g.site) == 0 {
		fmt.Fprintln(stderr, "letgo: blockers needs library roots: --with ROOT or --site-packages DIR")
		return ExitUsage
	}
	res, _, err := g.build(ctx)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	if g.format == "json" {
		writeJSON(stdout, res.Blockers)
		return ExitClean
	}
	if len(res.Blockers) == 0 {
		fmt.Fprintln(stdout, "no library module imports eventlet unconditionally")
		return ExitClean
	}
	q := textsafe.Line
	for _, b := range res.Blockers {
		fmt.Fprintf(stdout, "%3d  %s  %s/%s:%d  %s\n", len(b.EntryPoints), q(b.Module), q(b.Root), q(b.Path), b.Line, q(b.Text))
		if len(b.EntryPoints) > 0 {
			fmt.Fprintf(stdout, "     blocks: %s\n", q(strings.Join(b.EntryPoints, ", ")))
		}
	}
	return ExitClean
}
