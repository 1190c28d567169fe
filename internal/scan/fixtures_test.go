package scan_test

import (
	"path/filepath"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis/analysistest"
)

// TestTreeFixtures runs the whole scan over the txtar trees of
// testdata/trees: each file's # want comments (and the want section) are
// the findings, messages matching their patterns, and each fixture's
// golden holds the rendered findings (go test -update rewrites them).
func TestTreeFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "trees", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no tree fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			analysistest.RunTree(t, p)
		})
	}
}
