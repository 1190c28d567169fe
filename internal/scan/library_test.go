package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/modes"
)

// TestLibraryScale: a root with no services gets the library scale —
// eventlet required (a public module imports it unconditionally, or a hard
// requirement), optional (guarded imports, an extra) or gone — and the
// default of a backend registry where it has one; the stage stays null.
func TestLibraryScale(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string]string
		eventlet modes.LibraryVerdict
		backend  string
		evidence string // a substring of one piece of evidence
	}{
		{"public import", map[string]string{
			"setup.cfg":        "[metadata]\nname = lib\n",
			"lib/__init__.py":  "from lib import server\n",
			"lib/server.py":    "import eventlet\n",
			"lib/_private.py":  "",
			"requirements.txt": "oslo.config\n",
		}, "required", "", "lib > lib.server > eventlet"},
		{"hard requirement", map[string]string{
			"setup.cfg":        "[metadata]\nname = lib\n",
			"lib/__init__.py":  "",
			"requirements.txt": "eventlet>=0.30\n",
		}, "required", "", "requirement eventlet>=0.30"},
		{"guarded and an extra", map[string]string{
			"setup.cfg":       "[metadata]\nname = lib\n[extras]\ngreen =\n  eventlet>=0.30\n",
			"lib/__init__.py": "try:\n    import eventlet\nexcept ImportError:\n    eventlet = None\n",
		}, "optional", "", "in extra [green]"},
		{"private module only (near miss)", map[string]string{
			"setup.cfg":       "[metadata]\nname = lib\n",
			"lib/__init__.py": "",
			"lib/_green.py":   "import eventlet\n",
		}, "optional", "", "lib._green imports eventlet"},
		{"gone, with a threading default backend", map[string]string{
			"setup.cfg":               "[metadata]\nname = lib\n",
			"lib/__init__.py":         "",
			"lib/backend/__init__.py": "import enum\nimport importlib\n\n\nclass Kind(enum.Enum):\n    EVENTLET = 'eventlet'\n    THREADING = 'threading'\n\n\nDEFAULT_BACKEND = Kind.THREADING\n\n\ndef load(kind):\n    return importlib.import_module('lib.backend._' + kind.value)\n",
		}, "gone", "threading", ""},
		{"a default named like one without a registry (near miss)", map[string]string{
			"setup.cfg":       "[metadata]\nname = lib\n",
			"lib/__init__.py": "DEFAULT_BACKEND = 'eventlet'\n",
		}, "gone", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stage
			if st == nil || st.Stage != nil || st.Library == nil {
				t.Fatalf("stage = %+v, want null with a library verdict", st)
			}
			lib := st.Library
			if lib.Eventlet != tc.eventlet || lib.DefaultBackend != tc.backend {
				t.Errorf("library = %s, default backend %q; want %s, %q (evidence %+v)", lib.Eventlet, lib.DefaultBackend, tc.eventlet, tc.backend, lib.Evidence)
			}
			if tc.evidence != "" && !strings.Contains(evidenceTexts(lib.Evidence), tc.evidence) {
				t.Errorf("evidence %+v lacks %q", lib.Evidence, tc.evidence)
			}
			wantTimeline := "due:"
			if tc.eventlet == "gone" {
				wantTimeline = "on track"
			}
			if !strings.HasPrefix(lib.Timeline, wantTimeline) || !strings.Contains(lib.Timeline, "2027.2") {
				t.Errorf("timeline = %q, want %s against 2027.2", lib.Timeline, wantTimeline)
			}
		})
	}
}

func evidenceTexts(evs []modes.Evidence) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Text + "\n")
	}
	return b.String()
}
