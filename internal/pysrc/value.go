package pysrc

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ValueKind says what a Value holds.
type ValueKind uint8

// Value kinds. Unknown is any expression that is not a literal; its Text
// and Ref still say what it was.
const (
	ValUnknown ValueKind = iota
	ValStr
	ValBytes
	ValInt
	ValFloat
	ValBool
	ValNone
	ValTuple
	ValList
)

var valueKindNames = [...]string{"unknown", "str", "bytes", "int", "float", "bool", "none", "tuple", "list"}

func (k ValueKind) String() string { return valueKindNames[k] }

// Value is the literal value of an expression when it has one.
type Value struct {
	Kind  ValueKind
	Str   string  // ValStr, ValBytes (raw bytes); ValInt in decimal
	Float float64 // ValFloat
	Bool  bool    // ValBool
	Elems []Value // ValTuple, ValList
	// Ref is the resolved dotted name when the expression is a name or an
	// attribute chain (BackendType.THREADING → "pkg.BackendType.THREADING").
	Ref string
	// Text is the expression's source text.
	Text string
}

// IsLiteral reports whether v is a literal value.
func (v Value) IsLiteral() bool { return v.Kind != ValUnknown }

// literalValue evaluates e when it is a literal: constants, signed numbers,
// and tuples or lists of literals.
func (f *File) literalValue(e Expr) Value {
	switch e := e.(type) {
	case *Constant:
		switch e.Kind {
		case ConstStr:
			return Value{Kind: ValStr, Str: f.StringValue(e)}
		case ConstBytes:
			return Value{Kind: ValBytes, Str: f.StringValue(e)}
		case ConstInt:
			s, ok := intLiteral(f.Src[e.Start:e.Stop])
			if ok {
				return Value{Kind: ValInt, Str: s}
			}
		case ConstFloat:
			x, err := strconv.ParseFloat(strings.ReplaceAll(f.Src[e.Start:e.Stop], "_", ""), 64)
			if err == nil || isRangeErr(err) {
				return Value{Kind: ValFloat, Float: x}
			}
		case ConstTrue, ConstFalse:
			return Value{Kind: ValBool, Bool: e.Kind == ConstTrue}
		case ConstNone:
			return Value{Kind: ValNone}
		}
	case *UnaryOp:
		if e.Op == Minus || e.Op == Plus {
			if c, ok := e.X.(*Constant); ok && (c.Kind == ConstInt || c.Kind == ConstFloat) {
				v := f.literalValue(c)
				if e.Op == Minus {
					switch v.Kind {
					case ValInt:
						if v.Str != "0" {
							v.Str = "-" + v.Str
						}
					case ValFloat:
						v.Float = -v.Float
					}
				}
				return v
			}
		}
	case *Tuple, *List:
		var elts []Expr
		kind := ValTuple
		if t, ok := e.(*Tuple); ok {
			elts = t.Elts
		} else {
			elts = e.(*List).Elts
			kind = ValList
		}
		out := make([]Value, len(elts))
		for i, x := range elts {
			out[i] = f.literalValue(x)
			if !out[i].IsLiteral() {
				return Value{}
			}
		}
		return Value{Kind: kind, Elems: out}
	}
	return Value{}
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// intLiteral converts a Python integer literal to decimal.
func intLiteral(s string) (string, bool) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	if len(s) > 1 && s[0] == '0' {
		switch s[1] | 0x20 {
		case 'x':
			base, s = 16, s[2:]
		case 'o':
			base, s = 8, s[2:]
		case 'b':
			base, s = 2, s[2:]
		}
	}
	if n, err := strconv.ParseUint(s, base, 64); err == nil {
		return strconv.FormatUint(n, 10), true
	}
	var z big.Int
	if _, ok := z.SetString(s, base); ok {
		return z.String(), true
	}
	return "", false
}

// StringValue returns the value of a string or bytes Constant: prefixes
// and quotes removed, escapes decoded, implicit concatenation joined. Bytes
// come back as a string of raw bytes.
func (f *File) StringValue(c *Constant) string {
	if len(c.Toks) == 1 {
		return decodeStringToken(f.Src[c.Toks[0].Start:c.Toks[0].End])
	}
	var b strings.Builder
	for _, t := range c.Toks {
		b.WriteString(decodeStringToken(f.Src[t.Start:t.End]))
	}
	return b.String()
}

func decodeStringToken(tok string) string {
	i := 0
	raw, isBytes := false, false
	for i < len(tok) && tok[i] != '\'' && tok[i] != '"' {
		switch tok[i] | 0x20 {
		case 'r':
			raw = true
		case 'b':
			isBytes = true
		}
		i++
	}
	body := tok[i:]
	q := 1
	if len(body) >= 6 && body[1] == body[0] && body[2] == body[0] {
		q = 3
	}
	if len(body) < 2*q {
		return ""
	}
	body = body[q : len(body)-q]
	if raw || strings.IndexByte(body, '\\') < 0 && strings.IndexByte(body, '\r') < 0 {
		if strings.IndexByte(body, '\r') >= 0 {
			body = normalizeNewlines(body)
		}
		return body
	}
	return unescape(normalizeNewlines(body), isBytes)
}

func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// unescape decodes Python backslash escapes. Unknown escapes are kept
// verbatim, as Python does. \N{...} is kept verbatim (no name table).
func unescape(s string, isBytes bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				n = n*8 + int(s[j]-'0')
				j++
			}
			i = j - 1
			writeCode(&b, n, isBytes)
		case 'x', 'u', 'U':
			width := 2
			switch e {
			case 'u':
				width = 4
			case 'U':
				width = 8
			}
			if isBytes && e != 'x' || i+width >= len(s) {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			n, err := strconv.ParseUint(s[i+1:i+1+width], 16, 32)
			if err != nil {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			i += width
			writeCode(&b, int(n), isBytes)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

func writeCode(b *strings.Builder, n int, isBytes bool) {
	if isBytes {
		b.WriteByte(byte(n))
		return
	}
	if n > utf8.MaxRune {
		b.WriteRune(utf8.RuneError)
		return
	}
	b.WriteRune(rune(n))
}
