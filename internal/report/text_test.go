package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/contract"
)

// TestConcernsSummary: the text report's concerns section has a line per
// concern found, with the rules behind it read from the catalogue, and the
// Python 3.14 line.
func TestConcernsSummary(t *testing.T) {
	res := sampleResult()
	res.Concerns = []contract.Concern{
		{Type: "pickling", Path: "svc/cmd.py", Line: 3, Rule: "EV502"},
		{Type: "order-dependent-runtime", Path: "svc/pile.py", Line: 9, Rule: "EV507"},
		{Type: "order-dependent-runtime", Path: "svc/pile.py", Line: 12, Rule: "EV507"},
		{Type: "python-3.14", Path: "setup.cfg", Line: 1, Detail: "missing: no 3.14 classifier", Rule: "EV501"},
	}
	var b bytes.Buffer
	if err := Write(&b, "text", res, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Python 3.14: missing: no 3.14 classifier",
		"order-dependent-runtime 2 finding(s), rules EV507",
		"pickling                1 finding(s), rules EV502/EV503",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("concerns section lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rootwrap-privsep") {
		t.Errorf("a concern with no finding is listed:\n%s", out)
	}
}

func TestConcernsMarkdown(t *testing.T) {
	res := sampleResult()
	res.Concerns = []contract.Concern{
		{Type: "pickling", Path: "svc/cmd.py", Line: 3, Rule: "EV502"},
		{Type: "python-3.14", Path: "setup.cfg", Line: 1, Detail: "missing: no 3.14 classifier", Rule: "EV501"},
	}
	var b bytes.Buffer
	if err := Write(&b, "markdown", res, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Concerns", "| pickling | 1 | EV502/EV503 |", "Python 3.14: missing: no 3.14 classifier"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
}
