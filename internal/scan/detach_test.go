package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// TestDetachModes checks that an entry point's mode keeps no string that
// points into the buffer its evidence was cut from (a parsed file's
// source), and that the values are unchanged.
func TestDetachModes(t *testing.T) {
	src := strings.Repeat("x", 1<<16) + "eventlet.monkey_patch() nova/cmd/api.py OS_EVENTLET threading"
	cut := func(s string) string { i := strings.Index(src, s); return src[i : i+len(s)] }
	ev := modes.Evidence{Path: cut("nova/cmd/api.py"), Line: 3, Text: cut("eventlet.monkey_patch()")}
	ep := contract.EntryPoint{
		ModeEvidence: []modes.Evidence{ev}, KindEvidence: []modes.Evidence{ev}, LoadsEventletVia: []modes.Evidence{ev},
		ModeReason: cut("threading"), KindReason: cut("threading"),
		Switch:    modes.Switch{Env: cut("OS_EVENTLET"), Default: cut("threading"), Values: map[string][]string{cut("threading"): {cut("threading")}}},
		Selection: &modes.Selection{Arg: cut("threading"), At: ev, Before: []modes.Imported{{Module: cut("nova/cmd/api.py"), At: ev}}, Running: []string{cut("threading")}},
	}
	want := ep
	want.Selection = &modes.Selection{}
	*want.Selection = *ep.Selection
	shared := ep.ModeEvidence
	detachModes(&ep)
	if diff := cmp.Diff(want, ep); diff != "" {
		t.Errorf("detachModes changed the values (-want +got):\n%s", diff)
	}
	if &shared[0] == &ep.ModeEvidence[0] {
		t.Error("detachModes rewrote the evidence slice in place (a cached result may share it)")
	}
	lo := uintptr(unsafe.Pointer(unsafe.StringData(src)))
	hi := lo + uintptr(len(src))
	in := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= lo && p < hi
	}
	strs := []string{ep.ModeReason, ep.KindReason, ep.Switch.Env, ep.Switch.Default, ep.Selection.Arg, ep.Selection.Running[0],
		ep.Selection.At.Text, ep.Selection.Before[0].Module, ep.Selection.Before[0].At.Path}
	for _, evs := range [][]modes.Evidence{ep.ModeEvidence, ep.KindEvidence, ep.LoadsEventletVia} {
		strs = append(strs, evs[0].Path, evs[0].Text)
	}
	for k, vs := range ep.Switch.Values {
		strs = append(strs, k)
		strs = append(strs, vs...)
	}
	for _, s := range strs {
		if in(s) {
			t.Errorf("detachModes kept %q in the source buffer", s)
		}
	}
}

// TestImportedInRoots checks that a file's first pass keeps, for the
// second pass's decision, only the imports of modules of the scanned roots
// (the only ones the model can rewrite), and all of them.
func TestImportedInRoots(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pkg", "mod.py")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	code := "import os\nimport pkg.util\nfrom pkg.sub import a, b\nfrom eventlet import green\nfrom oslo_service import service\n"
	if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &pyproj.File{Path: "pkg/mod.py", Abs: path, Module: "pkg.mod", Python: true, Kind: pyproj.KindRuntime}
	tops := &topNames{set: map[string]bool{"pkg": true, "oslo_service": true}}
	r := scanFile(&pyproj.Project{Root: dir}, f, nil, nil, nil, tops)
	got := slices.Clone(r.imported)
	slices.Sort(got)
	want := []string{"oslo_service", "oslo_service.service", "pkg.sub", "pkg.sub.a", "pkg.sub.b", "pkg.util", "pkg.util.pkg.util"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
}
