package history

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkHistory runs history over the refs of a real repository:
// LETGO_BENCH_REPO (a git directory) and LETGO_BENCH_REFS (comma-separated
// refs), with LETGO_BENCH_WITH (comma-separated library roots) if set.
// go test ./internal/history -run XXX -bench History -benchtime 1x
// -cpuprofile cpu.out
//
// It logs per ref the CPU time of the process (user + system, git's
// children not included) and the bytes of the Python files whose blob is
// not the last ref's at that path: what a ref costs against how much of
// it changed.
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
	changed := make([]int64, len(refs))
	var last map[string]blob
	for i, r := range refs {
		files, _, err := tree(ctx, repo, r.Commit)
		if err != nil {
			b.Fatal(err)
		}
		for p, f := range files {
			if strings.HasSuffix(p, ".py") && last[p] != f {
				changed[i] += f.size
			}
		}
		last = files
	}
	cpu := func() time.Duration {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	for b.Loop() {
		var with []string
		if w := os.Getenv("LETGO_BENCH_WITH"); w != "" {
			with = strings.Split(w, ",")
		}
		per := make([]time.Duration, len(refs))
		mark := cpu()
		rep, err := Run(ctx, repo, refs, Options{With: with, Progress: func(done, _ int, _ string) {
			now := cpu()
			per[done-1], mark = now-mark, now
		}})
		if err != nil {
			b.Fatal(err)
		}
		for i, e := range rep.Entries {
			b.Logf("%s: %.0f ms wall, %.0f ms cpu, %d Python bytes changed, parsed %d, reused %d, written %d",
				e.Name, e.ElapsedMS, float64(per[i].Microseconds())/1000, changed[i], e.Parsed, e.Reused, e.Written)
		}
	}
}
