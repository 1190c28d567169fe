package scan

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRootsFinishedTogether checks that project roots finished concurrently
// give, root by root and in the roots' order, the findings and entry points
// (with their modes) of each root scanned alone, and the same result every
// time (the roots are independent: no root imports another).
func TestRootsFinishedTogether(t *testing.T) {
	var roots []string
	for _, name := range []string{"alpha", "beta", "gamma"} {
		roots = append(roots, writeTree(t, map[string]string{
			"setup.cfg": fmt.Sprintf("[metadata]\nname = %s\n\n[entry_points]\nconsole_scripts =\n    %s-api = %s.cmd.api:main\n    %s-worker = %s.cmd.worker:main\n",
				name, name, name, name, name),
			name + "/__init__.py":     "",
			name + "/cmd/__init__.py": "",
			name + "/cmd/api.py":      "import eventlet\neventlet.monkey_patch()\n\nfrom " + name + " import service\n\n\ndef main():\n    service.run()\n",
			name + "/cmd/worker.py":   "import threading\n\nfrom " + name + " import service\n\n\ndef main():\n    threading.Thread(target=service.run).start()\n",
			name + "/service.py":      "import eventlet\nimport time\n\n\ndef run():\n    pool = eventlet.GreenPool()\n    pool.spawn(time.sleep, 0)\n    eventlet.sleep(0)\n",
		}))
	}
	type rootPart struct {
		Findings    []string
		EntryPoints []string
	}
	parts := func(t *testing.T, roots []string) map[string]*rootPart {
		res, err := Run(context.Background(), roots, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*rootPart{}
		for _, r := range roots {
			out[r] = &rootPart{}
		}
		for _, f := range res.Findings {
			p := out[f.Root]
			p.Findings = append(p.Findings, fmt.Sprintf("%s:%d:%d %s %s %s", f.Path, f.Line, f.Col, f.Rule, f.Fingerprint, f.Message))
		}
		for _, ep := range res.EntryPoints {
			p := out[ep.Root]
			p.EntryPoints = append(p.EntryPoints, fmt.Sprintf("%s %s %s %s", ep.Name, ep.Mode, ep.Eventlet, ep.ModeReason))
		}
		return out
	}
	alone := map[string]*rootPart{}
	for _, r := range roots {
		alone[r] = parts(t, []string{r})[r]
		if len(alone[r].Findings) == 0 || len(alone[r].EntryPoints) != 2 {
			t.Fatalf("root %s alone: %d findings, %d entry points; the fixture should give findings and 2 entry points", r, len(alone[r].Findings), len(alone[r].EntryPoints))
		}
	}
	for i := range 4 {
		together := parts(t, roots)
		if diff := cmp.Diff(alone, together); diff != "" {
			t.Errorf("run %d: roots scanned together differ from each alone (-alone +together):\n%s", i, diff)
		}
	}
}
