package scan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// backendFact is a module's default concurrency backend.
type backendFact struct {
	backend string
	ev      modes.Evidence
	module  string // the registry's module
}

// maxLibraryEvidence bounds the modules quoted as evidence of a verdict.
const maxLibraryEvidence = 5

// libraryOf is the library scale of a root with no services: eventlet
// required (an unconditional import reachable from a public module, or a
// hard requirement), optional (guarded imports only, or an extra) or gone;
// and the default backend where the library selects one. Reachability is
// the import graph's, through the library roots given with the scan.
func libraryOf(res *state, info *rootInfo, now time.Time) *modes.Library {
	if now.IsZero() {
		now = time.Now()
	}
	lib := &modes.Library{Eventlet: modes.LibraryGone}
	var required, optional []modes.Evidence
	for _, r := range info.proj.Requirements {
		if r.Name != "eventlet" || r.Test {
			continue
		}
		ev := modes.Evidence{Path: r.File, Line: r.Line, Text: "requirement " + r.Spec}
		if r.Extra == "" {
			required = append(required, ev)
		} else {
			ev.Text = fmt.Sprintf("requirement %s in extra [%s]", r.Spec, r.Extra)
			optional = append(optional, ev)
		}
	}
	var public []string
	for _, f := range info.proj.Files {
		if f.Python && f.Module != "" && f.Kind == pyproj.KindRuntime && publicModule(f.Module) {
			public = append(public, f.Module)
		}
	}
	sort.Strings(public)
	seen := map[string]bool{}
	nReq := 0
	for _, m := range public {
		ans := res.Graph.Reach(m)
		if len(ans.Chain) < 2 {
			continue
		}
		last := ans.Chain[len(ans.Chain)-1]
		hops := make([]string, len(ans.Chain))
		for i, h := range ans.Chain {
			hops[i] = h.Module
		}
		ev := modes.Evidence{Path: last.Path, Line: last.Line, Text: strings.Join(hops, " > ")}
		switch ans.Verdict {
		case graph.Unconditional:
			nReq++
			// The same import reached from many modules is quoted once.
			if key := fmt.Sprintf("%s:%d", last.Path, last.Line); !seen[key] && len(required) < maxLibraryEvidence {
				seen[key] = true
				required = append(required, ev)
			}
		case graph.Guarded:
			if key := fmt.Sprintf("%s:%d", last.Path, last.Line); !seen[key] && len(optional) < maxLibraryEvidence {
				seen[key] = true
				optional = append(optional, ev)
			}
		case graph.None, graph.Unknown: // no chain to eventlet (a module of the project is never unknown)
		default:
			panic("scan: reachability verdict " + string(ans.Verdict))
		}
	}
	switch {
	case len(required) > 0:
		lib.Eventlet, lib.Evidence = modes.LibraryRequired, required
		if nReq > 0 {
			lib.Evidence = append(lib.Evidence, modes.Evidence{Text: fmt.Sprintf("%d of %d public module(s) load eventlet unconditionally", nReq, len(public))})
		}
	case len(optional) > 0:
		lib.Eventlet, lib.Evidence = modes.LibraryOptional, optional
	default:
		if mods := eventletModules(res, info.root); len(mods) > 0 {
			// Imports in private modules or functions that no public
			// module loads at import.
			lib.Eventlet = modes.LibraryOptional
			for i, m := range mods {
				if i == maxLibraryEvidence {
					break
				}
				lib.Evidence = append(lib.Evidence, modes.Evidence{Text: m + " imports eventlet, but no public module loads it at import"})
			}
		}
	}
	if bs := res.Facts.backends[info.root]; len(bs) > 0 {
		sort.Slice(bs, func(i, j int) bool { return bs[i].ev.Path < bs[j].ev.Path })
		lib.DefaultBackend = bs[0].backend
		ev := bs[0].ev
		lib.BackendEvidence = &ev
	}
	lib.Timeline = modes.LibraryTimeline(lib, modes.CurrentSeries(now))
	return lib
}

// publicModule reports whether a module is part of a package's public
// surface: no component is private (a leading underscore) and none is a
// test package.
func publicModule(m string) bool {
	for _, part := range strings.Split(m, ".") {
		if strings.HasPrefix(part, "_") || part == "tests" || part == "test" {
			return false
		}
	}
	return true
}
