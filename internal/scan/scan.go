// Package scan is letgo's driver: it walks each root, parses every Python
// file in parallel, runs the rules, and returns one sorted Result, the shape
// every renderer and store consumes.
package scan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/tables"
)

// MaxFileSize is the largest Python file letgo parses.
const MaxFileSize = 16 << 20

// Options tune a scan.
type Options struct {
	Select      []string // rule ids or prefixes (EV1, EV11, EV110); empty means all
	Ignore      []string
	IncludeDocs bool // report docs and release-note findings
	Workers     int  // 0 means GOMAXPROCS
	// With and SitePackages are library roots: other checkouts, and
	// virtualenv site-packages directories. They are parsed to resolve
	// imports across roots; their findings are not reported.
	With         []string
	SitePackages []string
	// Now dates the timeline statement (zero: the current time).
	Now time.Time
	// Cache, with Blobs (path → content id, e.g. git blob ids), lets a
	// series of scans of one tree skip files whose content did not change.
	Cache *Cache
	Blobs map[string]string
	// Trees are scanned roots read from a tree instead of the directory
	// of that name (history's git trees): the root names the project in
	// the result, and nothing of it is read from the file system.
	Trees   map[string]safeio.Tree
	Version string
	// Progress, when set, is called as files complete.
	Progress func(done, total int)
	// Scope limits the findings reported for a root to these paths (files
	// or directories, relative to the root, slash form): the whole project
	// is analysed — imports, modes and facts cross files — but only what
	// the user named is reported. A root without an entry is reported whole.
	Scope map[string][]string
	// Exclude names paths of the scanned roots (not library roots) that are
	// not read at all; PerFileIgnores rules not reported in some files.
	Exclude        []pyproj.Glob
	PerFileIgnores []pyproj.PerFileIgnore

	librariesKey string // set by Run (libcache.go)
}

// state is a scan under way: the result it builds, and the facts its
// later stages need (not part of the result's contract).
type state struct {
	*contract.Result
	Facts *Facts
}

// Facts are per-file facts the scan keeps for the stage and the
// backend-order rule.
type Facts struct {
	// backends are the default concurrency backends project roots select
	// (see modes.DefaultBackend), per root, in file order.
	backends map[string][]backendFact
	// atImport is what each module (of any root) creates when imported.
	atImport map[string]map[string]modes.Evidence
	taint    map[string][]bool // hazard kinds → nodes whose import creates one, through unconditional imports
	nodes    map[string]int    // graph node index by module name, built on first use
}

// Enabled reports whether a rule is selected by the options.
func (o Options) Enabled(r *analysis.Rule) bool {
	match := func(list []string) bool {
		for _, s := range list {
			s = rules.NormalizeSelector(s) // EV1xx means family 1
			if s != "" && strings.HasPrefix(r.ID, s) {
				return true
			}
		}
		return false
	}
	if len(o.Select) > 0 && !match(o.Select) {
		return false
	}
	return !match(o.Ignore)
}

// Run scans each root. Only an unusable root (or a cancelled context) is
// an error; everything wrong with a file is a finding.
func Run(ctx context.Context, roots []string, opts Options) (*contract.Result, error) {
	start := time.Now()
	res := &state{Result: &contract.Result{Schema: contract.Schema, Tool: contract.Tool{Name: "letgo", Version: opts.Version}, Roots: roots,
		Findings: []analysis.Finding{}, EntryPoints: []contract.EntryPoint{}, Scope: opts.Scope},
		Facts: &Facts{backends: map[string][]backendFact{}, atImport: map[string]map[string]modes.Evidence{}, taint: map[string][]bool{}}}
	var enabled []*analysis.Rule
	res.Rules = []string{}
	for _, r := range rules.All() {
		// The findings cap applies whatever is selected, so its notice does
		// too, unless ignored by name.
		notice := r.ID == capRule && (Options{Ignore: opts.Ignore}).Enabled(r)
		if opts.Enabled(r) && (opts.IncludeDocs || r.Kind != analysis.RuleDoc) || notice {
			enabled = append(enabled, r)
			res.Rules = append(res.Rules, r.ID)
		}
	}
	sort.Strings(res.Rules)
	// Every root is read first, so that the first pass knows the
	// top-level names of all of them; then every root's files are
	// analysed; then the semantic model of all roots is built, and the
	// project roots are finished with it (a second pass of the files whose
	// names it rewrites).
	type rootIn struct {
		root          string
		library, site bool
	}
	var ins []rootIn
	for _, root := range roots {
		ins = append(ins, rootIn{root, false, false})
	}
	for _, root := range opts.With {
		ins = append(ins, rootIn{root, true, false})
	}
	for _, root := range opts.SitePackages {
		ins = append(ins, rootIn{root, true, true})
	}
	// The roots are walked and loaded in parallel (each on its own); the
	// first root that fails, in the given order, is the error.
	projs := make([]*pyproj.Project, len(ins))
	errs := make([]error, len(ins))
	var lg errgroup.Group
	if opts.Workers > 0 {
		lg.SetLimit(opts.Workers)
	} else {
		lg.SetLimit(runtime.GOMAXPROCS(0))
	}
	for i, in := range ins {
		lg.Go(func() error {
			if t, ok := opts.Trees[in.root]; ok && !in.library {
				projs[i], errs[i] = pyproj.LoadTree(ctx, in.root, t)
			} else {
				projs[i], errs[i] = pyproj.Load(ctx, in.root)
			}
			return nil
		})
	}
	lg.Wait()
	tops := &topNames{set: map[string]bool{}}
	for i := range ins {
		if errs[i] != nil {
			return nil, errs[i]
		}
		proj := projs[i]
		for _, f := range proj.Files {
			if f.Python && f.Module != "" {
				top, _, _ := strings.Cut(f.Module, ".")
				tops.set[top] = true
			}
		}
	}
	tops.key = tops.hash()
	var modules []*graph.Module
	var infos []*rootInfo
	scans := make([]*rootScan, len(ins))
	// The first passes' parses kept for second passes are this scan's.
	defer opts.Cache.dropParsed(projs)
	semRoots := make([]pysem.Root, len(ins))
	for i, in := range ins {
		var rules []*analysis.Rule
		if !in.library {
			rules = enabled
		}
		rs, err := firstPass(ctx, projs[i], in.root, rules, opts, res, in.library, tops)
		if err != nil {
			return nil, err
		}
		rs.index = i
		scans[i] = rs
		modules = append(modules, rs.modules...)
		semRoots[i] = rs.semRoot()
		info := &rootInfo{root: in.root, proj: projs[i], library: in.library, outlines: rs.outlines()}
		if rs.library {
			// Nothing reads a library root's files' results again: the
			// model has their summaries, the graph their imports.
			rs.release()
		}
		if in.site {
			info.dists = pyproj.ReadDistributions(in.root)
		}
		infos = append(infos, info)
	}
	model := opts.Cache.semModel(semRoots)
	for _, rs := range scans {
		if !rs.library {
			if err := finishRoot(ctx, rs, model, enabled, opts, res); err != nil {
				return nil, err
			}
			rs.release()
		}
	}
	addDynamicEdges(modules, model)
	// A cancelled scan returns no result: every stage below checks ctx
	// in its loop and stops early, so what it computed is incomplete.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	gstart := time.Now()
	res.Graph = graph.Build(modules)
	// The graph has the imports as edges; the modules' lists of them are
	// not read again (the later stages ask the graph).
	for _, m := range modules {
		m.Imports = nil
	}
	if err := reachability(ctx, res); err != nil {
		return nil, err
	}
	res.Stats.GraphMS = float64(time.Since(gstart).Microseconds()) / 1000
	if opts.Cache != nil && opts.Blobs != nil {
		opts.librariesKey = librariesKey(scans)
	}
	for _, info := range infos {
		if !info.library {
			if err := inferModes(ctx, res, info, infos, opts, model); err != nil {
				return nil, err
			}
		}
	}
	if err := graphRules(ctx, res, infos, enabled); err != nil {
		return nil, err
	}
	for _, info := range infos {
		if info.library {
			continue
		}
		st := stageOf(res, info, opts.Now, len(opts.With)+len(opts.SitePackages) > 0)
		res.Stages = append(res.Stages, contract.RootStage{Root: info.root, Stage: st})
	}
	if len(res.Stages) > 0 {
		res.Stage = &res.Stages[0].Stage
	}
	if len(res.Stages) == 1 {
		res.Stages = nil
	}
	finish(res, opts)
	res.Stats.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res.Result, nil
}

// fileResult is what one Python file contributes.
type fileResult struct {
	findings []analysis.Finding
	lines    map[int]string // the source lines of the findings, by number
	imports  []graph.Import
	// imported lists the modules and module.name pairs the file imports
	// from, to decide whether it needs a second pass (through the model's
	// rewrites).
	imported []string
	// summary is the file's part of the semantic model; names are the
	// distinct dotted names its calls and references use that start in one
	// of the scanned roots (the model may rewrite them).
	summary  *pysem.Summary
	names    []string
	wsgiLine int                       // line of a module-level "application", 0 if none
	backend  *backendFact              // the module's default concurrency backend, if it selects one
	atImport map[string]modes.Evidence // what the module creates when imported, by kind (modes.AtImport*)
	bytes    int64
	syntax   bool
	skipped  bool
	// outline is a runtime module's, for the mode interpreter's lookups
	// that need no view of it (modes.Outline).
	outline *modes.Outline
	// project: a rule read the project's settings (analysis.Pass.Project),
	// so the result holds for this project's settings only (Cache.scanFile).
	project bool
}

// rootScan is one root between the first pass and the end of its scan.
type rootScan struct {
	proj    *pyproj.Project
	root    string
	index   int // among the scan's roots
	library bool
	pyFiles []*pyproj.File
	results []fileResult
	modules []*graph.Module
	run     func(indexes []int, canonical func(string) string, model *pysem.Model) error
}

// outlines are the first pass's outlines of the root's runtime modules:
// with them the mode interpreter parses again only the modules whose
// code it runs or reads.
func (rs *rootScan) outlines() map[*pyproj.File]*modes.Outline {
	out := map[*pyproj.File]*modes.Outline{}
	for i := range rs.results {
		if f, o := rs.pyFiles[i], rs.results[i].outline; o != nil && f.Module != "" {
			out[f] = o
		}
	}
	return out
}

// release drops the root's per-file results (and the closure that holds
// them) once they have been read: the roots finished after it, and the
// stages after the last, run without them.
func (rs *rootScan) release() {
	rs.results, rs.run = nil, nil
}

// semRoot is the root's part of the semantic model.
func (rs *rootScan) semRoot() pysem.Root {
	r := pysem.Root{Library: rs.library, Modules: make([]*pysem.Summary, 0, len(rs.results))}
	for i := range rs.results {
		if s := rs.results[i].summary; s != nil && rs.pyFiles[i].Module != "" {
			r.Modules = append(r.Modules, s)
		}
	}
	for _, ep := range rs.proj.EntryPoints {
		r.EntryPoints = append(r.EntryPoints, pysem.EntryPoint{Group: ep.Group, Name: ep.Name, Target: ep.Target})
	}
	return r
}

// firstPass analyses every Python file of one root: the rules without the
// project's model, the file's summary for the model, its imports for the
// graph. A library root is only parsed and summarised: no rules, no
// findings, no entry points.
func firstPass(ctx context.Context, proj *pyproj.Project, root string, enabled []*analysis.Rule, opts Options, res *state, library bool, tops *topNames) (*rootScan, error) {
	var pyFiles []*pyproj.File
	for _, f := range proj.Files {
		if f.Python && (library || !excluded(opts.Exclude, f.Path)) {
			pyFiles = append(pyFiles, f)
		}
	}
	if !library {
		res.Stats.Files += len(proj.Files)
	}
	total := len(pyFiles)
	results := make([]fileResult, total)
	var done atomic.Int64
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A fixed pool of workers takes the files in the given order: a
	// goroutine per file would start on a small stack and grow it again
	// for every file (the parser recurses deeply; copying stacks was 2% of
	// the scan's CPU).
	run := func(indexes []int, canonical func(string) string, model *pysem.Model) error {
		g, gctx := errgroup.WithContext(ctx)
		var next atomic.Int64
		for range min(workers, len(indexes)) {
			g.Go(func() error {
				for {
					k := int(next.Add(1)) - 1
					if k >= len(indexes) {
						return nil
					}
					if err := gctx.Err(); err != nil {
						return err
					}
					i := indexes[k]
					results[i] = opts.Cache.rootFile(library, opts.Blobs, proj, pyFiles[i], enabled, canonical, model, tops)
					if opts.Progress != nil && canonical == nil {
						opts.Progress(int(done.Add(1)), total)
					}
				}
			})
		}
		return g.Wait()
	}
	all := make([]int, total)
	for i := range all {
		all[i] = i
	}
	// Largest first: a big file started last would leave the other workers
	// idle at the end. Results are stored by index, so the order of the
	// output does not change.
	sort.SliceStable(all, func(i, j int) bool { return pyFiles[all[i]].Size > pyFiles[all[j]].Size })
	if err := run(all, nil, nil); err != nil {
		return nil, err
	}
	modules := make([]*graph.Module, 0, total)
	for i, r := range results {
		f := pyFiles[i]
		if f.Module != "" && r.atImport != nil {
			if _, dup := res.Facts.atImport[f.Module]; !dup {
				res.Facts.atImport[f.Module] = r.atImport
			}
		}
		if library && r.backend != nil {
			// A library's default backend, for its import-time fetches
			// (libfix.go); a project root's is recorded by finishRoot.
			res.Facts.backends[root] = append(res.Facts.backends[root], *r.backend)
		}
		if f.Module != "" {
			modules = append(modules, &graph.Module{Name: f.Module, Root: root, Path: f.Path, IsPackage: f.IsPackage,
				Library: library, Runtime: f.Kind == pyproj.KindRuntime, Imports: r.imports})
		}
	}
	return &rootScan{proj: proj, root: root, library: library, pyFiles: pyFiles, results: results, modules: modules, run: run}, nil
}

// addDynamicEdges adds to each module the modules it loads by name that
// the model resolves (guard dynamic, with what chose them).
func addDynamicEdges(modules []*graph.Module, model *pysem.Model) {
	for _, m := range modules {
		for _, d := range model.Dynamic(m.Name) {
			m.Imports = append(m.Imports, graph.Import{Module: d.Module, Guard: pysrc.GuardDynamic, Cond: d.Why,
				Line: d.Line, Text: d.Text, Dynamic: true, Choice: d.Choice})
		}
	}
}

// finishRoot ends the scan of a project root: files for which the model
// knows more than their first pass did are analysed again with it — names
// it rewrites to something outside the root (a re-exported eventlet, a
// helper returning a module, a library's component), and, for the
// pickling rule, values built or sent by other modules — then the
// findings, the project rules and the entry points.
func finishRoot(ctx context.Context, rs *rootScan, model *pysem.Model, enabled []*analysis.Rule, opts Options, res *state) error {
	proj, root, pyFiles, results := rs.proj, rs.root, rs.pyFiles, rs.results
	// The rules see a name rewritten only when the model takes it out of
	// this root: to eventlet, the standard library, a library's public
	// name. A name that stays in the project is kept as the code wrote it
	// (futurist.GreenThreadPoolExecutor, not the private module defining
	// it): the rules' tables know public names.
	var memo sync.Map // name → what the rules see
	canonical := func(name string) string {
		if !model.InRoots(name) {
			return name // nothing outside the roots is rewritten
		}
		if c, ok := memo.Load(name); ok {
			return c.(string)
		}
		c := model.Canonical(name)
		if c == name || model.RootOf(c) == rs.index {
			c = name
		}
		memo.Store(name, c)
		return c
	}
	// A file is analysed again when the model rewrites one of its names
	// to one a rule may match (rewrites to anything else change nothing).
	// The files' names repeat across the root, so what the model says of
	// each is asked once per worker: this loop is the one place every
	// name of every file meets the model, so it runs on the workers of
	// the first pass (each with its own maps; the model and canonical's
	// memo are safe for concurrent use).
	type rewrite struct{ plain, pickling bool }
	// The pickling rule follows values into other modules: a file with a
	// launch site uses a class or a function's result the model declares,
	// a file that may launch processes builds a pool through a function of
	// another module (which makes launch sites of its calls), or any file
	// calls a function that sends its parameters to another process.
	sends := model.AnySends()
	// What the model declares of a name, each asked when first needed
	// (0 not asked, 1 no, 2 yes).
	type declaration struct {
		canon, module           string
		class, pool, sendsParam int8
	}
	ask := func(v *int8, f func() bool) bool {
		if *v == 0 {
			*v = 1
			if f() {
				*v = 2
			}
		}
		return *v == 2
	}
	needs := make([]bool, len(results))
	decide := func() func(i int) bool {
		rewrites := map[string]rewrite{}
		rewritten := func(name string, pickling bool) bool {
			w, ok := rewrites[name]
			if !ok {
				c := canonical(name)
				if c != name && !strings.Contains(c, "()") {
					w = rewrite{rules.Relevant(c, false), rules.Relevant(c, true)}
				}
				rewrites[name] = w
			}
			if pickling {
				return w.pickling
			}
			return w.plain
		}
		declarations := map[string]*declaration{}
		declared := func(name, module string, d *pysem.Decls) bool {
			dc := declarations[name]
			if dc == nil {
				c := model.Canonical(name)
				dc = &declaration{canon: c, module: model.ModuleOf(c)}
				declarations[name] = dc
			}
			if dc.module == module {
				return false // the file's own declarations: the first pass had them
			}
			c := dc.canon
			switch {
			case d.Launches:
				if ask(&dc.class, func() bool { cl, _ := model.Class(c); return cl != nil || model.Ctor(c) != "" }) {
					return true
				}
			case d.MayLaunch:
				if ask(&dc.pool, func() bool { return model.PoolFactory(c) }) {
					return true
				}
			}
			return sends && ask(&dc.sendsParam, func() bool { ss, _ := model.SendsOf(c); return len(ss) > 0 })
		}
		return func(i int) bool {
			r := &results[i]
			key := againKey{r.summary, pyFiles[i].Module}
			if need, ok := opts.Cache.keptAgain(model, key); ok {
				return need
			}
			var d pysem.Decls
			if r.summary != nil {
				d = r.summary.Decls
			}
			need := false
			for _, imp := range r.imported {
				if rewritten(imp, d.MayLaunch) {
					need = true
					break
				}
			}
			pickling := sends || d.MayLaunch
			for _, n := range r.names {
				if need {
					break
				}
				need = rewritten(n, d.MayLaunch) || pickling && declared(n, pyFiles[i].Module, &d)
			}
			opts.Cache.keepAgain(model, key, need)
			return need
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, max(1, len(results))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			need := decide()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(results) || ctx.Err() != nil {
					return
				}
				needs[i] = need(i)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	var again []int
	for i, need := range needs {
		if need {
			again = append(again, i)
		}
	}
	// Largest first, as in the first pass (results go by index).
	sort.SliceStable(again, func(i, j int) bool { return pyFiles[again[i]].Size > pyFiles[again[j]].Size })
	if len(again) > 0 {
		if err := rs.run(again, canonical, model); err != nil {
			return err
		}
	}

	for i, r := range results {
		f := pyFiles[i]
		res.Stats.PythonFiles++
		res.Stats.Bytes += r.bytes
		if r.syntax {
			res.Stats.SyntaxErrors++
		}
		if r.skipped {
			res.Stats.Skipped++
		}
		if r.wsgiLine > 0 && f.Kind == pyproj.KindRuntime {
			proj.AddWSGIModule(f, r.wsgiLine)
		}
		if r.backend != nil {
			res.Facts.backends[root] = append(res.Facts.backends[root], *r.backend)
		}
		if len(r.findings) > 0 {
			addFindings(res, root, r.findings, func(line int) string { return r.lines[line] })
		}
	}

	// Project-level rules read configuration, dependency and doc files.
	cache := &textCache{proj: proj, texts: map[string]string{}}
	col := analysis.NewCollector(nil)
	for _, r := range enabled {
		if r.Project != nil {
			r.Project(analysis.NewProjectPass(r, proj, cache.read, col.Report))
		}
	}
	for _, pr := range proj.Problems {
		col.Report(skipFinding(pr.Path, pr.Msg))
	}
	projFindings := suppressProject(proj, cache, capped(col, enabled), enabled)
	analysis.SortFindings(projFindings)
	addFindings(res, root, filterRules(projFindings, enabled), func(int) string { return "" })
	for _, ep := range proj.EntryPoints {
		switch ep.Group {
		case "console_scripts", "wsgi_scripts", "gui_scripts", "wsgi_module", pyproj.ScriptGroup, pyproj.WSGIFileGroup:
			res.EntryPoints = append(res.EntryPoints, contract.EntryPoint{Root: root, Name: ep.Name, Group: ep.Group,
				Target: ep.Target, Path: ep.Path, Source: ep.Source, Line: ep.Line, Module: ep.Module})
		}
	}
	return nil
}

// reachability answers, for each entry point, whether it loads eventlet,
// and ranks library blockers.
func reachability(ctx context.Context, res *state) error {
	eps := map[string]string{}
	for i := range res.EntryPoints {
		if err := ctx.Err(); err != nil {
			return err
		}
		ep := &res.EntryPoints[i]
		ans := res.Graph.Reach(ep.Module)
		ep.Eventlet, ep.Chain, ep.Guards, ep.Reason = ans.Verdict, ans.Chain, ans.Guards, ans.Reason
		if ep.Chain == nil {
			ep.Chain = []graph.Hop{}
		}
		eps[ep.Name] = ep.Module
	}
	res.Blockers = res.Graph.Blockers(ctx, eps)
	if res.Blockers == nil {
		res.Blockers = []graph.Blocker{}
	}
	return ctx.Err()
}

// filterRules keeps findings of enabled rules (driver-made findings such as
// EV904 are subject to --select/--ignore like the rest).
func filterRules(fs []analysis.Finding, enabled []*analysis.Rule) []analysis.Finding {
	on := map[string]bool{}
	for _, r := range enabled {
		on[r.ID] = true
	}
	out := fs[:0]
	for _, f := range fs {
		if on[f.Rule] {
			out = append(out, f)
		}
	}
	return out
}

// addFindings fingerprints findings and appends them. A fingerprint is the
// rule, the path, the whitespace-normalised source line and the occurrence
// index of that triple: it survives line moves.
func addFindings(res *state, root string, fs []analysis.Finding, lineText func(int) string) {
	seen := map[string]int{}
	for _, f := range fs {
		f.Root = root
		norm := strings.Join(strings.Fields(lineText(f.Line)), " ")
		if norm == "" {
			norm = f.Message
		}
		key := f.Rule + "\x00" + f.Path + "\x00" + norm
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, n)))
		f.Fingerprint = hex.EncodeToString(sum[:8])
		f.CharCol, f.CharEndCol = charColumn(lineText(f.Line), f.Col), charColumn(lineText(f.EndLine), f.EndCol)
		res.Findings = append(res.Findings, f)
	}
}

// charColumn converts a 1-based UTF-8 byte column of a line to a 1-based
// code-point column (the same for ASCII).
func charColumn(line string, col int) int {
	if col <= 1 || col-1 > len(line) {
		return col
	}
	return utf8.RuneCountInString(line[:col-1]) + 1
}

func skipFinding(path, msg string) analysis.Finding {
	r := rules.ByID("EV904")
	return analysis.Finding{Rule: r.ID, Slug: r.Slug, Family: 9, Kind: pyproj.Classify(path), Path: path,
		Line: 1, Col: 1, EndLine: 1, EndCol: 1, Message: msg, Severity: analysis.SevLow, Replacement: r.Doc.Replacement}
}

// suppressProject applies the "#" suppression comments of the non-Python
// files that project rules report in (requirements, pyproject.toml,
// setup.cfg, tox.ini, .coveragerc, zuul YAML), as every rule page promises.
func suppressProject(proj *pyproj.Project, cache *textCache, findings []analysis.Finding, enabled []*analysis.Rule) []analysis.Finding {
	byPath := map[string][]analysis.Finding{}
	var paths []string
	for _, f := range findings {
		if _, ok := byPath[f.Path]; !ok {
			paths = append(paths, f.Path)
		}
		byPath[f.Path] = append(byPath[f.Path], f)
	}
	// Files the project rules read are checked even without findings, so
	// a suppression left behind is reported (EV903).
	for _, f := range proj.Files {
		if _, ok := byPath[f.Path]; !ok && suppressible(f) {
			paths = append(paths, f.Path)
			byPath[f.Path] = nil
		}
	}
	var out []analysis.Finding
	for _, path := range paths {
		fs := byPath[path]
		file := proj.Lookup(path)
		text, ok := cache.read(path)
		if file == nil || file.Python || !ok {
			out = append(out, fs...)
			continue
		}
		sups := analysis.ParseLineSuppressions(text)
		out = append(out, analysis.ApplySuppressions(fs, sups)...)
		out = append(out, suppressionFindings(sups, enabled, file)...)
	}
	return out
}

// suppressible reports whether f is a non-Python file project rules read.
func suppressible(f *pyproj.File) bool {
	if f.Python {
		return false
	}
	base := path.Base(f.Path)
	return f.Kind == pyproj.KindDependency && strings.HasSuffix(base, ".txt") || base == "pyproject.toml" || base == "setup.cfg" ||
		base == "tox.ini" || base == ".coveragerc" || base == ".zuul.yaml" || base == "zuul.yaml" || strings.HasPrefix(f.Path, "zuul.d/") || strings.HasPrefix(f.Path, ".zuul.d/")
}

// scanFile reads, parses and analyses one Python file. The first pass has
// no canonical names and no model, and summarises the file for the
// semantic model; a second pass has both: names through the model (calls
// through a call's result resolved once for the file), and the model for
// the rules that read what other modules declare.
func scanFile(proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames) fileResult {
	return scanFileRecording(proj, f, enabled, canonical, model, tops, nil)
}

// scanFileRecording is scanFile; a second pass given rec records in it
// what the file's analysis read of the project's model (secondpass.go).
func scanFileRecording(proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames, rec *secondDeps) fileResult {
	src, msg := readSource(f)
	if msg != "" {
		return skippedResult(f, msg, enabled)
	}
	return analyzeFile(proj, f, parse(f, src), enabled, canonical, model, tops, rec)
}

// skippedResult is the result of a file that could not be read (EV904
// says why, when enabled).
func skippedResult(f *pyproj.File, msg string, enabled []*analysis.Rule) fileResult {
	fr := fileResult{skipped: true}
	if enabledID(enabled, "EV904") {
		fr.findings = []analysis.Finding{skipFinding(f.Path, msg)}
	}
	return fr
}

// parse parses and analyses a file's source, which the parsed file keeps
// (the buffer is not used again).
func parse(f *pyproj.File, src []byte) parsed {
	p := parsed{file: pysrc.ParseOwned(f.Path, src), size: int64(len(src))}
	p.view = pysrc.Analyze(p.file, f.Module, f.IsPackage)
	return p
}

// firstPassParsed is scanFile's first pass (no canonical names, no
// model) that also returns the file's parse; nil when the file was not
// parsed (unreadable, binary, too large).
func firstPassParsed(proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, tops *topNames) (fileResult, *parsed) {
	src, msg := readSource(f)
	if msg != "" {
		return skippedResult(f, msg, enabled), nil
	}
	p := parse(f, src)
	return analyzeFile(proj, f, p, enabled, nil, nil, tops, nil), &p
}

// parsed is a file as parsed and analysed for a pass: the tree, its view
// and the size of the source read.
type parsed struct {
	file *pysrc.File
	view *pysrc.View
	size int64
}

// analyzeFile is scanFileRecording's work after the parse. A first pass
// leaves the view as the parse made it (only ResolveChains, in a second
// pass, changes it), so the second pass of a file may take the first
// pass's parse (secondpass.go).
func analyzeFile(proj *pyproj.Project, f *pyproj.File, p parsed, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames, rec *secondDeps) fileResult {
	file, view := p.file, p.view
	if canonical != nil {
		// The second pass: names are resolved through the project's
		// model, each once for the file (the rules ask for each many times).
		memo := map[string]string{}
		if rec != nil {
			rec.canon = memo
		}
		inner := canonical
		canonical = func(name string) string {
			c, ok := memo[name]
			if !ok {
				c = inner(name)
				memo[name] = c
			}
			return c
		}
		view.ResolveChains(canonical)
	}
	fr := fileResult{bytes: p.size, syntax: len(file.Errors) > 0}
	first := canonical == nil
	if first {
		fr.imports = importFacts(view)
	}
	// Suppressions are applied and the cap counted as findings arrive.
	sups := analysis.ParseSuppressions(file)
	col := analysis.NewCollector(sups)
	// One pass, given to each rule in turn (a rule uses it only while it
	// runs), instead of a pass and two closures per rule and file; its
	// index is shared by all rules of the file: each name resolved once,
	// sites grouped by package, keywords found in one pass over the source.
	pass := analysis.NewPass(nil, f.Path, f.Kind, view, proj, canonical, col.Report)
	pass.Index = analysis.NewFileIndex()
	pass.UseModel(model)
	if rec != nil {
		pass.ReadFact = rec.readFact
	}
	pass.ReadProject = func() { fr.project = true }
	for _, r := range enabled {
		if r.Python != nil {
			pass.Rule = r
			r.Python(pass)
		}
	}
	// Findings about the suppressions themselves are not suppressible, and
	// are capped too (a file may hold a million comments).
	tool := analysis.NewCollector(nil)
	for _, fd := range suppressionFindings(sups, enabled, f) {
		tool.Report(fd)
	}
	findings := append(capped(col, enabled), capped(tool, enabled)...)
	analysis.SortFindings(findings)
	fr.findings = findings
	// The lines the findings are on, copied: the source itself is not
	// kept (every root's first pass is held until the model is built).
	if len(findings) > 0 {
		want := make([]int, 0, 2*len(findings))
		for _, fd := range findings {
			want = append(want, fd.Line, fd.EndLine)
		}
		fr.lines = lineTexts(file.Src, want)
	}
	if first {
		// What the file declares for the pickling rule's reading of
		// other files is kept only when that rule runs.
		if enabledID(enabled, "EV502") {
			fr.summary = pysem.SummarizeDeclsFrom(view, f.Path, pass.Index.Values())
		} else {
			fr.summary = pysem.Summarize(view)
		}
		fr.names = rootNames(view, tops)
		// Each name once: a file may repeat one import a million times.
		// Only a module of the roots can be rewritten by the model
		// (Model.InRoots): the others are not kept for the second pass.
		var imported []string
		for _, imp := range view.Imports {
			if tops != nil && !tops.has(imp.Module) {
				continue
			}
			imported = append(imported, imp.Module)
			for _, n := range imp.Names {
				imported = append(imported, imp.Module+"."+n.Name)
			}
		}
		fr.imported = uniqueCopies(imported)
	}
	for _, b := range view.Exports {
		if b.Name == "application" && !foreignImport(view, b) {
			fr.wsgiLine = view.Line(b.Pos)
		}
	}
	if f.Kind == pyproj.KindRuntime {
		if b, ev, ok := modes.DefaultBackend(view); ok {
			fr.backend = &backendFact{backend: b, ev: ev, module: f.Module}
		}
		fr.atImport = importTimeFacts(view)
		if first {
			fr.outline = modes.OutlineOf(view)
		}
	}
	return fr
}

// foreignImport reports a module-level binding made by importing the name
// from another distribution's package (from newrelic.api import
// application): that object is the library's, not a WSGI application the
// module defines. A re-export of the project's own application (from
// pkg.api.app import application) is one.
func foreignImport(v *pysrc.View, b pysrc.Binding) bool {
	own, _, _ := strings.Cut(v.Module, ".")
	for _, imp := range v.Imports {
		if imp.Dynamic != "" || imp.Func != "" || imp.Node == nil || imp.Node.Pos() > b.Pos || imp.Node.End() <= b.Pos {
			continue
		}
		top, _, _ := strings.Cut(imp.Module, ".")
		return imp.Level == 0 && top != own
	}
	return false
}

// suppressionFindings reports suppressions that are wrong: a letgo
// suppression without a reason (EV902), codes naming no rule, and codes
// of rules that ran but matched nothing (EV903). Codes of rules that did
// not run could not have matched and are not reported.
func suppressionFindings(sups []*analysis.Suppression, enabled []*analysis.Rule, f *pyproj.File) []analysis.Finding {
	var findings []analysis.Finding
	for _, s := range sups {
		if s.Letgo && s.Reason == "" && enabledID(enabled, "EV902") {
			kind := "suppression"
			if s.File {
				kind = "file-ignore"
			}
			findings = append(findings, toolFinding("EV902", f, s.Line, s.Col, "letgo "+kind+" of "+strings.Join(s.Codes, ",")+" has no reason and suppresses nothing"))
			continue
		}
		if !enabledID(enabled, "EV903") {
			continue
		}
		// A code whose rules did not run could not have matched: only
		// codes of rules that ran are unused, and a code that names no
		// rule at all is a typo.
		var unused, unknown []string
		for _, code := range s.Unused() {
			switch {
			case !rules.KnownSelector(code):
				unknown = append(unknown, code)
			case matchesEnabled(enabled, code):
				unused = append(unused, code)
			}
		}
		if len(unknown) > 0 {
			findings = append(findings, toolFinding("EV903", f, s.Line, s.Col, "suppression of "+strings.Join(unknown, ",")+" names no letgo rule"))
		}
		if len(unused) > 0 {
			where := "on this line"
			if s.File {
				where = "in this file"
			}
			findings = append(findings, toolFinding("EV903", f, s.Line, s.Col, "suppression of "+strings.Join(unused, ",")+" matches no finding "+where))
		}
	}
	return findings
}

// importFacts extracts what the import graph needs from a view.
func importFacts(v *pysrc.View) []graph.Import {
	out := make([]graph.Import, 0, len(v.Imports))
	for _, imp := range v.Imports {
		// Copies, not substrings: the graph outlives the file's analysis,
		// and a substring would keep the whole source alive (at fleet scale
		// every file's source at once).
		gi := graph.Import{Module: strings.Clone(imp.Module), From: imp.From, Guard: imp.Guard.Kind, Cond: strings.Clone(imp.Guard.Cond),
			Line: v.Line(imp.Node.Pos()), Dynamic: imp.Dynamic != ""}
		if imp.Module == "" {
			continue // a relative import beyond the top level
		}
		text := v.File.Text(imp.Node)
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[:i] + " ..."
		}
		gi.Text = strings.Clone(text)
		if imp.From {
			for _, n := range imp.Names {
				gi.Names = append(gi.Names, strings.Clone(n.Name))
			}
		}
		out = append(out, gi)
	}
	return out
}

// matchesEnabled reports whether a suppression code (an id or a prefix)
// names a rule that ran.
func matchesEnabled(enabled []*analysis.Rule, code string) bool {
	for _, r := range enabled {
		if strings.HasPrefix(r.ID, code) {
			return true
		}
	}
	return false
}

func enabledID(enabled []*analysis.Rule, id string) bool {
	for _, r := range enabled {
		if r.ID == id {
			return true
		}
	}
	return false
}

// capRule is the rule of the finding that says how many findings of a
// (file, rule) the cap left out.
const capRule = "EV905"

// capped returns a collector's findings and, for each (file, rule) it
// capped, one finding at the first left out that says how many were.
func capped(c *analysis.Collector, enabled []*analysis.Rule) []analysis.Finding {
	fs := c.Findings()
	if !enabledID(enabled, capRule) {
		return fs
	}
	r := rules.ByID(capRule)
	for _, o := range c.Omitted() {
		kind := o.First.Kind
		fs = append(fs, analysis.Finding{Rule: r.ID, Slug: r.Slug, Family: 9, Kind: kind, Path: o.Path,
			Line: o.First.Line, Col: o.First.Col, EndLine: o.First.Line, EndCol: o.First.Col,
			Message: fmt.Sprintf("%d more %s findings in this file left out: letgo reports at most %d per rule and file",
				o.Count, o.Rule, analysis.MaxFindingsPerRule),
			Severity: analysis.DefaultSeverity(r, kind), Replacement: r.Doc.Replacement, EntryPoint: o.First.EntryPoint})
	}
	return fs
}

func toolFinding(id string, f *pyproj.File, line, col int, msg string) analysis.Finding {
	r := rules.ByID(id)
	return analysis.Finding{Rule: r.ID, Slug: r.Slug, Family: 9, Kind: f.Kind, Path: f.Path, Line: line, Col: col,
		EndLine: line, EndCol: col, Message: msg, Severity: analysis.DefaultSeverity(r, f.Kind), Replacement: r.Doc.Replacement}
}

// rootNames lists, once each, the resolved names of a view's calls and
// references that start with a top-level name of the scanned roots.
func rootNames(v *pysrc.View, tops *topNames) []string {
	var out []string
	add := func(name string) {
		if name != "" && tops != nil && tops.has(name) {
			out = append(out, name)
		}
	}
	for _, c := range v.Calls {
		add(c.Resolved)
		add(c.Chain)
	}
	for _, r := range v.Refs {
		add(r.Resolved)
		add(r.Chain)
	}
	return uniqueCopies(out)
}

// uniqueCopies sorts names, drops repeats and copies what is left into one
// new string (the names outlive the file's source).
func uniqueCopies(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	out := slices.Compact(names)
	// A new slice: the tail of the old one still holds the repeats, which
	// point into the file's source.
	cp := make([]string, len(out))
	ptrs := make([]*string, len(out))
	for i := range out {
		cp[i] = out[i]
		ptrs[i] = &cp[i]
	}
	pysem.CopyStrings(ptrs)
	return cp
}

// readSource reads a Python file, or says why it cannot be scanned. The
// read goes through safeio or the file's tree: a FIFO, a device or a file
// that grows past the limit is refused, whatever stat says.
func readSource(f *pyproj.File) ([]byte, string) {
	src, err := f.Read(MaxFileSize)
	if err != nil {
		if errors.Is(err, safeio.ErrTooLarge) {
			return nil, "too large to scan: " + safeio.Reason(err)
		}
		return nil, "cannot read: " + safeio.Reason(err)
	}
	head := src
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, "binary file (NUL bytes), not Python source"
	}
	return src, ""
}

type textCache struct {
	mu    sync.Mutex
	proj  *pyproj.Project
	texts map[string]string
}

func (c *textCache) read(rel string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.texts[rel]; ok {
		return t, true
	}
	f := c.proj.Lookup(rel)
	if f == nil {
		return "", false
	}
	b, msg := readSource(f)
	if msg != "" {
		return "", false
	}
	c.texts[rel] = string(b)
	return string(b), true
}

// lineTexts returns copies of the given lines of src (1-based), walking
// the source once from line to line.
func lineTexts(src string, want []int) map[int]string {
	slices.Sort(want)
	out := make(map[int]string, len(want))
	line, start := 1, 0
	for _, l := range want {
		if l < 1 {
			continue
		}
		if _, ok := out[l]; ok {
			continue
		}
		for line < l && start <= len(src) {
			i := strings.IndexByte(src[start:], '\n')
			if i < 0 {
				start = len(src) + 1
				break
			}
			start += i + 1
			line++
		}
		if start > len(src) {
			break
		}
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src) - start
		}
		out[l] = strings.Clone(src[start : start+end])
	}
	return out
}

// finish drops findings the options exclude, sorts, and computes stats.
func finish(res *state, opts Options) {
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if !opts.IncludeDocs && (f.Kind == pyproj.KindDocs || f.Kind == pyproj.KindReleaseNote) {
			continue
		}
		if !opts.InReport(f) {
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	analysis.SortFindings(res.Findings)
	sort.SliceStable(res.EntryPoints, func(i, j int) bool {
		a, b := res.EntryPoints[i], res.EntryPoints[j]
		if a.Root != b.Root {
			return a.Root < b.Root
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Name < b.Name
	})
	derive(res.Result)
}

func excluded(globs []pyproj.Glob, path string) bool {
	for _, g := range globs {
		if g.Match(path) {
			return true
		}
	}
	return false
}

// ignoredIn reports whether a per-file-ignores entry covers the finding.
func ignoredIn(pfi []pyproj.PerFileIgnore, f analysis.Finding) bool {
	for _, p := range pfi {
		if !p.Glob.Match(f.Path) {
			continue
		}
		for _, c := range p.Codes {
			if strings.HasPrefix(f.Rule, rules.NormalizeSelector(c)) {
				return true
			}
		}
	}
	return false
}

// InReport reports whether the options report a finding of a rule that
// ran: its path is among those given (Scope) and neither excluded nor
// under a per-file ignore of its rule.
func (o Options) InReport(f analysis.Finding) bool {
	return inScope(o.Scope, f.Root, f.Path) && !excluded(o.Exclude, f.Path) && !ignoredIn(o.PerFileIgnores, f)
}

func inScope(scopes map[string][]string, root, path string) bool {
	return contract.ScopeIncludes(scopes, root, path)
}

// derive computes every part of the result that follows from the findings
// — the concerns and the counts — in one place, so a result whose findings
// were edited (a baseline applied) never keeps concerns or counts of
// findings it no longer has.
func derive(res *contract.Result) {
	concerns(res)
	recount(res)
}

// recount derives the finding counts of the stats from the findings.
// Runtime debt counts the eventlet uses in runtime code: not positive
// signals, not letgo's own findings, and not the findings of concern rules
// (privileged operations, pickling, heartbeats, ...), which are counted as
// concerns and remain after eventlet is gone, so the debt could never
// reach zero if they were in it.
func recount(res *contract.Result) {
	st := &res.Stats
	st.RuntimeDebt = 0
	st.ByKind, st.ByFamily, st.BySeverity = map[string]int{}, map[string]int{}, map[string]int{}
	concern := map[string]bool{}
	for _, r := range rules.All() {
		if r.Concern != "" {
			concern[r.ID] = true
		}
	}
	for _, f := range res.Findings {
		st.ByKind[string(f.Kind)]++
		st.ByFamily[fmt.Sprintf("EV%dxx", f.Family)]++
		st.BySeverity[string(f.Severity)]++
		if f.Kind == pyproj.KindRuntime && !f.Positive && f.Family != 9 && !concern[f.Rule] {
			st.RuntimeDebt++
		}
	}
}

// viewSource parses a project's modules on demand for mode inference. It
// is used by the entry points' inferences at once: each module is read
// once, by the first inference that asks about it, and parsed once, by the
// first that asks for its view. Most modules an inference names it only
// asks whether they are the project's (Has): those are read, not parsed.
type viewSource struct {
	files         map[string]*pyproj.File
	outlines      map[string]*modes.Outline
	mu            sync.Mutex
	views         map[string]*viewEntry
	cache         *Cache
	blobs         map[string]string
	model         *pysem.Model
	*libraryFixes // modes.FixSource: library import-time code
}

// viewEntry is one module's view, or its source until it is parsed, or
// why its file could not be read.
type viewEntry struct {
	read, parse sync.Once
	src         []byte
	key         string // the views cache's key, "" without content ids
	view        *pysrc.View
	unreadable  string
}

// Canonical names through the scan's semantic model.
func (s *viewSource) Canonical(name string) string { return s.model.Canonical(name) }

func (s *viewSource) View(module string) *pysrc.View {
	e := s.entry(module)
	if e == nil {
		return nil
	}
	e.parse.Do(func() {
		if e.view != nil || e.unreadable != "" {
			return // from the cache, or not readable
		}
		f := s.files[module]
		// The source buffer is handed over: the parsed file keeps it.
		e.view = pysrc.Analyze(pysrc.ParseOwned(f.Path, e.src), f.Module, f.IsPackage)
		e.src = nil
		if e.key != "" {
			s.cache.mu.Lock()
			s.cache.views[e.key] = e.view
			s.cache.mu.Unlock()
		}
	})
	return e.view
}

// Has reports whether the module is the project's and its file can be
// analysed, without parsing it.
func (s *viewSource) Has(module string) bool {
	e := s.entry(module)
	return e != nil && e.unreadable == ""
}

// entry is the module's entry, its file read; nil when the module is not
// in the project.
func (s *viewSource) entry(module string) *viewEntry {
	f := s.files[module]
	if f == nil {
		return nil
	}
	s.mu.Lock()
	e, ok := s.views[module]
	if !ok {
		e = &viewEntry{}
		s.views[module] = e
	}
	s.mu.Unlock()
	e.read.Do(func() { s.load(f, e) })
	return e
}

// load reads a module's file, or takes its view from the cache.
func (s *viewSource) load(f *pyproj.File, e *viewEntry) {
	if id, ok := s.blobs[f.Path]; ok && s.cache != nil {
		e.key = f.Path + "\x00" + id
		s.cache.mu.Lock()
		v, hit := s.cache.views[e.key]
		s.cache.mu.Unlock()
		if hit {
			e.view = v
			return
		}
	}
	e.src, e.unreadable = readSource(f)
}

// Outline is the module's outline from the first pass, nil if none.
func (s *viewSource) Outline(module string) *modes.Outline { return s.outlines[module] }

func (s *viewSource) Unreadable(module string) string {
	if e := s.entry(module); e != nil {
		return e.unreadable
	}
	return ""
}

func (s *viewSource) Path(module string) string {
	if f := s.files[module]; f != nil {
		return f.Path
	}
	return ""
}

// inferModes infers each entry point's concurrency mode. The inferences
// run in parallel (each reads the shared views and the model); their
// results are applied in the entry points' order.
func inferModes(ctx context.Context, res *state, info *rootInfo, infos []*rootInfo, opts Options, model *pysem.Model) error {
	fixes := newLibraryFixes(res)
	newSource := func(roots ...*rootInfo) *viewSource {
		s := &viewSource{model: model, files: map[string]*pyproj.File{}, outlines: map[string]*modes.Outline{}, views: map[string]*viewEntry{},
			cache: opts.Cache, blobs: opts.Blobs, libraryFixes: fixes}
		for _, r := range roots {
			for _, f := range r.proj.Files {
				if f.Python && f.Module != "" && f.Kind == pyproj.KindRuntime {
					if _, dup := s.files[f.Module]; !dup {
						s.files[f.Module] = f
						if o := r.outlines[f]; o != nil {
							s.outlines[f.Module] = o
						}
					}
				}
			}
		}
		return s
	}
	src := newSource(info)
	// An entry point whose code is a library's (nova-rootwrap =
	// oslo_rootwrap.cmd:main) runs the library's code: it is followed in
	// the library roots given, which its own imports stay within.
	var libs []*rootInfo
	for _, r := range infos {
		if r.library {
			libs = append(libs, r)
		}
	}
	var libSrc *viewSource
	libraries := len(opts.With)+len(opts.SitePackages) > 0
	// Modes depend only on Python files and the entry-point declarations:
	// with content ids, identical inputs reuse earlier results.
	fp := ""
	if opts.Cache != nil && opts.Blobs != nil {
		fp = pythonFingerprint(opts.Blobs) + librarySignature(res) + "\x00" + opts.librariesKey
	}
	var todo []int
	results := make([]modes.Result, len(res.EntryPoints))
	srcs := make([]*viewSource, len(res.EntryPoints))
	for i := range res.EntryPoints {
		ep := &res.EntryPoints[i]
		if ep.Root != info.root {
			continue
		}
		srcs[i] = src
		if src.files[ep.Module] == nil && len(libs) > 0 {
			if libSrc == nil {
				libSrc = newSource(libs...)
			}
			if libSrc.files[ep.Module] != nil {
				srcs[i] = libSrc
			}
		}
		if fp != "" {
			key := fp + "\x00" + ep.Name + "\x00" + ep.Target
			opts.Cache.mu.Lock()
			r, hit := opts.Cache.modes[key]
			opts.Cache.mu.Unlock()
			if hit {
				results[i] = r
				continue
			}
		}
		todo = append(todo, i)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, i := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			ep := &res.EntryPoints[i]
			r := inferMode(srcs[i], ep, opts.Cache)
			if fp != "" {
				key := fp + "\x00" + ep.Name + "\x00" + ep.Target
				opts.Cache.mu.Lock()
				opts.Cache.modes[key] = r
				opts.Cache.mu.Unlock()
			}
			results[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range res.EntryPoints {
		ep := &res.EntryPoints[i]
		if ep.Root != info.root {
			continue
		}
		r := results[i]
		// What follows is not kept in the cache: it is applied to a kept
		// result as to a fresh one.
		if s := srcs[i]; s.files[ep.Module] == nil && s.View(ep.Module) == nil && s.Unreadable(ep.Module) == "" {
			why := "; its code is another distribution's: give that distribution's source with --with or --site-packages"
			if d := distributionOf(info.proj, ep.Module); d != "" {
				why = "; its code is in " + d + ": give that distribution's source with --with or --site-packages"
			}
			r.Reason += why
			r.KindReason = strings.TrimPrefix(r.KindReason+why, "; ")
		}
		ep.Mode, ep.ModeEvidence, ep.Switch, ep.ModeReason = r.Mode, r.Evidence, r.Switch, r.Reason
		ep.Kind, ep.KindEvidence, ep.KindReason = r.Kind, r.KindEvidence, r.KindReason
		ep.Selection = r.Selection
		fixLoadsEventlet(res, ep, r.LibraryFix)
		loadsEventlet(ep, r, libraries)
		if r.Mode == modes.NoRuntime && ep.Eventlet == graph.Unconditional {
			ep.ModeReason = strings.TrimPrefix(ep.ModeReason+"; ", "; ") +
				"no runtime selected on the paths followed, but eventlet is loaded at import (see chain); calls letgo cannot resolve (callbacks, values built at run time) are not followed"
		}
		detachModes(ep)
	}
	return nil
}

// inferMode infers one entry point's mode and kind (safe to run beside
// the other entry points' inferences on the same source).
func inferMode(src *viewSource, ep *contract.EntryPoint, cache *Cache) modes.Result {
	fn := ""
	script := ep.Group == pyproj.ScriptGroup || ep.Group == pyproj.WSGIFileGroup // module-level code runs
	if ep.Group != "wsgi_module" && !script {
		_, fn, _ = strings.Cut(ep.Target, ":")
		fn, _, _ = strings.Cut(strings.TrimSpace(fn), " ")
	}
	var r modes.Result
	if script {
		r = modes.InferScript(src, ep.Module)
	} else {
		r = cache.memoInfer(src, ep.Module, fn)
	}
	wsgi := ep.Group == "wsgi_module" || ep.Group == "wsgi_scripts" || ep.Group == pyproj.WSGIFileGroup
	if wsgi && r.Mode == modes.NoRuntime {
		// A WSGI application is served by its container's threads
		// (mod_wsgi, uWSGI, gunicorn): with nothing on its import path
		// patching eventlet or selecting a runtime, it runs on threads.
		r.Mode = modes.ThreadingOnly
		r.Switch.Default = "threading"
		r.Evidence = append([]modes.Evidence{{Path: ep.Source, Line: ep.Line,
			Text: "WSGI application (" + ep.Group + "): served by the WSGI container's threads, and nothing on its import path patches eventlet or selects a runtime"}}, r.Evidence...)
	}
	if wsgi {
		r.Kind = modes.KindWSGI
	} else {
		var k modes.KindResult
		if ep.Group == pyproj.ScriptGroup {
			k = modes.ClassifyScript(src, ep.Module)
		} else {
			k = cache.memoKind(src, ep.Module, fn)
		}
		r = modes.ForTool(r, k)
		r.Kind, r.KindEvidence, r.KindReason = k.Kind, k.Evidence, k.Reason
	}
	return r
}

// loadsEventlet answers whether starting ep as shipped imports eventlet,
// from its import chain and its default mode r.
func loadsEventlet(ep *contract.EntryPoint, r modes.Result, libraries bool) {
	ep.LoadsEventletVia = nil
	switch {
	case ep.Eventlet == graph.Unconditional:
		ep.LoadsEventlet = contract.LoadsYes
		for _, h := range ep.Chain {
			if h.Text != "" { // the first hop is the entry module itself
				ep.LoadsEventletVia = append(ep.LoadsEventletVia, modes.Evidence{Path: h.Path, Line: h.Line, Text: h.Module + ": " + h.Text})
			}
		}
	case r.Switch.Default == "eventlet" || r.InheritedDefault == "eventlet":
		// A guarded import the default path takes: the gate's default
		// patches eventlet (or selects its backend).
		ep.LoadsEventlet = contract.LoadsYes
		for _, e := range r.Evidence {
			if strings.Contains(e.Text, "eventlet") {
				ep.LoadsEventletVia = []modes.Evidence{e}
				break
			}
		}
		if ep.LoadsEventletVia == nil && len(r.Evidence) > 0 {
			ep.LoadsEventletVia = r.Evidence[:1]
		}
	case r.Mode == modes.Unknown && r.Switch.Default == "":
		ep.LoadsEventlet = contract.LoadsUnknown
	case libraries:
		ep.LoadsEventlet = contract.LoadsNo
	default:
		ep.LoadsEventlet = contract.LoadsUnknown
	}
}

// distributionOf names the requirement whose distribution provides a
// module's top-level package (oslo_rootwrap.cmd: oslo.rootwrap), by the
// normalised names; "" when none matches.
func distributionOf(proj *pyproj.Project, module string) string {
	top, _, _ := strings.Cut(module, ".")
	want := pyproj.NormalizeName(top)
	for _, r := range proj.Requirements {
		if !r.Test && r.Name == want {
			name, _, _ := strings.Cut(strings.TrimSpace(r.Spec), " ")
			if i := strings.IndexAny(name, "<>=!~;[("); i > 0 {
				name = name[:i]
			}
			return name
		}
	}
	return ""
}

// stageOf places a project root in the three-release pattern, and says
// whether it is eventlet-free in practice and what keeps it from being so.
// Without library roots the libraries' imports are not seen, so a root
// none of whose entry points is seen loading eventlet is not called free:
// that is unknown (nil), never a silent yes.
func stageOf(res *state, info *rootInfo, now time.Time, libraries bool) modes.Stage {
	st := placeStage(res, info, now)
	names := map[string]bool{}
	loads, own := false, false
	for _, ep := range res.EntryPoints {
		if ep.Root == info.root {
			names[ep.Name] = true
			loads = loads || ep.LoadsEventlet == contract.LoadsYes
			// An entry point whose default mode is eventlet imports it
			// when started as shipped, however guarded the import is:
			// its own code keeps the project from being eventlet-free.
			if ep.LoadsEventlet == contract.LoadsYes && ep.Eventlet != graph.Unconditional {
				own = true
			}
		}
	}
	if len(names) > 0 && (loads || libraries) {
		st.EventletFree = modes.AnswerOf(!loads)
	}
	// The blocking modules of one library package are named once, by the
	// package (modes.BlockerCauses), as the fleet's blockers are.
	byRoot := map[string][]string{}
	for _, b := range res.Blockers {
		if slices.ContainsFunc(b.EntryPoints, func(n string) bool { return names[n] }) && !slices.Contains(byRoot[b.Root], b.Module) {
			byRoot[b.Root] = append(byRoot[b.Root], b.Module)
		}
	}
	for _, mods := range byRoot {
		for _, c := range modes.BlockerCauses(mods) {
			if !slices.Contains(st.BlockedBy, c) {
				st.BlockedBy = append(st.BlockedBy, c)
			}
		}
	}
	sort.Strings(st.BlockedBy)
	if st.Stage != nil && *st.Stage == 3 && loads && !own {
		// The project's own code and requirements are rid of eventlet;
		// what it imports is not.
		st.Summary += "; but its entry points still load eventlet at import through libraries"
		if len(st.BlockedBy) > 0 {
			st.Summary += " (" + strings.Join(st.BlockedBy, ", ") + ")"
		}
	}
	return st
}

// placeStage is the three-release stage of a root.
func placeStage(res *state, info *rootInfo, now time.Time) modes.Stage {
	// An entry point whose code is another distribution's (oslo.rootwrap's
	// console script declared by nova) is not placed: its mode is unknown
	// for want of its code, not because the analysis of the project fell
	// short. Every other unknown service is passed on, and the stage says so.
	own := map[string]bool{}
	for _, f := range info.proj.Files {
		if f.Python && f.Module != "" && f.Kind == pyproj.KindRuntime {
			own[f.Module] = true
		}
	}
	var services []modes.ServiceMode
	entryPoints, python := 0, 0
	for _, ep := range res.EntryPoints {
		if ep.Root == info.root {
			entryPoints++
		}
	}
	for _, f := range info.proj.Files {
		if f.Python {
			python++
		}
	}
	imports := len(eventletModules(res, info.root)) > 0
	requires := pyproj.RequiresEventlet(info.proj.Requirements)
	nServices, nTools, threading := 0, 0, 0
	for _, ep := range res.EntryPoints {
		if ep.Root != info.root {
			continue
		}
		// Tools (commands that run and return) are not placed: the
		// three-release pattern is about what runs as a service.
		if !ep.Service() {
			nTools++
			continue
		}
		nServices++
		if ep.Mode == modes.ThreadingOnly || ep.Mode == modes.DualDefaultThreading {
			threading++
		}
		if ep.Mode == modes.NoRuntime || ep.Mode == "" || !own[ep.Module] {
			continue // another distribution's code (followed with --with or not) is not the project's stage
		}
		services = append(services, modes.ServiceMode{Name: ep.Name, Mode: ep.Mode})
	}
	if nServices == 0 {
		found := "no Python files"
		if python > 0 {
			found = fmt.Sprintf("%d Python file(s)", python)
			if entryPoints > 0 {
				found += fmt.Sprintf(", %d tool(s) and no service", nTools)
			}
			switch {
			case imports && requires:
				found += "; runtime code imports eventlet and eventlet is a requirement"
			case imports:
				found += "; runtime code imports eventlet"
			case requires:
				found += "; eventlet is a requirement"
			default:
				found += "; nothing imports or requires eventlet"
			}
		}
		st := modes.Undetermined(found)
		st.Tools = nTools
		if python > 0 {
			st.Library = libraryOf(res, info, now)
		}
		return st
	}
	if now.IsZero() {
		now = time.Now()
	}
	st := modes.ComputeStage(services, requires, imports, now)
	st.Services, st.Tools, st.ThreadingDefault = nServices, nTools, threading
	return st
}

// eventletModules lists the runtime modules of a root that import eventlet
// or greenlet (under any guard).
func eventletModules(res *state, root string) []string {
	var mods []string
	for i, node := range res.Graph.Nodes {
		m := node.Module
		if m == nil || m.Root != root || !m.Runtime {
			continue
		}
		for _, e := range res.Graph.Out[i] {
			if graph.IsEventlet(res.Graph.Nodes[e.To].Name) {
				mods = append(mods, m.Name)
				break
			}
		}
	}
	return mods
}

// Cache keeps per-file results across scans of trees that share files
// (the refs of a repository). Keys are a path and a content id; a nil
// Cache caches nothing.
type Cache struct {
	mu    sync.Mutex
	files map[string]fileResult
	views map[string]*pysrc.View
	modes map[string]modes.Result
	libs  map[string]fileResult // library roots' files (libcache.go)
	memo  map[string]*modeMemo  // inferences with what they read (modememo.go)
	// second holds second-pass results with what they read (secondpass.go).
	second map[string]*secondMemo
	// model is the last scan's semantic model (modelmemo.go).
	model *keptModel
	// projects memoises projectKey.
	projects map[*pyproj.Project]string
	// Persist, when set, keeps the scanned roots' first-pass results
	// across processes (persist.go).
	Persist FileStore
	// Hits and Misses count file results served and computed (Stored of
	// the hits came from Persist); LibHits and LibMisses those of library
	// roots.
	Hits, Misses, Stored int
	LibHits, LibMisses   int
	// ModeHits and ModeMisses count the entry points whose mode was
	// inferred again, or reused because nothing it read changed.
	ModeHits, ModeMisses int
	// SecondHits and SecondMisses count the second-pass analyses reused
	// (nothing the file's analysis read of the model changed)
	// and run; SecondParsed those of the runs that took the first pass's
	// parse of the file instead of parsing it again.
	SecondHits, SecondMisses, SecondParsed int
	// secondPaths are the files (path NUL module) that went through a
	// second pass in a scan through this cache; parsed holds, within one
	// scan, the first pass's parse of such a file that was parsed again
	// (secondpass.go), parsedBytes the sizes of what it holds.
	secondPaths map[string]bool
	parsed      map[*pyproj.File]keptParse
	parsedBytes int64
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{files: map[string]fileResult{}, views: map[string]*pysrc.View{}, modes: map[string]modes.Result{}}
}

func (c *Cache) scanFile(blobs map[string]string, proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames) fileResult {
	id, ok := blobs[f.Path]
	if c != nil && ok && canonical != nil {
		return c.secondPass(id, proj, f, enabled, canonical, model, tops)
	}
	if c == nil || !ok || canonical != nil {
		return scanFile(proj, f, enabled, canonical, model, tops)
	}
	// The names a first pass keeps depend on the roots' top-level names;
	// the findings of a file whose rules read the project's settings on
	// them too (persist.go's projectKey). A result that read none is kept
	// under the first key, for every project; one that did under the
	// second.
	base := f.Path + "\x00" + id + "\x00" + tops.key
	project := c.projectKey(proj)
	key := base + "\x00" + project
	c.mu.Lock()
	r, hit := c.files[base]
	if !hit {
		r, hit = c.files[key]
	}
	if hit {
		c.Hits++
	} else {
		c.Misses++
	}
	c.mu.Unlock()
	if hit {
		return r
	}
	r = c.persisted(id, project, f, enabled, tops, func() fileResult { return c.firstPassKeeping(id, proj, f, enabled, tops) })
	if !r.project {
		key = base
	}
	c.mu.Lock()
	c.files[key] = r
	c.mu.Unlock()
	return r
}

// topNames are the top-level package and module names of a scan's roots:
// the first pass keeps the names that start with one.
type topNames struct {
	set map[string]bool
	key string // identifies the set, for the cache
}

// has reports whether a dotted name (before any call) starts with one of
// the top-level names.
func (t *topNames) has(name string) bool {
	end := 0
	for end < len(name) && name[end] != '.' && name[end] != '(' {
		end++
	}
	return t.set[name[:end]]
}

func (t *topNames) hash() string {
	names := make([]string, 0, len(t.set))
	for n := range t.set {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.Sum256([]byte(strings.Join(names, "\x00")))
	return hex.EncodeToString(h[:8])
}

// pythonFingerprint identifies the Python files and entry-point
// declarations of a tree by their content ids.
func pythonFingerprint(blobs map[string]string) string {
	var keys []string
	for p := range blobs {
		// Script files (setup.cfg [files] scripts, setup.py scripts=[...])
		// need not end in .py: files without a suffix count too
		// (bin/swift-proxy-server).
		if strings.HasSuffix(p, ".py") || p == "setup.cfg" || p == "pyproject.toml" || !strings.Contains(path.Base(p), ".") {
			keys = append(keys, p)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s\x00%s\n", k, blobs[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// isPrivileged names the root-helper libraries: rootwrap, privsep, os-brick.
func isPrivileged(m string) bool {
	for _, p := range tables.RootHelpers {
		if m == p || strings.HasPrefix(m, p+".") {
			return true
		}
	}
	return false
}

// concerns files findings of concern rules under their concern.
func concerns(res *contract.Result) {
	res.Concerns = []contract.Concern{}
	for _, f := range res.Findings {
		r := rules.ByID(f.Rule)
		if r == nil || r.Concern == "" {
			continue
		}
		res.Concerns = append(res.Concerns, contract.Concern{Type: r.Concern, EntryPoint: f.EntryPoint, Root: f.Root, Path: f.Path,
			Line: f.Line, Detail: f.Message, Severity: f.Severity, Rule: f.Rule})
	}
}

// rootInfo is what the graph rules need to know about a root.
type rootInfo struct {
	root     string
	proj     *pyproj.Project
	library  bool
	dists    []pyproj.Distribution // for site-packages roots
	outlines map[*pyproj.File]*modes.Outline
}

// distOf names the distribution shipping module in info's root and says
// whether it requires eventlet.
func (info *rootInfo) distOf(module string) (string, bool) {
	if info.dists == nil {
		name := info.proj.Name
		if name == "" {
			name = filepath.Base(filepath.Clean(info.root))
		}
		return name, pyproj.RequiresEventlet(info.proj.Requirements)
	}
	top, _, _ := strings.Cut(module, ".")
	for _, d := range info.dists {
		for _, t := range d.TopLevel {
			if t == top {
				return d.Name, pyproj.RequiresEventlet(d.Requirements)
			}
		}
	}
	return "", false // not attributable to an installed distribution
}

// graphRules runs the rules that read the import graph, per project root.
func graphRules(ctx context.Context, res *state, infos []*rootInfo, enabled []*analysis.Rule) error {
	byRoot := map[string]*rootInfo{}
	for _, info := range infos {
		if _, dup := byRoot[info.root]; !dup {
			byRoot[info.root] = info
		}
	}
	for _, info := range infos {
		if info.library {
			continue
		}
		var entries []analysis.EntryReach
		for i := range res.EntryPoints {
			if err := ctx.Err(); err != nil {
				return err
			}
			ep := res.EntryPoints[i]
			if ep.Root != info.root {
				continue
			}
			late := lateSelection(res, ep)
			if late != nil {
				res.EntryPoints[i].ModeReason = strings.TrimPrefix(ep.ModeReason+"; "+lateReason(late), "; ")
			} else if ep.Mode == modes.ThreadingOnly || ep.Mode == modes.DualDefaultThreading {
				if imp := opaqueSelection(res, ep); imp != nil {
					// The mode the code states depends on library code
					// not given: unknown, never a silent threading.
					e := &res.EntryPoints[i]
					e.ModeReason = strings.TrimPrefix(e.ModeReason+"; "+opaqueReason(ep.Selection, imp, ep), "; ")
					e.Mode, e.Switch = modes.Unknown, modes.Switch{}
					ep = *e
				}
			}
			er := analysis.EntryReach{Name: ep.Name, Group: ep.Group, Source: ep.Source, Line: ep.Line, Verdict: ep.Eventlet, Mode: ep.Mode,
				Kind: ep.Kind, Chain: chainText(ep.Chain), Late: late}
			if priv := res.Graph.ReachTarget(ep.Module, isPrivileged); priv.Verdict != graph.None && priv.Verdict != graph.Unknown && len(priv.Chain) >= 2 {
				last := priv.Chain[len(priv.Chain)-1]
				er.Privileged = last.Module
				er.PrivilegedVia = fmt.Sprintf("%s:%d %s", last.Path, last.Line, last.Text)
			}
			if n := len(ep.Chain); n >= 2 {
				via, last := ep.Chain[n-2], ep.Chain[n-1]
				er.Via, er.ViaPath, er.ViaRoot, er.ViaLine = via.Module, last.Path, last.Root, last.Line
				if owner := byRoot[last.Root]; owner != nil {
					er.ViaDist, er.ViaDistRequires = owner.distOf(via.Module)
				}
			}
			entries = append(entries, er)
		}
		eventletMods := eventletModules(res, info.root)
		col := analysis.NewCollector(nil)
		for _, r := range enabled {
			if r.Graph != nil {
				r.Graph(analysis.NewGraphPass(r, info.proj, entries, eventletMods, col.Report))
			}
		}
		fs := capped(col, enabled)
		analysis.SortFindings(fs)
		addFindings(res, info.root, fs, func(int) string { return "" })
	}
	return nil
}
