package compare

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/textsafe"
)

// WriteMarkdown writes the report as a Markdown table with numbered
// footnotes for the warnings, for pull requests and wikis.
func WriteMarkdown(w io.Writer, title string, rep Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", mdEscape(title))
	b.WriteString("| workload | metric | A median [95% CI] | B median [95% CI] | B/A [95% CI] | p (Holm) | n | verdict |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	marks, notes := footnotes(rep, " [%d]")
	for i, c := range rep.Cells {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d+%d | **%s**%s |\n", mdEscape(c.Workload), mdEscape(c.Metric),
			medText(c.A, c.Unit), medText(c.B, c.Unit), ratioText(c), pText(c), c.A.N, c.B.N, c.Verdict, marks[i])
	}
	if len(notes) > 0 {
		b.WriteString("\n")
	}
	for i, n := range notes {
		fmt.Fprintf(&b, "%d. %s\n", i+1, mdEscape(n))
	}
	for _, c := range rep.Cells {
		if c.Tail != nil {
			fmt.Fprintf(&b, "\n- tail, %s %s: %s", mdEscape(c.Workload), mdEscape(c.Metric), tailText(c.Tail))
		}
	}
	b.WriteString("\n")
	for _, f := range rep.Failures {
		fmt.Fprintf(&b, "\n> **error:** %s\n", mdEscape(f))
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "\n> %s\n", mdEscape(n))
	}
	for _, u := range rep.Unmatched {
		fmt.Fprintf(&b, "\n- unmatched: %s\n", mdEscape(u))
	}
	if len(rep.Metadata) > 0 {
		b.WriteString("\nWhat differs between the deployments:\n\n")
	}
	for _, d := range rep.Metadata {
		fmt.Fprintf(&b, "- %s\n", mdEscape(metaText(d)))
	}
	b.WriteString("\nverdicts: " + rep.Counts() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "\\`").Replace(textsafe.Text(s))
}

// Plot colours of the two arms.
const colorA, colorB = "#1f6fb4", "#e8730c"

// WriteHTML writes one self-contained page: the table, then for each cell
// an ECDF overlay of the two arms, their percentile spectra, and the
// observations in run order with each arm's median confidence band. The
// plots are inline SVG; the page loads nothing and runs no script.
func WriteHTML(w io.Writer, title string, rep Report) error {
	var b strings.Builder
	t := html.EscapeString(title)
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}
.regressed{background:#fdd}.improved{background:#dfd}.equivalent{background:#eef}.inconclusive{background:#eee}
.cell{margin:2em 0;border-top:1px solid #ccc}.plots{display:flex;flex-wrap:wrap;gap:1em}
.a{color:%s}.b{color:%s}svg text{font:11px sans-serif;fill:#444}
</style></head><body>
<h1>%s</h1>
<p><span class="a">■ A</span> <span class="b">■ B</span> · verdicts: %s</p>
<table><tr><th>workload</th><th>metric</th><th>A median [95%% CI]</th><th>B median [95%% CI]</th><th>B/A [95%% CI]</th><th>p (Holm)</th><th>n</th><th>verdict</th></tr>
`, t, colorA, colorB, t, html.EscapeString(rep.Counts()))
	for i, c := range rep.Cells {
		fmt.Fprintf(&b, "<tr><td><a href=\"#c%d\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d+%d</td><td class=\"%s\">%s</td></tr>\n",
			i, html.EscapeString(c.Workload), html.EscapeString(c.Metric), html.EscapeString(medText(c.A, c.Unit)), html.EscapeString(medText(c.B, c.Unit)),
			html.EscapeString(ratioText(c)), html.EscapeString(pText(c)), c.A.N, c.B.N, c.Verdict, c.Verdict)
	}
	b.WriteString("</table>\n")
	for _, f := range rep.Failures {
		fmt.Fprintf(&b, "<p class=\"regressed\"><strong>error:</strong> %s</p>\n", html.EscapeString(f))
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "<p>note: %s</p>\n", html.EscapeString(n))
	}
	for _, u := range rep.Unmatched {
		fmt.Fprintf(&b, "<p>unmatched: %s</p>\n", html.EscapeString(u))
	}
	if len(rep.Metadata) > 0 {
		b.WriteString("<h2>What differs between the deployments</h2>\n<table><tr><th>key</th><th>A</th><th>B</th></tr>\n")
		for _, d := range rep.Metadata {
			a, bv := d.A, d.B
			if d.Absent == "A" {
				a = "(not set)"
			} else if d.Absent == "B" {
				bv = "(not set)"
			}
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", html.EscapeString(d.Key), html.EscapeString(a), html.EscapeString(bv))
		}
		b.WriteString("</table>\n")
	}
	if len(rep.Series) == 2 && len(rep.Series[0].P50)+len(rep.Series[1].P50) > 0 {
		b.WriteString("<div class=\"cell\"><h2>Latency over time (per second of each trial)</h2><div class=\"plots\">\n")
		b.WriteString(timeSVG("p50 by second", rep.Series[0].P50, rep.Series[1].P50))
		b.WriteString(timeSVG("p99 by second", rep.Series[0].P99, rep.Series[1].P99))
		b.WriteString("</div></div>\n")
	}
	for i, c := range rep.Cells {
		fmt.Fprintf(&b, "<div class=\"cell\" id=\"c%d\"><h2>%s — %s: <span class=\"%s\">%s</span></h2>\n", i,
			html.EscapeString(c.Workload), html.EscapeString(c.Metric), c.Verdict, c.Verdict)
		if c.Tail != nil {
			fmt.Fprintf(&b, "<p>tail: %s</p>\n", html.EscapeString(tailText(c.Tail)))
		}
		for _, wn := range c.Warnings {
			fmt.Fprintf(&b, "<p>⚠ %s</p>\n", html.EscapeString(wn))
		}
		b.WriteString("<div class=\"plots\">\n")
		if len(c.ASamples)+len(c.BSamples) > 0 {
			b.WriteString(ecdfSVG(c))
			b.WriteString(spectrumSVG(c))
			b.WriteString(sequenceSVG(c))
		} else {
			b.WriteString("<p>no observations</p>")
		}
		b.WriteString("</div></div>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// frame maps data coordinates into a plot area with axes and labels.
type frame struct {
	b                 *strings.Builder
	x0, x1, y0, y1    float64 // data ranges
	left, top, pw, ph float64 // plot area in pixels
}

const plotW, plotH = 360, 240

func newFrame(title, xlabel, ylabel string, x0, x1, y0, y1 float64) *frame {
	if !(x1 > x0) {
		x0, x1 = x0-1, x0+1
	}
	if !(y1 > y0) {
		y0, y1 = y0-1, y0+1
	}
	f := &frame{b: &strings.Builder{}, x0: x0, x1: x1, y0: y0, y1: y1, left: 56, top: 24, pw: plotW - 70, ph: plotH - 64}
	fmt.Fprintf(f.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		plotW, plotH, plotW, plotH, html.EscapeString(title))
	fmt.Fprintf(f.b, `<text x="%g" y="14">%s</text>`, f.left, html.EscapeString(title))
	fmt.Fprintf(f.b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#999"/>`, f.left, f.top, f.pw, f.ph)
	fmt.Fprintf(f.b, `<text x="%g" y="%g" text-anchor="middle">%s</text>`, f.left+f.pw/2, float64(plotH)-6, html.EscapeString(xlabel))
	fmt.Fprintf(f.b, `<text x="12" y="%g" transform="rotate(-90 12 %g)" text-anchor="middle">%s</text>`, f.top+f.ph/2, f.top+f.ph/2, html.EscapeString(ylabel))
	return f
}

func (f *frame) px(x float64) float64 { return f.left + (x-f.x0)/(f.x1-f.x0)*f.pw }
func (f *frame) py(y float64) float64 { return f.top + f.ph - (y-f.y0)/(f.y1-f.y0)*f.ph }

func (f *frame) xtick(x float64, label string) {
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`,
		f.px(x), f.top+f.ph, f.px(x), f.top+f.ph+4, f.px(x), f.top+f.ph+16, html.EscapeString(label))
}

func (f *frame) ytick(y float64, label string) {
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/><text x="%.1f" y="%.1f" text-anchor="end">%s</text>`,
		f.left-4, f.py(y), f.left, f.py(y), f.left-6, f.py(y)+4, html.EscapeString(label))
}

func (f *frame) path(points [][2]float64, color string) {
	if len(points) == 0 {
		return
	}
	fmt.Fprintf(f.b, `<path fill="none" stroke="%s" stroke-width="1.5" d="`, color)
	for i, p := range points {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(f.b, "%s%.1f %.1f", cmd, f.px(p[0]), f.py(p[1]))
	}
	f.b.WriteString(`"/>`)
}

func (f *frame) end() string {
	f.b.WriteString("</svg>\n")
	return f.b.String()
}

func sortedCopy(v []float64) []float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s
}

func span(vs ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	return lo, hi
}

func valueTicks(lo, hi float64, unit string, axis func(float64, string)) {
	f, u := timeScale(unit, hi)
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		axis(v, sigfig(f*v)+u)
	}
}

// ecdfSVG overlays the empirical distribution functions of both arms.
func ecdfSVG(c Cell) string {
	lo, hi := span(c.ASamples, c.BSamples)
	f := newFrame("ECDF", c.Metric, "fraction ≤ x", lo, hi, 0, 1)
	valueTicks(lo, hi, c.Unit, f.xtick)
	for _, q := range []float64{0, 0.5, 1} {
		f.ytick(q, fmt.Sprintf("%g", q))
	}
	for _, arm := range []struct {
		v     []float64
		color string
	}{{c.ASamples, colorA}, {c.BSamples, colorB}} {
		s := sortedCopy(arm.v)
		var pts [][2]float64
		for i, x := range s {
			pts = append(pts, [2]float64{x, float64(i) / float64(len(s))}, [2]float64{x, float64(i+1) / float64(len(s))})
		}
		f.path(pts, arm.color)
	}
	return f.end()
}

// spectrumSVG plots each arm's quantiles against -log10(1-q), so the tail
// (p90, p99, p99.9) gets as much room as the body.
func spectrumSVG(c Cell) string {
	lo, hi := span(c.ASamples, c.BSamples)
	xmax := 1.0
	for _, v := range [][]float64{c.ASamples, c.BSamples} {
		if n := float64(len(v)); n > 0 {
			xmax = math.Max(xmax, -math.Log10(1-(n-0.5)/n))
		}
	}
	f := newFrame("percentile spectrum", "percentile", c.Metric, 0, xmax, lo, hi)
	for _, q := range []struct {
		q     float64
		label string
	}{{0, "p0"}, {0.5, "p50"}, {0.9, "p90"}, {0.99, "p99"}, {0.999, "p99.9"}} {
		if x := -math.Log10(1 - q.q); x <= xmax {
			f.xtick(x, q.label)
		}
	}
	valueTicks(lo, hi, c.Unit, f.ytick)
	for _, arm := range []struct {
		v     []float64
		color string
	}{{c.ASamples, colorA}, {c.BSamples, colorB}} {
		s := sortedCopy(arm.v)
		n := float64(len(s))
		var pts [][2]float64
		for i, x := range s {
			pts = append(pts, [2]float64{-math.Log10(1 - (float64(i)+0.5)/n), x})
		}
		f.path(pts, arm.color)
	}
	return f.end()
}

// sequenceSVG plots the observations in run order (drift shows as a
// slope), with each arm's median confidence interval as a band.
func sequenceSVG(c Cell) string {
	lo, hi := span(c.ASamples, c.BSamples)
	n := max(len(c.ASamples), len(c.BSamples))
	f := newFrame("in run order, median 95% CI", "observation", c.Metric, 0, float64(max(n-1, 1)), lo, hi)
	f.xtick(0, "1")
	f.xtick(float64(max(n-1, 1)), fmt.Sprint(max(n, 2)))
	valueTicks(lo, hi, c.Unit, f.ytick)
	for _, arm := range []struct {
		v     []float64
		s     Summary
		color string
	}{{c.ASamples, c.A, colorA}, {c.BSamples, c.B, colorB}} {
		if arm.s.N > 0 && !math.IsNaN(arm.s.MedLo) && !math.IsNaN(arm.s.MedHi) {
			y0, y1 := f.py(math.Min(math.Max(arm.s.MedHi, lo), hi)), f.py(math.Min(math.Max(arm.s.MedLo, lo), hi))
			fmt.Fprintf(f.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" opacity="0.18"/>`, f.left, y0, f.pw, math.Max(y1-y0, 1), arm.color)
		}
		for i, x := range arm.v {
			fmt.Fprintf(f.b, `<circle cx="%.1f" cy="%.1f" r="2.2" fill="%s"/>`, f.px(float64(i)), f.py(x), arm.color)
		}
	}
	return f.end()
}

// timeSVG plots both arms' per-second latency against wall time; the
// interleaved trials show as alternating runs of dots.
func timeSVG(title string, a, b [][2]float64) string {
	var xs, ys []float64
	for _, p := range append(append([][2]float64(nil), a...), b...) {
		xs, ys = append(xs, p[0]), append(ys, p[1])
	}
	x0, x1 := span(xs)
	y0, y1 := span(ys)
	f := newFrame(title, "seconds since the first trial", "latency (ms)", x0, x1, y0, y1)
	f.xtick(x0, fmt.Sprintf("%.0f", x0))
	f.xtick(x1, fmt.Sprintf("%.0f", x1))
	valueTicks(y0, y1, "ms", f.ytick)
	for _, arm := range []struct {
		pts   [][2]float64
		color string
	}{{a, colorA}, {b, colorB}} {
		for _, p := range arm.pts {
			fmt.Fprintf(f.b, `<circle cx="%.1f" cy="%.1f" r="2" fill="%s"/>`, f.px(p[0]), f.py(p[1]), arm.color)
		}
	}
	return f.end()
}
