package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis/analysistest"
	"github.com/letgo-dev/letgo/internal/rules"
)

// The fixtures run through the scan driver (analysistest imports scan,
// which imports rules), so they live in the external test package.

// TestFixtures runs every rule over its fixtures: testdata/EVnnn holds at
// least one positive, one ok_ negative and one near_ miss.
func TestFixtures(t *testing.T) {
	for _, r := range rules.All() {
		if r.ID == "EV904" || r.ID == "EV905" {
			continue // a file vanishing, the findings cap: tested in internal/scan
		}
		t.Run(r.ID, func(t *testing.T) {
			paths, _ := filepath.Glob(filepath.Join("testdata", r.ID, "*"))
			var pos, ok, near int
			for _, p := range paths {
				base := filepath.Base(p)
				if filepath.Ext(p) == ".golden" {
					continue
				}
				switch {
				case strings.HasPrefix(base, "ok_"):
					ok++
				case strings.HasPrefix(base, "near_"):
					near++
				default:
					pos++
				}
				switch filepath.Ext(p) {
				case ".py":
					analysistest.RunPython(t, r, p)
				case ".txtar":
					analysistest.RunProject(t, r, p)
				default:
					t.Errorf("%s: unknown fixture type", p)
				}
			}
			if pos == 0 || ok == 0 || near == 0 {
				t.Errorf("fixtures: %d positive, %d ok_, %d near_: want at least one of each", pos, ok, near)
			}
		})
	}
}

// TestPositivesFire guards the fixtures themselves: a positive fixture with
// no expectation would pass vacuously.
func TestPositivesFire(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "EV*", "*"))
	for _, p := range paths {
		base := filepath.Base(p)
		if filepath.Ext(p) == ".golden" {
			if !hasFixture(p) {
				t.Errorf("%s: golden of no fixture", p)
			}
			continue
		}
		if strings.HasPrefix(base, "ok_") || strings.HasPrefix(base, "near_") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(# want EV|:[0-9]+ EV)[0-9]{3}`).Match(b) {
			t.Errorf("%s: positive fixture expects no finding", p)
		}
	}
}

// hasFixture tells whether a golden's fixture (.py or .txtar) exists.
func hasFixture(golden string) bool {
	stem := strings.TrimSuffix(golden, ".golden")
	for _, ext := range []string{".py", ".txtar"} {
		if _, err := os.Stat(stem + ext); err == nil {
			return true
		}
	}
	return false
}
