package pysrc

import "fmt"

// Kind is the kind of a token.
type Kind uint8

// Token kinds. Keywords and operators have a kind each so the parser
// switches on integers, never on text.
const (
	EOF Kind = iota
	Name
	Number
	String        // a complete string or bytes literal, prefix included
	FStringStart  // f" rf''' t" ... (the prefix and opening quote)
	FStringMiddle // literal text between replacement fields
	FStringEnd    // the closing quote
	Newline
	Indent
	Dedent
	Illegal

	kwBegin
	KwFalse
	KwNone
	KwTrue
	KwAnd
	KwAs
	KwAssert
	KwAsync
	KwAwait
	KwBreak
	KwClass
	KwContinue
	KwDef
	KwDel
	KwElif
	KwElse
	KwExcept
	KwFinally
	KwFor
	KwFrom
	KwGlobal
	KwIf
	KwImport
	KwIn
	KwIs
	KwLambda
	KwNonlocal
	KwNot
	KwOr
	KwPass
	KwRaise
	KwReturn
	KwTry
	KwWhile
	KwWith
	KwYield
	kwEnd

	LPar
	RPar
	LSqb
	RSqb
	LBrace
	RBrace
	Colon
	Comma
	Semi
	Plus
	Minus
	Star
	Slash
	VBar
	Amper
	Less
	Greater
	Equal
	Dot
	Percent
	EqEqual
	NotEqual
	LessEqual
	GreaterEqual
	Tilde
	Circumflex
	LeftShift
	RightShift
	DoubleStar
	PlusEqual
	MinEqual
	StarEqual
	SlashEqual
	PercentEqual
	AmperEqual
	VBarEqual
	CircumflexEqual
	LeftShiftEqual
	RightShiftEqual
	DoubleStarEqual
	DoubleSlash
	DoubleSlashEqual
	At
	AtEqual
	RArrow
	Ellipsis
	ColonEqual
	Exclamation
	numKinds
)

var kindText = [numKinds]string{
	EOF: "end of file", Name: "name", Number: "number", String: "string",
	FStringStart: "f-string start", FStringMiddle: "f-string text", FStringEnd: "f-string end",
	Newline: "newline", Indent: "indent", Dedent: "dedent", Illegal: "illegal token",
	KwFalse: "False", KwNone: "None", KwTrue: "True", KwAnd: "and", KwAs: "as", KwAssert: "assert",
	KwAsync: "async", KwAwait: "await", KwBreak: "break", KwClass: "class", KwContinue: "continue",
	KwDef: "def", KwDel: "del", KwElif: "elif", KwElse: "else", KwExcept: "except",
	KwFinally: "finally", KwFor: "for", KwFrom: "from", KwGlobal: "global", KwIf: "if",
	KwImport: "import", KwIn: "in", KwIs: "is", KwLambda: "lambda", KwNonlocal: "nonlocal",
	KwNot: "not", KwOr: "or", KwPass: "pass", KwRaise: "raise", KwReturn: "return", KwTry: "try",
	KwWhile: "while", KwWith: "with", KwYield: "yield",
	LPar: "(", RPar: ")", LSqb: "[", RSqb: "]", LBrace: "{", RBrace: "}", Colon: ":", Comma: ",",
	Semi: ";", Plus: "+", Minus: "-", Star: "*", Slash: "/", VBar: "|", Amper: "&", Less: "<",
	Greater: ">", Equal: "=", Dot: ".", Percent: "%", EqEqual: "==", NotEqual: "!=",
	LessEqual: "<=", GreaterEqual: ">=", Tilde: "~", Circumflex: "^", LeftShift: "<<",
	RightShift: ">>", DoubleStar: "**", PlusEqual: "+=", MinEqual: "-=", StarEqual: "*=",
	SlashEqual: "/=", PercentEqual: "%=", AmperEqual: "&=", VBarEqual: "|=",
	CircumflexEqual: "^=", LeftShiftEqual: "<<=", RightShiftEqual: ">>=", DoubleStarEqual: "**=",
	DoubleSlash: "//", DoubleSlashEqual: "//=", At: "@", AtEqual: "@=", RArrow: "->",
	Ellipsis: "...", ColonEqual: ":=", Exclamation: "!",
}

func (k Kind) String() string {
	if k < numKinds && kindText[k] != "" {
		return kindText[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// IsKeyword reports whether k is a hard keyword.
func (k Kind) IsKeyword() bool { return k > kwBegin && k < kwEnd }

// keywordKind returns the keyword kind of an identifier, or Name. A string
// switch compiles to a length-then-value search, much cheaper than a map.
func keywordKind(word string) Kind {
	if len(word) < 2 || len(word) > 8 {
		return Name
	}
	switch word {
	case "False":
		return KwFalse
	case "None":
		return KwNone
	case "True":
		return KwTrue
	case "and":
		return KwAnd
	case "as":
		return KwAs
	case "assert":
		return KwAssert
	case "async":
		return KwAsync
	case "await":
		return KwAwait
	case "break":
		return KwBreak
	case "class":
		return KwClass
	case "continue":
		return KwContinue
	case "def":
		return KwDef
	case "del":
		return KwDel
	case "elif":
		return KwElif
	case "else":
		return KwElse
	case "except":
		return KwExcept
	case "finally":
		return KwFinally
	case "for":
		return KwFor
	case "from":
		return KwFrom
	case "global":
		return KwGlobal
	case "if":
		return KwIf
	case "import":
		return KwImport
	case "in":
		return KwIn
	case "is":
		return KwIs
	case "lambda":
		return KwLambda
	case "nonlocal":
		return KwNonlocal
	case "not":
		return KwNot
	case "or":
		return KwOr
	case "pass":
		return KwPass
	case "raise":
		return KwRaise
	case "return":
		return KwReturn
	case "try":
		return KwTry
	case "while":
		return KwWhile
	case "with":
		return KwWith
	case "yield":
		return KwYield
	}
	return Name
}

// Pos is a byte offset into a file's source (UTF-8, after decoding).
type Pos int32

// NoPos is the zero position of an absent node.
const NoPos Pos = -1

// Token is one lexical token: its kind and its byte span in the source.
type Token struct {
	Kind       Kind
	Start, End Pos
}

// Comment is a comment's byte span, the leading '#' included.
type Comment struct {
	Start, End Pos
}
