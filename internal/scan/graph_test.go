package scan

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGraphFixtures runs multi-root projects and compares entry-point
// verdicts with their chains, the blockers, and the graph findings
// (EV710/EV711) with the fixture's want section.
func TestGraphFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "graph", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no graph fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want", "args")
			want := secs["want"]
			args := map[string][]string{}
			for _, l := range secs["args"] {
				k, v, _ := strings.Cut(l, ":")
				for _, r := range strings.Fields(v) {
					args[k] = append(args[k], filepath.Join(dir, r))
				}
			}
			res, err := Run(context.Background(), args["roots"], Options{With: args["with"], SitePackages: args["site"], Select: []string{"EV71", "EV505"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ep := range res.EntryPoints {
				line := ep.Name + " " + string(ep.Eventlet)
				if len(ep.Guards) > 0 {
					line += " " + strings.Join(ep.Guards, ",")
				}
				var mods []string
				for _, h := range ep.Chain {
					mods = append(mods, h.Module)
				}
				if len(mods) > 0 {
					line += " " + strings.Join(mods, " > ")
				}
				got = append(got, line)
			}
			for _, b := range res.Blockers {
				got = append(got, "blocker "+b.Module+" "+strings.Join(b.EntryPoints, " "))
			}
			for _, f := range res.Findings {
				rel, _ := filepath.Rel(dir, filepath.Join(f.Root, f.Path))
				got = append(got, fmt.Sprintf("finding %s:%d %s", filepath.ToSlash(rel), f.Line, f.Rule))
			}
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
