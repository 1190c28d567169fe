package pysrc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc/pygen"
)

// fuzzSeeds adds the fixtures and a few generated files to a fuzz corpus.
func fuzzSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "py", "*.py"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for i := uint64(0); i < 4; i++ {
		f.Add([]byte(pygen.File(pygen.Config{Minor: 14, Stmts: 8}, i)))
	}
	for _, s := range []string{"", "(", "f'{", "f'{x:{y:{z}}}'", "\\\n", "if x:\n\tpass\n  pass", "match x:\n case", "t'{a!r}'"} {
		f.Add([]byte(s))
	}
}

// FuzzTokenize checks that the tokenizer terminates, never panics, and
// produces well-formed token spans ending with EOF.
func FuzzTokenize(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		s := tokenize(string(src))
		if len(s.toks) == 0 || s.toks[len(s.toks)-1].Kind != EOF {
			t.Fatalf("token stream does not end with EOF")
		}
		prev := Pos(0)
		for _, tok := range s.toks {
			if tok.Start > tok.End || tok.End > Pos(len(src)) || tok.Start < 0 {
				t.Fatalf("bad span %v in %d bytes", tok, len(src))
			}
			if tok.Kind != Dedent && tok.Kind != Indent && tok.Kind != Newline && tok.Kind != EOF && tok.Start < prev {
				t.Fatalf("token %v starts before the previous token ended (%d)", tok, prev)
			}
			if tok.End > prev {
				prev = tok.End
			}
		}
	})
}

// FuzzParse checks that parsing and analysis never panic and that every
// node lies within the source.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse("fuzz.py", src)
		n := Pos(len(file.Src))
		InspectAll(file.Body, func(node Node) bool {
			if node.Pos() < 0 || node.End() > n || node.Pos() > node.End() {
				t.Fatalf("node %T span [%d,%d) outside source of %d bytes", node, node.Pos(), node.End(), n)
			}
			return true
		})
		v := Analyze(file, "pkg.mod", false)
		for _, c := range v.Calls {
			_ = file.Position(c.Node.Pos())
		}
	})
}
