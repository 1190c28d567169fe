package modes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// fakeSource is a project of modules given as source text; unreadable
// modules are in the project but cannot be analysed.
type fakeSource struct {
	views      map[string]*pysrc.View
	unreadable map[string]string
	model      *pysem.Model
}

func newFakeSource(mods map[string]string, unreadable map[string]string) *fakeSource {
	s := &fakeSource{views: map[string]*pysrc.View{}, unreadable: unreadable}
	for name, src := range mods {
		path := strings.ReplaceAll(name, ".", "/") + ".py"
		s.views[name] = pysrc.Analyze(pysrc.Parse(path, []byte(src)), name, false)
	}
	var root pysem.Root
	for _, v := range s.views {
		root.Modules = append(root.Modules, pysem.Summarize(v))
	}
	s.model = pysem.New([]pysem.Root{root})
	return s
}

func (s *fakeSource) Canonical(name string) string { return s.model.Canonical(name) }

func (s *fakeSource) View(m string) *pysrc.View  { return s.views[m] }
func (s *fakeSource) Has(m string) bool          { return s.views[m] != nil }
func (s *fakeSource) Outline(string) *Outline    { return nil }
func (s *fakeSource) Path(m string) string       { return strings.ReplaceAll(m, ".", "/") + ".py" }
func (s *fakeSource) Unreadable(m string) string { return s.unreadable[m] }

// chain builds n modules m0 … m(n-1), each importing the next; the last
// one runs last.
func chain(n int, last string) map[string]string {
	mods := map[string]string{}
	for i := 0; i < n-1; i++ {
		mods[fmt.Sprintf("m%d", i)] = fmt.Sprintf("import m%d\n", i+1)
	}
	mods[fmt.Sprintf("m%d", n-1)] = last
	return mods
}

// TestLimits checks that input built to exceed the interpreter's limits
// ends in a verdict, and that a verdict cut short while the mode was open
// is unknown with the limit and the place in the reason.
func TestLimits(t *testing.T) {
	patch := "import eventlet\neventlet.monkey_patch()\n"
	tests := []struct {
		name       string
		mods       map[string]string
		unreadable map[string]string
		wantMode   Mode
		wantReason []string
	}{
		{
			// More operands than evaluation steps (TestBoolOpFlat has the
			// 2.4 M operands that overflowed the stack).
			name:       "flat or chain",
			mods:       map[string]string{"m0": "x = a" + strings.Repeat(" or a", 500_000) + "\n" + patch},
			wantMode:   Unknown,
			wantReason: []string{"400000 evaluation steps", "m0.py:1"},
		},
		{
			name:       "statements before patching",
			mods:       map[string]string{"m0": strings.Repeat("x = 1\n", 25_000) + patch},
			wantMode:   Unknown,
			wantReason: []string{"20000 statements", "m0.py:20001"},
		},
		{
			// 1 M statements on one line, each a name lookup: a lookup
			// scanned the module (40 s).
			name:       "many lookups",
			mods:       map[string]string{"m0": strings.Repeat("a;", 1_000_000) + "\n" + patch},
			wantMode:   Unknown,
			wantReason: []string{"20000 statements", "m0.py:1"},
		},
		{
			name:       "patched before the budget ran out",
			mods:       map[string]string{"m0": patch + strings.Repeat("x = 1\n", 25_000)},
			wantMode:   EventletOnly,
			wantReason: []string{"after the mode of every path was decided"},
		},
		{
			name:       "import chain deeper than the nesting limit",
			mods:       chain(6000, patch),
			wantMode:   Unknown,
			wantReason: []string{"deeper than the interpreter's limit of 5000"},
		},
		{
			name:     "import chain within the limits",
			mods:     chain(100, patch),
			wantMode: EventletOnly,
		},
		{
			name: "more switches than worlds",
			mods: map[string]string{"m0": "import os\n" + func() string {
				var b strings.Builder
				for i := 0; i < 300; i++ {
					fmt.Fprintf(&b, "if os.environ.get('V%d') == 'x':\n    pass\n", i)
				}
				return b.String()
			}() + patch},
			wantMode:   Unknown,
			wantReason: []string{"limit of 256 worlds"},
		},
		{
			name:       "unreadable module on the path",
			mods:       map[string]string{"m0": "import m1\n"},
			unreadable: map[string]string{"m1": "binary file (NUL bytes)"},
			wantMode:   Unknown,
			wantReason: []string{"module m1 (m1.py) could not be analysed (binary file (NUL bytes))"},
		},
		{
			name:       "unreadable entry module",
			mods:       map[string]string{},
			unreadable: map[string]string{"m0": "too large"},
			wantMode:   Unknown,
			wantReason: []string{"module m0 (m0.py) could not be analysed: too large"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Infer(newFakeSource(tt.mods, tt.unreadable), "m0", "")
			if got.Mode != tt.wantMode {
				t.Errorf("Infer mode = %s (%s), want %s", got.Mode, got.Reason, tt.wantMode)
			}
			for _, w := range tt.wantReason {
				if !strings.Contains(got.Reason, w) {
					t.Errorf("Infer reason = %q, want it to contain %q", got.Reason, w)
				}
			}
			if tt.wantReason == nil && got.Reason != "" {
				t.Errorf("Infer reason = %q, want none", got.Reason)
			}
		})
	}
}

// TestBoolOpFlat evaluates and/or chains with no budget in the way: a
// chain of millions of operands must not recurse once per operand (2.4 M
// overflowed the stack), and every chain keeps the semantics of the short
// circuit.
func TestBoolOpFlat(t *testing.T) {
	tests := []struct {
		n    int
		src  string // the chain's head, repeated tail and end
		want int    // truth of the value
	}{
		{2_400_000, "a| or a| or True", 1},
		{10, "a| and a| and False", 0},
		{10, "False| or False| or a", -1},
		{10, "True| and True| and ''", 0},
		{10, "a| or False|", -1},
		{10, "a| or a| or ''", -1},
	}
	for _, tt := range tests {
		parts := strings.Split(tt.src, "|")
		code := "x = " + parts[0] + strings.Repeat(parts[1], tt.n) + parts[2] + "\n"
		src := newFakeSource(map[string]string{"m": code}, nil)
		in := newInterp(src)
		in.budget, in.steps = 1<<40, 1<<40
		e := src.View("m").File.Body[0].(*pysrc.Assign).Value
		w := &world{vars: map[string]*value{}, executed: map[string]bool{}, assume: map[string]*assumption{}}
		outs := in.eval("m", e, w, 0)
		if len(outs) != 1 || truth(outs[0].v) != tt.want {
			t.Errorf("eval(%q × %d) = %d values, want one of truth %d", tt.src, tt.n, len(outs), tt.want)
		}
	}
}

// TestBoolOpForks checks that an or of switch comparisons forks one world
// per outcome, in the order of the operands.
func TestBoolOpForks(t *testing.T) {
	src := newFakeSource(map[string]string{"m": "import os\nx = os.environ.get('A') == '1' or os.environ.get('B') == '1'\n"}, nil)
	in := newInterp(src)
	e := src.View("m").File.Body[1].(*pysrc.Assign).Value
	w := &world{vars: map[string]*value{"os": {kind: vRef, s: "os"}}, executed: map[string]bool{}, assume: map[string]*assumption{}}
	var got []string
	for _, o := range in.eval("m", e, w, 0) {
		a, b := "-", "-"
		if x := o.w.assume["env:A"]; x != nil && x.concrete {
			a = shown(x.value)
		}
		if x := o.w.assume["env:B"]; x != nil && x.concrete {
			b = shown(x.value)
		}
		got = append(got, fmt.Sprintf("A=%s B=%s %d", a, b, truth(o.v)))
	}
	want := `A=unset B=unset 0|A=unset B="1" 1|A=unset B=- 0|A="1" B=- 1|A=- B=unset 0|A=- B="1" 1|A=- B=- 0`
	if strings.Join(got, "|") != want {
		t.Errorf("worlds = %s, want %s", strings.Join(got, "|"), want)
	}
}
