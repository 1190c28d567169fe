package modes

import (
	"reflect"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// outlineSource is a fakeSource that, with outline set, gives the
// modules' outlines as the scan does from its first pass, and counts the
// views the inference asks for.
type outlineSource struct {
	*fakeSource
	outline bool
	views   map[string]int
}

func (s *outlineSource) View(m string) *pysrc.View {
	s.views[m]++
	return s.fakeSource.View(m)
}

func (s *outlineSource) Outline(m string) *Outline {
	v := s.fakeSource.View(m)
	if !s.outline || v == nil {
		return nil
	}
	return OutlineOf(v)
}

// TestLookupsWithoutViews: the inference asks for the view of a module
// only when it runs or reads its code. A module imported by a world whose
// mode is decided, a module named by a dotted name for a function or
// class it does not define (a constant, an imported name), and a module
// named to a loader that defines no entry function are looked up without
// one; the verdicts are those the views give.
func TestLookupsWithoutViews(t *testing.T) {
	mods := map[string]string{
		"app": "import eventlet\neventlet.monkey_patch()\nimport heavy\nimport helpers\n\n\n" +
			"def main():\n    helpers.not_here()\n    helpers.x.Missing()\n    register(['plugins.a', 'plugins.b'])\n",
		"heavy":     "import threading\nthreading.Thread(target=print).start()\n",
		"helpers":   "from os import path as not_here\nx = 1\n\n\nclass Present:\n    pass\n",
		"plugins.a": "def helper():\n    pass\n",
		"plugins.b": "def main():\n    while True:\n        pass\n",
	}
	run := func(outline bool) (Result, KindResult, map[string]int) {
		src := &outlineSource{fakeSource: newFakeSource(mods, nil), outline: outline, views: map[string]int{}}
		r := Infer(src, "app", "main")
		k := ClassifyKind(src, "app", "main")
		return r, k, src.views
	}
	r0, k0, views0 := run(false)
	r1, k1, views1 := run(true)
	if !reflect.DeepEqual(r1, r0) {
		t.Errorf("Infer with outlines = %+v, want %+v (with views)", r1, r0)
	}
	if !reflect.DeepEqual(k1, k0) {
		t.Errorf("ClassifyKind with outlines = %+v, want %+v (with views)", k1, k0)
	}
	if k1.Kind != KindService {
		t.Errorf("ClassifyKind = %s, want %s (plugins.b's main loops)", k1.Kind, KindService)
	}
	for _, m := range []string{"heavy", "helpers", "plugins.a"} {
		if views1[m] != 0 {
			t.Errorf("views of %s asked with outlines = %d, want 0", m, views1[m])
		}
	}
	// The module an inference needs is still analysed; without outlines
	// the lookups above analyse their modules.
	if views1["plugins.b"] == 0 {
		t.Errorf("view of plugins.b not asked: its main is read")
	}
	for _, m := range []string{"helpers", "plugins.a"} {
		if views0[m] == 0 {
			t.Errorf("views of %s asked without outlines = 0: the test does not exercise the lookup", m)
		}
	}
}
