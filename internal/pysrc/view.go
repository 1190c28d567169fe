package pysrc

import (
	"strings"
	"sync"
)

// GuardKind says under what condition an import statement runs.
type GuardKind uint8

// Guard kinds, from the strongest claim ("always runs at import") down.
const (
	GuardUnconditional GuardKind = iota // module level, not inside if/try
	GuardTry                            // in a try whose handlers catch import errors
	GuardIf                             // in an if/elif/else, loop or match case (Cond says which)
	GuardFunction                       // inside a def or lambda
	GuardTypeChecking                   // under if TYPE_CHECKING
	// GuardDynamic is a module loaded by name at run time (a class named
	// by a configuration option, a stevedore driver): the semantic model's
	// edges, never a view's import.
	GuardDynamic
)

var guardNames = [...]string{"unconditional", "try", "if", "function", "type-checking", "dynamic"}

func (g GuardKind) String() string { return guardNames[g] }

// Guard is the guard of an import: its kind and, for GuardIf, the
// condition's source text ("not (X)" for an else branch).
type Guard struct {
	Kind GuardKind
	Cond string
}

// ImportedName is one name of an import statement.
type ImportedName struct {
	Name   string // "a.b" for import a.b; "x" for from m import x; "*"
	AsName string
}

// Import is one import statement, or a dynamic import call with a literal
// module name (importlib.import_module('x'), __import__('x'),
// importutils.try_import('x'), eventlet.import_patched('x')).
type Import struct {
	Node   Node
	Module string // absolute module: "a.b" for import a.b, the resolved package for from-imports
	// RawModule and Level are as written: from ..x import y is ("x", 2).
	RawModule string
	Level     int
	From      bool
	Names     []ImportedName
	Guard     Guard
	Dynamic   string // the callee of a dynamic import, "" for a statement
	Func      string // qualified name of the enclosing function, if any
}

// Param is one parameter of a function definition.
type Param struct {
	Name       string
	Kind       ParamKind
	HasDefault bool
	Default    Value
}

// ParamKind says how a parameter is passed.
type ParamKind uint8

// Parameter kinds.
const (
	ParamPosOnly ParamKind = iota
	ParamNormal
	ParamVarArgs
	ParamKwOnly
	ParamVarKw
)

// FuncDef is a function or method definition.
type FuncDef struct {
	Node       *FunctionDef
	Name       string
	QualName   string // Class.method, outer.<locals>.inner as CPython's __qualname__
	Class      string // enclosing class qualname for methods
	Params     []Param
	Decorators []string // resolved (or as written) dotted names
	Guard      Guard    // when the def statement itself runs
	// Returns has one entry per return statement of the body (not of
	// nested functions): the value's resolved dotted name, with "()" for a
	// call's result ("eventlet", "pkg.mod.Conf()"), or "" when the value
	// is not a name; ReturnsNone for "return None" and a bare return.
	Returns []string
}

// ReturnsNone is the FuncDef.Returns entry of a return of None.
const ReturnsNone = "None"

// ClassInfo is a class definition.
type ClassInfo struct {
	Node       *ClassDef
	Name       string
	QualName   string
	Bases      []string // resolved dotted names, as written when unresolved
	Decorators []string
}

// CallSite is one call expression.
type CallSite struct {
	Node     *Call
	Callee   string // dotted source form: "gt.spawn"; "?" stands for a non-name part
	Resolved string // fully qualified when the head resolves through an import or def
	// Chain is the name through a call's result ("pkg.utils.get_eventlet().spawn")
	// when the callee is one; Resolved is then empty until a project model
	// resolves the chain (ResolveChains).
	Chain    string
	Args     []Value
	Keywords []KeywordValue
	Func     string // qualified name of the enclosing function ("" at module or class level)
	Class    string // qualified name of the enclosing class
	Guard    Guard  // the guard the call runs under, as for imports
}

// KeywordValue is a keyword argument of a call; Name is "" for **kwargs.
type KeywordValue struct {
	Name  string
	Value Value
}

// RefContext says where a reference appears.
type RefContext uint8

// Reference contexts.
const (
	RefLoad RefContext = iota
	RefExcept
	RefBase
	RefWith
	RefDecorator
)

var refContextNames = [...]string{"load", "except", "base", "with", "decorator"}

func (c RefContext) String() string { return refContextNames[c] }

// Ref is a use of a name or attribute chain that resolves through an import
// (eventlet.Timeout in an except clause, eventlet.green.socket as a value).
type Ref struct {
	Node     Expr
	Resolved string
	Chain    string // as CallSite.Chain
	Ctx      RefContext
	Func     string
}

// Binding is one binding of a module-level name, for later layers that
// follow re-exports (facades).
type Binding struct {
	Name   string
	Target string // what the name refers to, "" when not an alias of something named
	Pos    Pos
	Cond   bool // bound in a conditional branch
}

// View is the analysis view of one file, computed once.
type View struct {
	File      *File
	Module    string // dotted module name of the file ("" if unknown)
	IsPackage bool   // the file is a package __init__

	Imports []*Import
	Calls   []*CallSite
	Defs    []*FuncDef
	Classes []*ClassInfo
	Refs    []*Ref
	// Exports are the module-level bindings in source order.
	Exports []Binding

	callIndex map[*Call]*CallSite
	callOnce  sync.Once
}

// ResolveChains sets the resolved name of the calls and references whose
// names go through a call's result, where f names them fully (a name
// still holding "()" stays unresolved). It is for a file's own analysis,
// before its rules run.
func (v *View) ResolveChains(f func(string) string) {
	for _, cs := range v.Calls {
		if cs.Chain != "" {
			if r := f(cs.Chain); strings.IndexByte(r, '(') < 0 {
				cs.Resolved = r
			}
		}
	}
	for _, r := range v.Refs {
		if r.Chain != "" {
			if n := f(r.Chain); strings.IndexByte(n, '(') < 0 {
				r.Resolved = n
			}
		}
	}
}

// CallSiteOf returns the call site of a call node of this file, or nil.
// Analyze puts the calls in source order, so the call is found by binary
// search on its start (calls that start together, a.b().c(), are told
// apart by node); a view whose calls are out of that order gets a map,
// built on first use, once even when goroutines share the view (the entry
// points' mode inferences do).
func (v *View) CallSiteOf(c *Call) *CallSite {
	v.callOnce.Do(func() {
		for i := 1; i < len(v.Calls); i++ {
			if v.Calls[i].Node.Start < v.Calls[i-1].Node.Start {
				v.callIndex = make(map[*Call]*CallSite, len(v.Calls))
				for _, cs := range v.Calls {
					v.callIndex[cs.Node] = cs
				}
				break
			}
		}
	})
	if v.callIndex != nil {
		return v.callIndex[c]
	}
	if c == nil {
		return nil
	}
	calls, at := v.Calls, c.Start
	lo, hi := 0, len(calls)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if calls[m].Node.Start < at {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for ; lo < len(calls) && calls[lo].Node.Start == at; lo++ {
		if calls[lo].Node == c {
			return calls[lo]
		}
	}
	return nil
}

// Line returns the 1-based line of p.
func (v *View) Line(p Pos) int { return v.File.Position(p).Line }

// Position returns the line and column of p.
func (v *View) Position(p Pos) Position { return v.File.Position(p) }
