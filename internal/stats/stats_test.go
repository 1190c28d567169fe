package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Reference values come from internal/stats/testdata/reference.py (SciPy
// 1.10.1, NumPy, and a brute-force permutation for the exact test with
// ties). Tolerances are stated per check.

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.15g, want %.15g (±%g)", what, got, want, tol)
	}
}

func TestMannWhitneyExactNoTies(t *testing.T) {
	// stats.mannwhitneyu(a, b, alternative='two-sided', method='exact')
	a := []float64{1.1, 2.3, 3.5, 4.2, 5.9}
	b := []float64{2.0, 3.1, 6.5, 7.0, 8.8, 9.3}
	r, err := MannWhitney(a, b)
	if err != nil || !r.Exact {
		t.Fatalf("MannWhitney: %v exact=%v", err, r.Exact)
	}
	near(t, "U1", r.U1, 7, 0)
	near(t, "p", r.P, 0.177489177489177, 1e-12)
}

func TestMannWhitneyExactTies(t *testing.T) {
	// Brute force over all 92,378 subsets of the pooled midranks
	// (itertools.combinations + scipy.stats.rankdata).
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29, 1.30}
	r, err := MannWhitney(x, y)
	if err != nil || !r.Exact {
		t.Fatalf("MannWhitney: %v", err)
	}
	near(t, "U1", r.U1, 65.5, 0)
	near(t, "p", r.P, 0.0984974777544437, 1e-12)
}

func TestMannWhitneyAsymptotic(t *testing.T) {
	// stats.mannwhitneyu(X, Y, method='asymptotic', use_continuity=True)
	var x, y []float64
	for i := 0; i < 70; i++ {
		x = append(x, math.RoundToEven(float64(i*37%101)/10))
		y = append(y, math.RoundToEven(float64((i*53+7)%97)/10+0.5))
	}
	r, err := MannWhitney(x, y)
	if err != nil || r.Exact {
		t.Fatalf("MannWhitney: %v exact=%v", err, r.Exact)
	}
	near(t, "U1", r.U1, 2393.5, 0)
	near(t, "p", r.P, 0.8145756170595, 1e-9)
}

func TestHodgesLehmannAndCliff(t *testing.T) {
	// numpy.median(numpy.subtract.outer(b, a)); Moses k with norm.ppf(0.975)
	a := []float64{1.1, 2.3, 3.5, 4.2, 5.9}
	b := []float64{2.0, 3.1, 6.5, 7.0, 8.8, 9.3}
	est, ci, err := HodgesLehmann(a, b, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "HL", est, 2.95, 1e-12)
	near(t, "HL lo", ci.Lo, -1.1, 1e-12)
	near(t, "HL hi", ci.Hi, 5.9, 1e-12)
	d, _ := CliffsDelta(a, b)
	near(t, "Cliff's delta", d, 0.5333333333333333, 1e-15)
}

func TestMedianCI(t *testing.T) {
	// l = 6 for n = 20 at 95%: binom.cdf(14, 20, .5) - binom.cdf(5, 20, .5)
	x := make([]float64, 20)
	for i := range x {
		x[i] = float64(i + 1)
	}
	ci, err := MedianCI(x, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "lo", ci.Lo, 6, 0)
	near(t, "hi", ci.Hi, 15, 0)
	near(t, "coverage", ci.Coverage, 0.958610534667969, 1e-12)
	if _, err := MedianCI([]float64{1, 2, 3}, 0.05); !errors.Is(err, ErrTooFew) {
		t.Errorf("n=3 at 95%%: err = %v, want ErrTooFew (no order-statistic interval reaches 95%%)", err)
	}
}

func TestFisherExact(t *testing.T) {
	// stats.fisher_exact(table)[1]
	for _, tt := range []struct {
		a, b, c, d int
		want       float64
	}{{3, 97, 12, 88, 0.0286713149731771}, {0, 50, 5, 45, 0.0562844944288243}, {10, 10, 10, 10, 1}, {0, 0, 0, 0, 1}} {
		p, err := FisherExact(tt.a, tt.b, tt.c, tt.d)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "Fisher p", p, tt.want, 1e-12)
	}
}

func TestNormQuantile(t *testing.T) {
	// stats.norm.ppf(p)
	for _, tt := range []struct{ p, want float64 }{{0.975, 1.95996398454005}, {0.95, 1.64485362695147},
		{0.8, 0.841621233572914}, {0.01, -2.32634787404084}, {1e-6, -4.7534243088229}} {
		near(t, "ppf", normQuantile(tt.p), tt.want, 1e-11)
	}
}

func TestHolmBH(t *testing.T) {
	// Step-down Holm and step-up BH computed by hand in reference.py.
	p := []float64{0.01, 0.04, 0.03, 0.005, 0.5}
	wantHolm := []float64{0.04, 0.09, 0.09, 0.025, 0.5}
	wantBH := []float64{0.025, 0.05, 0.05, 0.025, 0.5}
	for i, v := range Holm(p) {
		near(t, "Holm", v, wantHolm[i], 1e-15)
	}
	for i, v := range BH(p) {
		near(t, "BH", v, wantBH[i], 1e-15)
	}
	if len(Holm(nil)) != 0 || len(BH(nil)) != 0 {
		t.Error("empty input must give empty output")
	}
}

func TestBoundaries(t *testing.T) {
	if _, err := MannWhitney(nil, []float64{1}); !errors.Is(err, ErrTooFew) {
		t.Errorf("n=0: %v", err)
	}
	if _, err := MannWhitney([]float64{1, math.NaN()}, []float64{1}); !errors.Is(err, ErrNaN) {
		t.Errorf("NaN: %v", err)
	}
	if r, err := MannWhitney([]float64{2, 2, 2}, []float64{2, 2}); err != nil || r.P != 1 {
		t.Errorf("all equal: %+v %v, want p=1", r, err)
	}
	if r, err := MannWhitney([]float64{1}, []float64{2}); err != nil || !r.Exact || r.P != 1 {
		t.Errorf("n=1 each: %+v %v, want exact p=1", r, err)
	}
	if m, err := Median([]float64{3, 1, 2, 10}); err != nil || m != 2.5 {
		t.Errorf("Median = %v %v", m, err)
	}
	if _, err := Median(nil); !errors.Is(err, ErrTooFew) {
		t.Errorf("Median(nil): %v", err)
	}
	if _, _, err := RatioHL([]float64{1, -1}, []float64{1, 2}, 0.05); err == nil {
		t.Error("RatioHL of a negative value must fail")
	}
	if _, err := Compare([]float64{1}, []float64{1, 2}, 0.05, 0.05); !errors.Is(err, ErrTooFew) {
		t.Errorf("Compare with 1 trial: %v", err)
	}
}

// trials draws per-trial latencies: lognormal around base, seeded.
func trials(r *rand.Rand, n int, base, spread float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = base * math.Exp(spread*r.NormFloat64())
	}
	return out
}

func TestVerdicts(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	t.Run("A vs A is equivalent", func(t *testing.T) {
		c, err := Compare(trials(r, 40, 100, 0.02), trials(r, 40, 100, 0.02), 0.05, 0.05)
		if err != nil || c.Verdict != Equivalent {
			t.Errorf("verdict %s (%v), ratio %.3f [%.3f, %.3f]", c.Verdict, err, c.Effect, c.TOSTCI.Lo, c.TOSTCI.Hi)
		}
	})
	t.Run("+20% is regressed with the CI covering 1.2", func(t *testing.T) {
		c, err := Compare(trials(r, 20, 100, 0.05), trials(r, 20, 120, 0.05), 0.05, 0.05)
		if err != nil || c.Verdict != Regressed || c.CI.Lo > 1.2 || c.CI.Hi < 1.2 {
			t.Errorf("verdict %s (%v), ratio %.3f CI [%.3f, %.3f]", c.Verdict, err, c.Effect, c.CI.Lo, c.CI.Hi)
		}
	})
	t.Run("-20% is improved", func(t *testing.T) {
		c, _ := Compare(trials(r, 20, 100, 0.05), trials(r, 20, 80, 0.05), 0.05, 0.05)
		if c.Verdict != Improved {
			t.Errorf("verdict %s, ratio %.3f", c.Verdict, c.Effect)
		}
	})
	t.Run("ten noisy trials are inconclusive, with the detectable effect", func(t *testing.T) {
		c, _ := Compare(trials(r, 5, 100, 0.3), trials(r, 5, 103, 0.3), 0.05, 0.05)
		if c.Verdict != Inconclusive || !(c.MDE > 0.05) || len(c.Warnings) == 0 {
			t.Errorf("verdict %s, MDE %.3f, warnings %v", c.Verdict, c.MDE, c.Warnings)
		}
	})
}

func TestTrend(t *testing.T) {
	// reference.py section 9 (SciPy kendalltau, method='asymptotic').
	for _, c := range []struct {
		v      []float64
		tau, p float64
	}{
		{[]float64{3.1, 2.9, 3.3, 3.0, 3.4, 3.2, 3.6, 3.5, 3.8, 3.7}, 0.688888888888889, 0.00555891962707056},
		{[]float64{5, 5, 6, 5, 7, 6, 7, 7, 8, 8, 9, 8}, 0.822439618699711, 0.000416100248991198},
		{[]float64{1.0, 1.2, 0.9, 1.1, 1.0, 0.95, 1.05, 1.02}, -0.0363696483726654, 0.90078026004724},
	} {
		tau, p, err := Trend(c.v)
		if err != nil || math.Abs(tau-c.tau) > 1e-12 || math.Abs(p-c.p) > 1e-9 {
			t.Errorf("Trend(%v) = %v, %v, %v; want %v, %v", c.v, tau, p, err, c.tau, c.p)
		}
	}
	for _, v := range [][]float64{nil, {1}, {1, 2}, {4, 4, 4, 4}, {1, math.NaN(), 3}} {
		if _, _, err := Trend(v); err == nil {
			t.Errorf("Trend(%v): no error", v)
		}
	}
}

func TestQuantile(t *testing.T) {
	// reference.py section 10 (numpy.quantile, linear).
	v := []float64{0.8, 1.3, 0.95, 2.4, 1.1, 1.05, 3.9, 1.2, 0.99, 1.15, 1.4, 1.0}
	for _, c := range []struct{ q, want float64 }{{0.5, 1.125}, {0.9, 2.3}, {0.95, 3.075}, {0.99, 3.735}, {0, 0.8}, {1, 3.9}} {
		if got, err := Quantile(v, c.q); err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, %v; want %v", c.q, got, err, c.want)
		}
	}
	for _, c := range []struct {
		v []float64
		q float64
	}{{nil, 0.5}, {[]float64{1, math.NaN()}, 0.5}, {v, 1.5}, {v, math.NaN()}} {
		if _, err := Quantile(c.v, c.q); err == nil {
			t.Errorf("Quantile(%v, %v): no error", c.v, c.q)
		}
	}
	if got, _ := Quantile([]float64{7}, 0.99); got != 7 {
		t.Errorf("Quantile of one value = %v", got)
	}
}

func TestBootstrapQuantileRatio(t *testing.T) {
	// Coverage by simulation: lognormal samples of 200 whose p95 differ by
	// exactly 1.2; the 90% interval should contain 1.2 in about 90% of
	// 150 repetitions (percentile intervals of tail quantiles run a little
	// short, so the bound is loose but would catch a wrong interval).
	rng := rand.New(rand.NewPCG(3, 4))
	draw := func(n int, scale float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = scale * math.Exp(0.3*rng.NormFloat64())
		}
		return v
	}
	hits := 0
	const sims = 150
	for i := 0; i < sims; i++ {
		a, b := draw(200, 1), draw(200, 1.2)
		r, ci, err := BootstrapQuantileRatio(a, b, 0.95, 0.10, 400, 4, uint64(i))
		if err != nil || !(ci.Lo <= r && r <= ci.Hi) {
			t.Fatalf("sim %d: %v %+v %v", i, r, ci, err)
		}
		if ci.Lo <= 1.2 && 1.2 <= ci.Hi {
			hits++
		}
	}
	if cov := float64(hits) / sims; cov < 0.8 || cov > 0.98 {
		t.Errorf("coverage %.2f of a nominal 90%% interval", cov)
	}
	// Same seed, same interval; the point estimate is the plain ratio.
	a, b := draw(50, 1), draw(50, 1)
	r1, c1, _ := BootstrapQuantileRatio(a, b, 0.9, 0.05, 500, 3, 9)
	r2, c2, _ := BootstrapQuantileRatio(a, b, 0.9, 0.05, 500, 3, 9)
	qa, _ := Quantile(a, 0.9)
	qb, _ := Quantile(b, 0.9)
	if c1 != c2 || r1 != r2 || math.Abs(r1-qb/qa) > 1e-12 {
		t.Errorf("not reproducible or wrong point estimate: %v %+v vs %v %+v (want %v)", r1, c1, r2, c2, qb/qa)
	}
	for _, c := range []struct {
		x, y        []float64
		reps, block int
	}{{[]float64{1}, []float64{1, 2}, 500, 1}, {[]float64{1, 0}, []float64{1, 2}, 500, 1}, {[]float64{1, 2}, []float64{1, math.NaN()}, 500, 1},
		{[]float64{1, 2}, []float64{1, 2}, 10, 1}, {[]float64{1, 2}, []float64{1, 2}, 500, 0}} {
		if _, _, err := BootstrapQuantileRatio(c.x, c.y, 0.9, 0.05, c.reps, c.block, 1); err == nil {
			t.Errorf("BootstrapQuantileRatio(%v, %v, reps %d, block %d): no error", c.x, c.y, c.reps, c.block)
		}
	}
}

// BenchmarkBootstrapQuantileRatio: one tail cell as compare computes it
// (2,000 replicates, blocks of n^(1/3)) for a large Rally run.
func BenchmarkBootstrapQuantileRatio(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float64, 10000), make([]float64, 10000)
	for i := range x {
		x[i], y[i] = math.Exp(rng.NormFloat64()), math.Exp(rng.NormFloat64())
	}
	for b.Loop() {
		BootstrapQuantileRatio(x, y, 0.99, 0.05, 2000, 22, 1)
	}
}

// TestSelectQuantile7 checks the quickselect path against the sorted one
// on random data with and without ties.
func TestSelectQuantile7(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 500; trial++ {
		n := 1 + rng.IntN(60)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(1 + trial%20)) // trial%20 == 0: all equal
		}
		q := []float64{0, 0.5, 0.9, 0.95, 0.99, 1, rng.Float64()}[trial%7]
		want := quantile7(sorted(v), q)
		if got := selectQuantile7(append([]float64(nil), v...), q, rng); got != want {
			t.Fatalf("selectQuantile7(%v, %v) = %v, want %v", v, q, got, want)
		}
	}
}

func TestMDEAndTrialsNeeded(t *testing.T) {
	// reference.py section 11.
	sa, sb := []float64{1.2, 0.0, 0.5, 0.8, 0.0, 0.3}, []float64{0.9, 1.6, 0.4, 2.0, 1.1, 0.7, 1.3}
	if got := mde(sa, sb, 0.05, 0.8, ShiftScale); math.Abs(got-0.81762381522746) > 1e-9 {
		t.Errorf("shift MDE %.15g", got)
	}
	if got := trialsNeeded(sa, sb, 0.05, 0.8, 0.1, ShiftScale); got != 472 {
		t.Errorf("shift trials needed %d, want 472", got)
	}
	ra, rb := []float64{100, 104, 97, 110, 101, 99}, []float64{105, 98, 112, 103, 100, 107, 102}
	if got := MDE(ra, rb, 0.05, 0.8); math.Abs(got-0.0736678719199537) > 1e-9 {
		t.Errorf("ratio MDE %.15g", got)
	}
	if got := TrialsNeeded(ra, rb, 0.05, 0.8, 0.05); got != 15 {
		t.Errorf("ratio trials needed %d, want 15", got)
	}
}

func TestCompareShift(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	rates := func(n int, mean float64) []float64 { // per-trial error rates in %
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Max(0, mean+0.1*r.NormFloat64())
		}
		return out
	}
	t.Run("no errors in either arm is equivalent", func(t *testing.T) {
		c, err := CompareShift(make([]float64, 10), make([]float64, 10), 0.05, 0.1)
		if err != nil || c.Verdict != Equivalent || c.Effect != 0 || c.Scale != ShiftScale {
			t.Errorf("verdict %s (%v), shift %g", c.Verdict, err, c.Effect)
		}
	})
	t.Run("+2 points of errors is regressed with the CI covering 2", func(t *testing.T) {
		c, err := CompareShift(rates(12, 0), rates(12, 2), 0.05, 0.1)
		if err != nil || c.Verdict != Regressed || c.CI.Lo > 2 || c.CI.Hi < 2 {
			t.Errorf("verdict %s (%v), shift %.3f CI [%.3f, %.3f]", c.Verdict, err, c.Effect, c.CI.Lo, c.CI.Hi)
		}
	})
	t.Run("a zero can be compared, unlike on the ratio scale", func(t *testing.T) {
		if _, err := Compare([]float64{0, 1, 2}, []float64{1, 2, 3}, 0.05, 0.05); err == nil {
			t.Error("ratio of a zero accepted")
		}
		if _, err := CompareShift([]float64{0, 1, 2}, []float64{1, 2, 3}, 0.05, 0.05); err != nil {
			t.Error(err)
		}
	})
	t.Run("noisy and few is inconclusive, naming the detectable shift", func(t *testing.T) {
		c, _ := CompareShift([]float64{0, 3, 0, 5}, []float64{4, 0, 1, 6}, 0.05, 0.1)
		if c.Verdict != Inconclusive || len(c.Warnings) == 0 || !strings.Contains(strings.Join(c.Warnings, " "), "shift of about") {
			t.Errorf("verdict %s, warnings %v", c.Verdict, c.Warnings)
		}
	})
}

func TestReversed(t *testing.T) {
	for in, want := range map[Verdict]Verdict{Regressed: Improved, Improved: Regressed, Equivalent: Equivalent, Inconclusive: Inconclusive} {
		if got := in.Reversed(); got != want {
			t.Errorf("%s reversed is %s, want %s", in, got, want)
		}
	}
}

func TestSignedRankAndWalsh(t *testing.T) {
	// reference.py section 12 (SciPy 1.10.1 wilcoxon, NumPy).
	d1 := []float64{0.12, -0.03, 0.25, 0.08, 0.31, -0.11, 0.19, 0.05, 0.22, 0.14}
	if p, exact, err := SignedRank(d1); err != nil || !exact || math.Abs(p-0.01953125) > 1e-12 {
		t.Errorf("exact signed rank p=%.15g exact=%v (%v)", p, exact, err)
	}
	d2 := []float64{0.1, 0.0, 0.2, 0.1, -0.1, 0.3, 0.2, 0.0, 0.1, 0.4, -0.2, 0.1}
	if p, exact, err := SignedRank(d2); err != nil || exact || math.Abs(p-0.0699504637544939) > 1e-9 {
		t.Errorf("signed rank with ties and zeros p=%.15g exact=%v (%v)", p, exact, err)
	}
	var d3 []float64
	for i := range 60 {
		d3 = append(d3, float64((i*37)%23-9)/10)
	}
	if p, exact, err := SignedRank(d3); err != nil || exact || math.Abs(p-0.043532055762795) > 1e-9 {
		t.Errorf("signed rank n=60 p=%.15g exact=%v (%v)", p, exact, err)
	}
	est, ci, err := WalshHL(d1, 0.05)
	if err != nil || math.Abs(est-0.13) > 1e-12 || math.Abs(ci.Lo-0.025) > 1e-12 || math.Abs(ci.Hi-0.22) > 1e-12 {
		t.Errorf("Walsh HL %.15g [%.15g, %.15g] (%v)", est, ci.Lo, ci.Hi, err)
	}
	// Boundaries: all zero differences, too few, NaN.
	if p, _, err := SignedRank([]float64{0, 0, 0}); err != nil || p != 1 {
		t.Errorf("all-zero differences: p=%g (%v)", p, err)
	}
	if _, _, err := SignedRank(nil); err != ErrTooFew {
		t.Errorf("no differences: %v", err)
	}
	if _, _, err := SignedRank([]float64{1, math.NaN()}); err == nil {
		t.Error("NaN accepted")
	}
	if _, _, err := WalshHL([]float64{0.1, 0.2}, 0.05); err != ErrTooFew {
		t.Errorf("two differences give a 95%% interval: %v", err)
	}
}

// TestComparePairedCancelsDrift: blocks share a drift (35% over the run)
// that widens the unpaired interval; pairing by block removes it.
func TestComparePairedCancelsDrift(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var a, b []float64
	for i := range 12 {
		level := 100 * math.Exp(0.3*float64(i)/11) // the deployment warms up over the run
		a = append(a, level*math.Exp(0.02*r.NormFloat64()))
		b = append(b, 1.1*level*math.Exp(0.02*r.NormFloat64()))
	}
	un, err := Compare(a, b, 0.05, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := ComparePaired(a, b, 0.05, 0.05, RatioScale)
	if err != nil || pc.Verdict != Regressed || pc.CI.Lo > 1.1 || pc.CI.Hi < 1.1 || !pc.Paired {
		t.Errorf("paired: %s %.3f [%.3f, %.3f] (%v)", pc.Verdict, pc.Effect, pc.CI.Lo, pc.CI.Hi, err)
	}
	if pw, uw := pc.CI.Hi/pc.CI.Lo, un.CI.Hi/un.CI.Lo; math.Log(pw) > math.Log(uw)/3 {
		t.Errorf("paired interval [%.3f, %.3f] not much narrower than unpaired [%.3f, %.3f]", pc.CI.Lo, pc.CI.Hi, un.CI.Lo, un.CI.Hi)
	}
	// Same blocks, no difference: equivalent within ±5%.
	var b2 []float64
	for i := range a {
		b2 = append(b2, a[i]*math.Exp(0.01*r.NormFloat64()))
	}
	if eq, err := ComparePaired(a, b2, 0.05, 0.05, RatioScale); err != nil || eq.Verdict != Equivalent {
		t.Errorf("paired A vs A: %s %.3f TOST [%.3f, %.3f] (%v)", eq.Verdict, eq.Effect, eq.TOSTCI.Lo, eq.TOSTCI.Hi, err)
	}
	if _, err := ComparePaired(a, b[:5], 0.05, 0.05, RatioScale); err == nil {
		t.Error("unequal lengths accepted")
	}
	// Shift scale with zeros (error rates).
	if sc, err := ComparePaired([]float64{0, 0, 0, 0, 0, 0, 0, 0}, []float64{0, 0, 0, 0, 0, 0, 0, 0}, 0.05, 0.1, ShiftScale); err != nil || sc.Verdict != Equivalent {
		t.Errorf("paired zeros: %s (%v)", sc.Verdict, err)
	}
}
