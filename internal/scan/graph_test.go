package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
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
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want []string
			args := map[string][]string{}
			for _, f := range ar.Files {
				switch f.Name {
				case "want":
					for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						want = append(want, strings.TrimSpace(l))
					}
				case "args":
					for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						k, v, _ := strings.Cut(l, ":")
						for _, r := range strings.Fields(v) {
							args[k] = append(args[k], filepath.Join(dir, r))
						}
					}
				default:
					fp := filepath.Join(dir, filepath.FromSlash(f.Name))
					os.MkdirAll(filepath.Dir(fp), 0o755)
					if err := os.WriteFile(fp, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			res, err := Run(context.Background(), args["roots"], Options{With: args["with"], SitePackages: args["site"], Select: []string{"EV71", "EV505"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ep := range res.EntryPoints {
				line := ep.Name + " " + ep.Eventlet
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
