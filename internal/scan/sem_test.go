package scan

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSemanticFixtures runs the whole scan on the semantic model's
// fixtures (testdata/sem). A want line is `path:line RULE "regexp"`: the
// findings of the selected rules must be exactly those, each message
// matching its pattern. A reach line is `FROM TO VERDICT [GUARD "why"]`:
// the import graph's answer from module FROM to module TO, the guard of
// a hop of the chain and what the hop's condition says; a reach line
// starting with "choices" asks through the modules chosen among several at
// run time too (ReachTargetChoices, as letgo why does when nothing else
// reaches).
func TestSemanticFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "sem", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no semantic-model fixtures")
	}
	wantRE := regexp.MustCompile(`^(\S+):(\d+) (EV\d{3}) "(.*)"$`)
	reachRE := regexp.MustCompile(`^(\S+) (\S+) (\S+)(?: (\S+))?(?: "(.*)")?$`)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want", "args", "reach")
			args := map[string][]string{}
			for _, l := range secs["args"] {
				k, v, _ := strings.Cut(l, ":")
				args[k] = strings.Fields(v)
			}
			abs := func(rs []string) []string {
				var out []string
				for _, r := range rs {
					out = append(out, filepath.Join(dir, r))
				}
				return out
			}
			res, err := Run(context.Background(), abs(args["roots"]), Options{With: abs(args["with"]), Select: args["select"]})
			if err != nil {
				t.Fatal(err)
			}
			type want struct {
				key string
				re  *regexp.Regexp
			}
			var wants []want
			for _, l := range secs["want"] {
				if l == "" {
					continue
				}
				m := wantRE.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("malformed want line %q (want path:line RULE \"regexp\")", l)
				}
				line, _ := strconv.Atoi(m[2])
				wants = append(wants, want{fmt.Sprintf("%s:%d %s", m[1], line, m[3]), regexp.MustCompile(m[4])})
			}
			if len(args["select"]) > 0 {
				var got, exp []string
				msgs := map[string][]string{}
				for _, f := range res.Findings {
					k := fmt.Sprintf("%s:%d %s", filepath.ToSlash(filepath.Join(args["roots"][0], f.Path)), f.Line, f.Rule)
					got = append(got, k)
					msgs[k] = append(msgs[k], f.Message)
				}
				for _, w := range wants {
					exp = append(exp, w.key)
					ok := false
					for _, m := range msgs[w.key] {
						ok = ok || w.re.MatchString(m)
					}
					if len(msgs[w.key]) > 0 && !ok {
						t.Errorf("%s: messages %q do not match %q", w.key, msgs[w.key], w.re)
					}
				}
				sort.Strings(got)
				sort.Strings(exp)
				if d := cmp.Diff(exp, got); d != "" {
					t.Errorf("findings (-want +got):\n%s", d)
				}
			}
			for _, l := range secs["reach"] {
				reach := res.Graph.ReachTarget
				if rest, ok := strings.CutPrefix(l, "choices "); ok {
					l, reach = rest, res.Graph.ReachTargetChoices
				}
				m := reachRE.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("malformed reach line %q", l)
				}
				from, to, verdict, guard, why := m[1], m[2], m[3], m[4], m[5]
				target := func(s string) bool { return s == to || strings.HasPrefix(s, to+".") }
				ans := reach(from, target)
				if string(ans.Verdict) != verdict {
					t.Errorf("%s -> %s: %s, want %s (chain %+v)", from, to, ans.Verdict, verdict, ans.Chain)
					continue
				}
				if guard == "" || len(ans.Chain) == 0 {
					continue
				}
				found := false
				for _, h := range ans.Chain {
					found = found || string(h.Guard) == guard && strings.Contains(h.Cond, why)
				}
				if !found {
					t.Errorf("%s -> %s: no %s hop saying %q in %+v", from, to, guard, why, ans.Chain)
				}
			}
		})
	}
}
