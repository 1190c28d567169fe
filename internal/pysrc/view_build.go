package pysrc

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
)

type scopeKind uint8

const (
	scopeModule scopeKind = iota
	scopeClass
	scopeFunction
)

// binding is one binding of a name in a scope: what it refers to ("" when
// it is not an alias of something named) and whether that came through an
// import.
type binding struct {
	target   string
	pos      Pos
	cond     bool
	isImport bool
}

type scope struct {
	kind     scopeKind
	parent   *scope
	qualname string
	locals   bool // a function's scope: its names are qualname.<locals>.name
	// A scope's bindings, in the order they were made: in few, scanned,
	// while the scope is small (most functions and comprehensions), in
	// bindings by name once it is not.
	few []namedBinding
	// slots index few by name (an open-addressed table of 1 + the index
	// of each name's first binding); the bindings of one name are chained
	// by next.
	slots    [2 * fewBindings]int8
	bindings map[string][]binding
	globals  map[string]bool
}

type namedBinding struct {
	name string
	next int8 // index of the name's next binding in few, -1 for none
	binding
}

// newScope returns sc with room for about n bindings (a guess from the
// number of parameters and statements), cut from a chunk shared by the
// file's scopes: one allocation for many small scopes instead of a few
// for each as its list grows.
func (b *builder) newScope(sc scope, n int) *scope {
	p := b.scopes.grab(8)
	*p = sc
	if n = min(n+2, fewBindings); n > 0 {
		p.few = take(&b.fewBuf, n)[:0]
	}
	return p
}

// slotOf is where name's chain starts in s.slots, or the empty slot
// where it would: linear probing from a hash of its length and two bytes.
func (s *scope) slotOf(name string) int {
	h := uint(len(name)) * 0x9e3779b1
	if len(name) > 0 {
		h ^= uint(name[0])*31 + uint(name[len(name)-1])*131
	}
	const mask = 2*fewBindings - 1
	i := int(h^h>>7) & mask
	for {
		e := s.slots[i]
		if e == 0 || s.few[e-1].name == name {
			return i
		}
		i = (i + 1) & mask
	}
}

// fewBindings is the size from which a scope's bindings are kept by name.
const fewBindings = 16

type builder struct {
	f     *File
	v     *View
	scope *scope
	fn    string   // enclosing def's qualname
	def   *FuncDef // enclosing def (nil at module or class level and in lambdas)
	class string   // enclosing class's qualname
	guard Guard
	cond  bool // bindings made now are conditional

	// Bodies of functions and lambdas run after the module has been
	// executed; they are walked after it, in order, so that every scope they
	// read from is complete and names resolve as soon as they are seen.
	queue []deferred

	// Call sites, references, definitions and argument values are cut
	// from chunks (one allocation for many instead of one each): the view
	// holds them all, and nothing keeps one of them past the view.
	sites chunks[CallSite]
	refs  chunks[Ref]
	defs  chunks[FuncDef]
	vals  []Value
	kws   []KeywordValue
	// paramBuf holds the definitions' parameters.
	paramBuf []Param
	scopes   chunks[scope]
	fewBuf   []namedBinding
}

// chunks hands out pointers into chunks of T (twice the last, from first
// up to 64 Ts: larger ones waste more at the end of a file) and lists them
// all, in the order they were handed out, at the end: one allocation for
// many Ts, and a list of exactly the right size instead of one grown by
// appends.
type chunks[T any] struct {
	cur  []T
	full [][]T
	n    int
}

func (c *chunks[T]) grab(first int) *T {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, min(max(2*cap(c.cur), first), 64))
	}
	c.n++
	c.cur = c.cur[:len(c.cur)+1]
	return &c.cur[len(c.cur)-1]
}

// list returns pointers to every T handed out, nil for none.
func (c *chunks[T]) list() []*T {
	if c.n == 0 {
		return nil
	}
	out := make([]*T, 0, c.n)
	for _, ch := range c.full {
		for i := range ch {
			out = append(out, &ch[i])
		}
	}
	for i := range c.cur {
		out = append(out, &c.cur[i])
	}
	return out
}

// take returns n zeroed Ts from the chunk *buf (a new one, twice the last,
// from 8 up to 64, when they do not fit), capped so that an append by a
// reader cannot reach its neighbours.
func take[T any](buf *[]T, n int) []T {
	if n == 0 {
		return []T{} // as make([]T, 0): empty, not nil
	}
	if cap(*buf)-len(*buf) < n {
		*buf = make([]T, 0, max(min(max(2*cap(*buf), 8), 64), n))
	}
	i := len(*buf)
	*buf = (*buf)[:i+n]
	return (*buf)[i : i+n : i+n]
}

type deferred struct {
	sc    *scope
	fn    string
	def   *FuncDef
	class string
	guard Guard
	args  *Arguments
	body  []Stmt
	expr  Expr
}

// Analyze computes the view of a parsed file. module is the file's dotted
// module name ("pkg.mod"; for a package __init__ the package name, with
// isPackage set); it anchors relative imports and the qualified names of the
// file's own definitions.
func Analyze(f *File, module string, isPackage bool) *View {
	v := &View{File: f, Module: module, IsPackage: isPackage}
	root := &scope{kind: scopeModule}
	b := &builder{f: f, v: v, scope: root}
	b.stmts(f.Body)
	for i := 0; i < len(b.queue); i++ {
		d := b.queue[i]
		b.scope, b.fn, b.def, b.class, b.guard, b.cond = d.sc, d.fn, d.def, d.class, d.guard, false
		forArgs(d.args, func(a *Arg, _ ParamKind) {
			b.bind(a.Name, binding{pos: a.Start})
		})
		b.stmts(d.body)
		b.expr(d.expr)
	}
	v.Calls, v.Refs, v.Defs = b.sites.list(), b.refs.list(), b.defs.list()
	sortFacts(v)
	if len(root.few) > 0 {
		v.Exports = make([]Binding, 0, len(root.few))
		for _, nb := range root.few {
			v.Exports = append(v.Exports, Binding{Name: nb.name, Target: nb.target, Pos: nb.pos, Cond: nb.cond})
		}
	}
	for name, bds := range root.bindings {
		for _, bd := range bds {
			v.Exports = append(v.Exports, Binding{Name: name, Target: bd.target, Pos: bd.pos, Cond: bd.cond})
		}
	}
	sort.Slice(v.Exports, func(i, j int) bool {
		if v.Exports[i].Pos != v.Exports[j].Pos {
			return v.Exports[i].Pos < v.Exports[j].Pos
		}
		return v.Exports[i].Name < v.Exports[j].Name
	})
	return v
}

// sortFacts puts facts in source order: function bodies were walked after
// the module level.
func sortFacts(v *View) {
	slices.SortStableFunc(v.Imports, func(a, b *Import) int { return cmp.Compare(a.Node.Pos(), b.Node.Pos()) })
	sortByPos(v.Calls, func(c *CallSite) Pos { return c.Node.Start })
	sortByPos(v.Defs, func(d *FuncDef) Pos { return d.Node.Start })
	slices.SortStableFunc(v.Classes, func(a, b *ClassInfo) int { return cmp.Compare(a.Node.Start, b.Node.Start) })
	sortByPos(v.Refs, func(r *Ref) Pos { return r.Node.Pos() })
}

// sortByPos sorts s stably by pos, as slices.SortStableFunc would, for
// lists whose disorder is a few sorted runs (function bodies are walked
// after the module): each position is read once and packed with the
// element's index in one integer, and the ascending runs of those are
// merged.
func sortByPos[T any](s []*T, pos func(*T) Pos) {
	n := len(s)
	if n < 2 {
		return
	}
	buf := make([]uint64, 2*n)
	keys, tmp := buf[:n], buf[n:]
	var bounds []int
	for i, x := range s {
		keys[i] = uint64(int64(pos(x))-math.MinInt32)<<32 | uint64(i)
		if i > 0 && keys[i] < keys[i-1] {
			if bounds == nil {
				bounds = append(make([]int, 0, 16), 0)
			}
			bounds = append(bounds, i)
		}
	}
	if bounds == nil {
		return // sorted
	}
	bounds = append(bounds, n)
	for len(bounds) > 2 {
		next := bounds[:1]
		j := 0
		for ; j+2 < len(bounds); j += 2 {
			lo, mid, hi := bounds[j], bounds[j+1], bounds[j+2]
			mergeKeys(tmp[lo:hi], keys[lo:mid], keys[mid:hi])
			next = append(next, hi)
		}
		if j+1 < len(bounds) {
			lo, hi := bounds[j], bounds[j+1]
			copy(tmp[lo:hi], keys[lo:hi])
			next = append(next, hi)
		}
		keys, tmp, bounds = tmp, keys, next
	}
	was := slices.Clone(s)
	for i, k := range keys {
		s[i] = was[uint32(k)]
	}
}

// mergeKeys merges the ascending a and b into out.
func mergeKeys(out, a, b []uint64) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] < b[j] {
			out[k] = a[i]
			i++
		} else {
			out[k] = b[j]
			j++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

func (b *builder) qual(name string) string {
	sc := b.scope
	if sc.locals {
		return sc.qualname + ".<locals>." + name
	}
	if sc.qualname == "" {
		return name
	}
	return sc.qualname + "." + name
}

// qualTarget is qual(name) and target of it, in one allocation: the
// qualified name is the tail of the target.
func (b *builder) qualTarget(name string) (qualname, target string) {
	sc, mod := b.scope, b.v.Module
	if mod == "" {
		qn := b.qual(name)
		return qn, qn
	}
	n := len(mod) + 1 + len(name)
	if sc.qualname != "" {
		n += len(sc.qualname) + 1
		if sc.locals {
			n += len(".<locals>")
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteString(mod)
	sb.WriteByte('.')
	if sc.qualname != "" {
		sb.WriteString(sc.qualname)
		if sc.locals {
			sb.WriteString(".<locals>")
		}
		sb.WriteByte('.')
	}
	sb.WriteString(name)
	t := sb.String()
	return t[len(mod)+1:], t
}

func (b *builder) bind(name string, bd binding) {
	s := b.scope
	if s.globals[name] {
		for s.parent != nil {
			s = s.parent
		}
	}
	bd.cond = bd.cond || b.cond
	if s.bindings == nil {
		if len(s.few) < fewBindings {
			if s.few == nil {
				s.few = make([]namedBinding, 0, 4)
			}
			idx := int8(len(s.few))
			s.few = append(s.few, namedBinding{name, -1, bd})
			i := s.slotOf(name)
			if e := s.slots[i]; e == 0 {
				s.slots[i] = idx + 1
			} else {
				j := e - 1
				for s.few[j].next >= 0 {
					j = s.few[j].next
				}
				s.few[j].next = idx
			}
			return
		}
		s.bindings = make(map[string][]binding, 2*fewBindings)
		for _, nb := range s.few {
			s.bindings[nb.name] = append(s.bindings[nb.name], nb.binding)
		}
		s.few = nil
	}
	s.bindings[name] = append(s.bindings[name], bd)
}

// nested returns the guard for a block entered under g.
func (b *builder) nested(g Guard) Guard {
	switch {
	case b.guard.Kind == GuardTypeChecking:
		return b.guard
	case g.Kind == GuardTypeChecking:
		return g
	case b.guard.Kind == GuardFunction:
		return b.guard
	}
	return g
}

func (b *builder) block(body []Stmt, g Guard, cond bool) {
	saveG, saveC := b.guard, b.cond
	b.guard = b.nested(g)
	b.cond = saveC || cond
	b.stmts(body)
	b.guard, b.cond = saveG, saveC
}

func (b *builder) stmts(body []Stmt) {
	for _, s := range body {
		b.stmt(s)
	}
}

func (b *builder) stmt(s Stmt) {
	switch s := s.(type) {
	case *ExprStmt:
		b.expr(s.X)
	case *Assign:
		b.expr(s.Value)
		for _, t := range s.Targets {
			b.assignTarget(t, s.Value, s.Start)
		}
	case *AugAssign:
		b.expr(s.Value)
		b.storeExpr(s.Target)
	case *AnnAssign:
		b.expr(s.Annotation)
		if s.Value != nil {
			b.expr(s.Value)
			b.assignTarget(s.Target, s.Value, s.Start)
		} else {
			b.storeExpr(s.Target)
		}
	case *ImportStmt:
		for _, a := range s.Names {
			imp := &Import{Node: s, Module: a.Name, RawModule: a.Name,
				Names: []ImportedName{{a.Name, a.AsName}}, Guard: b.guard, Func: b.fn}
			b.v.Imports = append(b.v.Imports, imp)
			if a.AsName != "" {
				b.bind(a.AsName, binding{target: a.Name, pos: s.Start, isImport: true})
			} else {
				head := a.Name
				if i := strings.IndexByte(head, '.'); i >= 0 {
					head = head[:i]
				}
				b.bind(head, binding{target: head, pos: s.Start, isImport: true})
			}
		}
	case *ImportFromStmt:
		mod := b.absModule(s.Module, s.Level)
		imp := &Import{Node: s, Module: mod, RawModule: s.Module, Level: s.Level, From: true,
			Guard: b.guard, Func: b.fn}
		for _, a := range s.Names {
			imp.Names = append(imp.Names, ImportedName{a.Name, a.AsName})
			if a.Name == "*" {
				continue
			}
			local := a.AsName
			if local == "" {
				local = a.Name
			}
			t := a.Name
			if mod != "" {
				t = mod + "." + a.Name
			}
			b.bind(local, binding{target: t, pos: s.Start, isImport: true})
		}
		b.v.Imports = append(b.v.Imports, imp)
	case *Return:
		b.expr(s.X)
		if b.def != nil {
			// What the function returns, as a dotted name where the value
			// is one (a module imported in the function, a class, the
			// result of a call: "f()"); "" for anything else.
			r := ""
			switch {
			case s.X == nil || isNoneConst(s.X):
				r = ReturnsNone
			case isDotted(s.X) || isChain(s.X):
				r, _ = b.resolveExpr(b.scope, s.X, s.Start)
			}
			b.def.Returns = append(b.def.Returns, r)
		}
	case *Raise:
		b.expr(s.Exc)
		b.expr(s.Cause)
	case *Global:
		sc := b.scope
		if sc.globals == nil {
			sc.globals = map[string]bool{}
		}
		for _, n := range s.Names {
			sc.globals[n] = true
		}
	case *Delete:
		for _, t := range s.Targets {
			b.storeExpr(t)
		}
	case *Assert:
		b.expr(s.Test)
		b.expr(s.Msg)
	case *If:
		b.expr(s.Test)
		cond := b.f.Text(s.Test)
		if isTypeChecking(s.Test) {
			b.block(s.Body, Guard{GuardTypeChecking, cond}, true)
		} else {
			b.block(s.Body, Guard{GuardIf, cond}, true)
		}
		if len(s.Orelse) > 0 {
			b.block(s.Orelse, Guard{GuardIf, "not (" + cond + ")"}, true)
		}
	case *While:
		b.expr(s.Test)
		g := Guard{GuardIf, b.spelled(s.Start, "while ", s.Test, "", nil)}
		b.block(s.Body, g, true)
		b.block(s.Orelse, g, true)
	case *For:
		b.expr(s.Iter)
		b.storeExpr(s.Target)
		g := Guard{GuardIf, b.spelled(s.Start, "for ", s.Target, " in ", s.Iter)}
		b.block(s.Body, g, true)
		b.block(s.Orelse, g, true)
	case *With:
		for _, it := range s.Items {
			b.refExpr(it.Context, RefWith)
			if it.Vars != nil {
				b.storeExpr(it.Vars)
			}
		}
		b.stmts(s.Body)
	case *Try:
		if catchesImportError(s.Handlers) {
			b.block(s.Body, Guard{Kind: GuardTry}, false)
			for _, h := range s.Handlers {
				b.handler(h, Guard{Kind: GuardTry})
			}
		} else {
			b.stmts(s.Body)
			for _, h := range s.Handlers {
				g := Guard{GuardIf, "except "}
				if h.Type != nil {
					g.Cond = b.spelled(h.Start, "except ", h.Type, "", nil)
				}
				b.handler(h, g)
			}
		}
		b.block(s.Orelse, b.guard, true)
		b.stmts(s.Finalbody)
	case *FunctionDef:
		b.funcDef(s)
	case *ClassDef:
		b.classDef(s)
	case *Match:
		b.expr(s.Subject)
		for _, c := range s.Cases {
			b.pattern(c.Pattern)
			b.expr(c.Guard)
			b.block(c.Body, Guard{GuardIf, "case " + b.f.Text(c.Pattern)}, true)
		}
	case *TypeAlias:
		b.bind(s.Name.ID, binding{pos: s.Start})
		b.typeParams(s.TypeParams)
		b.expr(s.Value)
	}
}

// spelled is kw1 + Text(x) + kw2 + Text(y) (y may be nil), as a slice of
// the source when it reads exactly so from start (one space around each
// keyword, as most code is written), with no allocation.
func (b *builder) spelled(start Pos, kw1 string, x Expr, kw2 string, y Expr) string {
	src := b.f.Src
	end := x.End()
	ok := start >= 0 && x.Pos() == start+Pos(len(kw1)) && end >= x.Pos() && int(end) <= len(src) &&
		src[start:x.Pos()] == kw1
	if ok && y != nil {
		ok = y.Pos() == end+Pos(len(kw2)) && y.End() >= y.Pos() && int(y.End()) <= len(src) && src[end:y.Pos()] == kw2
		end = y.End()
	}
	if ok {
		return src[start:end]
	}
	if y == nil {
		return kw1 + b.f.Text(x)
	}
	return kw1 + b.f.Text(x) + kw2 + b.f.Text(y)
}

func (b *builder) handler(h *ExceptHandler, g Guard) {
	if h.Type != nil {
		b.refExpr(h.Type, RefExcept)
	}
	if h.Name != "" {
		b.bind(h.Name, binding{pos: h.Start, cond: true})
	}
	b.block(h.Body, g, true)
}

func isTypeChecking(e Expr) bool {
	switch e := e.(type) {
	case *NameExpr:
		return e.ID == "TYPE_CHECKING"
	case *Attribute:
		return e.Attr == "TYPE_CHECKING"
	}
	return false
}

// catchesImportError reports whether a handler would catch an ImportError.
func catchesImportError(hs []*ExceptHandler) bool {
	for _, h := range hs {
		if h.Type == nil {
			return true
		}
		types := []Expr{h.Type}
		if t, ok := h.Type.(*Tuple); ok {
			types = t.Elts
		}
		for _, t := range types {
			name := ""
			switch t := t.(type) {
			case *NameExpr:
				name = t.ID
			case *Attribute:
				name = t.Attr
			}
			switch name {
			case "ImportError", "ModuleNotFoundError", "Exception", "BaseException":
				return true
			}
		}
	}
	return false
}

// absModule resolves a from-import's module against the file's package.
func (b *builder) absModule(mod string, level int) string {
	if level == 0 {
		return mod
	}
	pkg := b.v.Module
	if !b.v.IsPackage {
		if i := strings.LastIndexByte(pkg, '.'); i >= 0 {
			pkg = pkg[:i]
		} else {
			pkg = ""
		}
	}
	for i := 1; i < level; i++ {
		j := strings.LastIndexByte(pkg, '.')
		if j < 0 {
			pkg = ""
			break
		}
		pkg = pkg[:j]
	}
	if pkg == "" {
		return mod // beyond the top level, or module unknown: keep as written
	}
	if mod == "" {
		return pkg
	}
	return pkg + "." + mod
}

func (b *builder) funcDef(s *FunctionDef) {
	for _, d := range s.Decorators {
		b.refExpr(d, RefDecorator)
	}
	b.typeParams(s.TypeParams)
	qn, target := b.qualTarget(s.Name)
	fd := b.defs.grab(4)
	fd.Node, fd.Name, fd.QualName, fd.Class, fd.Guard = s, s.Name, qn, b.class, b.guard
	for _, d := range s.Decorators {
		fd.Decorators = append(fd.Decorators, b.resolveOr(d))
	}
	b.params(s.Args, fd)
	b.expr(s.Returns)
	b.bind(s.Name, binding{target: target, pos: s.Start})
	b.queue = append(b.queue, deferred{
		sc:    b.newScope(scope{kind: scopeFunction, parent: b.scope, qualname: qn, locals: true}, numArgs(s.Args)+len(s.Body)),
		fn:    qn,
		def:   fd,
		class: b.class,
		guard: b.bodyGuard(),
		args:  s.Args,
		body:  s.Body,
	})
}

// bodyGuard is the guard inside a function or lambda defined here.
func (b *builder) bodyGuard() Guard {
	if b.guard.Kind == GuardTypeChecking {
		return b.guard
	}
	return Guard{Kind: GuardFunction}
}

// resolveOr resolves a dotted expression, falling back to its dotted text.
func (b *builder) resolveOr(e Expr) string {
	if t, _ := b.resolveExpr(b.scope, e, e.Pos()); t != "" {
		return t
	}
	return dottedText(e)
}

func (b *builder) params(a *Arguments, fd *FuncDef) {
	if a == nil {
		return
	}
	var ps []Param
	if fd != nil {
		ps = take(&b.paramBuf, numArgs(a))
		fd.Params = ps
	}
	i := 0
	forArgs(a, func(arg *Arg, kind ParamKind) {
		b.expr(arg.Annotation)
		var p *Param
		if fd != nil {
			p = &ps[i]
			i++
			p.Name, p.Kind = arg.Name, kind
		}
		if arg.Default == nil {
			return
		}
		var v Value
		if isDotted(arg.Default) {
			// Resolved once, for the reference and the value.
			t, viaImport := b.resolveExpr(b.scope, arg.Default, arg.Default.Pos())
			b.addResolvedRef(arg.Default, RefLoad, t, viaImport)
			v = Value{Ref: t, Text: b.f.Text(arg.Default)}
		} else {
			b.expr(arg.Default)
			v = b.value(arg.Default)
		}
		if p != nil {
			p.HasDefault, p.Default = true, v
		}
	})
}

// numArgs is len(a.All()).
func numArgs(a *Arguments) int {
	n := len(a.PosOnly) + len(a.Args) + len(a.KwOnly)
	if a.Vararg != nil {
		n++
	}
	if a.Kwarg != nil {
		n++
	}
	return n
}

// forArgs calls f for each parameter of a in the order of a.All(), without
// building that slice.
func forArgs(a *Arguments, f func(*Arg, ParamKind)) {
	if a == nil {
		return
	}
	for _, arg := range a.PosOnly {
		f(arg, ParamPosOnly)
	}
	for _, arg := range a.Args {
		f(arg, ParamNormal)
	}
	if a.Vararg != nil {
		f(a.Vararg, ParamVarArgs)
	}
	for _, arg := range a.KwOnly {
		f(arg, ParamKwOnly)
	}
	if a.Kwarg != nil {
		f(a.Kwarg, ParamVarKw)
	}
}

func (b *builder) classDef(s *ClassDef) {
	for _, d := range s.Decorators {
		b.refExpr(d, RefDecorator)
	}
	b.typeParams(s.TypeParams)
	qn, target := b.qualTarget(s.Name)
	ci := &ClassInfo{Node: s, Name: s.Name, QualName: qn}
	for _, base := range s.Bases {
		b.refExpr(base, RefBase)
	}
	for _, k := range s.Keywords {
		b.expr(k.Value)
	}
	ci.Bases = make([]string, len(s.Bases))
	for i, base := range s.Bases {
		ci.Bases[i] = b.resolveOr(base)
	}
	ci.Decorators = make([]string, len(s.Decorators))
	for i, d := range s.Decorators {
		ci.Decorators[i] = b.resolveOr(d)
	}
	b.v.Classes = append(b.v.Classes, ci)
	b.bind(s.Name, binding{target: target, pos: s.Start})

	inner := b.newScope(scope{kind: scopeClass, parent: b.scope, qualname: qn}, len(s.Body))
	saveS, saveC, saveCond := b.scope, b.class, b.cond
	b.scope, b.class, b.cond = inner, qn, false
	b.stmts(s.Body)
	b.scope, b.class, b.cond = saveS, saveC, saveCond
}

func (b *builder) typeParams(tps []*TypeParam) {
	for _, tp := range tps {
		b.expr(tp.Bound)
		b.expr(tp.Default)
	}
}

func (b *builder) pattern(pt *Pattern) {
	if pt == nil {
		return
	}
	b.expr(pt.Value)
	b.expr(pt.Cls)
	for _, k := range pt.Keys {
		b.expr(k)
	}
	if pt.Name != "" && (pt.Kind == MatchAs || pt.Kind == MatchStar || pt.Kind == MatchMapping) {
		b.bind(pt.Name, binding{pos: pt.Start, cond: true})
	}
	for _, sub := range pt.Patterns {
		b.pattern(sub)
	}
	for _, sub := range pt.KwdPatterns {
		b.pattern(sub)
	}
}

// assignTarget binds the names of an assignment target. A single name
// assigned a dotted name becomes an alias of it.
func (b *builder) assignTarget(t, value Expr, pos Pos) {
	if n, ok := t.(*NameExpr); ok {
		bd := binding{pos: pos}
		switch v := value.(type) {
		case *NameExpr, *Attribute:
			bd.target, bd.isImport = b.resolveExpr(b.scope, value, pos)
		case *Call:
			// A local bound to a call's result (e = utils.get_eventlet())
			// names it as "f()", so that e.patcher.original resolves
			// through what f returns; module-level names keep "" (their
			// values are read by other layers as they were assigned).
			if b.scope.kind == scopeFunction && (isDotted(v.Func) || isChain(v.Func)) {
				bd.target, bd.isImport = b.resolveExpr(b.scope, value, pos)
			}
		}
		b.bind(n.ID, bd)
		return
	}
	b.storeExpr(t)
}

// storeExpr walks a store target: names are bound, everything else is read.
func (b *builder) storeExpr(t Expr) {
	switch t := t.(type) {
	case *NameExpr:
		b.bind(t.ID, binding{pos: t.Start})
	case *Tuple:
		for _, e := range t.Elts {
			b.storeExpr(e)
		}
	case *List:
		for _, e := range t.Elts {
			b.storeExpr(e)
		}
	case *Starred:
		b.storeExpr(t.X)
	case *Attribute:
		b.expr(t.X)
	case *Subscript:
		b.expr(t.X)
		b.expr(t.Index)
	default:
		b.expr(t)
	}
}

// refExpr walks an expression in a reference context (except, base, with,
// decorator).
func (b *builder) refExpr(e Expr, ctx RefContext) {
	switch x := e.(type) {
	case *NameExpr, *Attribute:
		if isDotted(x) {
			b.addRef(x, ctx)
			return
		}
	case *Tuple:
		if ctx == RefExcept {
			for _, el := range x.Elts {
				b.refExpr(el, ctx)
			}
			return
		}
	}
	b.expr(e)
}

// addRef records a reference when it resolves through an import.
func (b *builder) addRef(e Expr, ctx RefContext) {
	t, viaImport := b.resolveExpr(b.scope, e, e.Pos())
	b.addResolvedRef(e, ctx, t, viaImport)
}

// addResolvedRef is addRef for e already resolved to t.
func (b *builder) addResolvedRef(e Expr, ctx RefContext, t string, viaImport bool) {
	if viaImport && t != "" {
		r := b.refs.grab(4)
		r.Node, r.Resolved, r.Ctx, r.Func = e, t, ctx, b.fn
		if strings.IndexByte(t, '(') >= 0 {
			r.Resolved, r.Chain = "", t
		}
	}
}

func isDotted(e Expr) bool {
	for {
		switch x := e.(type) {
		case *NameExpr:
			return true
		case *Attribute:
			e = x.X
		default:
			return false
		}
	}
}

// chainCalls walks the calls of a chain (isChain) without recording its
// prefixes as references.
func (b *builder) chainCalls(e Expr) {
	for {
		switch x := e.(type) {
		case *Attribute:
			e = x.X
		case *Call:
			b.call(x)
			return
		default:
			return
		}
	}
}

// plainRef keeps an argument's resolved name unless it goes through a
// call's result (a local bound to f()): arguments are values, read as
// names by other layers.
func plainRef(name string, _ bool) string {
	if strings.IndexByte(name, '(') >= 0 {
		return ""
	}
	return name
}

func isNoneConst(e Expr) bool {
	c, ok := e.(*Constant)
	return ok && c.Kind == ConstNone
}

// isChain reports whether e is a dotted chain through at least one call
// (f().x, a.f().g); plain dotted names are isDotted.
func isChain(e Expr) bool {
	calls := 0
	for {
		switch x := e.(type) {
		case *NameExpr:
			return calls > 0
		case *Attribute:
			e = x.X
		case *Call:
			calls++
			e = x.Func
		default:
			return false
		}
	}
}

// dottedText renders a callee the way the differential test does: names and
// attributes joined by dots, "?" for any other expression.
func dottedText(e Expr) string {
	switch x := e.(type) {
	case *NameExpr:
		return x.ID
	case *Attribute:
		return dottedText(x.X) + "." + x.Attr
	}
	return "?"
}

// dottedText is dottedText(e), as a slice of the source when the source
// spells it exactly (no spaces, comments or parentheses): most callees,
// with no allocation. The view's strings are slices of the source already
// (names, texts); whatever outlives the file copies them.
func (b *builder) dottedText(e Expr) string {
	switch x := e.(type) {
	case *NameExpr:
		return x.ID
	case *Attribute:
		n, h := 0, Expr(x)
		for a, ok := h.(*Attribute); ok; a, ok = h.(*Attribute) {
			n += 1 + len(a.Attr)
			h = a.X
		}
		if head, ok := h.(*NameExpr); ok {
			if t, ok := b.plainSpan(x, head, n); ok {
				return t
			}
		}
		return dottedText(x)
	}
	return "?"
}

// plainSpan returns the source of the dotted chain e over head when it is
// exactly the chain's names and dots (n is the length of the part after
// head): a span of that length holds the name tokens and the dots and
// nothing else.
func (b *builder) plainSpan(e Expr, head *NameExpr, n int) (string, bool) {
	start, end := e.Pos(), e.End()
	if int(end-start) != len(head.ID)+n || head.Start != start || start < 0 || int(end) > len(b.f.Src) {
		return "", false
	}
	return b.f.Src[start:end], true
}

// value evaluates an argument: a literal, or the dotted name it refers to.
func (b *builder) value(e Expr) Value {
	v := b.f.literalValue(e)
	v.Text = b.f.Text(e)
	return v
}

// expr walks an expression, recording calls and references.
func (b *builder) expr(e Expr) {
	if e == nil {
		return
	}
	switch x := e.(type) {
	case *Call:
		b.call(x)
		return
	case *NameExpr, *Attribute:
		if isDotted(x) {
			// A name or chain used as a value (a callback, an exception
			// class passed on): kept when it resolves through an import.
			b.addRef(x, RefLoad)
			return
		}
		if a, ok := x.(*Attribute); ok && isChain(a) {
			// f().x used as a value: the calls are walked, the chain kept.
			b.chainCalls(a)
			b.addRef(a, RefLoad)
			return
		}
	case *Lambda:
		b.params(x.Args, nil)
		b.queue = append(b.queue, deferred{
			sc:    b.newScope(scope{kind: scopeFunction, parent: b.scope, qualname: b.scope.qualname, locals: b.scope.locals}, numArgs(x.Args)),
			fn:    b.fn,
			class: b.class,
			guard: b.bodyGuard(),
			args:  x.Args,
			expr:  x.Body,
		})
		return
	case *Comp:
		// The first iterable is evaluated in the enclosing scope; the rest in
		// the comprehension's own scope.
		inner := b.newScope(scope{kind: scopeFunction, parent: b.scope, qualname: b.scope.qualname, locals: b.scope.locals}, len(x.Generators))
		saveS, saveCond := b.scope, b.cond
		for i, g := range x.Generators {
			if i == 0 {
				b.expr(g.Iter)
				b.scope, b.cond = inner, false
			} else {
				b.expr(g.Iter)
			}
			b.storeExpr(g.Target)
			for _, c := range g.Ifs {
				b.expr(c)
			}
		}
		b.expr(x.Elt)
		b.expr(x.Value)
		b.scope, b.cond = saveS, saveCond
		return
	case *NamedExpr:
		b.expr(x.Value)
		b.bind(x.Target.ID, binding{pos: x.Start})
		return
	}
	b.children(e)
}

// children walks the subexpressions of e in the order of walkChildren,
// directly rather than through Inspect's callback.
func (b *builder) children(e Expr) {
	switch n := e.(type) {
	case *NameExpr, *Constant, *BadExpr:
	case *JoinedStr:
		b.exprs(n.Values)
	case *FormattedValue:
		b.expr(n.Value)
		if n.FormatSpec != nil {
			b.expr(n.FormatSpec)
		}
	case *Attribute:
		b.expr(n.X)
	case *Subscript:
		b.expr(n.X)
		b.expr(n.Index)
	case *Slice:
		b.expr(n.Lower)
		b.expr(n.Upper)
		b.expr(n.Step)
	case *Starred:
		b.expr(n.X)
	case *BinOp:
		b.expr(n.X)
		b.expr(n.Y)
	case *UnaryOp:
		b.expr(n.X)
	case *BoolOp:
		b.exprs(n.Values)
	case *Compare:
		b.expr(n.X)
		b.exprs(n.Comparators)
	case *IfExp:
		b.expr(n.Test)
		b.expr(n.Body)
		b.expr(n.Orelse)
	case *Tuple:
		b.exprs(n.Elts)
	case *List:
		b.exprs(n.Elts)
	case *Set:
		b.exprs(n.Elts)
	case *Dict:
		for i := range n.Values {
			b.expr(n.Keys[i])
			b.expr(n.Values[i])
		}
	case *Await:
		b.expr(n.X)
	case *Yield:
		b.expr(n.X)
	case *YieldFrom:
		b.expr(n.X)
	default:
		// Call, Lambda, Comp and NamedExpr are walked by expr itself;
		// anything else falls back to the generic walk.
		walkChildren(e, func(n Node) bool {
			if c, ok := n.(Expr); ok {
				b.expr(c)
			}
			return false
		})
	}
}

func (b *builder) exprs(es []Expr) {
	for _, e := range es {
		b.expr(e)
	}
}

func (b *builder) call(c *Call) {
	cs := b.sites.grab(8)
	cs.Node, cs.Callee, cs.Func, cs.Class, cs.Guard = c, b.dottedText(c.Func), b.fn, b.class, b.guard
	if isDotted(c.Func) {
		cs.Resolved, _ = b.resolveExpr(b.scope, c.Func, c.Start)
	} else if isChain(c.Func) {
		// f().x.y(): resolved through what f returns, "f()" standing for
		// its result; only a project model can say what that is.
		b.chainCalls(c.Func)
		cs.Resolved, _ = b.resolveExpr(b.scope, c.Func, c.Start)
	} else {
		b.expr(c.Func)
	}
	if strings.IndexByte(cs.Resolved, '(') >= 0 {
		cs.Resolved, cs.Chain = "", cs.Resolved
	}
	cs.Args = take(&b.vals, len(c.Args))
	for i, a := range c.Args {
		b.arg(a, &cs.Args[i])
	}
	if len(c.Keywords) > 0 {
		cs.Keywords = take(&b.kws, len(c.Keywords))
		for i, k := range c.Keywords {
			cs.Keywords[i].Name = k.Arg
			b.arg(k.Value, &cs.Keywords[i].Value)
		}
	}
	b.dynamicImport(cs)
}

// arg walks an argument of a call and sets its value: a literal, or the
// dotted name it refers to. A dotted name is resolved once, for both the
// reference it may be and the value.
func (b *builder) arg(a Expr, out *Value) {
	if isDotted(a) {
		t, viaImport := b.resolveExpr(b.scope, a, a.Pos())
		b.addResolvedRef(a, RefLoad, t, viaImport)
		*out = Value{Text: b.f.Text(a), Ref: plainRef(t, viaImport)}
		return
	}
	b.expr(a)
	*out = b.value(a)
}

// dynamicImport records calls that import a module named by a literal.
func (b *builder) dynamicImport(cs *CallSite) {
	if len(cs.Args) == 0 || cs.Args[0].Kind != ValStr {
		return
	}
	switch name := cs.Callee; {
	case name == "__import__",
		strings.HasSuffix(name, "import_module"),
		strings.HasSuffix(name, "try_import"),
		strings.HasSuffix(name, "import_patched"):
		mod := cs.Args[0].Str
		guard := b.guard
		if strings.HasSuffix(name, "try_import") {
			// try_import swallows ImportError: a guarded import.
			guard = b.nested(Guard{Kind: GuardTry, Cond: name + "()"})
		}
		b.v.Imports = append(b.v.Imports, &Import{Node: cs.Node, Module: mod, RawModule: mod,
			Names: []ImportedName{{Name: mod}}, Guard: guard, Dynamic: name, Func: b.fn})
	}
}

// resolveExpr resolves a dotted expression as seen from sc at pos. A call
// in the chain resolves to its callee with "()": get_eventlet().tpool is
// "pkg.utils.get_eventlet().tpool".
func (b *builder) resolveExpr(sc *scope, e Expr, pos Pos) (string, bool) {
	// The head name decides; the rest is spelled after its target, built
	// in one allocation (or none, when the target is the head itself and
	// the source spells the rest plainly).
	head, n, calls := e, 0, false
	for {
		switch x := head.(type) {
		case *NameExpr:
			base, via := b.resolveName(sc, x.ID, pos)
			if base == "" || head == e {
				return base, via
			}
			if !calls {
				if t, ok := b.plainSpan(e, x, n); ok {
					if base == x.ID {
						return t, via
					}
					return base + t[len(x.ID):], via
				}
			}
			return spellChain(base, e, n), via
		case *Call:
			head, n, calls = x.Func, n+2, true
		case *Attribute:
			head, n = x.X, n+1+len(x.Attr)
		default:
			return "", false
		}
	}
}

// spellChain writes base followed by the attributes and calls of e above
// its head name ("()" for a call); n is their length.
func spellChain(base string, e Expr, n int) string {
	var sb strings.Builder
	sb.Grow(len(base) + n)
	sb.WriteString(base)
	writeChain(&sb, e)
	return sb.String()
}

func writeChain(sb *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Call:
		writeChain(sb, x.Func)
		sb.WriteString("()")
	case *Attribute:
		writeChain(sb, x.X)
		sb.WriteByte('.')
		sb.WriteString(x.Attr)
	}
}

func (b *builder) resolveName(sc *scope, name string, pos Pos) (string, bool) {
	whole := false
	for s := sc; s != nil; s = s.parent {
		if s.kind == scopeClass && s != sc {
			continue // class scopes are invisible to nested functions
		}
		if bd := s.lookup(name, pos, whole); bd != nil {
			return bd.target, bd.isImport
		}
		if s.kind == scopeFunction {
			whole = true // outer names are read when the function runs
		}
	}
	return "", false
}

// lookup returns the binding of name that reaches pos: unconditional
// bindings replace earlier ones, conditional ones add alternatives, and the
// latest alternative that names something wins.
func (s *scope) lookup(name string, pos Pos, whole bool) *binding {
	var best *binding
	if s.bindings == nil {
		e := s.slots[s.slotOf(name)]
		if e == 0 {
			return nil
		}
		for i := e - 1; i >= 0; i = s.few[i].next {
			bd := &s.few[i]
			if !whole && bd.pos >= pos {
				break
			}
			if !bd.cond || best == nil || bd.target != "" {
				best = &bd.binding
			}
		}
		return best
	}
	bs := s.bindings[name]
	for i := range bs {
		bd := &bs[i]
		if !whole && bd.pos >= pos {
			break
		}
		if !bd.cond || best == nil || bd.target != "" {
			best = bd
		}
	}
	return best
}
