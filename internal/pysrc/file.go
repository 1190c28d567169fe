package pysrc

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// File is one parsed Python source file: its tree, its comments, and the
// syntax errors found. A file with errors still has the tree of everything
// that parsed.
type File struct {
	Name     string
	Src      string // decoded UTF-8 source, BOM removed
	Body     []Stmt
	Comments []Comment
	Errors   []Error

	// pos answers Position (under its lock: a file's view is read by
	// several mode inferences at once).
	posMu sync.Mutex
	pos   positions
}

// positions finds the line of an offset by counting newlines from the
// last offset asked (a vectorised count, so far cheaper per byte than a
// table of every line start): most files are asked about a few offsets,
// mostly in order. A file asked to count more than twice its length, or
// one with carriage returns, gets the table of line starts instead.
type positions struct {
	ready   bool
	lines   []Pos // line starts, once built
	at      Pos   // the last offset counted to, within the source
	line    int   // newlines before at
	start   Pos   // the start of at's line
	counted int   // bytes counted so far
}

// Position is a 1-based line and 0-based UTF-8 byte column, as CPython's
// lineno and col_offset.
type Position struct {
	Line, Col int
}

var codingRE = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// Parse parses src. It never fails: problems are in File.Errors.
func Parse(name string, src []byte) *File { return parse(name, src, false) }

// ParseOwned is Parse for a caller that hands src over: the file's text
// is src itself when it needs no decoding, not a copy (the scan reads
// 44 MB per corpus and would copy all of it). src must not be modified
// afterwards.
func ParseOwned(name string, src []byte) *File { return parse(name, src, true) }

func parse(name string, src []byte, owned bool) *File {
	f := &File{Name: name}
	text, encErr := decodeSource(src, owned)
	f.Src = text
	if encErr != "" {
		f.Errors = append(f.Errors, Error{0, encErr})
	}
	if strings.IndexByte(text, 0) >= 0 {
		f.Errors = append(f.Errors, Error{Pos(strings.IndexByte(text, 0)), "source code cannot contain null bytes"})
		return f
	}
	if !utf8.ValidString(text) {
		i := 0
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		f.Errors = append(f.Errors, Error{Pos(i), "invalid UTF-8 in source"})
	}
	s := tokenize(text)
	f.Comments = s.comments
	var p parser
	p.init(text, s.toks)
	f.Body = p.parseModule()
	f.Errors = append(f.Errors, s.errs...)
	f.Errors = append(f.Errors, p.errs...)
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Pos < f.Errors[j].Pos })
	return f
}

// decodeSource strips a UTF-8 BOM and decodes Latin-1 family sources
// declared by a PEP 263 coding cookie.
func decodeSource(src []byte, owned bool) (string, string) {
	str := func(b []byte) string {
		if owned && len(b) > 0 {
			return unsafe.String(&b[0], len(b))
		}
		return string(b)
	}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		return str(src[3:]), ""
	}
	enc := cookie(src)
	switch enc {
	case "", "utf-8", "utf8", "utf_8", "ascii", "us-ascii":
		return str(src), ""
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso_8859_1", "l1", "iso-latin-1", "latin_1":
		var b strings.Builder
		b.Grow(len(src) + len(src)/8)
		for _, c := range src {
			b.WriteRune(rune(c))
		}
		return b.String(), ""
	}
	if utf8.Valid(src) {
		return str(src), ""
	}
	return string(src), "unsupported source encoding '" + enc + "'"
}

func cookie(src []byte) string {
	for line := 0; line < 2 && len(src) > 0; line++ {
		end := 0
		for end < len(src) && src[end] != '\n' && src[end] != '\r' {
			end++
		}
		l := src[:end]
		// The expression needs "coding" in the line: most lines are told
		// without running it.
		if bytes.Contains(l, []byte("coding")) {
			if m := codingRE.FindSubmatch(l); m != nil {
				return strings.ToLower(string(m[1]))
			}
		}
		trimmed := strings.TrimLeft(string(l), " \t\f")
		if trimmed != "" && trimmed[0] != '#' {
			return ""
		}
		if end < len(src) {
			end++
		}
		src = src[end:]
	}
	return ""
}

// Position converts a byte offset to a line and column.
func (f *File) Position(p Pos) Position {
	f.posMu.Lock()
	defer f.posMu.Unlock()
	ps, src := &f.pos, f.Src
	if !ps.ready {
		ps.ready = true
		if strings.IndexByte(src, '\r') >= 0 {
			ps.lines = lineStarts(src)
		}
	}
	if ps.lines == nil && p > 0 {
		q := min(p, Pos(len(src)))
		if d := int(q - ps.at); d >= 0 {
			ps.counted += d
		} else {
			ps.counted -= d
		}
		if ps.counted > 2*len(src) {
			ps.lines = lineStarts(src)
		} else {
			switch {
			case q > ps.at:
				part := src[ps.at:q]
				if n := strings.Count(part, "\n"); n > 0 {
					ps.line += n
					ps.start = ps.at + Pos(strings.LastIndexByte(part, '\n')) + 1
				}
			case q < ps.at:
				ps.line -= strings.Count(src[q:ps.at], "\n")
				ps.start = Pos(strings.LastIndexByte(src[:q], '\n') + 1)
			}
			ps.at = q
			return Position{Line: ps.line + 1, Col: int(p - ps.start)}
		}
	}
	if ps.lines == nil {
		return Position{Line: 1, Col: int(p)} // p <= 0: the first line
	}
	i := sort.Search(len(ps.lines), func(i int) bool { return ps.lines[i] > p }) - 1
	if i < 0 {
		i = 0
	}
	return Position{Line: i + 1, Col: int(p - ps.lines[i])}
}

// Text returns the source text of a node.
func (f *File) Text(n Node) string {
	s, e := n.Pos(), n.End()
	if s < 0 || e > Pos(len(f.Src)) || s > e {
		return ""
	}
	return f.Src[s:e]
}

func lineStarts(src string) []Pos {
	lines := make([]Pos, 1, len(src)/32+1)
	if strings.IndexByte(src, '\r') < 0 {
		off := 0
		for {
			i := strings.IndexByte(src[off:], '\n')
			if i < 0 {
				return lines
			}
			off += i + 1
			lines = append(lines, Pos(off))
		}
	}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			lines = append(lines, Pos(i+1))
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, Pos(i+1))
		}
	}
	return lines
}
