package history

import (
	"context"
	"os"
	"strings"
	"testing"
)

// BenchmarkHistory runs history over the refs of a real repository:
// LETGO_BENCH_REPO (a git directory) and LETGO_BENCH_REFS (comma-separated
// refs), with LETGO_BENCH_WITH (comma-separated library roots) if set.
// go test ./internal/history -run XXX -bench History -benchtime 1x
// -cpuprofile cpu.out
func BenchmarkHistory(b *testing.B) {
	repo, list := os.Getenv("LETGO_BENCH_REPO"), os.Getenv("LETGO_BENCH_REFS")
	if repo == "" || list == "" {
		b.Skip("LETGO_BENCH_REPO and LETGO_BENCH_REFS not set")
	}
	ctx := context.Background()
	refs, err := ResolveRefs(ctx, repo, "", strings.Split(list, ","))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var with []string
		if w := os.Getenv("LETGO_BENCH_WITH"); w != "" {
			with = strings.Split(w, ",")
		}
		rep, err := Run(ctx, repo, refs, Options{With: with})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range rep.Entries {
			b.Logf("%s: %.0f ms, parsed %d, reused %d, written %d", e.Name, e.ElapsedMS, e.Parsed, e.Reused, e.Written)
		}
	}
}
