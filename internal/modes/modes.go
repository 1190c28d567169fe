// Package modes infers the concurrency mode of each entry point: it runs a
// small, nondeterministic interpreter over what the entry point executes at
// start (its module's import-time statements, the project modules they
// import, then its function), following calls into project functions with
// argument values and parameter defaults. A condition that depends on an
// environment variable or a config option forks the run into one world per
// outcome; each world ends in a mode, and the world where every switch keeps
// its default gives the default mode. Shapes are recognised by what the code
// does (monkey_patch, init_backend, default hooks, oslo.service components,
// poisoning), never by names of projects or functions.
package modes

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// Mode is the concurrency mode of an entry point: one of Modes.
type Mode = enums.Mode

// Mode names.
const (
	EventletOnly         = enums.ModeEventletOnly
	DualDefaultEventlet  = enums.ModeDualDefaultEventlet
	DualDefaultThreading = enums.ModeDualDefaultThreading
	ThreadingOnly        = enums.ModeThreadingOnly
	NoRuntime            = enums.ModeNone
	Unknown              = enums.ModeUnknown
)

// Modes is the closed set of modes, in the order of the migration.
var Modes = enums.Modes

// ModeNames are the Modes as strings, in the same order (table columns).
func ModeNames() []string {
	out := make([]string, len(Modes))
	for i, m := range Modes {
		out[i] = string(m)
	}
	return out
}

// Evidence is one fact behind a verdict.
type Evidence struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Switch is what an operator sets to change the mode.
type Switch struct {
	Env      string              `json:"env,omitempty"`
	Config   string              `json:"config,omitempty"`
	Values   map[string][]string `json:"values,omitempty"` // mode → values of the switch that select it
	Default  string              `json:"default"`          // the default mode: eventlet, threading or none
	Inverted bool                `json:"inverted"`         // unset means threading; a value selects eventlet
}

// Result is the inferred mode of one entry point.
type Result struct {
	Mode     Mode       `json:"mode"`
	Evidence []Evidence `json:"mode_evidence"`
	Switch   Switch     `json:"switch"`
	Reason   string     `json:"reason,omitempty"`
	// Kind is service, tool, wsgi or unknown (see ClassifyKind), with
	// what decided it; set by the driver, which knows the entry point's
	// group.
	Kind         Kind       `json:"kind,omitempty"`
	KindEvidence []Evidence `json:"kind_evidence,omitempty"`
	KindReason   string     `json:"kind_reason,omitempty"`
	// Selection is where the default path selects its runtime, with the
	// imports before it (for the backend-order rule); nil when it selects
	// none.
	Selection *Selection `json:"-"`
	// LibraryFix is set when, on the default path, importing a library
	// module fixed the backend before anything selected one (see
	// FixSource); Backend is what it was fixed to.
	LibraryFix *LibraryFix `json:"-"`
	// InheritedDefault is, for a tool ForTool made none, the default
	// backend (eventlet, threading) its import-time code selects: started
	// as shipped it still loads that runtime's modules.
	InheritedDefault string `json:"-"`
}

// Source gives the interpreter the project's modules.
type Source interface {
	// View returns the analysed module, or nil when it is not in the project
	// or could not be read.
	View(module string) *pysrc.View
	// Has reports whether View(module) is not nil, without analysing the
	// module: most of the modules an inference names it only needs to
	// know are the project's (an import of a module whose code a decided
	// world does not run, a dotted name split at its module).
	Has(module string) bool
	// Outline returns what is known of a module's definitions without
	// analysing it (the scan keeps it from its first pass), nil when
	// nothing is: a lookup of a function or class the module does not
	// define needs no view.
	Outline(module string) *Outline
	// Path returns the project-relative path of a module's file.
	Path(module string) string
	// Unreadable says why a module of the project could not be analysed
	// (too large, unreadable), or "" when it could or is not in the
	// project: a module that is skipped is a path not followed.
	Unreadable(module string) string
	// Canonical is what a dotted name finally names, through the
	// project's re-exports (the scan's semantic model): pkg.compat.eventlet.spawn
	// is eventlet.spawn when pkg.compat does "import eventlet".
	Canonical(name string) string
}

// Limits of one inference. They keep a crafted project from exhausting
// the machine; a limit that cuts short a path whose mode is still open
// makes the verdict unknown, with the limit and the place in the reason.
const (
	// maxStatements bounds the statements executed over all worlds. The
	// entry points of nova and neutron use at most 760.
	maxStatements = 20000
	// maxSteps bounds the expression nodes evaluated and the world state
	// copied, so that one huge expression or a wide module run many times
	// costs a bounded time (about 0.2 s when spent). The entry points of
	// nova and neutron use at most 1,210.
	maxSteps = 400000
	// maxNest bounds the nesting of the interpreter's own recursion
	// (expressions in expressions, blocks, calls and imports in progress),
	// whatever the parser accepts: a chain of 10,000 modules each importing
	// the next must end in a verdict, not a stack overflow.
	maxNest = 5000
	// maxWorlds bounds the worlds forked on switch values.
	maxWorlds = 256
)

// Infer infers the mode of an entry point whose code starts in module and,
// when fn is not empty, continues with a call of fn() from that module.
func Infer(src Source, module, fn string) Result {
	return inferAs(src, module, fn, "")
}

// inferAs is Infer with the module that runs as __main__ ("" for none).
func inferAs(src Source, module, fn, main string) Result {
	in := newInterp(src)
	in.main = main
	if src.View(module) == nil {
		if why := src.Unreadable(module); why != "" {
			return Result{Mode: Unknown, Reason: fmt.Sprintf("module %s (%s) could not be analysed: %s", module, src.Path(module), why), Evidence: []Evidence{}}
		}
		return Result{Mode: Unknown, Reason: "module " + module + " is not in the project", Evidence: []Evidence{}}
	}
	w0 := &world{vars: map[string]*value{}, executed: map[string]bool{}, assume: map[string]*assumption{}}
	// Starting a module runs its parent packages first.
	worlds := in.importModules(module, []*world{w0})
	if fn != "" {
		var next []*world
		for _, w := range worlds {
			if w.dead {
				next = append(next, w)
				continue
			}
			next = append(next, in.callProject(module+"."+fn, nil, nil, w, 0)...)
		}
		worlds = next
	}
	return in.verdict(worlds)
}

// InferScript infers the mode of a script file (setup.cfg [files]
// scripts, setup.py scripts=[...]): its module-level code runs as
// __main__, so the body of its "if __name__ == '__main__':" runs.
func InferScript(src Source, module string) Result {
	return inferAs(src, module, "", module)
}

func newInterp(src Source) *interp {
	return &interp{src: src, budget: maxStatements, steps: maxSteps, optDefaults: map[string]string{}, mods: map[string]*modIndex{}}
}

// ---- values ----

type valueKind uint8

const (
	vUnknown valueKind = iota
	vStr
	vBool
	vNone
	vInt
	vTuple
	vRef    // a resolved dotted name (BackendType.THREADING)
	vSwitch // the value of an environment variable or config option in this world
	vFunc   // a lambda
)

type value struct {
	kind  valueKind
	s     string
	b     bool
	elems []*value
	sw    string // switch key: "env:NAME" or "config:NAME"
	lower bool   // .lower() was applied
	lam   *pysrc.Lambda
}

var unknownV = &value{kind: vUnknown}

func strV(s string) *value { return &value{kind: vStr, s: s} }
func boolV(b bool) *value  { return &value{kind: vBool, b: b} }

// assumption is what a world assumes about a switch: a concrete value, or
// "some value other than these".
type assumption struct {
	concrete bool
	value    string   // when concrete ("" may be the unset default)
	excluded []string // when not concrete
	isDflt   bool     // this is the switch's default
	unset    bool     // the variable is not set at all
	oneOf    []string // the literal set the concrete value stands for
}

// ---- worlds ----

// EventKind is what an event of the interpreter records; the Event…
// constants are the closed set.
type EventKind string

// Events of the interpreter.
const (
	EventPatch     EventKind = "patch"     // eventlet monkey patching
	EventBackend   EventKind = "backend"   // oslo.service init_backend(...)
	EventHook      EventKind = "hook"      // a default backend hook registered
	EventComponent EventKind = "component" // an oslo.service component used
	EventPoison    EventKind = "poison"    // an import hook inserted in sys.meta_path
	EventEventlet  EventKind = "eventlet"  // an eventlet runtime API used
	EventThreads   EventKind = "threads"   // native threads started
	EventLibFix    EventKind = "libfix"    // a library's import fixed the backend
)

type event struct {
	kind    EventKind
	arg     string
	ev      Evidence
	before  int      // modules imported before the event (a prefix of world.ran)
	running []string // project modules whose import-time code was running
	// chain is further evidence quoted after ev (a library fix's imports,
	// fetch and default); module the library module of a libfix;
	// registry the backend registry's module (a libfix's, or the one a
	// backend or hook selection calls).
	chain    []Evidence
	module   string
	fetch    Evidence
	registry string
	// late marks a selection made after a library's import fixed the
	// backend: a default hook never asked, an init_backend that raises.
	late bool
}

type world struct {
	fixed    bool              // patched eventlet or selected a backend: the mode can no longer change
	vars     map[string]*value // locals of the current frame
	executed map[string]bool   // modules whose import-time code ran
	assume   map[string]*assumption
	order    []string // switch keys in the order first assumed
	events   []event
	dead     bool       // raised: the process stops
	ret      *value     // set when the current function returned
	unknown  *Evidence  // the first condition letgo could not decide, for the reason
	ran      []Imported // modules imported, project or not, in the order of their imports
	running  []string   // project modules whose import-time code is running, outermost first
}

func (w *world) clone() *world {
	c := &world{vars: make(map[string]*value, len(w.vars)), executed: make(map[string]bool, len(w.executed)),
		assume: make(map[string]*assumption, len(w.assume)), dead: w.dead, ret: w.ret, fixed: w.fixed}
	for k, v := range w.vars {
		c.vars[k] = v
	}
	for k, v := range w.executed {
		c.executed[k] = v
	}
	for k, v := range w.assume {
		cp := *v
		cp.excluded = append([]string(nil), v.excluded...)
		cp.oneOf = append([]string(nil), v.oneOf...)
		c.assume[k] = &cp
	}
	c.order = append([]string(nil), w.order...)
	c.events = append([]event(nil), w.events...)
	c.unknown = w.unknown
	c.ran = append([]Imported(nil), w.ran...)
	c.running = append([]string(nil), w.running...)
	return c
}

type interp struct {
	src         Source
	budget      int // statements left
	steps       int // evaluation steps left
	nest        int // nesting of the recursion in progress
	worlds      int
	truncated   bool              // a limit was reached
	lost        string            // why a path whose mode was still open was cut short, "" if none was
	lostAt      *Evidence         // where it was cut short
	optDefaults map[string]string // config option name → default literal
	switchDflt  map[string]string
	mods        map[string]*modIndex
	main        string // the module run as __main__ (a script), "" for none
	// atModule and atStmt are the statement being executed, for reasons.
	atModule string
	atStmt   pysrc.Stmt
}

// cut records that a limit stopped the analysis of w. When w's mode was
// already decided nothing is lost: later code cannot change it, and worlds
// forked from it would inherit it.
func (in *interp) cut(w *world, why string) {
	in.truncated = true
	if in.lost != "" || w == nil || w.fixed {
		return
	}
	in.lost = why
	in.lostAt = &Evidence{Text: "analysis stopped: " + why}
	if in.atStmt != nil {
		e := in.ev(in.atModule, in.atStmt)
		in.lost += fmt.Sprintf(" at %s:%d", e.Path, e.Line)
		in.lostAt.Path, in.lostAt.Line = e.Path, e.Line
	}
	in.lost += "; the paths not followed may change the mode"
}

// outOfBudget reports whether a budget is spent, cutting w short if so.
func (in *interp) outOfBudget(w *world) bool {
	switch {
	case in.budget < 0:
		in.cut(w, fmt.Sprintf("the interpreter's budget of %d statements ran out", maxStatements))
	case in.steps < 0:
		in.cut(w, fmt.Sprintf("the interpreter's budget of %d evaluation steps ran out", maxSteps))
	case in.nest >= maxNest:
		in.cut(w, fmt.Sprintf("the code nests deeper than the interpreter's limit of %d levels", maxNest))
	default:
		return false
	}
	return true
}

// modIndex is what the interpreter looks up in a module, indexed once so
// that a lookup does not cost the size of the module.
type modIndex struct {
	assigns map[string]pysrc.Expr // module-level NAME = value, the last one
	exports map[string]string     // the last binding of a name with a target
	defs    map[string]*pysrc.FuncDef
	classes map[string]*pysrc.ClassInfo // by qualified name
	froms   map[pysrc.Node]*pysrc.Import
}

func (in *interp) index(module string, v *pysrc.View) *modIndex {
	if ix := in.mods[module]; ix != nil {
		return ix
	}
	ix := &modIndex{assigns: map[string]pysrc.Expr{}, exports: map[string]string{},
		defs: map[string]*pysrc.FuncDef{}, classes: map[string]*pysrc.ClassInfo{}, froms: map[pysrc.Node]*pysrc.Import{}}
	for _, s := range v.File.Body {
		if a, ok := s.(*pysrc.Assign); ok && len(a.Targets) == 1 {
			if n, ok := a.Targets[0].(*pysrc.NameExpr); ok {
				ix.assigns[n.ID] = a.Value
			}
		}
	}
	for _, b := range v.Exports {
		if b.Target == "" {
			continue
		}
		ix.exports[b.Name] = b.Target
	}
	for _, d := range v.Defs {
		ix.defs[d.QualName] = d
	}
	for _, c := range v.Classes {
		ix.classes[c.QualName] = c
	}
	for i := range v.Imports {
		if _, dup := ix.froms[v.Imports[i].Node]; !dup {
			ix.froms[v.Imports[i].Node] = v.Imports[i]
		}
	}
	in.collectOptions(v)
	in.mods[module] = ix
	return ix
}

func (in *interp) ev(module string, n pysrc.Node) Evidence {
	v := in.src.View(module)
	if v == nil || n == nil {
		return Evidence{}
	}
	text := v.File.Text(n)
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i] + " ..."
	}
	return Evidence{Path: in.src.Path(module), Line: v.Line(n.Pos()), Text: clipText(strings.TrimSpace(text))}
}

// maxEvidenceText bounds the source quoted in evidence: a call on a 12 MB
// line would otherwise be copied into every report.
const maxEvidenceText = 200

// clipText also copies: evidence outlives the parse, and a substring would
// keep the whole file's source alive with it.
func clipText(s string) string {
	if len(s) <= maxEvidenceText {
		return strings.Clone(s)
	}
	i := maxEvidenceText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + " ..." // a new string
}

// runModule executes a module's import-time statements in w.
func (in *interp) runModule(module string, w *world) []*world {
	if w.executed[module] {
		return []*world{w}
	}
	v := in.src.View(module)
	if v == nil {
		return []*world{w}
	}
	w.executed[module] = true
	in.index(module, v)
	saved := w.vars
	w.vars = map[string]*value{}
	w.running = append(w.running, module)
	worlds := in.execBlock(module, v.File.Body, w, 0)
	for _, x := range worlds {
		x.vars = saved
		x.ret = nil
		if n := len(x.running); n > 0 {
			x.running = x.running[:n-1]
		}
	}
	return worlds
}

// collectOptions records config option defaults declared in a module
// (cfg.StrOpt('name', default='auto') and friends), so reads of the option
// have a default.
func (in *interp) collectOptions(v *pysrc.View) {
	for _, c := range v.Calls {
		if !strings.HasSuffix(c.Resolved, "Opt") || !strings.Contains(c.Resolved, "cfg.") || len(c.Args) == 0 || c.Args[0].Kind != pysrc.ValStr {
			continue
		}
		for _, k := range c.Keywords {
			if k.Name == "default" && k.Value.Kind == pysrc.ValStr {
				in.optDefaults[c.Args[0].Str] = k.Value.Str
			}
		}
	}
}

func (in *interp) execBlock(module string, body []pysrc.Stmt, w *world, depth int) []*world {
	worlds := []*world{w}
	for _, s := range body {
		var next []*world
		for _, x := range worlds {
			if x.dead || x.ret != nil {
				next = append(next, x)
				continue
			}
			next = append(next, in.execStmt(module, s, x, depth)...)
		}
		worlds = next
	}
	return worlds
}

// decided reports whether a world's mode can no longer change: it patched
// eventlet or selected a backend (later events never override those).
func (w *world) decided() bool { return w.fixed }

// noteUnknown remembers the first undecidable condition on w's path.
func (w *world) noteUnknown(e Evidence) {
	if w.unknown == nil {
		w.unknown = &e
	}
}

// record adds an event to w.
func (w *world) record(e event) {
	e.before = len(w.ran)
	if e.kind == EventPatch || e.kind == EventBackend || e.kind == EventHook {
		e.running = append([]string(nil), w.running...)
	}
	w.events = append(w.events, e)
	if e.kind == EventPatch || e.kind == EventBackend {
		w.fixed = true
	}
}

func (in *interp) execStmt(module string, s pysrc.Stmt, w *world, depth int) []*world {
	in.budget--
	in.atModule, in.atStmt = module, s
	if in.outOfBudget(w) {
		return []*world{w}
	}
	in.nest++
	defer func() { in.nest-- }()
	v := in.src.View(module)
	switch s := s.(type) {
	case *pysrc.ExprStmt:
		return drop(in.eval(module, s.X, w, depth))
	case *pysrc.Assign:
		outs := in.eval(module, s.Value, w, depth)
		var res []*world
		for _, o := range outs {
			for _, t := range s.Targets {
				in.assign(module, t, s.Value, o.v, o.w)
			}
			res = append(res, o.w)
		}
		return res
	case *pysrc.AnnAssign:
		if s.Value == nil {
			return []*world{w}
		}
		outs := in.eval(module, s.Value, w, depth)
		var res []*world
		for _, o := range outs {
			in.assign(module, s.Target, s.Value, o.v, o.w)
			res = append(res, o.w)
		}
		return res
	case *pysrc.ImportStmt:
		worlds := []*world{w}
		for _, a := range s.Names {
			worlds = in.importModules(a.Name, worlds)
			for _, x := range worlds { // bind, as the statement does
				if a.AsName != "" {
					x.vars[a.AsName] = &value{kind: vRef, s: a.Name}
				} else {
					head, _, _ := strings.Cut(a.Name, ".")
					x.vars[head] = &value{kind: vRef, s: head}
				}
			}
		}
		return worlds
	case *pysrc.ImportFromStmt:
		if imp := in.index(module, v).froms[s]; imp != nil {
			worlds := in.importModules(imp.Module, []*world{w})
			for _, n := range imp.Names {
				if sub := imp.Module + "." + n.Name; in.src.Has(sub) || in.src.Unreadable(sub) != "" {
					worlds = in.importModules(sub, worlds)
				} else if n.Name != "*" {
					in.noteImports(sub, worlds) // perhaps a library's submodule
				}
				local := n.AsName
				if local == "" {
					local = n.Name
				}
				for _, x := range worlds {
					x.vars[local] = &value{kind: vRef, s: imp.Module + "." + n.Name}
				}
			}
			return worlds
		}
		return []*world{w}
	case *pysrc.If:
		var res []*world
		for _, o := range in.decide(in.eval(module, s.Test, w, depth)) {
			switch truth(o.v) {
			case 1:
				res = append(res, in.execBlock(module, s.Body, o.w, depth)...)
			case 0:
				res = append(res, in.execBlock(module, s.Orelse, o.w, depth)...)
			default:
				res = append(res, in.joinBranches(module, s, o.w, depth)...)
			}
		}
		return res
	case *pysrc.Try:
		worlds := in.execBlock(module, s.Body, w, depth)
		for _, x := range worlds {
			if x.dead {
				x.dead = false // an exception the handlers may catch: carry on
			}
		}
		var res []*world
		for _, x := range worlds {
			res = append(res, in.execBlock(module, s.Finalbody, x, depth)...)
		}
		return res
	case *pysrc.With:
		return in.execBlock(module, s.Body, w, depth)
	case *pysrc.Raise:
		w.dead = true
		return []*world{w}
	case *pysrc.Return:
		if s.X == nil {
			w.ret = &value{kind: vNone}
			return []*world{w}
		}
		var res []*world
		for _, o := range in.eval(module, s.X, w, depth) {
			o.w.ret = o.v
			res = append(res, o.w)
		}
		return res
	case *pysrc.Global, *pysrc.Pass, *pysrc.FunctionDef, *pysrc.ClassDef:
		return []*world{w}
	case *pysrc.For:
		in.assign(module, s.Target, nil, unknownV, w)
		return in.loopBody(module, s.Body, w, depth)
	case *pysrc.While:
		return in.loopBody(module, s.Body, w, depth)
	}
	return []*world{w}
}

// importModules runs the import-time code of a module and its parents
// (project modules only).
func (in *interp) importModules(name string, worlds []*world) []*world {
	in.noteImports(name, worlds)
	parts := strings.Split(name, ".")
	for i := 1; i <= len(parts); i++ {
		mod := strings.Join(parts[:i], ".")
		if !in.src.Has(mod) {
			if why := in.src.Unreadable(mod); why != "" {
				for _, w := range worlds {
					in.cut(w, fmt.Sprintf("module %s (%s) could not be analysed (%s)", mod, in.src.Path(mod), why))
				}
			}
			continue
		}
		var next []*world
		for _, w := range worlds {
			if w.decided() {
				next = append(next, w) // import-time code cannot change a decided mode
				continue
			}
			next = append(next, in.runModule(mod, w)...)
		}
		worlds = next
	}
	return worlds
}

// noteImports records, in each undecided world, the modules an import
// statement (or the start of the entry point) imports for the first time,
// project modules or not: the order of imports before the backend is
// selected decides whether the selection comes too late.
func (in *interp) noteImports(name string, worlds []*world) {
	var at Evidence
	if in.atStmt != nil {
		at = in.ev(in.atModule, in.atStmt)
	}
	parts := strings.Split(name, ".")
	for _, w := range worlds {
		if w.decided() || w.dead {
			continue
		}
		for i := 1; i <= len(parts); i++ {
			mod := strings.Join(parts[:i], ".")
			if w.executed[importedKey+mod] {
				continue
			}
			if len(w.ran) >= maxImported {
				break
			}
			w.executed[importedKey+mod] = true
			w.ran = append(w.ran, Imported{Module: mod, At: at, Ran: in.src.Has(mod)})
		}
	}
	in.libraryFix(name, worlds)
}

// maxImported bounds the imports remembered per world.
const maxImported = 4096

// importedKey prefixes, in world.executed, the modules noted as imported
// (a module may be imported without its code being run: a library's).
const importedKey = "\x00imported:"

// Imported is a module imported on an entry point's start path, with the
// statement that first imported it (empty for the entry module itself).
type Imported struct {
	Module string   `json:"module"`
	At     Evidence `json:"at"`
	// Ran says the interpreter ran the module's import-time code (a
	// project module): the imports it made are listed on their own.
	Ran bool `json:"ran"`
}

// Selection is where an entry point's default path selects its runtime
// (monkey_patch, init_backend, a default hook), with the modules imported
// before it, in order.
type Selection struct {
	Kind   EventKind  `json:"kind"` // patch, backend or hook
	Arg    string     `json:"arg,omitempty"`
	At     Evidence   `json:"at"`
	Before []Imported `json:"before"`
	// Running are the project modules whose import-time code was still
	// running at the selection (the entry module, a package importing the
	// gate): what they create after it is not before it.
	Running []string `json:"running,omitempty"`
	// Registry is the module of the backend registry a backend or hook
	// selection calls (the canonical name's module: init_backend's,
	// register_backend_default_hook's), "" for monkey patching.
	Registry string `json:"registry,omitempty"`
}

func (in *interp) fork(w *world) *world {
	if in.worlds >= maxWorlds {
		in.cut(w, fmt.Sprintf("the interpreter's limit of %d worlds was reached", maxWorlds))
		return nil
	}
	in.worlds++
	return in.clone(w)
}

// clone copies w, charging the copy to the steps budget: a world with a
// large state copied at every undecidable condition must not cost time
// quadratic in the module.
func (in *interp) clone(w *world) *world {
	in.steps -= 1 + len(w.vars) + len(w.executed) + len(w.assume) + len(w.events)
	return w.clone()
}

func (in *interp) assign(module string, t, valueExpr pysrc.Expr, v *value, w *world) {
	if n, ok := t.(*pysrc.NameExpr); ok {
		w.vars[n.ID] = v
	}
}

// joinBranches runs both branches of a condition letgo cannot decide (a
// platform check, a feature test) and joins them into one world: such
// conditions rarely decide the mode, and forking on each would multiply
// the worlds. A branch that raises is dropped from the join; a branch that
// forks on a switch keeps its worlds.
func (in *interp) joinBranches(module string, s *pysrc.If, w *world, depth int) []*world {
	note := in.ev(module, s.Test)
	clone := in.clone(w)
	body := in.execBlock(module, s.Body, clone, depth)
	orelse := in.execBlock(module, s.Orelse, w, depth)
	if len(body) != 1 || len(orelse) != 1 {
		return append(body, orelse...)
	}
	b, e := body[0], orelse[0]
	switch {
	case b.dead && e.dead:
		return []*world{e}
	case b.dead:
		return []*world{e}
	case e.dead:
		b.noteUnknown(note)
		return []*world{b}
	}
	in.absorb(e, b)
	// A return in only one branch does not end the joined world: the
	// other branch goes on, and so does the code after the if.
	e.noteUnknown(note)
	return []*world{e}
}

// loopBody runs a loop's body once, in a copy of w, and joins what it
// did into w: a service's loop is where it starts its threads and
// servers (while not stop: ThreadingHTTPServer(...)), and the code after
// the loop goes on whether the body ran, broke out or returned. A body
// that forks on a switch keeps its worlds; one that raises is dropped.
// A world whose mode is decided skips the body, as it skips calls: the
// body cannot change the mode, and running it costs most of what loops
// add to an inference.
func (in *interp) loopBody(module string, body []pysrc.Stmt, w *world, depth int) []*world {
	if w.decided() {
		return []*world{w}
	}
	outs := in.execBlock(module, body, in.clone(w), depth)
	if len(outs) != 1 {
		return outs
	}
	b := outs[0]
	if b.dead {
		return []*world{w}
	}
	in.absorb(w, b)
	return []*world{w}
}

// absorb joins what world b did into w: its events w has not recorded,
// the variables w does not bind, the modules it executed.
func (in *interp) absorb(w, b *world) {
	in.steps -= len(w.events) + len(b.events) + len(b.vars)
	seen := map[Evidence]bool{}
	for _, ev := range w.events {
		seen[ev.ev] = true
	}
	for _, ev := range b.events {
		if !seen[ev.ev] {
			w.record(ev)
		}
	}
	for k, v := range b.vars {
		if _, ok := w.vars[k]; !ok {
			w.vars[k] = v
		}
	}
	for k := range b.executed {
		w.executed[k] = true
	}
}

// decide resolves switch values used as conditions into their truth in
// each world (forking on first use).
func (in *interp) decide(outs []out) []out {
	var res []out
	for _, o := range outs {
		if o.v.kind != vSwitch {
			res = append(res, o)
			continue
		}
		for _, r := range in.resolveSwitch(o.v, o.w) {
			t := true
			if r.a.concrete {
				t = r.a.value != "" && r.a.value != noneValue
			}
			res = append(res, out{boolV(t), r.w})
		}
	}
	return res
}

// noneValue stands for "not set" (os.environ.get without a default).
const noneValue = "\x00none"

// truth: 1 true, 0 false, -1 unknown.
func truth(v *value) int {
	switch v.kind {
	case vBool:
		if v.b {
			return 1
		}
		return 0
	case vNone:
		return 0
	case vStr:
		if v.s != "" {
			return 1
		}
		return 0
	case vTuple:
		if len(v.elems) > 0 {
			return 1
		}
		return 0
	}
	return -1
}

type out struct {
	v *value
	w *world
}

func drop(outs []out) []*world {
	res := make([]*world, len(outs))
	for i, o := range outs {
		res[i] = o.w
	}
	return res
}

func one(v *value, w *world) []out { return []out{{v, w}} }

// ---- verdict ----

func (in *interp) modeOf(w *world) (string, []Evidence) {
	var patch, backend, hook, component, eventletUse, threads, libfix *event
	late := false
	for i := range w.events {
		e := &w.events[i]
		if e.late {
			late = true
			continue // never takes effect: the backend was fixed before
		}
		switch e.kind {
		case EventLibFix:
			libfix = e
		case EventPatch:
			if patch == nil {
				patch = e
			}
		case EventBackend:
			backend = e
		case EventHook:
			hook = e
		case EventComponent:
			if component == nil {
				component = e
			}
		case EventEventlet:
			if eventletUse == nil {
				eventletUse = e
			}
		case EventThreads:
			if threads == nil {
				threads = e
			}
		case EventPoison:
			// Evidence only: an import hook keeps eventlet out, it runs
			// nothing.
		default:
			panic("modes: event " + string(e.kind))
		}
	}
	// A library's import fixing the backend decides the mode when the
	// code selects one after it (a hook never asked, an init_backend
	// that raises): the process does not run what the selection says.
	// Otherwise the code's own use decides, as before: oslo.service
	// components on the library default are eventlet already, and a
	// service on its own threads stays on them (eventlet is loaded, see
	// the reachability, but nothing runs on it).
	deciding := libfix != nil && late
	var evs []Evidence
	for _, e := range w.events {
		if e.kind == EventLibFix && !deciding {
			continue
		}
		evs = append(evs, e.ev)
		evs = append(evs, e.chain...)
		if e.late {
			what := "the default hook registered here is never asked: the backend was fixed before"
			if e.kind == EventBackend {
				what = "init_backend raises BackendAlreadySelected here: the backend was fixed before"
			}
			evs = append(evs, Evidence{Path: e.ev.Path, Line: e.ev.Line, Text: what})
		}
	}
	switch {
	case patch != nil:
		return "eventlet", evs
	case deciding:
		return strings.ToLower(libfix.arg), evs
	case backend != nil:
		return strings.ToLower(backend.arg), evs
	case hook != nil:
		return strings.ToLower(hook.arg), evs
	case component != nil:
		return "eventlet", append(evs, Evidence{component.ev.Path, component.ev.Line, "no oslo.service backend selected before this: the library default, eventlet, applies"})
	case eventletUse != nil:
		return "eventlet", evs
	case threads != nil:
		return "threading", evs
	}
	return "none", evs
}

// knownRuntime reports whether a world's runtime is one a mode is made of.
func knownRuntime(r string) bool { return r == "eventlet" || r == "threading" || r == "none" }

func (in *interp) isDefault(w *world) bool {
	for _, a := range w.assume {
		if !a.isDflt {
			return false
		}
	}
	return true
}

type outcome struct {
	mode string
	evs  []Evidence
	w    *world
}

func (in *interp) verdict(worlds []*world) Result {
	var outs []outcome
	for _, w := range worlds {
		if w.dead {
			continue
		}
		m, evs := in.modeOf(w)
		outs = append(outs, outcome{m, evs, w})
	}
	if in.lost != "" {
		return in.cutVerdict(outs)
	}
	if len(outs) == 0 {
		return Result{Mode: Unknown, Reason: "every path letgo followed ends in an exception", Evidence: []Evidence{}}
	}
	// When some world runs eventlet, a world that selects nothing runs on
	// native threads: not "no runtime" but the threading side of the switch.
	anyEventlet := false
	for _, o := range outs {
		anyEventlet = anyEventlet || o.mode == "eventlet"
	}
	if anyEventlet {
		for i := range outs {
			if outs[i].mode == "none" {
				outs[i].mode = "threading"
			}
		}
	}
	var dflt []outcome
	for _, o := range outs {
		if in.isDefault(o.w) {
			dflt = append(dflt, o)
		}
	}
	res := Result{Evidence: []Evidence{}}
	if len(dflt) == 0 {
		return Result{Mode: Unknown, Reason: "no path keeps every switch at its default", Evidence: []Evidence{}}
	}
	d := dflt[0]
	for _, o := range dflt[1:] {
		if o.mode != d.mode {
			why := "the default mode depends on a condition letgo cannot decide"
			if o.w.unknown != nil {
				u := *o.w.unknown
				why = fmt.Sprintf("the default mode depends on %q (%s:%d)", u.Text, u.Path, u.Line)
			}
			return Result{Mode: Unknown, Reason: why, Evidence: d.evs}
		}
	}
	if c, lf := d.w.conflict(), d.w.libFix(); c != nil && lf != nil {
		// The code selects a backend the library's import already
		// fixed otherwise: the process does not run what the code says.
		return Result{Mode: Unknown, Evidence: d.evs, Selection: selectionOf(d.w), LibraryFix: fixOf(lf),
			Reason: fmt.Sprintf("init_backend(%s) at %s:%d raises BackendAlreadySelected: importing %s at %s:%d fixed the backend to %s first; the service fails at start, or runs on %s if the error is caught",
				strings.ToLower(c.arg), c.ev.Path, c.ev.Line, lf.module, lf.ev.Path, lf.ev.Line, lf.arg, lf.arg)}
	}
	res.Evidence = d.evs
	if res.Evidence == nil {
		res.Evidence = []Evidence{}
	}
	res.Selection = selectionOf(d.w)
	if lf := d.w.libFix(); lf != nil {
		res.LibraryFix = fixOf(lf)
	}
	res.Switch = Switch{Default: d.mode, Values: map[string][]string{}}
	others := map[string]bool{}
	for _, o := range outs {
		if o.mode == d.mode {
			continue
		}
		others[o.mode] = true
		for _, key := range o.w.order {
			a := o.w.assume[key]
			if a.isDflt {
				continue
			}
			kind, name, _ := strings.Cut(key, ":")
			if kind == "env" && res.Switch.Env == "" {
				res.Switch.Env = name
			}
			if kind == "config" && res.Switch.Config == "" {
				res.Switch.Config = name
			}
			val := shown(a.value)
			if len(a.oneOf) > 1 {
				var alts []string
				for _, x := range a.oneOf {
					alts = append(alts, shown(x))
				}
				val = "one of " + strings.Join(alts, ", ")
			}
			if !a.concrete {
				var ex []string
				for _, x := range a.excluded {
					ex = append(ex, shown(x))
				}
				val = "any value but " + strings.Join(ex, ", ")
			}
			label := key + "=" + val
			res.Switch.Values[o.mode] = appendUnique(res.Switch.Values[o.mode], label)
		}
	}
	// A backend that is neither eventlet nor threading (a registry member
	// letgo does not know) has no mode: unknown, never a made-up one.
	foreign := ""
	if !knownRuntime(d.mode) {
		foreign = d.mode
	}
	for o := range others {
		if !knownRuntime(o) && (foreign == "" || o < foreign) {
			foreign = o
		}
	}
	switch {
	case foreign != "":
		res.Mode = Unknown
		res.Reason = fmt.Sprintf("a path selects the backend %q, which is neither eventlet nor threading", foreign)
	case len(others) == 0 && d.mode == "eventlet":
		res.Mode = EventletOnly
	case len(others) == 0 && d.mode == "threading":
		res.Mode = ThreadingOnly
	case len(others) == 0:
		res.Mode = NoRuntime
	case d.mode == "eventlet" && others["threading"]:
		res.Mode = DualDefaultEventlet
	case d.mode == "threading" && others["eventlet"]:
		res.Mode = DualDefaultThreading
		res.Switch.Inverted = res.Switch.Env != ""
	case d.mode == "none":
		res.Mode = NoRuntime
	case d.mode == "threading":
		// The other paths run nothing (a path running eventlet is
		// dual above): no path runs eventlet.
		res.Mode = ThreadingOnly
	default:
		panic("modes: no mode for the default runtime " + d.mode)
	}
	if in.truncated {
		res.Reason = "analysis limits reached after the mode of every path was decided: later code was not followed"
	}
	for m := range res.Switch.Values {
		sort.Strings(res.Switch.Values[m])
	}
	if len(res.Switch.Values) == 0 {
		res.Switch.Values = nil
	}
	return res
}

// cutVerdict is the verdict of an analysis cut short by a limit while
// some path's mode was open: unknown, with where the analysis stopped and
// what the default path found before as evidence.
func (in *interp) cutVerdict(outs []outcome) Result {
	// Where it stopped comes first: it is what a reader needs to see.
	res := Result{Mode: Unknown, Reason: in.lost, Evidence: []Evidence{*in.lostAt}}
	for _, o := range outs {
		if in.isDefault(o.w) {
			res.Evidence = append(res.Evidence, o.evs...)
			break
		}
	}
	return res
}

// selectionOf is the first runtime selection of a world, with the
// imports that preceded it.
func selectionOf(w *world) *Selection {
	for _, e := range w.events {
		if e.kind == EventPatch || e.kind == EventBackend || e.kind == EventHook {
			return &Selection{Kind: e.kind, Arg: strings.ToLower(e.arg), At: e.ev, Before: append([]Imported{}, w.ran[:e.before]...), Running: e.running, Registry: e.registry}
		}
	}
	return nil
}

// fixOf is the library fix a libfix event stands for.
func fixOf(e *event) *LibraryFix {
	return &LibraryFix{Module: e.module, Backend: strings.ToLower(e.arg), Chain: e.chain, Fetch: e.fetch, Registry: e.registry}
}

// shown renders a switch value for people.
func shown(v string) string {
	if v == noneValue {
		return "unset"
	}
	return fmt.Sprintf("%q", v)
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
