package analysistest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
)

func TestWantComments(t *testing.T) {
	src := "import eventlet  # want EV101\n" +
		"eventlet.spawn(f)  # want EV110 \"eventlet\\.spawn\\(\\) called\" EV101\n" +
		"x = 1  # want EV110 \"say \\\"hi\\\"\"\n" +
		"# wanted: not a want comment\n"
	got, err := parseWantComments("m.py", []byte(src), known)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, e := range got {
		s = append(s, e.String())
	}
	want := `m.py:1 EV101|m.py:2 EV110 "eventlet\\.spawn\\(\\) called"|m.py:2 EV101|m.py:3 EV110 "say \"hi\""`
	if strings.Join(s, "|") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(s, "|"), want)
	}
}

func TestMalformedWant(t *testing.T) {
	for _, tt := range []struct{ line, err string }{
		{"f()  # want", "no rule id"},
		{"f()  # want EV11", `"EV11" is not a rule id`},
		{"f()  # want ev110", `"ev110" is not a rule id`},
		{"f()  # want EV110 \"spawn", "unterminated pattern"},
		{"f()  # want EV110 \"a\"\"b\"", "right after the closing quote"},
		{"f()  # want \"spawn\"", "does not follow a rule id"},
		{"f()  # want EV110 \"a\" \"b\"", "does not follow a rule id"},
		{"f()  # want EV110 \"(\"", "bad pattern"},
		{"f()  # want EV999", "no rule EV999"},
		{"f()  # want EV110, EV101", `"EV110," is not a rule id`},
	} {
		_, err := parseWantComments("m.py", []byte("\n"+tt.line+"\n"), known)
		if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "m.py:2: malformed want comment") {
			t.Errorf("%q: error %v, want one naming m.py:2 and %q", tt.line, err, tt.err)
		}
	}
	for _, l := range []string{"m.py EV110", "m.py:x EV110", "m.py:0 EV110", "m.py:3", "m.py:3 EV11"} {
		if _, err := parseWantLine(l, known); err == nil {
			t.Errorf("want line %q accepted", l)
		}
	}
	if ws, err := parseWantLine(`a/b.txt:3 EV701 "oslo"`, known); err != nil || len(ws) != 1 || ws[0].String() != `a/b.txt:3 EV701 "oslo"` {
		t.Errorf("want line: %v %v", ws, err)
	}
}

func TestCompare(t *testing.T) {
	fnd := func(line int, rule, msg string) finding {
		return finding{"m.py", analysis.Finding{Path: "m.py", Line: line, Col: 1, Rule: rule, Message: msg}}
	}
	src := "a  # want EV110 \"spawn\" EV110\nb  # want EV110 \"spawn_n\"\nc  # want EV101\n"
	want, err := parseWantComments("m.py", []byte(src), known)
	if err != nil {
		t.Fatal(err)
	}
	// Two findings on line 1: the pattern takes the one it matches, the
	// bare id the other, whatever their order.
	ok := []finding{fnd(1, "EV110", "other"), fnd(1, "EV110", "spawn() called"), fnd(2, "EV110", "spawn_n() called"), fnd(3, "EV101", "x")}
	if p := compare(ok, want); len(p) != 0 {
		t.Errorf("matching findings: %q", p)
	}
	bad := []finding{fnd(1, "EV110", "other"), fnd(1, "EV110", "other"), fnd(2, "EV110", "spawn() called"), fnd(4, "EV101", "x")}
	got := strings.Join(compare(bad, want), "\n")
	for _, w := range []string{
		`m.py:1:1: EV110 message "other" does not match "spawn"`,
		`m.py:2:1: EV110 message "spawn() called" does not match "spawn_n"`,
		`m.py:4:1: unexpected EV101 "x"`,
		`missing m.py:3 EV101`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
}

func TestLineDiff(t *testing.T) {
	if d := lineDiff("a\nb\nc\n", "a\nc\nd\n"); d != "-b\n+d\n" {
		t.Errorf("diff %q", d)
	}
}

// recorder is a testing.TB that records failures instead of failing; its
// Fatal ends the goroutine running the fixture, as testing's does.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Helper()           {}

// runRecorded runs a tree fixture written from archive and returns the
// failures it reported; the golden is the one given.
func runRecorded(t *testing.T, archive, golden string) []string {
	dir := t.TempDir()
	fixture := filepath.Join(dir, "f.txtar")
	if err := os.WriteFile(fixture, []byte(archive), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(GoldenPath(fixture), []byte(golden), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runTree(r, fixture, nil)
	}()
	<-done
	return r.errs
}

// TestRunTreeFails: the driver's findings are checked against the want
// comments, their patterns and the golden; each broken fixture fails with
// a message naming what is wrong, and the sound one passes.
func TestRunTreeFails(t *testing.T) {
	const tree = "-- args --\nselect: EV110\n-- m.py --\nimport eventlet\neventlet.spawn(f)  # want EV110 %s\n"
	const gold = "m.py:2:1: EV110 medium green thread spawned: eventlet.spawn() called\n"
	for _, tt := range []struct {
		name, want, golden, err string
	}{
		{"sound", `"eventlet\.spawn\(\) called"`, gold, ""},
		{"message", `"spawn_n"`, gold, `EV110 message "green thread spawned: eventlet.spawn() called" does not match "spawn_n"`},
		{"malformed", `"spawn`, gold, "m.py:2: malformed want comment"},
		{"unknown rule", `EV999`, gold, "no rule EV999"},
		{"golden", `"spawn"`, strings.Replace(gold, "2:1", "3:1", 1), "findings differ from"},
		{"no golden", `"spawn"`, "", "findings differ from"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			errs := runRecorded(t, fmt.Sprintf(tree, tt.want), tt.golden)
			got := strings.Join(errs, "\n")
			if tt.err == "" && got != "" || tt.err != "" && !strings.Contains(got, tt.err) {
				t.Errorf("failures:\n%s\nwant one saying %q", got, tt.err)
			}
		})
	}
	// A missing finding and an unexpected one, from the driver itself.
	errs := strings.Join(runRecorded(t, "-- args --\nselect: EV110\n-- m.py --\nimport eventlet  # want EV110\neventlet.spawn(f)\n", gold), "\n")
	for _, w := range []string{"missing m.py:1 EV110", `m.py:2:1: unexpected EV110`} {
		if !strings.Contains(errs, w) {
			t.Errorf("failures lack %q:\n%s", w, errs)
		}
	}
	// A bad args line and a root the archive lacks.
	for arch, w := range map[string]string{
		"-- args --\nselect EV110\n-- m.py --\n":       "malformed args line",
		"-- args --\nselcet: EV110\n-- m.py --\n":      `unknown args key "selcet"`,
		"-- args --\nroots: nowhere\n-- m.py --\n":     "args names nowhere",
		"-- want --\nm.py:x EV110\n-- m.py --\n":       "malformed want line",
		"-- want --\nm.py:1 EV110 \"(\"\n-- m.py --\n": "bad pattern",
	} {
		if errs := strings.Join(runRecorded(t, arch, ""), "\n"); !strings.Contains(errs, w) {
			t.Errorf("%q: failures %q lack %q", arch, errs, w)
		}
	}
}
