package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

func okServer(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(s.Close)
	return s.URL
}

func TestLoadUsageErrors(t *testing.T) {
	url := okServer(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"negative duration", []string{"--rate", "10", "--duration", "-1s"}, "negative duration"},
		{"negative warm-up", []string{"--rate", "10", "--warmup", "-1s"}, "negative warm-up"},
		{"overflowing duration", []string{"--rate", "10", "--duration", "9999999999h"}, "invalid value"},
		{"negative rate", []string{"--rate", "-5", "--clients", "2"}, "not a number"},
		{"NaN rate", []string{"--rate", "NaN"}, "not a number"},
		{"10 minutes and the timeout", []string{"--rate", "10", "--duration", "10m"}, "safety cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"load"}, tt.args...), url)
			_, errOut, code := run(t, args...)
			if code != ExitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("Main(%q) = %d, stderr %q; want %d, %q", args, code, errOut, ExitUsage, tt.want)
			}
		})
	}
}

// A run in which nothing completed measured nothing: exit 1, and say why.
func TestLoadNothingCompleted(t *testing.T) {
	args := []string{"load", "--clients", "1", "--duration", "200ms", "--warmup", "0s", closedPort(t)}
	out, errOut, code := run(t, args...)
	if code != ExitError || !strings.Contains(errOut, "no request to") || !strings.Contains(errOut, "connect errors") || !strings.Contains(out, "errors connect:") {
		t.Errorf("Main(%q) = %d, stdout %q, stderr %q; want %d, the report and the reason", args, code, out, errOut, ExitError)
	}
}

// An interrupted run reports what it measured, marked as such, and exits 1.
func TestLoadInterruptedKeepsReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	args := []string{"load", "--rate", "100", "--duration", "30s", "--warmup", "0s", "--format", "json", okServer(t)}
	began := time.Now()
	code := Main(ctx, args, &stdout, &stderr)
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("an interrupted 30 s run took %v", took)
	}
	var reps []loadReport
	if err := json.Unmarshal(stdout.Bytes(), &reps); err != nil {
		t.Fatalf("Main(%q) stdout %q: %v", args, stdout.String(), err)
	}
	if code != ExitError || len(reps) != 1 || !reps[0].Interrupted || reps[0].Completed == 0 || !strings.Contains(strings.Join(reps[0].Warnings, " "), "interrupted") ||
		!strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("Main(%q) = %d, reports %+v, stderr %q; want %d and the partial run, marked interrupted", args, code, reps, stderr.String(), ExitError)
	}
}

func TestLoadWarningsFirst(t *testing.T) {
	rep := loadReport{URL: "http://x", Model: "open", Rate: 10, Warnings: []string{"the load generator fell behind its schedule"}}
	var b bytes.Buffer
	writeLoadText(&b, rep)
	if !strings.HasPrefix(b.String(), "warning: the load generator fell behind") {
		t.Errorf("writeLoadText(%+v) = %q, want the warning on the first line", rep, b.String())
	}
}

// With arm B down, the comparison proves nothing: exit 1 naming the arm,
// whatever the gate, and the report shows what A has.
func TestCompareLiveArmDown(t *testing.T) {
	b := closedPort(t)
	args := []string{"compare", "--a", okServer(t), "--b", b, "--rate", "50", "--duration", "200ms", "--warmup", "0s", "--trials", "2", "--fail-on-regression"}
	out, errOut, code := run(t, args...)
	if code != ExitError || !strings.Contains(errOut, "arm B ("+b+")") || !strings.Contains(errOut, "connect errors") || !strings.Contains(out, "error: arm B") {
		t.Errorf("Main(%q) = %d, stdout %q, stderr %q; want %d naming arm B", args, code, out, errOut, ExitError)
	}
	if !strings.Contains(out, "2+0") {
		t.Errorf("Main(%q) stdout %q: want cells with A's 2 observations and B's 0", args, out)
	}
}

// Two Rally files without a workload in common compare nothing: exit 1.
func TestCompareRallyNothingInCommon(t *testing.T) {
	dir := t.TempDir()
	doc := func(name string) string {
		return `[{"key": {"name": "` + name + `", "kw": {"args": {}, "runner": {"type": "constant"}}}, "result": [{"duration": 1}, {"duration": 2}]}]`
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	os.WriteFile(a, []byte(doc("Nova.boot")), 0o644)
	os.WriteFile(b, []byte(doc("Cinder.create")), 0o644)
	for _, format := range []string{"text", "json"} {
		args := []string{"compare", "--format", format, a, b}
		_, errOut, code := run(t, args...)
		if code != ExitError || !strings.Contains(errOut, "no workload in common") {
			t.Errorf("Main(%q) = %d, stderr %q; want %d, no workload in common", args, code, errOut, ExitError)
		}
	}
	args := []string{"compare", "--cells", "nothing-matches", a, a}
	if _, errOut, code := run(t, args...); code != ExitError || !strings.Contains(errOut, "cell filter") {
		t.Errorf("Main(%q) = %d, stderr %q; want %d, the cell filter named", args, code, errOut, ExitError)
	}
	os.WriteFile(b, []byte(strings.Replace(doc("Nova.boot"), `"duration": 2`, `"duration": 1e400`, 1)), 0o644)
	args = []string{"compare", "--format", "json", a, b}
	if _, errOut, code := run(t, args...); code != ExitError || !strings.Contains(errOut, "workload Nova.boot, iteration 2") {
		t.Errorf("Main(%q) = %d, stderr %q; want %d naming workload and iteration", args, code, errOut, ExitError)
	}
}

// TestCompareOutputAndHostileNames: --output replaces the report file
// whole, and workload names from Rally files reach the terminal with their
// control characters neutralised.
func TestCompareOutputAndHostileNames(t *testing.T) {
	dir := t.TempDir()
	name := "Nova.boot\x1b[31m\x1b]0;owned\x07"
	doc := `[{"key": {"name": "` + strings.ReplaceAll(strings.ReplaceAll(name, "\x1b", `\u001b`), "\x07", `\u0007`) +
		`", "kw": {"args": {}, "runner": {"type": "constant"}}}, "result": [{"duration": 1}, {"duration": 2}, {"duration": 1.5}]}]`
	a := filepath.Join(dir, "a.json")
	os.WriteFile(a, []byte(doc), 0o644)
	out, errOut, code := run(t, "compare", a, a)
	if code != ExitClean || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `Nova.boot\x1b[31m`) {
		t.Errorf("compare text = %d, stderr %q, stdout %q: want the name escaped", code, errOut, out)
	}
	report := filepath.Join(dir, "report.md")
	os.WriteFile(report, []byte("previous"), 0o644)
	out, errOut, code = run(t, "compare", "--format", "markdown", "--output", report, a, a)
	got, _ := os.ReadFile(report)
	if code != ExitClean || out != "" || !strings.Contains(string(got), "| ") || strings.ContainsAny(string(got), "\x1b\x07") {
		t.Errorf("compare --output = %d, stderr %q, stdout %q, file %q", code, errOut, out, got)
	}
	if _, errOut, code := run(t, "compare", "--output", filepath.Join(dir, "no", "such", "dir.txt"), a, a); code != ExitError || !strings.Contains(errOut, "write report") {
		t.Errorf("compare --output into a missing directory = %d, stderr %q", code, errOut)
	}
}
