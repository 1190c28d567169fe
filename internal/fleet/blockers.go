package fleet

import (
	"slices"
	"sort"
	"strings"
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
// library package are one cause (oslo_service.backend._eventlet and the
// modules under it, which an entry point loads together): a module joins
// the row of its nearest ancestor package that is itself a blocker, and
// the modules left whose parent package is the same form one row named by
// that package; a module alone is a row named by itself. A row's Services
// counts each entry point of each repository once, however many of its
// modules that entry point reaches.
func RankBlockers(hits []BlockerHit) []Blocker {
	type row struct {
		b   *Blocker
		eps map[[2]string]bool
	}
	byRoot := map[string]map[string]bool{}
	for _, h := range hits {
		if byRoot[h.Root] == nil {
			byRoot[h.Root] = map[string]bool{}
		}
		byRoot[h.Root][h.Module] = true
	}
	// cause[root][module] is the name of the row the module belongs to.
	cause := map[string]map[string]string{}
	for root, mods := range byRoot {
		head := func(m string) string {
			top := m
			for p := parent(m); p != ""; p = parent(p) {
				if mods[p] {
					top = p
				}
			}
			return top
		}
		heads := map[string][]string{} // parent package → heads under it
		for m := range mods {
			if h := head(m); h == m {
				heads[parent(m)] = append(heads[parent(m)], m)
			}
		}
		name := map[string]string{} // head → row name
		for p, hs := range heads {
			for _, h := range hs {
				name[h] = h
				if p != "" && len(hs) > 1 {
					name[h] = p
				}
			}
		}
		cause[root] = map[string]string{}
		for m := range mods {
			cause[root][m] = name[head(m)]
		}
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

func parent(module string) string {
	i := strings.LastIndexByte(module, '.')
	if i < 0 {
		return ""
	}
	return module[:i]
}
