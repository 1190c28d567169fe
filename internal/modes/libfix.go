package modes

import (
	"fmt"
	"strings"
)

// LibraryFix is a library module whose import runs code that fixes the
// concurrency backend: a module-level fetch from the library's backend
// registry (oslo.service's get_component), which selects the registry's
// default backend when nothing selected one before. A later
// init_backend of another backend raises, and a default hook registered
// later is never asked.
type LibraryFix struct {
	// Module is the module whose import fixes the backend (the one the
	// entry point's code imports).
	Module string
	// Backend is the registry's default backend: "eventlet", "threading".
	Backend string
	// Chain is the evidence, in order: the imports from Module to the
	// module that fetches, the fetch, and the registry's default.
	Chain []Evidence
	// Fetch is the component fetch that runs at import.
	Fetch Evidence
	// Registry is the module of the backend registry whose default
	// applies.
	Registry string
}

// FixSource is a Source that knows which library modules fix the backend
// when imported (the scan, from the import graph and the library roots).
// A Source without it models no library import-time code.
type FixSource interface {
	// ImportFixes returns what importing a library module does to the
	// backend, or nil when its import fetches no component or the
	// library's default backend is not known.
	ImportFixes(module string) *LibraryFix
}

// libraryFix records, in each world that has selected nothing yet, that
// importing a library module fixed the backend: to the default, or to
// what a default hook registered before returns.
func (in *interp) libraryFix(name string, worlds []*world) {
	fs, ok := in.src.(FixSource)
	if !ok {
		return
	}
	parts := strings.Split(name, ".")
	for i := 1; i <= len(parts); i++ {
		mod := strings.Join(parts[:i], ".")
		if in.src.Has(mod) || in.src.Unreadable(mod) != "" {
			continue // a project module: its own code is run
		}
		var fix *LibraryFix
		asked := false
		for _, w := range worlds {
			if w.decided() || w.dead || w.libFix() != nil {
				continue
			}
			if !asked {
				fix, asked = fs.ImportFixes(mod), true
			}
			if fix == nil {
				break
			}
			backend, how, chain := fix.Backend, fix.Backend+" (the library default)", fix.Chain
			if h := w.lastHook(); h != nil {
				// The fetch asks the hook registered before: the default
				// does not apply.
				backend = strings.ToLower(h.arg)
				how = fmt.Sprintf("%s (the hook at %s:%d)", backend, h.ev.Path, h.ev.Line)
				chain = chain[: len(chain)-1 : len(chain)-1]
			}
			at := Evidence{Text: "imports " + mod}
			if in.atStmt != nil {
				at = in.ev(in.atModule, in.atStmt)
			}
			at.Text = clipText(fmt.Sprintf("%s — its import fetches a backend component: the backend is fixed to %s", at.Text, how))
			w.record(event{kind: EventLibFix, arg: backend, ev: at, chain: chain, module: mod, fetch: fix.Fetch, registry: fix.Registry})
		}
	}
}

// libFix is the event of a world's backend being fixed by a library's
// import-time code, or nil.
func (w *world) libFix() *event {
	for i := range w.events {
		if w.events[i].kind == EventLibFix {
			return &w.events[i]
		}
	}
	return nil
}

// lastHook is the last default hook a world registered, or nil.
func (w *world) lastHook() *event {
	for i := len(w.events) - 1; i >= 0; i-- {
		if w.events[i].kind == EventHook && !w.events[i].late {
			return &w.events[i]
		}
	}
	return nil
}

// conflict is the first selection a world made after a library's import
// fixed the backend to another one (init_backend raises
// BackendAlreadySelected), or nil.
func (w *world) conflict() *event {
	for i := range w.events {
		if e := &w.events[i]; e.kind == EventBackend && e.late {
			return e
		}
	}
	return nil
}
