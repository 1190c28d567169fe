package pysrc

import (
	"slices"
	"testing"
)

// TestCallSiteOf checks that every call node of a file finds its own call
// site, calls that start at one offset (a.b().c(), f(x)(y)) included, both
// by the binary search over the view's source order and through the map a
// view out of that order falls back to.
func TestCallSiteOf(t *testing.T) {
	src := "import a\n" +
		"a.b().c(d(e()))\n" +
		"f(x)(y)(z)\n" +
		"def g():\n" +
		"    return h(a.b().c())\n" +
		"class K(base()):\n" +
		"    x = [m(i) for i in n()]\n" +
		"lambda: p(q())\n"
	var nodes []*Call
	f := Parse("t.py", []byte(src))
	InspectAll(f.Body, func(n Node) bool {
		if c, ok := n.(*Call); ok {
			nodes = append(nodes, c)
		}
		return true
	})
	if len(nodes) < 15 {
		t.Fatalf("found %d calls, want at least 15", len(nodes))
	}
	for _, order := range []string{"source", "reversed"} {
		t.Run(order, func(t *testing.T) {
			v := Analyze(f, "t", false)
			if order == "reversed" {
				v.Calls = slices.Clone(v.Calls)
				slices.Reverse(v.Calls)
			}
			found := 0
			for _, c := range nodes {
				cs := v.CallSiteOf(c)
				if cs == nil {
					continue
				}
				found++
				if cs.Node != c {
					t.Errorf("CallSiteOf(%q) = site of %q", f.Text(c), f.Text(cs.Node))
				}
			}
			if found != len(v.Calls) {
				t.Errorf("found %d call sites, want %d (every call of the view)", found, len(v.Calls))
			}
			if v.CallSiteOf(&Call{Span: nodes[0].Span}) != nil {
				t.Errorf("CallSiteOf(a node of no view) != nil")
			}
			if v.CallSiteOf(nil) != nil {
				t.Errorf("CallSiteOf(nil) != nil")
			}
		})
	}
}
