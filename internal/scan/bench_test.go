package scan

import (
	"context"
	"os"
	"strings"
	"testing"
)

// BenchmarkScan scans the roots in LETGO_BENCH_DIRS (colon-separated local
// checkouts, never committed), or the bundled example.
func BenchmarkScan(b *testing.B) {
	roots := []string{"../../examples/nimbus"}
	if dirs := os.Getenv("LETGO_BENCH_DIRS"); dirs != "" {
		roots = strings.Split(dirs, ":")
	}
	var bytes int64
	for b.Loop() {
		res, err := Run(context.Background(), roots, Options{})
		if err != nil {
			b.Fatal(err)
		}
		bytes = res.Stats.Bytes
	}
	b.SetBytes(bytes)
}
