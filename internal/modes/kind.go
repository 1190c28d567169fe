package modes

import (
	"fmt"
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
// when their receiver is named like one (launcher.wait(), server.start()):
// on anything else (a subprocess, a thread of a tool) they return.
var receiverMethods = map[string]bool{"wait": true, "start": true, "run": true}

func serviceReceiver(recv string) bool {
	r := strings.ToLower(recv)
	for _, s := range []string{"launcher", "server", "service", "daemon", "proxy", "agent"} {
		if strings.HasSuffix(r, s) {
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
}

type kindItem struct {
	module string
	def    *pysrc.FuncDef
	depth  int
}

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
	k := &kindWalk{src: src, in: newInterp(src), seen: map[string]bool{}, classes: map[string]map[string]*pysrc.ClassInfo{}, loadedMods: map[string]bool{}}
	main := k.in.index(module, v).defs[fn]
	if main == nil {
		return KindResult{Kind: KindUnknown, Reason: fmt.Sprintf("function %s is not defined in %s", fn, module)}
	}
	k.push(module, main, 0)
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

func (k *kindWalk) push(module string, d *pysrc.FuncDef, depth int) {
	key := module + ":" + d.QualName
	if k.seen[key] {
		return
	}
	if depth > maxKindDepth {
		k.cut = true
		return
	}
	k.seen[key] = true
	k.queue = append(k.queue, kindItem{module, d, depth})
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
	locals := map[string]string{}    // local name → project class it holds, or mpContext
	tried := map[*pysrc.While]bool{} // loops inside a try: an exception may be their way out
	pysrc.InspectAll(it.def.Node.Body, func(n pysrc.Node) bool {
		if k.service != nil {
			return false
		}
		switch x := n.(type) {
		case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
			return false
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
			if endlessTest(v, x.Test) && !leaves(x.Body) && !tried[x] {
				k.service = k.ev(it.module, x, "endless loop: "+strings.TrimSpace(firstLine(v.File.Text(x))))
				return false
			}
		case *pysrc.Assign:
			if call, ok := x.Value.(*pysrc.Call); ok && len(x.Targets) == 1 {
				if key := localKey(x.Targets[0]); key != "" {
					if cs := v.CallSiteOf(call); cs != nil {
						if cls := k.class(k.in.canonical(cs.Resolved)); cls != "" {
							locals[key] = cls
						} else if cs.Resolved == "multiprocessing.get_context" {
							locals[key] = mpContext
						} else if cs.Resolved == "threading.Thread" || cs.Resolved == "threading.Timer" {
							locals[key] = threadLocal
						}
					}
				}
			}
		case *pysrc.Call:
			k.call(it, v, x, locals)
		}
		return true
	})
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (k *kindWalk) call(it kindItem, v *pysrc.View, c *pysrc.Call, locals map[string]string) {
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
	// A function or method named for a loop is the service's loop,
	// project code or not: its own name says it does not return.
	if last := name[strings.LastIndexByte(name, '.')+1:]; strings.HasSuffix(last, "_forever") || strings.HasSuffix(last, "_loop") {
		k.service = k.ev(it.module, c, "")
		return
	}
	// Methods: self.m() in a method, x.m() on a local holding a project
	// class, Cls(...).m().
	if at, ok := c.Func.(*pysrc.Attribute); ok {
		if cls := k.receiverClass(it, v, c, locals); cls != "" && k.method(cls, at.Attr, it.depth+1, 0) {
			return
		}
	}
	if k.follow(name, it.depth+1) {
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
	if receiverMethods[last] {
		recv := strings.TrimSuffix(cs.Callee, "."+last)
		if i := strings.LastIndexByte(recv, '.'); i >= 0 {
			recv = recv[i+1:]
		}
		if cls := k.receiverClass(it, v, c, locals); cls != "" {
			recv = cls[strings.LastIndexByte(cls, '.')+1:]
		}
		if recv != cs.Callee && serviceReceiver(recv) {
			k.service = k.ev(it.module, c, "")
		}
	}
}

// split finds the project module a dotted name starts with, and the rest.
func (k *kindWalk) split(name string) (string, string) {
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		if k.src.View(name[:i]) != nil {
			return name[:i], name[i+1:]
		}
	}
	return "", ""
}

// follow queues a project function; it reports whether name is one (or a
// project class, whose constructor is queued).
func (k *kindWalk) follow(name string, depth int) bool {
	mod, rest := k.split(name)
	if mod == "" {
		return false
	}
	v := k.src.View(mod)
	if d := k.in.index(mod, v).defs[rest]; d != nil && d.Class == "" {
		k.push(mod, d, depth)
		return true
	}
	if cls := k.class(name); cls != "" {
		k.method(cls, "__init__", depth, 0)
		return true
	}
	if cls, meth, ok := strings.Cut(rest, "."); ok && k.class(mod+"."+cls) != "" {
		return k.method(mod+"."+cls, meth, depth, 0)
	}
	return false
}

// class returns name when it is a class of the project.
func (k *kindWalk) class(name string) string {
	mod, rest := k.split(name)
	if mod == "" {
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

// method queues cls.meth, looking through the project bases of cls.
func (k *kindWalk) method(cls, meth string, depth, hops int) bool {
	if hops > 8 {
		return false
	}
	mod, rest := k.split(cls)
	if mod == "" {
		return false
	}
	v := k.src.View(mod)
	if d := k.in.index(mod, v).defs[rest+"."+meth]; d != nil && d.Class == rest {
		k.push(mod, d, depth)
		return true
	}
	if c := k.classesOf(mod)[rest]; c != nil {
		for _, b := range c.Bases {
			if !strings.Contains(b, ".") {
				b = mod + "." + b
			}
			if k.class(b) != "" && k.method(b, meth, depth, hops+1) {
				return true
			}
		}
	}
	return false
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
		if r.ID == "self" && it.def.Class != "" {
			return it.module + "." + it.def.Class
		}
		return locals[r.ID]
	case *pysrc.Attribute:
		return locals[localKey(r)]
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
// stopped: a true constant, not <event>.is_set(), or a flag named for
// running or stopping.
func endlessTest(v *pysrc.View, e pysrc.Expr) bool {
	switch x := e.(type) {
	case *pysrc.Constant:
		return x.Kind == pysrc.ConstTrue || x.Kind == pysrc.ConstInt && v.File.Text(x) == "1"
	case *pysrc.UnaryOp:
		if x.Op != pysrc.KwNot {
			return false
		}
		if c, ok := x.X.(*pysrc.Call); ok {
			if at, ok := c.Func.(*pysrc.Attribute); ok && at.Attr == "is_set" {
				return true
			}
		}
		return flagName(x.X, "stop")
	}
	return flagName(e, "running")
}

func flagName(e pysrc.Expr, word string) bool {
	var id string
	switch x := e.(type) {
	case *pysrc.NameExpr:
		id = x.ID
	case *pysrc.Attribute:
		id = x.Attr
	case *pysrc.Subscript:
		return flagName(x.X, word)
	}
	return id != "" && strings.Contains(strings.ToLower(id), word)
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
		mv := k.src.View(name)
		if mv == nil || !strings.Contains(name, ".") {
			continue
		}
		for _, d := range mv.Defs {
			if d.Name == "main" || d.Name == "run" || d.Name == "start" {
				k.push(name, d, depth)
			}
		}
	}
}
