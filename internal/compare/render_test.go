package compare

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

func rallyReport(t *testing.T) Report {
	return CompareRally(load(t, "rally-eventlet.json"), load(t, "rally-threading.json"), Options{Alpha: 0.05, Margin: 0.05})
}

func TestWriteHTML(t *testing.T) {
	rep := rallyReport(t)
	rep.Cells[0].Workload = `evil <script>alert("x")</script> & co`
	var buf bytes.Buffer
	if err := WriteHTML(&buf, "A vs B", rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "NaN", "Inf", "src=", `href="http`, "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, "evil &lt;script&gt;") {
		t.Error("workload name not escaped")
	}
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	if len(svgs) != 3*len(rep.Cells) {
		t.Fatalf("%d plots for %d cells, want 3 each", len(svgs), len(rep.Cells))
	}
	for i, svg := range svgs {
		// Every plot is well-formed XML: browsers render inline SVG leniently,
		// a strict parse catches a broken attribute before a reader does.
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("plot %d is not well-formed: %v\n%s", i, err, svg)
			}
		}
	}
	// The ECDF has two vertices per observation and arm; the run-order plot
	// one dot per observation.
	c := rep.Cells[0]
	ecdf, seq := svgs[0], svgs[2]
	paths := regexp.MustCompile(`d="([^"]*)"`).FindAllStringSubmatch(ecdf, -1)
	if len(paths) != 2 || strings.Count(paths[0][1], "L")+1 != 2*len(c.ASamples) || strings.Count(paths[1][1], "L")+1 != 2*len(c.BSamples) {
		t.Errorf("ECDF paths: %d, want 2 with %d and %d vertices", len(paths), 2*len(c.ASamples), 2*len(c.BSamples))
	}
	if got := strings.Count(seq, "<circle"); got != len(c.ASamples)+len(c.BSamples) {
		t.Errorf("run-order plot has %d dots, want %d", got, len(c.ASamples)+len(c.BSamples))
	}
	// A cell without observations still renders, without plots.
	buf.Reset()
	if err := WriteHTML(&buf, "empty", Report{Cells: []Cell{{Workload: "w", Metric: "duration", Verdict: "inconclusive"}}}); err != nil || !strings.Contains(buf.String(), "no observations") {
		t.Errorf("empty cell: %v", err)
	}
}

func TestWriteMarkdown(t *testing.T) {
	rep := rallyReport(t)
	rep.Cells[0].Workload = "a|b"
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, "A vs B", rep); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	rows := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| workload") {
			rows++
			// Eight columns: nine unescaped pipes.
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 9 {
				t.Errorf("row with %d pipes: %s", n, line)
			}
		}
	}
	if rows != len(rep.Cells) || !strings.Contains(md, `a\|b`) || !strings.Contains(md, "verdicts: ") {
		t.Errorf("markdown: %d rows for %d cells\n%s", rows, len(rep.Cells), md)
	}
}
