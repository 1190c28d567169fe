package pysrc

// startsExpr reports whether the current token can begin an expression.
func (p *parser) startsExpr() bool {
	switch p.tok.Kind {
	case Name, Number, String, FStringStart, LPar, LSqb, LBrace, Minus, Plus, Tilde, Star,
		KwNone, KwTrue, KwFalse, KwNot, KwLambda, KwAwait, KwYield, Ellipsis:
		return true
	}
	return false
}

func (p *parser) parseYieldOrStarExprs() Expr {
	if p.tok.Kind == KwYield {
		return p.parseYield()
	}
	return p.parseStarExpressions()
}

func (p *parser) parseYield() Expr {
	start := p.tok.Start
	p.expect(KwYield)
	if p.got(KwFrom) {
		x := p.parseExpression()
		return &YieldFrom{Span{start, p.prevEnd()}, x}
	}
	var x Expr
	if p.startsExpr() && p.tok.Kind != KwYield {
		x = p.parseStarExpressions()
	}
	return &Yield{Span{start, p.prevEnd()}, x}
}

// parseStarExpressions parses a comma-separated list of (starred)
// expressions; more than one, or a trailing comma, makes a tuple.
func (p *parser) parseStarExpressions() Expr {
	start := p.tok.Start
	first := p.parseStarExpression()
	if p.tok.Kind != Comma {
		return first
	}
	base := p.exprs.mark()
	p.exprs.push(first)
	for p.got(Comma) {
		if !p.startsExpr() || p.tok.Kind == KwYield {
			break
		}
		p.exprs.push(p.parseStarExpression())
	}
	return p.newTuple(start, p.exprs.pop(base))
}

func (p *parser) parseStarExpression() Expr {
	if p.tok.Kind == Star {
		start := p.tok.Start
		p.next()
		x := p.parseBitOr()
		return p.newStarred(start, x)
	}
	return p.parseExpression()
}

func (p *parser) parseStarNamedExpression() Expr {
	if p.tok.Kind == Star {
		start := p.tok.Start
		p.next()
		x := p.parseBitOr()
		return p.newStarred(start, x)
	}
	return p.parseNamedExpression()
}

func (p *parser) newStarred(start Pos, x Expr) *Starred {
	s := p.starred.alloc()
	s.Span, s.X = Span{start, p.prevEnd()}, x
	return s
}

func (p *parser) newTuple(start Pos, elts []Expr) *Tuple {
	t := p.tuples.alloc()
	t.Span, t.Elts = Span{start, p.prevEnd()}, elts
	return t
}

func (p *parser) parseNamedExpression() Expr {
	if p.tok.Kind == Name && p.peek(1).Kind == ColonEqual {
		nt := p.tok
		p.next()
		p.next()
		v := p.parseExpression()
		return &NamedExpr{Span{nt.Start, p.prevEnd()}, &NameExpr{Span{nt.Start, nt.End}, p.text(nt)}, v}
	}
	x := p.parseExpression()
	if p.tok.Kind == ColonEqual {
		p.fail(x.Pos(), "cannot use assignment expressions with this target")
	}
	return x
}

// The expression chain: parseExpression → parseDisjunction → parseConjunction
// → parseInversion → parseComparison → parseBinary → parseFactor →
// parsePower → parsePrimary, one level per precedence. Most expressions are a
// primary alone (a name, a call, an attribute, a literal), so
// parseExpression parses the primary first when the expression starts with
// an atom and goes through the levels above it (the *Rest functions) only
// when the next token is an operator: the tree, the positions and the
// nesting depth are those of the full chain.
//
// The depth is restored by the callers that recover from a bailout
// (parseStmtRecover, tryParenWithItems), not by deferred calls here.

// startsAtom marks the tokens that begin an atom.
var startsAtom = [numKinds]bool{
	Name: true, Number: true, String: true, FStringStart: true, KwTrue: true, KwFalse: true,
	KwNone: true, Ellipsis: true, LPar: true, LSqb: true, LBrace: true,
}

// continuesPrimary marks the tokens after a primary that one of the levels
// above it consumes: '**', the binary and comparison operators, and, or.
var continuesPrimary = func() (t [numKinds]bool) {
	for k := range numKinds {
		t[k] = binPrec(k) > 0
	}
	for _, k := range []Kind{DoubleStar, EqEqual, NotEqual, Less, LessEqual, Greater, GreaterEqual,
		KwIn, KwIs, KwNot, KwAnd, KwOr} {
		t[k] = true
	}
	return t
}()

// parseExpression parses a conditional expression or a lambda.
func (p *parser) parseExpression() Expr {
	if p.tok.Kind == KwLambda {
		return p.parseLambda()
	}
	p.enter()
	start := p.tok.Start
	var x Expr
	if startsAtom[p.tok.Kind] {
		x = p.parsePrimary()
		if continuesPrimary[p.tok.Kind] {
			x = p.disjunctionRest(start, p.conjunctionRest(start, p.comparisonRest(start, p.binaryRest(start, p.powerRest(start, x), 1))))
		}
	} else {
		x = p.parseDisjunction()
	}
	if p.tok.Kind == KwIf {
		p.next()
		test := p.parseDisjunction()
		p.expect(KwElse)
		orelse := p.parseExpression()
		x = &IfExp{Span{start, p.prevEnd()}, test, x, orelse}
	}
	p.leave()
	return x
}

func (p *parser) parseLambda() Expr {
	p.enter()
	defer p.leave()
	start := p.tok.Start
	p.expect(KwLambda)
	args := p.parseParams(Colon, false)
	p.expect(Colon)
	body := p.parseExpression()
	return &Lambda{Span{start, p.prevEnd()}, args, body}
}

func (p *parser) parseDisjunction() Expr {
	start := p.tok.Start
	return p.disjunctionRest(start, p.parseConjunction())
}

// disjunctionRest parses the rest of a disjunction whose first operand,
// starting at start, is x.
func (p *parser) disjunctionRest(start Pos, x Expr) Expr {
	if p.tok.Kind != KwOr {
		return x
	}
	base := p.exprs.mark()
	p.exprs.push(x)
	for p.got(KwOr) {
		p.exprs.push(p.parseConjunction())
	}
	vals := p.exprs.pop(base)
	return &BoolOp{Span{start, p.prevEnd()}, KwOr, vals}
}

func (p *parser) parseConjunction() Expr {
	start := p.tok.Start
	return p.conjunctionRest(start, p.parseInversion())
}

func (p *parser) conjunctionRest(start Pos, x Expr) Expr {
	if p.tok.Kind != KwAnd {
		return x
	}
	base := p.exprs.mark()
	p.exprs.push(x)
	for p.got(KwAnd) {
		p.exprs.push(p.parseInversion())
	}
	vals := p.exprs.pop(base)
	return &BoolOp{Span{start, p.prevEnd()}, KwAnd, vals}
}

func (p *parser) parseInversion() Expr {
	if p.tok.Kind == KwNot {
		p.enter()
		start := p.tok.Start
		p.next()
		x := p.parseInversion()
		p.leave()
		return p.newUnary(start, KwNot, x)
	}
	return p.parseComparison()
}

func (p *parser) newUnary(start Pos, op Kind, x Expr) *UnaryOp {
	u := p.unops.alloc()
	u.Span, u.Op, u.X = Span{start, p.prevEnd()}, op, x
	return u
}

func (p *parser) newBinOp(start Pos, x Expr, op Kind, y Expr) *BinOp {
	b := p.binops.alloc()
	b.Span, b.X, b.Op, b.Y = Span{start, p.prevEnd()}, x, op, y
	return b
}

func (p *parser) parseComparison() Expr {
	start := p.tok.Start
	return p.comparisonRest(start, p.parseBitOr())
}

func (p *parser) comparisonRest(start Pos, x Expr) Expr {
	var cmp *Compare
	opBase, ysBase := p.ops.mark(), p.exprs.mark()
	for {
		var op CmpOp
		switch p.tok.Kind {
		case EqEqual:
			op = CmpEq
			if p.text(p.tok) == "<>" {
				p.fail(p.tok.Start, "invalid syntax: '<>' is not an operator")
			}
		case NotEqual:
			op = CmpNotEq
			if p.text(p.tok) == "<>" {
				p.fail(p.tok.Start, "invalid syntax: '<>' is not an operator")
			}
		case Less:
			op = CmpLt
		case LessEqual:
			op = CmpLtE
		case Greater:
			op = CmpGt
		case GreaterEqual:
			op = CmpGtE
		case KwIn:
			op = CmpIn
		case KwIs:
			op = CmpIs
			if p.peek(1).Kind == KwNot {
				p.next()
				op = CmpIsNot
			}
		case KwNot:
			if p.peek(1).Kind != KwIn {
				p.unexpected()
			}
			p.next()
			op = CmpNotIn
		default:
			if cmp != nil {
				cmp.Ops, cmp.Comparators = p.ops.pop(opBase), p.exprs.pop(ysBase)
				cmp.Stop = p.prevEnd()
				return cmp
			}
			return x
		}
		p.next()
		y := p.parseBitOr()
		if cmp == nil {
			cmp = p.compars.alloc()
			cmp.X = x
			cmp.Start = start
		}
		p.ops.push(op)
		p.exprs.push(y)
	}
}

// Binary operator precedence, lowest first: | ^ & << >> + - * / // % @.
func binPrec(k Kind) int {
	switch k {
	case VBar:
		return 1
	case Circumflex:
		return 2
	case Amper:
		return 3
	case LeftShift, RightShift:
		return 4
	case Plus, Minus:
		return 5
	case Star, Slash, DoubleSlash, Percent, At:
		return 6
	}
	return 0
}

func (p *parser) parseBitOr() Expr { return p.parseBinary(1) }

func (p *parser) parseSum() Expr { return p.parseBinary(5) }

// parseBinary parses left-associative binary operators of precedence at
// least minPrec (precedence climbing).
func (p *parser) parseBinary(minPrec int) Expr {
	start := p.tok.Start
	return p.binaryRest(start, p.parseFactor(), minPrec)
}

func (p *parser) binaryRest(start Pos, x Expr, minPrec int) Expr {
	depth := p.depth
	for {
		prec := binPrec(p.tok.Kind)
		if prec < minPrec || prec == 0 {
			p.depth = depth
			return x
		}
		op := p.tok.Kind
		p.enter() // each link deepens the tree
		p.next()
		y := p.parseBinaryAbove(prec)
		x = p.newBinOp(start, x, op, y)
	}
}

// parseBinaryAbove parses an operand that binds tighter than prec.
func (p *parser) parseBinaryAbove(prec int) Expr {
	if prec >= 6 {
		return p.parseFactor()
	}
	return p.parseBinary(prec + 1)
}

func (p *parser) parseFactor() Expr {
	switch p.tok.Kind {
	case Plus, Minus, Tilde:
		p.enter()
		start := p.tok.Start
		op := p.tok.Kind
		p.next()
		x := p.parseFactor()
		p.leave()
		return p.newUnary(start, op, x)
	}
	return p.parsePower()
}

func (p *parser) parsePower() Expr {
	start := p.tok.Start
	var x Expr
	if p.tok.Kind == KwAwait {
		p.next()
		y := p.parsePrimary()
		x = &Await{Span{start, p.prevEnd()}, y}
	} else {
		x = p.parsePrimary()
	}
	return p.powerRest(start, x)
}

func (p *parser) powerRest(start Pos, x Expr) Expr {
	if p.tok.Kind == DoubleStar {
		p.enter()
		p.next()
		y := p.parseFactor()
		p.leave()
		return p.newBinOp(start, x, DoubleStar, y)
	}
	return x
}

func (p *parser) parsePrimary() Expr {
	start := p.tok.Start
	x := p.parseAtom()
	depth := p.depth
	for {
		switch p.tok.Kind {
		case Dot:
			p.enter() // each link deepens the tree
			p.next()
			at := p.expectName()
			a := p.attrs.alloc()
			a.Start, a.Stop, a.X, a.Attr, a.AttrPos = start, at.End, x, p.text(at), at.Start
			x = a
		case LPar:
			p.enter()
			lpar := p.tok.Start
			p.next()
			args, kws := p.parseCallArgs(lpar)
			p.expect(RPar)
			c := p.calls.alloc()
			c.Start, c.Stop, c.Func, c.Args, c.Keywords = start, p.prevEnd(), x, args, kws
			x = c
		case LSqb:
			p.enter()
			p.next()
			idx := p.parseSlices()
			p.expect(RSqb)
			sub := p.subs.alloc()
			sub.Span, sub.X, sub.Index = Span{start, p.prevEnd()}, x, idx
			x = sub
		default:
			p.depth = depth
			return x
		}
	}
}

// parseCallArgs parses arguments up to the closing parenthesis. lpar is the
// position of '(' (a lone generator argument starts there), NoPos for class
// bases.
func (p *parser) parseCallArgs(lpar Pos) ([]Expr, []*Keyword) {
	argBase, kwBase := p.exprs.mark(), p.kws.mark()
	for p.tok.Kind != RPar {
		start := p.tok.Start
		switch {
		case p.tok.Kind == Star:
			p.next()
			x := p.parseExpression()
			p.exprs.push(p.newStarred(start, x))
		case p.tok.Kind == DoubleStar:
			p.next()
			x := p.parseExpression()
			p.kws.push(p.newKeyword(start, "", x))
		case p.tok.Kind == Name && p.peek(1).Kind == Equal:
			name := p.text(p.tok)
			p.next()
			p.next()
			x := p.parseExpression()
			p.kws.push(p.newKeyword(start, name, x))
		default:
			x := p.parseNamedExpression()
			if p.tok.Kind == KwFor || p.tok.Kind == KwAsync {
				gs := start
				if lpar != NoPos {
					gs = lpar
				}
				gens := p.parseComprehensions()
				if lpar == NoPos || p.exprs.mark() != argBase || p.kws.mark() != kwBase || p.tok.Kind != RPar {
					p.fail(start, "generator expression must be parenthesized") // panics
				}
				end := p.tok.End
				x = &Comp{Span{gs, end}, GeneratorExp, x, nil, gens}
			} else if p.kws.mark() != kwBase && !isStarredArg(x) {
				for _, k := range p.kws.stack[kwBase:] {
					if k.Arg == "" {
						p.fail(start, "positional argument follows keyword argument unpacking")
					}
				}
				p.fail(start, "positional argument follows keyword argument")
			}
			p.exprs.push(x)
		}
		if !p.got(Comma) {
			break
		}
	}
	return p.exprs.pop(argBase), p.kws.pop(kwBase)
}

func (p *parser) newKeyword(start Pos, name string, x Expr) *Keyword {
	k := p.kwNodes.alloc()
	k.Span, k.Arg, k.Value = Span{start, p.prevEnd()}, name, x
	return k
}

func isStarredArg(x Expr) bool {
	_, ok := x.(*Starred)
	return ok
}

// parseSlices parses the inside of a subscript.
func (p *parser) parseSlices() Expr {
	start := p.tok.Start
	first := p.parseSlice()
	if p.tok.Kind != Comma {
		return first
	}
	base := p.exprs.mark()
	p.exprs.push(first)
	for p.got(Comma) {
		if p.tok.Kind == RSqb {
			break
		}
		p.exprs.push(p.parseSlice())
	}
	return p.newTuple(start, p.exprs.pop(base))
}

func (p *parser) parseSlice() Expr {
	start := p.tok.Start
	if p.tok.Kind == Star {
		p.next()
		x := p.parseBitOr()
		return p.newStarred(start, x)
	}
	var lower Expr
	if p.tok.Kind != Colon {
		lower = p.parseNamedExpression()
		if p.tok.Kind != Colon {
			return lower
		}
	}
	s := &Slice{Lower: lower}
	p.expect(Colon)
	if p.tok.Kind != Colon && p.tok.Kind != Comma && p.tok.Kind != RSqb {
		s.Upper = p.parseExpression()
	}
	if p.got(Colon) {
		if p.tok.Kind != Comma && p.tok.Kind != RSqb {
			s.Step = p.parseExpression()
		}
	}
	s.Span = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseComprehensions() []*Comprehension {
	var gens []*Comprehension
	for p.tok.Kind == KwFor || (p.tok.Kind == KwAsync && p.peek(1).Kind == KwFor) {
		c := &Comprehension{}
		if p.got(KwAsync) {
			c.Async = true
		}
		p.expect(KwFor)
		c.Target = p.parseTargetList()
		p.expect(KwIn)
		c.Iter = p.parseDisjunction()
		for p.got(KwIf) {
			c.Ifs = append(c.Ifs, p.parseDisjunction())
		}
		gens = append(gens, c)
	}
	return gens
}

func (p *parser) parseAtom() Expr {
	t := p.tok
	switch t.Kind {
	case Name:
		p.next()
		return p.newName(t)
	case Number:
		p.next()
		return p.newConst(t.Start, t.End, numberKind(p.text(t)), p.toks[p.i-1:p.i])
	case KwTrue, KwFalse, KwNone, Ellipsis:
		p.next()
		k := ConstEllipsis
		switch t.Kind {
		case KwTrue:
			k = ConstTrue
		case KwFalse:
			k = ConstFalse
		case KwNone:
			k = ConstNone
		}
		return p.newConst(t.Start, t.End, k, p.toks[p.i-1:p.i])
	case String, FStringStart:
		return p.parseStrings()
	case LPar:
		return p.parseParen()
	case LSqb:
		return p.parseListDisplay()
	case LBrace:
		return p.parseBraceDisplay()
	}
	p.unexpected()
	return nil
}

func numberKind(s string) ConstKind {
	last := s[len(s)-1] | 0x20
	if last == 'j' {
		return ConstImag
	}
	if len(s) > 1 && s[0] == '0' {
		switch s[1] | 0x20 {
		case 'x', 'o', 'b':
			return ConstInt
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c|0x20 == 'e' {
			return ConstFloat
		}
	}
	return ConstInt
}

func (p *parser) parseParen() Expr {
	p.enter()
	defer p.leave()
	start := p.tok.Start
	p.next()
	if p.got(RPar) {
		return p.newTuple(start, nil)
	}
	if p.tok.Kind == KwYield {
		y := p.parseYield()
		p.expect(RPar)
		return y
	}
	first := p.parseStarNamedExpression()
	if p.tok.Kind == KwFor || p.tok.Kind == KwAsync {
		gens := p.parseComprehensions()
		p.expect(RPar)
		return &Comp{Span{start, p.prevEnd()}, GeneratorExp, first, nil, gens}
	}
	if p.got(RPar) {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "cannot use starred expression here")
		}
		return first
	}
	base := p.exprs.mark()
	p.exprs.push(first)
	for p.got(Comma) {
		if p.tok.Kind == RPar {
			break
		}
		p.exprs.push(p.parseStarNamedExpression())
	}
	elts := p.exprs.pop(base)
	p.expect(RPar)
	return p.newTuple(start, elts)
}

func (p *parser) parseListDisplay() Expr {
	p.enter()
	defer p.leave()
	start := p.tok.Start
	p.next()
	if p.got(RSqb) {
		return p.newList(start, nil)
	}
	first := p.parseStarNamedExpression()
	if p.tok.Kind == KwFor || p.tok.Kind == KwAsync {
		gens := p.parseComprehensions()
		p.expect(RSqb)
		return &Comp{Span{start, p.prevEnd()}, ListComp, first, nil, gens}
	}
	base := p.exprs.mark()
	p.exprs.push(first)
	for p.got(Comma) {
		if p.tok.Kind == RSqb {
			break
		}
		p.exprs.push(p.parseStarNamedExpression())
	}
	elts := p.exprs.pop(base)
	p.expect(RSqb)
	return p.newList(start, elts)
}

func (p *parser) newList(start Pos, elts []Expr) *List {
	l := p.listNds.alloc()
	l.Span, l.Elts = Span{start, p.prevEnd()}, elts
	return l
}

func (p *parser) parseBraceDisplay() Expr {
	p.enter()
	defer p.leave()
	start := p.tok.Start
	p.next()
	if p.got(RBrace) {
		return p.newDict(start, nil, nil)
	}
	if p.tok.Kind == DoubleStar {
		return p.parseDictRest(start, p.exprs.mark())
	}
	first := p.parseStarNamedExpression()
	if p.got(Colon) {
		val := p.parseExpression()
		if p.tok.Kind == KwFor || p.tok.Kind == KwAsync {
			gens := p.parseComprehensions()
			p.expect(RBrace)
			return &Comp{Span{start, p.prevEnd()}, DictComp, first, val, gens}
		}
		base := p.exprs.mark()
		p.exprs.push(first)
		p.exprs.push(val)
		return p.parseDictRest(start, base)
	}
	if p.tok.Kind == KwFor || p.tok.Kind == KwAsync {
		gens := p.parseComprehensions()
		p.expect(RBrace)
		return &Comp{Span{start, p.prevEnd()}, SetComp, first, nil, gens}
	}
	base := p.exprs.mark()
	p.exprs.push(first)
	for p.got(Comma) {
		if p.tok.Kind == RBrace {
			break
		}
		p.exprs.push(p.parseStarNamedExpression())
	}
	elts := p.exprs.pop(base)
	p.expect(RBrace)
	return &Set{Span{start, p.prevEnd()}, elts}
}

// parseDictRest parses dict entries after the first, which is on p.exprs
// above base already (key, value) if there is one; the current token is ','
// or '}' (or '**' when there is no first entry). Keys and values are
// pushed in pairs, a nil key for a '**' entry.
func (p *parser) parseDictRest(start Pos, base int) Expr {
	if p.exprs.mark() > base && !p.got(Comma) {
		keys, vals := p.dictLists(base)
		p.expect(RBrace)
		return p.newDict(start, keys, vals)
	}
	for p.tok.Kind != RBrace {
		if p.got(DoubleStar) {
			p.exprs.push(nil)
			p.exprs.push(p.parseBitOr())
		} else {
			p.exprs.push(p.parseExpression())
			p.expect(Colon)
			p.exprs.push(p.parseExpression())
		}
		if !p.got(Comma) {
			break
		}
	}
	keys, vals := p.dictLists(base)
	p.expect(RBrace)
	return p.newDict(start, keys, vals)
}

// dictLists pops the (key, value) pairs pushed since base as two lists.
func (p *parser) dictLists(base int) (keys, vals []Expr) {
	st := &p.exprs
	n := (len(st.stack) - base) / 2
	if n == 0 {
		st.reset(base)
		return nil, nil
	}
	// Values go above the pairs, then keys are compacted in place.
	for i := 0; i < n; i++ {
		st.push(st.stack[base+2*i+1])
	}
	vals = st.pop(base + 2*n)
	for i := 0; i < n; i++ {
		st.stack[base+i] = st.stack[base+2*i]
	}
	st.reset(base + n)
	keys = st.pop(base)
	return keys, vals
}

func (p *parser) newDict(start Pos, keys, vals []Expr) *Dict {
	d := p.dicts.alloc()
	d.Span, d.Keys, d.Values = Span{start, p.prevEnd()}, keys, vals
	return d
}

// parseStrings parses adjacent string literals, f-strings and t-strings.
func (p *parser) parseStrings() Expr {
	start := p.tok.Start
	first := p.i
	fmtd, template := false, false
	bytesN, strN := 0, 0
	var parts []Expr
	for p.tok.Kind == String || p.tok.Kind == FStringStart {
		if p.tok.Kind == String {
			if isBytesLiteral(p.text(p.tok)) {
				bytesN++
			} else {
				strN++
			}
			t := p.tok
			p.next()
			if fmtd {
				parts = append(parts, p.newConst(t.Start, t.End, ConstStr, p.toks[p.i-1:p.i]))
			}
			continue
		}
		if !fmtd {
			// The plain strings before the first f-string are parts of
			// the joined string; without an f-string there are no parts.
			for j := first; j < p.i; j++ {
				parts = append(parts, p.newConst(p.toks[j].Start, p.toks[j].End, ConstStr, p.toks[j:j+1]))
			}
		}
		strN++
		fmtd = true
		if isTemplatePrefix(p.text(p.tok)) {
			template = true
		}
		parts = p.parseFString(parts)
	}
	if bytesN > 0 && strN > 0 {
		p.fail(start, "cannot mix bytes and nonbytes literals")
	}
	if !fmtd {
		kind := ConstStr
		if bytesN > 0 {
			kind = ConstBytes
		}
		return p.newConst(start, p.prevEnd(), kind, p.toks[first:p.i])
	}
	return &JoinedStr{Span{start, p.prevEnd()}, template, parts}
}

func isBytesLiteral(tok string) bool {
	for i := 0; i < len(tok) && tok[i] != '\'' && tok[i] != '"'; i++ {
		if tok[i]|0x20 == 'b' {
			return true
		}
	}
	return false
}

func isTemplatePrefix(tok string) bool {
	for i := 0; i < len(tok) && tok[i] != '\'' && tok[i] != '"'; i++ {
		if tok[i]|0x20 == 't' {
			return true
		}
	}
	return false
}

// parseFString parses FSTRING_START ... FSTRING_END, appending literal parts
// and replacement fields to parts.
func (p *parser) parseFString(parts []Expr) []Expr {
	p.enter()
	defer p.leave()
	p.expect(FStringStart)
	for {
		switch p.tok.Kind {
		case FStringMiddle:
			t := p.tok
			p.next()
			parts = append(parts, &Constant{Span{t.Start, t.End}, ConstStr, p.toks[p.i-1 : p.i]})
		case LBrace:
			parts = append(parts, p.parseReplacementField())
		case FStringEnd:
			p.next()
			return parts
		default:
			p.unexpected()
		}
	}
}

func (p *parser) parseReplacementField() Expr {
	start := p.tok.Start
	p.expect(LBrace)
	fv := &FormattedValue{}
	if p.tok.Kind == KwYield {
		fv.Value = p.parseYield()
	} else {
		fv.Value = p.parseStarExpressions()
	}
	if p.got(Equal) {
		fv.Debug = true
	}
	if p.got(Exclamation) {
		nt := p.expectName()
		conv := p.text(nt)
		if conv != "s" && conv != "r" && conv != "a" {
			p.fail(nt.Start, "f-string: invalid conversion character '"+conv+"'")
		}
		fv.Conversion = conv[0]
	}
	if p.tok.Kind == Colon {
		specStart := p.tok.End
		p.next()
		spec := &JoinedStr{}
		for p.tok.Kind != RBrace {
			switch p.tok.Kind {
			case FStringMiddle:
				t := p.tok
				p.next()
				spec.Values = append(spec.Values, &Constant{Span{t.Start, t.End}, ConstStr, p.toks[p.i-1 : p.i]})
			case LBrace:
				spec.Values = append(spec.Values, p.parseReplacementField())
			default:
				p.unexpected()
			}
		}
		spec.Span = Span{specStart, p.tok.Start}
		fv.FormatSpec = spec
	}
	p.expect(RBrace)
	fv.Span = Span{start, p.prevEnd()}
	return fv
}
