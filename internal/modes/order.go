package modes

import (
	"strings"

	"github.com/letgo-dev/letgo/internal/tables"
)

// Kinds of object a module may create when it is imported.
const (
	// AtImportComponent is a component fetched from a backend registry
	// (oslo.service's get_component): the first fetch fixes the backend.
	AtImportComponent = "component"
	// AtImportNative is a native lock, event, queue, thread or thread
	// pool: monkey patching afterwards does not turn it green.
	AtImportNative = "native"
	// AtImportGreen is an eventlet primitive: it needs eventlet's hub.
	AtImportGreen = "green"
)

// nativeAtImport are stdlib constructors of native primitives.
var nativeAtImport = tables.NativeAtImport

// ImportTimeKind says what a call made while a module is imported
// creates (one of the AtImport kinds), or "" when it creates nothing that
// depends on the runtime selected.
func ImportTimeKind(name string) string {
	switch {
	case strings.HasSuffix(name, "backend.get_component"):
		return AtImportComponent
	case isEventletRuntime(name) && !strings.HasPrefix(name, "eventlet.monkey_patch"):
		return AtImportGreen
	}
	for _, n := range nativeAtImport {
		if name == n {
			return AtImportNative
		}
	}
	return ""
}

// Hazards are the kinds of import-time object a selection must come
// before: monkey patching must precede native primitives (they stay
// native); selecting threading must precede the first component fetched
// (it fixes the default backend) and any eventlet primitive.
func (s *Selection) Hazards() []string {
	switch {
	case s.Kind == EventPatch:
		return []string{AtImportNative}
	case s.Arg == "threading":
		return []string{AtImportComponent, AtImportGreen}
	}
	return nil
}
