package stats

import (
	"math"
	"math/rand/v2"
	"sort"
)

// The Hodges-Lehmann estimates are order statistics of n1·n2 pairwise
// differences (or n(n+1)/2 Walsh averages): 10,000 observations per arm
// would be 10^8 values, 800 MB, to sort. They are never materialised.
// Sorting each sample once makes the values an implicit matrix whose rows
// (and columns) are sorted, so the values below any threshold can be
// counted row by row with one pointer in O(n1+n2), and an order
// statistic is found by a randomised search over that matrix (the
// "selection in X+Y" of Johnson and Mizoguchi, 1978; Monahan, 1984, for
// the Walsh averages): each round takes a pivot uniformly among the
// values still possible, counts the values below and up to it, and keeps
// the side holding the wanted rank, so O(log n1·n2) rounds are expected.
//
// The values are computed as the brute-force sort computed them, y_j-x_i
// and (d_i+d_j)/2 in float64, and rounding is monotone, so rows stay
// sorted and the selected value is bit for bit the one the sort put at
// that rank; ties are counted exactly (a value is found when fewer than
// k+1 values are below it and at least k+1 are at most it).

// sortedRows is a matrix of float64 values with every row sorted
// ascending, whose row boundaries below a threshold move one way as the
// row index grows.
type sortedRows interface {
	// rows is the number of rows.
	rows() int
	// extent is the first and past-the-end column of row i.
	extent(i int) (lo, hi int)
	// at is the value in row i, column j.
	at(i, j int) float64
	// cut sets cut[i] to the end of row i's values below t (< t when
	// strict, <= t otherwise) and returns how many there are in all.
	cut(t float64, strict bool, cut []int) int
}

// diffRows are the differences y_j - x_i of two sorted samples: row i is
// x_i against every y_j.
type diffRows struct{ x, y []float64 }

func (m diffRows) rows() int             { return len(m.x) }
func (m diffRows) extent(int) (int, int) { return 0, len(m.y) }
func (m diffRows) at(i, j int) float64   { return m.y[j] - m.x[i] }
func (m diffRows) cut(t float64, strict bool, cut []int) int {
	// A larger x_i makes every difference of its row smaller, so the
	// boundary only moves right as i grows.
	total, j := 0, 0
	for i, a := range m.x {
		if strict {
			for j < len(m.y) && m.y[j]-a < t {
				j++
			}
		} else {
			for j < len(m.y) && m.y[j]-a <= t {
				j++
			}
		}
		cut[i] = j
		total += j
	}
	return total
}

// walshRows are the Walsh averages (d_i+d_j)/2, i <= j, of a sorted
// sample: row i holds columns i..n-1.
type walshRows struct{ d []float64 }

func (m walshRows) rows() int               { return len(m.d) }
func (m walshRows) extent(i int) (int, int) { return i, len(m.d) }
func (m walshRows) at(i, j int) float64     { return (m.d[i] + m.d[j]) / 2 }
func (m walshRows) cut(t float64, strict bool, cut []int) int {
	// Over all columns, row i's values below t end at some c_i that only
	// moves left as i grows; the row itself starts at column i.
	n := len(m.d)
	total, j := 0, n
	for i, a := range m.d {
		if strict {
			for j > 0 && (a+m.d[j-1])/2 >= t {
				j--
			}
		} else {
			for j > 0 && (a+m.d[j-1])/2 > t {
				j--
			}
		}
		c := max(j, i)
		cut[i] = c
		total += c - i
	}
	return total
}

// selector finds order statistics of a sortedRows matrix, reusing its
// scratch rows and remembering the ranks already found (the estimate and
// the intervals at two levels ask for overlapping ranks).
type selector struct {
	m              sortedRows
	lo, hi, lt, le []int
	rng            *rand.Rand
	found          map[int]float64
	// all is the whole matrix sorted, when its values include NaN (see
	// newSelector); nil otherwise.
	all []float64
}

// newSelector prepares the selection over m. materialise says the values
// include NaN (∞-∞): NaN breaks the sorted rows, so those are sorted
// whole as before, where sort.Float64s puts NaN first. Callers only ask
// for that when both samples hold an infinity of the same sign, which no
// finite measurement does.
func newSelector(m sortedRows, materialise bool) *selector {
	s := &selector{m: m, found: map[int]float64{}}
	if materialise {
		for i := 0; i < m.rows(); i++ {
			lo, hi := m.extent(i)
			for j := lo; j < hi; j++ {
				s.all = append(s.all, m.at(i, j))
			}
		}
		sort.Float64s(s.all)
		return s
	}
	r := m.rows()
	s.lo, s.hi, s.lt, s.le = make([]int, r), make([]int, r), make([]int, r), make([]int, r)
	// A fixed seed: the pivots decide only how fast the search ends, never
	// what it finds.
	s.rng = rand.New(rand.NewPCG(0x5eed, 0x4c))
	return s
}

// kth is the k-th smallest value (0-based), as a full sort would place it.
func (s *selector) kth(k int) float64 {
	if s.all != nil {
		return s.all[k]
	}
	if v, ok := s.found[k]; ok {
		return v
	}
	v := s.search(k)
	s.found[k] = v
	return v
}

func (s *selector) search(k int) float64 {
	m, lo, hi := s.m, s.lo, s.hi
	left := 0 // values still possible
	for i := range lo {
		lo[i], hi[i] = m.extent(i)
		left += hi[i] - lo[i]
	}
	if k < 0 || k >= left {
		panic("stats: order statistic out of range")
	}
	for {
		r := s.rng.IntN(left)
		var p float64
		for i := range lo {
			if w := hi[i] - lo[i]; r < w {
				p = m.at(i, lo[i]+r)
				break
			} else {
				r -= w
			}
		}
		// Everything already excluded below is < p and everything excluded
		// above is > p, so the counts over whole rows agree with the bounds.
		if below := m.cut(p, true, s.lt); k < below {
			left = 0
			for i := range hi {
				hi[i] = min(hi[i], s.lt[i])
				left += hi[i] - lo[i]
			}
			continue
		}
		if upTo := m.cut(p, false, s.le); k < upTo {
			return p
		}
		left = 0
		for i := range lo {
			lo[i] = max(lo[i], s.le[i])
			left += hi[i] - lo[i]
		}
	}
}

// hodgesLehmann is what a Hodges-Lehmann estimate and its intervals at
// any number of levels share: the sorted sample(s), the order statistics
// found so far and the estimate.
type hodgesLehmann struct {
	sel *selector
	m   int     // number of pairwise values
	sd  float64 // the rank statistic's standard deviation under the null
	est float64
}

func newHL(sel *selector, m int, sd float64) *hodgesLehmann {
	h := &hodgesLehmann{sel: sel, m: m, sd: sd}
	h.est = sel.kth(m / 2)
	if m%2 == 0 {
		h.est = (sel.kth(m/2-1) + h.est) / 2
	}
	return h
}

// shiftHL prepares the two-sample estimate of y against x; inputs are
// non-empty and NaN-free.
func shiftHL(x, y []float64) *hodgesLehmann {
	xs, ys := sorted(x), sorted(y)
	n1, n2 := len(xs), len(ys)
	nan := xs[n1-1] == math.Inf(1) && ys[n2-1] == math.Inf(1) || xs[0] == math.Inf(-1) && ys[0] == math.Inf(-1)
	sd := math.Sqrt(float64(n1*n2*(n1+n2+1)) / 12)
	return newHL(newSelector(diffRows{xs, ys}, nan), n1*n2, sd)
}

// walshHL prepares the one-sample estimate of d; d is non-empty and
// NaN-free.
func walshHL(d []float64) *hodgesLehmann {
	ds := sorted(d)
	n := len(ds)
	nan := ds[0] == math.Inf(-1) && ds[n-1] == math.Inf(1)
	sd := math.Sqrt(float64(n) * float64(n+1) * float64(2*n+1) / 24)
	return newHL(newSelector(walshRows{ds}, nan), n*(n+1)/2, sd)
}

// interval is the distribution-free interval at 1-alpha: the order
// statistics k and m-1-k for the normal approximation of the rank
// statistic's critical value, or the whole range with ErrTooFew when k
// would be negative.
func (h *hodgesLehmann) interval(alpha float64) (Interval, error) {
	z := normQuantile(1 - alpha/2)
	k := int(math.Floor(float64(h.m)/2 - z*h.sd))
	if k < 0 {
		return Interval{Lo: h.sel.kth(0), Hi: h.sel.kth(h.m - 1)}, ErrTooFew
	}
	return Interval{Lo: h.sel.kth(k), Hi: h.sel.kth(h.m - 1 - k), Coverage: 1 - alpha}, nil
}

// logs returns the natural logarithms of v, which must be positive.
func logs(v []float64) ([]float64, error) {
	l := make([]float64, len(v))
	for i, x := range v {
		if x <= 0 {
			return nil, errNonPositive
		}
		l[i] = math.Log(x)
	}
	return l, nil
}

// exp maps an interval of logarithms back to the ratio scale.
func (ci Interval) exp() Interval {
	return Interval{Lo: math.Exp(ci.Lo), Hi: math.Exp(ci.Hi), Coverage: ci.Coverage}
}
