package modes

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

const maxCallDepth = 8

// eval evaluates an expression in w; a condition on a switch may fork.
func (in *interp) eval(module string, e pysrc.Expr, w *world, depth int) []out {
	if e == nil {
		return one(unknownV, w)
	}
	in.steps--
	if in.outOfBudget(w) {
		return one(unknownV, w)
	}
	in.nest++
	defer func() { in.nest-- }()
	switch x := e.(type) {
	case *pysrc.Constant:
		return one(constValue(in.src.View(module), x), w)
	case *pysrc.NameExpr:
		return one(in.lookup(module, x.ID, w), w)
	case *pysrc.Attribute:
		if _, ok := in.optDefaults[x.Attr]; ok {
			return one(in.switchRead("config:"+x.Attr, in.optDefaults[x.Attr], false), w)
		}
		var res []out
		for _, o := range in.eval(module, x.X, w, depth) {
			if o.v.kind == vRef {
				res = append(res, out{&value{kind: vRef, s: o.v.s + "." + x.Attr}, o.w})
			} else {
				res = append(res, out{unknownV, o.w})
			}
		}
		return res
	case *pysrc.Call:
		return in.call(module, x, w, depth)
	case *pysrc.Compare:
		return in.compare(module, x, w, depth)
	case *pysrc.BoolOp:
		return in.boolOp(module, x, x.Values, w, depth)
	case *pysrc.UnaryOp:
		if x.Op != pysrc.KwNot {
			return one(unknownV, w)
		}
		var res []out
		for _, o := range in.decide(in.eval(module, x.X, w, depth)) {
			switch truth(o.v) {
			case 1:
				res = append(res, out{boolV(false), o.w})
			case 0:
				res = append(res, out{boolV(true), o.w})
			default:
				res = append(res, out{unknownV, o.w})
			}
		}
		return res
	case *pysrc.IfExp:
		var res []out
		for _, o := range in.decide(in.eval(module, x.Test, w, depth)) {
			switch truth(o.v) {
			case 1:
				res = append(res, in.eval(module, x.Body, o.w, depth)...)
			case 0:
				res = append(res, in.eval(module, x.Orelse, o.w, depth)...)
			default:
				res = append(res, out{unknownV, o.w})
			}
		}
		return res
	case *pysrc.Lambda:
		return one(&value{kind: vFunc, lam: x}, w)
	case *pysrc.Tuple, *pysrc.List:
		var elts []pysrc.Expr
		if t, ok := x.(*pysrc.Tuple); ok {
			elts = t.Elts
		} else {
			elts = x.(*pysrc.List).Elts
		}
		tv := &value{kind: vTuple}
		for _, el := range elts {
			tv.elems = append(tv.elems, in.eval(module, el, w, depth)[0].v)
		}
		return one(tv, w)
	case *pysrc.Subscript:
		if base := in.eval(module, x.X, w, depth)[0].v; base.kind == vRef && base.s == "os.environ" {
			if c, ok := x.Index.(*pysrc.Constant); ok && c.Kind == pysrc.ConstStr {
				return one(in.switchRead("env:"+in.src.View(module).File.StringValue(c), noneValue, true), w)
			}
		}
	}
	return one(unknownV, w)
}

func constValue(v *pysrc.View, c *pysrc.Constant) *value {
	switch c.Kind {
	case pysrc.ConstStr:
		return strV(v.File.StringValue(c))
	case pysrc.ConstTrue:
		return boolV(true)
	case pysrc.ConstFalse:
		return boolV(false)
	case pysrc.ConstNone:
		return &value{kind: vNone}
	case pysrc.ConstInt:
		return &value{kind: vInt, s: v.File.Text(c)}
	}
	return unknownV
}

// lookup finds a name: a local of the running frame, a module-level value
// assigned while the module ran, a module-level literal, or what the name
// resolves to through imports.
func (in *interp) lookup(module, name string, w *world) *value {
	if v, ok := w.vars[name]; ok {
		return v
	}
	if name == "__name__" {
		if module == in.main {
			return strV("__main__") // a script runs as __main__
		}
		return strV(module) // entry points import their module: never "__main__"
	}
	view := in.src.View(module)
	if view == nil {
		return unknownV
	}
	ix := in.index(module, view)
	if e, ok := ix.assigns[name]; ok {
		if lit := in.literal(view, e, w); lit.kind != vUnknown {
			return lit
		}
		// A module-level name bound to the result of a call of a named
		// function (multiproc = multiprocessing.get_context("fork")) is
		// that result: "multiprocessing.get_context()", so that
		// multiproc.Process(target=f) is recognised.
		if c, ok := e.(*pysrc.Call); ok {
			if cs := view.CallSiteOf(c); cs != nil && cs.Resolved != "" {
				return &value{kind: vRef, s: cs.Resolved + "()"}
			}
		}
	}
	if target, ok := ix.exports[name]; ok && target != "" {
		return &value{kind: vRef, s: target}
	}
	switch name {
	case "True":
		return boolV(true)
	case "False":
		return boolV(false)
	}
	return unknownV
}

// literal is the value of a literal expression; each node read is a step,
// so that a huge literal looked up again and again costs a bounded time.
func (in *interp) literal(v *pysrc.View, e pysrc.Expr, w *world) *value {
	in.steps--
	if in.outOfBudget(w) {
		return unknownV
	}
	in.nest++
	defer func() { in.nest-- }()
	switch x := e.(type) {
	case *pysrc.Constant:
		return constValue(v, x)
	case *pysrc.Tuple:
		return in.literalSeq(v, x.Elts, w)
	case *pysrc.List:
		return in.literalSeq(v, x.Elts, w)
	case *pysrc.Set:
		return in.literalSeq(v, x.Elts, w)
	}
	return unknownV
}

func (in *interp) literalSeq(v *pysrc.View, elts []pysrc.Expr, w *world) *value {
	t := &value{kind: vTuple}
	for _, el := range elts {
		t.elems = append(t.elems, in.literal(v, el, w))
	}
	return t
}

// switchRead is the value of an environment variable or a config option.
func (in *interp) switchRead(key, dflt string, unsetIsNone bool) *value {
	if in.switchDflt == nil {
		in.switchDflt = map[string]string{}
	}
	if _, ok := in.switchDflt[key]; !ok {
		in.switchDflt[key] = dflt
	}
	return &value{kind: vSwitch, sw: key}
}

func (in *interp) compare(module string, c *pysrc.Compare, w *world, depth int) []out {
	res := in.eval(module, c.X, w, depth)
	for i, op := range c.Ops {
		var next []out
		for _, o := range res {
			if truth(o.v) == 0 && i > 0 {
				next = append(next, o) // chained comparison already false
				continue
			}
			for _, r := range in.eval(module, c.Comparators[i], o.w, depth) {
				next = append(next, in.cmp(o.v, op, r.v, r.w)...)
			}
		}
		res = next
	}
	return res
}

func (in *interp) cmp(a *value, op pysrc.CmpOp, b *value, w *world) []out {
	neg := op == pysrc.CmpNotEq || op == pysrc.CmpNotIn || op == pysrc.CmpIsNot
	if b.kind == vSwitch && a.kind != vSwitch && (op == pysrc.CmpEq || op == pysrc.CmpNotEq) {
		a, b = b, a
	}
	var res []out
	finish := func(t bool, w *world) {
		if neg {
			t = !t
		}
		res = append(res, out{boolV(t), w})
	}
	var lits []string
	switch b.kind {
	case vStr:
		lits = []string{b.s}
	case vTuple:
		for _, el := range b.elems {
			if el.kind == vStr {
				lits = append(lits, el.s)
			}
		}
	case vNone:
		lits = nil
	}
	if a.kind == vSwitch && (b.kind == vStr || b.kind == vTuple || b.kind == vNone) {
		for _, x := range in.resolveSwitch(a, w) {
			if b.kind == vNone {
				// "is None": only the unset value is None.
				finish(x.a.concrete && x.a.value == noneValue, x.w)
				continue
			}
			if x.a.concrete {
				v := x.a.value
				if a.lower {
					v = strings.ToLower(v)
				}
				finish(contains(lits, v), x.w)
				continue
			}
			// Some other value: fork on this comparison's literals.
			var cands []string
			for _, l := range lits {
				if !contains(x.a.excluded, l) {
					cands = append(cands, l)
				}
			}
			if len(cands) == 0 {
				finish(false, x.w)
				continue
			}
			if yes := in.fork(x.w); yes != nil {
				ya := yes.assume[a.sw]
				ya.concrete, ya.value, ya.oneOf = true, cands[0], cands
				finish(true, yes)
			}
			x.a.excluded = append(x.a.excluded, cands...)
			finish(false, x.w)
		}
		return res
	}
	if a.kind == vStr && (b.kind == vStr || b.kind == vTuple) {
		finish(contains(lits, a.s), w)
		return res
	}
	if (a.kind == vBool || a.kind == vNone) && (b.kind == vBool || b.kind == vNone) {
		finish(a.kind == b.kind && a.b == b.b, w)
		return res
	}
	return one(unknownV, w)
}

type resolved struct {
	a *assumption
	w *world
}

// resolveSwitch returns the worlds for a switch's value: its assumption in
// w, or, on first use, two worlds: the default, and "some other value".
func (in *interp) resolveSwitch(v *value, w *world) []resolved {
	if a := w.assume[v.sw]; a != nil {
		return []resolved{{a, w}}
	}
	dflt := in.switchDflt[v.sw]
	other := in.fork(w)
	w.assume[v.sw] = &assumption{concrete: true, value: dflt, isDflt: true, unset: dflt == noneValue}
	w.order = append(w.order, v.sw)
	res := []resolved{{w.assume[v.sw], w}}
	if other != nil {
		if other.assume == nil {
			other.assume = map[string]*assumption{}
		}
		other.assume[v.sw] = &assumption{excluded: []string{dflt}}
		other.order = append(other.order, v.sw)
		res = append(res, resolved{other.assume[v.sw], other})
	}
	return res
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// boolOp evaluates a chain of and/or operands with an explicit stack, in
// the order a recursion over the operands would take (each world's
// outcomes in turn, depth first): the number of operands is the input's,
// and a flat chain of millions must not grow the Go stack.
func (in *interp) boolOp(module string, b *pysrc.BoolOp, vals []pysrc.Expr, w *world, depth int) []out {
	short := func(v *value) bool {
		t := truth(v)
		return b.Op == pysrc.KwAnd && t == 0 || b.Op == pysrc.KwOr && t == 1
	}
	// A frame evaluates operand i in w; unk says an earlier operand had an
	// unknown truth, so a result that does not short-circuit is unknown. A
	// frame with done set is a finished result, kept on the stack so that
	// results come out in order.
	type frame struct {
		i    int
		w    *world
		unk  bool
		done *out
	}
	var res []out
	stack := []frame{{i: 0, w: w}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.done != nil {
			res = append(res, *f.done)
			continue
		}
		if f.i == len(vals)-1 {
			for _, r := range in.eval(module, vals[f.i], f.w, depth) {
				if f.unk && !short(r.v) {
					r.v = unknownV
				}
				res = append(res, r)
			}
			continue
		}
		outs := in.decide(in.eval(module, vals[f.i], f.w, depth))
		for k := len(outs) - 1; k >= 0; k-- { // pushed in reverse: popped in order
			o := outs[k]
			switch t := truth(o.v); {
			case short(o.v):
				stack = append(stack, frame{done: &o})
			default:
				stack = append(stack, frame{i: f.i + 1, w: o.w, unk: f.unk || t == -1})
			}
		}
	}
	return res
}

// call evaluates a call: known APIs record events, project functions are
// followed with their arguments, string methods transform values.
func (in *interp) call(module string, c *pysrc.Call, w *world, depth int) []out {
	// Method calls on values: .lower(), .strip(), .get() on os.environ.
	if at, ok := c.Func.(*pysrc.Attribute); ok {
		switch at.Attr {
		case "lower", "upper", "strip", "casefold":
			var res []out
			for _, o := range in.eval(module, at.X, w, depth) {
				v := o.v
				switch v.kind {
				case vStr:
					if at.Attr == "strip" {
						v = strV(strings.TrimSpace(v.s))
					} else if at.Attr == "upper" {
						v = strV(strings.ToUpper(v.s))
					} else {
						v = strV(strings.ToLower(v.s))
					}
				case vSwitch:
					cp := *v
					cp.lower = at.Attr != "strip"
					v = &cp
				}
				res = append(res, out{v, o.w})
			}
			return res
		}
	}
	if n, ok := c.Func.(*pysrc.NameExpr); ok && n.ID == "super" && len(c.Keywords) == 0 {
		if _, shadowed := w.vars["super"]; !shadowed {
			return one(in.super(module, c, w, depth), w)
		}
	}
	fv := in.eval(module, c.Func, w, depth)[0].v
	// Arguments first: their calls happen before this one, in the world
	// they leave (sys.exit(main()) runs main's patching, and each world
	// main ends in calls sys.exit); an argument that raised ends the
	// world before the call.
	states := []argState{{w: w}}
	for i, a := range c.Args {
		states = in.evalArgs(module, a, states, depth, func(st *argState, v *value) {
			st.args = append(st.args[:i:i], v)
		})
	}
	for _, k := range c.Keywords {
		if k.Arg != "" {
			states = in.evalArgs(module, k.Value, states, depth, func(st *argState, v *value) {
				kw := make(map[string]*value, len(st.kwargs)+1)
				maps.Copy(kw, st.kwargs)
				kw[k.Arg] = v
				st.kwargs = kw
			})
		}
	}
	if len(states) == 1 {
		return in.callWith(module, c, fv, states[0], depth)
	}
	var res []out
	for _, st := range states {
		res = append(res, in.callWith(module, c, fv, st, depth)...)
	}
	return res
}

// argState is one world of a call's argument evaluation with the values
// evaluated in it so far.
type argState struct {
	w      *world
	args   []*value
	kwargs map[string]*value
}

// evalArgs evaluates e in each live state, forking a state when e's
// evaluation forks its world; set records the value in the state.
func (in *interp) evalArgs(module string, e pysrc.Expr, states []argState, depth int, set func(*argState, *value)) []argState {
	next := make([]argState, 0, len(states))
	for _, st := range states {
		if st.w.dead {
			next = append(next, st)
			continue
		}
		for _, o := range in.eval(module, e, st.w, depth) {
			ns := argState{w: o.w, args: st.args, kwargs: st.kwargs}
			set(&ns, o.v)
			next = append(next, ns)
		}
	}
	return next
}

// callWith makes a call whose callee is fv and whose arguments were
// evaluated in st.
func (in *interp) callWith(module string, c *pysrc.Call, fv *value, st argState, depth int) []out {
	w, args, kwargs := st.w, st.args, st.kwargs
	if w.dead {
		return one(unknownV, w)
	}
	if kwargs == nil {
		kwargs = map[string]*value{}
	}
	if fv.kind != vRef {
		return one(unknownV, w)
	}
	name := in.canonical(fv.s)
	ev := func() Evidence { return in.ev(module, c) } // only calls that are events quote their source
	arg := func(i int, kw string) *value {
		if v, ok := kwargs[kw]; ok {
			return v
		}
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	// Work started in a process or thread runs code the entry point's
	// own call chain never calls: follow the target (a function, or a
	// service class's run/start) as if called here, so its patching,
	// backend selection and eventlet uses count for the service.
	if depth < maxCallDepth && !w.decided() {
		if target, method := startedWork(name, arg); target != nil && target.kind == vRef {
			t := in.canonical(target.s)
			if method != "" {
				t += "." + method
			}
			if Trace != nil {
				Trace(fmt.Sprintf("%*sstarted %s by %s", depth*2, "", t, name))
			}
			if outs := in.callProject(t, nil, nil, w, depth+1); outs != nil {
				for _, x := range outs {
					x.ret = nil // the target's result is not the call's
				}
				if len(outs) != 1 {
					res := make([]out, 0, len(outs))
					for _, x := range outs {
						res = append(res, out{in.started(name), x})
					}
					return res
				}
				w = outs[0]
			}
		}
	}
	switch {
	case name == "os.environ.get" || name == "os.getenv":
		if a := arg(0, "key"); a != nil && a.kind == vStr {
			d := noneValue
			if dv := arg(1, "default"); dv != nil && dv.kind == vStr {
				d = dv.s
			}
			return one(in.switchRead("env:"+a.s, d, false), w)
		}
	case name == "eventlet.monkey_patch" || name == "eventlet.patcher.monkey_patch":
		w.record(event{kind: EventPatch, ev: ev()})
		return one(&value{kind: vNone}, w)
	case strings.HasSuffix(name, "backend.init_backend"):
		if a := arg(0, "type_"); a != nil && a.kind == vRef {
			b := a.s[strings.LastIndexByte(a.s, '.')+1:]
			lf := w.libFix()
			w.record(event{kind: EventBackend, arg: b, ev: ev(), late: lf != nil && !strings.EqualFold(lf.arg, b), registry: strings.TrimSuffix(name, ".init_backend")})
		}
		return one(&value{kind: vNone}, w)
	case strings.HasSuffix(name, "register_backend_default_hook"):
		if a := arg(0, "hook"); a != nil {
			if b := in.hookBackend(module, a, w, depth); b != "" {
				w.record(event{kind: EventHook, arg: b, ev: ev(), late: w.libFix() != nil, registry: strings.TrimSuffix(name, ".register_backend_default_hook")})
			}
		}
		return one(&value{kind: vNone}, w)
	case isComponent(name):
		w.record(event{kind: EventComponent, ev: ev()})
		return one(unknownV, w)
	case name == "sys.meta_path.insert" || name == "sys.meta_path.append":
		w.record(event{kind: EventPoison, ev: ev()})
		return one(&value{kind: vNone}, w)
	case isEventletRuntime(name):
		w.record(event{kind: EventEventlet, ev: ev()})
		return one(unknownV, w)
	case isThreads(name):
		w.record(event{kind: EventThreads, ev: ev()})
		return one(in.started(name), w)
	}
	// Once the mode is decided no later call can change it: stop following.
	if depth < maxCallDepth && !w.decided() && in.isClass(name) {
		// Building an instance of a project class runs its __init__; the
		// value is the instance, whose methods can then be followed.
		inst := &value{kind: vRef, s: name + "()"}
		if outs := in.callProject(name+".__init__", args, kwargs, w, depth+1); outs != nil {
			res := make([]out, 0, len(outs))
			for _, x := range outs {
				x.ret = nil
				res = append(res, out{inst, x})
			}
			return res
		}
		return one(inst, w)
	}
	if depth < maxCallDepth && !w.decided() {
		if outs := in.callProject(name, args, kwargs, w, depth+1); outs != nil {
			res := make([]out, 0, len(outs))
			for _, x := range outs {
				r := x.ret
				if r == nil {
					r = &value{kind: vNone}
				}
				x.ret = nil
				res = append(res, out{r, x})
			}
			return res
		}
	}
	return one(unknownV, w)
}

func (in *interp) hookBackend(module string, f *value, w *world, depth int) string {
	var v *value
	switch f.kind {
	case vFunc:
		v = in.eval(module, f.lam.Body, w, depth)[0].v
	case vRef:
		if depth >= maxCallDepth {
			return ""
		}
		outs := in.callProject(f.s, nil, nil, in.clone(w), depth+1)
		if len(outs) > 0 && outs[0].ret != nil {
			v = outs[0].ret
		}
	}
	if v != nil && v.kind == vRef {
		return v.s[strings.LastIndexByte(v.s, '.')+1:]
	}
	return ""
}

// isEventletRuntime reports eventlet APIs that run work on eventlet's hub
// (green threads, pools, sleeps, timeouts, servers, queues). Probes such as
// patcher.original, tpool (a native thread pool) and debug hooks do not
// choose a runtime.
func isEventletRuntime(name string) bool {
	if !strings.HasPrefix(name, "eventlet.") && !strings.HasPrefix(name, "greenlet.") {
		return false
	}
	for _, p := range tables.EventletNotRuntime {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	return true
}

func isComponent(name string) bool {
	for _, p := range tables.ServiceRuntimeComponents {
		if name == p || strings.HasSuffix(p, ".") && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func isThreads(name string) bool {
	for _, p := range tables.ThreadAPIs {
		if name == p || strings.HasSuffix(p, ".") && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// startedWork returns the work a call starts in another process or
// thread: the target function of multiprocessing.Process / threading.Thread
// / threading.Timer, or the service class a cotyledon ServiceManager adds
// (whose run method is the work), with the method to call on a class.
func startedWork(name string, arg func(int, string) *value) (target *value, method string) {
	switch name {
	case "multiprocessing.Process", "multiprocessing.context.Process", "multiprocessing.context.SpawnProcess",
		"multiprocessing.context.ForkProcess", "multiprocessing.context.ForkServerProcess", "threading.Thread",
		"multiprocessing.get_context().Process":
		return arg(1, "target"), ""
	case "threading.Timer":
		return arg(1, "function"), ""
	case "cotyledon.ServiceManager().add", "cotyledon.ServiceManager.add":
		return arg(0, "service"), "run"
	}
	return nil, ""
}

// started is the value of a call that builds a thread, process or
// manager: a reference to its result, so that methods called on it
// (sm.add(Svc)) are recognised.
func (in *interp) started(name string) *value {
	return &value{kind: vRef, s: name + "()"}
}

// canonical maps a dotted name through the project's re-exports.
func (in *interp) canonical(name string) string { return in.src.Canonical(name) }

// Trace, when set, receives each followed call (for debugging the
// interpreter from tests).
var Trace func(string)

// callProject follows a call into a project function: returns nil when
// name is not a module-level function of a project module.
func (in *interp) callProject(name string, args []*value, kwargs map[string]*value, w *world, depth int) []*world {
	if Trace != nil {
		Trace(fmt.Sprintf("%*scall %s (budget %d)", depth*2, "", name, in.budget))
	}
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return nil
	}
	module, fn := name[:i], name[i+1:]
	var def *pysrc.FuncDef
	if view := in.src.View(module); view != nil {
		def = in.index(module, view).defs[fn]
	}
	var self *value
	if inner, ok := strings.CutPrefix(module, "super("); ok && def == nil {
		// super().m: m as found in the bases of the defining class, on
		// the same instance (or class, in a classmethod).
		defCls, selfS, _ := strings.Cut(strings.TrimSuffix(inner, ")"), "|")
		module, def = in.baseMethod(defCls, fn)
		if def == nil {
			return nil
		}
		self = &value{kind: vRef, s: selfS}
	} else if def == nil {
		// A method: Cls.m, or m on an instance of a project class
		// (Cls().m), found in the class or its bases. A classmethod's
		// first parameter is the class, whichever way it is called.
		cls := strings.TrimSuffix(module, "()")
		module, def = in.method(cls, fn, 0)
		if def == nil {
			return nil
		}
		self = &value{kind: vRef, s: cls + "()"}
		if isClassMethod(def) {
			self = &value{kind: vRef, s: cls}
		}
	}
	// The defining module runs first if it has not (importing it).
	worlds := in.runModule(module, w)
	var res []*world
	for _, x := range worlds {
		saved := x.vars
		frame := map[string]*value{}
		pos := 0
		params := def.Params
		if self != nil && len(params) > 0 && (params[0].Kind == pysrc.ParamPosOnly || params[0].Kind == pysrc.ParamNormal) && !isStatic(def) {
			frame[params[0].Name] = self
			params = params[1:]
			if def.Class != "" {
				// What super() in this method means.
				frame[superClass] = &value{kind: vRef, s: module + "." + def.Class}
				frame[superSelf] = self
			}
		}
		for _, p := range params {
			var v *value
			switch p.Kind {
			case pysrc.ParamPosOnly, pysrc.ParamNormal:
				if pos < len(args) {
					v = args[pos]
					pos++
				}
			}
			if kv, ok := kwargs[p.Name]; ok {
				v = kv
			}
			if v == nil && p.HasDefault {
				v = fromValue(p.Default)
			}
			if v == nil {
				v = unknownV
			}
			frame[p.Name] = v
		}
		x.vars = frame
		for _, y := range in.execBlock(module, def.Node.Body, x, depth) {
			y.vars = saved
			if y.ret == nil {
				y.ret = &value{kind: vNone}
			}
			res = append(res, y)
		}
	}
	if self != nil {
		// A method letgo followed that raises on every path it took is
		// more likely a condition letgo evaluated without the object's
		// real state (a database query, a policy check) than the end of
		// the process: the caller goes on with the call's result unknown,
		// keeping what the method did before raising.
		all := len(res) > 0
		for _, y := range res {
			all = all && y.dead
		}
		if all {
			for _, y := range res {
				y.dead, y.ret = false, unknownV
			}
		}
	}
	return res
}

// method finds a method of a project class, in the class or, in order,
// its bases (resolved through the model), a bounded number of levels up.
func (in *interp) method(cls, meth string, level int) (string, *pysrc.FuncDef) {
	if level > 8 {
		return "", nil
	}
	i := strings.LastIndexByte(cls, '.')
	if i < 0 {
		return "", nil
	}
	module, qual := cls[:i], cls[i+1:]
	view := in.src.View(module)
	if view == nil {
		return "", nil
	}
	ix := in.index(module, view)
	if d := ix.defs[qual+"."+meth]; d != nil {
		return module, d
	}
	if c := ix.classes[qual]; c != nil {
		for _, b := range c.Bases {
			if m, d := in.method(in.canonical(b), meth, level+1); d != nil {
				return m, d
			}
		}
	}
	return "", nil
}

// superClass and superSelf are the frame's hidden names for what super()
// refers to: the class defining the running method, and its instance.
// They cannot clash with Python names.
const (
	superClass = "\x00class"
	superSelf  = "\x00self"
)

// super is the value of super() in a method, or of super(Cls, self): a
// reference whose methods are looked up in the bases of the class that
// defines the method, called on the same instance.
func (in *interp) super(module string, c *pysrc.Call, w *world, depth int) *value {
	cls, self := w.vars[superClass], w.vars[superSelf]
	if len(c.Args) == 2 {
		cls, self = in.eval(module, c.Args[0], w, depth)[0].v, in.eval(module, c.Args[1], w, depth)[0].v
	} else if len(c.Args) != 0 {
		return unknownV
	}
	if cls == nil || self == nil || cls.kind != vRef || self.kind != vRef {
		return unknownV
	}
	return &value{kind: vRef, s: "super(" + in.canonical(cls.s) + "|" + self.s + ")"}
}

// baseMethod finds a method in the bases of a project class, in order
// (what super().meth calls, for single inheritance and the first base
// that has it otherwise).
func (in *interp) baseMethod(cls, meth string) (string, *pysrc.FuncDef) {
	i := strings.LastIndexByte(cls, '.')
	if i < 0 {
		return "", nil
	}
	view := in.src.View(cls[:i])
	if view == nil {
		return "", nil
	}
	c := in.index(cls[:i], view).classes[cls[i+1:]]
	if c == nil {
		return "", nil
	}
	for _, b := range c.Bases {
		if m, d := in.method(in.canonical(b), meth, 1); d != nil {
			return m, d
		}
	}
	return "", nil
}

// isClass reports whether a name is a class of the project.
func (in *interp) isClass(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return false
	}
	view := in.src.View(name[:i])
	return view != nil && in.index(name[:i], view).classes[name[i+1:]] != nil
}

func isClassMethod(def *pysrc.FuncDef) bool {
	return slices.Contains(def.Decorators, "classmethod")
}

func isStatic(def *pysrc.FuncDef) bool {
	for _, d := range def.Decorators {
		if d == "staticmethod" {
			return true
		}
	}
	return false
}

func fromValue(v pysrc.Value) *value {
	switch v.Kind {
	case pysrc.ValStr:
		return strV(v.Str)
	case pysrc.ValBool:
		return boolV(v.Bool)
	case pysrc.ValNone:
		return &value{kind: vNone}
	case pysrc.ValInt:
		return &value{kind: vInt, s: v.Str}
	}
	if v.Ref != "" {
		return &value{kind: vRef, s: v.Ref}
	}
	return unknownV
}
