package pysrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListsPop(t *testing.T) {
	var l lists[int]
	outer := l.mark()
	l.push(1)
	l.push(2)
	inner := l.mark()
	for i := range 3 {
		l.push(10 + i)
	}
	in := l.pop(inner)
	l.push(3)
	out := l.pop(outer)
	if diff := cmp.Diff([]int{10, 11, 12}, in); diff != "" {
		t.Errorf("inner list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 2, 3}, out); diff != "" {
		t.Errorf("outer list (-want +got):\n%s", diff)
	}
	if l.mark() != 0 {
		t.Errorf("stack holds %d elements after the last pop, want 0", l.mark())
	}
	// A list's capacity is its length: appending to it must not write
	// into the list carved next to it.
	if cap(in) != len(in) || cap(out) != len(out) {
		t.Errorf("cap(in), cap(out) = %d, %d, want %d, %d", cap(in), cap(out), len(in), len(out))
	}
	_ = append(in, 99)
	if out[0] != 1 {
		t.Errorf("append to one list changed the next: out[0] = %d, want 1", out[0])
	}
	if got := l.pop(l.mark()); got != nil {
		t.Errorf("pop of an empty list = %#v, want nil", got)
	}
	// Lists longer than a chunk's share get their own array.
	base := l.mark()
	for i := range 200 {
		l.push(i)
	}
	if long := l.pop(base); len(long) != 200 || long[199] != 199 {
		t.Errorf("long list: len %d, last %d, want 200, 199", len(long), long[len(long)-1])
	}
}

func TestSlabPointersStable(t *testing.T) {
	var s slab[NameExpr]
	var ptrs []*NameExpr
	for i := range 1000 {
		n := s.alloc()
		n.Start = Pos(i)
		ptrs = append(ptrs, n)
	}
	for i, n := range ptrs {
		if n.Start != Pos(i) {
			t.Fatalf("node %d has Start %d after later allocations, want %d", i, n.Start, i)
		}
	}
}

// TestRecoveryDropsAbandonedLists checks that a statement abandoned by a
// syntax error leaves nothing on the list stacks for the next statements.
func TestRecoveryDropsAbandonedLists(t *testing.T) {
	for _, src := range []string{
		"f(a, b, c d)\ng(x, y)\n",
		"a = 1; f(a b)\ng(x, y)\n", // the line's first statement goes with it, as in CPython's recovery
		"f(a, k=1, *)\ng(x, y)\n",
		"d = {1: 2, 3: }\ng(x, y)\n",
		"def f(a, b, /, c, *, d e): pass\ng(x, y)\n",
		"if a < b < : pass\ng(x, y)\n",
		"with (a as b, c d): pass\ng(x, y)\n",
	} {
		t.Run(src, func(t *testing.T) {
			f := Parse("t.py", []byte(src))
			if len(f.Errors) == 0 {
				t.Fatalf("Parse(%q): no syntax error", src)
			}
			if len(f.Body) != 2 {
				t.Fatalf("Parse(%q): %d statements, want 2", src, len(f.Body))
			}
			if _, ok := f.Body[0].(*BadStmt); !ok {
				t.Errorf("Parse(%q): first statement %T, want *BadStmt", src, f.Body[0])
			}
			es, ok := f.Body[1].(*ExprStmt)
			if !ok {
				t.Fatalf("Parse(%q): second statement %T, want *ExprStmt", src, f.Body[1])
			}
			call := es.X.(*Call)
			var args []string
			for _, a := range call.Args {
				args = append(args, f.Text(a))
			}
			if diff := cmp.Diff([]string{"x", "y"}, args); diff != "" {
				t.Errorf("Parse(%q): arguments of g (-want +got):\n%s", src, diff)
			}
		})
	}
}

func TestDictKeysAndValues(t *testing.T) {
	f := Parse("t.py", []byte("d = {'a': 1, **m, 'b': [2, 3], **n}\n"))
	d := f.Body[0].(*Assign).Value.(*Dict)
	text := func(xs []Expr) []string {
		var out []string
		for _, x := range xs {
			if x == nil {
				out = append(out, "<nil>")
				continue
			}
			out = append(out, f.Text(x))
		}
		return out
	}
	if diff := cmp.Diff([]string{"'a'", "<nil>", "'b'", "<nil>"}, text(d.Keys)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1", "m", "[2, 3]", "n"}, text(d.Values)); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}
