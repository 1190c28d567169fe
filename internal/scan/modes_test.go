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

// TestModeFixtures checks the mode, switch variable names and inversion of
// each entry point of the fixture projects in testdata/modes.
func TestModeFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "modes", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no mode fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir, secs := txtarTree(t, p, "want")
			want := secs["want"]
			res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ep := range res.EntryPoints {
				line := ep.Name + " " + ep.Mode
				if ep.Switch.Env != "" {
					line += " env=" + ep.Switch.Env
				}
				if ep.Switch.Config != "" {
					line += " config=" + ep.Switch.Config
				}
				if strings.HasPrefix(ep.Mode, "dual") {
					if ep.Switch.Inverted {
						line += " inverted=true"
					} else {
						line += " inverted=false"
					}
				}
				// The deciding fact: the first monkey_patch, backend selection,
				// hook or component in the default outcome's evidence.
				for _, e := range ep.ModeEvidence {
					if strings.Contains(e.Text, "monkey_patch") || strings.Contains(e.Text, "init_backend") ||
						strings.Contains(e.Text, "hook") || strings.Contains(e.Text, "launch") ||
						strings.Contains(e.Text, "Launcher") || strings.Contains(e.Text, "ServiceManager") ||
						strings.Contains(e.Text, "GreenPool") {
						line += fmt.Sprintf(" @%s:%d", e.Path, e.Line)
						break
					}
				}
				if ep.ModeReason != "" {
					t.Logf("%s: %s", ep.Name, ep.ModeReason)
				}
				if len(ep.ModeEvidence) == 0 && ep.Mode != "none" {
					t.Errorf("%s: mode %s without evidence", ep.Name, ep.Mode)
				}
				got = append(got, line)
			}
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
