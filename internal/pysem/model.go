package pysem

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/tables"
)

// Root is one source root's part of the model: its modules' summaries and
// the entry points its distribution declares (stevedore drivers are
// entry points of a group named by the manager's namespace).
type Root struct {
	Modules     []*Summary
	EntryPoints []EntryPoint
	// Library marks a root given for resolution only (--with,
	// site-packages): its public names are what the rules know, so a name
	// is not rewritten into a library's internals (see Canonical).
	Library bool
}

// EntryPoint is a declared entry point: "nova.scheduler.driver" group,
// name "filter_scheduler", target "nova.scheduler.filter_scheduler:FilterScheduler".
type EntryPoint struct {
	Group, Name, Target string
}

// Model is the semantic model of the scanned roots. It is read-only once
// built and safe for concurrent use.
type Model struct {
	mods     map[string]*Summary
	root     map[string]int // module → index of its root
	library  []bool         // by root index
	tops     map[string]bool
	options  map[string][]string     // option → defaults, over every module
	eps      map[string][]EntryPoint // group → entry points
	cache    sync.Map                // name → canonical name
	sends    bool                    // some module's Decls have Sends
	optOnce  sync.Once
	optNames []string
}

// maxHops bounds the rewrites of one name: a chain of re-exports longer
// than this (or a cycle) ends where it is.
const maxHops = 64

// New builds the model; when two roots provide the same module, the first
// wins (roots are given project first, as for the import graph).
func New(roots []Root) *Model {
	m := &Model{mods: map[string]*Summary{}, root: map[string]int{}, tops: map[string]bool{},
		options: map[string][]string{}, eps: map[string][]EntryPoint{}}
	for i, r := range roots {
		m.library = append(m.library, r.Library)
		for _, s := range r.Modules {
			if s == nil || s.Module == "" {
				continue
			}
			if _, dup := m.mods[s.Module]; dup {
				continue
			}
			m.mods[s.Module] = s
			m.root[s.Module] = i
			top, _, _ := strings.Cut(s.Module, ".")
			m.tops[top] = true
			m.sends = m.sends || len(s.Sends) > 0
			for opt, defs := range s.Options {
				m.options[opt] = append(m.options[opt], defs...)
			}
		}
		for _, ep := range r.EntryPoints {
			m.eps[ep.Group] = append(m.eps[ep.Group], ep)
		}
	}
	for opt, defs := range m.options {
		slices.Sort(defs)
		m.options[opt] = slices.Compact(defs)
	}
	return m
}

// optionNames lists the options whose defaults name something, sorted.
func (m *Model) optionNames() []string {
	m.optOnce.Do(func() {
		for opt := range m.options {
			m.optNames = append(m.optNames, opt)
		}
		slices.Sort(m.optNames)
	})
	return m.optNames
}

// decl finds the module of a fully qualified name and the rest of the
// name: the key of the module's Decls.
func (m *Model) decl(name string) (*Summary, string) {
	if m == nil || !m.InRoots(name) {
		return nil, ""
	}
	mod := m.moduleOf(name)
	if mod == "" || len(mod) == len(name) {
		return nil, ""
	}
	return m.mods[mod], name[len(mod)+1:]
}

// Ctor is the constructor of what a function or method returns
// ("pkg.mod.make_conf" → "oslo_config.cfg.ConfigOpts"), "" when unknown.
// The name is taken as it is: canonicalise it first.
func (m *Model) Ctor(name string) string {
	if s, key := m.decl(name); s != nil {
		return s.Decls.Ctor(key)
	}
	return ""
}

// Class is a class of the roots and the path of its module's file, nil
// when unknown.
func (m *Model) Class(name string) (*Class, string) {
	if s, key := m.decl(name); s != nil {
		if c := s.Decls.Class(key); c != nil {
			return c, s.Path
		}
	}
	return nil, ""
}

// SendsOf lists the parameters a function sends to another process, with
// the path of its module's file.
func (m *Model) SendsOf(name string) ([]Send, string) {
	if s, key := m.decl(name); s != nil {
		if ss := s.Decls.SendsOf(key); len(ss) > 0 {
			return ss, s.Path
		}
	}
	return nil, ""
}

// PoolFactory reports whether a function returns a process pool, manager
// or launcher (two hops through what functions return, as the pickling
// rule follows them).
func (m *Model) PoolFactory(name string) bool {
	t := m.Canonical(name)
	if slices.Contains(tables.PoolCtors, t) {
		return true
	}
	for range 2 {
		r := m.Ctor(t)
		if r == "" || r == t {
			break
		}
		t = m.Canonical(r)
		if slices.Contains(tables.PoolCtors, t) {
			return true
		}
	}
	return false
}

// AnySends reports whether some function of the roots sends a parameter
// to another process.
func (m *Model) AnySends() bool {
	return m != nil && m.sends
}

// Summary returns a module's summary, nil when it is in no root.
func (m *Model) Summary(module string) *Summary {
	if m == nil {
		return nil
	}
	return m.mods[module]
}

// RootOf returns the index of the root that defines the module a name
// lives in (its longest module prefix), -1 when it is in no root.
func (m *Model) RootOf(name string) int {
	if m == nil {
		return -1
	}
	if mod := m.moduleOf(name); mod != "" {
		return m.root[mod]
	}
	return -1
}

// ModuleOf is the module of the roots a dotted name lives in (its
// longest module prefix), "" when none.
func (m *Model) ModuleOf(name string) string {
	if m == nil {
		return ""
	}
	return m.moduleOf(name)
}

// InRoots reports whether a dotted name starts with a top-level package
// or module of the scanned roots: only such names can be rewritten.
func (m *Model) InRoots(name string) bool {
	if m == nil {
		return false
	}
	return m.tops[head(name)]
}

// head is the first component of a dotted name, before any call.
func head(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] == '.' || name[i] == '(' {
			return name[:i]
		}
	}
	return name
}

// moduleOf returns the longest prefix of name (at a dot, before any call)
// that is a module of the model.
func (m *Model) moduleOf(name string) string {
	if i := strings.Index(name, "()"); i >= 0 {
		name = name[:i]
		if j := strings.LastIndexByte(name, '.'); j >= 0 {
			name = name[:j] // the called name is not a module
		} else {
			return ""
		}
	}
	for {
		if _, ok := m.mods[name]; ok {
			return name
		}
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return ""
		}
		name = name[:i]
	}
}

// Canonical is what a dotted name finally names: re-exports (of names and
// of modules), star imports and functions that return a known name are
// followed, across modules and roots, chains of any length, cycles cut.
// A name the model cannot rewrite is returned as it is; a result that
// still holds "()" is the result of a call the model does not know.
func (m *Model) Canonical(name string) string {
	if m == nil || !m.InRoots(name) {
		return name
	}
	if c, ok := m.cache.Load(name); ok {
		return c.(string)
	}
	c := name
	var seen map[string]bool // allocated when a first rewrite is made
	public := ""             // the first name of the chain inside a library root
	for hop := 0; hop < maxHops; hop++ {
		if public == "" && m.inLibrary(c) {
			public = c
		}
		next, ok := m.step(c)
		if !ok || next == name || seen[next] {
			break
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[next] = true
		c = next
		if !m.InRoots(c) {
			break // left the roots: nothing more to rewrite
		}
	}
	// A chain that ends inside a library's own modules ends at the name by
	// which it entered the library: oslo_service.service.launch, not the
	// private module that defines it. A chain that leaves every root
	// (eventlet.spawn) or ends in the project is followed to its end.
	if public != "" && m.inLibrary(c) {
		c = public
	}
	m.cache.Store(name, c)
	return c
}

func (m *Model) inLibrary(name string) bool {
	i := m.RootOf(name)
	return i >= 0 && m.library[i]
}

// step rewrites the first component after the name's module once.
func (m *Model) step(name string) (string, bool) {
	mod := m.moduleOf(name)
	if mod == "" || len(mod) == len(name) {
		return "", false
	}
	rest := name[len(mod)+1:]
	head, tail, _ := strings.Cut(rest, ".")
	base := strings.TrimRight(head, "()")
	calls := (len(head) - len(base)) / 2
	s := m.mods[mod]
	target, ok := m.lookup(s, base, 0)
	if !ok || target == "" {
		return "", false
	}
	own := target == mod+"."+base
	var repl string
	switch {
	case !own:
		repl = target + strings.Repeat("()", calls)
	case calls > 0:
		if r := s.Returns[base]; r != "" {
			repl = r + strings.Repeat("()", calls-1)
			break
		}
		// Cls().m(): what the method returns.
		mname, mtail, _ := strings.Cut(tail, ".")
		mbase := strings.TrimRight(mname, "()")
		mcalls := (len(mname) - len(mbase)) / 2
		r := s.Returns[base+"."+mbase]
		if calls != 1 || mcalls == 0 || r == "" {
			return "", false
		}
		repl, tail = r+strings.Repeat("()", mcalls-1), mtail
	default:
		return "", false // the module's own def or class
	}
	if tail != "" {
		repl += "." + tail
	}
	return repl, true
}

// lookup finds a module-level name of a module, through its star imports
// (honouring __all__, and leaving out private names without one).
func (m *Model) lookup(s *Summary, name string, depth int) (string, bool) {
	if t, ok := s.Lookup(name); ok {
		return t, true
	}
	if depth > 16 {
		return "", false
	}
	for _, star := range s.Stars {
		src := m.mods[star]
		if src == nil || src == s {
			continue
		}
		if src.HasAll {
			found := false
			for _, a := range src.All {
				found = found || a == name
			}
			if !found {
				continue
			}
		} else if strings.HasPrefix(name, "_") {
			continue
		}
		if t, ok := m.lookup(src, name, depth+1); ok {
			return t, true
		}
		if _, sub := m.mods[star+"."+name]; sub {
			return star + "." + name, true
		}
	}
	return "", false
}

// Dynamic is a module a module loads by name, as resolved by the model.
type Dynamic struct {
	Module string // the module loaded
	Line   int
	Text   string
	// Why says what chose it: the option and its default, the literal
	// name, or the stevedore namespace and driver.
	Why string
	// Choice is set when the load resolves to more than one module
	// through the values its argument can take inside its module (a
	// dict's values, the options matching a pattern): one of them is
	// loaded, depending on how the process was started.
	Choice bool
	Load
}

// Dynamic lists the modules a module loads by name that the model can
// resolve: literal names, the defaults of the configuration options that
// name them, and the stevedore drivers of a namespace (the named one, or
// every one when the name is not known). A name no root defines is left
// out: nothing can be said about it.
func (m *Model) Dynamic(module string) []Dynamic {
	s := m.Summary(module)
	if s == nil {
		return nil
	}
	var out []Dynamic
	add := func(ld Load, name, why string) {
		mod := m.moduleOf(m.Canonical(name))
		if mod == "" || mod == module {
			return
		}
		out = append(out, Dynamic{Module: mod, Line: ld.Line, Text: ld.Text, Why: why, Load: ld})
	}
	for _, ld := range s.Loads {
		switch {
		case ld.Target != "":
			add(ld, ld.Target, "loads "+ld.Target+" by name")
		case ld.Namespace != "":
			for _, ep := range m.eps[ld.Namespace] {
				switch {
				case ld.Name != "" && ep.Name != ld.Name:
					continue
				case ld.Name != "":
					add(ld, targetName(ep.Target), "stevedore driver "+ep.Name+" of "+ld.Namespace)
				case ld.Option != "" && !slices.Contains(m.options[ld.Option], ep.Name):
					continue
				case ld.Option != "":
					add(ld, targetName(ep.Target), "stevedore driver "+ep.Name+" of "+ld.Namespace+" (default of option "+ld.Option+")")
				default:
					add(ld, targetName(ep.Target), "a stevedore driver of "+ld.Namespace+" ("+ep.Name+")")
				}
			}
		case ld.Option != "":
			for _, def := range m.options[ld.Option] {
				add(ld, def, "default of option "+ld.Option+": "+def)
			}
		}
		first := len(out)
		for _, fl := range ld.Flows {
			switch fl.Kind {
			case FlowName:
				add(ld, fl.Value, "loads "+fl.Value+" by name: "+fl.Via)
			case FlowOption:
				for _, def := range m.options[fl.Value] {
					add(ld, def, "default of option "+fl.Value+": "+def+" ("+fl.Via+")")
				}
			case FlowPattern:
				for _, opt := range m.optionNames() {
					if matchPattern(fl.Value, opt) {
						for _, def := range m.options[opt] {
							add(ld, def, "default of option "+opt+": "+def+" ("+fl.Via+")")
						}
					}
				}
			}
		}
		if choice := out[first:]; len(choice) > 1 {
			for i := range choice {
				choice[i].Choice = true
				choice[i].Why = "one of " + strconv.Itoa(len(choice)) + " chosen at run time: " + choice[i].Why
			}
		}
	}
	return out
}

func targetName(t string) string {
	mod, attr, _ := strings.Cut(t, ":")
	mod, attr = strings.TrimSpace(mod), strings.TrimSpace(attr)
	if attr == "" {
		return mod
	}
	attr, _, _ = strings.Cut(attr, " ")
	return mod + "." + attr
}
