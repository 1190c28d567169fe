package pysrc

import (
	"strings"
)

// maxNesting bounds the depth of the tree: deeper input is a syntax error,
// never a stack overflow in the parser or in anything that walks the tree.
// Links of left-leaning chains (a+b+c..., a.b.c..., f()()...) count, since
// each adds a level. CPython gives up between 2,000 and 3,000 levels.
const maxNesting = 2500

type bailout struct{}

type parser struct {
	src   string
	toks  []Token
	i     int
	tok   Token
	errs  []Error
	depth int

	// Slabs for the frequent nodes and lists: one allocation per chunk
	// instead of one per node or per list (arena.go).
	names   slab[NameExpr]
	attrs   slab[Attribute]
	calls   slab[Call]
	consts  slab[Constant]
	kwNodes slab[Keyword]
	assigns slab[Assign]
	exprSts slab[ExprStmt]
	returns slab[Return]
	binops  slab[BinOp]
	subs    slab[Subscript]
	tuples  slab[Tuple]
	argNds  slab[Arg]
	argsNds slab[Arguments]
	ifs     slab[If]
	funcs   slab[FunctionDef]
	aliases slab[Alias]
	compars slab[Compare]
	unops   slab[UnaryOp]
	starred slab[Starred]
	listNds slab[List]
	dicts   slab[Dict]

	exprs lists[Expr]
	stmts lists[Stmt]
	kws   lists[*Keyword]
	args  lists[*Arg]
	ops   lists[CmpOp]
}

func (p *parser) newName(t Token) *NameExpr {
	n := p.names.alloc()
	n.Start, n.Stop, n.ID = t.Start, t.End, p.src[t.Start:t.End]
	return n
}

func (p *parser) newConst(start, end Pos, kind ConstKind, toks []Token) *Constant {
	c := p.consts.alloc()
	c.Start, c.Stop, c.Kind, c.Toks = start, end, kind, toks
	return c
}

func (p *parser) init(src string, toks []Token) {
	p.src = src
	p.toks = toks
	p.i = 0
	p.tok = toks[0]
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
		p.tok = p.toks[p.i]
	}
}

func (p *parser) peek(n int) Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) prevEnd() Pos {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].End
}

func (p *parser) text(t Token) string { return p.src[t.Start:t.End] }

func (p *parser) isSoft(word string) bool {
	return p.tok.Kind == Name && p.text(p.tok) == word
}

func (p *parser) got(k Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

// fail records a syntax error at pos and abandons the current statement.
func (p *parser) fail(pos Pos, msg string) {
	p.errs = append(p.errs, Error{Pos: pos, Msg: msg})
	panic(bailout{})
}

func (p *parser) unexpected() {
	t := p.tok
	switch t.Kind {
	case Newline:
		p.fail(t.Start, "invalid syntax: unexpected end of line")
	case EOF:
		p.fail(t.Start, "invalid syntax: unexpected end of file")
	case Indent:
		p.fail(t.Start, "unexpected indent")
	case Dedent:
		p.fail(t.Start, "unexpected unindent")
	}
	p.fail(t.Start, "invalid syntax near '"+clip(p.text(t))+"'")
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

func (p *parser) expect(k Kind) Token {
	t := p.tok
	if t.Kind != k {
		if t.Kind == Newline || t.Kind == EOF || t.Kind == Indent || t.Kind == Dedent {
			p.fail(t.Start, "expected '"+k.String()+"'")
		}
		p.fail(t.Start, "expected '"+k.String()+"', found '"+clip(p.text(t))+"'")
	}
	p.next()
	return t
}

func (p *parser) expectName() Token {
	if p.tok.Kind != Name {
		p.fail(p.tok.Start, "expected a name")
	}
	t := p.tok
	p.next()
	return t
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.depth = 0 // let recovery proceed; the statement is abandoned
		p.fail(p.tok.Start, "too many nested expressions or blocks")
	}
}

func (p *parser) leave() { p.depth-- }

// ---- statements ----

func (p *parser) parseModule() []Stmt {
	p.takeStacks()
	base := p.stmts.mark()
	for p.tok.Kind != EOF {
		if p.tok.Kind == Dedent || p.tok.Kind == Newline {
			p.next()
			continue
		}
		p.parseStmtRecover()
	}
	body := p.stmts.pop(base)
	p.giveStacks()
	return body
}

// parseStmtRecover parses one statement (a line of simple statements counts
// as one) and pushes it on p.stmts. On a syntax error it skips to the end of
// the logical line and pushes a BadStmt, so parsing goes on.
func (p *parser) parseStmtRecover() {
	startIdx := p.i
	start := p.tok.Start
	depth := p.depth
	stmtBase, exprBase, kwBase, argBase, opBase := p.stmts.mark(), p.exprs.mark(), p.kws.mark(), p.args.mark(), p.ops.mark()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.depth = depth
			// The abandoned statement's lists, finished or not.
			p.stmts.reset(stmtBase)
			p.exprs.reset(exprBase)
			p.kws.reset(kwBase)
			p.args.reset(argBase)
			p.ops.reset(opBase)
			if p.i == startIdx && p.tok.Kind != EOF {
				p.next()
			}
			for p.tok.Kind != Newline && p.tok.Kind != EOF {
				if p.tok.Kind == Indent || p.tok.Kind == Dedent {
					break
				}
				p.next()
			}
			p.got(Newline)
			p.stmts.push(&BadStmt{Span{start, p.prevEnd()}})
			// The indented body of a broken compound statement header is
			// still parsed (its facts count), without a knock-on
			// "unexpected indent".
			if p.tok.Kind == Indent {
				p.next()
				for p.tok.Kind != Dedent && p.tok.Kind != EOF {
					p.parseStmtRecover()
				}
				p.got(Dedent)
			}
		}
	}()
	p.parseStatement()
}

// parseStatement pushes the statement (or the line of simple statements)
// on p.stmts.
func (p *parser) parseStatement() {
	switch p.tok.Kind {
	case KwDef, KwClass, KwIf, KwWhile, KwFor, KwTry, KwWith, At:
		p.stmts.push(p.parseCompound())
		return
	case KwAsync:
		p.stmts.push(p.parseCompound())
		return
	case Indent:
		// Unexpected indent: report it and keep the block's statements.
		p.errs = append(p.errs, Error{p.tok.Start, "unexpected indent"})
		p.next()
		for p.tok.Kind != Dedent && p.tok.Kind != EOF {
			p.parseStmtRecover()
		}
		p.got(Dedent)
		return
	case Name:
		if p.isSoft("match") && p.looksLikeMatch() {
			p.stmts.push(p.parseMatch())
			return
		}
	}
	p.parseSimpleStmts()
}

func (p *parser) parseCompound() Stmt {
	switch p.tok.Kind {
	case At:
		return p.parseDecorated()
	case KwDef:
		return p.parseFuncDef(p.tok.Start, false, nil)
	case KwClass:
		return p.parseClassDef(nil)
	case KwIf:
		return p.parseIf()
	case KwWhile:
		return p.parseWhile()
	case KwFor:
		return p.parseFor(p.tok.Start, false)
	case KwTry:
		return p.parseTry()
	case KwWith:
		return p.parseWith(p.tok.Start, false)
	case KwAsync:
		start := p.tok.Start
		p.next()
		switch p.tok.Kind {
		case KwDef:
			return p.parseFuncDef(start, true, nil)
		case KwFor:
			return p.parseFor(start, true)
		case KwWith:
			return p.parseWith(start, true)
		}
		p.unexpected()
	}
	p.unexpected()
	return nil
}

// parseBlock parses the body after a ':'.
func (p *parser) parseBlock() []Stmt {
	if p.tok.Kind != Newline {
		base := p.stmts.mark()
		p.parseSimpleStmts()
		return p.stmts.pop(base)
	}
	p.next()
	if p.tok.Kind != Indent {
		p.errs = append(p.errs, Error{p.tok.Start, "expected an indented block"})
		return nil
	}
	p.enter()
	p.next()
	base := p.stmts.mark()
	for p.tok.Kind != Dedent && p.tok.Kind != EOF {
		p.parseStmtRecover()
	}
	body := p.stmts.pop(base)
	p.got(Dedent)
	p.leave()
	return body
}

// parseSimpleStmts pushes a line of simple statements on p.stmts.
func (p *parser) parseSimpleStmts() {
	for {
		p.stmts.push(p.parseSimpleStmt())
		if !p.got(Semi) || p.tok.Kind == Newline || p.tok.Kind == EOF {
			break
		}
	}
	if p.tok.Kind == EOF {
		return
	}
	if p.tok.Kind != Newline {
		p.unexpected()
	}
	p.next()
}

func (p *parser) parseSimpleStmt() Stmt {
	start := p.tok.Start
	switch p.tok.Kind {
	case KwPass:
		p.next()
		return &Pass{Span{start, p.prevEnd()}}
	case KwBreak:
		p.next()
		return &Break{Span{start, p.prevEnd()}}
	case KwContinue:
		p.next()
		return &Continue{Span{start, p.prevEnd()}}
	case KwReturn:
		p.next()
		var x Expr
		if p.startsExpr() {
			x = p.parseStarExpressions()
		}
		r := p.returns.alloc()
		r.Span, r.X = Span{start, p.prevEnd()}, x
		return r
	case KwRaise:
		p.next()
		s := &Raise{}
		if p.startsExpr() {
			s.Exc = p.parseExpression()
			if p.got(KwFrom) {
				s.Cause = p.parseExpression()
			}
		}
		s.Span = Span{start, p.prevEnd()}
		return s
	case KwGlobal, KwNonlocal:
		kind := p.tok.Kind
		p.next()
		var names []string
		for {
			names = append(names, p.text(p.expectName()))
			if !p.got(Comma) {
				break
			}
		}
		if kind == KwGlobal {
			return &Global{Span{start, p.prevEnd()}, names}
		}
		return &Nonlocal{Span{start, p.prevEnd()}, names}
	case KwDel:
		p.next()
		var targets []Expr
		for {
			targets = append(targets, p.parseBitOr())
			if !p.got(Comma) || !p.startsExpr() {
				break
			}
		}
		return &Delete{Span{start, p.prevEnd()}, targets}
	case KwAssert:
		p.next()
		s := &Assert{Test: p.parseExpression()}
		if p.got(Comma) {
			s.Msg = p.parseExpression()
		}
		s.Span = Span{start, p.prevEnd()}
		return s
	case KwImport:
		return p.parseImport()
	case KwFrom:
		return p.parseFromImport()
	case Name:
		if p.isSoft("type") && p.peek(1).Kind == Name {
			return p.parseTypeAlias()
		}
	}
	return p.parseExprOrAssign()
}

func (p *parser) parseExprOrAssign() Stmt {
	start := p.tok.Start
	var first Expr
	if p.tok.Kind == KwYield {
		first = p.parseYield()
	} else {
		first = p.parseStarExpressions()
	}
	switch k := p.tok.Kind; {
	case k == Colon:
		p.next()
		p.checkTarget(first, true)
		s := &AnnAssign{Target: first, Annotation: p.parseExpression()}
		if p.got(Equal) {
			s.Value = p.parseYieldOrStarExprs()
		}
		s.Span = Span{start, p.prevEnd()}
		return s
	case k == Equal:
		base := p.exprs.mark()
		p.exprs.push(first)
		var value Expr
		for p.got(Equal) {
			v := p.parseYieldOrStarExprs()
			if p.tok.Kind == Equal {
				p.exprs.push(v)
				continue
			}
			value = v
		}
		targets := p.exprs.pop(base)
		for _, t := range targets {
			p.checkTarget(t, false)
		}
		a := p.assigns.alloc()
		a.Span, a.Targets, a.Value = Span{start, p.prevEnd()}, targets, value
		return a
	case k >= PlusEqual && k <= DoubleSlashEqual && k != DoubleSlash || k == AtEqual:
		p.next()
		p.checkTarget(first, true)
		v := p.parseYieldOrStarExprs()
		return &AugAssign{Span{start, p.prevEnd()}, first, k, v}
	}
	e := p.exprSts.alloc()
	e.Span, e.X = Span{start, p.prevEnd()}, first
	return e
}

// checkTarget rejects what CPython rejects as an assignment target.
func (p *parser) checkTarget(e Expr, single bool) {
	switch t := e.(type) {
	case *NameExpr, *Attribute, *Subscript:
		return
	case *Tuple:
		if !single {
			for _, x := range t.Elts {
				p.checkTarget(x, false)
			}
			return
		}
	case *List:
		if !single {
			for _, x := range t.Elts {
				p.checkTarget(x, false)
			}
			return
		}
	case *Starred:
		if !single {
			p.checkTarget(t.X, false)
			return
		}
	}
	p.fail(e.Pos(), "cannot assign to expression")
}

func (p *parser) parseDottedName() string {
	t := p.expectName()
	if p.tok.Kind != Dot {
		return p.text(t)
	}
	var b strings.Builder
	b.WriteString(p.text(t))
	for p.got(Dot) {
		b.WriteByte('.')
		b.WriteString(p.text(p.expectName()))
	}
	return b.String()
}

func (p *parser) parseImport() Stmt {
	start := p.tok.Start
	p.next()
	var names []*Alias
	for {
		a := p.aliases.alloc()
		a.Start = p.tok.Start
		a.Name = p.parseDottedName()
		if p.got(KwAs) {
			a.AsName = p.text(p.expectName())
		}
		a.Stop = p.prevEnd()
		names = append(names, a)
		if !p.got(Comma) {
			break
		}
	}
	return &ImportStmt{Span{start, p.prevEnd()}, names}
}

func (p *parser) parseFromImport() Stmt {
	start := p.tok.Start
	p.next()
	s := &ImportFromStmt{}
	for {
		if p.got(Dot) {
			s.Level++
		} else if p.got(Ellipsis) {
			s.Level += 3
		} else {
			break
		}
	}
	if p.tok.Kind != KwImport {
		s.Module = p.parseDottedName()
	}
	p.expect(KwImport)
	if p.tok.Kind == Star {
		a := &Alias{Span: Span{p.tok.Start, p.tok.End}, Name: "*"}
		p.next()
		s.Names = []*Alias{a}
	} else {
		paren := p.got(LPar)
		for {
			a := p.aliases.alloc()
			a.Start = p.tok.Start
			a.Name = p.text(p.expectName())
			if p.got(KwAs) {
				a.AsName = p.text(p.expectName())
			}
			a.Stop = p.prevEnd()
			s.Names = append(s.Names, a)
			if !p.got(Comma) {
				break
			}
			if paren && p.tok.Kind == RPar {
				break
			}
			if !paren && p.tok.Kind != Name {
				p.fail(p.tok.Start, "trailing comma not allowed without surrounding parentheses")
			}
		}
		if paren {
			p.expect(RPar)
		}
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseTypeAlias() Stmt {
	start := p.tok.Start
	p.next()
	nt := p.expectName()
	s := &TypeAlias{Name: &NameExpr{Span{nt.Start, nt.End}, p.text(nt)}}
	if p.tok.Kind == LSqb {
		s.TypeParams = p.parseTypeParams()
	}
	p.expect(Equal)
	s.Value = p.parseExpression()
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseTypeParams() []*TypeParam {
	p.expect(LSqb)
	var out []*TypeParam
	for p.tok.Kind != RSqb {
		tp := &TypeParam{}
		tp.Start = p.tok.Start
		switch {
		case p.got(Star):
			tp.Kind = TypeVarTuple
		case p.got(DoubleStar):
			tp.Kind = ParamSpec
		}
		tp.Name = p.text(p.expectName())
		if tp.Kind == TypeVar && p.got(Colon) {
			tp.Bound = p.parseExpression()
		}
		if p.got(Equal) {
			if tp.Kind == TypeVarTuple && p.tok.Kind == Star {
				st := p.tok.Start
				p.next()
				x := p.parseBitOr()
				tp.Default = &Starred{Span{st, p.prevEnd()}, x}
			} else {
				tp.Default = p.parseExpression()
			}
		}
		tp.Stop = p.prevEnd()
		out = append(out, tp)
		if !p.got(Comma) {
			break
		}
	}
	p.expect(RSqb)
	if len(out) == 0 {
		p.fail(p.prevEnd(), "type parameter list cannot be empty")
	}
	return out
}

func (p *parser) parseDecorated() Stmt {
	base := p.exprs.mark()
	for p.tok.Kind == At {
		p.next()
		p.exprs.push(p.parseNamedExpression())
		p.expect(Newline)
	}
	decos := p.exprs.pop(base)
	switch p.tok.Kind {
	case KwDef:
		return p.parseFuncDef(p.tok.Start, false, decos)
	case KwAsync:
		start := p.tok.Start
		p.next()
		if p.tok.Kind != KwDef {
			p.unexpected()
		}
		return p.parseFuncDef(start, true, decos)
	case KwClass:
		return p.parseClassDef(decos)
	}
	p.fail(p.tok.Start, "expected 'def' or 'class' after decorator")
	return nil
}

func (p *parser) parseFuncDef(start Pos, async bool, decos []Expr) Stmt {
	p.expect(KwDef)
	nt := p.expectName()
	s := p.funcs.alloc()
	s.Async, s.Decorators, s.Name, s.NamePos = async, decos, p.text(nt), nt.Start
	if p.tok.Kind == LSqb {
		s.TypeParams = p.parseTypeParams()
	}
	p.expect(LPar)
	s.Args = p.parseParams(RPar, true)
	p.expect(RPar)
	if p.got(RArrow) {
		s.Returns = p.parseExpression()
	}
	p.expect(Colon)
	s.Body = p.parseBlock()
	s.Span = Span{start, p.prevEnd()}
	return s
}

// parseParams parses a parameter list up to (not including) closer.
func (p *parser) parseParams(closer Kind, annotations bool) *Arguments {
	a := p.argsNds.alloc()
	seenStar, seenDefault := false, false
	param := func(starred bool) *Arg {
		nt := p.expectName()
		arg := p.argNds.alloc()
		arg.Span, arg.Name = Span{nt.Start, nt.End}, p.text(nt)
		if annotations && p.got(Colon) {
			if starred && p.tok.Kind == Star {
				st := p.tok.Start
				p.next()
				x := p.parseBitOr()
				arg.Annotation = &Starred{Span{st, p.prevEnd()}, x}
			} else {
				arg.Annotation = p.parseExpression()
			}
		}
		arg.Stop = p.prevEnd()
		return arg
	}
	// Args, then KwOnly once a star is seen, are built on p.args.
	base := p.args.mark()
	for p.tok.Kind != closer {
		switch p.tok.Kind {
		case Slash:
			if seenStar || p.args.mark() == base || len(a.PosOnly) > 0 {
				p.fail(p.tok.Start, "invalid '/' in parameter list")
			}
			p.next()
			a.PosOnly = p.args.pop(base)
		case Star:
			if seenStar {
				p.fail(p.tok.Start, "* argument may appear only once")
			}
			seenStar = true
			a.Args = p.args.pop(base)
			p.next()
			if p.tok.Kind != Comma && p.tok.Kind != closer {
				a.Vararg = param(true)
			}
		case DoubleStar:
			p.next()
			a.Kwarg = param(false)
			p.got(Comma)
			if p.tok.Kind != closer {
				p.fail(p.tok.Start, "arguments cannot follow var-keyword argument")
			}
			p.endParams(a, seenStar, base)
			return a
		default:
			arg := param(false)
			if p.got(Equal) {
				arg.Default = p.parseExpression()
				if !seenStar {
					seenDefault = true
				}
			} else if seenDefault && !seenStar {
				p.fail(arg.Start, "parameter without a default follows parameter with a default")
			}
			p.args.push(arg)
		}
		if !p.got(Comma) {
			break
		}
	}
	p.endParams(a, seenStar, base)
	if seenStar && a.Vararg == nil && len(a.KwOnly) == 0 {
		p.fail(p.tok.Start, "named arguments must follow bare *")
	}
	return a
}

// endParams stores the parameters pushed since base: the keyword-only ones
// after a star, else the normal ones.
func (p *parser) endParams(a *Arguments, seenStar bool, base int) {
	if seenStar {
		a.KwOnly = p.args.pop(base)
	} else {
		a.Args = p.args.pop(base)
	}
}

func (p *parser) parseClassDef(decos []Expr) Stmt {
	start := p.tok.Start
	p.expect(KwClass)
	nt := p.expectName()
	s := &ClassDef{Decorators: decos, Name: p.text(nt), NamePos: nt.Start}
	if p.tok.Kind == LSqb {
		s.TypeParams = p.parseTypeParams()
	}
	if p.got(LPar) {
		s.Bases, s.Keywords = p.parseCallArgs(NoPos)
		p.expect(RPar)
	}
	p.expect(Colon)
	s.Body = p.parseBlock()
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseIf() Stmt {
	start := p.tok.Start
	p.next() // if or elif
	s := p.ifs.alloc()
	s.Test = p.parseNamedExpression()
	p.expect(Colon)
	s.Body = p.parseBlock()
	switch p.tok.Kind {
	case KwElif:
		// An elif is an If in the orelse of the one before: each deepens the
		// tree (CPython stops near 3,000 with a RecursionError).
		p.enter()
		defer p.leave()
		elif := p.parseIf().(*If)
		elif.Elif = true
		s.Orelse = []Stmt{elif}
	case KwElse:
		p.next()
		p.expect(Colon)
		s.Orelse = p.parseBlock()
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseWhile() Stmt {
	start := p.tok.Start
	p.next()
	s := &While{Test: p.parseNamedExpression()}
	p.expect(Colon)
	s.Body = p.parseBlock()
	if p.got(KwElse) {
		p.expect(Colon)
		s.Orelse = p.parseBlock()
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseFor(start Pos, async bool) Stmt {
	p.expect(KwFor)
	s := &For{Async: async, Target: p.parseTargetList()}
	p.expect(KwIn)
	s.Iter = p.parseStarExpressions()
	p.expect(Colon)
	s.Body = p.parseBlock()
	if p.got(KwElse) {
		p.expect(Colon)
		s.Orelse = p.parseBlock()
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

// parseTargetList parses for-loop and comprehension targets, which stop
// before 'in'.
func (p *parser) parseTargetList() Expr {
	start := p.tok.Start
	first := p.parseTarget()
	if p.tok.Kind != Comma {
		return first
	}
	elts := []Expr{first}
	for p.got(Comma) {
		if p.tok.Kind == KwIn || p.tok.Kind == Equal {
			break
		}
		elts = append(elts, p.parseTarget())
	}
	return &Tuple{Span{start, p.prevEnd()}, elts}
}

func (p *parser) parseTarget() Expr {
	if p.tok.Kind == Star {
		start := p.tok.Start
		p.next()
		x := p.parseBitOr()
		return &Starred{Span{start, p.prevEnd()}, x}
	}
	t := p.parseBitOr()
	p.checkTarget(t, false)
	return t
}

func (p *parser) parseTry() Stmt {
	start := p.tok.Start
	p.next()
	p.expect(Colon)
	s := &Try{Body: p.parseBlock()}
	for p.tok.Kind == KwExcept {
		h := &ExceptHandler{}
		h.Start = p.tok.Start
		p.next()
		if p.got(Star) {
			s.Star = true
		}
		if p.tok.Kind != Colon {
			tstart := p.tok.Start
			t := p.parseExpression()
			if p.tok.Kind == Comma { // PEP 758: except A, B:
				elts := []Expr{t}
				for p.got(Comma) {
					elts = append(elts, p.parseExpression())
				}
				t = &Tuple{Span{tstart, p.prevEnd()}, elts}
				if p.tok.Kind == KwAs {
					p.fail(p.tok.Start, "multiple exception types must be parenthesized when using 'as'")
				}
			}
			h.Type = t
			if p.got(KwAs) {
				h.Name = p.text(p.expectName())
			}
		}
		p.expect(Colon)
		h.Body = p.parseBlock()
		h.Stop = p.prevEnd()
		s.Handlers = append(s.Handlers, h)
	}
	if len(s.Handlers) > 0 && p.got(KwElse) {
		p.expect(Colon)
		s.Orelse = p.parseBlock()
	}
	if p.got(KwFinally) {
		p.expect(Colon)
		s.Finalbody = p.parseBlock()
	}
	if len(s.Handlers) == 0 && s.Finalbody == nil {
		p.fail(p.tok.Start, "expected 'except' or 'finally' block")
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseWith(start Pos, async bool) Stmt {
	p.expect(KwWith)
	s := &With{Async: async}
	if p.tok.Kind == LPar && p.parenFollowedBy(Colon) {
		// Parenthesized context managers: with (a as b, c):
		save := p.i
		if items, ok := p.tryParenWithItems(); ok {
			s.Items = items
		} else {
			p.i = save
			p.tok = p.toks[save]
			s.Items = p.parseWithItems()
		}
	} else {
		s.Items = p.parseWithItems()
	}
	p.expect(Colon)
	s.Body = p.parseBlock()
	s.Span = Span{start, p.prevEnd()}
	return s
}

// tryParenWithItems parses "( item, ... )" when every item is a plain
// with-item; a lone parenthesized expression without 'as' is left to the
// general path so that "(a, b)" stays CPython's two items but "(yield)"
// stays an expression.
func (p *parser) tryParenWithItems() (items []*WithItem, ok bool) {
	errs := len(p.errs)
	depth := p.depth
	exprBase, kwBase, argBase, opBase := p.exprs.mark(), p.kws.mark(), p.args.mark(), p.ops.mark()
	defer func() {
		if r := recover(); r != nil {
			if _, isBail := r.(bailout); !isBail {
				panic(r)
			}
			p.errs = p.errs[:errs]
			p.depth = depth
			p.exprs.reset(exprBase)
			p.kws.reset(kwBase)
			p.args.reset(argBase)
			p.ops.reset(opBase)
			items, ok = nil, false
		}
	}()
	p.expect(LPar)
	for p.tok.Kind != RPar {
		it := &WithItem{Context: p.parseExpression()}
		if p.got(KwAs) {
			it.Vars = p.parseTarget()
		}
		items = append(items, it)
		if !p.got(Comma) {
			break
		}
	}
	p.expect(RPar)
	if p.tok.Kind != Colon || len(items) == 0 {
		p.fail(p.tok.Start, "")
	}
	return items, true
}

func (p *parser) parseWithItems() []*WithItem {
	var items []*WithItem
	for {
		it := &WithItem{Context: p.parseExpression()}
		if p.got(KwAs) {
			it.Vars = p.parseTarget()
		}
		items = append(items, it)
		if !p.got(Comma) {
			break
		}
	}
	return items
}

// parenFollowedBy reports whether the bracket at the current token is closed
// and immediately followed by a token of kind k.
func (p *parser) parenFollowedBy(k Kind) bool {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		switch p.toks[j].Kind {
		case LPar, LSqb, LBrace:
			depth++
		case RPar, RSqb, RBrace:
			depth--
			if depth == 0 {
				return j+1 < len(p.toks) && p.toks[j+1].Kind == k
			}
		case Newline, EOF:
			return false
		}
	}
	return false
}

// looksLikeMatch decides whether a line starting with the soft keyword
// 'match' is a match statement: it must end with ':' at bracket depth zero
// and 'match' must not be used as a name (match = ..., match.x, match: T).
func (p *parser) looksLikeMatch() bool {
	switch k := p.peek(1).Kind; k {
	case Name, Number, String, FStringStart, LPar, LSqb, LBrace, Minus, Plus, Tilde, Star,
		KwNone, KwTrue, KwFalse, KwNot, KwLambda, KwAwait, Ellipsis:
	default:
		return false
	}
	depth := 0
	last := Kind(EOF)
	for j := p.i + 1; j < len(p.toks); j++ {
		k := p.toks[j].Kind
		switch k {
		case LPar, LSqb, LBrace:
			depth++
		case RPar, RSqb, RBrace:
			depth--
		case Newline, EOF:
			return last == Colon && p.toks[j+min(1, len(p.toks)-1-j)].Kind == Indent
		case FStringStart:
			depth++
		case FStringEnd:
			depth--
		}
		last = k
		if depth < 0 {
			return false
		}
		if depth > 0 {
			last = EOF
		}
	}
	return false
}

func (p *parser) parseMatch() Stmt {
	start := p.tok.Start
	p.next()
	s := &Match{}
	sstart := p.tok.Start
	first := p.parseStarNamedExpression()
	if p.tok.Kind == Comma {
		elts := []Expr{first}
		for p.got(Comma) {
			if p.tok.Kind == Colon {
				break
			}
			elts = append(elts, p.parseStarNamedExpression())
		}
		first = &Tuple{Span{sstart, p.prevEnd()}, elts}
	}
	s.Subject = first
	p.expect(Colon)
	p.expect(Newline)
	p.expect(Indent)
	for p.tok.Kind != Dedent && p.tok.Kind != EOF {
		if !p.isSoft("case") {
			p.fail(p.tok.Start, "expected 'case'")
		}
		p.next()
		c := &MatchCase{Pattern: p.parsePatterns()}
		if p.got(KwIf) {
			c.Guard = p.parseNamedExpression()
		}
		p.expect(Colon)
		c.Body = p.parseBlock()
		s.Cases = append(s.Cases, c)
	}
	p.got(Dedent)
	s.Span = Span{start, p.prevEnd()}
	return s
}

// ---- patterns ----

func (p *parser) parsePatterns() *Pattern {
	start := p.tok.Start
	first := p.parseMaybeStarPattern()
	if p.tok.Kind != Comma {
		if first.Kind == MatchStar {
			return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchSequence, Patterns: []*Pattern{first}}
		}
		return first
	}
	pats := []*Pattern{first}
	for p.got(Comma) {
		if p.tok.Kind == Colon || p.tok.Kind == KwIf {
			break
		}
		pats = append(pats, p.parseMaybeStarPattern())
	}
	return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchSequence, Patterns: pats}
}

func (p *parser) parseMaybeStarPattern() *Pattern {
	if p.tok.Kind == Star {
		start := p.tok.Start
		p.next()
		nt := p.expectName()
		name := p.text(nt)
		if name == "_" {
			name = ""
		}
		return &Pattern{Span: Span{start, nt.End}, Kind: MatchStar, Name: name}
	}
	return p.parsePattern()
}

func (p *parser) parsePattern() *Pattern {
	p.enter()
	defer p.leave()
	start := p.tok.Start
	pat := p.parseClosedPattern()
	if p.tok.Kind == VBar {
		alts := []*Pattern{pat}
		for p.got(VBar) {
			alts = append(alts, p.parseClosedPattern())
		}
		pat = &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchOr, Patterns: alts}
	}
	if p.got(KwAs) {
		nt := p.expectName()
		pat = &Pattern{Span: Span{start, nt.End}, Kind: MatchAs, Patterns: []*Pattern{pat}, Name: p.text(nt)}
	}
	return pat
}

func (p *parser) parseClosedPattern() *Pattern {
	start := p.tok.Start
	switch p.tok.Kind {
	case Name:
		nt := p.tok
		p.next()
		var x Expr = &NameExpr{Span{nt.Start, nt.End}, p.text(nt)}
		dotted := false
		for p.got(Dot) {
			at := p.expectName()
			x = &Attribute{Span{start, at.End}, x, p.text(at), at.Start}
			dotted = true
		}
		if p.tok.Kind == LPar {
			return p.parseClassPattern(start, x)
		}
		if dotted {
			return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchValue, Value: x}
		}
		name := p.text(nt)
		if name == "_" {
			name = ""
		}
		return &Pattern{Span: Span{start, nt.End}, Kind: MatchAs, Name: name}
	case KwNone, KwTrue, KwFalse:
		c := p.parseAtom()
		return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchSingleton, Value: c}
	case Number, Minus:
		x := p.parseSum()
		return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchValue, Value: x}
	case String, FStringStart:
		x := p.parseAtom()
		return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchValue, Value: x}
	case LPar, LSqb:
		closer := RPar
		if p.tok.Kind == LSqb {
			closer = RSqb
		}
		paren := p.tok.Kind == LPar
		p.next()
		var pats []*Pattern
		comma := false
		for p.tok.Kind != closer {
			pats = append(pats, p.parseMaybeStarPattern())
			if !p.got(Comma) {
				break
			}
			comma = true
		}
		p.expect(closer)
		if paren && len(pats) == 1 && !comma && pats[0].Kind != MatchStar {
			return pats[0] // a group
		}
		return &Pattern{Span: Span{start, p.prevEnd()}, Kind: MatchSequence, Patterns: pats}
	case LBrace:
		p.next()
		pat := &Pattern{Kind: MatchMapping}
		for p.tok.Kind != RBrace {
			if p.got(DoubleStar) {
				pat.Name = p.text(p.expectName())
			} else {
				var key Expr
				switch p.tok.Kind {
				case Name:
					key = p.parsePrimary()
				case KwNone, KwTrue, KwFalse, String, FStringStart:
					key = p.parseAtom()
				default:
					key = p.parseSum()
				}
				p.expect(Colon)
				pat.Keys = append(pat.Keys, key)
				pat.Patterns = append(pat.Patterns, p.parsePattern())
			}
			if !p.got(Comma) {
				break
			}
		}
		p.expect(RBrace)
		pat.Span = Span{start, p.prevEnd()}
		return pat
	}
	p.unexpected()
	return nil
}

func (p *parser) parseClassPattern(start Pos, cls Expr) *Pattern {
	p.expect(LPar)
	pat := &Pattern{Kind: MatchClass, Cls: cls}
	for p.tok.Kind != RPar {
		if p.tok.Kind == Name && p.peek(1).Kind == Equal {
			pat.KwdAttrs = append(pat.KwdAttrs, p.text(p.tok))
			p.next()
			p.next()
			pat.KwdPatterns = append(pat.KwdPatterns, p.parsePattern())
		} else {
			if len(pat.KwdAttrs) > 0 {
				p.fail(p.tok.Start, "positional patterns follow keyword patterns")
			}
			pat.Patterns = append(pat.Patterns, p.parsePattern())
		}
		if !p.got(Comma) {
			break
		}
	}
	p.expect(RPar)
	pat.Span = Span{start, p.prevEnd()}
	return pat
}
