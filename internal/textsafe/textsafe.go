// Package textsafe makes text from scanned repositories safe to print on a
// terminal. File names, entry-point names, metadata and the messages built
// from them come from repositories nobody vetted; printed raw, an escape
// sequence in a file name can rewrite the screen, retitle the window or hide
// a finding, and a bidi override can make a line read differently from what
// it is. Every text renderer passes such strings through Line or Text.
package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line returns s with every character a terminal would act on written as a
// visible escape: C0 controls (newline and tab included, so that a value
// stays on its line and in its column), DEL, C1 controls, the bidi
// embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
// and bytes that are not UTF-8. Other text is unchanged, and s is returned
// as is when there is nothing to escape.
func Line(s string) string { return escape(s, false) }

// Text is Line for text of several lines: newlines and tabs are kept, and
// everything else Line escapes is escaped.
func Text(s string) string { return escape(s, true) }

func escape(s string, keepLayout bool) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeByte(c, keepLayout) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeByte(c, keepLayout) {
				writeByteEscape(&b, c)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, c)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeByte(c byte, keepLayout bool) bool {
	if keepLayout && (c == '\n' || c == '\t') {
		return false
	}
	return c < 0x20 || c == 0x7f
}

func writeByteEscape(b *strings.Builder, c byte) {
	switch c {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		fmt.Fprintf(b, `\x%02x`, c)
	}
}

func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || // C1 controls, CSI (U+009B) among them
		r >= 0x202a && r <= 0x202e || // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069 // LRI, RLI, FSI, PDI
}
