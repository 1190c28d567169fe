// Package analysistest runs rules over fixtures that carry their
// expectations inline, as golang.org/x/tools' analysistest does.
//
// A Python fixture marks each expected finding with a comment on the
// reported line: `eventlet.spawn(f)  # want EV110` (several ids allowed). A
// first-line directive `# fixture: path=nimbus/tests/test_x.py` sets the
// path the file is analysed under (which decides its kind and module).
//
// A project fixture is a txtar archive of a small tree whose `want` file
// lists expected findings as `path:line EVnnn`, one per line.
package analysistest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

var (
	wantRE      = regexp.MustCompile(`#\s*want((?:\s+EV[0-9]{3})+)`)
	directiveRE = regexp.MustCompile(`^#\s*fixture:\s*path=(\S+)`)
)

// expectation is one expected finding: rule at path:line.
type expectation struct {
	path string
	line int
	rule string
}

func (e expectation) String() string { return fmt.Sprintf("%s:%d %s", e.path, e.line, e.rule) }

// RunPython runs rule on one Python fixture and compares its findings with
// the # want comments.
func RunPython(t *testing.T, rule *analysis.Rule, fixture string) []analysis.Finding {
	t.Helper()
	src, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.Base(fixture)
	if m := directiveRE.FindSubmatch(src); m != nil {
		rel = string(m[1])
	}
	file := pysrc.Parse(rel, src)
	module, isPkg := moduleOf(rel)
	view := pysrc.Analyze(file, module, isPkg)
	var got []analysis.Finding
	report := func(f analysis.Finding) { got = append(got, f) }
	if rule.Python != nil {
		rule.Python(analysis.NewPass(rule, rel, pyproj.Classify(rel), view, nil, nil, report))
	}
	got = analysis.ApplySuppressions(got, analysis.ParseSuppressions(file))
	var want []expectation
	for i, line := range strings.Split(string(src), "\n") {
		if m := wantRE.FindStringSubmatch(line); m != nil {
			for _, id := range strings.Fields(m[1]) {
				want = append(want, expectation{rel, i + 1, id})
			}
		}
	}
	compare(t, fixture, got, want)
	return got
}

func moduleOf(rel string) (string, bool) {
	rel = strings.TrimSuffix(filepath.ToSlash(rel), ".py")
	isPkg := strings.HasSuffix(rel, "/__init__") || rel == "__init__"
	rel = strings.TrimSuffix(strings.TrimSuffix(rel, "__init__"), "/")
	return strings.ReplaceAll(rel, "/", "."), isPkg
}

// RunProject extracts a txtar fixture, loads it as a project and runs rule
// (its Project check, and its Python check on every Python file).
func RunProject(t *testing.T, rule *analysis.Rule, fixture string) []analysis.Finding {
	t.Helper()
	ar, err := txtar.ParseFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var want []expectation
	for _, f := range ar.Files {
		if f.Name == "want" {
			for _, line := range strings.Split(string(f.Data), "\n") {
				var path, id string
				var n int
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				loc, id, _ := strings.Cut(line, " ")
				i := strings.LastIndexByte(loc, ':')
				if i < 0 {
					t.Fatalf("%s: bad want line %q", fixture, line)
				}
				path = loc[:i]
				if _, err := fmt.Sscanf(loc[i+1:], "%d", &n); err != nil {
					t.Fatalf("%s: bad want line %q", fixture, line)
				}
				want = append(want, expectation{path, n, strings.TrimSpace(id)})
			}
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	proj, err := pyproj.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []analysis.Finding
	report := func(f analysis.Finding) { got = append(got, f) }
	read := func(rel string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		return string(b), err == nil
	}
	if rule.Project != nil {
		rule.Project(analysis.NewProjectPass(rule, proj, read, report))
	}
	if rule.Python != nil {
		for _, f := range proj.Files {
			if !f.Python {
				continue
			}
			src, _ := os.ReadFile(f.Abs)
			file := pysrc.Parse(f.Path, src)
			rule.Python(analysis.NewPass(rule, f.Path, f.Kind, pysrc.Analyze(file, f.Module, f.IsPackage), proj, nil, report))
		}
	}
	compare(t, fixture, got, want)
	return got
}

func compare(t *testing.T, fixture string, got []analysis.Finding, want []expectation) {
	t.Helper()
	remaining := map[expectation]int{}
	for _, w := range want {
		remaining[w]++
	}
	var unexpected []string
	for _, f := range got {
		e := expectation{f.Path, f.Line, f.Rule}
		if remaining[e] > 0 {
			remaining[e]--
			continue
		}
		unexpected = append(unexpected, fmt.Sprintf("%s:%d:%d: unexpected %s %q", f.Path, f.Line, f.Col, f.Rule, f.Message))
	}
	var unmet []string
	for e, n := range remaining {
		for ; n > 0; n-- {
			unmet = append(unmet, "missing "+e.String())
		}
	}
	sort.Strings(unexpected)
	sort.Strings(unmet)
	for _, u := range unexpected {
		t.Errorf("%s: %s", fixture, u)
	}
	for _, u := range unmet {
		t.Errorf("%s: %s", fixture, u)
	}
}
