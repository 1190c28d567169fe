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
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/safeio"
)

// Schema is the version of the JSON contract.
const Schema = 1

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
	Cache   *Cache
	Blobs   map[string]string
	Version string
	// Progress, when set, is called as files complete.
	Progress func(done, total int)
}

// Result is one scan of one or more roots.
type Result struct {
	Schema      int                `json:"schema"`
	Tool        Tool               `json:"tool"`
	Roots       []string           `json:"roots"`
	Stats       Stats              `json:"stats"`
	Findings    []analysis.Finding `json:"findings"`
	EntryPoints []EntryPoint       `json:"entrypoints"`
	// Blockers are library modules that import eventlet unconditionally,
	// ranked by how many entry points load eventlet through them.
	Blockers []graph.Blocker  `json:"blockers"`
	Baseline *BaselineSummary `json:"baseline,omitempty"`
	// Stage is the migration stage of the (first) project root; Stages
	// holds one per root when several were scanned.
	Stage *modes.Stage `json:"stage,omitempty"`
	// Concerns are the findings that bear on the migration's critical
	// concerns: pickling, rootwrap/privsep, heartbeat sleeps,
	// order-dependent tests, Python 3.14.
	Concerns []Concern   `json:"concerns"`
	Stages   []RootStage `json:"stages,omitempty"`
	// Graph is the import graph of every root, for queries (why, graph).
	Graph *graph.Graph `json:"-"`
}

// Tool names the producer of a result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Stats summarises a scan.
type Stats struct {
	Files        int            `json:"files"`        // all files considered
	PythonFiles  int            `json:"python_files"` // Python files parsed
	Bytes        int64          `json:"bytes"`        // Python bytes parsed
	SyntaxErrors int            `json:"syntax_errors"`
	Skipped      int            `json:"skipped"` // files that could not be read as Python
	ElapsedMS    float64        `json:"elapsed_ms"`
	GraphMS      float64        `json:"graph_ms"`     // building the import graph and answering every entry point
	RuntimeDebt  int            `json:"runtime_debt"` // runtime findings that are not positive signals
	ByKind       map[string]int `json:"by_kind"`
	ByFamily     map[string]int `json:"by_family"`
	BySeverity   map[string]int `json:"by_severity"`
}

// EntryPoint is an entry point of a scanned project.
type EntryPoint struct {
	Root   string `json:"root,omitempty"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	Target string `json:"target"`
	Path   string `json:"path"`
	Source string `json:"source"`
	Line   int    `json:"line"`
	// Module is the module that runs first (the target's module).
	Module string `json:"module"`
	// Eventlet is unconditional, guarded or none; Chain the shortest chain
	// of imports that loads it; Guards the guards on that chain.
	Eventlet string      `json:"eventlet"`
	Chain    []graph.Hop `json:"chain"`
	Guards   []string    `json:"guards,omitempty"`
	Reason   string      `json:"reason,omitempty"`
	// Mode is the concurrency mode (eventlet-only, dual-default-eventlet,
	// dual-default-threading, threading-only, none, unknown), with the facts
	// behind it and the switch that flips it.
	Mode         string           `json:"mode"`
	ModeEvidence []modes.Evidence `json:"mode_evidence"`
	Switch       modes.Switch     `json:"switch"`
	ModeReason   string           `json:"mode_reason,omitempty"`
}

// Enabled reports whether a rule is selected by the options.
func (o Options) Enabled(r *analysis.Rule) bool {
	match := func(list []string) bool {
		for _, s := range list {
			s = strings.ToUpper(strings.TrimSpace(s))
			s = strings.TrimRight(s, "X") // EV1xx means family 1
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
func Run(ctx context.Context, roots []string, opts Options) (*Result, error) {
	start := time.Now()
	res := &Result{Schema: Schema, Tool: Tool{"letgo", opts.Version}, Roots: roots,
		Findings: []analysis.Finding{}, EntryPoints: []EntryPoint{}}
	var enabled []*analysis.Rule
	for _, r := range rules.All() {
		if opts.Enabled(r) && (opts.IncludeDocs || r.Kind != "doc") {
			enabled = append(enabled, r)
		}
	}
	var modules []*graph.Module
	var infos []*rootInfo
	load := func(root string, library, site bool) error {
		proj, err := pyproj.Load(ctx, root)
		if err != nil {
			return err
		}
		var rules []*analysis.Rule
		if !library {
			rules = enabled
		}
		mods, err := scanProject(ctx, proj, root, rules, opts, res, library)
		if err != nil {
			return err
		}
		modules = append(modules, mods...)
		info := &rootInfo{root: root, proj: proj, library: library}
		if site {
			info.dists = pyproj.ReadDistributions(root)
		}
		infos = append(infos, info)
		return nil
	}
	for _, root := range roots {
		if err := load(root, false, false); err != nil {
			return nil, err
		}
	}
	for _, root := range opts.With {
		if err := load(root, true, false); err != nil {
			return nil, err
		}
	}
	for _, root := range opts.SitePackages {
		if err := load(root, true, true); err != nil {
			return nil, err
		}
	}
	gstart := time.Now()
	res.Graph = graph.Build(modules)
	reachability(res)
	res.Stats.GraphMS = float64(time.Since(gstart).Microseconds()) / 1000
	for _, info := range infos {
		if !info.library {
			inferModes(res, info, opts)
		}
	}
	graphRules(res, infos, enabled)
	for _, info := range infos {
		if info.library {
			continue
		}
		st := stageOf(res, info, opts.Now)
		res.Stages = append(res.Stages, RootStage{Root: info.root, Stage: st})
	}
	if len(res.Stages) > 0 {
		res.Stage = &res.Stages[0].Stage
	}
	if len(res.Stages) == 1 {
		res.Stages = nil
	}
	finish(res, opts)
	res.Stats.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// fileResult is what one Python file contributes.
type fileResult struct {
	findings []analysis.Finding
	src      string
	imports  []graph.Import
	// imported lists the modules and module.name pairs the file imports
	// from, to decide whether it needs a second pass through facades.
	imported []string
	exports  map[string]string // facade exports: name -> eventlet target
	facts    *analysis.Facts   // declarations other files may need (pickling)
	wants    bool              // a rule asked for a second pass with the project's facts
	wsgiLine int               // line of a module-level "application", 0 if none
	bytes    int64
	syntax   bool
	skipped  bool
}

// scanProject scans one root and returns its modules for the import graph.
// A library root is only parsed: no rules, no findings, no entry points.
func scanProject(ctx context.Context, proj *pyproj.Project, root string, enabled []*analysis.Rule, opts Options, res *Result, library bool) ([]*graph.Module, error) {
	var pyFiles []*pyproj.File
	for _, f := range proj.Files {
		if f.Python {
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
	run := func(indexes []int, canonical func(string) string, facts *analysis.Facts) error {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for _, i := range indexes {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				results[i] = opts.Cache.scanFile(opts.Blobs, proj, pyFiles[i], enabled, canonical, facts)
				if opts.Progress != nil && canonical == nil && facts == nil {
					opts.Progress(int(done.Add(1)), total)
				}
				return nil
			})
		}
		return g.Wait()
	}
	all := make([]int, total)
	for i := range all {
		all[i] = i
	}
	if err := run(all, nil, nil); err != nil {
		return nil, err
	}
	modules := make([]*graph.Module, 0, total)
	for i, r := range results {
		f := pyFiles[i]
		if f.Module != "" {
			modules = append(modules, &graph.Module{Name: f.Module, Root: root, Path: f.Path, IsPackage: f.IsPackage,
				Library: library, Runtime: f.Kind == pyproj.KindRuntime, Imports: r.imports})
		}
	}
	if library {
		return modules, nil
	}

	// Facades: project modules that re-export eventlet names. Files that
	// import from them are analysed again with names canonicalised through
	// them, so uses of re-exported names are eventlet uses. Files that may
	// launch processes and import modules with facts (what functions
	// return, what classes hold), and files that import a module whose
	// functions send a parameter to another process, are analysed again
	// with those facts, so a value can be followed across modules.
	facades := map[string]string{}
	facts := analysis.NewFacts()
	factModules := map[string]bool{}
	sendModules := map[string]bool{} // modules with functions that send a parameter to another process
	for i, r := range results {
		for name, target := range r.exports {
			facades[pyFiles[i].Module+"."+name] = target
		}
		if !r.facts.Empty() {
			facts.Merge(r.facts)
			factModules[pyFiles[i].Module] = true
			if len(r.facts.Sends) > 0 {
				sendModules[pyFiles[i].Module] = true
			}
		}
	}
	var canonical func(string) string
	if len(facades) > 0 {
		canonical = canonicalizer(facades)
	}
	var again []int
	for i, r := range results {
		for _, imp := range r.imported {
			if _, ok := facades[imp]; ok || r.wants && factModules[imp] || sendModules[imp] {
				again = append(again, i)
				break
			}
		}
	}
	if len(again) > 0 {
		if canonical == nil {
			canonical = func(s string) string { return s }
		}
		if err := run(again, canonical, facts); err != nil {
			return nil, err
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
		if len(r.findings) > 0 {
			lines := lineIndex(r.src)
			addFindings(res, root, r.findings, func(line int) string { return lines.text(r.src, line) })
		}
	}

	// Project-level rules read configuration, dependency and doc files.
	cache := &textCache{proj: proj, texts: map[string]string{}}
	var projFindings []analysis.Finding
	report := func(f analysis.Finding) { projFindings = append(projFindings, f) }
	for _, r := range enabled {
		if r.Project != nil {
			r.Project(analysis.NewProjectPass(r, proj, cache.read, report))
		}
	}
	for _, pr := range proj.Problems {
		projFindings = append(projFindings, skipFinding(pr.Path, pr.Msg))
	}
	analysis.SortFindings(projFindings)
	addFindings(res, root, filterRules(projFindings, enabled), func(int) string { return "" })
	for _, ep := range proj.EntryPoints {
		switch ep.Group {
		case "console_scripts", "wsgi_scripts", "gui_scripts", "wsgi_module":
			res.EntryPoints = append(res.EntryPoints, EntryPoint{Root: root, Name: ep.Name, Group: ep.Group,
				Target: ep.Target, Path: ep.Path, Source: ep.Source, Line: ep.Line, Module: ep.Module})
		}
	}
	return modules, nil
}

// reachability answers, for each entry point, whether it loads eventlet,
// and ranks library blockers.
func reachability(res *Result) {
	eps := map[string]string{}
	for i := range res.EntryPoints {
		ep := &res.EntryPoints[i]
		ans := res.Graph.Reach(ep.Module)
		ep.Eventlet, ep.Chain, ep.Guards, ep.Reason = string(ans.Verdict), ans.Chain, ans.Guards, ans.Reason
		if ep.Chain == nil {
			ep.Chain = []graph.Hop{}
		}
		eps[ep.Name] = ep.Module
	}
	res.Blockers = res.Graph.Blockers(eps)
	if res.Blockers == nil {
		res.Blockers = []graph.Blocker{}
	}
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
func addFindings(res *Result, root string, fs []analysis.Finding, lineText func(int) string) {
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
		res.Findings = append(res.Findings, f)
	}
}

func skipFinding(path, msg string) analysis.Finding {
	r := rules.ByID("EV904")
	return analysis.Finding{Rule: r.ID, Slug: r.Slug, Family: 9, Kind: pyproj.Classify(path), Path: path,
		Line: 1, Col: 1, EndLine: 1, EndCol: 1, Message: msg, Severity: analysis.SevLow, Replacement: r.Doc.Replacement}
}

// scanFile reads, parses and checks one Python file.
// scanFile parses and analyses one file. The first pass has no canonical
// names and no facts; a second pass has both (identity names when there
// are no facades).
func scanFile(proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, facts *analysis.Facts) fileResult {
	src, msg := readSource(f.Abs)
	if msg != "" {
		fr := fileResult{skipped: true}
		if enabledID(enabled, "EV904") {
			fr.findings = []analysis.Finding{skipFinding(f.Path, msg)}
		}
		return fr
	}
	file := pysrc.Parse(f.Path, src)
	view := pysrc.Analyze(file, f.Module, f.IsPackage)
	fr := fileResult{src: file.Src, bytes: int64(len(src)), syntax: len(file.Errors) > 0}
	first := canonical == nil
	if first {
		fr.imports = importFacts(view)
	}
	var findings []analysis.Finding
	report := func(fd analysis.Finding) { findings = append(findings, fd) }
	for _, r := range enabled {
		if r.Python != nil {
			pass := analysis.NewPass(r, f.Path, f.Kind, view, proj, canonical, report)
			pass.Facts = facts
			if first {
				pass.Export = func(fs *analysis.Facts) {
					if fr.facts == nil {
						fr.facts = analysis.NewFacts()
					}
					fr.facts.Merge(fs)
				}
				pass.Want = func() { fr.wants = true }
			}
			r.Python(pass)
		}
	}
	sups := analysis.ParseSuppressions(file)
	findings = analysis.ApplySuppressions(findings, sups)
	for _, s := range sups {
		if s.Letgo && s.Reason == "" && enabledID(enabled, "EV902") {
			findings = append(findings, toolFinding("EV902", f, s.Line, s.Col, "letgo suppression of "+strings.Join(s.Codes, ",")+" has no reason and suppresses nothing"))
			continue
		}
		if unused := s.Unused(); len(unused) > 0 && enabledID(enabled, "EV903") {
			findings = append(findings, toolFinding("EV903", f, s.Line, s.Col, "suppression of "+strings.Join(unused, ",")+" matches no finding on this line"))
		}
	}
	analysis.SortFindings(findings)
	fr.findings = findings
	if first {
		fr.exports = facadeExports(view)
		for _, imp := range view.Imports {
			fr.imported = append(fr.imported, imp.Module)
			for _, n := range imp.Names {
				fr.imported = append(fr.imported, imp.Module+"."+n.Name)
			}
		}
	}
	for _, b := range view.Exports {
		if b.Name == "application" {
			fr.wsgiLine = view.Line(b.Pos)
		}
	}
	return fr
}

// importFacts extracts what the import graph needs from a view.
func importFacts(v *pysrc.View) []graph.Import {
	out := make([]graph.Import, 0, len(v.Imports))
	for _, imp := range v.Imports {
		gi := graph.Import{Module: imp.Module, From: imp.From, Guard: imp.Guard.Kind, Cond: imp.Guard.Cond,
			Line: v.Line(imp.Node.Pos()), Dynamic: imp.Dynamic != ""}
		if imp.Module == "" {
			continue // a relative import beyond the top level
		}
		text := v.File.Text(imp.Node)
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[:i] + " ..."
		}
		gi.Text = text
		if imp.From {
			for _, n := range imp.Names {
				gi.Names = append(gi.Names, n.Name)
			}
		}
		out = append(out, gi)
	}
	return out
}

func enabledID(enabled []*analysis.Rule, id string) bool {
	for _, r := range enabled {
		if r.ID == id {
			return true
		}
	}
	return false
}

func toolFinding(id string, f *pyproj.File, line, col int, msg string) analysis.Finding {
	r := rules.ByID(id)
	return analysis.Finding{Rule: r.ID, Slug: r.Slug, Family: 9, Kind: f.Kind, Path: f.Path, Line: line, Col: col,
		EndLine: line, EndCol: col, Message: msg, Severity: analysis.DefaultSeverity(r, f.Kind), Replacement: r.Doc.Replacement}
}

// facadeExports lists module-level names bound to eventlet or greenlet
// names other than the bare modules ("import eventlet" is not a facade).
func facadeExports(v *pysrc.View) map[string]string {
	var out map[string]string
	for _, b := range v.Exports {
		if b.Target == "eventlet" || b.Target == "greenlet" {
			continue
		}
		if strings.HasPrefix(b.Target, "eventlet.") || strings.HasPrefix(b.Target, "greenlet.") {
			if out == nil {
				out = map[string]string{}
			}
			out[b.Name] = b.Target
		}
	}
	return out
}

// canonicalizer maps names through facade re-exports.
func canonicalizer(facades map[string]string) func(string) string {
	return func(name string) string {
		for hops := 0; hops < 8; hops++ {
			changed := false
			for i := len(name); i > 0; i = strings.LastIndexByte(name[:i], '.') {
				if t, ok := facades[name[:i]]; ok {
					name = t + name[i:]
					changed = true
					break
				}
			}
			if !changed {
				break
			}
		}
		return name
	}
}

// readSource reads a Python file, or says why it cannot be scanned. The
// read goes through safeio: a FIFO, a device or a file that grows past
// the limit is refused, whatever stat says.
func readSource(path string) ([]byte, string) {
	src, err := safeio.ReadFile(path, MaxFileSize)
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
	b, msg := readSource(f.Abs)
	if msg != "" {
		return "", false
	}
	c.texts[rel] = string(b)
	return string(b), true
}

type lines []int

func lineIndex(src string) lines {
	idx := lines{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lines) text(src string, line int) string {
	if line < 1 || line > len(l) {
		return ""
	}
	end := len(src)
	if line < len(l) {
		end = l[line] - 1
	}
	return src[l[line-1]:end]
}

// finish drops findings the options exclude, sorts, and computes stats.
func finish(res *Result, opts Options) {
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if !opts.IncludeDocs && (f.Kind == pyproj.KindDocs || f.Kind == pyproj.KindReleaseNote) {
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	analysis.SortFindings(res.Findings)
	concerns(res)
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
	res.recount()
}

// recount derives the finding counts of the stats from the findings.
func (res *Result) recount() {
	st := &res.Stats
	st.RuntimeDebt = 0
	st.ByKind, st.ByFamily, st.BySeverity = map[string]int{}, map[string]int{}, map[string]int{}
	for _, f := range res.Findings {
		st.ByKind[string(f.Kind)]++
		st.ByFamily[fmt.Sprintf("EV%dxx", f.Family)]++
		st.BySeverity[string(f.Severity)]++
		if f.Kind == pyproj.KindRuntime && !f.Positive && f.Family != 9 {
			st.RuntimeDebt++
		}
	}
}

// RootStage is the stage of one scanned root.
type RootStage struct {
	Root string `json:"root"`
	modes.Stage
}

// viewSource parses a project's modules on demand for mode inference.
type viewSource struct {
	files map[string]*pyproj.File
	views map[string]*pysrc.View
	cache *Cache
	blobs map[string]string
}

func (s *viewSource) View(module string) *pysrc.View {
	if v, ok := s.views[module]; ok {
		return v
	}
	f := s.files[module]
	if f == nil {
		s.views[module] = nil
		return nil
	}
	key := ""
	if id, ok := s.blobs[f.Path]; ok && s.cache != nil {
		key = f.Path + "\x00" + id
		s.cache.mu.Lock()
		v, hit := s.cache.views[key]
		s.cache.mu.Unlock()
		if hit {
			s.views[module] = v
			return v
		}
	}
	src, msg := readSource(f.Abs)
	if msg != "" {
		s.views[module] = nil
		return nil
	}
	v := pysrc.Analyze(pysrc.Parse(f.Path, src), f.Module, f.IsPackage)
	s.views[module] = v
	if key != "" {
		s.cache.mu.Lock()
		s.cache.views[key] = v
		s.cache.mu.Unlock()
	}
	return v
}

func (s *viewSource) Path(module string) string {
	if f := s.files[module]; f != nil {
		return f.Path
	}
	return ""
}

// inferModes infers each entry point's concurrency mode.
func inferModes(res *Result, info *rootInfo, opts Options) {
	src := &viewSource{files: map[string]*pyproj.File{}, views: map[string]*pysrc.View{}, cache: opts.Cache, blobs: opts.Blobs}
	for _, f := range info.proj.Files {
		if f.Python && f.Module != "" && f.Kind == pyproj.KindRuntime {
			if _, dup := src.files[f.Module]; !dup {
				src.files[f.Module] = f
			}
		}
	}
	// Modes depend only on Python files and the entry-point declarations:
	// with content ids, identical inputs reuse earlier results.
	fp := ""
	if opts.Cache != nil && opts.Blobs != nil {
		fp = pythonFingerprint(opts.Blobs)
	}
	for i := range res.EntryPoints {
		ep := &res.EntryPoints[i]
		if ep.Root != info.root {
			continue
		}
		key := fp + "\x00" + ep.Name + "\x00" + ep.Target
		if fp != "" {
			opts.Cache.mu.Lock()
			r, hit := opts.Cache.modes[key]
			opts.Cache.mu.Unlock()
			if hit {
				ep.Mode, ep.ModeEvidence, ep.Switch, ep.ModeReason = r.Mode, r.Evidence, r.Switch, r.Reason
				continue
			}
		}
		fn := ""
		if ep.Group != "wsgi_module" {
			_, fn, _ = strings.Cut(ep.Target, ":")
			fn, _, _ = strings.Cut(strings.TrimSpace(fn), " ")
		}
		r := modes.Infer(src, ep.Module, fn)
		if fp != "" {
			opts.Cache.mu.Lock()
			opts.Cache.modes[key] = r
			opts.Cache.mu.Unlock()
		}
		ep.Mode, ep.ModeEvidence, ep.Switch, ep.ModeReason = r.Mode, r.Evidence, r.Switch, r.Reason
		if r.Mode == modes.NoRuntime && ep.Eventlet == string(graph.Unconditional) {
			ep.ModeReason = strings.TrimPrefix(ep.ModeReason+"; ", "; ") +
				"no runtime selected on the paths followed, but eventlet is loaded at import (see chain); methods of classes are not followed"
		}
	}
}

// stageOf places a project root in the three-release pattern.
func stageOf(res *Result, info *rootInfo, now time.Time) modes.Stage {
	var services []modes.ServiceMode
	for _, ep := range res.EntryPoints {
		if ep.Root == info.root && ep.Mode != modes.NoRuntime && ep.Mode != modes.Unknown && ep.Mode != "" {
			services = append(services, modes.ServiceMode{Name: ep.Name, Mode: ep.Mode})
		}
	}
	if now.IsZero() {
		now = time.Now()
	}
	imports := len(eventletModules(res, info.root)) > 0
	return modes.ComputeStage(services, pyproj.RequiresEventlet(info.proj.Requirements), imports, now)
}

// eventletModules lists the runtime modules of a root that import eventlet
// or greenlet (under any guard).
func eventletModules(res *Result, root string) []string {
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
	// Hits and Misses count file results served and computed.
	Hits, Misses int
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{files: map[string]fileResult{}, views: map[string]*pysrc.View{}, modes: map[string]modes.Result{}}
}

func (c *Cache) scanFile(blobs map[string]string, proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, facts *analysis.Facts) fileResult {
	id, ok := blobs[f.Path]
	if c == nil || !ok || canonical != nil {
		return scanFile(proj, f, enabled, canonical, facts)
	}
	key := f.Path + "\x00" + id
	c.mu.Lock()
	r, hit := c.files[key]
	if hit {
		c.Hits++
	} else {
		c.Misses++
	}
	c.mu.Unlock()
	if hit {
		return r
	}
	r = scanFile(proj, f, enabled, nil, nil)
	c.mu.Lock()
	c.files[key] = r
	c.mu.Unlock()
	return r
}

// pythonFingerprint identifies the Python files and entry-point
// declarations of a tree by their content ids.
func pythonFingerprint(blobs map[string]string) string {
	var keys []string
	for p := range blobs {
		if strings.HasSuffix(p, ".py") || p == "setup.cfg" || p == "pyproject.toml" {
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
	for _, p := range []string{"oslo_rootwrap", "oslo_privsep", "os_brick"} {
		if m == p || strings.HasPrefix(m, p+".") {
			return true
		}
	}
	return false
}

// Concern is one finding filed under a critical concern of the migration.
type Concern struct {
	Type       string            `json:"type"`
	EntryPoint string            `json:"entrypoint,omitempty"`
	Root       string            `json:"root,omitempty"`
	Path       string            `json:"path"`
	Line       int               `json:"line"`
	Detail     string            `json:"detail"`
	Severity   analysis.Severity `json:"severity"`
	Rule       string            `json:"rule"`
}

// concerns files findings of concern rules under their concern.
func concerns(res *Result) {
	res.Concerns = []Concern{}
	for _, f := range res.Findings {
		r := rules.ByID(f.Rule)
		if r == nil || r.Concern == "" {
			continue
		}
		res.Concerns = append(res.Concerns, Concern{Type: r.Concern, EntryPoint: f.EntryPoint, Root: f.Root, Path: f.Path,
			Line: f.Line, Detail: f.Message, Severity: f.Severity, Rule: f.Rule})
	}
}

// rootInfo is what the graph rules need to know about a root.
type rootInfo struct {
	root    string
	proj    *pyproj.Project
	library bool
	dists   []pyproj.Distribution // for site-packages roots
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
func graphRules(res *Result, infos []*rootInfo, enabled []*analysis.Rule) {
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
		for _, ep := range res.EntryPoints {
			if ep.Root != info.root {
				continue
			}
			er := analysis.EntryReach{Name: ep.Name, Group: ep.Group, Source: ep.Source, Line: ep.Line, Verdict: ep.Eventlet, Mode: ep.Mode}
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
		var fs []analysis.Finding
		report := func(f analysis.Finding) { fs = append(fs, f) }
		for _, r := range enabled {
			if r.Graph != nil {
				r.Graph(analysis.NewGraphPass(r, info.proj, entries, eventletMods, report))
			}
		}
		analysis.SortFindings(fs)
		addFindings(res, info.root, fs, func(int) string { return "" })
	}
}
