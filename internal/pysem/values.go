package pysem

import (
	"slices"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// Decls are what a module declares about the values it makes, for the
// rules that follow a value across modules (the pickling rule): what its
// functions return, what its classes' instances hold, and which
// parameters its functions send to another process. Keys are qualified
// names within the module ("make_conf", "Service.create", "Service"),
// each slice sorted by its key.
type Decls struct {
	// Ctors are the functions and methods whose return statements all
	// return an instance of one constructor.
	Ctors []Ctor
	// Classes are the module's classes (not those defined in functions).
	Classes []Class
	// Sends are the parameters module-level functions hand to a process
	// launch site unchanged.
	Sends []Send
	// MayLaunch is set when the module may launch processes (MayLaunch);
	// Launches when it holds a launch site as its own names resolve.
	MayLaunch, Launches bool
}

// Ctor is what a function returns: the resolved constructor of the value
// ("oslo_config.cfg.ConfigOpts", "pkg.mod.Service").
type Ctor struct {
	Func, Type string
}

// Class is what an instance of a class holds once constructed.
type Class struct {
	Name  string // qualified name in the module
	Line  int
	Bases []string // resolved dotted names
	// Custom is set when the class customises pickling (__getstate__,
	// __reduce__, __reduce_ex__, __getnewargs_ex__).
	Custom bool
	// Attrs are what __init__ (or a method it calls on self) stores on
	// the instance, sorted by name.
	Attrs []Attr
}

// Attr is an attribute an instance holds: "self.x", the resolved
// constructor of its value, and the line of the assignment.
type Attr struct {
	Name, Ctor string
	Line       int
}

// Attr returns what the class stores in an attribute ("self.x").
func (c *Class) Attr(name string) (Attr, bool) {
	i := sort.Search(len(c.Attrs), func(i int) bool { return c.Attrs[i].Name >= name })
	if i < len(c.Attrs) && c.Attrs[i].Name == name {
		return c.Attrs[i], true
	}
	return Attr{}, false
}

// Send is a parameter a function hands to a process launch site.
type Send struct {
	Func  string
	Param int    // position among the parameters
	Name  string // the parameter's name, for keyword arguments
	Site  string // the launch site, as its message names it
	Line  int
}

// Ctor is what the function key returns, "" when unknown.
func (d *Decls) Ctor(key string) string {
	i := sort.Search(len(d.Ctors), func(i int) bool { return d.Ctors[i].Func >= key })
	if i < len(d.Ctors) && d.Ctors[i].Func == key {
		return d.Ctors[i].Type
	}
	return ""
}

// Class is the class key, nil when the module has none by that name.
func (d *Decls) Class(key string) *Class {
	i := sort.Search(len(d.Classes), func(i int) bool { return d.Classes[i].Name >= key })
	if i < len(d.Classes) && d.Classes[i].Name == key {
		return &d.Classes[i]
	}
	return nil
}

// SendsOf lists the parameters the function key sends to another process.
func (d *Decls) SendsOf(key string) []Send {
	i := sort.Search(len(d.Sends), func(i int) bool { return d.Sends[i].Func >= key })
	j := i
	for j < len(d.Sends) && d.Sends[j].Func == key {
		j++
	}
	return d.Sends[i:j]
}

// stringPtrs lists the strings of the declarations, for copyStrings.
func (d *Decls) stringPtrs(ptrs []*string) []*string {
	for i := range d.Ctors {
		ptrs = append(ptrs, &d.Ctors[i].Func, &d.Ctors[i].Type)
	}
	for i := range d.Classes {
		c := &d.Classes[i]
		c.Bases = slices.Clone(c.Bases) // not the view's slice
		ptrs = append(ptrs, &c.Name)
		for j := range c.Bases {
			ptrs = append(ptrs, &c.Bases[j])
		}
		for j := range c.Attrs {
			ptrs = append(ptrs, &c.Attrs[j].Name, &c.Attrs[j].Ctor)
		}
	}
	for i := range d.Sends {
		ptrs = append(ptrs, &d.Sends[i].Func, &d.Sends[i].Name, &d.Sends[i].Site)
	}
	return ptrs
}

// ConfigHolderPrefix marks, in what a name holds, a config holder built
// with the oslo.config object.
const ConfigHolderPrefix = "letgo:holds-config:"

// Values is the per-function value tracking of one file: what names are
// assigned from (constructor calls, the CONF object), where, and, in a
// file that may launch processes, its process pools and start methods.
// The pickling rule and the test and order rules read it; the summary's
// Decls are derived from it.
type Values struct {
	View *pysrc.View
	// resolve maps a resolved name to what the caller's rules see;
	// resolveType follows what a called function returns.
	resolve, resolveType func(string) string
	// Assigned and Lines are the names assigned from calls, per
	// enclosing function ("" for module level): the resolved
	// constructor, and where.
	Assigned map[string]map[string]string
	Lines    map[string]map[string]pysrc.Pos
	// Pools are the names bound to a process pool, manager or launcher,
	// by function, with its constructor.
	Pools map[string]map[string]string
	// Methods are the start methods of contexts (ctx =
	// get_context("fork")) and of pools and managers built with
	// mp_context=, by function and name.
	Methods map[string]map[string]string
	// FileMethod is a set_start_method("...") of the file, if any.
	FileMethod string
	// Nested are the qualnames of functions defined inside functions.
	Nested  map[string]bool
	returns map[string][]pysrc.Expr // func → its return values
	refs    map[pysrc.Expr]string   // resolved references, by node
	// selfCalls are the methods each method calls on self.
	selfCalls *selfCalls
	// Launch is set when the file may launch processes (MayLaunch).
	Launch bool
}

// TrackValues gathers a file's assignments. resolve maps the view's
// resolved names (nil: as they are); resolveType follows what a called
// function returns (nil: not followed). full walks every function even
// when the file launches no process; without it a file without launch
// sites walks only what its Decls need: module-level functions, class and
// static methods, and __init__ with the methods it calls on self.
func TrackValues(v *pysrc.View, resolve, resolveType func(string) string, full bool) *Values {
	if resolve == nil {
		resolve = identity
	}
	return trackValues(v, resolve, resolveType, full, mayLaunch(v, resolve))
}

// TrackValuesLaunch is TrackValues for a caller that has already asked
// MayLaunchWith(v, resolve): launch is its answer.
func TrackValuesLaunch(v *pysrc.View, resolve, resolveType func(string) string, full, launch bool) *Values {
	if resolve == nil {
		resolve = identity
	}
	return trackValues(v, resolve, resolveType, full, launch)
}

func identity(s string) string { return s }

func trackValues(v *pysrc.View, resolve, resolveType func(string) string, full, launch bool) *Values {
	if resolveType == nil {
		resolveType = identity
	}
	vs := &Values{View: v, resolve: resolve, resolveType: resolveType, Assigned: map[string]map[string]string{},
		Lines: map[string]map[string]pysrc.Pos{}, Pools: map[string]map[string]string{},
		Methods: map[string]map[string]string{}, Nested: map[string]bool{}, returns: map[string][]pysrc.Expr{}}
	vs.Launch = launch
	for _, d := range v.Defs {
		if strings.Contains(d.QualName, ".<locals>.") {
			vs.Nested[d.QualName] = true
		}
	}
	// Names assigned from constructor calls and returned values, by
	// enclosing function; nested definitions are walked as their own.
	vs.walk(v.File.Body, "")
	var init map[string]bool
	if !vs.Launch && !full {
		init = initChains(v, vs.selfCallsOf())
	}
	for _, d := range v.Defs {
		if vs.Launch || full || init[d.QualName] || d.Class == "" && !vs.Nested[d.QualName] || isFactory(d) {
			vs.walk(d.Node.Body, d.QualName)
		}
	}
	if vs.Launch {
		for _, cs := range v.Calls {
			if name := resolve(cs.Resolved); name == "multiprocessing.set_start_method" && len(cs.Args) > 0 && cs.Args[0].Kind == pysrc.ValStr {
				vs.FileMethod = cs.Args[0].Str
			}
		}
	}
	return vs
}

// walk gathers what the statements of one function's body (fn, "" for
// module level) assign and return, in source order: the bodies of
// compound statements are walked, nested definitions and expressions are
// not (only statements hold what is tracked).
func (vs *Values) walk(body []pysrc.Stmt, fn string) {
	for _, s := range body {
		switch x := s.(type) {
		case *pysrc.Return:
			if fn != "" {
				vs.returns[fn] = append(vs.returns[fn], x.X)
			}
		case *pysrc.Assign:
			vs.assign(x, fn)
		case *pysrc.With:
			for _, it := range x.Items {
				if c, ok := it.Context.(*pysrc.Call); ok && it.Vars != nil {
					if cs := vs.View.CallSiteOf(c); cs != nil {
						vs.note(fn, vs.targetName(it.Vars), cs, x.Pos())
					}
				}
			}
			vs.walk(x.Body, fn)
		case *pysrc.If:
			vs.walk(x.Body, fn)
			vs.walk(x.Orelse, fn)
		case *pysrc.While:
			vs.walk(x.Body, fn)
			vs.walk(x.Orelse, fn)
		case *pysrc.For:
			vs.walk(x.Body, fn)
			vs.walk(x.Orelse, fn)
		case *pysrc.Try:
			vs.walk(x.Body, fn)
			for _, h := range x.Handlers {
				vs.walk(h.Body, fn)
			}
			vs.walk(x.Orelse, fn)
			vs.walk(x.Finalbody, fn)
		case *pysrc.Match:
			for _, c := range x.Cases {
				vs.walk(c.Body, fn)
			}
		}
	}
}

// assign records an assignment from a call, or of the CONF object.
func (vs *Values) assign(x *pysrc.Assign, fn string) {
	if c, ok := x.Value.(*pysrc.Call); ok {
		if cs := vs.View.CallSiteOf(c); cs != nil {
			for _, t := range x.Targets {
				vs.note(fn, vs.targetName(t), cs, x.Pos())
			}
		}
	} else if isConfName(x.Value) {
		// self.conf = CONF: the object itself is kept.
		if r := vs.ResolveName(x.Value); r != "" {
			if _, ok := tables.UnpicklableValues[r]; ok {
				for _, t := range x.Targets {
					vs.set(fn, vs.targetName(t), r, x.Pos())
				}
			}
		}
	}
}

// ResolveName is the resolved name of a reference expression, "".
func (vs *Values) ResolveName(e pysrc.Expr) string {
	if vs.refs == nil {
		vs.refs = make(map[pysrc.Expr]string, len(vs.View.Refs))
		for _, r := range vs.View.Refs {
			vs.refs[r.Node] = r.Resolved
		}
	}
	if r, ok := vs.refs[e]; ok && r != "" {
		return vs.resolve(r)
	}
	return ""
}

// CtorOf is the resolved name a call constructs or calls; cls(...) in a
// method is the method's class.
func (vs *Values) CtorOf(cs *pysrc.CallSite) string {
	if cs.Callee == "cls" && cs.Class != "" && vs.View.Module != "" {
		return vs.View.Module + "." + cs.Class
	}
	if cs.Resolved == "" {
		return ""
	}
	return vs.resolve(cs.Resolved)
}

// TargetName is the name an assignment target binds: a name, or
// "self.x".
func TargetName(t pysrc.Expr) string {
	switch x := t.(type) {
	case *pysrc.NameExpr:
		return x.ID
	case *pysrc.Attribute:
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" {
			return "self." + x.Attr
		}
	}
	return ""
}

// targetName is TargetName without building "self.x" when the source
// spells it so (the usual case): the string is then the source's.
func (vs *Values) targetName(t pysrc.Expr) string {
	if x, ok := t.(*pysrc.Attribute); ok {
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" {
			if src := vs.View.File.Text(x); len(src) == len("self.")+len(x.Attr) && src[:len("self.")] == "self." && src[len("self."):] == x.Attr {
				return src
			}
		}
	}
	return TargetName(t)
}

func (vs *Values) note(fn, name string, cs *pysrc.CallSite, at pysrc.Pos) {
	if name == "" {
		return
	}
	resolved := vs.CtorOf(cs)
	if tables.ConfigHolders[resolved] && vs.givenConfig(cs, fn) {
		resolved = ConfigHolderPrefix + resolved
	}
	vs.set(fn, name, resolved, at)
	if !vs.Launch {
		return // contexts and pools matter only where processes are launched
	}
	set := func(m map[string]map[string]string, v string) {
		if m[fn] == nil {
			m[fn] = map[string]string{}
		}
		m[fn][name] = v
	}
	if m := vs.contextMethod(cs); m != "" {
		set(vs.Methods, m)
	}
	if rt := vs.resolveType(resolved); slices.Contains(tables.PoolCtors, rt) || strings.HasSuffix(cs.Callee, ".Pool") || strings.HasSuffix(cs.Callee, "ProcessPoolExecutor") {
		if rt == "" {
			rt = cs.Callee
		}
		set(vs.Pools, rt)
		for _, k := range cs.Node.Keywords {
			if k.Arg == "mp_context" {
				if m := vs.methodOf(k.Value, fn); m != "" {
					set(vs.Methods, m)
				}
			}
		}
	}
}

// set records what a name holds in fn and where it was assigned.
func (vs *Values) set(fn, name, ctor string, at pysrc.Pos) {
	if name == "" {
		return
	}
	if vs.Assigned[fn] == nil {
		vs.Assigned[fn] = map[string]string{}
		vs.Lines[fn] = map[string]pysrc.Pos{}
	}
	vs.Assigned[fn][name] = ctor
	vs.Lines[fn][name] = at
}

// isConfName says whether an expression may name the CONF object (CONF,
// cfg.CONF), before resolving it.
func isConfName(e pysrc.Expr) bool {
	switch x := e.(type) {
	case *pysrc.NameExpr:
		return x.ID == "CONF"
	case *pysrc.Attribute:
		return x.Attr == "CONF"
	}
	return false
}

// givenConfig says whether a call's first argument (or conf=) is the
// oslo.config object or a ConfigOpts.
func (vs *Values) givenConfig(cs *pysrc.CallSite, fn string) bool {
	var vals []pysrc.Value
	if len(cs.Args) > 0 {
		vals = append(vals, cs.Args[0])
	}
	for _, k := range cs.Keywords {
		if k.Name == "conf" {
			vals = append(vals, k.Value)
		}
	}
	for _, v := range vals {
		if v.Ref != "" {
			if _, ok := tables.UnpicklableValues[vs.resolve(v.Ref)]; ok {
				return true
			}
		}
		if vs.TypeOf(fn, v.Text) == "oslo_config.cfg.ConfigOpts" {
			return true
		}
	}
	return false
}

// contextMethod is the start method of a get_context("...") call, "".
func (vs *Values) contextMethod(cs *pysrc.CallSite) string {
	if cs.Resolved == "" {
		return ""
	}
	if name := vs.resolve(cs.Resolved); (name == "multiprocessing.get_context" || strings.HasSuffix(name, "multiprocessing.context.get_context")) &&
		len(cs.Args) > 0 && cs.Args[0].Kind == pysrc.ValStr {
		return cs.Args[0].Str
	}
	return ""
}

// methodOf is the start method an mp_context= value stands for: a
// get_context("...") call or a name bound to one.
func (vs *Values) methodOf(e pysrc.Expr, fn string) string {
	switch x := e.(type) {
	case *pysrc.Call:
		if cs := vs.View.CallSiteOf(x); cs != nil {
			return vs.contextMethod(cs)
		}
	case *pysrc.NameExpr:
		return Lookup(vs.Methods, fn, x.ID)
	}
	return ""
}

// Lookup finds a name's entry in fn, then at module level.
func Lookup(m map[string]map[string]string, fn, name string) string {
	if v, ok := m[fn][name]; ok {
		return v
	}
	return m[""][name]
}

// TypeOf names what a name refers to in fn (then module level).
func (vs *Values) TypeOf(fn, name string) string {
	return Lookup(vs.Assigned, fn, name)
}

// StartMethod is the start method in force at a launch site, when the
// code sets one: the context the process or pool came from, or the
// file's set_start_method.
func (vs *Values) StartMethod(cs *pysrc.CallSite) string {
	if i := strings.LastIndexByte(cs.Callee, '.'); i > 0 {
		if m := Lookup(vs.Methods, cs.Func, cs.Callee[:i]); m != "" {
			return m
		}
	}
	return vs.FileMethod
}

// MayLaunch says whether a file may hold a process launch site: a call
// into multiprocessing, concurrent.futures' or futurist's process pools,
// cotyledon or oslo.service, or a call with a workers= argument.
func MayLaunch(v *pysrc.View) bool {
	return mayLaunch(v, func(s string) string { return s })
}

// MayLaunchWith is MayLaunch with the view's names mapped by resolve.
func MayLaunchWith(v *pysrc.View, resolve func(string) string) bool {
	return mayLaunch(v, resolve)
}

// MayLaunchNames is MayLaunchWith given the names resolve gives the
// view's calls, by index (the rules' analysis.Pass.CallNames).
func MayLaunchNames(v *pysrc.View, names []string) bool {
	for i, cs := range v.Calls {
		if launchName(names[i]) || workersKeyword(cs) {
			return true
		}
	}
	return false
}

func mayLaunch(v *pysrc.View, resolve func(string) string) bool {
	for _, cs := range v.Calls {
		name := cs.Resolved
		if name != "" {
			name = resolve(name)
		}
		if launchName(name) || workersKeyword(cs) {
			return true
		}
	}
	return false
}

// launchName says whether a resolved name is a call into
// multiprocessing, cotyledon, oslo.service or a ProcessPoolExecutor (the
// first byte is tested before the prefixes: most calls are none of them).
func launchName(name string) bool {
	if name == "" {
		return false
	}
	switch name[0] {
	case 'm':
		if strings.HasPrefix(name, "multiprocessing.") {
			return true
		}
	case 'c':
		if strings.HasPrefix(name, "cotyledon.") {
			return true
		}
	case 'o':
		if strings.HasPrefix(name, "oslo_service.") {
			return true
		}
	}
	return name[len(name)-1] == 'r' && strings.HasSuffix(name, "ProcessPoolExecutor")
}

func workersKeyword(cs *pysrc.CallSite) bool {
	for _, k := range cs.Keywords {
		if k.Name == "workers" {
			return true
		}
	}
	return false
}

// selfCalls are the methods each method of a file calls on self, as runs
// of consecutive calls of one method (the calls of a method mostly follow
// each other): no map and no slice per method. A file with many runs is
// indexed by method (past maxSelfRuns), so that a lookup stays cheap on
// any input.
type selfCalls struct {
	runs  []selfRun
	names []string
	byFn  map[string][]string // when len(runs) > maxSelfRuns
}

type selfRun struct {
	fn         string
	start, end int32
}

const maxSelfRuns = 256

// each calls f with every method fn calls on self, in source order.
func (sc *selfCalls) each(fn string, f func(m string)) {
	if sc.byFn != nil {
		for _, m := range sc.byFn[fn] {
			f(m)
		}
		return
	}
	for _, r := range sc.runs {
		if r.fn == fn {
			for _, m := range sc.names[r.start:r.end] {
				f(m)
			}
		}
	}
}

// selfCallsOf lists the methods each method calls on self (computed once
// for the file: the walk and Decls both need it).
func (vs *Values) selfCallsOf() *selfCalls {
	if vs.selfCalls == nil {
		vs.selfCalls = selfCallsOf(vs.View)
	}
	return vs.selfCalls
}

func selfCallsOf(v *pysrc.View) *selfCalls {
	sc := &selfCalls{}
	for _, cs := range v.Calls {
		if cs.Class == "" || len(cs.Callee) < len("self.") || cs.Callee[:len("self.")] != "self." {
			continue
		}
		m := cs.Callee[len("self."):]
		if strings.IndexByte(m, '.') >= 0 {
			continue
		}
		if n := len(sc.runs); n == 0 || sc.runs[n-1].fn != cs.Func {
			sc.runs = append(sc.runs, selfRun{fn: cs.Func, start: int32(len(sc.names))})
		}
		sc.names = append(sc.names, m)
		sc.runs[len(sc.runs)-1].end = int32(len(sc.names))
	}
	if len(sc.runs) > maxSelfRuns {
		sc.byFn = map[string][]string{}
		for _, r := range sc.runs {
			sc.byFn[r.fn] = append(sc.byFn[r.fn], sc.names[r.start:r.end]...)
		}
	}
	return sc
}

// initChains are the qualified names of every class's __init__ and the
// methods it calls on self, transitively.
func initChains(v *pysrc.View, calls *selfCalls) map[string]bool {
	chain := map[string]bool{}
	var visit func(class, m string)
	visit = func(class, m string) {
		q := class + "." + m
		if chain[q] {
			return
		}
		chain[q] = true
		calls.each(q, func(n string) { visit(class, n) })
	}
	for _, c := range v.Classes {
		visit(c.QualName, "__init__")
	}
	return chain
}

// isFactory says whether a method is a class or static method, whose
// return value Decls may name (Service.create()).
func isFactory(d *pysrc.FuncDef) bool {
	for _, dec := range d.Decorators {
		if dec == "classmethod" || dec == "staticmethod" {
			return true
		}
	}
	return false
}

// returnType is the constructor of what a function returns, when every
// return statement agrees on one.
func (vs *Values) returnType(d *pysrc.FuncDef) string {
	t := ""
	for _, e := range vs.returns[d.QualName] {
		var r string
		switch x := e.(type) {
		case *pysrc.Call:
			if cs := vs.View.CallSiteOf(x); cs != nil {
				r = vs.CtorOf(cs)
			}
		case *pysrc.NameExpr:
			r = vs.Assigned[d.QualName][x.ID]
		}
		if r == "" || t != "" && r != t {
			return ""
		}
		t = r
	}
	return t
}

// LaunchValues returns what crosses the process boundary at a launch
// site: the site as a message names it, and the values sent ("" and nil
// when the call is no launch site).
func (vs *Values) LaunchValues(cs *pysrc.CallSite) (site string, values []pysrc.Expr) {
	c := cs.Node
	name := ""
	if cs.Resolved != "" {
		name = vs.resolve(cs.Resolved)
	}
	kw := func(k string) pysrc.Expr {
		for _, x := range c.Keywords {
			if x.Arg == k {
				return x.Value
			}
		}
		return nil
	}
	elems := func(e pysrc.Expr) []pysrc.Expr {
		switch x := e.(type) {
		case *pysrc.Tuple:
			return x.Elts
		case *pysrc.List:
			return x.Elts
		case *pysrc.Dict:
			return x.Values
		case nil:
			return nil
		}
		return []pysrc.Expr{e}
	}
	switch {
	case name == "multiprocessing.Process" || strings.HasSuffix(cs.Callee, ".Process") && kw("target") != nil:
		vals := []pysrc.Expr{kw("target")}
		vals = append(vals, elems(kw("args"))...)
		vals = append(vals, elems(kw("kwargs"))...)
		return cs.Callee + "()", vals
	case strings.HasSuffix(name, "oslo_service.service.launch"):
		if w := kw("workers"); w != nil && len(c.Args) >= 2 {
			if v := vs.View.File.Text(w); v != "1" && v != "None" {
				return "service.launch(..., workers=" + v + ")", c.Args[1:2]
			}
		}
	}
	i := strings.LastIndexByte(cs.Callee, '.')
	if i < 0 {
		return "", nil
	}
	recv, method := cs.Callee[:i], cs.Callee[i+1:]
	ctor, ok := vs.Pools[cs.Func][recv]
	if !ok {
		ctor, ok = vs.Pools[""][recv]
	}
	if !ok {
		return "", nil
	}
	switch method {
	case "submit", "apply", "apply_async", "map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async":
		vals := append([]pysrc.Expr{}, c.Args...)
		for _, k := range c.Keywords {
			vals = append(vals, k.Value)
		}
		if method == "apply" || method == "apply_async" {
			if len(c.Args) > 1 {
				vals = append([]pysrc.Expr{c.Args[0]}, elems(c.Args[1])...)
			}
		}
		return recv + "." + method + "() of " + ctor, vals
	case "add":
		if strings.Contains(ctor, "ServiceManager") {
			return recv + ".add() of cotyledon.ServiceManager", elems(kw("args"))
		}
	case "launch_service":
		if strings.HasSuffix(ctor, "ProcessLauncher") {
			if len(c.Args) > 0 {
				return recv + ".launch_service() of " + ctor, c.Args[:1]
			}
			return recv + ".launch_service() of " + ctor, []pysrc.Expr{kw("service")}
		}
	}
	return "", nil
}

// ParamIndex is the position of a module-level function's parameter that
// a value names, when the function does not rebind it.
func (vs *Values) ParamIndex(fn string, v pysrc.Expr) (int, bool) {
	n, ok := v.(*pysrc.NameExpr)
	if !ok || fn == "" || vs.TypeOf(fn, n.ID) != "" {
		return 0, false
	}
	for _, d := range vs.View.Defs {
		if d.QualName != fn || d.Class != "" || vs.Nested[fn] {
			continue
		}
		for i, prm := range d.Params {
			if prm.Name == n.ID && prm.Kind == pysrc.ParamNormal {
				return i, true
			}
		}
	}
	return 0, false
}

// Decls derives what the file declares for other modules from what was
// gathered: what its functions return, what its classes hold, and the
// parameters its functions send to a launch site.
func (vs *Values) Decls() Decls {
	var d Decls
	v := vs.View
	if v.Module == "" {
		d.MayLaunch = vs.Launch
		return d
	}
	for _, def := range v.Defs {
		if strings.Contains(def.QualName, "<locals>") {
			continue
		}
		if t := vs.returnType(def); t != "" {
			d.Ctors = append(d.Ctors, Ctor{Func: def.QualName, Type: t})
		}
	}
	// Each class's __init__ (its last def), and the classes that
	// customise pickling; the other methods by class and name (the last
	// def of a name) only once a chain needs them.
	type method struct{ class, name string }
	var inits map[string]*pysrc.FuncDef
	var custom map[string]bool
	for _, def := range v.Defs {
		if def.Class == "" {
			continue
		}
		switch def.Name {
		case "__init__":
			if inits == nil {
				inits = map[string]*pysrc.FuncDef{}
			}
			inits[def.Class] = def
		case "__getstate__", "__reduce__", "__reduce_ex__", "__getnewargs_ex__":
			if custom == nil {
				custom = map[string]bool{}
			}
			custom[def.Class] = true
		}
	}
	var methods map[method]*pysrc.FuncDef
	methodOf := func(class, name string) *pysrc.FuncDef {
		if name == "__init__" {
			return inits[class]
		}
		if methods == nil {
			methods = map[method]*pysrc.FuncDef{}
			for _, def := range v.Defs {
				if def.Class != "" {
					methods[method{def.Class, def.Name}] = def
				}
			}
		}
		return methods[method{class, name}]
	}
	var selfCalls *selfCalls
	var queue []string
	seen, have := map[string]bool{}, map[string]bool{}
	for _, c := range v.Classes {
		if strings.Contains(c.QualName, "<locals>") {
			continue
		}
		cl := Class{Name: c.QualName, Line: v.Line(c.Node.Pos()), Bases: c.Bases, Custom: custom[c.QualName]}
		// What __init__ stores, and the methods it calls on self: the
		// first assignment of each attribute along the chain.
		if inits[c.QualName] != nil {
			if selfCalls == nil {
				selfCalls = vs.selfCallsOf()
			}
			queue = append(queue[:0], "__init__")
			clear(seen)
			clear(have)
		}
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			def := methodOf(c.QualName, m)
			if def == nil || seen[m] {
				continue
			}
			seen[m] = true
			for name, ctor := range vs.Assigned[def.QualName] {
				if strings.HasPrefix(name, "self.") && ctor != "" && !have[name] {
					have[name] = true
					cl.Attrs = append(cl.Attrs, Attr{Name: name, Ctor: ctor, Line: v.Line(vs.Lines[def.QualName][name])})
				}
			}
			selfCalls.each(def.QualName, func(m string) { queue = append(queue, m) })
		}
		slices.SortFunc(cl.Attrs, func(a, b Attr) int { return strings.Compare(a.Name, b.Name) })
		d.Classes = append(d.Classes, cl)
	}
	d.MayLaunch = vs.Launch
	if vs.Launch {
		for _, cs := range v.Calls {
			site, vals := vs.LaunchValues(cs)
			if site == "" {
				continue
			}
			d.Launches = true
			for _, val := range vals {
				if val == nil {
					continue
				}
				if i, ok := vs.ParamIndex(cs.Func, val); ok {
					d.Sends = append(d.Sends, Send{Func: cs.Func, Param: i, Name: v.File.Text(val), Site: site, Line: v.Line(cs.Node.Pos())})
				}
			}
		}
	}
	// A name defined twice (a def in each branch of a condition) keeps
	// its last definition.
	sort.SliceStable(d.Ctors, func(i, j int) bool { return d.Ctors[i].Func < d.Ctors[j].Func })
	d.Ctors = keepLast(d.Ctors, func(c Ctor) string { return c.Func })
	sort.SliceStable(d.Classes, func(i, j int) bool { return d.Classes[i].Name < d.Classes[j].Name })
	d.Classes = keepLast(d.Classes, func(c Class) string { return c.Name })
	sort.SliceStable(d.Sends, func(i, j int) bool { return d.Sends[i].Func < d.Sends[j].Func })
	return d
}

// keepLast drops, from a slice sorted by key, every element but the last
// of each key.
func keepLast[T any](xs []T, key func(T) string) []T {
	out := xs[:0]
	for i, x := range xs {
		if i+1 < len(xs) && key(xs[i+1]) == key(x) {
			continue
		}
		out = append(out, x)
	}
	return out
}
