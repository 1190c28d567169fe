package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestModesLibraryFixEndToEnd: letgo modes with a library root whose
// module fetches a backend component at import. The service that imports
// it before init_backend(THREADING) is unknown (the selection raises),
// the one whose hook comes later runs on eventlet and loads it through
// the library's eventlet backend; the one that selects first stays
// threading-only and eventlet-free.
func TestModesLibraryFixEndToEnd(t *testing.T) {
	dir := t.TempDir()
	svc, lib := filepath.Join(dir, "svc"), filepath.Join(dir, "lib")
	write(t, svc, "setup.cfg", "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-late = svc.late:main\n    svc-hook = svc.hook:main\n    svc-early = svc.early:main\n")
	write(t, svc, "svc/__init__.py", "")
	write(t, svc, "svc/conf.py", "from lib import backend\n\nbackend.register_backend_default_hook(lambda: backend.BackendType.THREADING)\n")
	write(t, svc, "svc/late.py", "from lib import backend\nfrom lib import service\n\n\ndef main():\n    backend.init_backend(backend.BackendType.THREADING)\n    while True:\n        service.launch()\n")
	write(t, svc, "svc/hook.py", "from lib import service\nfrom svc import conf  # noqa: F401\n\n\ndef main():\n    while True:\n        service.launch()\n")
	write(t, svc, "svc/early.py", "from lib import backend\nbackend.init_backend(backend.BackendType.THREADING)\nfrom lib import service  # noqa: E402\n\n\ndef main():\n    while True:\n        service.launch()\n")
	write(t, lib, "setup.cfg", "[metadata]\nname = lib\n")
	write(t, lib, "lib/__init__.py", "")
	write(t, lib, "lib/backend/__init__.py", "import enum\n\n\nclass BackendType(enum.Enum):\n    EVENTLET = 'eventlet'\n    THREADING = 'threading'\n\n\nDEFAULT_BACKEND = BackendType.EVENTLET\n\n\ndef init_backend(type_):\n    pass\n\n\ndef register_backend_default_hook(hook):\n    pass\n\n\ndef get_component(name):\n    return name\n")
	write(t, lib, "lib/backend/_eventlet.py", "import eventlet\n")
	write(t, lib, "lib/service.py", "from lib.backend import get_component\n\nlaunch = get_component('launch')\n")

	out, errOut, code := run(t, "modes", svc, "--with", lib, "--format", "json")
	if code != ExitClean {
		t.Fatalf("modes exit %d: %s", code, errOut)
	}
	var doc struct {
		EntryPoints []struct {
			Name, Mode, Eventlet string
			Reason               string `json:"mode_reason"`
		} `json:"entrypoints"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("modes json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, e := range doc.EntryPoints {
		got[e.Name] = e.Mode + " " + e.Eventlet
		if e.Name == "svc-late" && !strings.Contains(e.Reason, "raises BackendAlreadySelected: importing lib.service at svc/late.py:2 fixed the backend to eventlet first") {
			t.Errorf("svc-late reason %q, want the raise and the import that fixed the backend", e.Reason)
		}
	}
	want := map[string]string{"svc-late": "unknown unconditional", "svc-hook": "eventlet-only unconditional", "svc-early": "threading-only none"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s = %q, want %q", name, got[name], w)
		}
	}
	out, _, _ = run(t, "modes", svc, "--with", lib)
	if !strings.Contains(out, "1 of 3 services default to threading") || !strings.Contains(out, "stage 0 (eventlet only)") {
		t.Errorf("modes text summary:\n%s", out)
	}
}
