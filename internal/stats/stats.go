// Package stats holds the statistics letgo compare reports: distribution-free
// location tests and estimates for comparing latency samples of two
// deployments. Pure functions of their inputs (randomness is passed in);
// problems are returned as values, never printed.
package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// ErrTooFew is returned when a sample is too small for the statistic.
var ErrTooFew = errors.New("too few observations")

// ErrNaN is returned when a sample contains NaN.
var ErrNaN = errors.New("sample contains NaN")

func check(xs ...[]float64) error {
	for _, x := range xs {
		for _, v := range x {
			if math.IsNaN(v) {
				return ErrNaN
			}
		}
	}
	return nil
}

func sorted(x []float64) []float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s
}

// Median returns the sample median.
func Median(x []float64) (float64, error) {
	if len(x) == 0 {
		return 0, ErrTooFew
	}
	if err := check(x); err != nil {
		return 0, err
	}
	s := sorted(x)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], nil
	}
	return (s[n/2-1] + s[n/2]) / 2, nil
}

// Interval is a confidence interval with its actual coverage.
type Interval struct {
	Lo, Hi   float64
	Coverage float64 // the attained confidence (>= the requested one when exact)
}

// MedianCI is the distribution-free (order-statistic) confidence interval
// for the median at confidence 1-alpha: [x(l), x(n-l+1)] with l the largest
// rank such that P(l <= B(n, 1/2) <= n-l) >= 1-alpha.
func MedianCI(x []float64, alpha float64) (Interval, error) {
	n := len(x)
	if n == 0 {
		return Interval{}, ErrTooFew
	}
	if err := check(x); err != nil {
		return Interval{}, err
	}
	s := sorted(x)
	// cdf[k] = P(B <= k)
	cdf := make([]float64, n+1)
	acc := 0.0
	for k := 0; k <= n; k++ {
		acc += binomPMF(n, k, 0.5)
		cdf[k] = acc
	}
	l := 0 // 1-based rank; 0 means no interval narrower than the range
	for r := 1; r <= (n+1)/2; r++ {
		// coverage of [x(r), x(n-r+1)] = P(r <= B <= n-r) = cdf[n-r] - cdf[r-1]
		cov := cdf[n-r] - cdf[r-1]
		if cov >= 1-alpha {
			l = r
		} else {
			break
		}
	}
	if l == 0 {
		return Interval{Lo: s[0], Hi: s[n-1], Coverage: 1 - 2*math.Pow(0.5, float64(n))}, ErrTooFew
	}
	return Interval{Lo: s[l-1], Hi: s[n-l], Coverage: cdf[n-l] - cdf[l-1]}, nil
}

func binomPMF(n, k int, p float64) float64 {
	lg := lgamma(float64(n+1)) - lgamma(float64(k+1)) - lgamma(float64(n-k+1))
	return math.Exp(lg + float64(k)*math.Log(p) + float64(n-k)*math.Log(1-p))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// ranks returns midranks of the pooled sample and the tie-group sizes.
func ranks(pooled []float64) ([]float64, []int) {
	n := len(pooled)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return pooled[idx[a]] < pooled[idx[b]] })
	r := make([]float64, n)
	var ties []int
	for i := 0; i < n; {
		j := i
		for j+1 < n && pooled[idx[j+1]] == pooled[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mid
		}
		if j > i {
			ties = append(ties, j-i+1)
		}
		i = j + 1
	}
	return r, ties
}

// MWResult is the outcome of a Mann-Whitney U test.
type MWResult struct {
	U1    float64 // U statistic of the first sample: #(x > y) + 0.5 #(x == y)
	P     float64 // two-sided p-value
	Exact bool    // from the exact permutation distribution (ties included)
}

// maxExact bounds the pooled size for the exact test.
const maxExact = 60

// MannWhitney is the two-sided Mann-Whitney U test of x against y. It uses
// the exact permutation distribution of the rank sum (midranks, so ties are
// handled) when the pooled sample has at most 60 observations, and the
// normal approximation with tie and continuity corrections otherwise.
func MannWhitney(x, y []float64) (MWResult, error) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return MWResult{}, ErrTooFew
	}
	if err := check(x, y); err != nil {
		return MWResult{}, err
	}
	pooled := append(append([]float64(nil), x...), y...)
	r, ties := ranks(pooled)
	r1 := 0.0
	for i := 0; i < n1; i++ {
		r1 += r[i]
	}
	u1 := r1 - float64(n1*(n1+1))/2
	mu := float64(n1*n2) / 2
	if len(ties) == 1 && ties[0] == n1+n2 {
		return MWResult{U1: u1, P: 1, Exact: true}, nil // all equal
	}
	if n1+n2 <= maxExact {
		return MWResult{U1: u1, P: exactMW(r, n1, u1), Exact: true}, nil
	}
	n := float64(n1 + n2)
	tie := 0.0
	for _, t := range ties {
		tf := float64(t)
		tie += tf*tf*tf - tf
	}
	sigma := math.Sqrt(float64(n1*n2) / 12 * ((n + 1) - tie/(n*(n-1))))
	if sigma == 0 {
		return MWResult{U1: u1, P: 1}, nil
	}
	z := (math.Abs(u1-mu) - 0.5) / sigma
	if z < 0 {
		z = 0
	}
	return MWResult{U1: u1, P: math.Min(1, 2*normSF(z))}, nil
}

// exactMW computes P(|U - mu| >= |u1 - mu|) under the permutation
// distribution of the midranks r (doubled to integers), by dynamic
// programming over subsets of size n1.
func exactMW(r []float64, n1 int, u1 float64) float64 {
	n := len(r)
	vals := make([]int, n)
	total := 0
	for i, v := range r {
		vals[i] = int(math.Round(2 * v))
		total += vals[i]
	}
	// ways[k][s]: number of subsets of size k with doubled rank sum s.
	ways := make([][]float64, n1+1)
	for k := range ways {
		ways[k] = make([]float64, total+1)
	}
	ways[0][0] = 1
	for _, v := range vals {
		for k := n1; k >= 1; k-- {
			row, prev := ways[k], ways[k-1]
			for s := total; s >= v; s-- {
				row[s] += prev[s-v]
			}
		}
	}
	count := 0.0
	for _, w := range ways[n1] {
		count += w
	}
	// U = R1 - n1(n1+1)/2; compare distances from the mean on the doubled scale.
	mean2 := float64(n1 * (n + 1)) // 2 * E[R1]
	obs := math.Abs(2*(u1+float64(n1*(n1+1))/2) - mean2)
	extreme := 0.0
	for s, w := range ways[n1] {
		if w > 0 && math.Abs(float64(s)-mean2) >= obs-1e-9 {
			extreme += w
		}
	}
	return math.Min(1, extreme/count)
}

// normSF is the standard normal survival function.
func normSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// normQuantile is the standard normal quantile (Acklam's algorithm with one
// Newton step; |error| < 1e-12).
func normQuantile(p float64) float64 {
	if p <= 0 {
		return math.Inf(-1)
	}
	if p >= 1 {
		return math.Inf(1)
	}
	a := [...]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [...]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := [...]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	d := [...]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	var x float64
	switch {
	case p < 0.02425:
		q := math.Sqrt(-2 * math.Log(p))
		x = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	case p > 1-0.02425:
		q := math.Sqrt(-2 * math.Log(1-p))
		x = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	default:
		q := p - 0.5
		r := q * q
		x = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
	}
	e := 0.5*math.Erfc(-x/math.Sqrt2) - p
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	return x - u/(1+x*u/2)
}

// HodgesLehmann is the shift estimate of y relative to x (the median of all
// pairwise differences y_j - x_i) with a distribution-free confidence
// interval at 1-alpha (Moses), using the normal approximation of the
// Mann-Whitney critical value. The differences are selected from the
// sorted samples, never materialised (see hl.go): O((n1+n2) log(n1·n2))
// time and O(n1+n2) memory.
func HodgesLehmann(x, y []float64, alpha float64) (float64, Interval, error) {
	if len(x) == 0 || len(y) == 0 {
		return 0, Interval{}, ErrTooFew
	}
	if err := check(x, y); err != nil {
		return 0, Interval{}, err
	}
	h := shiftHL(x, y)
	ci, err := h.interval(alpha)
	return h.est, ci, err
}

// errNonPositive is returned for a ratio of values that are not all
// positive.
var errNonPositive = errors.New("ratio of non-positive values")

// RatioHL estimates the ratio of y to x (e.g. latency of B over A) as the
// exponential of the Hodges-Lehmann shift of their logarithms, with its
// confidence interval. Values must be positive.
func RatioHL(x, y []float64, alpha float64) (float64, Interval, error) {
	lx, err := logs(x)
	if err != nil {
		return 0, Interval{}, err
	}
	ly, err := logs(y)
	if err != nil {
		return 0, Interval{}, err
	}
	est, ci, err := HodgesLehmann(lx, ly, alpha)
	return math.Exp(est), ci.exp(), err
}

// CliffsDelta is P(y > x) - P(y < x) over all pairs, in [-1, 1].
func CliffsDelta(x, y []float64) (float64, error) {
	if len(x) == 0 || len(y) == 0 {
		return 0, ErrTooFew
	}
	if err := check(x, y); err != nil {
		return 0, err
	}
	return cliffSorted(sorted(x), sorted(y)), nil
}

// cliffSorted is Cliff's delta of two sorted samples, counting the pairs
// on either side of each y_j with two pointers instead of comparing all
// n1·n2 pairs.
func cliffSorted(xs, ys []float64) float64 {
	gt, lt := 0, 0
	below, upTo := 0, 0 // x values < y_j and <= y_j
	for _, b := range ys {
		for below < len(xs) && xs[below] < b {
			below++
		}
		upTo = max(upTo, below)
		for upTo < len(xs) && xs[upTo] <= b {
			upTo++
		}
		gt += below
		lt += len(xs) - upTo
	}
	return float64(gt-lt) / float64(len(xs)*len(ys))
}

// Holm adjusts p-values for multiple comparisons (Holm-Bonferroni step-down),
// returning adjusted p-values in the input order.
func Holm(p []float64) []float64 {
	m := len(p)
	idx := order(p)
	adj := make([]float64, m)
	running := 0.0
	for i, j := range idx {
		v := math.Min(1, float64(m-i)*p[j])
		running = math.Max(running, v)
		adj[j] = running
	}
	return adj
}

// BH returns Benjamini-Hochberg q-values in the input order.
func BH(p []float64) []float64 {
	m := len(p)
	idx := order(p)
	q := make([]float64, m)
	running := 1.0
	for i := m - 1; i >= 0; i-- {
		j := idx[i]
		v := math.Min(1, p[j]*float64(m)/float64(i+1))
		running = math.Min(running, v)
		q[j] = running
	}
	return q
}

func order(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	return idx
}

// FisherExact is the two-sided Fisher exact test of a 2x2 table
// [[a, b], [c, d]] (e.g. errors and successes of two arms): the sum of the
// probabilities of all tables with the same margins that are no more
// likely than the observed one.
func FisherExact(a, b, c, d int) (float64, error) {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		return 0, errors.New("negative count")
	}
	r1, c1, n := a+b, a+c, a+b+c+d
	if n == 0 {
		return 1, nil
	}
	lo, hi := max(0, r1+c1-n), min(r1, c1)
	logp := func(x int) float64 {
		return lchoose(c1, x) + lchoose(n-c1, r1-x) - lchoose(n, r1)
	}
	obs := logp(a)
	p := 0.0
	for x := lo; x <= hi; x++ {
		if lp := logp(x); lp <= obs+1e-7 {
			p += math.Exp(lp)
		}
	}
	return math.Min(1, p), nil
}

func lchoose(n, k int) float64 {
	return lgamma(float64(n+1)) - lgamma(float64(k+1)) - lgamma(float64(n-k+1))
}

// Trend tests values for a monotone drift against their order (trial or
// iteration order): Kendall's tau-b between order and value, with the
// two-sided normal-approximation p of the tie-corrected variance, no
// continuity correction (SciPy kendalltau(range(n), v,
// method='asymptotic')). Needs n >= 3 and values that are not all equal.
func Trend(v []float64) (tau, p float64, err error) {
	if err := check(v); err != nil {
		return math.NaN(), math.NaN(), err
	}
	n := len(v)
	if n < 3 {
		return math.NaN(), math.NaN(), fmt.Errorf("trend needs at least 3 values, got %d", n)
	}
	var ties, tiesVar float64 // Σ t(t-1)/2 and Σ t(t-1)(2t+5) over groups of equal values
	sv := sorted(v)
	for i := 0; i < n; {
		j := i
		for j < n && sv[j] == sv[i] {
			j++
		}
		t := float64(j - i)
		ties += t * (t - 1) / 2
		tiesVar += t * (t - 1) * (2*t + 5)
		i = j
	}
	n0 := float64(n*(n-1)) / 2
	// Concordant minus discordant pairs: of the n0 pairs, those not tied
	// are concordant or discordant, and the discordant ones are the
	// inversions of v, counted by a merge sort in O(n log n).
	if ties == n0 {
		return math.NaN(), math.NaN(), fmt.Errorf("trend of %d equal values", n)
	}
	s := n0 - ties - 2*float64(inversions(slices.Clone(v), make([]float64, n)))
	tau = s / math.Sqrt(n0*(n0-ties))
	nf := float64(n)
	variance := (nf*(nf-1)*(2*nf+5) - tiesVar) / 18
	return tau, 2 * normSF(math.Abs(s)/math.Sqrt(variance)), nil
}

// inversions sorts v (using buf, of the same length) and returns the
// number of pairs i < j with v[i] > v[j]; equal values are no inversion.
func inversions(v, buf []float64) int {
	if len(v) < 2 {
		return 0
	}
	mid := len(v) / 2
	count := inversions(v[:mid], buf[:mid]) + inversions(v[mid:], buf[mid:])
	left, right := append(buf[:0], v[:mid]...), v[mid:]
	i, j, k := 0, 0, 0
	for i < len(left) && j < len(right) {
		if right[j] < left[i] {
			count += len(left) - i // right[j] is below every left value not yet placed
			v[k] = right[j]
			j++
		} else {
			v[k] = left[i]
			i++
		}
		k++
	}
	copy(v[k:], left[i:]) // what is left of right is already in place
	return count
}

// Quantile is the q-quantile of x with linear interpolation between order
// statistics (Hyndman-Fan type 7, NumPy's default).
func Quantile(x []float64, q float64) (float64, error) {
	if len(x) == 0 {
		return math.NaN(), ErrTooFew
	}
	if err := check(x); err != nil {
		return math.NaN(), err
	}
	if q < 0 || q > 1 || math.IsNaN(q) {
		return math.NaN(), fmt.Errorf("quantile %v outside [0, 1]", q)
	}
	return quantile7(sorted(x), q), nil
}

func quantile7(s []float64, q float64) float64 {
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// BootstrapQuantileRatio estimates the ratio of the q-quantiles of y and x
// (B over A) with a percentile confidence interval from a moving-block
// bootstrap: each replicate rebuilds each sample from blocks of block
// consecutive observations with random (circular) starts, so dependence
// between neighbouring iterations of a run is kept. A seeded generator
// makes the interval reproducible. The interval's attained coverage is not
// known exactly (Coverage is the nominal 1-alpha); tail quantiles of small
// samples are biased low, which is why callers only use p99 from 100
// observations on.
func BootstrapQuantileRatio(x, y []float64, q, alpha float64, reps, block int, seed uint64) (float64, Interval, error) {
	nan := Interval{Lo: math.NaN(), Hi: math.NaN()}
	if len(x) < 2 || len(y) < 2 {
		return math.NaN(), nan, ErrTooFew
	}
	if err := check(x, y); err != nil {
		return math.NaN(), nan, err
	}
	for _, sample := range [][]float64{x, y} {
		if slices.Min(sample) <= 0 {
			return math.NaN(), nan, errors.New("ratio of quantiles needs positive values")
		}
	}
	if reps < 100 || block < 1 {
		return math.NaN(), nan, fmt.Errorf("bootstrap needs at least 100 replicates and blocks of 1 or more, got %d and %d", reps, block)
	}
	ratio := quantile7(sorted(y), q) / quantile7(sorted(x), q)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	bx, by := make([]float64, 0, len(x)), make([]float64, 0, len(y))
	rs := make([]float64, reps)
	for i := range rs {
		bx, by = resampleBlocks(x, bx, block, rng), resampleBlocks(y, by, block, rng)
		rs[i] = selectQuantile7(by, q, rng) / selectQuantile7(bx, q, rng)
	}
	sort.Float64s(rs)
	return ratio, Interval{Lo: quantile7(rs, alpha/2), Hi: quantile7(rs, 1-alpha/2), Coverage: 1 - alpha}, nil
}

// resampleBlocks fills buf with len(v) values of v in blocks of up to
// block consecutive values (circularly) from random starts. A block wraps
// round once at most (it is never longer than v) and is copied rather
// than indexed modulo len(v) value by value.
func resampleBlocks(v, buf []float64, block int, rng *rand.Rand) []float64 {
	buf = buf[:0]
	for len(buf) < len(v) {
		start := rng.IntN(len(v))
		end := start + min(block, len(v)-len(buf))
		if end <= len(v) {
			buf = append(buf, v[start:end]...)
		} else {
			buf = append(append(buf, v[start:]...), v[:end-len(v)]...)
		}
	}
	return buf
}

// selectQuantile7 is quantile7 of an unsorted slice, which it reorders:
// a quickselect of the two order statistics needed instead of a sort, so a
// bootstrap replicate costs O(n) rather than O(n log n).
func selectQuantile7(v []float64, q float64, rng *rand.Rand) float64 {
	h := q * float64(len(v)-1)
	lo := int(math.Floor(h))
	if lo >= len(v)-1 {
		lo = len(v) - 1
	}
	a := quickselect(v, lo, rng)
	if lo == len(v)-1 || h == float64(lo) {
		return a
	}
	b := v[lo+1] // after quickselect everything right of lo is >= v[lo]
	for _, w := range v[lo+2:] {
		b = math.Min(b, w)
	}
	return a + (h-float64(lo))*(b-a)
}

// quickselect reorders v so that v[k] is its k-th smallest value, with no
// larger value before it and no smaller value after it.
func quickselect(v []float64, k int, rng *rand.Rand) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		pivot := v[lo+rng.IntN(hi-lo+1)]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}
