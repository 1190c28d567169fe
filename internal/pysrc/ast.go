package pysrc

// The syntax tree follows CPython's ast module closely (same node kinds, same
// start positions) so that the differential test against CPython can compare
// positions exactly. Every node knows its start and end byte offsets.

// Node is any syntax tree node.
type Node interface {
	Pos() Pos // start offset, as CPython's (lineno, col_offset)
	End() Pos // end offset, exclusive
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Span is embedded in every node and carries its extent.
type Span struct {
	Start, Stop Pos
}

// Pos returns the start offset of the node.
func (s Span) Pos() Pos { return s.Start }

// End returns the end offset of the node.
func (s Span) End() Pos { return s.Stop }

// ---- expressions ----

type (
	// NameExpr is an identifier in an expression.
	NameExpr struct {
		Span
		ID string
	}

	// ConstKind says what kind of literal a Constant is.
	ConstKind uint8

	// Constant is a literal: a number, a (possibly implicitly concatenated)
	// string or bytes literal, True, False, None or Ellipsis.
	Constant struct {
		Span
		Kind ConstKind
		// Toks are the literal's tokens (several for implicit concatenation).
		Toks []Token
	}

	// JoinedStr is an f-string or a t-string (Template set), possibly
	// concatenated with plain strings.
	JoinedStr struct {
		Span
		Template bool
		Values   []Expr // *Constant (literal text) and *FormattedValue
	}

	// FormattedValue is a replacement field of an f-string.
	FormattedValue struct {
		Span
		Value      Expr
		Conversion byte // 0, 's', 'r' or 'a'
		Debug      bool // the field ends with '='
		FormatSpec *JoinedStr
	}

	// Attribute is X.Attr.
	Attribute struct {
		Span
		X       Expr
		Attr    string
		AttrPos Pos
	}

	// Subscript is X[Index].
	Subscript struct {
		Span
		X     Expr
		Index Expr
	}

	// Slice is Lower:Upper:Step inside a subscript.
	Slice struct {
		Span
		Lower, Upper, Step Expr
	}

	// Call is Func(Args..., Keywords...).
	Call struct {
		Span
		Func     Expr
		Args     []Expr // positional, *Starred for *args
		Keywords []*Keyword
	}

	// Starred is *X.
	Starred struct {
		Span
		X Expr
	}

	// BinOp is X Op Y for arithmetic and bitwise operators.
	BinOp struct {
		Span
		X  Expr
		Op Kind
		Y  Expr
	}

	// UnaryOp is Op X: not, -, +, ~.
	UnaryOp struct {
		Span
		Op Kind
		X  Expr
	}

	// BoolOp is Values[0] Op Values[1] ... for and/or.
	BoolOp struct {
		Span
		Op     Kind
		Values []Expr
	}

	// Compare is X Ops[0] Comparators[0] ...
	Compare struct {
		Span
		X           Expr
		Ops         []CmpOp
		Comparators []Expr
	}

	// IfExp is Body if Test else Orelse.
	IfExp struct {
		Span
		Test, Body, Orelse Expr
	}

	// Lambda is lambda Args: Body.
	Lambda struct {
		Span
		Args *Arguments
		Body Expr
	}

	// NamedExpr is Target := Value.
	NamedExpr struct {
		Span
		Target *NameExpr
		Value  Expr
	}

	// Tuple is a tuple display (with or without parentheses).
	Tuple struct {
		Span
		Elts []Expr
	}

	// List is a list display.
	List struct {
		Span
		Elts []Expr
	}

	// Set is a set display.
	Set struct {
		Span
		Elts []Expr
	}

	// Dict is a dict display; a nil key marks a **mapping entry.
	Dict struct {
		Span
		Keys   []Expr
		Values []Expr
	}

	// CompKind says which comprehension a Comp is.
	CompKind uint8

	// Comp is a list, set or dict comprehension or a generator expression.
	Comp struct {
		Span
		Kind       CompKind
		Elt        Expr // the key for a dict comprehension
		Value      Expr // the value for a dict comprehension
		Generators []*Comprehension
	}

	// Await is await X.
	Await struct {
		Span
		X Expr
	}

	// Yield is yield X (X may be nil).
	Yield struct {
		Span
		X Expr
	}

	// YieldFrom is yield from X.
	YieldFrom struct {
		Span
		X Expr
	}

	// BadExpr stands for an expression that did not parse.
	BadExpr struct {
		Span
	}
)

// Constant kinds.
const (
	ConstStr ConstKind = iota
	ConstBytes
	ConstInt
	ConstFloat
	ConstImag
	ConstTrue
	ConstFalse
	ConstNone
	ConstEllipsis
)

// Comprehension kinds.
const (
	ListComp CompKind = iota
	SetComp
	DictComp
	GeneratorExp
)

// CmpOp is a comparison operator.
type CmpOp uint8

// Comparison operators.
const (
	CmpEq CmpOp = iota
	CmpNotEq
	CmpLt
	CmpLtE
	CmpGt
	CmpGtE
	CmpIs
	CmpIsNot
	CmpIn
	CmpNotIn
)

// Keyword is a keyword argument Arg=Value; Arg is "" for **Value.
type Keyword struct {
	Span
	Arg   string
	Value Expr
}

// Comprehension is one "for Target in Iter if Ifs..." clause.
type Comprehension struct {
	Target Expr
	Iter   Expr
	Ifs    []Expr
	Async  bool
}

// Arg is one parameter of a function or lambda.
type Arg struct {
	Span
	Name       string
	Annotation Expr
	Default    Expr // nil when the parameter has no default
}

// Arguments is a parameter list.
type Arguments struct {
	PosOnly []*Arg
	Args    []*Arg
	Vararg  *Arg
	KwOnly  []*Arg
	Kwarg   *Arg
}

// All returns the parameters in source order.
func (a *Arguments) All() []*Arg {
	if a == nil {
		return nil
	}
	out := make([]*Arg, 0, len(a.PosOnly)+len(a.Args)+len(a.KwOnly)+2)
	out = append(out, a.PosOnly...)
	out = append(out, a.Args...)
	if a.Vararg != nil {
		out = append(out, a.Vararg)
	}
	out = append(out, a.KwOnly...)
	if a.Kwarg != nil {
		out = append(out, a.Kwarg)
	}
	return out
}

// ---- statements ----

type (
	// ExprStmt is an expression used as a statement.
	ExprStmt struct {
		Span
		X Expr
	}

	// Assign is Targets[0] = Targets[1] = ... = Value.
	Assign struct {
		Span
		Targets []Expr
		Value   Expr
	}

	// AugAssign is Target Op= Value.
	AugAssign struct {
		Span
		Target Expr
		Op     Kind
		Value  Expr
	}

	// AnnAssign is Target: Annotation [= Value].
	AnnAssign struct {
		Span
		Target     Expr
		Annotation Expr
		Value      Expr
	}

	// ImportStmt is import Names.
	ImportStmt struct {
		Span
		Names []*Alias
	}

	// ImportFromStmt is from [dots]Module import Names.
	ImportFromStmt struct {
		Span
		Module string // "" for "from . import x"
		Level  int    // number of leading dots
		Names  []*Alias
	}

	// Pass is pass.
	Pass struct{ Span }
	// Break is break.
	Break struct{ Span }
	// Continue is continue.
	Continue struct{ Span }

	// Return is return [X].
	Return struct {
		Span
		X Expr
	}

	// Raise is raise [Exc [from Cause]].
	Raise struct {
		Span
		Exc, Cause Expr
	}

	// Global is global Names.
	Global struct {
		Span
		Names []string
	}

	// Nonlocal is nonlocal Names.
	Nonlocal struct {
		Span
		Names []string
	}

	// Delete is del Targets.
	Delete struct {
		Span
		Targets []Expr
	}

	// Assert is assert Test[, Msg].
	Assert struct {
		Span
		Test, Msg Expr
	}

	// If is if/elif/else. An elif is an *If alone in Orelse with Elif set.
	If struct {
		Span
		Test   Expr
		Body   []Stmt
		Orelse []Stmt
		Elif   bool
	}

	// While is while Test: Body else: Orelse.
	While struct {
		Span
		Test   Expr
		Body   []Stmt
		Orelse []Stmt
	}

	// For is [async] for Target in Iter: Body else: Orelse.
	For struct {
		Span
		Async  bool
		Target Expr
		Iter   Expr
		Body   []Stmt
		Orelse []Stmt
	}

	// With is [async] with Items: Body.
	With struct {
		Span
		Async bool
		Items []*WithItem
		Body  []Stmt
	}

	// Try is try/except/else/finally; Star marks except*.
	Try struct {
		Span
		Body      []Stmt
		Handlers  []*ExceptHandler
		Orelse    []Stmt
		Finalbody []Stmt
		Star      bool
	}

	// FunctionDef is a [async] def with its decorators.
	FunctionDef struct {
		Span
		Async      bool
		Decorators []Expr
		Name       string
		NamePos    Pos
		TypeParams []*TypeParam
		Args       *Arguments
		Returns    Expr
		Body       []Stmt
	}

	// ClassDef is a class with its decorators.
	ClassDef struct {
		Span
		Decorators []Expr
		Name       string
		NamePos    Pos
		TypeParams []*TypeParam
		Bases      []Expr
		Keywords   []*Keyword
		Body       []Stmt
	}

	// Match is match Subject: Cases.
	Match struct {
		Span
		Subject Expr
		Cases   []*MatchCase
	}

	// TypeAlias is type Name[TypeParams] = Value.
	TypeAlias struct {
		Span
		Name       *NameExpr
		TypeParams []*TypeParam
		Value      Expr
	}

	// BadStmt stands for a statement that did not parse.
	BadStmt struct {
		Span
	}
)

// Alias is one name of an import: Name [as AsName].
type Alias struct {
	Span
	Name   string // dotted for "import a.b"
	AsName string
}

// WithItem is Context [as Vars].
type WithItem struct {
	Context Expr
	Vars    Expr
}

// ExceptHandler is except [Type [as Name]]: Body.
type ExceptHandler struct {
	Span
	Type Expr
	Name string
	Body []Stmt
}

// TypeParamKind says what a type parameter is.
type TypeParamKind uint8

// Type parameter kinds.
const (
	TypeVar TypeParamKind = iota
	TypeVarTuple
	ParamSpec
)

// TypeParam is one PEP 695 type parameter.
type TypeParam struct {
	Span
	Kind    TypeParamKind
	Name    string
	Bound   Expr
	Default Expr
}

// MatchCase is case Pattern [if Guard]: Body.
type MatchCase struct {
	Pattern *Pattern
	Guard   Expr
	Body    []Stmt
}

// PatternKind says what a Pattern is.
type PatternKind uint8

// Pattern kinds, as CPython's match_* nodes.
const (
	MatchValue     PatternKind = iota // Value
	MatchSingleton                    // Value is a True/False/None Constant
	MatchSequence                     // Patterns
	MatchMapping                      // Keys, Patterns, Name (the **rest)
	MatchClass                        // Cls, Patterns, KwdAttrs, KwdPatterns
	MatchStar                         // Name ("" for *_)
	MatchAs                           // Patterns[0] (optional), Name ("" for _)
	MatchOr                           // Patterns
)

// Pattern is one match pattern.
type Pattern struct {
	Span
	Kind        PatternKind
	Value       Expr
	Cls         Expr
	Name        string
	Keys        []Expr
	Patterns    []*Pattern
	KwdAttrs    []string
	KwdPatterns []*Pattern
}

func (*NameExpr) exprNode()       {}
func (*Constant) exprNode()       {}
func (*JoinedStr) exprNode()      {}
func (*FormattedValue) exprNode() {}
func (*Attribute) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*Slice) exprNode()          {}
func (*Call) exprNode()           {}
func (*Starred) exprNode()        {}
func (*BinOp) exprNode()          {}
func (*UnaryOp) exprNode()        {}
func (*BoolOp) exprNode()         {}
func (*Compare) exprNode()        {}
func (*IfExp) exprNode()          {}
func (*Lambda) exprNode()         {}
func (*NamedExpr) exprNode()      {}
func (*Tuple) exprNode()          {}
func (*List) exprNode()           {}
func (*Set) exprNode()            {}
func (*Dict) exprNode()           {}
func (*Comp) exprNode()           {}
func (*Await) exprNode()          {}
func (*Yield) exprNode()          {}
func (*YieldFrom) exprNode()      {}
func (*BadExpr) exprNode()        {}

func (*ExprStmt) stmtNode()       {}
func (*Assign) stmtNode()         {}
func (*AugAssign) stmtNode()      {}
func (*AnnAssign) stmtNode()      {}
func (*ImportStmt) stmtNode()     {}
func (*ImportFromStmt) stmtNode() {}
func (*Pass) stmtNode()           {}
func (*Break) stmtNode()          {}
func (*Continue) stmtNode()       {}
func (*Return) stmtNode()         {}
func (*Raise) stmtNode()          {}
func (*Global) stmtNode()         {}
func (*Nonlocal) stmtNode()       {}
func (*Delete) stmtNode()         {}
func (*Assert) stmtNode()         {}
func (*If) stmtNode()             {}
func (*While) stmtNode()          {}
func (*For) stmtNode()            {}
func (*With) stmtNode()           {}
func (*Try) stmtNode()            {}
func (*FunctionDef) stmtNode()    {}
func (*ClassDef) stmtNode()       {}
func (*Match) stmtNode()          {}
func (*TypeAlias) stmtNode()      {}
func (*BadStmt) stmtNode()        {}
