package modes

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// LibraryVerdict is a library's verdict on eventlet: one of
// LibraryVerdicts.
type LibraryVerdict string

// Library verdicts on eventlet.
const (
	LibraryRequired LibraryVerdict = "required"
	LibraryOptional LibraryVerdict = "optional"
	LibraryGone     LibraryVerdict = "gone"
)

// LibraryVerdicts is the closed set of library verdicts.
var LibraryVerdicts = []LibraryVerdict{LibraryRequired, LibraryOptional, LibraryGone}

// DefaultBackend finds where a module selects a concurrency backend by
// default: a module-level DEFAULT…BACKEND… name assigned a backend, beside
// a registry of backends (an enum-like class with two or more string
// members, or backend modules loaded by importlib.import_module). The
// backend is the member's string value (BackendType.EVENTLET =
// "eventlet") or the literal assigned. ok is false when the module has no
// such shape.
func DefaultBackend(v *pysrc.View) (backend string, ev Evidence, ok bool) {
	classes := map[string]map[string]string{} // class → member → string value
	for _, s := range v.File.Body {
		c, isClass := s.(*pysrc.ClassDef)
		if !isClass {
			continue
		}
		members := map[string]string{}
		for _, b := range c.Body {
			if a, ok := b.(*pysrc.Assign); ok && len(a.Targets) == 1 {
				n, isName := a.Targets[0].(*pysrc.NameExpr)
				k, isConst := a.Value.(*pysrc.Constant)
				if isName && isConst && k.Kind == pysrc.ConstStr {
					members[n.ID] = v.File.StringValue(k)
				}
			}
		}
		if len(members) >= 2 {
			classes[c.Name] = members
		}
	}
	dynamic := false
	for _, c := range v.Calls {
		if c.Resolved == "importlib.import_module" {
			dynamic = true
			break
		}
	}
	for _, s := range v.File.Body {
		a, isAssign := s.(*pysrc.Assign)
		if !isAssign || len(a.Targets) != 1 {
			continue
		}
		n, isName := a.Targets[0].(*pysrc.NameExpr)
		if !isName {
			continue
		}
		up := strings.ToUpper(n.ID)
		if !strings.Contains(up, "DEFAULT") || !strings.Contains(up, "BACKEND") {
			continue
		}
		switch x := a.Value.(type) {
		case *pysrc.Constant:
			if x.Kind == pysrc.ConstStr && dynamic {
				backend = v.File.StringValue(x)
			}
		case *pysrc.Attribute:
			if cls, isName := x.X.(*pysrc.NameExpr); isName {
				if members, registry := classes[cls.ID]; registry {
					if val, member := members[x.Attr]; member {
						backend = val
					}
				}
			}
		}
		if backend != "" {
			return strings.ToLower(backend), Evidence{Path: v.File.Name, Line: v.Line(a.Pos()),
				Text: clipText(strings.TrimSpace(firstLine(v.File.Text(a))))}, true
		}
	}
	return "", Evidence{}, false
}

// LibraryTimeline checks a library's verdict against the community
// deadline for libraries: eventlet gone from the Oslo libraries and their
// dependencies by EventletRemovedBy.
func LibraryTimeline(lib *Library, current Series) string {
	switch lib.Eventlet {
	case LibraryGone:
		return fmt.Sprintf("on track: eventlet is gone, as required of libraries by %s", EventletRemovedBy)
	case LibraryRequired, LibraryOptional:
	default:
		panic("modes: library verdict " + string(lib.Eventlet))
	}
	due := seriesDate(EventletRemovedBy)
	what := "eventlet is still " + string(lib.Eventlet)
	if lib.DefaultBackend == "eventlet" {
		what += " and the default backend is eventlet"
	}
	if current.Name > EventletRemovedBy {
		return fmt.Sprintf("late: %s; libraries were to drop it by %s (release %s)", what, EventletRemovedBy, due)
	}
	return fmt.Sprintf("due: %s; libraries must drop it by %s (release %s); %s is in development", what, EventletRemovedBy, due, current.Name)
}
