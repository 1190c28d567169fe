package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

func TestParseSuppressions(t *testing.T) {
	src := "a  # noqa: EV101, EV110\n" +
		"b  # NOQA:EV201\n" +
		"c  # noqa\n" +
		"d  # noqa: E501,W291\n" +
		"e  # noqa: E501, EV301\n" +
		"f  # letgo: ignore[EV110,EV111] only the eventlet gate runs this\n" +
		"g  # letgo: ignore[EV110]\n" +
		"h = '# noqa: EV101'\n"
	f := pysrc.Parse("m.py", []byte(src))
	var got []string
	for _, s := range ParseSuppressions(f) {
		got = append(got, strings.Join([]string{itoa(s.Line), strings.Join(s.Codes, ","), s.Reason, boolString(s.Letgo)}, "|"))
	}
	want := []string{
		"1|EV101,EV110||noqa",
		"2|EV201||noqa",
		"5|EV301||noqa",
		"6|EV110,EV111|only the eventlet gate runs this|letgo",
		"7|EV110||letgo",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func boolString(letgo bool) string {
	if letgo {
		return "letgo"
	}
	return "noqa"
}

func TestApplySuppressions(t *testing.T) {
	f := pysrc.Parse("m.py", []byte("x  # noqa: EV110\ny  # letgo: ignore[EV111]\nz  # letgo: ignore[EV112] reason\n"))
	sups := ParseSuppressions(f)
	fs := []Finding{{Rule: "EV110", Line: 1}, {Rule: "EV120", Line: 1}, {Rule: "EV111", Line: 2}, {Rule: "EV112", Line: 3}}
	kept := ApplySuppressions(fs, sups)
	var rules []string
	for _, k := range kept {
		rules = append(rules, k.Rule)
	}
	// EV111's suppression has no reason, so it suppresses nothing.
	if diff := cmp.Diff([]string{"EV120", "EV111"}, rules); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if u := sups[0].Unused(); len(u) != 0 {
		t.Errorf("used noqa reported unused: %v", u)
	}
}

// TestCollector: past the cap a (file, rule) keeps only a count, the
// storage does not grow with what is left out, and suppressed findings
// neither count nor are kept.
func TestCollector(t *testing.T) {
	f := pysrc.Parse("m.py", []byte("x  # noqa: EV101\n"))
	sups := ParseSuppressions(f)
	c := NewCollector(sups)
	const n = 10 * MaxFindingsPerRule
	for i := 0; i < n; i++ {
		c.Report(Finding{Rule: "EV101", Path: "m.py", Line: 1}) // suppressed
		c.Report(Finding{Rule: "EV101", Path: "m.py", Line: i + 2})
		c.Report(Finding{Rule: "EV101", Path: "n.py", Line: i + 2})
	}
	for i := 0; i < 3; i++ {
		c.Report(Finding{Rule: "EV110", Path: "m.py", Line: i + 2})
	}
	counts := map[string]int{}
	for _, k := range c.Findings() {
		counts[k.Path+" "+k.Rule]++
	}
	want := map[string]int{"m.py EV101": MaxFindingsPerRule, "n.py EV101": MaxFindingsPerRule, "m.py EV110": 3}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("kept per file and rule (-want +got):\n%s", diff)
	}
	if got := cap(c.Findings()); got > 5*MaxFindingsPerRule {
		t.Errorf("cap(Findings()) = %d, want storage bounded by the cap (at most %d)", got, 5*MaxFindingsPerRule)
	}
	var got []string
	for _, o := range c.Omitted() {
		got = append(got, fmt.Sprintf("%s %s %d first line %d", o.Path, o.Rule, o.Count, o.First.Line))
	}
	left := n - MaxFindingsPerRule
	wantOmitted := []string{
		fmt.Sprintf("m.py EV101 %d first line %d", left, MaxFindingsPerRule+2),
		fmt.Sprintf("n.py EV101 %d first line %d", left, MaxFindingsPerRule+2),
	}
	if diff := cmp.Diff(wantOmitted, got); diff != "" {
		t.Errorf("Omitted (-want +got):\n%s", diff)
	}
	if u := sups[0].Unused(); len(u) != 0 {
		t.Errorf("suppression used by the collector reported unused: %v", u)
	}
}

func TestSeverity(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Severity
		ok   bool
	}{{"high", SevHigh, true}, {"INFO", SevInfo, true}, {"critical", "", false}, {"", "", false}} {
		got, err := ParseSeverity(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if !(SevHigh.Rank() > SevMedium.Rank() && SevMedium.Rank() > SevLow.Rank() && SevLow.Rank() > SevInfo.Rank()) {
		t.Error("severity ranks out of order")
	}
}

func FuzzParseSuppressions(f *testing.F) {
	f.Add("x  # noqa: EV101\ny  # letgo: ignore[EV1,] r\n")
	f.Fuzz(func(t *testing.T, src string) {
		for _, s := range ParseSuppressions(pysrc.Parse("f.py", []byte(src))) {
			if s.Line < 1 {
				t.Fatalf("suppression at line %d", s.Line)
			}
		}
	})
}
