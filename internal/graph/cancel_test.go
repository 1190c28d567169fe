package graph

import (
	"context"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

// TestBlockersCancelled: a ranking whose context is cancelled stops
// walking and returns nothing rather than a ranking over some entry points.
func TestBlockersCancelled(t *testing.T) {
	mods := []*Module{
		{Name: "app", Path: "app.py", Runtime: true, Imports: []Import{imp("lib", pysrc.GuardUnconditional, 1)}},
		{Name: "lib", Path: "lib.py", Library: true, Runtime: true, Imports: []Import{imp("eventlet", pysrc.GuardUnconditional, 1)}},
	}
	g := Build(mods)
	eps := map[string]string{"svc": "app"}
	if got := g.Blockers(context.Background(), eps); len(got) != 1 || len(got[0].EntryPoints) != 1 {
		t.Fatalf("Blockers = %+v, want lib blocking svc", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := g.Blockers(ctx, eps); got != nil {
		t.Errorf("Blockers(cancelled) = %+v, want nil", got)
	}
}
