package pysrc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits taken from CPython's tokenizer so that letgo rejects what CPython rejects
// and never recurses without bound.
const (
	maxParenDepth  = 200 // MAXLEVEL
	maxIndentDepth = 100 // MAXINDENT
	tabSize        = 8
)

// Error is a syntax error: where and what.
type Error struct {
	Pos Pos
	Msg string
}

// scanMode is one entry of the f-string mode stack.
type scanMode struct {
	literal    bool  // scanning literal text (body or format spec)
	formatSpec bool  // literal text of a format spec
	quote      byte  // closing quote character
	triple     bool  // closing quote is tripled
	raw        bool  // raw prefix: backslashes do not escape
	depth      int32 // paren depth inside the replacement field (expr modes)
}

type scanner struct {
	src      string
	pos      int
	toks     []Token
	comments []Comment
	errs     []Error

	indents    []int // column stack, indents[0] == 0
	altIndents []int // same with tab size 1, for TabError detection
	depth      int32 // bracket depth (replacement fields count)
	opens      []int // offsets of open brackets, for error messages
	lineStart  bool  // at the start of a logical line
	lineHasTok bool  // the current logical line produced a token
	modes      []scanMode

	// The first levels of the indentation stacks, in the scanner itself.
	indentBuf, altBuf [16]int
}

// tokenize splits src into tokens. It never fails: problems are recorded as
// errors and scanning continues.
func tokenize(src string) *scanner {
	s := &scanner{src: src, lineStart: true}
	s.indents, s.altIndents = s.indentBuf[:1:len(s.indentBuf)], s.altBuf[:1:len(s.altBuf)]
	s.toks = make([]Token, 0, len(src)/4+16)
	s.run()
	return s
}

func (s *scanner) errorf(pos int, msg string) {
	s.errs = append(s.errs, Error{Pos: Pos(pos), Msg: msg})
}

func (s *scanner) emit(k Kind, start, end int) {
	s.toks = append(s.toks, Token{Kind: k, Start: Pos(start), End: Pos(end)})
	s.lineHasTok = true
}

func (s *scanner) run() {
	src := s.src
	for {
		if n := len(s.modes); n > 0 && s.modes[n-1].literal {
			s.scanFStringText()
			continue
		}
		if s.lineStart && s.depth == 0 {
			if !s.indentation() {
				break
			}
		}
		if s.pos >= len(src) {
			break
		}
		c := src[s.pos]
		switch c {
		case ' ', '\t', '\f':
			s.pos++
			for s.pos < len(src) && src[s.pos] == ' ' {
				s.pos++
			}
			continue
		case '#':
			start := s.pos
			s.pos = lineEnd(src, s.pos)
			s.comments = append(s.comments, Comment{Pos(start), Pos(s.pos)})
			continue
		case '\n', '\r':
			start := s.pos
			s.newlineAt()
			if s.depth > 0 && len(s.modes) == 0 && s.continuationLine() {
				// Recovery: a line inside brackets that starts with a
				// statement keyword means a bracket was never closed.
				// Close them all here so the rest of the file parses.
				s.errorf(s.opens[0], "'"+s.src[s.opens[0]:s.opens[0]+1]+"' was never closed")
				s.depth = 0
				s.opens = s.opens[:0]
			}
			if s.depth == 0 && len(s.modes) == 0 {
				if s.lineHasTok {
					s.toks = append(s.toks, Token{Kind: Newline, Start: Pos(start), End: Pos(s.pos)})
				}
				s.lineStart = true
				s.lineHasTok = false
			}
			continue
		case '\\':
			s.pos++
			if s.pos < len(src) && (src[s.pos] == '\n' || src[s.pos] == '\r') {
				s.newlineAt()
				if s.pos >= len(src) {
					s.errorf(s.pos, "unexpected EOF while parsing")
				}
				continue
			}
			s.errorf(s.pos-1, "unexpected character after line continuation character")
			continue
		}
		start := s.pos
		switch byteClass[c] {
		case classIdent:
			s.scanNameOrString()
		case classDigit:
			s.scanNumber()
		case classDot:
			if s.pos+1 < len(src) && src[s.pos+1] >= '0' && src[s.pos+1] <= '9' {
				s.scanNumber()
			} else {
				s.scanOperator()
			}
		case classQuote:
			s.scanString(start, s.pos)
		case classHigh:
			r, size := utf8.DecodeRuneInString(src[s.pos:])
			if isIdentStartRune(r) {
				s.scanNameOrString()
			} else {
				if r == utf8.RuneError && size == 1 {
					s.errorf(s.pos, "invalid UTF-8 byte in source")
				} else {
					s.errorf(s.pos, "invalid character '"+string(r)+"' in source")
				}
				s.pos += size
				s.emit(Illegal, start, s.pos)
			}
		default:
			s.scanOperator()
		}
	}
	// End of input.
	if len(s.modes) > 0 {
		s.errorf(len(src), "unterminated f-string")
		s.modes = s.modes[:0]
	}
	if s.depth > 0 {
		s.errorf(len(src), "unexpected EOF: unclosed bracket")
	}
	if s.lineHasTok {
		s.toks = append(s.toks, Token{Kind: Newline, Start: Pos(len(src)), End: Pos(len(src))})
	}
	for len(s.indents) > 1 {
		s.indents = s.indents[:len(s.indents)-1]
		s.toks = append(s.toks, Token{Kind: Dedent, Start: Pos(len(src)), End: Pos(len(src))})
	}
	s.toks = append(s.toks, Token{Kind: EOF, Start: Pos(len(src)), End: Pos(len(src))})
}

// newlineAt consumes one line ending (\n, \r\n or \r) at s.pos.
func (s *scanner) newlineAt() {
	if s.src[s.pos] == '\r' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '\n' {
		s.pos += 2
		return
	}
	s.pos++
}

// indentation measures the indentation of a new logical line and emits
// INDENT/DEDENT tokens. Blank and comment-only lines are skipped whole.
// It reports false at end of input.
func (s *scanner) indentation() bool {
	src := s.src
	for {
		begin := s.pos // the start of a physical line
		col, alt := 0, 0
		for s.pos+8 <= len(src) && src[s.pos:s.pos+8] == "        " {
			col += 8
			alt += 8
			s.pos += 8
		}
		for s.pos < len(src) {
			switch src[s.pos] {
			case ' ':
				col++
				alt++
			case '\t':
				col = (col/tabSize + 1) * tabSize
				alt++
			case '\f':
				col, alt = 0, 0
			default:
				goto measured
			}
			s.pos++
		}
	measured:
		if s.pos >= len(src) {
			return false
		}
		switch src[s.pos] {
		case '#':
			start := s.pos
			s.pos = lineEnd(src, s.pos)
			s.comments = append(s.comments, Comment{Pos(start), Pos(s.pos)})
			if s.pos >= len(src) {
				return false
			}
			s.newlineAt()
			continue
		case '\n', '\r':
			s.newlineAt()
			continue
		case '\\':
			// A continuation line at the start of a logical line: CPython
			// measures the indentation of the first physical line.
			if s.pos+1 < len(src) && (src[s.pos+1] == '\n' || src[s.pos+1] == '\r') {
				if col == 0 && len(s.indents) == 1 {
					s.pos++
					s.newlineAt()
					continue
				}
			}
		}
		s.lineStart = false
		top := s.indents[len(s.indents)-1]
		switch {
		case col == top:
			if alt != s.altIndents[len(s.altIndents)-1] {
				s.errorf(s.pos, "inconsistent use of tabs and spaces in indentation")
			}
		case col > top:
			if len(s.indents) >= maxIndentDepth {
				s.errorf(s.pos, "too many levels of indentation")
			}
			if alt <= s.altIndents[len(s.altIndents)-1] {
				s.errorf(s.pos, "inconsistent use of tabs and spaces in indentation")
			}
			s.indents = append(s.indents, col)
			s.altIndents = append(s.altIndents, alt)
			s.toks = append(s.toks, Token{Kind: Indent, Start: Pos(begin), End: Pos(s.pos)})
		default:
			for len(s.indents) > 1 && col < s.indents[len(s.indents)-1] {
				s.indents = s.indents[:len(s.indents)-1]
				s.altIndents = s.altIndents[:len(s.altIndents)-1]
				s.toks = append(s.toks, Token{Kind: Dedent, Start: Pos(s.pos), End: Pos(s.pos)})
			}
			if col != s.indents[len(s.indents)-1] {
				s.errorf(s.pos, "unindent does not match any outer indentation level")
			} else if alt != s.altIndents[len(s.altIndents)-1] {
				s.errorf(s.pos, "inconsistent use of tabs and spaces in indentation")
			}
		}
		return true
	}
}

// lineEnd returns the offset of the first '\n' or '\r' at or after i, or
// len(src).
func lineEnd(src string, i int) int {
	rest := src[i:]
	n := strings.IndexByte(rest, '\n')
	if n < 0 {
		n = len(rest)
	}
	if r := strings.IndexByte(rest[:n], '\r'); r >= 0 {
		n = r
	}
	return i + n
}

func isIdentStartASCII(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isIdentASCII(c byte) bool {
	return isIdentStartASCII(c) || (c >= '0' && c <= '9')
}

func isIdentStartRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIdentRune(r rune) bool {
	return isIdentStartRune(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r) ||
		unicode.Is(unicode.Other_ID_Continue, r)
}

// Classes of the first byte of a token.
const (
	classOther = iota // an operator or an illegal character
	classIdent
	classDigit
	classDot
	classQuote
	classHigh // not ASCII
)

var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch b := byte(c); {
		case b >= 0x80:
			t[c] = classHigh
		case isIdentStartASCII(b):
			t[c] = classIdent
		case b >= '0' && b <= '9':
			t[c] = classDigit
		case b == '.':
			t[c] = classDot
		case b == '"' || b == '\'':
			t[c] = classQuote
		}
	}
	return t
}()

// scanNameOrString scans an identifier, a keyword, or a string whose prefix
// looks like an identifier (rb'..', f"..").
// identByte marks the ASCII bytes that continue an identifier (a table
// of all 256 bytes: indexing it needs no bounds check).
var identByte = func() (t [256]bool) {
	for c := range 128 {
		t[c] = isIdentASCII(byte(c))
	}
	return t
}()

func (s *scanner) scanNameOrString() {
	src := s.src
	start := s.pos
	// The position in a local, and a table for ASCII: names are most of
	// the tokens.
	pos := s.pos + identRun(src[s.pos:])
	for pos < len(src) && src[pos] >= 0x80 {
		r, size := utf8.DecodeRuneInString(src[pos:])
		if !isIdentRune(r) {
			break
		}
		pos += size
		pos += identRun(src[pos:])
	}
	s.pos = pos
	if n := s.pos - start; n <= 2 && s.pos < len(src) && (src[s.pos] == '"' || src[s.pos] == '\'') {
		if isStringPrefix(src[start:s.pos]) {
			s.scanString(start, s.pos)
			return
		}
	}
	s.emit(keywordKind(src[start:s.pos]), start, s.pos)
}

// identRun returns the length of the run of ASCII identifier bytes that
// b starts with.
func identRun(b string) int {
	n := 0
	for n < len(b) && identByte[b[n]] {
		n++
	}
	return n
}

func isStringPrefix(p string) bool {
	var r, b, u, f, t int
	for i := 0; i < len(p); i++ {
		switch p[i] | 0x20 {
		case 'r':
			r++
		case 'b':
			b++
		case 'u':
			u++
		case 'f':
			f++
		case 't':
			t++
		default:
			return false
		}
	}
	if r > 1 || b > 1 || u > 1 || f > 1 || t > 1 {
		return false
	}
	if u == 1 {
		return len(p) == 1
	}
	return b+f+t <= 1
}

// scanString scans a string starting at start whose quote is at q.
func (s *scanner) scanString(start, q int) {
	src := s.src
	raw, fmtStr := false, false
	for i := start; i < q; i++ {
		switch src[i] | 0x20 {
		case 'r':
			raw = true
		case 'f', 't':
			fmtStr = true
		}
	}
	quote := src[q]
	triple := q+2 < len(src) && src[q+1] == quote && src[q+2] == quote
	s.pos = q + 1
	if triple {
		s.pos = q + 3
	}
	if fmtStr {
		s.emit(FStringStart, start, s.pos)
		s.modes = append(s.modes, scanMode{literal: true, quote: quote, triple: triple, raw: raw})
		return
	}
	if triple {
		if s.scanTripleBody(quote) {
			s.emit(String, start, s.pos)
			return
		}
	} else {
		stop := &strStop[quote&1]
		for s.pos < len(src) {
			c := src[s.pos]
			if !stop[c] {
				s.pos++
				continue
			}
			switch c {
			case '\\':
				s.skipEscape()
				continue
			case quote:
				s.pos++
				s.emit(String, start, s.pos)
				return
			}
			// A line ending.
			s.errorf(start, "unterminated string literal")
			s.emit(String, start, s.pos)
			return
		}
	}
	if triple {
		s.errorf(start, "unterminated triple-quoted string literal")
	} else {
		s.errorf(start, "unterminated string literal")
	}
	s.emit(String, start, s.pos)
}

// strStop marks, for a string quoted with ' (index 1) or " (index 0),
// the bytes that end the plain run of a one-line string: its quote, a
// backslash and the line endings.
var strStop = func() (t [2][256]bool) {
	for _, q := range []byte{'\'', '"'} {
		for _, c := range []byte{q, '\\', '\n', '\r'} {
			t[q&1][c] = true
		}
	}
	return t
}()

// skipEscape skips the backslash at s.pos and the character it escapes (a
// \r\n line ending counts as one).
func (s *scanner) skipEscape() {
	src := s.src
	s.pos++
	if s.pos < len(src) {
		if src[s.pos] == '\r' && s.pos+1 < len(src) && src[s.pos+1] == '\n' {
			s.pos++
		}
		s.pos++
	}
}

// scanTripleBody scans the body of a triple-quoted string from s.pos and
// reports whether it found the closing quotes (s.pos is then after them,
// else at the end of input). It jumps from quote to quote, looking for
// backslashes only before the next quote, so each byte is looked at once.
func (s *scanner) scanTripleBody(quote byte) bool {
	src := s.src
	q := -1 // the next quote at or after s.pos
	for s.pos < len(src) {
		if q < s.pos {
			i := strings.IndexByte(src[s.pos:], quote)
			if i < 0 {
				s.pos = len(src)
				return false
			}
			q = s.pos + i
		}
		if b := strings.IndexByte(src[s.pos:q], '\\'); b >= 0 {
			s.pos += b
			s.skipEscape()
			continue
		}
		s.pos = q
		if s.pos+2 < len(src) && src[s.pos+1] == quote && src[s.pos+2] == quote {
			s.pos += 3
			return true
		}
		s.pos++
	}
	return false
}

// scanFStringText scans literal text of an f-string (body or format spec) up
// to a replacement field, the end of the format spec, or the closing quote.
func (s *scanner) scanFStringText() {
	src := s.src
	m := &s.modes[len(s.modes)-1]
	start := s.pos
	flush := func() {
		if s.pos > start {
			s.emit(FStringMiddle, start, s.pos)
		}
	}
	for s.pos < len(src) {
		c := src[s.pos]
		switch c {
		case '\\':
			if s.pos+1 < len(src) {
				n := src[s.pos+1]
				if n == '{' || n == '}' {
					s.pos++ // the brace is handled on its own
					continue
				}
				if !m.raw && n == 'N' && s.pos+2 < len(src) && src[s.pos+2] == '{' {
					s.pos += 3
					for s.pos < len(src) && src[s.pos] != '}' && src[s.pos] != m.quote && src[s.pos] != '\n' {
						s.pos++
					}
					if s.pos < len(src) && src[s.pos] == '}' {
						s.pos++
					}
					continue
				}
				s.pos += 2
				continue
			}
			s.pos++
		case '{':
			if !m.formatSpec && s.pos+1 < len(src) && src[s.pos+1] == '{' {
				s.pos += 2
				continue
			}
			flush()
			if s.depth >= maxParenDepth {
				s.errorf(s.pos, "too many nested parentheses")
			}
			s.emit(LBrace, s.pos, s.pos+1)
			s.pos++
			s.depth++
			// An expression mode on top of this literal mode; when the
			// field's '}' pops it, scanning resumes in this literal mode.
			s.modes = append(s.modes, scanMode{depth: s.depth, quote: m.quote, triple: m.triple})
			return
		case '}':
			if m.formatSpec {
				flush()
				s.modes = s.modes[:len(s.modes)-1] // back to the field's expr mode
				return
			}
			if s.pos+1 < len(src) && src[s.pos+1] == '}' {
				s.pos += 2
				continue
			}
			s.errorf(s.pos, "f-string: single '}' is not allowed")
			s.pos++
		case '\n', '\r':
			if !m.triple {
				flush()
				s.errorf(s.pos, "unterminated f-string literal")
				s.closeFString()
				return
			}
			s.pos++
		case '"', '\'':
			if c == m.quote && (!m.triple || (s.pos+2 < len(src) && src[s.pos+1] == c && src[s.pos+2] == c)) {
				flush()
				if m.formatSpec {
					s.errorf(s.pos, "f-string: expecting '}'")
				}
				s.closeFString()
				return
			}
			s.pos++
		default:
			s.pos++
		}
	}
	flush()
	s.errorf(len(src), "unterminated f-string literal")
	s.closeFString()
}

// closeFString ends the innermost f-string at s.pos (consuming its closing
// quote if present) and pops every mode that belongs to it.
func (s *scanner) closeFString() {
	// Pop format-spec and expression modes of unfinished fields.
	for len(s.modes) > 0 {
		m := s.modes[len(s.modes)-1]
		if m.literal && !m.formatSpec {
			break
		}
		if !m.literal {
			s.depth = m.depth - 1
		}
		s.modes = s.modes[:len(s.modes)-1]
	}
	if len(s.modes) == 0 {
		return
	}
	m := s.modes[len(s.modes)-1]
	s.modes = s.modes[:len(s.modes)-1]
	start := s.pos
	if s.pos < len(s.src) && s.src[s.pos] == m.quote {
		if m.triple {
			s.pos += 3
		} else {
			s.pos++
		}
	}
	s.emit(FStringEnd, start, s.pos)
}

func (s *scanner) scanNumber() {
	src := s.src
	start := s.pos
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' || c == '_' }
	if src[s.pos] == '0' && s.pos+1 < len(src) {
		switch src[s.pos+1] | 0x20 {
		case 'x', 'o', 'b':
			s.pos += 2
			for s.pos < len(src) && (isHex(src[s.pos]) || src[s.pos] == '_') {
				s.pos++
			}
			s.emit(Number, start, s.pos)
			return
		}
	}
	for s.pos < len(src) && isDigit(src[s.pos]) {
		s.pos++
	}
	if s.pos < len(src) && src[s.pos] == '.' {
		s.pos++
		for s.pos < len(src) && isDigit(src[s.pos]) {
			s.pos++
		}
	}
	if s.pos < len(src) && src[s.pos]|0x20 == 'e' {
		i := s.pos + 1
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i < len(src) && src[i] >= '0' && src[i] <= '9' {
			s.pos = i
			for s.pos < len(src) && isDigit(src[s.pos]) {
				s.pos++
			}
		}
	}
	if s.pos < len(src) && src[s.pos]|0x20 == 'j' {
		s.pos++
	}
	s.emit(Number, start, s.pos)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func (s *scanner) scanOperator() {
	src := s.src
	start := s.pos
	c := src[s.pos]
	at := func(i int) byte {
		if s.pos+i < len(src) {
			return src[s.pos+i]
		}
		return 0
	}
	// Inside a replacement field at its own depth, ':' starts the format
	// spec and '!' the conversion, whatever follows them.
	if n := len(s.modes); n > 0 && !s.modes[n-1].literal && s.depth == s.modes[n-1].depth {
		switch {
		case c == ':':
			s.pos++
			s.emit(Colon, start, s.pos)
			top := s.modes[n-1]
			s.modes = append(s.modes, scanMode{literal: true, formatSpec: true, quote: top.quote, triple: top.triple})
			return
		case c == '!' && at(1) != '=':
			s.pos++
			s.emit(Exclamation, start, s.pos)
			return
		case c == '}':
			s.pos++
			s.depth--
			s.emit(RBrace, start, s.pos)
			s.modes = s.modes[:n-1]
			return
		}
	}
	k, n := Illegal, 1
	switch c {
	case '(':
		k = LPar
	case ')':
		k = RPar
	case '[':
		k = LSqb
	case ']':
		k = RSqb
	case '{':
		k = LBrace
	case '}':
		k = RBrace
	case ',':
		k = Comma
	case ';':
		k = Semi
	case '~':
		k = Tilde
	case ':':
		k = Colon
		if at(1) == '=' {
			k, n = ColonEqual, 2
		}
	case '+':
		k = Plus
		if at(1) == '=' {
			k, n = PlusEqual, 2
		}
	case '-':
		k = Minus
		if at(1) == '=' {
			k, n = MinEqual, 2
		} else if at(1) == '>' {
			k, n = RArrow, 2
		}
	case '*':
		k = Star
		if at(1) == '*' {
			k, n = DoubleStar, 2
			if at(2) == '=' {
				k, n = DoubleStarEqual, 3
			}
		} else if at(1) == '=' {
			k, n = StarEqual, 2
		}
	case '/':
		k = Slash
		if at(1) == '/' {
			k, n = DoubleSlash, 2
			if at(2) == '=' {
				k, n = DoubleSlashEqual, 3
			}
		} else if at(1) == '=' {
			k, n = SlashEqual, 2
		}
	case '|':
		k = VBar
		if at(1) == '=' {
			k, n = VBarEqual, 2
		}
	case '&':
		k = Amper
		if at(1) == '=' {
			k, n = AmperEqual, 2
		}
	case '<':
		k = Less
		switch at(1) {
		case '=':
			k, n = LessEqual, 2
		case '<':
			k, n = LeftShift, 2
			if at(2) == '=' {
				k, n = LeftShiftEqual, 3
			}
		case '>':
			k, n = NotEqual, 2 // PEP 401 barry_as_FLUFL spelling; rejected by the parser
		}
	case '>':
		k = Greater
		switch at(1) {
		case '=':
			k, n = GreaterEqual, 2
		case '>':
			k, n = RightShift, 2
			if at(2) == '=' {
				k, n = RightShiftEqual, 3
			}
		}
	case '=':
		k = Equal
		if at(1) == '=' {
			k, n = EqEqual, 2
		}
	case '.':
		k = Dot
		if at(1) == '.' && at(2) == '.' {
			k, n = Ellipsis, 3
		}
	case '%':
		k = Percent
		if at(1) == '=' {
			k, n = PercentEqual, 2
		}
	case '^':
		k = Circumflex
		if at(1) == '=' {
			k, n = CircumflexEqual, 2
		}
	case '@':
		k = At
		if at(1) == '=' {
			k, n = AtEqual, 2
		}
	case '!':
		k = Exclamation
		if at(1) == '=' {
			k, n = NotEqual, 2
		}
	}
	s.pos += n
	switch k {
	case LPar, LSqb, LBrace:
		if s.depth >= maxParenDepth {
			s.errorf(start, "too many nested parentheses")
		}
		s.depth++
		if len(s.modes) == 0 {
			s.opens = append(s.opens, start)
		}
	case RPar, RSqb, RBrace:
		if s.depth > 0 {
			if m := len(s.modes); m == 0 || s.depth > s.modes[m-1].depth {
				s.depth--
				if m == 0 && len(s.opens) > 0 {
					s.opens = s.opens[:len(s.opens)-1]
				}
			}
		}
	case Illegal:
		s.errorf(start, "invalid character '"+string(c)+"' in source")
	}
	s.emit(k, start, s.pos)
}

// continuationLine is called at the start of a line inside brackets. It
// reports whether the line begins with a keyword that can only start a
// statement, never continue an expression (a bracket was never closed);
// otherwise it skips the line's leading white space, which inside brackets
// means nothing.
func (s *scanner) continuationLine() bool {
	i := s.pos
	for i+8 <= len(s.src) && s.src[i:i+8] == "        " {
		i += 8
	}
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t' || s.src[i] == '\f') {
		i++
	}
	if s.startsStatement(i) {
		return true
	}
	s.pos = i
	return false
}

// startsStatement reports whether the text at i begins with a keyword
// that can only start a statement, never continue an expression.
func (s *scanner) startsStatement(i int) bool {
	if i >= len(s.src) || s.src[i] < 'a' || s.src[i] > 'w' {
		return false
	}
	j := i
	for j < len(s.src) && isIdentASCII(s.src[j]) {
		j++
	}
	switch s.src[i:j] {
	case "def", "class", "import", "return", "pass", "raise", "try", "while", "with", "del",
		"global", "nonlocal", "assert", "break", "continue", "elif", "except", "finally":
		return j == len(s.src) || !isIdentASCII(s.src[j])
	}
	return false
}
