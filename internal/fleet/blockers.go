package fleet

import (
	"slices"
	"sort"

	"github.com/letgo-dev/letgo/internal/modes"
)

// BlockerHit is one library module of one repository's scan through which
// that repository's entry points load eventlet unconditionally.
type BlockerHit struct {
	Repo        string
	Module      string
	Root        string // the library as the fleet names it
	EntryPoints []string
}

// RankBlockers groups the hits of the fleet into one row per cause and
// ranks the rows by the services they block. Several modules of one
// library package are one cause (modes.BlockerCauses). A row's Services
// counts each entry point of each repository once, however many of its
// modules that entry point reaches.
func RankBlockers(hits []BlockerHit) []Blocker {
	type row struct {
		b   *Blocker
		eps map[[2]string]bool
	}
	byRoot := map[string][]string{}
	for _, h := range hits {
		if !slices.Contains(byRoot[h.Root], h.Module) {
			byRoot[h.Root] = append(byRoot[h.Root], h.Module)
		}
	}
	// cause[root][module] is the name of the row the module belongs to.
	cause := map[string]map[string]string{}
	for root, mods := range byRoot {
		cause[root] = modes.BlockerCauses(mods)
	}
	rows := map[[2]string]*row{}
	for _, h := range hits {
		key := [2]string{cause[h.Root][h.Module], h.Root}
		r := rows[key]
		if r == nil {
			r = &row{b: &Blocker{Module: key[0], Root: h.Root}, eps: map[[2]string]bool{}}
			rows[key] = r
		}
		if !slices.Contains(r.b.Modules, h.Module) {
			r.b.Modules = append(r.b.Modules, h.Module)
		}
		if !slices.Contains(r.b.Repos, h.Repo) {
			r.b.Repos = append(r.b.Repos, h.Repo)
		}
		for _, ep := range h.EntryPoints {
			r.eps[[2]string{h.Repo, ep}] = true
		}
	}
	out := make([]Blocker, 0, len(rows))
	for _, r := range rows {
		r.b.Services = len(r.eps)
		sort.Strings(r.b.Modules)
		sort.Strings(r.b.Repos)
		out = append(out, *r.b)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Services != b.Services {
			return a.Services > b.Services
		}
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		return a.Root < b.Root
	})
	return out
}
