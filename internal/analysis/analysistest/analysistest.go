// Package analysistest runs fixtures that carry their expectations inline,
// as golang.org/x/tools' analysistest does, through the real scan driver:
// the same per-root pipeline as `letgo scan` (index, rules, suppressions,
// the semantic model's second pass, graph rules, EV9xx).
//
// Any fixture file marks an expected finding with a comment on the
// reported line: `eventlet.spawn(f)  # want EV110 "spawn\(\)"`. Several
// `EVnnn ["regexp"]` items may follow one `want`; a pattern, when given,
// must match the finding's message (`\"` is a quote inside it). A `# want`
// that does not parse, or names no rule, fails the test.
//
// A Python fixture is one file; a first-line directive
// `# fixture: path=nimbus/tests/test_x.py` sets the path it is scanned
// under (which decides its kind and module).
//
// A tree fixture is a txtar archive of a small tree. Its optional `args`
// section holds `roots: a b`, `with: c`, `select: EV1 EV2`, `ignore: ...`
// and `docs: true` lines (roots default to the whole tree); its optional
// `want` section lists `path:line EVnnn ["regexp"]` lines for files that
// cannot carry comments (JSON, a file's first line in a format without
// comments). Paths are the archive's.
//
// Every fixture has a golden next to it (the fixture's name with the
// extension .golden): the rendered findings, one per line. `go test -update`
// rewrites them, so a rule change shows as a small diff.
package analysistest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/scan"
)

// Update rewrites the goldens instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite the fixtures' goldens")

var directiveRE = regexp.MustCompile(`^#\s*fixture:\s*path=(\S+)`)

func known(id string) bool {
	for _, r := range rules.All() {
		if r.ID == id {
			return true
		}
	}
	return false
}

// RunPython scans one Python fixture with rule alone selected and compares
// its findings with the # want comments and the golden.
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
	dir := t.TempDir()
	write(t, dir, rel, src)
	want, err := parseWantComments(rel, src, known)
	if err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	res := run(t, fixture, []string{dir}, scan.Options{Select: []string{rule.ID}, IncludeDocs: true})
	got := findings(res, dir)
	check(t, fixture, got, want)
	return res.Findings
}

// RunProject scans a txtar tree fixture with rule alone selected (unless
// its args say otherwise).
func RunProject(t *testing.T, rule *analysis.Rule, fixture string) []analysis.Finding {
	t.Helper()
	return runTree(t, fixture, []string{rule.ID}).Findings
}

// RunTree scans a txtar tree fixture as its args say and compares the
// findings with its expectations and its golden.
func RunTree(t *testing.T, fixture string) *contract.Result {
	t.Helper()
	return runTree(t, fixture, nil)
}

func runTree(t testing.TB, fixture string, sel []string) *contract.Result {
	t.Helper()
	ar, err := txtar.ParseFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var want []expectation
	args := map[string][]string{}
	for _, f := range ar.Files {
		switch f.Name {
		case "want":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if l := strings.TrimSpace(line); l == "" || strings.HasPrefix(l, "#") {
					continue
				}
				ws, err := parseWantLine(line, known)
				if err != nil {
					t.Fatalf("%s: %v", fixture, err)
				}
				want = append(want, ws...)
			}
		case "args":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				k, v, ok := strings.Cut(line, ":")
				k = strings.TrimSpace(k)
				switch {
				case !ok:
					t.Fatalf("%s: malformed args line %q (want key: values)", fixture, line)
				case k != "roots" && k != "with" && k != "select" && k != "ignore" && k != "docs":
					t.Fatalf("%s: unknown args key %q (roots, with, select, ignore, docs)", fixture, k)
				}
				args[k] = strings.Fields(v)
			}
		default:
			write(t, dir, f.Name, f.Data)
			ws, err := parseWantComments(f.Name, f.Data, known)
			if err != nil {
				t.Fatalf("%s: %v", fixture, err)
			}
			want = append(want, ws...)
		}
	}
	abs := func(rs []string) []string {
		var out []string
		for _, r := range rs {
			p := filepath.Join(dir, filepath.FromSlash(r))
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("%s: args names %s, which the archive does not hold", fixture, r)
			}
			out = append(out, p)
		}
		return out
	}
	roots := abs(args["roots"])
	if len(roots) == 0 {
		roots = []string{dir}
	}
	opts := scan.Options{With: abs(args["with"]), Select: args["select"], Ignore: args["ignore"],
		IncludeDocs: len(args["docs"]) == 1 && args["docs"][0] == "true"}
	if opts.Select == nil && sel != nil {
		opts.Select, opts.IncludeDocs = sel, true // a rule's own fixture: doc rules included
	}
	res := run(t, fixture, roots, opts)
	check(t, fixture, findings(res, dir), want)
	return res
}

func write(t testing.TB, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, fixture string, roots []string, opts scan.Options) *contract.Result {
	t.Helper()
	res, err := scan.Run(context.Background(), roots, opts)
	if err != nil {
		t.Fatalf("%s: scan: %v", fixture, err)
	}
	return res
}

// finding is one reported finding, its path the archive's.
type finding struct {
	path string
	f    analysis.Finding
}

func (f finding) key() string { return fmt.Sprintf("%s:%d %s", f.path, f.f.Line, f.f.Rule) }

func findings(res *contract.Result, dir string) []finding {
	var out []finding
	for _, f := range res.Findings {
		p := f.Path
		if f.Root != "" {
			if rel, err := filepath.Rel(dir, f.Root); err == nil && rel != "." {
				p = filepath.ToSlash(rel) + "/" + f.Path
			}
		}
		out = append(out, finding{p, f})
	}
	return out
}

// check compares got with want (patterns included) and with the golden.
func check(t testing.TB, fixture string, got []finding, want []expectation) {
	t.Helper()
	for _, e := range compare(got, want) {
		t.Errorf("%s: %s", fixture, e)
	}
	golden(t, fixture, got)
}

// compare matches findings with expectations: first those with a pattern
// (the message must match it), then those without. It returns the
// differences, sorted.
func compare(got []finding, want []expectation) []string {
	used := make([]bool, len(want))
	var problems []string
	var left []finding
	for _, pass := range []bool{true, false} {
		left = left[:0]
		for _, f := range got {
			matched := false
			for i, w := range want {
				if used[i] || (w.re != nil) != pass || w.key() != f.key() {
					continue
				}
				if w.re != nil && !w.re.MatchString(f.f.Message) {
					continue
				}
				used[i], matched = true, true
				break
			}
			if !matched {
				left = append(left, f)
			}
		}
		got = append([]finding(nil), left...)
	}
	for _, f := range got {
		msg := fmt.Sprintf("%s:%d:%d: unexpected %s %q", f.path, f.f.Line, f.f.Col, f.f.Rule, f.f.Message)
		for i, w := range want {
			if !used[i] && w.key() == f.key() {
				msg = fmt.Sprintf("%s:%d:%d: %s message %q does not match %q", f.path, f.f.Line, f.f.Col, f.f.Rule, f.f.Message, w.re)
				used[i] = true
				break
			}
		}
		problems = append(problems, msg)
	}
	for i, w := range want {
		if !used[i] {
			problems = append(problems, "missing "+w.String())
		}
	}
	sort.Strings(problems)
	return problems
}

// Render is the golden form of findings: one `path:line:col: EVnnn
// severity message` line each, in the scan's order.
func render(got []finding) string {
	var b strings.Builder
	for _, f := range got {
		fmt.Fprintf(&b, "%s:%d:%d: %s %s %s\n", f.path, f.f.Line, f.f.Col, f.f.Rule, f.f.Severity, f.f.Message)
	}
	return b.String()
}

// GoldenPath is the golden of a fixture: its name with the extension
// .golden.
func GoldenPath(fixture string) string {
	return strings.TrimSuffix(fixture, filepath.Ext(fixture)) + ".golden"
}

func golden(t testing.TB, fixture string, got []finding) {
	t.Helper()
	path, text := GoldenPath(fixture), render(got)
	if *Update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v (run go test -update to write it)", fixture, err)
		return
	}
	if string(want) != text {
		t.Errorf("%s: findings differ from %s (go test -update rewrites it):\n%s", fixture, path, lineDiff(string(want), text))
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(got, "\n") {
		count[l]++
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		fmt.Fprintf(&b, "-%s\n", l)
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] > 0 {
			count[l]--
			fmt.Fprintf(&b, "+%s\n", l)
		}
	}
	return b.String()
}
