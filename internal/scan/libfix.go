package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
)

// libraryFixes answers modes.FixSource for the library roots of a scan:
// importing a library module fixes the backend when it, or a module it
// imports unconditionally, fetches a component from a backend registry
// at import (get_component), and the library's default backend is known
// (a DEFAULT…BACKEND… beside the registry, see modes.DefaultBackend).
// Without the default nothing is modelled: letgo does not guess it.
type libraryFixes struct {
	mu   sync.Mutex // the entry points' inferences ask at once
	res  *state
	memo map[string]*modes.LibraryFix
}

func newLibraryFixes(res *state) *libraryFixes {
	return &libraryFixes{res: res, memo: map[string]*modes.LibraryFix{}}
}

func (l *libraryFixes) ImportFixes(module string) *modes.LibraryFix {
	l.mu.Lock()
	defer l.mu.Unlock()
	if fix, ok := l.memo[module]; ok {
		return fix
	}
	fix := l.find(module)
	l.memo[module] = fix
	return fix
}

func (l *libraryFixes) find(module string) *modes.LibraryFix {
	res := l.res
	if res.Graph == nil {
		return nil
	}
	kinds := []string{modes.AtImportComponent}
	t := tainted(res, kinds)
	i, ok := graphIndex(res)[module]
	if !ok || !t[i] || res.Graph.Nodes[i].Module == nil || !res.Graph.Nodes[i].Module.Library {
		return nil
	}
	ans := res.Graph.ReachTarget(module, func(name string) bool { return createsAny(res, name, kinds) })
	if ans.Verdict != graph.Unconditional || len(ans.Chain) == 0 {
		return nil
	}
	target := ans.Chain[len(ans.Chain)-1].Module
	j, ok := graphIndex(res)[target]
	if !ok || res.Graph.Nodes[j].Module == nil {
		return nil
	}
	b := defaultBackendOf(res, res.Graph.Nodes[j].Module.Root)
	if b == nil {
		return nil
	}
	fix := &modes.LibraryFix{Module: module, Backend: b.backend, Registry: b.module}
	for _, h := range ans.Chain[1:] {
		fix.Chain = append(fix.Chain, modes.Evidence{Path: h.Path, Line: h.Line, Text: h.Text})
	}
	fetch := res.Facts.atImport[target][modes.AtImportComponent]
	fix.Fetch = fetch
	fix.Chain = append(fix.Chain, modes.Evidence{Path: fetch.Path, Line: fetch.Line, Text: fetch.Text + " (runs at import: the first fetch selects the backend)"},
		modes.Evidence{Path: b.ev.Path, Line: b.ev.Line, Text: b.ev.Text + " (the library's default backend)"})
	return fix
}

func graphIndex(res *state) map[string]int {
	if res.Facts.nodes == nil {
		res.Facts.nodes = make(map[string]int, len(res.Graph.Nodes))
		for i, n := range res.Graph.Nodes {
			res.Facts.nodes[n.Name] = i
		}
	}
	return res.Facts.nodes
}

// defaultBackendOf is the default backend a root's registry declares, or
// nil: the first by path when several modules declare one.
func defaultBackendOf(res *state, root string) *backendFact {
	bs := res.Facts.backends[root]
	if len(bs) == 0 {
		return nil
	}
	best := bs[0]
	for _, b := range bs[1:] {
		if b.ev.Path < best.ev.Path {
			best = b
		}
	}
	return &best
}

// fixLoadsEventlet extends an entry point's reachability with library
// code run at import: when its default path imported a library module
// whose import-time fetch fixed the backend to eventlet, the registry
// loads its eventlet backend module (importlib, no import statement),
// and that module's imports reach eventlet, the entry point loads
// eventlet unconditionally: the chain is the imports to the library
// module, the fetch, the backend module and its imports.
func fixLoadsEventlet(res *state, ep *contract.EntryPoint, fix *modes.LibraryFix) {
	if fix == nil || fix.Backend != "eventlet" || ep.Eventlet == graph.Unconditional || res.Graph == nil {
		return
	}
	i, ok := graphIndex(res)[fix.Registry]
	if !ok || fix.Registry == "" || res.Graph.Nodes[i].Module == nil {
		return
	}
	var load graph.Answer
	var backendMod string
	for _, cand := range []string{fix.Registry + "._" + fix.Backend, fix.Registry + "." + fix.Backend} {
		if a := res.Graph.Reach(cand); a.Verdict == graph.Unconditional && len(a.Chain) > 0 {
			load, backendMod = a, cand
			break
		}
	}
	if backendMod == "" {
		return
	}
	to := res.Graph.ReachTarget(ep.Module, func(name string) bool { return name == fix.Module })
	if to.Verdict != graph.Unconditional || len(to.Chain) == 0 {
		return
	}
	chain := append([]graph.Hop{}, to.Chain...)
	// The imports from the library module to the one that fetches.
	fetches := res.Graph.ReachTarget(fix.Module, func(name string) bool { return createsAny(res, name, []string{modes.AtImportComponent}) })
	if fetches.Verdict == graph.Unconditional && len(fetches.Chain) > 1 {
		chain = append(chain, fetches.Chain[1:]...)
	}
	fetchAt := fix.Fetch
	chain = append(chain, graph.Hop{Module: backendMod, Path: fetchAt.Path, Line: fetchAt.Line,
		Text: fmt.Sprintf("%s — at import, selects the default backend and loads %s", fetchAt.Text, backendMod), Guard: enums.GuardUnconditional, Root: res.Graph.Nodes[i].Module.Root})
	chain = append(chain, load.Chain[1:]...)
	ep.Eventlet, ep.Chain, ep.Guards = graph.Unconditional, chain, nil
	// The library modules importing eventlet that the backend module
	// loads block the entry point too.
	reach := res.Graph.Reachable(backendMod)
	changed := false
	for k := range res.Blockers {
		b := &res.Blockers[k]
		if j, ok := graphIndex(res)[b.Module]; ok && reach[j] && !slices.Contains(b.EntryPoints, ep.Name) {
			b.EntryPoints = append(b.EntryPoints, ep.Name)
			sort.Strings(b.EntryPoints)
			changed = true
		}
	}
	if changed {
		sort.SliceStable(res.Blockers, func(i, j int) bool {
			if len(res.Blockers[i].EntryPoints) != len(res.Blockers[j].EntryPoints) {
				return len(res.Blockers[i].EntryPoints) > len(res.Blockers[j].EntryPoints)
			}
			return res.Blockers[i].Module < res.Blockers[j].Module
		})
	}
	ep.Reason = fmt.Sprintf("library code run at import loads eventlet: importing %s fetches a backend component (%s:%d), which selects the default backend, eventlet, and loads %s", fix.Module, fetchAt.Path, fetchAt.Line, backendMod)
}

// librarySignature digests what the library roots contribute to modes
// (their import-time fetches and declared default backends), for the
// modes cache: the project's own files do not say it, and a cached mode
// must not outlive a change of the libraries scanned with it.
func librarySignature(res *state) string {
	if res.Graph == nil {
		return ""
	}
	var lines []string
	for _, n := range res.Graph.Nodes {
		if n.Module == nil || !n.Module.Library {
			continue
		}
		if e, ok := res.Facts.atImport[n.Name][modes.AtImportComponent]; ok {
			lines = append(lines, fmt.Sprintf("fetch %s %s:%d", n.Name, e.Path, e.Line))
		}
	}
	for root, bs := range res.Facts.backends {
		for _, b := range bs {
			lines = append(lines, fmt.Sprintf("default %s %s %s %s:%d", root, b.module, b.backend, b.ev.Path, b.ev.Line))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return "+lib" + hex.EncodeToString(h[:8])
}
