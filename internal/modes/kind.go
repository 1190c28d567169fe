package modes

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// Kind is what an entry point is for: one of Kinds.
type Kind = enums.Kind

// Kinds of entry point.
const (
	KindService = enums.KindService
	KindTool    = enums.KindTool
	KindWSGI    = enums.KindWSGI
	KindUnknown = enums.KindUnknown
)

// Kinds is the closed set of entry-point kinds.
var Kinds = enums.Kinds

// Limits of the walk that tells services from tools.
const (
	maxKindFuncs = 400 // functions read per entry point
	maxKindDepth = 10  // calls followed from main
)

// KindResult says what an entry point's main does.
type KindResult struct {
	Kind     Kind
	Evidence []Evidence // for a service, the call or loop that makes it one; for a tool, main
	// Concurrent is the first call on main's paths that starts concurrent
	// work (threads, green threads, executors, processes, oslo.service
	// components), nil when none was seen.
	Concurrent *Evidence
	Reason     string
}

// serviceCalls are callees (resolved dotted names, matched as a suffix on a
// dot boundary) that make a process long-running: launchers, process
// managers and servers.
var serviceCalls = tables.ServiceCalls

// serviceMethods are the last names of calls that serve or launch whatever
// their receiver: a call that is not a project function (those are
// followed instead) with one of these names is the service's loop.
var serviceMethods = map[string]bool{
	"launch": true, "serve": true, "serve_forever": true, "run_forever": true, "ProcessLauncher": true,
	"ServiceLauncher": true, "ServiceManager": true, "start_server": true,
}

// receiverMethods are method names that run or wait for a service only
// when their receiver is a service object: the result of a launcher,
// server or process manager call, or of a project function that returns
// one (launcher = service.process_launcher(); launcher.wait()). On
// anything else (a subprocess, a thread of a tool) they return.
var receiverMethods = map[string]bool{"wait": true, "start": true, "run": true}

// isServiceCall reports a callee that builds a launcher, server or
// process manager.
func isServiceCall(name string) bool {
	for _, p := range serviceCalls {
		if suffixMatch(name, p) {
			return true
		}
	}
	return false
}

// concurrentCall reports whether a call starts concurrent work.
func concurrentCall(name string) bool {
	if isEventletRuntime(name) || isThreads(name) || isComponent(name) {
		return true
	}
	for _, p := range tables.ProcessAPIs {
		if name == p || strings.HasPrefix(name, p+".") {
			return true
		}
	}
	return false
}

func suffixMatch(name, pattern string) bool {
	return name == pattern || strings.HasSuffix(name, "."+pattern) || strings.HasSuffix(pattern, "."+name) && strings.Contains(name, ".")
}

// kindWalk reads main and the project functions it calls.
type kindWalk struct {
	src        Source
	in         *interp // for names re-exported through project facades
	classes    map[string]map[string]*pysrc.ClassInfo
	loadedMods map[string]bool // modules named to a loader, already followed
	seen       map[string]bool
	queue      []kindItem
	service    *Evidence
	conc       *Evidence
	funcs      int
	cut        bool
	calls      int       // calls read
	started    *Evidence // a thread started ...
	joined     bool      // ... and something joined or waited
	// attrs are instance attributes assigned a project object in a
	// method followed (self.daemon = daemon): class.attr → its class.
	attrs map[string]string
	// handled are calls already read ahead of the call they are the
	// receiver of.
	handled map[*pysrc.Call]bool
}

type kindItem struct {
	module string
	def    *pysrc.FuncDef
	depth  int
	// self is the class of self in a method: the class the method was
	// looked up on, which may be a subclass of the one defining it (a
	// base's self.run_forever() runs the subclass's).
	self string
	// binds are the parameters bound at the call to a project object:
	// name → class for an instance, classRef+class for a class.
	binds map[string]string
}

// classRef prefixes a bound name that holds a class (not an instance);
// serviceObj marks a local holding a service object.
const (
	classRef   = "\x00class "
	serviceObj = "\x00service object"
)

// ClassifyKind tells whether the console script whose code starts with a
// call of fn() in module is a service or a tool, by what main does:
// launching a service, serving, running a process manager or looping
// forever makes a service; running a command and returning makes a tool.
// Project functions main calls are followed (functions passed as arguments
// too: they are callbacks it runs), and so are methods of project classes
// it instantiates; library code is judged by the names of its calls.
func ClassifyKind(src Source, module, fn string) KindResult {
	v := src.View(module)
	if v == nil {
		return KindResult{Kind: KindUnknown, Reason: "module " + module + " is not in the project"}
	}
	k := &kindWalk{src: src, in: newInterp(src), seen: map[string]bool{}, classes: map[string]map[string]*pysrc.ClassInfo{}, loadedMods: map[string]bool{}, attrs: map[string]string{}}
	main := k.in.index(module, v).defs[fn]
	if main == nil {
		return KindResult{Kind: KindUnknown, Reason: fmt.Sprintf("function %s is not defined in %s", fn, module)}
	}
	return k.classify(module, v, main)
}

// ClassifyScript is ClassifyKind for a script file: its module-level
// code (with the body of "if __name__ == '__main__':") is its main.
func ClassifyScript(src Source, module string) KindResult {
	v := src.View(module)
	if v == nil {
		return KindResult{Kind: KindUnknown, Reason: "module " + module + " is not in the project"}
	}
	k := &kindWalk{src: src, in: newInterp(src), seen: map[string]bool{}, classes: map[string]map[string]*pysrc.ClassInfo{}, loadedMods: map[string]bool{}, attrs: map[string]string{}}
	node := &pysrc.FunctionDef{Name: "<script>", Body: v.File.Body}
	if len(v.File.Body) > 0 {
		node.Span = pysrc.Span{Start: v.File.Body[0].Pos()}
	}
	return k.classify(module, v, &pysrc.FuncDef{Node: node, Name: "the script", QualName: "<script>"})
}

func (k *kindWalk) classify(module string, v *pysrc.View, main *pysrc.FuncDef) KindResult {
	src := k.src
	k.push(module, main, 0, "", nil)
	for len(k.queue) > 0 && k.service == nil {
		it := k.queue[0]
		k.queue = k.queue[1:]
		if k.funcs >= maxKindFuncs {
			k.cut = true
			break
		}
		k.funcs++
		k.read(it)
	}
	mainEv := Evidence{Path: src.Path(module), Line: v.Line(main.Node.Pos()), Text: "def " + main.Name}
	if main.QualName == "<script>" {
		mainEv.Text = "module-level code of the script"
	}
	if k.service == nil && k.started != nil && !k.joined {
		// The process lives on in a thread main does not wait for.
		ev := *k.started
		ev.Text = "thread started and never joined: " + ev.Text
		k.service = &ev
	}
	if k.service != nil {
		return KindResult{Kind: KindService, Evidence: []Evidence{*k.service}, Concurrent: k.conc}
	}
	if k.calls == 0 && !k.cut {
		return KindResult{Kind: KindUnknown, Evidence: []Evidence{mainEv},
			Reason: main.Name + " calls nothing letgo can read: no evidence of a service or a tool"}
	}
	res := KindResult{Kind: KindTool, Concurrent: k.conc, Evidence: []Evidence{{Path: mainEv.Path, Line: mainEv.Line,
		Text: fmt.Sprintf("%s runs a command and returns: no service launch, server, process manager or endless loop on the %d function(s) followed", main.Name, k.funcs)}}}
	if k.cut {
		res.Reason = fmt.Sprintf("judged a tool on the first %d functions main reaches within %d calls; the rest were not read", maxKindFuncs, maxKindDepth)
	}
	return res
}

func (k *kindWalk) push(module string, d *pysrc.FuncDef, depth int, self string, binds map[string]string) {
	key := module + ":" + d.QualName + ":" + self
	if k.seen[key] {
		return
	}
	if depth > maxKindDepth {
		k.cut = true
		return
	}
	k.seen[key] = true
	k.queue = append(k.queue, kindItem{module, d, depth, self, binds})
}

func (k *kindWalk) ev(module string, n pysrc.Node, text string) *Evidence {
	v := k.src.View(module)
	if text == "" {
		text = v.File.Text(n)
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[:i] + " ..."
		}
	}
	return &Evidence{Path: k.src.Path(module), Line: v.Line(n.Pos()), Text: clipText(strings.TrimSpace(text))}
}

// read walks one function's body (not its nested definitions, which run
// only when called) for service shapes, concurrent work and calls to
// follow.
func (k *kindWalk) read(it kindItem) {
	v := k.src.View(it.module)
	locals := map[string]string{} // local name → project class it holds, or mpContext
	for p, c := range it.binds {
		locals[p] = c
	}
	tried := map[*pysrc.While]bool{} // loops inside a try: an exception may be their way out
	// main is called without arguments: a branch on one of its
	// parameters takes the parameter's default (main(run_daemon=False)
	// does not run the daemon branch).
	dflt := map[string]bool{}
	if it.depth == 0 {
		for _, p := range it.def.Params {
			if p.HasDefault {
				switch p.Default.Kind {
				case pysrc.ValBool:
					dflt[p.Name] = p.Default.Bool
				case pysrc.ValNone:
					dflt[p.Name] = false
				}
			}
		}
	}
	var visit func(n pysrc.Node) bool
	visit = func(n pysrc.Node) bool {
		if k.service != nil {
			return false
		}
		switch x := n.(type) {
		case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
			return false
		case *pysrc.If:
			test, neg := x.Test, false
			if u, ok := test.(*pysrc.UnaryOp); ok && u.Op == pysrc.KwNot {
				test, neg = u.X, true
			}
			if nm, ok := test.(*pysrc.NameExpr); ok {
				if d, ok := dflt[nm.ID]; ok {
					if _, reassigned := locals[nm.ID]; !reassigned && !writes(v, it.def.Node.Body, nm.ID) {
						if d != neg {
							pysrc.InspectAll(x.Body, visit)
						} else {
							pysrc.InspectAll(x.Orelse, visit)
						}
						return false
					}
				}
			}
		case *pysrc.Try:
			if catchesErrors(v, x) {
				pysrc.InspectAll(x.Body, func(m pysrc.Node) bool {
					switch y := m.(type) {
					case *pysrc.While:
						tried[y] = true
					case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
						return false
					}
					return true
				})
			}
		case *pysrc.While:
			if k.endlessTest(it, v, x, locals) && !leaves(x.Body) && !tried[x] {
				k.service = k.ev(it.module, x, "endless loop: "+strings.TrimSpace(firstLine(v.File.Text(x))))
				return false
			}
		case *pysrc.Assign:
			if len(x.Targets) != 1 {
				break
			}
			key := localKey(x.Targets[0])
			if key == "" {
				break
			}
			if call, ok := x.Value.(*pysrc.Call); ok {
				if cs := v.CallSiteOf(call); cs != nil {
					name := k.in.canonical(cs.Resolved)
					if cls := k.class(name); cls != "" {
						locals[key] = cls
					} else if n, ok := call.Func.(*pysrc.NameExpr); ok && strings.HasPrefix(locals[n.ID], classRef) {
						// d = klass(conf), klass a class handed to this function.
						cls := strings.TrimPrefix(locals[n.ID], classRef)
						locals[key] = cls
						k.method(cls, "__init__", it.depth+1, 0, cls, nil)
					} else if cs.Resolved == "multiprocessing.get_context" {
						locals[key] = mpContext
					} else if cs.Resolved == "threading.Thread" || cs.Resolved == "threading.Timer" {
						locals[key] = threadLocal
					} else if k.returnsService(name) {
						locals[key] = serviceObj
					}
				}
			} else if n, ok := x.Value.(*pysrc.NameExpr); ok && locals[n.ID] != "" && strings.HasPrefix(key, "self.") && it.self != "" {
				// self.daemon = daemon: the instance's attribute holds
				// what the parameter was bound to.
				k.attrs[it.self+"."+strings.TrimPrefix(key, "self.")] = locals[n.ID]
			}
		case *pysrc.Call:
			k.call(it, v, x, locals)
		}
		return true
	}
	pysrc.InspectAll(it.def.Node.Body, visit)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (k *kindWalk) call(it kindItem, v *pysrc.View, c *pysrc.Call, locals map[string]string) {
	if k.handled[c] {
		return
	}
	// Cls(...).m(): the constructor runs first, so what it stores on the
	// instance is known when m is read.
	if at, ok := c.Func.(*pysrc.Attribute); ok {
		if inner, ok := at.X.(*pysrc.Call); ok {
			k.call(it, v, inner, locals)
			if k.handled == nil {
				k.handled = map[*pysrc.Call]bool{}
			}
			k.handled[inner] = true
		}
	}
	cs := v.CallSiteOf(c)
	if cs == nil {
		return
	}
	k.calls++
	name := k.in.canonical(cs.Resolved)
	if name == "" {
		name = cs.Callee
	}
	if at, ok := c.Func.(*pysrc.Attribute); ok {
		switch at.Attr {
		case "join", "wait", "waitall", "result", "shutdown":
			k.joined = true
		case "start":
			if inner, ok := at.X.(*pysrc.Call); ok && k.started == nil {
				if ic := v.CallSiteOf(inner); ic != nil && (ic.Resolved == "threading.Thread" || ic.Resolved == "threading.Timer") {
					k.started = k.ev(it.module, c, "")
				}
			}
			if n, ok := at.X.(*pysrc.NameExpr); ok && locals[n.ID] == threadLocal && k.started == nil {
				k.started = k.ev(it.module, c, "")
			}
		}
	}
	if concurrentCall(name) && k.conc == nil {
		k.conc = k.ev(it.module, c, "")
	}
	// Callbacks: project functions passed as arguments run too.
	for _, a := range cs.Args {
		if a.Ref != "" {
			k.follow(a.Ref, it.depth+1)
		}
	}
	// A project module named by a string handed to a loader (a list of
	// application modules, an import path) runs: its entry functions and
	// methods (main, run, start) are followed.
	for _, a := range c.Args {
		k.loaded(v, a, it.depth+1)
	}
	for _, kw := range cs.Keywords {
		if kw.Value.Ref != "" {
			k.follow(kw.Value.Ref, it.depth+1)
		}
	}
	// Methods: self.m() in a method, x.m() on a local holding a project
	// class, Cls(...).m(); the objects passed are bound to the callee's
	// parameters.
	// (Computed only for a call into the project: most calls are not.)
	hasArgs := len(c.Args) > 0 || len(c.Keywords) > 0
	if at, ok := c.Func.(*pysrc.Attribute); ok {
		if cls := k.receiverClass(it, v, c, locals); cls != "" {
			var binds map[string]string
			if hasArgs {
				binds = k.bindings(v, c, locals)
			}
			if k.method(cls, at.Attr, it.depth+1, 0, cls, binds) {
				return
			}
		}
	}
	var binds map[string]string
	if hasArgs {
		if mod, _ := k.split(name); mod != "" {
			binds = k.bindings(v, c, locals)
		}
	}
	if k.followBound(name, it.depth+1, binds) {
		return
	}
	for _, p := range serviceCalls {
		if suffixMatch(name, p) {
			k.service = k.ev(it.module, c, "")
			return
		}
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	if at, ok := c.Func.(*pysrc.Attribute); ok && last == "Process" && k.mpContext(v, at.X, locals) {
		k.service = k.ev(it.module, c, "")
		return
	}
	if serviceMethods[last] {
		k.service = k.ev(it.module, c, "")
		return
	}
	if at, ok := c.Func.(*pysrc.Attribute); ok && receiverMethods[last] {
		if key := localKey(at.X); key != "" && locals[key] == serviceObj {
			k.service = k.ev(it.module, c, "")
		}
	}
}

// returnsService reports a project function every one of whose returns
// is a launcher, server or process manager it builds.
func (k *kindWalk) returnsService(name string) bool {
	mod, rest := k.split(name)
	if mod == "" {
		return false
	}
	d := k.in.index(mod, k.src.View(mod)).defs[rest]
	if d == nil || len(d.Returns) == 0 {
		return false
	}
	for _, r := range d.Returns {
		if !strings.HasSuffix(r, "()") || !isServiceCall(k.in.canonical(strings.TrimSuffix(r, "()"))) {
			return false
		}
	}
	return true
}

// bindings are the project objects a call passes: a class (by name) or
// an instance (a local holding one), by position ("#0", "#1") and by
// keyword.
func (k *kindWalk) bindings(v *pysrc.View, c *pysrc.Call, locals map[string]string) map[string]string {
	cs := v.CallSiteOf(c)
	var b map[string]string
	bind := func(key string, e pysrc.Expr, ref string) {
		val := ""
		if n, ok := e.(*pysrc.NameExpr); ok {
			val = instance(locals[n.ID])
		}
		if val == "" && ref != "" {
			if cls := k.class(k.in.canonical(ref)); cls != "" {
				val = classRef + cls
			}
		}
		if val != "" {
			if b == nil {
				b = map[string]string{}
			}
			b[key] = val
		}
	}
	for i, a := range c.Args {
		ref := ""
		if cs != nil && i < len(cs.Args) {
			ref = cs.Args[i].Ref
		}
		bind(fmt.Sprintf("#%d", i), a, ref)
	}
	for _, kw := range c.Keywords {
		if kw.Arg == "" {
			continue
		}
		ref := ""
		if cs != nil {
			for _, ck := range cs.Keywords {
				if ck.Name == kw.Arg {
					ref = ck.Value.Ref
				}
			}
		}
		bind(kw.Arg, kw.Value, ref)
	}
	return b
}

// paramBinds maps a call's bindings onto the parameters of d (self
// excluded for a method).
func paramBinds(d *pysrc.FuncDef, b map[string]string) map[string]string {
	if len(b) == 0 {
		return nil
	}
	params := d.Params
	if d.Class != "" && len(params) > 0 {
		params = params[1:]
	}
	out := map[string]string{}
	for i, p := range params {
		if p.Kind != pysrc.ParamNormal && p.Kind != pysrc.ParamPosOnly {
			continue
		}
		if val, ok := b[fmt.Sprintf("#%d", i)]; ok {
			out[p.Name] = val
		}
	}
	for _, p := range params {
		if val, ok := b[p.Name]; ok {
			out[p.Name] = val
		}
	}
	return out
}

// split finds the project module a dotted name starts with, and the rest.
func (k *kindWalk) split(name string) (string, string) {
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		if k.src.Has(name[:i]) {
			return name[:i], name[i+1:]
		}
	}
	return "", ""
}

// follow queues a project function; it reports whether name is one (or a
// project class, whose constructor is queued).
func (k *kindWalk) follow(name string, depth int) bool { return k.followBound(name, depth, nil) }

// followBound is follow with the project objects the call passes.
func (k *kindWalk) followBound(name string, depth int, binds map[string]string) bool {
	mod, rest := k.split(name)
	if mod == "" || !k.mayDefine(mod, rest) {
		return false
	}
	v := k.src.View(mod)
	if d := k.in.index(mod, v).defs[rest]; d != nil && d.Class == "" {
		k.push(mod, d, depth, "", paramBinds(d, binds))
		return true
	}
	if cls := k.class(name); cls != "" {
		k.method(cls, "__init__", depth, 0, cls, binds)
		return true
	}
	if cls, meth, ok := strings.Cut(rest, "."); ok && k.class(mod+"."+cls) != "" {
		return k.method(mod+"."+cls, meth, depth, 0, mod+"."+cls, binds)
	}
	return false
}

// mayDefine reports whether mod may define a function or class with the
// qualified name rest: false only when its outline says it does not, so
// that looking up a name the module cannot define does not analyse it.
func (k *kindWalk) mayDefine(mod, rest string) bool {
	o := k.src.Outline(mod)
	return o == nil || o.Defines(rest)
}

// class returns name when it is a class of the project.
func (k *kindWalk) class(name string) string {
	mod, rest := k.split(name)
	if mod == "" || !k.mayDefine(mod, rest) {
		return ""
	}
	if k.classesOf(mod)[rest] != nil {
		return name
	}
	return ""
}

// classesOf indexes a module's classes by qualified name, once.
func (k *kindWalk) classesOf(mod string) map[string]*pysrc.ClassInfo {
	if m, ok := k.classes[mod]; ok {
		return m
	}
	m := map[string]*pysrc.ClassInfo{}
	if v := k.src.View(mod); v != nil {
		for _, c := range v.Classes {
			if m[c.QualName] == nil {
				m[c.QualName] = c
			}
		}
	}
	k.classes[mod] = m
	return m
}

// method queues cls.meth, looking through the project bases of cls; self
// is the class of the instance (the one first looked up on).
func (k *kindWalk) method(cls, meth string, depth, hops int, self string, binds map[string]string) bool {
	mod, d := k.findMethod(cls, meth, hops)
	if d == nil {
		return false
	}
	k.push(mod, d, depth, self, paramBinds(d, binds))
	return true
}

// findMethod finds the definition of cls.meth, in cls or its project
// bases.
func (k *kindWalk) findMethod(cls, meth string, hops int) (string, *pysrc.FuncDef) {
	if hops > 8 {
		return "", nil
	}
	mod, rest := k.split(cls)
	if mod == "" || !k.mayDefine(mod, rest) {
		return "", nil
	}
	v := k.src.View(mod)
	if d := k.in.index(mod, v).defs[rest+"."+meth]; d != nil && d.Class == rest {
		return mod, d
	}
	if c := k.classesOf(mod)[rest]; c != nil {
		for _, b := range c.Bases {
			if !strings.Contains(b, ".") {
				b = mod + "." + b
			}
			if k.class(b) != "" {
				if m, d := k.findMethod(b, meth, hops+1); d != nil {
					return m, d
				}
			}
		}
	}
	return "", nil
}

// ForTool is the mode of an entry point of kind k: a tool that starts no
// concurrent work on main's paths runs no concurrency runtime, whatever
// backend it inherits from its package's import-time code (that selection
// is kept in the reason, with its switch).
func ForTool(r Result, k KindResult) Result {
	if k.Kind != KindTool || k.Concurrent != nil || k.Reason != "" || r.Mode == Unknown || r.Mode == NoRuntime {
		return r
	}
	why := fmt.Sprintf("a tool that starts no concurrent work: it inherits %s", r.Mode)
	if s := r.Switch; s.Env != "" || s.Config != "" {
		var on []string
		if s.Env != "" {
			on = append(on, "env "+s.Env)
		}
		if s.Config != "" {
			on = append(on, "config "+s.Config)
		}
		why += " (switch " + strings.Join(on, ", ") + ")"
	}
	why += " from import-time code, which does not make it run concurrently"
	r.Reason = strings.TrimPrefix(r.Reason+"; "+why, "; ")
	r.Mode = NoRuntime
	r.InheritedDefault = r.Switch.Default
	r.Switch = Switch{Default: "none"}
	return r
}

// receiverClass is the project class of a method call's receiver:
// self in a method, a local holding an instance, or Cls(...) itself.
func (k *kindWalk) receiverClass(it kindItem, v *pysrc.View, c *pysrc.Call, locals map[string]string) string {
	at, ok := c.Func.(*pysrc.Attribute)
	if !ok {
		return ""
	}
	switch r := at.X.(type) {
	case *pysrc.NameExpr:
		if r.ID == "self" && it.self != "" {
			return it.self
		}
		if r.ID == "self" && it.def.Class != "" {
			return it.module + "." + it.def.Class
		}
		return instance(locals[r.ID])
	case *pysrc.Attribute:
		key := localKey(r)
		if l := instance(locals[key]); l != "" {
			return l
		}
		if strings.HasPrefix(key, "self.") && it.self != "" {
			return instance(k.attrs[it.self+"."+strings.TrimPrefix(key, "self.")])
		}
	case *pysrc.Call:
		if rc := v.CallSiteOf(r); rc != nil {
			return k.class(rc.Resolved)
		}
	}
	return ""
}

// localKey names an assignment target whose value the walk remembers: a
// local name, or an attribute of self.
func localKey(e pysrc.Expr) string {
	switch t := e.(type) {
	case *pysrc.NameExpr:
		return t.ID
	case *pysrc.Attribute:
		if n, ok := t.X.(*pysrc.NameExpr); ok && n.ID == "self" {
			return "self." + t.Attr
		}
	}
	return ""
}

// endlessTest reports a loop condition that holds until the process is
// stopped, by its shape: a true constant; not <event>.is_set(); or a
// flag — a name or attribute, negated or not, or a call without
// arguments of a project function that returns one — that the loop's own
// body never writes (assigns, deletes, calls a method of or passes on),
// so only a signal handler or another thread can end the loop.
func (k *kindWalk) endlessTest(it kindItem, v *pysrc.View, loop *pysrc.While, locals map[string]string) bool {
	e := loop.Test
	if x, ok := e.(*pysrc.Constant); ok {
		return x.Kind == pysrc.ConstTrue || x.Kind == pysrc.ConstInt && v.File.Text(x) == "1"
	}
	neg := false
	if x, ok := e.(*pysrc.UnaryOp); ok && x.Op == pysrc.KwNot {
		e, neg = x.X, true
	}
	switch x := e.(type) {
	case *pysrc.NameExpr, *pysrc.Attribute:
		f := v.File.Text(x)
		return !writes(v, loop.Body, f)
	case *pysrc.Call:
		at, isAttr := x.Func.(*pysrc.Attribute)
		if neg && isAttr && at.Attr == "is_set" && len(x.Args) == 0 {
			return true
		}
		if len(x.Args) > 0 || len(x.Keywords) > 0 {
			return false
		}
		// while self._check_and_handle_signal(): the method returns a
		// flag of self the loop does not write.
		var d *pysrc.FuncDef
		if isAttr {
			if cls := k.receiverClass(it, v, x, locals); cls != "" {
				_, d = k.findMethod(cls, at.Attr, 0)
			}
		} else if cs := v.CallSiteOf(x); cs != nil {
			if mod, rest := k.split(k.in.canonical(cs.Resolved)); mod != "" {
				d = k.in.index(mod, k.src.View(mod)).defs[rest]
			}
		}
		if d == nil {
			return false
		}
		flags := returnedFlags(d)
		if len(flags) == 0 {
			return false
		}
		for _, f := range flags {
			if strings.HasPrefix(f, "self.") && (!isAttr || v.File.Text(at.X) != "self") {
				return false // another object's flag: not this loop's to read
			}
			if writes(v, loop.Body, f) {
				return false
			}
		}
		return true
	}
	return false
}

// returnedFlags are the values a function returns when each of its
// returns (not those of nested definitions) is a name or attribute, as
// written; nil otherwise.
func returnedFlags(d *pysrc.FuncDef) []string {
	var flags []string
	ok := true
	pysrc.InspectAll(d.Node.Body, func(n pysrc.Node) bool {
		switch x := n.(type) {
		case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
			return false
		case *pysrc.Return:
			f := flagText(x.X)
			if f == "" {
				ok = false
			}
			flags = append(flags, f)
		}
		return ok
	})
	if !ok {
		return nil
	}
	return flags
}

// flagText is a name or dotted attribute as written ("self.ready"), ""
// for anything else.
func flagText(e pysrc.Expr) string {
	switch x := e.(type) {
	case *pysrc.NameExpr:
		return x.ID
	case *pysrc.Attribute:
		if h := flagText(x.X); h != "" {
			return h + "." + x.Attr
		}
	}
	return ""
}

// writes reports whether body (not its nested definitions) may change
// the value named f: assigns or deletes it, calls one of its methods, or
// passes it to a call.
func writes(v *pysrc.View, body []pysrc.Stmt, f string) bool {
	found := false
	is := func(e pysrc.Expr) bool {
		switch e.(type) {
		case *pysrc.NameExpr, *pysrc.Attribute, *pysrc.Subscript:
			t := v.File.Text(e)
			return t == f || strings.HasPrefix(t, f+"[") || strings.HasPrefix(t, f+".")
		}
		return false
	}
	pysrc.InspectAll(body, func(n pysrc.Node) bool {
		switch x := n.(type) {
		case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
			return false
		case *pysrc.Assign:
			for _, t := range x.Targets {
				found = found || is(t) || targets(v, t, f)
			}
		case *pysrc.AugAssign:
			found = found || is(x.Target)
		case *pysrc.AnnAssign:
			found = found || is(x.Target)
		case *pysrc.For:
			found = found || is(x.Target) || targets(v, x.Target, f)
		case *pysrc.Delete:
			for _, t := range x.Targets {
				found = found || is(t)
			}
		case *pysrc.NamedExpr:
			found = found || is(x.Target)
		case *pysrc.Call:
			if at, ok := x.Func.(*pysrc.Attribute); ok && is(at.X) {
				found = true
			}
			for _, a := range x.Args {
				found = found || is(a)
			}
			for _, kw := range x.Keywords {
				found = found || is(kw.Value)
			}
		}
		return !found
	})
	return found
}

// targets reports whether a tuple or list target unpacks into f.
func targets(v *pysrc.View, t pysrc.Expr, f string) bool {
	var elts []pysrc.Expr
	switch x := t.(type) {
	case *pysrc.Tuple:
		elts = x.Elts
	case *pysrc.List:
		elts = x.Elts
	default:
		return false
	}
	for _, e := range elts {
		if v.File.Text(e) == f || targets(v, e, f) {
			return true
		}
	}
	return false
}

// instance is the class a local's value is an instance of ("" for a
// class itself or a marker).
func instance(l string) string {
	if l == "" || strings.HasPrefix(l, "\x00") {
		return ""
	}
	return l
}

// leaves reports whether a loop body can leave the loop by break, return
// or yield (a break of a nested loop leaves only that loop; nested
// functions do not run here).
func leaves(body []pysrc.Stmt) bool {
	found := false
	var walk func(body []pysrc.Stmt, nested bool)
	walk = func(body []pysrc.Stmt, nested bool) {
		pysrc.InspectAll(body, func(n pysrc.Node) bool {
			switch x := n.(type) {
			case *pysrc.Return, *pysrc.Yield, *pysrc.YieldFrom:
				// A generator's loop hands control back at each yield.
				found = true
			case *pysrc.Break:
				found = found || !nested
			case *pysrc.While:
				walk(x.Body, true)
				walk(x.Orelse, nested)
				return false
			case *pysrc.For:
				walk(x.Body, true)
				walk(x.Orelse, nested)
				return false
			case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
				return false
			}
			return !found
		})
	}
	walk(body, false)
	return found
}

// mpContext marks a name holding multiprocessing.get_context(...);
// threadLocal one holding a threading.Thread.
const (
	mpContext   = "\x00multiprocessing context"
	threadLocal = "\x00thread"
)

// mpContext reports whether e is a multiprocessing context: a local or a
// module-level name assigned multiprocessing.get_context(...).
func (k *kindWalk) mpContext(v *pysrc.View, e pysrc.Expr, locals map[string]string) bool {
	n, ok := e.(*pysrc.NameExpr)
	if !ok {
		return false
	}
	if locals[n.ID] == mpContext {
		return true
	}
	if val, ok := k.in.index(v.Module, v).assigns[n.ID]; ok {
		if c, ok := val.(*pysrc.Call); ok {
			if cs := v.CallSiteOf(c); cs != nil && cs.Resolved == "multiprocessing.get_context" {
				return true
			}
		}
	}
	return false
}

// catchesErrors reports whether a try catches errors a loop may end with;
// handlers of KeyboardInterrupt or SystemExit only are the stop of a
// service, not the end of its loop.
func catchesErrors(v *pysrc.View, t *pysrc.Try) bool {
	for _, h := range t.Handlers {
		if h.Type == nil {
			return true
		}
		for _, part := range strings.Split(strings.Trim(v.File.Text(h.Type), "()"), ",") {
			if p := strings.TrimSpace(part); p != "KeyboardInterrupt" && p != "SystemExit" {
				return true
			}
		}
	}
	return false
}

// EntryFunc reports whether a function or method of a module named to a
// loader is one the loader's run is followed into.
func EntryFunc(name string) bool { return name == "main" || name == "run" || name == "start" }

// Outline is what the interpreter's lookups in a module need to know of
// its definitions when they do not find what they look for: kept by the
// scan's first pass for every runtime module, it lets an inference
// analyse only the modules whose code it runs or reads.
type Outline struct {
	// Heads are the names that start the qualified names of the module's
	// functions and classes (its module-level def and class statements),
	// sorted, distinct.
	Heads []string
	// Entry: the module defines an EntryFunc.
	Entry bool
}

// OutlineOf outlines a module's view.
func OutlineOf(v *pysrc.View) *Outline {
	o := &Outline{}
	var heads []string
	add := func(q string) {
		head, _, _ := strings.Cut(q, ".")
		heads = append(heads, head)
	}
	for _, d := range v.Defs {
		add(d.QualName)
		o.Entry = o.Entry || EntryFunc(d.Name)
	}
	for _, c := range v.Classes {
		add(c.QualName)
	}
	sort.Strings(heads)
	heads = slices.Compact(heads)
	// One copy for all names: a substring of the source would keep the
	// whole file alive with the outline.
	var b strings.Builder
	for _, h := range heads {
		b.WriteString(h)
	}
	all := b.String()
	o.Heads = make([]string, len(heads))
	at := 0
	for i, h := range heads {
		o.Heads[i] = all[at : at+len(h)]
		at += len(h)
	}
	return o
}

// Defines reports whether the module may define a function or class
// with the qualified name q (it defines one whose name starts like q's).
func (o *Outline) Defines(q string) bool {
	head, _, _ := strings.Cut(q, ".")
	_, found := slices.BinarySearch(o.Heads, head)
	return found
}

// loaded follows the entry functions of project modules named by string
// literals in e (a string, or a list or tuple of them).
func (k *kindWalk) loaded(v *pysrc.View, e pysrc.Expr, depth int) {
	var elts []pysrc.Expr
	switch x := e.(type) {
	case *pysrc.Constant:
		elts = []pysrc.Expr{x}
	case *pysrc.List:
		elts = x.Elts
	case *pysrc.Tuple:
		elts = x.Elts
	}
	for _, el := range elts {
		c, ok := el.(*pysrc.Constant)
		if !ok || c.Kind != pysrc.ConstStr {
			continue
		}
		name := v.File.StringValue(c)
		if k.loadedMods[name] {
			continue
		}
		k.loadedMods[name] = true
		if o := k.src.Outline(name); o != nil && !o.Entry {
			continue // the module need not be analysed: nothing in it is followed
		}
		mv := k.src.View(name)
		if mv == nil || !strings.Contains(name, ".") {
			continue
		}
		for _, d := range mv.Defs {
			if EntryFunc(d.Name) {
				k.push(name, d, depth, "", nil)
			}
		}
	}
}
