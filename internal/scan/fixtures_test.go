package scan_test

import (
	"os"
	"path/filepath"
	"strings"
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
	goldens, _ := filepath.Glob(filepath.Join("testdata", "trees", "*.golden"))
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".txtar"); err != nil {
			t.Errorf("%s: golden of no fixture", g)
		}
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			analysistest.RunTree(t, p)
		})
	}
}
