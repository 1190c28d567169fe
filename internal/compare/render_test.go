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

func TestDriftWarning(t *testing.T) {
	steady := []float64{1.00, 1.03, 0.98, 1.01, 0.99, 1.02, 1.00, 0.97, 1.01, 1.02}
	drifting := []float64{1.00, 1.02, 1.05, 1.04, 1.08, 1.10, 1.09, 1.13, 1.15, 1.16}
	opts := Options{Alpha: 0.05, Margin: 0.05}
	c := newCell("w", "duration", "s", steady, drifting, latencyKind, opts)
	drift := 0
	for _, w := range c.Warnings {
		if strings.Contains(w, "drifts with run order") {
			drift++
			if !strings.HasPrefix(w, "B ") {
				t.Errorf("drift blamed on the wrong arm: %s", w)
			}
		}
	}
	if drift != 1 || c.B.TrendTau < 0.8 || c.B.TrendP >= 0.05 || c.A.TrendP < 0.05 {
		t.Errorf("drift: %d warnings, A tau %.2f p %.3g, B tau %.2f p %.3g\n%v", drift, c.A.TrendTau, c.A.TrendP, c.B.TrendTau, c.B.TrendP, c.Warnings)
	}
	// Fewer than 8 observations: no trend is computed.
	c = newCell("w", "duration", "s", steady[:5], drifting[:5], latencyKind, opts)
	if c.A.TrendP != 0 || c.B.TrendP != 0 {
		t.Errorf("trend computed on 5 observations: %+v %+v", c.A, c.B)
	}
}

// TestTail: B has A's body but a heavier tail. The median comparison
// cannot see it; the p99 ratio with its bootstrap interval does.
func TestTail(t *testing.T) {
	var a, b []float64
	for i := 0; i < 200; i++ {
		// A deterministic spread of values around 1 s, in a scrambled order.
		v := 1 + 0.2*float64((i*37)%200)/200
		a = append(a, v)
		if (i*37)%200 >= 190 { // B's top 5% take three times as long
			v *= 3
		}
		b = append(b, v)
	}
	c := newCell("w", "duration", "s", a, b, latencyKind, Options{Alpha: 0.05, Margin: 0.05})
	if c.Verdict != "equivalent" {
		t.Errorf("median verdict %s, want equivalent", c.Verdict)
	}
	if c.Tail == nil || c.Tail.Q != 0.99 || c.Tail.Ratio < 2 || c.Tail.Lo <= 1 || c.Tail.Block != 6 {
		t.Fatalf("tail: %+v", c.Tail)
	}
	var buf bytes.Buffer
	WriteText(&buf, Report{Cells: []Cell{c}})
	if !strings.Contains(buf.String(), "tail: w duration: p99 B/A") {
		t.Errorf("text report lacks the tail:\n%s", buf.String())
	}
	if small := newCell("w", "duration", "s", a[:15], b[:15], latencyKind, Options{Alpha: 0.05, Margin: 0.05}); small.Tail != nil {
		t.Errorf("tail of 15 observations: %+v", small.Tail)
	}
}

func TestMetadataRendered(t *testing.T) {
	a := map[string]string{"x": "1", "same": "s", "only_a": "<a>"}
	b := map[string]string{"x": "2", "same": "s", "only_b": "b"}
	rep := Report{Metadata: DiffMeta(a, b), MetaCompared: true}
	if len(rep.Metadata) != 3 || rep.Metadata[0].Key != "only_a" || rep.Metadata[0].Absent != "B" || rep.Metadata[2] != (MetaDiff{Key: "x", A: "1", B: "2"}) {
		t.Fatalf("diff: %+v", rep.Metadata)
	}
	var h, m bytes.Buffer
	WriteHTML(&h, "t", rep)
	WriteMarkdown(&m, "t", rep)
	if !strings.Contains(h.String(), "<td>only_a</td><td>&lt;a&gt;</td><td>(not set)</td>") || !strings.Contains(m.String(), "- x: A 1, B 2") {
		t.Errorf("metadata not rendered:\n%s\n%s", h.String(), m.String())
	}
	if flat, err := ParseMeta("m.json", []byte(`{"a": {"b": {"c": 1.5}}, "d": [1, "x"], "e": true}`)); err != nil || flat["a.b.c"] != "1.5" || flat["d"] != `[1,"x"]` || flat["e"] != "true" {
		t.Errorf("flatten: %v %v", flat, err)
	}
}

func TestSeriesRendered(t *testing.T) {
	rep := Report{Series: []Series{
		{Arm: "A", P50: [][2]float64{{0.5, 10}, {1.5, 11}}, P99: [][2]float64{{0.5, 20}, {1.5, 22}}},
		{Arm: "B", P50: [][2]float64{{2.5, 12}}, P99: [][2]float64{{2.5, 30}}},
	}}
	var buf bytes.Buffer
	WriteHTML(&buf, "t", rep)
	page := buf.String()
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	if !strings.Contains(page, "Latency over time") || len(svgs) != 2 || strings.Count(svgs[0], "<circle") != 3 || strings.Count(svgs[1], "<circle") != 3 {
		t.Errorf("time plots: %d svgs\n%s", len(svgs), page)
	}
}
