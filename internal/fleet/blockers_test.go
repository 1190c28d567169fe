package fleet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRankBlockers: the modules of one library package are one cause
// (one row, the modules inside), an entry point reaching several of them
// counts once, modules of other packages or libraries stay apart, and a
// module alone keeps its own name.
func TestRankBlockers(t *testing.T) {
	const lib = "acme/lib"
	hits := []BlockerHit{
		// The backend package imports eventlet, and so do two modules
		// under it: one cause.
		{Repo: "acme/a", Module: "lib.backend._eventlet", Root: lib, EntryPoints: []string{"a-api", "a-worker"}},
		{Repo: "acme/a", Module: "lib.backend._eventlet.service", Root: lib, EntryPoints: []string{"a-api", "a-worker"}},
		{Repo: "acme/a", Module: "lib.backend._eventlet.loop.impl", Root: lib, EntryPoints: []string{"a-worker"}},
		{Repo: "acme/b", Module: "lib.backend._eventlet.service", Root: lib, EntryPoints: []string{"b-api"}},
		// Two siblings whose package does not import eventlet: one cause,
		// named by the package.
		{Repo: "acme/a", Module: "lib.green.pool", Root: lib, EntryPoints: []string{"a-api"}},
		{Repo: "acme/b", Module: "lib.green.queue", Root: lib, EntryPoints: []string{"b-api"}},
		// A module alone.
		{Repo: "acme/b", Module: "lib.hub", Root: lib, EntryPoints: []string{"b-api", "b-worker"}},
		// The same names in another library are another cause.
		{Repo: "acme/b", Module: "lib.green.pool", Root: "other/lib", EntryPoints: []string{"b-api"}},
		// A top-level module (no package) alone.
		{Repo: "acme/a", Module: "greenhub", Root: "greenhub", EntryPoints: []string{"a-api"}},
	}
	want := []Blocker{
		{Module: "lib.backend._eventlet", Root: lib, Modules: []string{"lib.backend._eventlet", "lib.backend._eventlet.loop.impl", "lib.backend._eventlet.service"},
			Services: 3, Repos: []string{"acme/a", "acme/b"}},
		{Module: "lib.green", Root: lib, Modules: []string{"lib.green.pool", "lib.green.queue"}, Services: 2, Repos: []string{"acme/a", "acme/b"}},
		{Module: "lib.hub", Root: lib, Modules: []string{"lib.hub"}, Services: 2, Repos: []string{"acme/b"}},
		{Module: "greenhub", Root: "greenhub", Modules: []string{"greenhub"}, Services: 1, Repos: []string{"acme/a"}},
		{Module: "lib.green.pool", Root: "other/lib", Modules: []string{"lib.green.pool"}, Services: 1, Repos: []string{"acme/b"}},
	}
	if diff := cmp.Diff(want, RankBlockers(hits)); diff != "" {
		t.Errorf("RankBlockers (-want +got):\n%s", diff)
	}
	if got := RankBlockers(nil); len(got) != 0 {
		t.Errorf("RankBlockers(nil) = %v, want none", got)
	}
}
