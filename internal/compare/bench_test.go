package compare

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCompareRally reads and compares the two Rally files A.json and
// B.json of LETGO_BENCH_RALLY (written by scripts/gen_rally_bench.py):
// go test ./internal/compare -run XXX -bench CompareRally -benchtime 1x
// -cpuprofile cpu.out -memprofile mem.out
func BenchmarkCompareRally(b *testing.B) {
	dir := os.Getenv("LETGO_BENCH_RALLY")
	if dir == "" {
		b.Skip("LETGO_BENCH_RALLY not set")
	}
	read := func(name string) []Workload {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		ws, err := ParseRally(f)
		if err != nil {
			b.Fatal(err)
		}
		return ws
	}
	for b.Loop() {
		rep := CompareRally(read("A.json"), read("B.json"), Options{Alpha: 0.05, Margin: 0.05})
		if len(rep.Cells) == 0 {
			b.Fatal("no cells")
		}
	}
}
