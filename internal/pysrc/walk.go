package pysrc

// Inspect traverses the tree rooted at n in source order, calling f for each
// expression, statement and match pattern; if f returns false the node's
// children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	walkChildren(n, f)
}

// InspectAll traverses each statement of a body.
func InspectAll(body []Stmt, f func(Node) bool) {
	for _, s := range body {
		Inspect(s, f)
	}
}

func inspectExpr(e Expr, f func(Node) bool) {
	if e != nil {
		Inspect(e, f)
	}
}

func inspectExprs(es []Expr, f func(Node) bool) {
	for _, e := range es {
		if e != nil {
			Inspect(e, f)
		}
	}
}

func inspectArgs(a *Arguments, f func(Node) bool) {
	if a == nil {
		return
	}
	// CPython evaluates and lists annotations and defaults in parameter order.
	for _, arg := range a.All() {
		inspectExpr(arg.Annotation, f)
		inspectExpr(arg.Default, f)
	}
}

func inspectTypeParams(tps []*TypeParam, f func(Node) bool) {
	for _, tp := range tps {
		inspectExpr(tp.Bound, f)
		inspectExpr(tp.Default, f)
	}
}

func inspectPattern(pt *Pattern, f func(Node) bool) {
	if pt == nil || !f(pt) {
		return
	}
	inspectExpr(pt.Value, f)
	inspectExpr(pt.Cls, f)
	inspectExprs(pt.Keys, f)
	for _, sub := range pt.Patterns {
		inspectPattern(sub, f)
	}
	for _, sub := range pt.KwdPatterns {
		inspectPattern(sub, f)
	}
}

func walkChildren(n Node, f func(Node) bool) {
	switch n := n.(type) {
	// expressions
	case *NameExpr, *Constant, *BadExpr:
	case *JoinedStr:
		inspectExprs(n.Values, f)
	case *FormattedValue:
		inspectExpr(n.Value, f)
		if n.FormatSpec != nil {
			Inspect(n.FormatSpec, f)
		}
	case *Attribute:
		inspectExpr(n.X, f)
	case *Subscript:
		inspectExpr(n.X, f)
		inspectExpr(n.Index, f)
	case *Slice:
		inspectExpr(n.Lower, f)
		inspectExpr(n.Upper, f)
		inspectExpr(n.Step, f)
	case *Call:
		inspectExpr(n.Func, f)
		inspectExprs(n.Args, f)
		for _, k := range n.Keywords {
			inspectExpr(k.Value, f)
		}
	case *Starred:
		inspectExpr(n.X, f)
	case *BinOp:
		inspectExpr(n.X, f)
		inspectExpr(n.Y, f)
	case *UnaryOp:
		inspectExpr(n.X, f)
	case *BoolOp:
		inspectExprs(n.Values, f)
	case *Compare:
		inspectExpr(n.X, f)
		inspectExprs(n.Comparators, f)
	case *IfExp:
		inspectExpr(n.Test, f)
		inspectExpr(n.Body, f)
		inspectExpr(n.Orelse, f)
	case *Lambda:
		inspectArgs(n.Args, f)
		inspectExpr(n.Body, f)
	case *NamedExpr:
		inspectExpr(n.Target, f)
		inspectExpr(n.Value, f)
	case *Tuple:
		inspectExprs(n.Elts, f)
	case *List:
		inspectExprs(n.Elts, f)
	case *Set:
		inspectExprs(n.Elts, f)
	case *Dict:
		for i := range n.Values {
			inspectExpr(n.Keys[i], f)
			inspectExpr(n.Values[i], f)
		}
	case *Comp:
		inspectExpr(n.Elt, f)
		inspectExpr(n.Value, f)
		for _, g := range n.Generators {
			inspectExpr(g.Target, f)
			inspectExpr(g.Iter, f)
			inspectExprs(g.Ifs, f)
		}
	case *Await:
		inspectExpr(n.X, f)
	case *Yield:
		inspectExpr(n.X, f)
	case *YieldFrom:
		inspectExpr(n.X, f)

	// statements
	case *ExprStmt:
		inspectExpr(n.X, f)
	case *Assign:
		inspectExprs(n.Targets, f)
		inspectExpr(n.Value, f)
	case *AugAssign:
		inspectExpr(n.Target, f)
		inspectExpr(n.Value, f)
	case *AnnAssign:
		inspectExpr(n.Target, f)
		inspectExpr(n.Annotation, f)
		inspectExpr(n.Value, f)
	case *ImportStmt, *ImportFromStmt, *Pass, *Break, *Continue, *Global, *Nonlocal, *BadStmt:
	case *Return:
		inspectExpr(n.X, f)
	case *Raise:
		inspectExpr(n.Exc, f)
		inspectExpr(n.Cause, f)
	case *Delete:
		inspectExprs(n.Targets, f)
	case *Assert:
		inspectExpr(n.Test, f)
		inspectExpr(n.Msg, f)
	case *If:
		inspectExpr(n.Test, f)
		InspectAll(n.Body, f)
		InspectAll(n.Orelse, f)
	case *While:
		inspectExpr(n.Test, f)
		InspectAll(n.Body, f)
		InspectAll(n.Orelse, f)
	case *For:
		inspectExpr(n.Target, f)
		inspectExpr(n.Iter, f)
		InspectAll(n.Body, f)
		InspectAll(n.Orelse, f)
	case *With:
		for _, it := range n.Items {
			inspectExpr(it.Context, f)
			inspectExpr(it.Vars, f)
		}
		InspectAll(n.Body, f)
	case *Try:
		InspectAll(n.Body, f)
		for _, h := range n.Handlers {
			inspectExpr(h.Type, f)
			InspectAll(h.Body, f)
		}
		InspectAll(n.Orelse, f)
		InspectAll(n.Finalbody, f)
	case *FunctionDef:
		inspectExprs(n.Decorators, f)
		inspectTypeParams(n.TypeParams, f)
		inspectArgs(n.Args, f)
		inspectExpr(n.Returns, f)
		InspectAll(n.Body, f)
	case *ClassDef:
		inspectExprs(n.Decorators, f)
		inspectTypeParams(n.TypeParams, f)
		inspectExprs(n.Bases, f)
		for _, k := range n.Keywords {
			inspectExpr(k.Value, f)
		}
		InspectAll(n.Body, f)
	case *Match:
		inspectExpr(n.Subject, f)
		for _, c := range n.Cases {
			inspectPattern(c.Pattern, f)
			inspectExpr(c.Guard, f)
			InspectAll(c.Body, f)
		}
	case *TypeAlias:
		inspectExpr(n.Name, f)
		inspectTypeParams(n.TypeParams, f)
		inspectExpr(n.Value, f)
	case *Pattern:
		// children handled by inspectPattern
	}
}
