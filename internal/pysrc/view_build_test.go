package pysrc

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCalleeSpelling checks that a callee's dotted form and resolved name
// do not depend on how the source spells it (spaces, parentheses, line
// continuations, comments), whether the view takes them from the source or
// builds them.
func TestCalleeSpelling(t *testing.T) {
	tests := []struct {
		name, call           string
		callee, resolved, ch string
	}{
		{"plain", "m.a.b()", "m.a.b", "pkg.m.a.b", ""},
		{"spaces", "m . a .b()", "m.a.b", "pkg.m.a.b", ""},
		{"parenthesised head", "(m).a.b()", "m.a.b", "pkg.m.a.b", ""},
		{"parenthesised middle", "(m.a).b()", "m.a.b", "pkg.m.a.b", ""},
		{"continuation", "m.a \\\n    .b()", "m.a.b", "pkg.m.a.b", ""},
		{"comment", "(m.a  # why\n .b)()", "m.a.b", "pkg.m.a.b", ""},
		{"import as itself", "os.path.join()", "os.path.join", "os.path.join", ""},
		{"chain", "m.f(1).g()", "?.g", "", "pkg.m.f().g"},
		{"chain spaced", "m.f( x ) . g()", "?.g", "", "pkg.m.f().g"},
		{"unresolved", "x.y()", "x.y", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "import os\nfrom pkg import m\n" + tt.call + "\n"
			v := analyze(t, "mod", false, src)
			cs := v.Calls[0] // the outermost call, the longest
			for _, c := range v.Calls {
				if c.Node.End() > cs.Node.End() {
					cs = c
				}
			}
			got := []string{cs.Callee, cs.Resolved, cs.Chain}
			if diff := cmp.Diff([]string{tt.callee, tt.resolved, tt.ch}, got); diff != "" {
				t.Errorf("call %q: callee, resolved, chain (-want +got):\n%s", tt.call, diff)
			}
		})
	}
}

// TestArgsDoNotShareCapacity checks that the argument values of calls,
// cut from one backing array, cannot be overwritten through an append to
// a neighbour's.
func TestArgsDoNotShareCapacity(t *testing.T) {
	v := analyze(t, "mod", false, "f(1, 2)\ng(3)\nh(x=4)\nk(y=5)\n")
	if len(v.Calls) != 4 {
		t.Fatalf("got %d calls, want 4", len(v.Calls))
	}
	_ = append(v.Calls[0].Args, Value{Kind: ValStr, Str: "clobber"})
	if got := v.Calls[1].Args[0].Str; got != "3" {
		t.Errorf("g's argument after an append to f's = %q, want %q", got, "3")
	}
	_ = append(v.Calls[2].Keywords, KeywordValue{Name: "clobber"})
	if got := v.Calls[3].Keywords[0].Name; got != "y" {
		t.Errorf("k's keyword after an append to h's = %q, want %q", got, "y")
	}
	if a := v.Calls[2].Args; a == nil || len(a) != 0 {
		t.Errorf("h's arguments = %#v, want empty and not nil", a)
	}
}

type posItem struct {
	pos Pos
	id  int
}

// TestSortByPos checks the run-merging sort against a stable sort with a
// comparison function, on lists made of sorted runs, ties and disorder.
func TestSortByPos(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gens := map[string]func(n int) []Pos{
		"sorted": func(n int) []Pos {
			out := make([]Pos, n)
			for i := range out {
				out[i] = Pos(i * 3)
			}
			return out
		},
		"runs": func(n int) []Pos {
			out := make([]Pos, n)
			p := Pos(0)
			for i := range out {
				if r.Intn(7) == 0 {
					p = Pos(r.Intn(4 * n))
				}
				p += Pos(r.Intn(3))
				out[i] = p
			}
			return out
		},
		"ties": func(n int) []Pos {
			out := make([]Pos, n)
			for i := range out {
				out[i] = Pos(r.Intn(4))
			}
			return out
		},
		"random with negatives": func(n int) []Pos {
			out := make([]Pos, n)
			for i := range out {
				out[i] = Pos(r.Intn(200) - 100)
			}
			return out
		},
		"descending": func(n int) []Pos {
			out := make([]Pos, n)
			for i := range out {
				out[i] = Pos(n - i)
			}
			return out
		},
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 3, 17, 100, 1000} {
			items := make([]*posItem, n)
			for i, p := range gen(n) {
				items[i] = &posItem{p, i}
			}
			want := slices.Clone(items)
			slices.SortStableFunc(want, func(a, b *posItem) int { return int(a.pos) - int(b.pos) })
			sortByPos(items, func(x *posItem) Pos { return x.pos })
			if !slices.Equal(items, want) {
				t.Errorf("%s, n=%d: sortByPos differs from a stable sort", name, n)
			}
		}
	}
}

// TestLargeScopes checks that name resolution is the same in a scope kept
// as a list and in one that outgrew it (kept by name).
func TestLargeScopes(t *testing.T) {
	for _, n := range []int{1, fewBindings - 1, fewBindings, fewBindings + 1, 3 * fewBindings} {
		var b strings.Builder
		b.WriteString("def f():\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    import m%d as v%d\n", i, i)
		}
		fmt.Fprintf(&b, "    v0.call()\n    import late as v0\n    v0.call()\n    v%d.call()\n", n-1)
		v := analyze(t, "mod", false, b.String())
		var got []string
		for _, c := range v.Calls {
			got = append(got, c.Resolved)
		}
		want := []string{"m0.call", "late.call", fmt.Sprintf("m%d.call", n-1)}
		if n == 1 {
			want[2] = "late.call"
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d bindings: resolved (-want +got):\n%s", n, diff)
		}
	}
}
