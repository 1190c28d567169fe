package rules

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// unpicklable maps constructors whose objects cannot be pickled to what
// they are. Data in one place. Each entry was checked with
// multiprocessing's ForkingPickler (Python 3.11; eventlet 0.41): sockets are
// not here because multiprocessing passes them to children (DupFd), nor
// are eventlet's Semaphore and LightQueue, which pickle.
var unpicklable = map[string]string{
	"threading.Lock": "a lock", "threading.RLock": "a lock", "threading.Condition": "a condition",
	"threading.Event": "an event", "threading.Semaphore": "a semaphore", "threading.BoundedSemaphore": "a semaphore",
	"threading.Thread": "a thread", "threading.Timer": "a thread",
	"queue.Queue": "a queue", "queue.LifoQueue": "a queue", "queue.PriorityQueue": "a queue", "queue.SimpleQueue": "a queue",
	"open": "an open file", "io.open": "an open file", "tempfile.TemporaryFile": "an open file",
	"concurrent.futures.ThreadPoolExecutor": "an executor", "concurrent.futures.ProcessPoolExecutor": "an executor",
	"futurist.ThreadPoolExecutor": "an executor", "futurist.GreenThreadPoolExecutor": "an executor",
	"oslo_service.threadgroup.ThreadGroup": "a thread group",
	"sqlalchemy.create_engine":             "a database engine", "sqlalchemy.orm.sessionmaker": "a database session factory",
	"sqlalchemy.orm.Session":       "a database session",
	"oslo_messaging.get_transport": "a messaging transport", "oslo_messaging.get_rpc_transport": "a messaging transport",
	"oslo_messaging.get_notification_transport": "a messaging transport", "oslo_messaging.get_rpc_client": "a messaging client",
	"oslo_messaging.RPCClient": "a messaging client", "oslo_messaging.Notifier": "a messaging notifier",
	"oslo_messaging.get_rpc_server": "a messaging server",
	"logging.FileHandler":           "a logging handler", "logging.StreamHandler": "a logging handler",
	"logging.handlers.RotatingFileHandler": "a logging handler", "logging.handlers.WatchedFileHandler": "a logging handler",
	"oslo_config.cfg.ConfigOpts": "an oslo.config ConfigOpts object",
	"eventlet.GreenPool":         "a green pool", "eventlet.greenpool.GreenPool": "a green pool",
	"eventlet.queue.Queue": "a green queue", "eventlet.event.Event": "a green event",
	"greenlet.greenlet": "a greenlet",
}

// unpicklableValues are module-level objects that cannot be pickled.
var unpicklableValues = map[string]string{
	"oslo_config.cfg.CONF": "the oslo.config CONF object",
}

var poolCtors = names{"multiprocessing.Pool", "multiprocessing.pool.Pool", "concurrent.futures.ProcessPoolExecutor",
	"futurist.ProcessPoolExecutor", "cotyledon.ServiceManager", "oslo_service.service.ProcessLauncher"}

// picklePass holds what the detector learns about one file.
type picklePass struct {
	p *analysis.Pass
	// types of names assigned from calls, per enclosing function ("" for module level)
	assigned map[string]map[string]string    // func → name → resolved constructor
	lines    map[string]map[string]pysrc.Pos // func → name → where it was assigned
	pools    map[string]map[string]string    // func → name → constructor of a process pool / manager
	// methods are the start methods of contexts (ctx = get_context("fork"))
	// and of pools and managers built with mp_context=, by func and name.
	methods map[string]map[string]string
	// fileMethod is a set_start_method("...") of the file, if any.
	fileMethod string
	nested     map[string]bool         // qualnames of functions defined inside functions
	refs       map[pysrc.Expr]string   // resolved references, by node
	local      *analysis.Facts         // this file's facts
	returns    map[string][]pysrc.Expr // func → its return values
	launch     bool                    // the file may launch processes (mayLaunch)
}

// newPicklePass gathers a file's assignments; full walks every function
// even when the file launches no process.
func newPicklePass(p *analysis.Pass, full bool) *picklePass {
	pp := &picklePass{p: p, assigned: map[string]map[string]string{}, lines: map[string]map[string]pysrc.Pos{}, pools: map[string]map[string]string{},
		methods: map[string]map[string]string{}, nested: map[string]bool{}, returns: map[string][]pysrc.Expr{}, launch: mayLaunch(p)}
	for _, d := range p.View.Defs {
		if strings.Contains(d.QualName, ".<locals>.") {
			pp.nested[d.QualName] = true
		}
	}
	// Names assigned from constructor calls and returned values, by
	// enclosing function; nested definitions are walked as their own.
	walk := func(body []pysrc.Stmt, fn string) {
		for _, s := range body {
			pysrc.Inspect(s, func(n pysrc.Node) bool {
				switch x := n.(type) {
				case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
					return false
				case *pysrc.Return:
					if fn != "" {
						pp.returns[fn] = append(pp.returns[fn], x.X)
					}
				case *pysrc.Assign:
					if c, ok := x.Value.(*pysrc.Call); ok {
						if cs := callSite(p, c); cs != nil {
							for _, t := range x.Targets {
								pp.note(fn, targetName(t), cs, x.Pos())
							}
						}
					} else if isConfName(x.Value) {
						// self.conf = CONF: the object itself is kept.
						if v := pp.resolveName(x.Value); v != "" {
							if _, ok := unpicklableValues[v]; ok {
								for _, t := range x.Targets {
									pp.set(fn, targetName(t), v, x.Pos())
								}
							}
						}
					}
				case *pysrc.With:
					for _, it := range x.Items {
						if c, ok := it.Context.(*pysrc.Call); ok && it.Vars != nil {
							if cs := callSite(p, c); cs != nil {
								pp.note(fn, targetName(it.Vars), cs, x.Pos())
							}
						}
					}
				}
				// Only statements hold what is tracked: do not descend into
				// expressions.
				switch n.(type) {
				case pysrc.Stmt, *pysrc.ExceptHandler:
					return true
				}
				return false
			})
		}
	}
	walk(p.File.Body, "")
	// A file without launch sites only needs what its facts hold: what
	// functions (module-level, class and static methods) return and what
	// __init__ and the methods it calls store.
	var init map[string]bool
	if !pp.launch && !full {
		init = initChains(p.View)
	}
	for _, d := range p.View.Defs {
		if pp.launch || full || init[d.QualName] || d.Class == "" && !pp.nested[d.QualName] || isFactory(d) {
			walk(d.Node.Body, d.QualName)
		}
	}
	for _, cs := range p.View.Calls {
		if !pp.launch {
			break
		}
		if name := p.Resolve(cs.Resolved); name == "multiprocessing.set_start_method" && len(cs.Args) > 0 && cs.Args[0].Kind == pysrc.ValStr {
			pp.fileMethod = cs.Args[0].Str
		}
	}
	pp.local = pp.facts()
	return pp
}

// ctorOf is the resolved name a call constructs or calls; cls(...) in a
// method is the method's class.
func (pp *picklePass) ctorOf(cs *pysrc.CallSite, fn string) string {
	if cs.Callee == "cls" && cs.Class != "" && pp.p.View.Module != "" {
		return pp.p.View.Module + "." + cs.Class
	}
	return pp.p.Resolve(cs.Resolved)
}

func targetName(t pysrc.Expr) string {
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

func (pp *picklePass) note(fn, name string, cs *pysrc.CallSite, at pysrc.Pos) {
	if name == "" {
		return
	}
	resolved := pp.ctorOf(cs, fn)
	if _, ok := configHolders[resolved]; ok && pp.givenConfig(cs, fn) {
		resolved = configHolderPrefix + resolved
	}
	pp.set(fn, name, resolved, at)
	if !pp.launch {
		return // contexts and pools matter only where processes are launched
	}
	set := func(m map[string]map[string]string, v string) {
		if m[fn] == nil {
			m[fn] = map[string]string{}
		}
		m[fn][name] = v
	}
	if m := pp.contextMethod(cs, fn); m != "" {
		set(pp.methods, m)
	}
	if rt := pp.resolveType(resolved); isPoolCtor(rt) || strings.HasSuffix(cs.Callee, ".Pool") || strings.HasSuffix(cs.Callee, "ProcessPoolExecutor") {
		if rt == "" {
			rt = cs.Callee
		}
		set(pp.pools, rt)
		for _, k := range cs.Node.Keywords {
			if k.Arg == "mp_context" {
				if m := pp.methodOf(k.Value, fn); m != "" {
					set(pp.methods, m)
				}
			}
		}
	}
}

// set records what a name holds in fn and where it was assigned.
func (pp *picklePass) set(fn, name, ctor string, at pysrc.Pos) {
	if name == "" {
		return
	}
	if pp.assigned[fn] == nil {
		pp.assigned[fn] = map[string]string{}
		pp.lines[fn] = map[string]pysrc.Pos{}
	}
	pp.assigned[fn][name] = ctor
	pp.lines[fn][name] = at
}

// configHolders are library classes whose instances keep the oslo.config
// object they are given (oslo.policy's Enforcer stores it as self.conf).
var configHolders = map[string]bool{"oslo_policy.policy.Enforcer": true}

// configHolderPrefix marks, in what a name holds, a config holder built
// with the oslo.config object.
const configHolderPrefix = "letgo:holds-config:"

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
func (pp *picklePass) givenConfig(cs *pysrc.CallSite, fn string) bool {
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
			if _, ok := unpicklableValues[pp.p.Resolve(v.Ref)]; ok {
				return true
			}
		}
		if pp.typeOf(fn, v.Text) == "oslo_config.cfg.ConfigOpts" {
			return true
		}
	}
	return false
}

// contextMethod is the start method of a get_context("...") call, "".
func (pp *picklePass) contextMethod(cs *pysrc.CallSite, fn string) string {
	if name := pp.p.Resolve(cs.Resolved); (name == "multiprocessing.get_context" || strings.HasSuffix(name, "multiprocessing.context.get_context")) &&
		len(cs.Args) > 0 && cs.Args[0].Kind == pysrc.ValStr {
		return cs.Args[0].Str
	}
	return ""
}

// methodOf is the start method an mp_context= value stands for: a
// get_context("...") call or a name bound to one.
func (pp *picklePass) methodOf(e pysrc.Expr, fn string) string {
	switch x := e.(type) {
	case *pysrc.Call:
		if cs := callSite(pp.p, x); cs != nil {
			return pp.contextMethod(cs, fn)
		}
	case *pysrc.NameExpr:
		return pp.lookup(pp.methods, fn, x.ID)
	}
	return ""
}

// lookup finds a name's entry in fn, then at module level.
func (pp *picklePass) lookup(m map[string]map[string]string, fn, name string) string {
	if v, ok := m[fn][name]; ok {
		return v
	}
	return m[""][name]
}

// startMethod is the start method in force at a launch site, when the code
// sets one: the context the process or pool came from, or the file's
// set_start_method.
func (pp *picklePass) startMethod(cs *pysrc.CallSite) string {
	if i := strings.LastIndexByte(cs.Callee, '.'); i > 0 {
		if m := pp.lookup(pp.methods, cs.Func, cs.Callee[:i]); m != "" {
			return m
		}
	}
	return pp.fileMethod
}

// mayLaunch says whether a file may hold a process launch site: a call
// into multiprocessing, concurrent.futures' or futurist's process pools,
// cotyledon or oslo.service, or a call with a workers= argument.
func mayLaunch(p *analysis.Pass) bool {
	for _, cs := range p.View.Calls {
		switch name := p.Resolve(cs.Resolved); {
		case strings.HasPrefix(name, "multiprocessing."), strings.HasPrefix(name, "cotyledon."), strings.HasPrefix(name, "oslo_service."),
			strings.HasSuffix(name, "ProcessPoolExecutor"):
			return true
		}
		for _, k := range cs.Keywords {
			if k.Name == "workers" {
				return true
			}
		}
	}
	return false
}

// facts derives the file's facts from what the pass gathered.
func (pp *picklePass) facts() *analysis.Facts {
	f := analysis.NewFacts()
	v := pp.p.View
	if v.Module == "" {
		return f
	}
	for _, d := range v.Defs {
		if strings.Contains(d.QualName, "<locals>") {
			continue
		}
		if t := pp.returnType(d); t != "" {
			f.Returns[v.Module+"."+d.QualName] = t
		}
	}
	// Re-exports, in source order: a later assignment of the same name ends
	// the alias, and so does a class or function of the module's own.
	for _, b := range v.Exports {
		key := v.Module + "." + b.Name
		switch {
		case b.Target != "" && !b.Cond && strings.Contains(b.Target, ".") && b.Target != key:
			f.Aliases[key] = b.Target
		case b.Target == "":
			delete(f.Aliases, key)
		}
	}
	for _, c := range v.Classes { // a class of the module's own wins
		delete(f.Aliases, v.Module+"."+c.QualName)
	}
	for _, d := range v.Defs {
		if d.Class == "" {
			delete(f.Aliases, v.Module+"."+d.QualName)
		}
	}
	methods := map[string]map[string]*pysrc.FuncDef{}
	for _, d := range v.Defs {
		if d.Class != "" {
			if methods[d.Class] == nil {
				methods[d.Class] = map[string]*pysrc.FuncDef{}
			}
			methods[d.Class][d.Name] = d
		}
	}
	selfCalls := selfCallsOf(v)
	for _, c := range v.Classes {
		if strings.Contains(c.QualName, "<locals>") {
			continue
		}
		cf := &analysis.ClassFact{Path: pp.p.Path, Line: v.Line(c.Node.Pos()), Bases: c.Bases, Attrs: map[string]string{}, AttrLines: map[string]int{}}
		for name := range methods[c.QualName] {
			switch name {
			case "__getstate__", "__reduce__", "__reduce_ex__", "__getnewargs_ex__":
				cf.Custom = true
			}
		}
		// What __init__ stores, and the methods it calls on self.
		queue, seen := []string{"__init__"}, map[string]bool{}
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			d := methods[c.QualName][m]
			if d == nil || seen[m] {
				continue
			}
			seen[m] = true
			for name, ctor := range pp.assigned[d.QualName] {
				if strings.HasPrefix(name, "self.") && ctor != "" {
					if _, ok := cf.Attrs[name]; !ok {
						cf.Attrs[name], cf.AttrLines[name] = ctor, v.Line(pp.lines[d.QualName][name])
					}
				}
			}
			queue = append(queue, selfCalls[d.QualName]...)
		}
		f.Classes[v.Module+"."+c.QualName] = cf
	}
	return f
}

// selfCallsOf lists, per method, the methods it calls on self.
func selfCallsOf(v *pysrc.View) map[string][]string {
	calls := map[string][]string{}
	for _, cs := range v.Calls {
		if m, ok := strings.CutPrefix(cs.Callee, "self."); ok && cs.Class != "" && !strings.Contains(m, ".") {
			calls[cs.Func] = append(calls[cs.Func], m)
		}
	}
	return calls
}

// initChains are the qualified names of every class's __init__ and the
// methods it calls on self, transitively.
func initChains(v *pysrc.View) map[string]bool {
	calls := selfCallsOf(v)
	chain := map[string]bool{}
	var visit func(class, m string)
	visit = func(class, m string) {
		q := class + "." + m
		if chain[q] {
			return
		}
		chain[q] = true
		for _, n := range calls[q] {
			visit(class, n)
		}
	}
	for _, c := range v.Classes {
		visit(c.QualName, "__init__")
	}
	return chain
}

// isFactory says whether a method is a class or static method, whose
// return value facts may name (Service.create()).
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
func (pp *picklePass) returnType(d *pysrc.FuncDef) string {
	t := ""
	for _, e := range pp.returns[d.QualName] {
		var r string
		switch x := e.(type) {
		case *pysrc.Call:
			if cs := callSite(pp.p, x); cs != nil {
				r = pp.ctorOf(cs, d.QualName)
			}
		case *pysrc.NameExpr:
			r = pp.assigned[d.QualName][x.ID]
		}
		if r == "" || t != "" && r != t {
			return ""
		}
		t = r
	}
	return t
}

// class is a class's fact, from this file or the project.
func (pp *picklePass) class(name string) *analysis.ClassFact {
	name = pp.canon(name)
	if cf := pp.local.Class(name); cf != nil {
		return cf
	}
	cf, _ := pp.p.Fact(analysis.FactClass, name).(*analysis.ClassFact)
	return cf
}

// either asks this file's facts, then the project's.
func (pp *picklePass) either(kind analysis.FactKind, name string) string {
	if v, _ := analysis.FactValue(pp.local, kind, name).(string); v != "" {
		return v
	}
	v, _ := pp.p.Fact(kind, name).(string)
	return v
}

// canon follows re-exports (a package's "from .api import API") to the
// name's definition, three hops at most.
func (pp *picklePass) canon(name string) string {
	for range 3 {
		a := pp.either(analysis.FactAlias, name)
		if a == "" || a == name {
			break
		}
		name = a
	}
	return name
}

// resolveType follows what a called function returns (two hops at most)
// to the constructor of the value.
func (pp *picklePass) resolveType(t string) string {
	t = pp.canon(t)
	for range 2 {
		r := pp.either(analysis.FactReturn, t)
		if r == "" || r == t {
			break
		}
		t = pp.canon(r)
	}
	return t
}

// unpicklableType says what a constructor makes when it cannot be pickled
// under the project's requirements.
func (pp *picklePass) unpicklableType(ctor string) (string, bool) {
	if holder, ok := strings.CutPrefix(ctor, configHolderPrefix); ok {
		return pp.configOpts(withArticle(holder) + " that keeps the oslo.config object it was given")
	}
	if what, ok := unpicklableValues[ctor]; ok {
		return pp.configOpts(what)
	}
	what, ok := unpicklable[ctor]
	if ok && ctor == "oslo_config.cfg.ConfigOpts" {
		return pp.configOpts(what)
	}
	return what, ok
}

// configOptsPicklable is the first oslo.config release whose ConfigOpts
// pickles once parsed (state snapshots for spawn workers, also backported
// to 9.7.2); before it the parsed object holds a lambda of its argument
// parser.
const configOptsPicklable, configOptsBackport = "10.6.0", "9.7.2"

// configOptsPickles says whether every oslo.config release a minimum
// allows pickles a parsed ConfigOpts.
func configOptsPickles(min string) bool {
	return versionAtLeast(min, configOptsPicklable) || versionAtLeast(min, configOptsBackport) && !versionAtLeast(min, "10")
}

// configOpts qualifies an oslo.config ConfigOpts finding by the project's
// oslo.config requirement: none when its minimum already pickles.
func (pp *picklePass) configOpts(what string) (string, bool) {
	if pp.p.Project() != nil {
		for _, r := range pp.p.Project().Requirements {
			if r.Name != "oslo-config" || r.Test || r.Extra != "" {
				continue
			}
			min := minVersion(r.Spec)
			if min != "" && configOptsPickles(min) {
				return "", false
			}
			allows := "any version"
			if min != "" {
				allows = min
			}
			return fmt.Sprintf("%s, which once parsed pickles only from oslo.config %s (or %s; %s:%d allows %s),", what, configOptsPicklable, configOptsBackport, r.File, r.Line, allows), true
		}
	}
	return fmt.Sprintf("%s, which once parsed pickles only from oslo.config %s (or %s),", what, configOptsPicklable, configOptsBackport), true
}

// minVersion is the lower bound of a requirement line (">=9.3.0"), "".
func minVersion(spec string) string {
	for _, part := range strings.Split(spec, ",") {
		if _, v, ok := strings.Cut(part, ">="); ok {
			v = strings.TrimSpace(v)
			if i := strings.IndexAny(v, " ;#"); i >= 0 {
				v = v[:i]
			}
			return v
		}
	}
	return ""
}

// versionAtLeast compares dotted release numbers (9.3.0 < 10.6.0).
func versionAtLeast(v, floor string) bool {
	a, b := strings.Split(v, "."), strings.Split(floor, ".")
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// classProblems lists why instances of a class cannot be pickled: what
// its __init__ (and the methods it calls on self) stores, following base
// classes and, three levels deep, attributes holding instances of other
// classes of the project; custom is set when the class or a base
// customises pickling.
func (pp *picklePass) classProblems(name string, depth int, seen map[string]bool) (probs []string, custom bool) {
	cf := pp.class(name)
	if cf == nil || seen[name] || depth > 3 {
		return nil, false
	}
	seen[name] = true
	custom = cf.Custom
	for _, attr := range slices.Sorted(maps.Keys(cf.Attrs)) {
		ctor := pp.resolveType(cf.Attrs[attr])
		if what, ok := pp.unpicklableType(ctor); ok {
			probs = append(probs, fmt.Sprintf("%s is %s (%s:%d)", attr, what, cf.Path, cf.AttrLines[attr]))
			continue
		}
		if sub, subCustom := pp.classProblems(ctor, depth+1, seen); len(sub) > 0 && !subCustom {
			probs = append(probs, fmt.Sprintf("%s is %s whose %s", attr, withArticle(shortName(ctor)), sub[0]))
		}
	}
	for _, b := range cf.Bases {
		bp, bc := pp.classProblems(b, depth, seen)
		probs = append(probs, bp...)
		custom = custom || bc
	}
	return probs, custom
}

// withArticle puts "a" or "an" before a name.
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func shortName(dotted string) string {
	return dotted[strings.LastIndexByte(dotted, '.')+1:]
}

// crossing describes why a value cannot cross a process boundary, "" if
// nothing is known against it; note is set when the class customises
// pickling.
func (pp *picklePass) crossing(cs *pysrc.CallSite, e pysrc.Expr) (why string, note bool) {
	mod := pp.p.View.Module
	switch x := e.(type) {
	case *pysrc.Lambda:
		return "a lambda", false
	case *pysrc.Call:
		if inner := callSite(pp.p, x); inner != nil {
			t := pp.resolveType(pp.ctorOf(inner, cs.Func))
			if what, ok := pp.unpicklableType(t); ok {
				return what, false
			}
			return pp.instanceOf(t, pp.p.File.Text(x))
		}
	case *pysrc.NameExpr:
		if x.ID == "self" && cs.Class != "" {
			return pp.instanceOf(mod+"."+cs.Class, "self")
		}
		if pp.nested[cs.Func+".<locals>."+x.ID] {
			return "nested function " + x.ID + "()", false
		}
		if t := pp.typeOf(cs.Func, x.ID); t != "" {
			t = pp.resolveType(t)
			if what, ok := pp.unpicklableType(t); ok {
				return x.ID + ", " + what, false
			}
			return pp.instanceOf(t, x.ID)
		}
		if v, ok := unpicklableValues[pp.resolveName(x)]; ok {
			return pp.unpicklableValue(v)
		}
	case *pysrc.Attribute:
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" && cs.Class != "" {
			// self.method: a bound method pickles its instance.
			for _, d := range pp.p.View.Defs {
				if d.Class == cs.Class && d.Name == x.Attr {
					return pp.instanceOf(mod+"."+cs.Class, "self."+x.Attr+" (bound method)")
				}
			}
			t := pp.typeOf(cs.Func, "self."+x.Attr)
			if cf := pp.class(mod + "." + cs.Class); t == "" && cf != nil {
				t = cf.Attrs["self."+x.Attr]
			}
			if t != "" {
				t = pp.resolveType(t)
				if what, ok := pp.unpicklableType(t); ok {
					return "self." + x.Attr + ", " + what, false
				}
				return pp.instanceOf(t, "self."+x.Attr)
			}
		}
		if v, ok := unpicklableValues[pp.resolveName(x)]; ok {
			return pp.unpicklableValue(v)
		}
	}
	return "", false
}

// classOf is the project class of a value at a launch site, when known.
func (pp *picklePass) classOf(cs *pysrc.CallSite, e pysrc.Expr) (string, *analysis.ClassFact) {
	var t string
	switch x := e.(type) {
	case *pysrc.NameExpr:
		t = pp.typeOf(cs.Func, x.ID)
	case *pysrc.Call:
		if inner := callSite(pp.p, x); inner != nil {
			t = pp.ctorOf(inner, cs.Func)
		}
	}
	if t == "" {
		return "", nil
	}
	t = pp.resolveType(t)
	return t, pp.class(t)
}

// unpicklableValue qualifies a module-level object (the CONF object) by
// the project's requirements.
func (pp *picklePass) unpicklableValue(what string) (string, bool) {
	if why, ok := pp.configOpts(what); ok {
		return why, false
	}
	return "", false
}

func (pp *picklePass) resolveName(e pysrc.Expr) string {
	if pp.refs == nil {
		pp.refs = make(map[pysrc.Expr]string, len(pp.p.View.Refs))
		for _, r := range pp.p.View.Refs {
			pp.refs[r.Node] = r.Resolved
		}
	}
	if r, ok := pp.refs[e]; ok {
		return pp.p.Resolve(r)
	}
	return ""
}

func (pp *picklePass) instanceOf(class, what string) (string, bool) {
	probs, custom := pp.classProblems(class, 0, map[string]bool{})
	if len(probs) == 0 {
		return "", false
	}
	return fmt.Sprintf("%s, an instance of %s whose %s", what, shortName(class), strings.Join(probs, "; ")), custom
}

// launchValues returns what crosses the boundary at a launch site.
func (pp *picklePass) launchValues(cs *pysrc.CallSite) (site string, values []pysrc.Expr) {
	c := cs.Node
	name := pp.p.Resolve(cs.Resolved)
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
			if v := pp.p.File.Text(w); v != "1" && v != "None" {
				return "service.launch(..., workers=" + v + ")", c.Args[1:2]
			}
		}
	}
	i := strings.LastIndexByte(cs.Callee, '.')
	if i < 0 {
		return "", nil
	}
	recv, method := cs.Callee[:i], cs.Callee[i+1:]
	ctor, ok := pp.pools[cs.Func][recv]
	if !ok {
		ctor, ok = pp.pools[""][recv]
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
		return fmt.Sprintf("%s.%s() of %s", recv, method, ctor), vals
	case "add":
		if strings.Contains(ctor, "ServiceManager") {
			return fmt.Sprintf("%s.add() of cotyledon.ServiceManager", recv), elems(kw("args"))
		}
	case "launch_service":
		if strings.HasSuffix(ctor, "ProcessLauncher") {
			if len(c.Args) > 0 {
				return fmt.Sprintf("%s.launch_service() of %s", recv, ctor), c.Args[:1]
			}
			return fmt.Sprintf("%s.launch_service() of %s", recv, ctor), []pysrc.Expr{kw("service")}
		}
	}
	return "", nil
}

func pickleCheck(p *analysis.Pass) {
	pp := newPicklePass(p, false)
	if pp.launch {
		pp.checkLaunchSites()
	}
	// What this file's functions return, its classes hold and its
	// functions send to other processes, for the project's other files.
	p.ExportFacts(pp.local)
	if pp.launch {
		// Values this file cannot follow may be followed with the
		// project's facts in a second pass.
		p.WantFacts()
	}
	pp.checkCallers()
}

// checkLaunchSites reports what a file's launch sites send that cannot be
// pickled, and records the parameters its functions send on unchanged.
func (pp *picklePass) checkLaunchSites() {
	p := pp.p
	for _, cs := range p.View.Calls {
		site, vals := pp.launchValues(cs)
		if site == "" {
			continue
		}
		for _, v := range vals {
			if v == nil {
				continue
			}
			pp.noteSend(cs, site, v)
			why, note := pp.crossing(cs, v)
			if why == "" {
				if strings.HasPrefix(site, "service.launch(") || strings.Contains(site, ".launch_service()") {
					// The service object is pickled for each worker under
					// spawn; say where, even when its class is not known here.
					what := "its class (not determined here) must be picklable"
					if class, cf := pp.classOf(cs, v); cf != nil {
						what = fmt.Sprintf("it is an instance of %s (%s:%d), and nothing its __init__ stores is known to be unpicklable; what it holds beyond that (values from outside the project, bases outside it) must be picklable too", shortName(class), cf.Path, cf.Line)
					} else if pp.isParam(cs.Func, v) {
						what = "its class is decided by the callers of " + shortName(cs.Func) + "(), which letgo checks where they pass it"
					}
					p.ReportSeverity(v, fmt.Sprintf("note: %s sends %s to each worker process; under spawn/forkserver it is pickled: %s", site, p.File.Text(v), what), analysis.SevInfo)
				}
				continue
			}
			pp.reportCrossing(cs, v, fmt.Sprintf("%s sends %s to another process", site, why), note, pp.startMethod(cs))
		}
	}
}

// reportCrossing reports a value that cannot be pickled: a note when its
// class customises pickling or the fork start method is set.
func (pp *picklePass) reportCrossing(cs *pysrc.CallSite, v pysrc.Expr, what string, custom bool, method string) {
	p := pp.p
	switch {
	case method == "fork":
		p.ReportSeverity(v, fmt.Sprintf("note: %s; the code sets the fork start method, so nothing is pickled today, but it cannot be pickled once fork goes (spawn/forkserver, the default from Python 3.14)", what), analysis.SevInfo)
	case custom:
		p.ReportSeverity(v, fmt.Sprintf("note: %s; the class customises pickling (__getstate__/__reduce__), check it drops these", what), analysis.SevInfo)
	default:
		p.Report(v, fmt.Sprintf("%s: it cannot be pickled under spawn/forkserver; %s", what, pp.methodInForce(cs)))
	}
}

// isParam says whether a value is a parameter of fn, unchanged there.
func (pp *picklePass) isParam(fn string, v pysrc.Expr) bool {
	_, ok := pp.paramIndex(fn, v)
	return ok
}

// paramIndex is the position of a module-level function's parameter that
// a value names, when the function does not rebind it.
func (pp *picklePass) paramIndex(fn string, v pysrc.Expr) (int, bool) {
	n, ok := v.(*pysrc.NameExpr)
	if !ok || fn == "" || pp.typeOf(fn, n.ID) != "" {
		return 0, false
	}
	for _, d := range pp.p.View.Defs {
		if d.QualName != fn || d.Class != "" || pp.nested[fn] {
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

// noteSend records that fn sends one of its parameters to a launch site.
func (pp *picklePass) noteSend(cs *pysrc.CallSite, site string, v pysrc.Expr) {
	i, ok := pp.paramIndex(cs.Func, v)
	if !ok || pp.p.View.Module == "" {
		return
	}
	name := pp.p.View.Module + "." + cs.Func
	pp.local.Sends[name] = append(pp.local.Sends[name], analysis.SendFact{Param: i, Name: pp.p.File.Text(v), Site: site,
		Path: pp.p.Path, Line: pp.p.View.Line(cs.Node.Pos())})
}

// checkCallers reports values passed to project functions that send them
// to another process (their parameter reaches a launch site unchanged).
func (pp *picklePass) checkCallers() {
	p := pp.p
	if len(pp.local.Sends) == 0 && !p.Fact(analysis.FactAnySends, "").(bool) {
		return
	}
	for _, cs := range p.View.Calls {
		name := pp.canon(p.Resolve(cs.Resolved))
		sends := pp.local.SendsOf(name)
		if sends == nil {
			sends, _ = p.Fact(analysis.FactSends, name).([]analysis.SendFact)
		}
		for _, s := range sends {
			arg := argumentFor(cs.Node, s)
			if arg == nil {
				continue
			}
			why, custom := pp.crossing(cs, arg)
			if why == "" {
				continue
			}
			what := fmt.Sprintf("%s() sends %s to another process (%s, %s:%d)", shortName(name), why, s.Site, s.Path, s.Line)
			pp.reportCrossing(cs, arg, what, custom, "")
		}
	}
}

// argumentFor is the argument a call passes for a parameter: by position
// (when no *args comes before it) or by keyword.
func argumentFor(c *pysrc.Call, s analysis.SendFact) pysrc.Expr {
	for _, k := range c.Keywords {
		if k.Arg == s.Name {
			return k.Value
		}
	}
	for i, a := range c.Args {
		if _, star := a.(*pysrc.Starred); star {
			return nil
		}
		if i == s.Param {
			return a
		}
	}
	return nil
}

var pickleRules = []*analysis.Rule{
	{
		ID: "EV502", Slug: "unpicklable-process-argument", Risk: analysis.RiskHigh, Kind: "runtime", Python: pickleCheck, Concern: "pickling",
		Doc: analysis.Doc{
			Summary:     "object that cannot be pickled sent to another process",
			What:        "Launch sites — multiprocessing.Process(target=, args=, kwargs=), process pools and ProcessPoolExecutor (submit, map, apply_async, starmap, ...), cotyledon ServiceManager.add(args=), oslo.service launch(..., workers=N) — that pass a lambda, a nested function, a lock, condition, event, semaphore, thread, stdlib queue, open file, executor, thread group, SQLAlchemy engine, session factory or session, messaging transport, client or server (real drivers such as rabbit hold locks), logging handler, a parsed oslo.config ConfigOpts (CONF included) when the project's oslo.config minimum is below 10.6.0 (9.7.2 on its stable branch), eventlet green pools, events and queues, greenlets, or an instance or bound method of a class whose __init__ (or a method it calls on self) stores such objects. Values are followed across the project's modules: what a factory function or class method returns, base classes, and attributes that hold instances of other classes (three levels). Objects created later (in start()) are not held when the instance is pickled and are not reported. A class with __getstate__/__reduce__ lowers the finding to a note, as does a launch through a context or pool whose start method the code sets to fork (nothing is pickled under fork). Sockets are not reported: multiprocessing passes them to children. Each finding names the start method in force: the one the code sets, or the platform default for the Python versions in the project's classifiers.",
			Why:         "Under spawn and forkserver (the POSIX default from Python 3.14) everything that crosses the boundary is pickled; these objects fail with PicklingError or TypeError at start — the 'picklable problem' that affects nova and neutron.",
			Replacement: "Pass plain data (paths, ids, config file names) and rebuild locks, connections and config in the child; define module-level functions; give classes __getstate__/__setstate__ that drop and rebuild what cannot be pickled.",
			Example:     "# before\nctx.Process(target=lambda: work(CONF)).start()\n# after\nctx.Process(target=work_main, args=(config_files,)).start()",
		},
	},
}

// typeOf names what a name refers to in fn (then module level).
func (pp *picklePass) typeOf(fn, name string) string {
	return pp.lookup(pp.assigned, fn, name)
}

// methodInForce says which start method a launch site runs under: the one
// the code sets, or the platform default for the Python versions the
// project declares (fork before 3.14, forkserver from 3.14 on POSIX).
func (pp *picklePass) methodInForce(cs *pysrc.CallSite) string {
	switch m := pp.startMethod(cs); m {
	case "spawn", "forkserver":
		return fmt.Sprintf("the code sets the %s start method, so this fails today", m)
	case "":
	default:
		return fmt.Sprintf("the code sets the %s start method", m)
	}
	var before, after []string
	var from string
	if pp.p.Project() != nil {
		for _, c := range pp.p.Project().Classifiers {
			v, ok := strings.CutPrefix(strings.TrimSpace(c.Value), "Programming Language :: Python :: 3.")
			if !ok {
				continue
			}
			minor, err := strconv.Atoi(v)
			if err != nil {
				continue
			}
			from = fmt.Sprintf("%s:%d", c.File, c.Line)
			if minor < 14 {
				before = append(before, "3."+v)
			} else {
				after = append(after, "3."+v)
			}
		}
	}
	switch {
	case len(before) > 0 && len(after) > 0:
		return fmt.Sprintf("start method in force: the platform default, fork on %s and forkserver on %s (classifiers, %s)", strings.Join(before, ", "), strings.Join(after, ", "), from)
	case len(before) > 0:
		return fmt.Sprintf("start method in force: the platform default, fork on the versions the project lists (%s, %s), forkserver once it runs on Python 3.14", strings.Join(before, ", "), from)
	case len(after) > 0:
		return fmt.Sprintf("start method in force: the platform default, forkserver on %s (classifiers, %s), so this fails today", strings.Join(after, ", "), from)
	}
	return "start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX"
}

// isPoolCtor says whether a constructor builds a process pool, manager or
// launcher.
func isPoolCtor(name string) bool {
	_, ok := poolCtors.match(name)
	return ok
}
