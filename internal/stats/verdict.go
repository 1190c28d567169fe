package stats

import (
	"fmt"
	"math"
)

// Verdict names the outcome of comparing B against A.
type Verdict string

// Verdicts. "No significant difference" is never a verdict: a test that
// cannot tell says inconclusive, with the effect it could have detected.
const (
	Regressed    Verdict = "regressed"
	Improved     Verdict = "improved"
	Equivalent   Verdict = "equivalent"
	Inconclusive Verdict = "inconclusive"
)

// Scale is how a comparison measures the effect of B against A.
type Scale string

// Scales: a ratio (B/A, Hodges-Lehmann on logarithms) for positive metrics
// such as latency and throughput; a shift (B-A, Hodges-Lehmann on the
// values) for metrics that can be zero, such as an error rate.
const (
	RatioScale Scale = "ratio"
	ShiftScale Scale = "shift"
)

// Comparison is the statistical comparison of one metric (lower is better,
// e.g. latency) between arm A and arm B, trial by trial.
type Comparison struct {
	N1, N2 int
	Scale  Scale
	Effect float64  // B/A on the ratio scale, B-A on the shift scale
	CI     Interval // 1-alpha interval of the effect
	TOSTCI Interval // 1-2alpha interval used for equivalence
	P      float64  // two-sided Mann-Whitney p-value
	Exact  bool
	// CliffDelta is P(B > A) - P(B < A) over all pairs of trials.
	CliffDelta float64
	Margin     float64 // equivalence margin: ±5% is 0.05 on either scale
	// MDE is the effect detectable with 80% power at these sizes:
	// relative (0.12 for 12%) on the ratio scale, in the metric's unit on
	// the shift scale.
	MDE float64
	// Paired is set when trials were compared block by block
	// (ComparePaired).
	Paired   bool
	Verdict  Verdict
	Warnings []string
}

// Compare compares per-trial values (e.g. trial p99 latencies) of A and B
// on the ratio scale. alpha is the two-sided level (0.05); margin the
// relative equivalence margin (0.05: B/A within [1/1.05, 1.05]).
func Compare(a, b []float64, alpha, margin float64) (Comparison, error) {
	return compare(a, b, alpha, margin, RatioScale)
}

// CompareShift compares per-trial values on the shift scale, for metrics
// that can be zero (error rates). margin is absolute, in the metric's
// unit: equivalence needs B-A within [-margin, margin].
func CompareShift(a, b []float64, alpha, margin float64) (Comparison, error) {
	return compare(a, b, alpha, margin, ShiftScale)
}

func compare(a, b []float64, alpha, margin float64, scale Scale) (Comparison, error) {
	c := Comparison{N1: len(a), N2: len(b), Margin: margin, Scale: scale}
	if len(a) < 2 || len(b) < 2 {
		return c, ErrTooFew
	}
	mw, err := MannWhitney(a, b)
	if err != nil {
		return c, err
	}
	c.P, c.Exact = mw.P, mw.Exact
	// One estimate serves both intervals: the samples (their logarithms on
	// the ratio scale) are sorted once and order statistics are shared.
	x, y := a, b
	if scale == RatioScale {
		if x, err = logs(a); err == nil {
			y, err = logs(b)
		}
		if err != nil {
			return c, err
		}
	}
	h := shiftHL(x, y)
	ci, err := h.interval(alpha)
	if err == ErrTooFew {
		c.Warnings = append(c.Warnings, fmt.Sprintf("too few trials for a %.0f%% interval: it spans the data", 100*(1-alpha)))
	}
	tost, err := h.interval(2 * alpha)
	if err == ErrTooFew {
		c.Warnings = append(c.Warnings, "too few trials for the equivalence test")
	}
	c.Effect, c.CI, c.TOSTCI = h.est, ci, tost
	if scale == RatioScale {
		c.Effect, c.CI, c.TOSTCI = math.Exp(h.est), ci.exp(), tost.exp()
	}
	c.CliffDelta, _ = CliffsDelta(a, b)
	c.MDE = mde(a, b, alpha, 0.8, scale)
	c.decide(alpha, func() int { return trialsNeeded(a, b, alpha, 0.8, margin, scale) })
	return c, nil
}

// decide sets the verdict from the test and the intervals; trials gives
// the number of trials per arm that would resolve the margin.
func (c *Comparison) decide(alpha float64, trials func() int) {
	neutral, lo, hi := 1.0, 1/(1+c.Margin), 1+c.Margin
	if c.Scale == ShiftScale {
		neutral, lo, hi = 0, -c.Margin, c.Margin
	}
	switch {
	case c.P < alpha && c.CI.Lo > neutral:
		c.Verdict = Regressed
	case c.P < alpha && c.CI.Hi < neutral:
		c.Verdict = Improved
	case c.TOSTCI.Lo >= lo && c.TOSTCI.Hi <= hi && len(c.Warnings) == 0:
		c.Verdict = Equivalent
	default:
		c.Verdict = Inconclusive
		if !math.IsNaN(c.MDE) && c.MDE > c.Margin {
			effect := fmt.Sprintf("about %.0f%%", 100*c.MDE)
			if c.Scale == ShiftScale {
				effect = fmt.Sprintf("a shift of about %.3g", c.MDE)
			}
			c.Warnings = append(c.Warnings, fmt.Sprintf("with %d and %d trials only effects of %s or more can be detected; about %d trials per arm would resolve ±%s",
				c.N1, c.N2, effect, trials(), marginText(c.Margin, c.Scale)))
		}
	}
}

// ComparePaired compares values paired by block (trial i of A and trial i
// of B ran in the same randomised block), on the ratio or shift scale:
// the Wilcoxon signed-rank test and the one-sample Hodges-Lehmann
// estimate of the within-block differences (of logarithms on the ratio
// scale), so drift shared by both arms of a block cancels.
func ComparePaired(a, b []float64, alpha, margin float64, scale Scale) (Comparison, error) {
	c := Comparison{N1: len(a), N2: len(b), Margin: margin, Scale: scale, Paired: true}
	if len(a) != len(b) {
		return c, fmt.Errorf("paired comparison of %d and %d values", len(a), len(b))
	}
	if len(a) < 2 {
		return c, ErrTooFew
	}
	if err := check(a, b); err != nil {
		return c, err
	}
	d := make([]float64, len(a))
	for i := range a {
		if scale == ShiftScale {
			d[i] = b[i] - a[i]
			continue
		}
		if a[i] <= 0 || b[i] <= 0 {
			return c, errNonPositive
		}
		d[i] = math.Log(b[i]) - math.Log(a[i])
	}
	var err error
	if c.P, c.Exact, err = SignedRank(d); err != nil {
		return c, err
	}
	back := func(x float64) float64 { return x }
	if scale == RatioScale {
		back = math.Exp
	}
	// SignedRank has checked d; one estimate serves both intervals.
	h := walshHL(d)
	ci, err := h.interval(alpha)
	if err == ErrTooFew {
		c.Warnings = append(c.Warnings, fmt.Sprintf("too few blocks for a %.0f%% interval: it spans the data", 100*(1-alpha)))
	}
	tost, err := h.interval(2 * alpha)
	if err == ErrTooFew {
		c.Warnings = append(c.Warnings, "too few blocks for the equivalence test")
	}
	c.Effect = back(h.est)
	c.CI = Interval{Lo: back(ci.Lo), Hi: back(ci.Hi), Coverage: ci.Coverage}
	c.TOSTCI = Interval{Lo: back(tost.Lo), Hi: back(tost.Hi), Coverage: tost.Coverage}
	c.CliffDelta, _ = CliffsDelta(a, b)
	sd := stddev(d)
	z := normQuantile(1-alpha/2) + normQuantile(0.8)
	shift := z * sd / math.Sqrt(float64(len(d))) / math.Sqrt(wilcoxonEfficiency)
	c.MDE = shift
	if scale == RatioScale {
		c.MDE = math.Exp(shift) - 1
	}
	c.decide(alpha, func() int {
		zt := normQuantile(1-alpha) + normQuantile(1-(1-0.8)/2)
		m := margin
		if scale == RatioScale {
			m = math.Log(1 + margin)
		}
		return int(math.Ceil(zt * zt * sd * sd / (m * m) / wilcoxonEfficiency))
	})
	return c, nil
}

// stddev is the sample standard deviation (NaN under two values).
func stddev(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss / float64(len(x)-1))
}

func marginText(margin float64, scale Scale) string {
	if scale == ShiftScale {
		return fmt.Sprintf("%.3g", margin)
	}
	return fmt.Sprintf("%.0f%%", 100*margin)
}

// Reversed is the verdict for a metric where higher is better (throughput):
// a significant rise is an improvement.
func (v Verdict) Reversed() Verdict {
	switch v {
	case Regressed:
		return Improved
	case Improved:
		return Regressed
	}
	return v
}

// pooledSD is the pooled standard deviation of the values on a scale (of
// their logarithms on the ratio scale).
func pooledSD(a, b []float64, scale Scale) float64 {
	f := math.Log
	if scale == ShiftScale {
		f = func(x float64) float64 { return x }
	}
	ss, df := 0.0, 0
	for _, x := range [][]float64{a, b} {
		mean := 0.0
		for _, v := range x {
			mean += f(v)
		}
		mean /= float64(len(x))
		for _, v := range x {
			d := f(v) - mean
			ss += d * d
		}
		df += len(x) - 1
	}
	if df <= 0 {
		return math.NaN()
	}
	return math.Sqrt(ss / float64(df))
}

// wilcoxonEfficiency is the asymptotic relative efficiency of the rank test
// against the t test under normality (3/pi).
const wilcoxonEfficiency = 3 / math.Pi

// MDE is the relative effect (e.g. 0.12 for 12%) detectable with the given
// power at two-sided level alpha with these sample sizes, from the pooled
// spread of the log values (normal approximation, rank-test efficiency).
func MDE(a, b []float64, alpha, power float64) float64 {
	return mde(a, b, alpha, power, RatioScale)
}

func mde(a, b []float64, alpha, power float64, scale Scale) float64 {
	s := pooledSD(a, b, scale)
	if math.IsNaN(s) {
		return math.NaN()
	}
	z := normQuantile(1-alpha/2) + normQuantile(power)
	d := z * s * math.Sqrt(1/float64(len(a))+1/float64(len(b))) / math.Sqrt(wilcoxonEfficiency)
	if scale == ShiftScale {
		return d
	}
	return math.Exp(d) - 1
}

// TrialsNeeded is the number of trials per arm for the equivalence test
// (TOST at alpha) to have the given power to show equivalence within
// ±margin when there is no true difference.
func TrialsNeeded(a, b []float64, alpha, power, margin float64) int {
	return trialsNeeded(a, b, alpha, power, margin, RatioScale)
}

func trialsNeeded(a, b []float64, alpha, power, margin float64, scale Scale) int {
	s := pooledSD(a, b, scale)
	if math.IsNaN(s) || margin <= 0 {
		return 0
	}
	z := normQuantile(1-alpha) + normQuantile(1-(1-power)/2)
	d := math.Log(1 + margin)
	if scale == ShiftScale {
		d = margin
	}
	n := 2 * z * z * s * s / (d * d) / wilcoxonEfficiency
	return int(math.Ceil(n))
}
