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

// TestOrderFixtures checks the backend-order rule (EV208, with both the
// import and the selection) and the eventlet-under-threading concern
// (EV508, with the chain) on the projects of testdata/order: each want
// line is a finding's place, rule and message up to the reason.
func TestOrderFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "order", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no order fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want", "args")
			args := map[string][]string{}
			for _, l := range secs["args"] {
				k, v, _ := strings.Cut(l, ":")
				for _, r := range strings.Fields(v) {
					args[k] = append(args[k], filepath.Join(dir, r))
				}
			}
			res, err := Run(context.Background(), args["roots"], Options{With: args["with"], Select: []string{"EV208", "EV508"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				rel, _ := filepath.Rel(dir, filepath.Join(f.Root, f.Path))
				msg, _, _ := strings.Cut(f.Message, ": the ")
				msg, _, _ = strings.Cut(msg, ": an eventlet primitive")
				got = append(got, fmt.Sprintf("finding %s:%d %s %s", filepath.ToSlash(rel), f.Line, f.Rule, msg))
			}
			want := secs["want"]
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The mode reason of a late selection says so.
			for _, ep := range res.EntryPoints {
				late := ep.Name == "svc-late" || ep.Name == "svc-late-lib" || ep.Name == "svc-patch-late"
				if got := strings.Contains(ep.ModeReason, "(EV208)"); got != late {
					t.Errorf("%s: mode reason %q, want EV208 named: %v", ep.Name, ep.ModeReason, late)
				}
			}
			// The concern is filed with the entry point.
			var concern []string
			for _, c := range res.Concerns {
				concern = append(concern, string(c.Type)+" "+c.EntryPoint)
			}
			if diff := cmp.Diff([]string{"eventlet-under-threading svc-green"}, concern); diff != "" {
				t.Errorf("concerns (-want +got):\n%s", diff)
			}
		})
	}
}
