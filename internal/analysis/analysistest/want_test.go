package analysistest

import (
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
