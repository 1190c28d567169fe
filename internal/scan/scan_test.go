package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// txtarTree writes a txtar archive's files into a temporary tree and
// returns it with the named sections ("want", "args"), which are not
// written, split into trimmed lines.
func txtarTree(t *testing.T, path string, sections ...string) (string, map[string][]string) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files, secs := map[string]string{}, map[string][]string{}
	for _, f := range ar.Files {
		if slices.Contains(sections, f.Name) {
			for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				secs[f.Name] = append(secs[f.Name], strings.TrimSpace(l))
			}
			continue
		}
		files[f.Name] = string(f.Data)
	}
	return writeTree(t, files), secs
}

func findingLines(res *contract.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%03d %s", f.Path, f.Line, f.Rule))
	}
	sort.Strings(out)
	return out
}

// TestFileVanishes: a file listed but gone when read is a per-file finding.
func TestFileVanishes(t *testing.T) {
	dir := writeTree(t, map[string]string{"gone.py": "import eventlet\n"})
	proj, err := pyproj.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "gone.py")); err != nil {
		t.Fatal(err)
	}
	fr := scanFile(proj, proj.Lookup("gone.py"), rules.All(), nil, nil, nil)
	if !fr.skipped || len(fr.findings) != 1 || fr.findings[0].Rule != "EV904" {
		t.Errorf("vanished file: skipped %v, findings %+v", fr.skipped, fr.findings)
	}
}

func TestFingerprintsSurviveMoves(t *testing.T) {
	a := writeTree(t, map[string]string{"m.py": "import eventlet\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	b := writeTree(t, map[string]string{"m.py": "# moved\n\nimport eventlet\n\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	ra, _ := Run(context.Background(), []string{a}, Options{})
	rb, _ := Run(context.Background(), []string{b}, Options{})
	fp := func(r *contract.Result) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Fingerprint)
		}
		return out
	}
	if diff := cmp.Diff(fp(ra), fp(rb)); diff != "" {
		t.Errorf("fingerprints changed with line moves (-a +b):\n%s", diff)
	}
	if fp(ra)[1] == fp(ra)[2] {
		t.Error("identical lines share a fingerprint; the occurrence index must tell them apart")
	}
}

// TestFindingsCap: a file with three times the cap of one rule's findings
// reports the cap and one EV905 finding with the count left out, whatever
// --select says; --ignore EV905 hides the notice, not the cap.
func TestFindingsCap(t *testing.T) {
	const n = 3 * analysis.MaxFindingsPerRule
	dir := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/big.py":      strings.Repeat("import eventlet\n", n),
	})
	tests := []struct {
		name   string
		opts   Options
		notice bool
	}{
		{"all rules", Options{}, true},
		{"selected family", Options{Select: []string{"EV1"}}, true},
		{"notice ignored", Options{Ignore: []string{"EV905"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), []string{dir}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			var notices []string
			for _, f := range res.Findings {
				counts[f.Rule]++
				if f.Rule == "EV905" {
					notices = append(notices, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Message))
				}
			}
			if counts["EV101"] != analysis.MaxFindingsPerRule {
				t.Errorf("EV101 findings = %d, want the cap %d", counts["EV101"], analysis.MaxFindingsPerRule)
			}
			var want []string
			if tt.notice {
				want = []string{fmt.Sprintf("pkg/big.py:%d %d more EV101 findings in this file left out: letgo reports at most %d per rule and file",
					analysis.MaxFindingsPerRule+1, n-analysis.MaxFindingsPerRule, analysis.MaxFindingsPerRule)}
			}
			if diff := cmp.Diff(want, notices); diff != "" {
				t.Errorf("EV905 findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLineTexts(t *testing.T) {
	src := "a\nbb\n\nccc\r\nlast"
	got := lineTexts(src, []int{5, 2, 2, 0, 4, 1, 3, 9})
	want := map[int]string{1: "a", 2: "bb", 3: "", 4: "ccc\r", 5: "last"}
	if len(got) != len(want) {
		t.Fatalf("lineTexts = %v, want %v", got, want)
	}
	for l, w := range want {
		if got[l] != w {
			t.Errorf("line %d = %q, want %q", l, got[l], w)
		}
	}
}
