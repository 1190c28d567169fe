package stats

import "math"

// SignedRank is the two-sided Wilcoxon signed-rank test of paired
// differences d, as SciPy's wilcoxon with its defaults: zero differences
// are dropped; the exact distribution is used up to 50 differences when
// there are no zeros and no ties among |d|, the normal approximation with
// the tie correction (no continuity correction) otherwise. With no
// non-zero difference left, p is 1.
func SignedRank(d []float64) (p float64, exact bool, err error) {
	if len(d) == 0 {
		return 0, false, ErrTooFew
	}
	if err := check(d); err != nil {
		return 0, false, err
	}
	var abs []float64
	var pos []bool
	zeros := 0
	for _, x := range d {
		if x == 0 {
			zeros++
			continue
		}
		abs = append(abs, math.Abs(x))
		pos = append(pos, x > 0)
	}
	n := len(abs)
	if n == 0 {
		return 1, true, nil
	}
	r, ties := ranks(abs)
	rPlus := 0.0
	for i, rk := range r {
		if pos[i] {
			rPlus += rk
		}
	}
	total := float64(n*(n+1)) / 2
	if n <= 50 && zeros == 0 && len(ties) == 0 {
		return exactSignedRank(n, int(math.Round(rPlus))), true, nil
	}
	mn := total / 2
	se := float64(n) * float64(n+1) * float64(2*n+1)
	for _, t := range ties {
		tf := float64(t)
		se -= 0.5 * tf * (tf*tf - 1)
	}
	se = math.Sqrt(se / 24)
	if se == 0 {
		return 1, false, nil
	}
	tStat := math.Min(rPlus, total-rPlus)
	z := (tStat - mn) / se
	return math.Min(1, 2*normSF(math.Abs(z))), false, nil
}

// exactSignedRank is the two-sided p of a positive rank sum under the
// null: 2 min(P(R+ <= r), P(R+ >= r)), counting subsets of 1..n by sum.
func exactSignedRank(n, r int) float64 {
	max := n * (n + 1) / 2
	counts := make([]float64, max+1)
	counts[0] = 1
	for k := 1; k <= n; k++ {
		for s := max; s >= k; s-- {
			counts[s] += counts[s-k]
		}
	}
	all := math.Pow(2, float64(n))
	if 2*r == max {
		return 1
	}
	le, ge := 0.0, 0.0
	for s, c := range counts {
		if s <= r {
			le += c
		}
		if s >= r {
			ge += c
		}
	}
	return math.Min(1, 2*math.Min(le, ge)/all)
}

// WalshHL is the one-sample Hodges-Lehmann estimate of the centre of d
// (the median of the Walsh averages (d_i+d_j)/2, i <= j) with its
// distribution-free interval at 1-alpha from the signed-rank critical
// value (normal approximation). ErrTooFew comes with the whole range when
// d is too short for the level. The averages are selected from the sorted
// sample, never materialised (see hl.go).
func WalshHL(d []float64, alpha float64) (float64, Interval, error) {
	if len(d) == 0 {
		return 0, Interval{}, ErrTooFew
	}
	if err := check(d); err != nil {
		return 0, Interval{}, err
	}
	h := walshHL(d)
	ci, err := h.interval(alpha)
	return h.est, ci, err
}
