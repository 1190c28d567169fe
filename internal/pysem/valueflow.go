package pysem

import (
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// Flow is one value a loader's name argument can take, found by following
// the argument inside its module: a literal dotted name, a configuration
// option (its default names the class), or an option whose name is built
// by formatting ("%s_manager" % binary: every option matching *_manager).
type Flow struct {
	Kind  FlowKind
	Value string // the dotted name, the option, or the pattern (with *)
	Via   string // how the value reaches the call: "a value of SERVICE_MANAGERS (line 53)"
}

// FlowKind says what a Flow's Value is.
type FlowKind uint8

const (
	FlowName    FlowKind = iota + 1 // a literal dotted name
	FlowOption                      // an option's name
	FlowPattern                     // a pattern of option names
)

// maxFlowDepth bounds the hops from the call's argument to a value;
// maxFlows bounds the values of one call.
const (
	maxFlowDepth = 8
	maxFlows     = 64
)

// traceLoad follows a loader call's first argument when it is neither a
// literal nor an option read: through local names and the parameters of
// the enclosing function (their defaults, and the arguments the module's
// own calls pass), attributes of self or cls (what any method of the
// module stores there), lookups in module-level dict literals (every
// value), conditional and boolean expressions (both sides), and
// CONF.get("name") or CONF.get("%s_x" % y) (the option, or the options
// matching the pattern). Only names inside the module are followed; a
// value from anywhere else is not guessed. The module's index is built by
// the first load that needs it and shared by the module's other loads.
func traceLoad(index func() *flowIndex, cs *pysrc.CallSite) []Flow {
	if cs.Node == nil || len(cs.Node.Args) == 0 {
		return nil
	}
	arg := cs.Node.Args[0]
	if _, star := arg.(*pysrc.Starred); star {
		return nil
	}
	t := &tracer{flowIndex: index(), seen: map[string]bool{}}
	t.eval(arg, cs.Func, "", 0)
	return t.out
}

// flowIndex is what the tracer looks names up in: one module's
// assignments, dict literals and functions.
type flowIndex struct {
	v       *pysrc.View
	assigns map[string][]pysrc.Expr // scope "\x00" name; "self\x00" attr for self/cls attributes
	dicts   map[string]*pysrc.Dict  // module-level dict literals by name
	defs    map[string]*pysrc.FuncDef
}

// tracer follows one load's argument over its module's index.
type tracer struct {
	*flowIndex
	seen map[string]bool
	out  []Flow
}

// newFlowIndex indexes a module for tracing.
func newFlowIndex(v *pysrc.View) *flowIndex {
	t := &flowIndex{v: v, assigns: map[string][]pysrc.Expr{}, dicts: map[string]*pysrc.Dict{}, defs: map[string]*pysrc.FuncDef{}}
	bind := func(scope string, target, value pysrc.Expr) {
		switch x := target.(type) {
		case *pysrc.NameExpr:
			t.assigns[scope+"\x00"+x.ID] = append(t.assigns[scope+"\x00"+x.ID], value)
			if d, ok := value.(*pysrc.Dict); ok && scope == "" {
				t.dicts[x.ID] = d
			}
		case *pysrc.Attribute:
			if n, ok := x.X.(*pysrc.NameExpr); ok && (n.ID == "self" || n.ID == "cls") {
				t.assigns["self\x00"+x.Attr] = append(t.assigns["self\x00"+x.Attr], value)
			}
		}
	}
	walk := func(scope string, body []pysrc.Stmt) {
		pysrc.InspectAll(body, func(n pysrc.Node) bool {
			switch x := n.(type) {
			case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
				return false // their own scopes
			case *pysrc.Assign:
				for _, tg := range x.Targets {
					bind(scope, tg, x.Value)
				}
			case *pysrc.AnnAssign:
				if x.Value != nil {
					bind(scope, x.Target, x.Value)
				}
			}
			return true
		})
	}
	walk("", t.v.File.Body)
	for _, d := range t.v.Defs {
		t.defs[d.QualName] = d
		if d.Node != nil {
			walk(d.QualName, d.Node.Body)
		}
	}
	return t
}

func (t *tracer) add(kind FlowKind, value, via string) {
	if len(t.out) >= maxFlows || value == "" {
		return
	}
	for _, f := range t.out {
		if f.Kind == kind && f.Value == value {
			return
		}
	}
	t.out = append(t.out, Flow{Kind: kind, Value: value, Via: via})
}

func (t *tracer) line(n pysrc.Node) string {
	return "line " + strconv.Itoa(t.v.Line(n.Pos()))
}

// eval collects the values e can take in function fn (its qualified
// name, "" at module level); via says how the value got here so far.
func (t *tracer) eval(e pysrc.Expr, fn, via string, depth int) {
	if e == nil || depth > maxFlowDepth || len(t.out) >= maxFlows {
		return
	}
	f := t.v.File
	switch x := e.(type) {
	case *pysrc.Constant:
		if x.Kind == pysrc.ConstStr {
			if s := f.StringValue(x); isDottedName(s) && strings.Contains(s, ".") {
				t.add(FlowName, s, join(via, "the literal at "+t.line(x)))
			}
		}
	case *pysrc.IfExp:
		t.eval(x.Body, fn, via, depth+1)
		t.eval(x.Orelse, fn, via, depth+1)
	case *pysrc.BoolOp:
		for _, y := range x.Values {
			t.eval(y, fn, via, depth+1)
		}
	case *pysrc.NameExpr:
		t.name(x.ID, fn, via, depth)
	case *pysrc.Attribute:
		if opt := optionOf(pysrc.Value{Text: f.Text(x)}); opt != "" {
			t.add(FlowOption, opt, join(via, "option "+opt+" at "+t.line(x)))
			return
		}
		if n, ok := x.X.(*pysrc.NameExpr); ok && (n.ID == "self" || n.ID == "cls") {
			key := "self\x00" + x.Attr
			if t.seen[key] {
				return
			}
			t.seen[key] = true
			for _, val := range t.assigns[key] {
				t.eval(val, t.scopeOf(val), join(via, "self."+x.Attr+" = … at "+t.line(val)), depth+1)
			}
		}
	case *pysrc.Subscript:
		t.dictValues(x.X, via, depth)
	case *pysrc.Call:
		attr, ok := x.Func.(*pysrc.Attribute)
		if !ok || attr.Attr != "get" || len(x.Args) == 0 {
			return
		}
		if optionOf(pysrc.Value{Text: f.Text(attr.X) + ".get"}) != "" {
			// CONF.get("name") or CONF.get("%s_name" % x)
			if opt, pattern := optionName(f, x.Args[0]); opt != "" {
				if pattern {
					t.add(FlowPattern, opt, join(via, "options matching "+opt+" at "+t.line(x)))
				} else {
					t.add(FlowOption, opt, join(via, "option "+opt+" at "+t.line(x)))
				}
			}
			return
		}
		t.dictValues(attr.X, via, depth)
		if len(x.Args) > 1 {
			t.eval(x.Args[1], fn, via, depth+1) // the default of .get
		}
	}
}

// name follows a bare name: the local assignments and parameter of the
// function, then the module's assignments.
func (t *tracer) name(id, fn, via string, depth int) {
	for scope := fn; ; {
		key := scope + "\x00" + id
		if vals, ok := t.assigns[key]; ok || t.isParam(scope, id) {
			if t.seen[key] {
				return
			}
			t.seen[key] = true
			for _, val := range vals {
				t.eval(val, scope, join(via, id+" = … at "+t.line(val)), depth+1)
			}
			if t.isParam(scope, id) {
				t.param(scope, id, via, depth)
			}
			return
		}
		if scope == "" {
			return
		}
		// An enclosing function's names are visible in a nested one.
		i := strings.LastIndex(scope, ".<locals>.")
		if i < 0 {
			scope = ""
		} else {
			scope = scope[:i]
		}
	}
}

func (t *tracer) isParam(fn, id string) bool {
	d := t.defs[fn]
	if d == nil {
		return false
	}
	for _, p := range d.Params {
		if p.Name == id {
			return true
		}
	}
	return false
}

// param follows a parameter: its literal default and what the module's
// own calls of the function pass for it, by keyword or by position (a
// method's self or cls not counted; __init__ is called through its class
// or cls).
func (t *tracer) param(fn, id, via string, depth int) {
	d := t.defs[fn]
	pos := -1
	for i, p := range d.Params {
		if p.Name == id {
			if p.HasDefault && p.Default.Kind == pysrc.ValStr && isDottedName(p.Default.Str) && strings.Contains(p.Default.Str, ".") {
				t.add(FlowName, p.Default.Str, join(via, "the default of parameter "+id+" of "+fn))
			}
			if p.Kind == pysrc.ParamPosOnly || p.Kind == pysrc.ParamNormal {
				pos = i
			}
		}
	}
	if d.Class != "" && pos > 0 && len(d.Params) > 0 && (d.Params[0].Name == "self" || d.Params[0].Name == "cls") {
		pos--
	}
	callee := map[string]bool{d.Name: true}
	if d.Name == "__init__" && d.Class != "" {
		callee = map[string]bool{d.Class[strings.LastIndexByte(d.Class, '.')+1:]: true, "cls": true}
	}
	for _, cs := range t.v.Calls {
		if cs.Node == nil || !callee[lastPart(cs.Callee)] {
			continue
		}
		for _, kw := range cs.Node.Keywords {
			if kw.Arg == id {
				t.eval(kw.Value, cs.Func, join(via, "argument "+id+" of the call at "+t.line(cs.Node)), depth+1)
			}
		}
		if pos >= 0 && pos < len(cs.Node.Args) {
			if _, star := cs.Node.Args[pos].(*pysrc.Starred); !star && !starBefore(cs.Node.Args, pos) {
				t.eval(cs.Node.Args[pos], cs.Func, join(via, "argument "+id+" of the call at "+t.line(cs.Node)), depth+1)
			}
		}
	}
}

// dictValues collects the values of a module-level dict literal.
func (t *tracer) dictValues(e pysrc.Expr, via string, depth int) {
	n, ok := e.(*pysrc.NameExpr)
	if !ok {
		return
	}
	d := t.dicts[n.ID]
	if d == nil || t.seen["dict\x00"+n.ID] {
		return
	}
	t.seen["dict\x00"+n.ID] = true
	for _, val := range d.Values {
		t.eval(val, "", join(via, "a value of "+n.ID+" ("+t.line(d)+")"), depth+1)
	}
}

// scopeOf is the qualified name of the function whose body holds e
// ("" at module level).
func (t *tracer) scopeOf(e pysrc.Expr) string {
	best := ""
	bestLen := -1
	for q, d := range t.defs {
		if d.Node == nil || e.Pos() < d.Node.Pos() || e.Pos() >= d.Node.End() {
			continue
		}
		if l := int(d.Node.End() - d.Node.Pos()); bestLen < 0 || l < bestLen {
			best, bestLen = q, l
		}
	}
	return best
}

// optionName reads the name an option lookup asks for: a literal, or a
// pattern when it is built by % formatting, str.format or an f-string
// (each replacement field becomes *).
func optionName(f *pysrc.File, e pysrc.Expr) (string, bool) {
	switch x := e.(type) {
	case *pysrc.Constant:
		if x.Kind == pysrc.ConstStr {
			return f.StringValue(x), false
		}
	case *pysrc.BinOp:
		if c, ok := x.X.(*pysrc.Constant); ok && c.Kind == pysrc.ConstStr && x.Op == pysrc.Percent {
			return percentPattern(f.StringValue(c)), true
		}
	case *pysrc.JoinedStr:
		var b strings.Builder
		for _, part := range x.Values {
			if c, ok := part.(*pysrc.Constant); ok {
				b.WriteString(f.StringValue(c))
			} else {
				b.WriteByte('*')
			}
		}
		return b.String(), true
	case *pysrc.Call:
		if attr, ok := x.Func.(*pysrc.Attribute); ok && attr.Attr == "format" {
			if c, ok := attr.X.(*pysrc.Constant); ok && c.Kind == pysrc.ConstStr {
				return bracePattern(f.StringValue(c)), true
			}
		}
	}
	return "", false
}

// percentPattern turns "%s_manager" or "%(name)s_manager" into "*_manager".
func percentPattern(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		if s[j] == '(' {
			for j < len(s) && s[j] != ')' {
				j++
			}
		}
		for j < len(s) && !strings.ContainsRune("diouxXeEfFgGcrsa", rune(s[j])) {
			j++
		}
		b.WriteByte('*')
		i = j
	}
	return b.String()
}

// bracePattern turns "{}_manager" or "{name}_manager" into "*_manager".
func bracePattern(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '{' {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				b.WriteByte('*')
				i += j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// matchPattern reports whether name matches a pattern whose only special
// character is * (any run of characters).
func matchPattern(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}

func starBefore(args []pysrc.Expr, pos int) bool {
	for _, a := range args[:pos] {
		if _, star := a.(*pysrc.Starred); star {
			return true
		}
	}
	return false
}

func lastPart(dotted string) string {
	return dotted[strings.LastIndexByte(dotted, '.')+1:]
}

func join(via, step string) string {
	if via == "" {
		return step
	}
	return via + " ← " + step
}
