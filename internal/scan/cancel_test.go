package scan

import (
	"context"
	"fmt"
	"testing"
)

// TestCancelledAfterParsing cancels the scan as the last file is parsed:
// nothing is left for the parse workers to notice, so only the checks in
// the later stages (graph, modes, graph rules) and the final one stand
// between the cancellation and a result that looks whole.
func TestCancelledAfterParsing(t *testing.T) {
	files := map[string]string{"setup.cfg": "[metadata]\nname = p\n\n[entry_points]\nconsole_scripts =\n"}
	const n = 200
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("pkg/m%d.py", i)] = fmt.Sprintf("import pkg.m%d\nimport eventlet\n\n\ndef main():\n    eventlet.monkey_patch()\n", (i+1)%n)
		if i%20 == 0 {
			files["setup.cfg"] += fmt.Sprintf("    svc%d = pkg.m%d:main\n", i, i)
		}
	}
	files["pkg/__init__.py"] = ""
	dir := writeTree(t, files)
	for _, stage := range []string{"last file parsed", "before start"} {
		t.Run(stage, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if stage == "before start" {
				cancel()
			}
			opts := Options{Workers: 2, Progress: func(done, total int) {
				if done == total {
					cancel()
				}
			}}
			res, err := Run(ctx, []string{dir}, opts)
			if err == nil || res != nil {
				n := -1
				if res != nil {
					n = len(res.EntryPoints)
				}
				t.Errorf("Run cancelled (%s) = %d entry points, err %v; want no result and an error", stage, n, err)
			}
		})
	}
}
