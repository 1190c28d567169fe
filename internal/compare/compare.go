package compare

import (
	"fmt"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"

	"github.com/letgo-dev/letgo/internal/stats"

	"github.com/letgo-dev/letgo/internal/textsafe"
)

// Options set the statistics of a comparison.
type Options struct {
	Alpha  float64 // two-sided level, 0.05
	Margin float64 // equivalence margin, 0.05 for ±5%
	// ErrorMargin is the equivalence margin of per-trial error rates, in
	// percentage points (0.1 when unset).
	ErrorMargin float64
	// Paired compares the i-th observations of A and B as a pair (they
	// ran in the same randomised block), from MinPairedBlocks blocks on.
	Paired bool
	// Keep, when set, chooses the cells to report (and to correct for)
	// by workload and metric.
	Keep func(workload, metric string) bool
}

// MinPairedBlocks is the fewest blocks compared pair by pair: the
// signed-rank test's smallest p with n blocks is 2/2^n, and from 10 blocks
// (0.002) a consistent shift survives Holm's correction over a step's
// cells; fewer blocks are compared as independent samples (Mann-Whitney,
// whose smallest p with 6+6 trials is already 2/924).
const MinPairedBlocks = 10

func (o Options) errorMargin() float64 {
	if o.ErrorMargin > 0 {
		return o.ErrorMargin
	}
	return 0.1
}

// Cell is one metric of one workload compared between A and B.
type Cell struct {
	Workload string  `json:"workload"`
	Metric   string  `json:"metric"`
	A        Summary `json:"a"`
	B        Summary `json:"b"`
	// Scale says how B is set against A: "ratio" (B/A, the Ratio fields)
	// or "shift" (B-A in the cell's unit, Shift), and Better which way is
	// good: "lower" (latency, errors) or "higher" (throughput).
	Scale   stats.Scale `json:"scale"`
	Better  string      `json:"better"`
	Ratio   float64     `json:"ratio,omitempty"`
	RatioLo float64     `json:"ratio_lo,omitempty"`
	RatioHi float64     `json:"ratio_hi,omitempty"`
	Shift   *Shift      `json:"shift,omitempty"`
	// Paired is set when observations were compared block by block.
	Paired   bool          `json:"paired,omitempty"`
	P        float64       `json:"p"`
	PHolm    float64       `json:"p_holm"`
	QBH      float64       `json:"q_bh"`
	Verdict  stats.Verdict `json:"verdict"`
	Warnings []string      `json:"warnings,omitempty"`
	Unit     string        `json:"unit"` // of the medians and samples: s or ms
	Tail     *Tail         `json:"tail,omitempty"`
	// ASamples and BSamples are the observations in run order (Rally
	// iterations, or live trials), for plots and re-rendering.
	ASamples []float64 `json:"a_samples"`
	BSamples []float64 `json:"b_samples"`
}

// Shift is B-A with its confidence interval, for cells on the shift scale.
type Shift struct {
	Est float64 `json:"est"`
	Lo  float64 `json:"lo"`
	Hi  float64 `json:"hi"`
}

// ErrorCount is one workload's failed requests or iterations per arm, with
// Fisher's exact test of the two proportions.
type ErrorCount struct {
	Workload string  `json:"workload"`
	A        int64   `json:"a_failed"`
	ATotal   int64   `json:"a_total"`
	B        int64   `json:"b_failed"`
	BTotal   int64   `json:"b_total"`
	P        float64 `json:"p"`
}

// DeltaPoints is B's failure rate minus A's, in percentage points.
func (e ErrorCount) DeltaPoints() float64 {
	rate := func(k, n int64) float64 {
		if n == 0 {
			return 0
		}
		return 100 * float64(k) / float64(n)
	}
	return rate(e.B, e.BTotal) - rate(e.A, e.ATotal)
}

func newErrorCount(workload string, a, na, b, nb int64) ErrorCount {
	p, _ := stats.FisherExact(int(a), int(na-a), int(b), int(nb-b))
	return ErrorCount{Workload: workload, A: a, ATotal: na, B: b, BTotal: nb, P: p}
}

// Tail is the B/A ratio of a tail quantile with a moving-block bootstrap
// interval: p99 from 100 observations per arm, p95 from 20.
type Tail struct {
	Q     float64 `json:"q"`
	Ratio float64 `json:"ratio"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Block int     `json:"block"`
}

// tailOf estimates the tail ratio, or returns nil when the samples are too
// small for a tail quantile to mean anything.
func tailOf(va, vb []float64, alpha float64) *Tail {
	n := min(len(va), len(vb))
	q := 0.95
	switch {
	case n >= 100:
		q = 0.99
	case n < 20:
		return nil
	}
	block := max(1, int(math.Round(math.Cbrt(float64(n)))))
	r, ci, err := stats.BootstrapQuantileRatio(va, vb, q, alpha, 2000, block, 1)
	if err != nil {
		return nil
	}
	return &Tail{Q: q, Ratio: r, Lo: ci.Lo, Hi: ci.Hi, Block: block}
}

// Series is one arm's latency over the comparison's wall time: per second
// of each trial's measured window, [seconds since the first trial began,
// latency ms] for the second's p50 and p99.
type Series struct {
	Arm string       `json:"arm"`
	P50 [][2]float64 `json:"p50"`
	P99 [][2]float64 `json:"p99"`
}

// Summary describes one arm of a cell.
type Summary struct {
	N        int     `json:"n"`
	Median   float64 `json:"median"`
	MedLo    float64 `json:"median_lo"`
	MedHi    float64 `json:"median_hi"`
	Failed   int     `json:"failed"`
	Distinct int     `json:"distinct"`
	// TrendTau and TrendP test the observations for drift against run
	// order (Kendall's tau); set from 8 observations on.
	TrendTau float64 `json:"trend_tau,omitempty"`
	TrendP   float64 `json:"trend_p,omitempty"`
}

// Report is a full comparison.
type Report struct {
	Cells     []Cell   `json:"cells"`
	Unmatched []string `json:"unmatched,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	// Metadata lists what differs between the deployments' metadata
	// files; MetaCompared says whether both were given.
	Metadata []MetaDiff `json:"metadata_diff,omitempty"`
	// Series are live runs' latency over time, per arm.
	Series []Series `json:"series,omitempty"`
	// Errors are the failed iterations (Rally) or requests (live) of each
	// workload, for the error gate.
	Errors       []ErrorCount `json:"errors,omitempty"`
	MetaCompared bool         `json:"metadata_compared"`
	// Failures say why the comparison proves nothing: an arm without a
	// single successful observation, no cell in common. The report still
	// shows what each arm has; 'letgo compare' exits 1.
	Failures []string `json:"failures,omitempty"`
}

// CompareRally compares the matching workloads of two Rally results:
// iteration durations and each atomic action, plus failed iterations.
func CompareRally(a, b []Workload, opts Options) Report {
	rep := Report{Notes: []string{"one Rally run per arm: iterations are the unit, so run-to-run variance (deployment, time of day) is not covered; repeat runs alternately for a trial-level comparison"}}
	byKey := map[string]Workload{}
	for _, w := range b {
		byKey[w.Key()] = w
	}
	matched := map[string]bool{}
	var jobs []cellJob
	anyCell := false // a cell in common, kept or not
	for _, wa := range a {
		wb, ok := byKey[wa.Key()]
		if !ok {
			rep.Unmatched = append(rep.Unmatched, "only in A: "+shortName(wa))
			continue
		}
		matched[wa.Key()] = true
		rep.Errors = append(rep.Errors, newErrorCount(shortName(wa), int64(failed(wa)), int64(wa.Len()), int64(failed(wb)), int64(wb.Len())))
		inB := map[string]bool{}
		for _, m := range metricNames(wb) {
			inB[m] = true
		}
		inA := map[string]bool{}
		for _, m := range metricNames(wa) {
			inA[m] = true
			if !inB[m] {
				rep.Unmatched = append(rep.Unmatched, fmt.Sprintf("atomic action only in A: %s %s", shortName(wa), m))
				continue
			}
			anyCell = true
			if opts.Keep == nil || opts.Keep(shortName(wa), m) {
				jobs = append(jobs, cellJob{shortName(wa), m, wa, wb})
			}
		}
		for _, m := range metricNames(wb) {
			if !inA[m] {
				rep.Unmatched = append(rep.Unmatched, fmt.Sprintf("atomic action only in B: %s %s", shortName(wa), m))
			}
		}
	}
	for _, wb := range b {
		if !matched[wb.Key()] {
			rep.Unmatched = append(rep.Unmatched, "only in B: "+shortName(wb))
		}
	}
	if anyCell {
		// Cells the filter leaves out are not computed; the report is
		// the same ("cells": [] when the filter left none).
		rep.Cells = compareCells(jobs, opts)
	}
	correct(&rep, opts)
	return rep
}

// cellJob is one cell of CompareRally to compute.
type cellJob struct {
	workload, metric string
	wa, wb           Workload
}

// compareCells computes cells on one goroutine per processor, in their
// order: each cell depends only on its two samples (its bootstrap has a
// fixed seed), so the result is the same as one after the other.
func compareCells(jobs []cellJob, opts Options) []Cell {
	cells := make([]Cell, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(jobs); i = int(next.Add(1) - 1) {
				j := jobs[i]
				cells[i] = compareCell(j.workload, j.metric, j.wa, j.wb, opts)
			}
		}()
	}
	wg.Wait()
	return cells
}

// correct applies Holm's step-down correction (and BH q-values) across
// all cells; a verdict of change must survive it.
func correct(rep *Report, opts Options) {
	alpha := opts.Alpha
	if opts.Keep != nil {
		kept := rep.Cells[:0]
		for _, c := range rep.Cells {
			if opts.Keep(c.Workload, c.Metric) {
				kept = append(kept, c)
			}
		}
		rep.Cells = kept
		if len(kept) == 0 {
			rep.Failures = append(rep.Failures, "no cell matches the cell filter: nothing compared")
		}
	}
	if len(rep.Cells) == 0 && len(rep.Failures) == 0 {
		rep.Failures = append(rep.Failures, "no workload in common between A and B: nothing compared")
	}
	ps := make([]float64, len(rep.Cells))
	for i, c := range rep.Cells {
		ps[i] = c.P
	}
	holm, bh := stats.Holm(ps), stats.BH(ps)
	for i := range rep.Cells {
		c := &rep.Cells[i]
		c.PHolm, c.QBH = holm[i], bh[i]
		if (c.Verdict == stats.Regressed || c.Verdict == stats.Improved) && c.PHolm >= alpha {
			c.Verdict = stats.Inconclusive
			c.Warnings = append(c.Warnings, fmt.Sprintf("p=%.3g is not significant after Holm correction over %d cells", c.P, len(ps)))
		}
	}
	// Say so when the design cannot reach significance at all: the
	// smallest p the test can give with these sizes is above the first
	// Holm threshold, alpha over the number of cells.
	if len(ps) == 0 {
		return
	}
	need := alpha / float64(len(ps))
	said := map[string]bool{}
	for _, c := range rep.Cells {
		minP, more := smallestP(c, need)
		if minP < need || c.A.N == 0 || c.B.N == 0 {
			continue
		}
		key := fmt.Sprintf("%d+%d %v", c.A.N, c.B.N, c.Paired)
		if said[key] {
			continue
		}
		said[key] = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("with %d and %d observations per cell no change can be significant after Holm's correction over %d cells: the smallest p the test can give is %.3g and the correction needs %.3g; use at least %d per arm (or fewer cells)",
			c.A.N, c.B.N, len(ps), minP, need, more))
	}
}

// smallestP is the smallest two-sided p a cell's test can give with its
// sizes — 2/C(n1+n2, n1) for Mann-Whitney, 2/2^n for the signed-rank test
// of n pairs — and the equal size per arm whose smallest p is below need.
func smallestP(c Cell, need float64) (float64, int) {
	minP := func(n1, n2 int, paired bool) float64 {
		if paired {
			return math.Min(1, 2/math.Pow(2, float64(n1)))
		}
		return math.Min(1, 2*math.Exp(lchoose(n1+n2, n1)*-1))
	}
	p := minP(c.A.N, c.B.N, c.Paired)
	n := 2
	for ; n < 1000 && minP(n, n, c.Paired) >= need; n++ {
	}
	return p, n
}

// lchoose is the logarithm of the binomial coefficient.
func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	d, _ := math.Lgamma(float64(n - k + 1))
	return a - b - d
}

// kind is what sort of metric a cell holds.
type kind struct {
	scale  stats.Scale
	better string // "lower" or "higher"
}

var (
	latencyKind    = kind{stats.RatioScale, "lower"}
	throughputKind = kind{stats.RatioScale, "higher"}
	errorRateKind  = kind{stats.ShiftScale, "lower"}
)

// compareCell compares one metric of a Rally workload (the iteration
// duration or an atomic action), with the failed iterations under the
// duration.
func compareCell(workload, metric string, wa, wb Workload, opts Options) Cell {
	c := newCell(workload, metric, "s", values(wa, metric), values(wb, metric), latencyKind, opts)
	if metric == "duration" {
		c.A.Failed, c.B.Failed = failed(wa), failed(wb)
	}
	if metric == "duration" && (c.A.Failed > 0 || c.B.Failed > 0) {
		na, nb := wa.Len(), wb.Len()
		p, _ := stats.FisherExact(c.A.Failed, na-c.A.Failed, c.B.Failed, nb-c.B.Failed)
		c.Warnings = append(c.Warnings, fmt.Sprintf("failed iterations: A %d/%d, B %d/%d (Fisher exact p=%.3g)", c.A.Failed, na, c.B.Failed, nb, p))
	}
	return c
}

// newCell compares the observations of A and B (in run order) of one
// metric: the effect with its interval, the verdict, the tail of latency
// cells, and warnings for quantised and drifting observations.
func newCell(workload, metric, unit string, va, vb []float64, k kind, opts Options) Cell {
	c := Cell{Workload: workload, Metric: metric, A: summarize(va), B: summarize(vb), Unit: unit, ASamples: va, BSamples: vb, Scale: k.scale, Better: k.better}
	if k == latencyKind {
		c.Tail = tailOf(va, vb, opts.Alpha)
	}
	var cmp stats.Comparison
	var err error
	margin := opts.Margin
	if k.scale == stats.ShiftScale {
		margin = opts.errorMargin()
	}
	switch {
	case opts.Paired && len(va) == len(vb) && len(va) >= MinPairedBlocks:
		cmp, err = stats.ComparePaired(va, vb, opts.Alpha, margin, k.scale)
		c.Paired = true
	case k.scale == stats.ShiftScale:
		cmp, err = stats.CompareShift(va, vb, opts.Alpha, margin)
	default:
		cmp, err = stats.Compare(va, vb, opts.Alpha, margin)
	}
	if k.scale == stats.ShiftScale {
		c.Shift = &Shift{Est: cmp.Effect, Lo: cmp.CI.Lo, Hi: cmp.CI.Hi}
	} else {
		c.Ratio, c.RatioLo, c.RatioHi = cmp.Effect, cmp.CI.Lo, cmp.CI.Hi
	}
	c.P, c.Verdict, c.Warnings = cmp.P, cmp.Verdict, cmp.Warnings
	if k.better == "higher" {
		c.Verdict = c.Verdict.Reversed()
	}
	if err != nil {
		c.Verdict = stats.Inconclusive
		c.Warnings = append(c.Warnings, err.Error())
	}
	for _, arm := range []struct {
		name string
		s    Summary
	}{{"A", c.A}, {"B", c.B}} {
		// Timings on a grid are a measurement artefact; equal throughputs
		// (an open model's fixed rate) are not.
		if k == latencyKind && arm.s.N >= 10 && float64(arm.s.Distinct) < 0.5*float64(arm.s.N) {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s is quantised: %d distinct values in %d iterations (a polling grid?); ties blunt every test", arm.name, arm.s.Distinct, arm.s.N))
			if c.Verdict == stats.Equivalent {
				c.Verdict = stats.Inconclusive // equal grid values prove nothing
			}
		}
	}
	for _, arm := range []struct {
		name string
		s    *Summary
		v    []float64
	}{{"A", &c.A, va}, {"B", &c.B, vb}} {
		if len(arm.v) < 8 {
			continue
		}
		if tau, p, err := stats.Trend(arm.v); err == nil {
			arm.s.TrendTau, arm.s.TrendP = tau, p
			if p < opts.Alpha {
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s drifts with run order (Kendall tau=%.2f, p=%.3g): its observations are not exchangeable, so part of the difference may be time, not the mode", arm.name, tau, p))
			}
		}
	}
	finiteCell(&c)
	return c
}

// finiteCell replaces the statistics a float64 could not hold — values
// that span more than its range make a ratio or a mean infinite — and
// says so: the JSON report cannot carry ±Inf or NaN, and no verdict may
// rest on them.
func finiteCell(c *Cell) {
	fields := []*float64{&c.Ratio, &c.RatioLo, &c.RatioHi, &c.A.Median, &c.A.MedLo, &c.A.MedHi, &c.A.TrendTau, &c.A.TrendP,
		&c.B.Median, &c.B.MedLo, &c.B.MedHi, &c.B.TrendTau, &c.B.TrendP}
	if c.Shift != nil {
		fields = append(fields, &c.Shift.Est, &c.Shift.Lo, &c.Shift.Hi)
	}
	if c.Tail != nil {
		fields = append(fields, &c.Tail.Ratio, &c.Tail.Lo, &c.Tail.Hi)
	}
	bad := !finite(c.P)
	if bad {
		c.P = 1
	}
	for _, f := range fields {
		if !finite(*f) {
			*f, bad = 0, true
		}
	}
	if bad {
		c.Verdict = stats.Inconclusive
		c.Warnings = append(c.Warnings, "the values span more than a float's range: statistics that overflowed are shown as 0, and there is no verdict")
	}
}

func failed(w Workload) int {
	n := 0
	for _, f := range w.failed {
		if f {
			n++
		}
	}
	return n
}

func summarize(v []float64) Summary {
	s := Summary{N: len(v)}
	if len(v) == 0 {
		return s
	}
	s.Median, _ = stats.Median(v)
	ci, _ := stats.MedianCI(v, 0.05)
	s.MedLo, s.MedHi = ci.Lo, ci.Hi
	distinct := map[float64]bool{}
	for _, x := range v {
		distinct[x] = true
	}
	s.Distinct = len(distinct)
	return s
}

// WriteText renders the report in the style of benchstat: one row per
// metric, footnotes for warnings.
func WriteText(w io.Writer, rep Report) error {
	for _, f := range rep.Failures {
		fmt.Fprintf(w, "error: %s\n", textsafe.Line(f))
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tmetric\tA median [95% CI]\tB median [95% CI]\tB/A [95% CI]\tp (Holm)\tn\tverdict\t")
	marks, notes := footnotes(rep, " (%d)")
	for i, c := range rep.Cells {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d+%d\t%s%s\t\n", clip(textsafe.Line(c.Workload), 40), textsafe.Line(c.Metric),
			medText(c.A, c.Unit), medText(c.B, c.Unit), ratioText(c), pText(c), c.A.N, c.B.N, c.Verdict, marks[i])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, n := range notes {
		fmt.Fprintf(w, "(%d) %s\n", i+1, textsafe.Line(n))
	}
	for _, c := range rep.Cells {
		if c.Tail != nil {
			fmt.Fprintf(w, "tail: %s %s: %s\n", clip(textsafe.Line(c.Workload), 40), textsafe.Line(c.Metric), tailText(c.Tail))
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", textsafe.Line(n))
	}
	if rep.MetaCompared && len(rep.Metadata) == 0 {
		fmt.Fprintln(w, "metadata: the two deployments report the same versions and settings")
	}
	for _, d := range rep.Metadata {
		fmt.Fprintf(w, "metadata: %s\n", textsafe.Line(metaText(d)))
	}
	for _, u := range rep.Unmatched {
		fmt.Fprintf(w, "unmatched: %s\n", textsafe.Line(u))
	}
	return nil
}

// footnotes numbers every cell's warnings in order: the marks for each
// cell's row (mark is a format such as " (%d)") and the notes themselves.
func footnotes(rep Report, mark string) (marks, notes []string) {
	marks = make([]string, len(rep.Cells))
	for i, c := range rep.Cells {
		for _, wn := range c.Warnings {
			notes = append(notes, wn)
			marks[i] += fmt.Sprintf(mark, len(notes))
		}
	}
	return marks, notes
}

func medText(s Summary, unit string) string {
	if s.N == 0 {
		return "-"
	}
	f, u := timeScale(unit, s.Median)
	return fmt.Sprintf("%s%s [%s, %s]", sigfig(f*s.Median), u, sigfig(f*s.MedLo), sigfig(f*s.MedHi))
}

// timeScale picks a readable unit for times in seconds around ref (ms
// under a second, µs under a millisecond): the factor and the unit. Other
// units are left alone.
func timeScale(unit string, ref float64) (float64, string) {
	a := math.Abs(ref)
	switch {
	case unit != "s" || a == 0 || a >= 1:
		return 1, unit
	case a >= 1e-3:
		return 1e3, "ms"
	default:
		return 1e6, "µs"
	}
}

// sigfig formats a value to three significant digits, without an exponent
// between 0.001 and a million (5000, not 5e+03).
func sigfig(x float64) string {
	a := math.Abs(x)
	if a == 0 || a < 1e-3 || a >= 1e6 || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprintf("%.3g", x)
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(a))))
	return strconv.FormatFloat(x, 'f', decimals, 64)
}

// ratioText is the effect of B against A with its interval: B/A, or for
// cells on the shift scale B-A prefixed with Δ.
func ratioText(c Cell) string {
	if d := c.Shift; d != nil {
		return fmt.Sprintf("Δ%+.3g%s [%+.3g, %+.3g]", d.Est, c.Unit, d.Lo, d.Hi)
	}
	if c.Ratio == 0 || math.IsNaN(c.Ratio) {
		return "-"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", c.Ratio, c.RatioLo, c.RatioHi)
}

func tailText(t *Tail) string {
	return fmt.Sprintf("p%g B/A %.3f [%.3f, %.3f] (block bootstrap, blocks of %d)", 100*t.Q, t.Ratio, t.Lo, t.Hi, t.Block)
}

func pText(c Cell) string {
	return fmt.Sprintf("%.3g (%.3g)", c.P, c.PHolm)
}

// clip shortens s to n characters (runes, so a name is never cut inside
// a character).
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}

// Counts tallies verdicts.
func (r Report) Counts() string {
	m := map[string]int{}
	for _, c := range r.Cells {
		m[string(c.Verdict)]++
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
