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

// Comparison is the statistical comparison of one metric (lower is better,
// e.g. latency) between arm A and arm B, trial by trial.
type Comparison struct {
	N1, N2     int
	Ratio      float64  // B/A, Hodges-Lehmann on logs
	CI         Interval // 1-alpha interval of the ratio
	TOSTCI     Interval // 1-2alpha interval used for equivalence
	P          float64  // two-sided Mann-Whitney p-value
	Exact      bool
	CliffDelta float64
	Margin     float64 // equivalence margin, e.g. 0.05 for ±5%
	MDE        float64 // relative effect detectable with 80% power at these sizes
	Verdict    Verdict
	Warnings   []string
}

// Compare compares per-trial values (e.g. trial p99 latencies) of A and B.
// alpha is the two-sided level (0.05); margin the equivalence margin.
func Compare(a, b []float64, alpha, margin float64) (Comparison, error) {
	c := Comparison{N1: len(a), N2: len(b), Margin: margin}
	if len(a) < 2 || len(b) < 2 {
		return c, ErrTooFew
	}
	mw, err := MannWhitney(a, b)
	if err != nil {
		return c, err
	}
	c.P, c.Exact = mw.P, mw.Exact
	if c.Ratio, c.CI, err = RatioHL(a, b, alpha); err != nil && err != ErrTooFew {
		return c, err
	} else if err == ErrTooFew {
		c.Warnings = append(c.Warnings, fmt.Sprintf("too few trials for a %.0f%% interval: it spans the data", 100*(1-alpha)))
	}
	if _, c.TOSTCI, err = RatioHL(a, b, 2*alpha); err == ErrTooFew {
		c.Warnings = append(c.Warnings, "too few trials for the equivalence test")
	}
	c.CliffDelta, _ = CliffsDelta(a, b)
	c.MDE = MDE(a, b, alpha, 0.8)
	lo, hi := 1/(1+margin), 1+margin
	switch {
	case c.P < alpha && c.CI.Lo > 1:
		c.Verdict = Regressed
	case c.P < alpha && c.CI.Hi < 1:
		c.Verdict = Improved
	case c.TOSTCI.Lo >= lo && c.TOSTCI.Hi <= hi && len(c.Warnings) == 0:
		c.Verdict = Equivalent
	default:
		c.Verdict = Inconclusive
		if !math.IsNaN(c.MDE) && c.MDE > margin {
			c.Warnings = append(c.Warnings, fmt.Sprintf("with %d and %d trials only effects of about %.0f%% or more can be detected; about %d trials per arm would resolve ±%.0f%%",
				c.N1, c.N2, 100*c.MDE, TrialsNeeded(a, b, alpha, 0.8, margin), 100*margin))
		}
	}
	return c, nil
}

// pooledLogSD is the pooled standard deviation of the logarithms.
func pooledLogSD(a, b []float64) float64 {
	ss, df := 0.0, 0
	for _, x := range [][]float64{a, b} {
		mean := 0.0
		for _, v := range x {
			mean += math.Log(v)
		}
		mean /= float64(len(x))
		for _, v := range x {
			d := math.Log(v) - mean
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
	s := pooledLogSD(a, b)
	if math.IsNaN(s) {
		return math.NaN()
	}
	z := normQuantile(1-alpha/2) + normQuantile(power)
	d := z * s * math.Sqrt(1/float64(len(a))+1/float64(len(b))) / math.Sqrt(wilcoxonEfficiency)
	return math.Exp(d) - 1
}

// TrialsNeeded is the number of trials per arm for the equivalence test
// (TOST at alpha) to have the given power to show equivalence within
// ±margin when there is no true difference.
func TrialsNeeded(a, b []float64, alpha, power, margin float64) int {
	s := pooledLogSD(a, b)
	if math.IsNaN(s) || margin <= 0 {
		return 0
	}
	z := normQuantile(1-alpha) + normQuantile(1-(1-power)/2)
	d := math.Log(1 + margin)
	n := 2 * z * z * s * s / (d * d) / wilcoxonEfficiency
	return int(math.Ceil(n))
}
