package modes

import (
	"slices"
	"strings"
	"testing"
)

// TestModeClosedSet checks that the verdict is always one of Modes: a
// backend letgo does not know is unknown (with the backend named), never
// passed through as a mode, and a default on threading whose other paths
// run nothing is threading only.
func TestModeClosedSet(t *testing.T) {
	cases := []struct {
		name, src string
		want      Mode
		reason    string
	}{
		{"foreign backend", `
from oslo_service import backend
backend.init_backend(backend.BackendType.ASYNCIO)
`, Unknown, `"asyncio"`},
		{"foreign backend behind a switch", `
import os
from oslo_service import backend
if os.environ.get("SVC_BACKEND") == "other":
    backend.init_backend(backend.BackendType.ASYNCIO)
else:
    backend.init_backend(backend.BackendType.EVENTLET)
`, Unknown, `"asyncio"`},
		{"threading or nothing", `
import os
from oslo_service import backend
if os.environ.get("SVC_NOTHING") == "1":
    pass
else:
    backend.init_backend(backend.BackendType.THREADING)
`, ThreadingOnly, ""},
		{"near miss: eventlet or threading", `
import os
from oslo_service import backend
if os.environ.get("SVC_THREADS") == "1":
    backend.init_backend(backend.BackendType.THREADING)
else:
    backend.init_backend(backend.BackendType.EVENTLET)
`, DualDefaultEventlet, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Infer(newFakeSource(map[string]string{"svc": c.src}, nil), "svc", "")
			if !slices.Contains(Modes, r.Mode) {
				t.Fatalf("mode %q is not one of Modes", r.Mode)
			}
			if r.Mode != c.want || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("mode %s (%q), want %s with a reason containing %q", r.Mode, r.Reason, c.want, c.reason)
			}
		})
	}
}
