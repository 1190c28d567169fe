package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/compare"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/stats"
)

const example = "../../examples/nimbus"

func scanJSON(t *testing.T, args ...string) (*contract.Result, string, int) {
	t.Helper()
	out, errOut, code := run(t, append([]string{"scan", "--format", "json"}, args...)...)
	if code != ExitClean && code != ExitFindings {
		t.Fatalf("scan %v: exit %d: %s", args, code, errOut)
	}
	var res contract.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("scan output is not JSON: %v\n%s", err, out)
	}
	return &res, errOut, code
}

// TestScanExampleGolden pins the JSON contract on the bundled example:
// testdata/scan_example.json holds the document with its first finding in
// full (the shape of a finding), testdata/scan_example.findings every
// finding on one line, so that a rule change is a small diff. The rules'
// own fixtures have their goldens next to them (internal/rules/testdata).
// Rewrite with: go test ./internal/cli -run TestScanExampleGolden -update
func TestScanExampleGolden(t *testing.T) {
	out, errOut, code := run(t, "scan", "--format", "json", example)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	doc["stats"].(map[string]any)["elapsed_ms"] = 0 // the fields that vary
	doc["stats"].(map[string]any)["graph_ms"] = 0
	if st, ok := doc["stage"].(map[string]any); ok {
		st["timeline"] = "(depends on today's date)"
	}
	fs, _ := doc["findings"].([]any)
	if len(fs) == 0 {
		t.Fatal("the example has no findings")
	}
	doc["findings"] = fs[:1]
	var lines strings.Builder
	for _, f := range fs {
		lines.WriteString(findingLine(t, f) + "\n")
	}
	got, _ := json.MarshalIndent(doc, "", "  ")
	compareGolden(t, filepath.Join("testdata", "scan_example.json"), string(got)+"\n")
	compareGolden(t, filepath.Join("testdata", "scan_example.findings"), lines.String())
}

// findingLine renders a finding of the JSON document on one line:
// `path:line:col-end_line:end_col rule slug severity kind fingerprint
// [key=value of the optional fields]: message => replacement`. Every key
// of the finding must be rendered.
func findingLine(t *testing.T, v any) string {
	t.Helper()
	f, _ := v.(map[string]any)
	s := func(k string) string {
		x, ok := f[k]
		delete(f, k)
		if !ok {
			return ""
		}
		return fmt.Sprint(x)
	}
	line := fmt.Sprintf("%s:%s:%s-%s:%s %s %s %s %s %s", s("path"), s("line"), s("col"), s("end_line"), s("end_col"),
		s("rule"), s("slug"), s("severity"), s("kind"), s("fingerprint"))
	s("root")   // the same for every finding
	s("family") // the rule's
	msg, repl := s("message"), s("replacement")
	for _, k := range []string{"module", "guard", "entrypoint", "positive"} {
		if x := s(k); x != "" {
			line += " " + k + "=" + x
		}
	}
	if len(f) > 0 {
		t.Errorf("finding fields not rendered in the golden line: %v", f)
	}
	return line + ": " + msg + " => " + repl
}

func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("scan output differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestScanExampleContract(t *testing.T) {
	res, _, _ := scanJSON(t, example)
	if res.Schema != 1 || res.Tool.Name != "letgo" || res.Stats.PythonFiles != 15 {
		t.Errorf("header: schema %d tool %q python files %d", res.Schema, res.Tool.Name, res.Stats.PythonFiles)
	}
	has := func(rule, path string, line int) bool {
		for _, f := range res.Findings {
			if f.Rule == rule && f.Path == path && f.Line == line {
				return true
			}
		}
		return false
	}
	for _, w := range []struct {
		rule, path string
		line       int
	}{
		{"EV203", "nimbus/monkey_patch.py", 17},
		{"EV101", "nimbus/worker.py", 1},
		{"EV110", "nimbus/worker.py", 15},
		{"EV402", "nimbus/cmd/api.py", 12},
		{"EV602", "nimbus/tests/unit/test_worker.py", 10},
		{"EV701", "requirements.txt", 1},
	} {
		if !has(w.rule, w.path, w.line) {
			t.Errorf("no %s at %s:%d", w.rule, w.path, w.line)
		}
	}
	for _, f := range res.Findings {
		if f.Path == "nimbus/common/utils.py" {
			t.Errorf("finding in the unrelated utils.monkey_patch module: %+v", f)
		}
		if f.Fingerprint == "" || f.Slug == "" || f.Severity == "" {
			t.Errorf("finding lacks contract fields: %+v", f)
		}
		if strings.HasPrefix(f.Rule, "EV10") && (f.Module == "" || f.Guard == "") {
			t.Errorf("import finding lacks module/guard: %+v", f)
		}
	}
	var eps []string
	for _, ep := range res.EntryPoints {
		eps = append(eps, ep.Group+" "+ep.Name+" "+ep.Path)
	}
	want := []string{
		"console_scripts nimbus-api nimbus/cmd/api.py",
		"console_scripts nimbus-manage nimbus/cmd/manage.py",
		"console_scripts nimbus-worker nimbus/cmd/worker.py",
		"wsgi_module nimbus.api.wsgi nimbus/api/wsgi.py",
		"wsgi_scripts nimbus-wsgi nimbus/api/wsgi.py",
	}
	if diff := cmp.Diff(want, eps); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	for i := 1; i < len(res.Findings); i++ {
		a, b := res.Findings[i-1], res.Findings[i]
		if a.Path > b.Path || a.Path == b.Path && a.Line > b.Line {
			t.Errorf("findings not sorted: %s:%d before %s:%d", a.Path, a.Line, b.Path, b.Line)
		}
	}
}

func TestScanFormats(t *testing.T) {
	res, _, _ := scanJSON(t, example)
	t.Run("flake8", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--format", "flake8", example)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(res.Findings) {
			t.Fatalf("flake8 lines = %d, want %d", len(lines), len(res.Findings))
		}
		if !strings.HasPrefix(lines[0], "../../examples/nimbus/.coveragerc:4:1: EV704 ") {
			t.Errorf("first line %q", lines[0])
		}
	})
	t.Run("sarif", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--format", "sarif", example)
		var log struct {
			Version string
			Runs    []struct {
				Tool struct {
					Driver struct {
						Name  string
						Rules []struct{ ID string }
					}
				}
				Results []struct {
					RuleID    string
					RuleIndex int
					Level     string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine int }
						}
					}
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "letgo" {
			t.Fatalf("sarif header: %+v", log)
		}
		r := log.Runs[0]
		if len(r.Results) != len(res.Findings) {
			t.Errorf("results = %d, want %d", len(r.Results), len(res.Findings))
		}
		for _, x := range r.Results {
			if r.Tool.Driver.Rules[x.RuleIndex].ID != x.RuleID {
				t.Errorf("ruleIndex %d names %s, result says %s", x.RuleIndex, r.Tool.Driver.Rules[x.RuleIndex].ID, x.RuleID)
			}
			if x.Level != "error" && x.Level != "warning" && x.Level != "note" {
				t.Errorf("bad level %q", x.Level)
			}
			if len(x.Locations) != 1 || x.Locations[0].PhysicalLocation.Region.StartLine < 1 {
				t.Errorf("bad location %+v", x.Locations)
			}
		}
	})
	t.Run("markdown", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--format", "markdown", example)
		for _, want := range []string{"# letgo scan", "| EV110 eventlet-spawn | 1 |", "## Entry points"} {
			if !strings.Contains(out, want) {
				t.Errorf("markdown lacks %q", want)
			}
		}
	})
	t.Run("text by rule", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--group", "rule", example)
		if !strings.Contains(out, "EV110 eventlet-spawn: green thread spawned") || strings.Contains(out, "\x1b[") {
			t.Errorf("text output:\n%s", out)
		}
	})
}

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"fail-on high", []string{"scan", "--fail-on", "high", example}, ExitFindings, ""},
		{"fail-on unknown", []string{"scan", "--fail-on", "critical", example}, ExitUsage, "unknown severity"},
		{"bad format", []string{"scan", "--format", "xml", example}, ExitUsage, "unknown format"},
		{"bad select", []string{"scan", "--select", "E501", example}, ExitUsage, "unknown rule"},
		{"missing root", []string{"scan", filepath.Join(dir, "nope")}, ExitError, "cannot read project root"},
		{"output not writable", []string{"scan", "--output", filepath.Join(dir, "no", "such", "dir", "r.json"), example}, ExitError, "write report"},
		{"select leaves only clean", []string{"scan", "--select", "EV13", "--fail-on", "info", example}, ExitClean, ""},
		{"explain unknown", []string{"explain", "EV999"}, ExitUsage, "no rule"},
		{"check without baseline", []string{"check", example}, ExitUsage, "needs --baseline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Errorf("Main(%q) = %d, stderr %q; want %d, %q", tt.args, code, errOut, tt.code, tt.err)
			}
		})
	}
}

func TestSelectIgnoreAndConfig(t *testing.T) {
	res, _, _ := scanJSON(t, "--select", "EV2", "--ignore", "EV205", example)
	for _, f := range res.Findings {
		if !strings.HasPrefix(f.Rule, "EV2") || f.Rule == "EV205" {
			t.Errorf("unexpected %s with --select EV2 --ignore EV205", f.Rule)
		}
	}
	if len(res.Findings) == 0 {
		t.Error("no findings with --select EV2")
	}

	dir := t.TempDir()
	write(t, dir, "pyproject.toml", "[project]\nname = \"x\"\n[tool.letgo]\nselect = [\"EV11\"]\nfail-on = \"medium\"\n")
	write(t, dir, "x/__init__.py", "import eventlet\neventlet.spawn(f)\neventlet.monkey_patch()\n")
	res, _, code := scanJSON(t, dir)
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule)
	}
	if diff := cmp.Diff([]string{"EV110"}, rules); diff != "" || code != ExitFindings {
		t.Errorf("config select: exit %d, rules (-want +got):\n%s", code, diff)
	}
	res, _, code = scanJSON(t, "--select", "EV20", "--fail-on", "high", dir)
	if len(res.Findings) != 1 || res.Findings[0].Rule != "EV202" || code != ExitFindings {
		t.Errorf("flags should win over config: exit %d, %+v", code, res.Findings)
	}
	// A baseline is written under the same configuration, so check finds
	// nothing new and nothing "fixed".
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if out, errOut, code := run(t, "baseline", "write", bl, dir); code != ExitClean || !strings.Contains(out, "wrote 1 findings") {
		t.Errorf("baseline write under config: exit %d %q %s", code, out, errOut)
	}
	if _, errOut, code := run(t, "check", "--baseline", bl, dir); code != ExitClean || !strings.Contains(errOut, "0 new, 1 known, 0 fixed") {
		t.Errorf("check against it: exit %d %s", code, errOut)
	}
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBadInput builds a hostile tree: every bad file gets a clear per-file
// finding, the good file is still analysed, and the exit code stays 0.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pkg/__init__.py", "")
	write(t, dir, "pkg/good.py", "import eventlet\n")
	write(t, dir, "pkg/binary.py", "\x7fELF\x00\x00\x01binary")
	write(t, dir, "pkg/latin1.py", "x = '\xe9t\xe9'\nimport eventlet\n")
	write(t, dir, "pkg/deep.py", strings.Repeat("(", 10000)+strings.Repeat(")", 10000)+"\n")
	write(t, dir, "pkg/long.py", "x = ["+strings.Repeat("1,", 5<<20)+"]\nimport eventlet\n")
	write(t, dir, "pkg/chain.py", "x = "+strings.Repeat("a+", 5<<20)+"a\nimport eventlet\n")
	write(t, dir, "pkg/syntax.py", "def f(:\n    pass\nimport eventlet\n")
	if err := os.Symlink("loop_b.py", filepath.Join(dir, "pkg/loop_a.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop_a.py", filepath.Join(dir, "pkg/loop_b.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing.py", filepath.Join(dir, "pkg/dangling.py")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"scan", "--format", "json", dir}, &stdout, &stderr)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res contract.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range res.Findings {
		got[f.Path] = append(got[f.Path], f.Rule+" "+f.Message)
	}
	expect := map[string]string{
		"pkg/good.py":     "EV101",
		"pkg/binary.py":   "EV904 binary file",
		"pkg/latin1.py":   "EV901 syntax error: invalid UTF-8",
		"pkg/deep.py":     "EV901 syntax error: too many nested",
		"pkg/long.py":     "EV101",
		"pkg/chain.py":    "EV901 syntax error: too many nested",
		"pkg/syntax.py":   "EV901 syntax error",
		"pkg/loop_a.py":   "EV904 cannot read: too many levels of symbolic links",
		"pkg/dangling.py": "EV904 cannot read: no such file",
	}
	for path, want := range expect {
		found := false
		for _, g := range got[path] {
			found = found || strings.HasPrefix(g, want)
		}
		if !found {
			t.Errorf("%s: findings %q, want one starting %q", path, got[path], want)
		}
	}
	// Partial trees are still analysed: the import after the syntax error
	// and the one after the latin-1 line are found.
	for _, path := range []string{"pkg/syntax.py", "pkg/latin1.py", "pkg/chain.py"} {
		n := 0
		for _, g := range got[path] {
			if strings.HasPrefix(g, "EV101") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d EV101 findings after the error, want 1 (%q)", path, n, got[path])
		}
	}
	if res.Stats.Skipped != 4 || res.Stats.SyntaxErrors != 4 {
		t.Errorf("stats: skipped %d (want 4), syntax errors %d (want 4)", res.Stats.Skipped, res.Stats.SyntaxErrors)
	}
}

func TestModesCommand(t *testing.T) {
	out, errOut, code := run(t, "modes", example)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"nimbus-api                   service  dual-default-eventlet    env NIMBUS_DISABLE_EVENTLET_PATCHING",
		"nimbus-worker                service  threading-only",
		"nimbus-manage                tool     none",
		"3 of 4 services default to threading (1 tool(s) not counted)",
		"stage 1 (both modes, eventlet default): 1 service(s) still default to eventlet: nimbus-api",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("modes output lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareCommand(t *testing.T) {
	a, b := "../compare/testdata/rally-eventlet.json", "../compare/testdata/rally-threading.json"
	out, errOut, code := run(t, "compare", a, b)
	if code != ExitClean || !strings.Contains(out, "regressed") || !strings.Contains(out, "verdicts:") {
		t.Errorf("compare: exit %d, stderr %s\n%s", code, errOut, out)
	}
	if _, _, code := run(t, "compare", "--max-ratio", "1.10", a, b); code != ExitFindings {
		t.Errorf("--max-ratio 1.10: exit %d, want %d", code, ExitFindings)
	}
	if _, _, code := run(t, "compare", "--max-ratio", "1.50", a, b); code != ExitClean {
		t.Errorf("--max-ratio 1.50: exit %d, want 0", code)
	}
	// Several runs per arm: each run is one observation.
	out, errOut, code = run(t, "compare", a, a, "vs", b, b)
	if code != ExitClean || !strings.Contains(out, "median per run") || !strings.Contains(out, "2 Rally runs of A and 2 of B") {
		t.Errorf("runs per arm: exit %d %s\n%s", code, errOut, out)
	}
	if _, errOut, code := run(t, "compare", a, a, "vs", b); code != ExitUsage || !strings.Contains(errOut, "two or more on each side") {
		t.Errorf("two runs against one: exit %d %s", code, errOut)
	}
	// --cells keeps the matching cells only (and corrects over them).
	out, errOut, code = run(t, "compare", "--cells", "duration$", "--format", "json", a, b)
	var filtered compare.Report
	if err := json.Unmarshal([]byte(out), &filtered); err != nil || code != ExitClean || len(filtered.Cells) == 0 {
		t.Fatalf("--cells: exit %d %v %s", code, err, errOut)
	}
	for _, c := range filtered.Cells {
		if c.Metric != "duration" {
			t.Errorf("--cells duration$ kept %s %s", c.Workload, c.Metric)
		}
	}
	if _, errOut, code := run(t, "compare", "--cells", "(", a, b); code != ExitUsage || !strings.Contains(errOut, "--cells") {
		t.Errorf("bad --cells: exit %d %s", code, errOut)
	}
	// B's one failed iteration in 20 is not a significant increase.
	if _, errOut, code := run(t, "compare", "--max-error-delta", "0", a, b); code != ExitClean || strings.Contains(errOut, "errors") {
		t.Errorf("--max-error-delta 0 on 0/20 vs 1/20: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "compare", a, "missing.json"); code != ExitError || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d %s", code, errOut)
	}
	out, _, _ = run(t, "compare", "--format", "json", a, b)
	if !strings.Contains(out, `"verdict": "regressed"`) || !strings.Contains(out, `"p_holm"`) || !strings.Contains(out, `"a_samples"`) {
		t.Errorf("json output:\n%s", out)
	}
	out, _, code = run(t, "compare", "--format", "markdown", a, b)
	if code != ExitClean || !strings.Contains(out, "| workload | metric |") || !strings.Contains(out, "**regressed**") {
		t.Errorf("markdown output: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "compare", "--format", "html", a, b)
	if code != ExitClean || !strings.HasPrefix(out, "<!DOCTYPE html>") || strings.Count(out, "<svg ") < 3 {
		t.Errorf("html output: exit %d, %d plots", code, strings.Count(out, "<svg "))
	}
	if _, _, code := run(t, "compare", "--format", "pdf", a, b); code != ExitUsage {
		t.Errorf("unknown format: exit %d", code)
	}
	dir := t.TempDir()
	ma, mb := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.toml")
	os.WriteFile(ma, []byte(`{"nova": {"version": "31.0.0", "workers": 4}, "concurrency": "eventlet", "kernel": "6.1"}`), 0o644)
	os.WriteFile(mb, []byte("concurrency = \"threading\"\nkernel = \"6.1\"\n[nova]\nversion = \"31.0.0\"\nworkers = 8\nthreads = 16\n"), 0o644)
	out, errOut, code = run(t, "compare", "--meta-a", ma, "--meta-b", mb, a, b)
	for _, want := range []string{"metadata: concurrency: A eventlet, B threading", "metadata: nova.threads: only B sets it (16)", "metadata: nova.workers: A 4, B 8"} {
		if !strings.Contains(out, want) {
			t.Errorf("metadata diff lacks %q: exit %d %s\n%s", want, code, errOut, out)
		}
	}
	if strings.Contains(out, "nova.version") || strings.Contains(out, "kernel") {
		t.Errorf("metadata diff shows equal keys:\n%s", out)
	}
	if _, errOut, code := run(t, "compare", "--meta-a", ma, a, b); code != ExitUsage || !strings.Contains(errOut, "go together") {
		t.Errorf("--meta-a alone: exit %d %s", code, errOut)
	}
	os.WriteFile(mb, []byte("not = [toml"), 0o644)
	if _, errOut, code := run(t, "compare", "--meta-a", ma, "--meta-b", mb, a, b); code != ExitError || !strings.Contains(errOut, "b.toml") {
		t.Errorf("bad metadata: exit %d %s", code, errOut)
	}
}

// TestCompareTailGate: B's body equals A's, its top 5% take three times as
// long. Only the tail gate fails the run.
func TestCompareTailGate(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, heavy bool) string {
		var results []string
		for i := 0; i < 200; i++ {
			v := 1 + 0.2*float64((i*37)%200)/200
			if heavy && (i*37)%200 >= 190 {
				v *= 3
			}
			results = append(results, fmt.Sprintf(`{"duration": %g, "idle_duration": 0, "error": [], "atomic_actions": {}}`, v))
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(`[{"key": {"name": "Dummy.dummy", "kw": {"args": {}, "runner": {"type": "constant"}}}, "result": [`+strings.Join(results, ",")+`]}]`), 0o644)
		return path
	}
	a, b := write("a.json", false), write("b.json", true)
	if out, errOut, code := run(t, "compare", "--fail-on-regression", a, b); code != ExitClean || !strings.Contains(out, "tail: Dummy.dummy duration: p99 B/A") {
		t.Errorf("median gate: exit %d %s\n%s", code, errOut, out)
	}
	if _, errOut, code := run(t, "compare", "--max-tail-ratio", "1.10", a, b); code != ExitFindings || !strings.Contains(errOut, "gate: Dummy.dummy duration tail p99") {
		t.Errorf("tail gate 1.10: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "compare", "--max-tail-ratio", "5", a, b); code != ExitClean {
		t.Errorf("tail gate 5: exit %d %s", code, errOut)
	}
	// The p99 gate reads the same bootstrap interval, for p99 only.
	if _, errOut, code := run(t, "compare", "--max-p99-ratio", "1.10", a, b); code != ExitFindings || !strings.Contains(errOut, "gate: Dummy.dummy duration p99 B/A") {
		t.Errorf("p99 gate 1.10: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "compare", "--max-p99-ratio", "1.10", a, a); code != ExitClean {
		t.Errorf("p99 gate on A vs A: exit %d %s", code, errOut)
	}
}

func TestCompareLive(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	serve := func(d time.Duration) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(d)
		})}}
		s.Start()
		t.Cleanup(s.Close)
		return s.URL
	}
	// Six trials per arm: the smallest exact two-sided p is then 2/924, which
	// survives Holm over the eight cells (with four it is 2/70, which cannot).
	// B is six times slower. What the statistics guarantee for the trials
	// this run produced is checked, so a busy machine (a whole trial of A
	// stalled behind other work) cannot fail the test while a wrong
	// measurement or verdict still does: each trial's p50 lies above its
	// server's delay; when every A trial is faster than every B trial the
	// p50 cell must be regressed and the gate must fail; and the exit code
	// always agrees with the cells.
	a, b := serve(5*time.Millisecond), serve(30*time.Millisecond)
	out, errOut, code := run(t, "compare", "--a", a, "--b", b, "--rate", "100", "--trials", "6", "--duration", "300ms", "--warmup", "50ms", "--fail-on-regression", "--format", "json")
	var first struct {
		compare.Report
		Trials []compare.Trial `json:"trials"`
	}
	if err := json.Unmarshal([]byte(out), &first); err != nil || len(first.Trials) != 12 {
		t.Fatalf("live compare: exit %d, %v, stderr %s\n%s", code, err, errOut, out)
	}
	regressed := false
	p50 := map[string][]float64{}
	for _, c := range first.Cells {
		regressed = regressed || c.Verdict == "regressed"
	}
	for _, tr := range first.Trials {
		p50[tr.Arm] = append(p50[tr.Arm], tr.Latency["p50"])
	}
	if regressed != (code == ExitFindings) {
		t.Errorf("live compare: exit %d but a regressed cell: %v", code, regressed)
	}
	for arm, floor := range map[string]float64{"A": 5, "B": 30} {
		for i, v := range p50[arm] {
			if v < floor {
				t.Errorf("arm %s trial %d: p50 %.2f ms below the server's %.0f ms", arm, i, v, floor)
			}
		}
	}
	if slices.Max(p50["A"]) < slices.Min(p50["B"]) {
		cells := map[string]compare.Cell{}
		for _, c := range first.Cells {
			cells[c.Metric] = c
		}
		if c := cells["p50 latency (ms)"]; c.Verdict != "regressed" || code != ExitFindings {
			t.Errorf("trials separated (A ≤ %.1f ms < B ≥ %.1f ms): p50 cell %s, exit %d; want regressed and exit 3",
				slices.Max(p50["A"]), slices.Min(p50["B"]), c.Verdict, code)
		}
	} else {
		t.Logf("A and B trials overlap (a busy machine): A %v, B %v; verdict not asserted", p50["A"], p50["B"])
	}
	out, errOut, code = run(t, "compare", "--a", a, "--b", b, "--rate", "100", "--trials", "2", "--duration", "200ms", "--warmup", "0s")
	if !strings.Contains(out, "p50 latency (ms)") || !strings.Contains(out, "p99.9 latency (ms)") || !strings.Contains(out, "mean latency (ms)") {
		t.Errorf("live compare text: exit %d, stderr %s\n%s", code, errOut, out)
	}
	out, errOut, code = run(t, "compare", "--a", a, "--b", b, "--rate", "50", "--trials", "2", "--duration", "1100ms", "--warmup", "0s", "--format", "json")
	var live struct {
		Series []struct {
			Arm string       `json:"arm"`
			P99 [][2]float64 `json:"p99"`
		} `json:"series"`
		Trials []compare.Trial `json:"trials"`
	}
	if err := json.Unmarshal([]byte(out), &live); err != nil || code != ExitClean || len(live.Series) != 2 || len(live.Series[0].P99) != 4 || len(live.Series[1].P99) != 4 || len(live.Trials) != 4 {
		t.Errorf("live json: exit %d %v %s\n%s", code, err, errOut, out)
	}
	// A closed model with iterations and no duration: throughput comes from
	// the measured run time, and the JSON stays encodable.
	wf := filepath.Join(t.TempDir(), "closed.toml")
	os.WriteFile(wf, []byte("[model]\nkind = \"closed\"\nclients = 2\niterations = 5\n[[request]]\npath = \"/\"\n"), 0o644)
	out, errOut, code = run(t, "compare", "--workload", wf, "--a", a, "--b", b, "--trials", "2", "--format", "json")
	if err := json.Unmarshal([]byte(out), &live); err != nil || code != ExitClean || len(live.Trials) != 4 || live.Trials[0].Throughput <= 0 {
		t.Errorf("closed live json: exit %d %v %s\n%s", code, err, errOut, out)
	}
	// B fails one request in ten: the error-rate cell (a shift in
	// percentage points) regresses and --max-error-delta fails the run;
	// throughput counts successful responses, so B's is a tenth lower: a
	// regression where higher is better.
	var n atomic.Int64
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	failing := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
		if n.Add(1)%10 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})}}
	failing.Start()
	t.Cleanup(failing.Close)
	out, errOut, code = run(t, "compare", "--a", a, "--b", failing.URL, "--rate", "100", "--trials", "6", "--duration", "300ms", "--warmup", "50ms", "--max-error-delta", "1", "--format", "json")
	var rep struct {
		compare.Report
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitFindings || !strings.Contains(errOut, "gate: http errors") {
		t.Fatalf("error gate: exit %d %v %s", code, err, errOut)
	}
	cells := map[string]compare.Cell{}
	for _, c := range rep.Cells {
		cells[c.Metric] = c
	}
	if e := cells["error rate (%)"]; e.Verdict != "regressed" || e.Shift == nil || e.Shift.Lo > 10 || e.Shift.Hi < 10 || e.Scale != "shift" {
		t.Errorf("error-rate cell: %+v %+v", e, e.Shift)
	}
	if tp := cells["throughput (req/s)"]; tp.Better != "higher" || tp.Verdict != "regressed" || tp.A.N != 6 || tp.Ratio < 0.8 || tp.Ratio > 0.95 {
		t.Errorf("throughput cell: %s better %s, n %d, B/A %.3f", tp.Verdict, tp.Better, tp.A.N, tp.Ratio)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].A != 0 || rep.Errors[0].B < 10 || rep.Errors[0].P >= 0.05 {
		t.Errorf("error counts: %+v", rep.Errors)
	}
	if _, errOut, code := run(t, "compare", "--a", a, "--b", b, "--rate", "10", "--max-error-delta", "-1"); code != ExitUsage || !strings.Contains(errOut, "percentage points") {
		t.Errorf("negative --max-error-delta: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "compare", "--a", a, "--rate", "10"); code != ExitUsage {
		t.Errorf("--a without --b: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "compare", "--a", a, "--b", b, "--rate", "100000"); code != ExitUsage || !strings.Contains(errOut, "safety cap") {
		t.Errorf("rate above the cap: exit %d %s", code, errOut)
	}
}

func TestLoad(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	s := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})}}
	s.Start()
	t.Cleanup(s.Close)
	out, errOut, code := run(t, "load", "--format", "json", "--rate", "200", "--duration", "500ms", "--warmup", "100ms", s.URL)
	if code != ExitClean {
		t.Fatalf("load: exit %d, stderr %s", code, errOut)
	}
	var reps []loadReport
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 {
		t.Fatalf("load json: %v\n%s", err, out)
	}
	rep := reps[0]
	// 100 intended sends in the measured half second; every tenth request
	// the server saw (warm-up included) failed with 503.
	if rep.Sent < 95 || rep.Sent > 100 || rep.Errors["status"] < 8 || rep.Completed+rep.Errors["status"] != rep.Sent {
		t.Errorf("load counts: sent %d completed %d errors %v", rep.Sent, rep.Completed, rep.Errors)
	}
	if len(rep.Timeline) != 1 || rep.Timeline[0].Completed != rep.Completed {
		t.Errorf("load timeline: %+v", rep.Timeline)
	}
	if rep.Latency["p50"] <= 0 || rep.Latency["p99"] < rep.Latency["p50"] || rep.Service["p50"] > rep.Latency["p99"] {
		t.Errorf("load quantiles: latency %v service %v", rep.Latency, rep.Service)
	}
	// A small run keeps every sample; their median is the histogram's p50
	// (HDR's definition: the ceil(n/2)-th smallest value, within its 3
	// significant digits).
	if int64(len(rep.Samples)) != rep.Completed {
		t.Errorf("load samples: %d of %d completed", len(rep.Samples), rep.Completed)
	} else {
		v := slices.Clone(rep.Samples)
		slices.Sort(v)
		if med := float64(v[(len(v)+1)/2-1]) / 1000; math.Abs(med-rep.Latency["p50"]) > 0.002*med+0.002 {
			t.Errorf("load samples median %.3f ms vs histogram p50 %.3f ms", med, rep.Latency["p50"])
		}
	}
	out, _, code = run(t, "load", "--clients", "2", "--duration", "200ms", "--warmup", "0s", s.URL)
	if code != ExitClean || !strings.Contains(out, "closed model, 2 clients") || !strings.Contains(out, "errors status:") {
		t.Errorf("load text: exit %d\n%s", code, out)
	}
	if _, errOut, code := run(t, "load", "--rate", "10", "--clients", "2", s.URL); code != ExitUsage || !strings.Contains(errOut, "both a rate") {
		t.Errorf("both models: exit %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "load", "--rate", "10", strings.TrimPrefix(s.URL, "http://")); code != ExitUsage || !strings.Contains(errOut, "not a base URL") {
		t.Errorf("URL without scheme: exit %d %s", code, errOut)
	}
	wf := filepath.Join(t.TempDir(), "w.toml")
	os.WriteFile(wf, []byte("[model]\nkind = \"open\"\nrates = [100, 150]\nduration = \"200ms\"\nwarmup = \"0s\"\n[[request]]\npath = \"/x/{n}\"\n"), 0o644)
	out, errOut, code = run(t, "load", "--format", "json", "--workload", wf, s.URL)
	var steps []loadReport
	if err := json.Unmarshal([]byte(out), &steps); code != ExitClean || err != nil || len(steps) != 2 || steps[0].Rate != 100 || steps[1].Rate != 150 || steps[1].Sent < 25 {
		t.Errorf("ladder: exit %d %v %s\n%s", code, err, errOut, out)
	}
	out, errOut, code = run(t, "compare", "--workload", wf, "--a", s.URL, "--b", s.URL, "--trials", "2")
	if code != ExitClean || !strings.Contains(out, "http @100/s p99") || !strings.Contains(out, "http @150/s p99") {
		t.Errorf("compare with a ladder: exit %d %s\n%s", code, errOut, out)
	}
}

// TestGateP99Cells: --max-p99-ratio reads a live comparison's p99 cells:
// a regression past the threshold fails, a smaller one or another
// quantile does not.
func TestGateP99Cells(t *testing.T) {
	g := gate{maxP99: 1.10, maxErrDelta: -1, alpha: 0.05}
	cell := func(metric string, verdict stats.Verdict, ratio float64) compare.Cell {
		return compare.Cell{Workload: "http p99", Metric: metric, Verdict: verdict, Ratio: ratio, Better: "lower"}
	}
	for _, c := range []struct {
		cells []compare.Cell
		want  int
	}{
		{[]compare.Cell{cell("p99 latency (ms)", stats.Regressed, 1.2)}, ExitFindings},
		{[]compare.Cell{cell("p99 latency (ms)", stats.Regressed, 1.05)}, ExitClean},
		{[]compare.Cell{cell("p99 latency (ms)", stats.Inconclusive, 1.3)}, ExitClean},
		{[]compare.Cell{cell("p99.9 latency (ms)", stats.Regressed, 1.5)}, ExitClean},
	} {
		var stderr strings.Builder
		if got := g.exit(compare.Report{Cells: c.cells}, &stderr); got != c.want {
			t.Errorf("%+v: exit %d, want %d (%s)", c.cells[0], got, c.want, stderr.String())
		}
	}
}
