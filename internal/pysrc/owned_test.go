package pysrc

import "testing"

// TestParseOwned checks that handing the buffer over changes nothing:
// the same text, errors and tree as Parse, for UTF-8, a BOM, Latin-1,
// an unknown encoding and an empty file.
func TestParseOwned(t *testing.T) {
	srcs := []string{
		"import eventlet\neventlet.spawn(f)\n",
		"\xEF\xBB\xBFx = 1\n",
		"# -*- coding: latin-1 -*-\ns = '\xe9'\n",
		"# coding: klingon\nx = 1\n",
		"",
		"def f(:\n",
	}
	for _, src := range srcs {
		a := Parse("m.py", []byte(src))
		b := ParseOwned("m.py", []byte(src))
		if a.Src != b.Src || len(a.Errors) != len(b.Errors) || len(a.Body) != len(b.Body) {
			t.Errorf("%q: Parse gives %q, %v, %d statements; ParseOwned %q, %v, %d", src, a.Src, a.Errors, len(a.Body), b.Src, b.Errors, len(b.Body))
		}
	}
}
