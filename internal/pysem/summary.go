// Package pysem is letgo's semantic model of a Python project: what every
// module-level name of every module of the scanned roots (the project and
// its --with libraries) finally names, what functions return, and which
// modules are loaded by name at run time. It is built once per scan from
// per-module summaries (Summarize), small enough to keep for a whole fleet,
// and read by the rules (through the pass's Canonical), the mode
// interpreter and the import graph.
//
// Names are dotted, fully qualified, with "()" standing for the result of a
// call: "pkg.utils.get_eventlet().tpool.Proxy" is the attribute Proxy of
// the attribute tpool of what pkg.utils.get_eventlet returns. Canonical
// rewrites such a name through re-exports (a module re-exported as a
// module included), star imports and functions whose result is known, to
// what it names in the end: "eventlet.tpool.Proxy".
package pysem

import (
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// Summary is what one module tells the model. Strings are copies, never
// substrings of the source, so that a summary does not keep a file alive.
type Summary struct {
	Module  string
	Package bool
	// Names are the module-level names, sorted, each with what it is bound
	// to at the end of the module: a dotted target ("eventlet", "pkg.mod.f"
	// for the module's own def), or "" for a value that is not a name. A
	// name bound conditionally to a target and otherwise to a value keeps
	// the target (try: import eventlet / except ImportError: eventlet = None).
	Names []Name
	// Stars are the modules imported with "from M import *" at module
	// level, in order; All is __all__ when the module sets it to a literal.
	Stars  []string
	All    []string
	HasAll bool
	// Returns maps a function ("f") or method ("Cls.m") to what every one
	// of its return statements returns, when they all agree on a name.
	Returns map[string]string
	// Options maps a configuration option declared here (oslo.config's
	// cfg.*Opt('name', default='pkg.mod.Class')) to its literal default.
	Options map[string][]string
	// Loads are the places where the module loads a module or class by
	// name at run time.
	Loads []Load
	// Path is the module's file, as the findings name it; Decls are what
	// its functions return, its classes hold and its functions send to
	// another process (SummarizeDecls; empty for a library root's
	// modules).
	Path string
	Decls
}

// Load is a module or class loaded by name: importutils.import_class /
// import_object / import_module, importlib.import_module with a
// non-literal name, or a stevedore manager.
type Load struct {
	Line  int
	Guard pysrc.GuardKind // of the call site
	Func  string          // the loading function, resolved
	Text  string          // the call as written (first line)
	// Target is a literal dotted name (a class, object or module).
	Target string
	// Option names the configuration option whose value is the name
	// (CONF.scheduler_driver → "scheduler_driver").
	Option string
	// Namespace and Name are a stevedore manager's entry-point group and
	// driver name (Name "" when not literal: then Option, or any driver).
	Namespace, Name string
	// Flows are the values a non-literal name argument takes inside the
	// module (traceLoad), when it is not an option read.
	Flows []Flow
}

// Summarize summarises a module's view.
func Summarize(v *pysrc.View) *Summary {
	return summarize(v, "", false, nil)
}

// SummarizeDecls summarises a module's view with its Decls (for the
// modules of a scanned root; the file's path is kept for the findings
// that cite its declarations).
func SummarizeDecls(v *pysrc.View, path string) *Summary {
	return summarize(v, path, true, nil)
}

// SummarizeDeclsFrom is SummarizeDecls with the view's value tracking
// already made (TrackValues(v, nil, nil, false), or one whose resolve and
// resolveType answer as those do); nil tracks the values here.
func SummarizeDeclsFrom(v *pysrc.View, path string, vs *Values) *Summary {
	return summarize(v, path, true, vs)
}

func summarize(v *pysrc.View, path string, decls bool, vs *Values) *Summary {
	s := &Summary{Module: v.Module, Package: v.IsPackage, Path: path}
	if decls {
		if vs == nil || vs.View != v {
			vs = TrackValues(v, nil, nil, false)
		}
		s.Decls = vs.Decls()
	}
	// The bindings of each name in source order (Exports are by position;
	// a stable sort by name keeps that order within a name).
	order := make([]int, len(v.Exports))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return v.Exports[order[i]].Name < v.Exports[order[j]].Name })
	s.Names = make([]Name, 0, len(order))
	for _, i := range order {
		b := v.Exports[i]
		n := len(s.Names)
		if n == 0 || s.Names[n-1].Name != b.Name {
			s.Names = append(s.Names, Name{Name: b.Name, Target: b.Target})
			continue
		}
		// As the view's own lookup: an unconditional binding replaces the
		// earlier ones, a conditional one only when it names something.
		prev := s.Names[n-1].Target
		if b.Cond && b.Target == "" && prev != "" {
			continue
		}
		// try: from eventlet.patcher import is_monkey_patched / except
		// ImportError: def is_monkey_patched(...): the module's own
		// fallback does not hide the name it stands in for.
		if b.Cond && prev != "" && isOwn(b.Target, v.Module, b.Name) && !isOwn(prev, v.Module, b.Name) {
			continue
		}
		s.Names[n-1].Target = b.Target
	}
	for _, imp := range v.Imports {
		if imp.From && imp.Func == "" && imp.Dynamic == "" && len(imp.Names) == 1 && imp.Names[0].Name == "*" && imp.Module != "" {
			s.Stars = append(s.Stars, imp.Module)
		}
	}
	s.All, s.HasAll = dunderAll(v.File)
	for _, d := range v.Defs {
		if strings.Contains(d.QualName, "<locals>") || len(d.Returns) == 0 {
			continue
		}
		// Every return that is not None must agree: a helper returning
		// the eventlet module or None returns eventlet where its result is
		// used.
		r, agree := "", true
		for _, x := range d.Returns {
			switch {
			case x == pysrc.ReturnsNone:
			case r == "":
				r = x
			case x != r:
				agree = false
			}
		}
		if !agree {
			r = ""
		}
		if r != "" {
			if s.Returns == nil {
				s.Returns = map[string]string{}
			}
			s.Returns[d.QualName] = r
		}
	}
	var flows *flowIndex // built by the first load whose name needs tracing
	index := func() *flowIndex {
		if flows == nil {
			flows = newFlowIndex(v)
		}
		return flows
	}
	for _, cs := range v.Calls {
		summarizeCall(s, v, cs, index)
	}
	s.copyStrings()
	return s
}

// isOwn reports whether target is module.name, without building it.
func isOwn(target, module, name string) bool {
	return len(target) == len(module)+1+len(name) && strings.HasPrefix(target, module) &&
		target[len(module)] == '.' && strings.HasSuffix(target, name)
}

// Name is one module-level name and what it is bound to.
type Name struct {
	Name, Target string
}

// Lookup returns what a module-level name is bound to.
func (s *Summary) Lookup(name string) (string, bool) {
	i := sort.Search(len(s.Names), func(i int) bool { return s.Names[i].Name >= name })
	if i < len(s.Names) && s.Names[i].Name == name {
		return s.Names[i].Target, true
	}
	return "", false
}

// copyStrings makes every string of the summary a slice of one new
// string: a summary outlives its file, and a substring of the source would
// keep the whole file alive (one allocation instead of one per string).
func (s *Summary) copyStrings() {
	var ptrs []*string
	ptrs = append(ptrs, &s.Module)
	for i := range s.Names {
		ptrs = append(ptrs, &s.Names[i].Name, &s.Names[i].Target)
	}
	for i := range s.Stars {
		ptrs = append(ptrs, &s.Stars[i])
	}
	for i := range s.All {
		ptrs = append(ptrs, &s.All[i])
	}
	for i := range s.Loads {
		ld := &s.Loads[i]
		ptrs = append(ptrs, &ld.Func, &ld.Text, &ld.Target, &ld.Option, &ld.Namespace, &ld.Name)
		for j := range ld.Flows {
			ptrs = append(ptrs, &ld.Flows[j].Value, &ld.Flows[j].Via)
		}
	}
	ptrs = append(ptrs, &s.Path)
	ptrs = s.Decls.stringPtrs(ptrs)
	CopyStrings(ptrs)
	if len(s.Returns) > 0 {
		ret := make(map[string]string, len(s.Returns))
		for k, v := range s.Returns {
			ret[strings.Clone(k)] = strings.Clone(v)
		}
		s.Returns = ret
	}
	if len(s.Options) > 0 {
		opts := make(map[string][]string, len(s.Options))
		for k, v := range s.Options {
			cp := make([]string, len(v))
			for i, d := range v {
				cp[i] = strings.Clone(d)
			}
			opts[strings.Clone(k)] = cp
		}
		s.Options = opts
	}
}

// CopyStrings replaces each string with a slice of one new string holding
// them all.
func CopyStrings(ptrs []*string) {
	n := 0
	for _, p := range ptrs {
		n += len(*p)
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range ptrs {
		b.WriteString(*p)
	}
	all := b.String()
	off := 0
	for _, p := range ptrs {
		l := len(*p)
		*p = all[off : off+l]
		off += l
	}
}

// dunderAll reads a literal module-level __all__ (= and +=, lists and
// tuples of strings); ok is false when the module sets none or sets it to
// something else.
func dunderAll(f *pysrc.File) (all []string, ok bool) {
	add := func(e pysrc.Expr) bool {
		var elts []pysrc.Expr
		switch x := e.(type) {
		case *pysrc.List:
			elts = x.Elts
		case *pysrc.Tuple:
			elts = x.Elts
		default:
			return false
		}
		for _, el := range elts {
			c, isConst := el.(*pysrc.Constant)
			if !isConst || c.Kind != pysrc.ConstStr {
				return false
			}
			all = append(all, f.StringValue(c))
		}
		return true
	}
	isAll := func(t pysrc.Expr) bool {
		n, isName := t.(*pysrc.NameExpr)
		return isName && n.ID == "__all__"
	}
	for _, st := range f.Body {
		switch x := st.(type) {
		case *pysrc.Assign:
			if len(x.Targets) == 1 && isAll(x.Targets[0]) {
				all = all[:0]
				if !add(x.Value) {
					return nil, false
				}
				ok = true
			}
		case *pysrc.AugAssign:
			if isAll(x.Target) && !add(x.Value) {
				return nil, false
			}
		}
	}
	return all, ok
}

func summarizeCall(s *Summary, v *pysrc.View, cs *pysrc.CallSite, flows func() *flowIndex) {
	name := cs.Resolved
	switch {
	case strings.HasPrefix(name, "oslo_config.cfg.") && strings.HasSuffix(name, "Opt") && len(cs.Args) > 0 && cs.Args[0].Kind == pysrc.ValStr:
		for _, kw := range cs.Keywords {
			if kw.Name == "default" && kw.Value.Kind == pysrc.ValStr && isDottedName(kw.Value.Str) {
				if s.Options == nil {
					s.Options = map[string][]string{}
				}
				opt := cs.Args[0].Str
				s.Options[opt] = append(s.Options[opt], kw.Value.Str)
			}
		}
	case tables.Loaders[name] && len(cs.Args) > 0:
		ld := Load{Func: name}
		if a := cs.Args[0]; a.Kind == pysrc.ValStr {
			if name == "importlib.import_module" || name == "oslo_utils.importutils.import_module" {
				return // a literal module: the view's dynamic import already
			}
			ld.Target = a.Str
		} else if opt := optionOf(a); opt != "" {
			ld.Option = opt
		} else if ld.Flows = traceLoad(flows, cs); len(ld.Flows) == 0 {
			return
		}
		addLoad(s, v, cs, ld)
	case strings.HasPrefix(name, "stevedore.") && tables.StevedoreManagers[name[strings.LastIndexByte(name, '.')+1:]]:
		ld := Load{Func: name}
		arg := func(pos int, kw string) (pysrc.Value, bool) {
			for _, k := range cs.Keywords {
				if k.Name == kw {
					return k.Value, true
				}
			}
			if pos < len(cs.Args) {
				return cs.Args[pos], true
			}
			return pysrc.Value{}, false
		}
		ns, ok := arg(0, "namespace")
		if !ok || ns.Kind != pysrc.ValStr {
			return
		}
		ld.Namespace = ns.Str
		if strings.HasSuffix(name, ".DriverManager") {
			if n, ok := arg(1, "name"); ok {
				if n.Kind == pysrc.ValStr {
					ld.Name = n.Str
				} else {
					ld.Option = optionOf(n)
				}
			}
		}
		addLoad(s, v, cs, ld)
	}
}

func addLoad(s *Summary, v *pysrc.View, cs *pysrc.CallSite, ld Load) {
	ld.Line = v.Line(cs.Node.Pos())
	ld.Guard = cs.Guard.Kind
	text := v.File.Text(cs.Node)
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i] + " ..."
	}
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	ld.Text = text
	s.Loads = append(s.Loads, ld)
}

// optionOf names the configuration option an argument reads: the last
// attribute of a chain through a configuration object (CONF.x,
// CONF.group.x, self.conf.x, cfg.CONF.x), "" for anything else.
func optionOf(a pysrc.Value) string {
	text := a.Text
	if a.Ref != "" {
		text = a.Ref
	}
	if !isDottedName(text) {
		return ""
	}
	parts := strings.Split(text, ".")
	for _, p := range parts[:len(parts)-1] {
		if p == "CONF" || strings.EqualFold(p, "conf") {
			return parts[len(parts)-1]
		}
	}
	return ""
}

// isDottedName reports whether s is a dotted Python name (a.b.C).
func isDottedName(s string) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			start = false
		case c >= '0' && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
	}
	return !start
}
