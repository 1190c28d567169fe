package textsafe

import (
	"testing"
	"unicode/utf8"
)

func TestLineAndText(t *testing.T) {
	tests := []struct {
		name, in, line, text string
	}{
		{"plain", "pkg/a.py", "pkg/a.py", "pkg/a.py"},
		{"non-ascii kept", "pkg/café_日本.py", "pkg/café_日本.py", "pkg/café_日本.py"},
		{"csi colour", "\x1b[31mevil.py", `\x1b[31mevil.py`, `\x1b[31mevil.py`},
		{"osc title with bel", "\x1b]0;owned\x07x", `\x1b]0;owned\x07x`, `\x1b]0;owned\x07x`},
		{"newline and tab", "a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"carriage return", "ok\rEVIL", `ok\rEVIL`, `ok\rEVIL`},
		{"del", "a\x7fb", `a\x7fb`, `a\x7fb`},
		{"nul", "a\x00b", `a\x00b`, `a\x00b`},
		{"c1 csi as a rune", "a\u009b31mb", `a\u009b31mb`, `a\u009b31mb`},
		{"c1 csi as a raw byte", "a\x9b31mb", `a\x9b31mb`, `a\x9b31mb`},
		{"invalid utf-8", "a\xffb", `a\xffb`, `a\xffb`},
		{"bidi override", "admin\u202e.py", `admin\u202e.py`, `admin\u202e.py`},
		{"bidi isolates", "\u2066x\u2069", `\u2066x\u2069`, `\u2066x\u2069`},
		{"next to bidi range kept", "\u2029\u2065\u206a", "\u2029\u2065\u206a", "\u2029\u2065\u206a"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.line {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
			}
			if got := Text(tt.in); got != tt.text {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.text)
			}
		})
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"a", "\x1b[31m", "a\u202eb", "\xff\x9b", "x\ny\tz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, out := range map[string]string{"Line": Line(s), "Text": Text(s)} {
			for i := 0; i < len(out); {
				r, n := utf8.DecodeRuneInString(out[i:])
				bad := r == utf8.RuneError && n == 1 || unsafeRune(r) || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f
				if name == "Line" && (r == '\n' || r == '\t') {
					bad = true
				}
				if bad {
					t.Fatalf("%s(%q) = %q: raw %q at %d", name, s, out, out[i:i+n], i)
				}
				i += n
			}
		}
	})
}
