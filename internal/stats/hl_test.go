package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
)

// The oracles below are the brute-force definitions the selection replaced
// (every pairwise value materialised and sorted, every pair compared):
// the fast versions must give the same bits on every input.

func bruteHL(x, y []float64, alpha float64) (float64, Interval, error) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return 0, Interval{}, ErrTooFew
	}
	if err := check(x, y); err != nil {
		return 0, Interval{}, err
	}
	d := make([]float64, 0, n1*n2)
	for _, a := range x {
		for _, b := range y {
			d = append(d, b-a)
		}
	}
	sort.Float64s(d)
	m := len(d)
	var est float64
	if m%2 == 1 {
		est = d[m/2]
	} else {
		est = (d[m/2-1] + d[m/2]) / 2
	}
	z := normQuantile(1 - alpha/2)
	k := int(math.Floor(float64(n1*n2)/2 - z*math.Sqrt(float64(n1*n2*(n1+n2+1))/12)))
	if k < 0 {
		return est, Interval{Lo: d[0], Hi: d[m-1]}, ErrTooFew
	}
	return est, Interval{Lo: d[k], Hi: d[m-1-k], Coverage: 1 - alpha}, nil
}

func bruteRatioHL(x, y []float64, alpha float64) (float64, Interval, error) {
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	for i, v := range x {
		if v <= 0 {
			return 0, Interval{}, errors.New("ratio of non-positive values")
		}
		lx[i] = math.Log(v)
	}
	for i, v := range y {
		if v <= 0 {
			return 0, Interval{}, errors.New("ratio of non-positive values")
		}
		ly[i] = math.Log(v)
	}
	est, ci, err := bruteHL(lx, ly, alpha)
	return math.Exp(est), Interval{Lo: math.Exp(ci.Lo), Hi: math.Exp(ci.Hi), Coverage: ci.Coverage}, err
}

func bruteWalshHL(d []float64, alpha float64) (float64, Interval, error) {
	n := len(d)
	if n == 0 {
		return 0, Interval{}, ErrTooFew
	}
	if err := check(d); err != nil {
		return 0, Interval{}, err
	}
	w := make([]float64, 0, n*(n+1)/2)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			w = append(w, (d[i]+d[j])/2)
		}
	}
	sort.Float64s(w)
	m := len(w)
	est := w[m/2]
	if m%2 == 0 {
		est = (w[m/2-1] + w[m/2]) / 2
	}
	z := normQuantile(1 - alpha/2)
	k := int(math.Floor(float64(m)/2 - z*math.Sqrt(float64(n)*float64(n+1)*float64(2*n+1)/24)))
	if k < 0 {
		return est, Interval{Lo: w[0], Hi: w[m-1]}, ErrTooFew
	}
	return est, Interval{Lo: w[k], Hi: w[m-1-k], Coverage: 1 - alpha}, nil
}

func bruteCliff(x, y []float64) float64 {
	gt, lt := 0, 0
	for _, a := range x {
		for _, b := range y {
			switch {
			case b > a:
				gt++
			case b < a:
				lt++
			}
		}
	}
	return float64(gt-lt) / float64(len(x)*len(y))
}

// bruteKendallS is concordant minus discordant pairs of v against order.
func bruteKendallS(v []float64) float64 {
	var s float64
	for i := range v {
		for j := i + 1; j < len(v); j++ {
			switch {
			case v[j] > v[i]:
				s++
			case v[j] < v[i]:
				s--
			}
		}
	}
	return s
}

// same is bit equality, NaN equal to NaN.
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// sameErr: both nil, or the same message (the oracle makes its own
// error values).
func sameErr(a, b error) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Error() == b.Error()
}

func sameInterval(a, b Interval) bool {
	return same(a.Lo, b.Lo) && same(a.Hi, b.Hi) && same(a.Coverage, b.Coverage)
}

// sample draws n values of a named shape; every shape but "continuous"
// has many ties, as Rally timings on a polling grid do.
func sample(r *rand.Rand, shape string, n int, shift float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch shape {
		case "continuous":
			v[i] = math.Exp(0.3*r.NormFloat64()) + shift
		case "grid": // milliseconds of a lognormal latency
			v[i] = math.Round(1000*(math.Exp(0.2*r.NormFloat64())+shift)) / 1000
		case "heavy ties":
			v[i] = float64(r.IntN(3)) + shift
		case "all equal":
			v[i] = 2.5
		case "signed": // both signs and zero, as paired differences are
			v[i] = float64(r.IntN(7)-3)/4 + shift
		case "wide": // magnitudes far apart, so differences round
			v[i] = math.Ldexp(1+r.Float64(), r.IntN(120)-60) + shift
		}
	}
	return v
}

// TestSelectionMatchesSort compares the selection-based Hodges-Lehmann
// estimates (shift, ratio, Walsh), Cliff's delta and Kendall's S with the
// brute-force sort on seeded random inputs: sizes 1 and 2, very unequal
// sizes, heavy ties, all-equal samples, several levels including ones too
// strict for the sizes (ErrTooFew with the whole range).
func TestSelectionMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2024))
	shapes := []string{"continuous", "grid", "heavy ties", "all equal", "signed", "wide"}
	sizes := [][2]int{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 5}, {1, 300}, {300, 1}, {2, 200}, {7, 7}, {10, 11}, {25, 40}, {64, 64}, {150, 90}}
	alphas := []float64{0.05, 0.1, 0.5, 0.9, 1e-9}
	cases := 0
	for _, shape := range shapes {
		for _, size := range sizes {
			for rep := range 6 {
				cases++
				name := fmt.Sprintf("%s/%dx%d/%d", shape, size[0], size[1], rep)
				shift := []float64{0, 0.1, 1}[rep%3]
				x := sample(r, shape, size[0], 0)
				y := sample(r, shape, size[1], shift)
				for _, alpha := range alphas {
					est, ci, err := HodgesLehmann(x, y, alpha)
					west, wci, werr := bruteHL(x, y, alpha)
					if !same(est, west) || !sameInterval(ci, wci) || err != werr {
						t.Errorf("%s: HodgesLehmann(alpha=%g) = %v %+v %v, want %v %+v %v", name, alpha, est, ci, err, west, wci, werr)
					}
					if shape != "signed" {
						est, ci, err = RatioHL(x, y, alpha)
						west, wci, werr = bruteRatioHL(x, y, alpha)
						if !same(est, west) || !sameInterval(ci, wci) || !sameErr(err, werr) {
							t.Errorf("%s: RatioHL(alpha=%g) = %v %+v %v, want %v %+v %v", name, alpha, est, ci, err, west, wci, werr)
						}
					}
					est, ci, err = WalshHL(y, alpha)
					west, wci, werr = bruteWalshHL(y, alpha)
					if !same(est, west) || !sameInterval(ci, wci) || err != werr {
						t.Errorf("%s: WalshHL(alpha=%g) = %v %+v %v, want %v %+v %v", name, alpha, est, ci, err, west, wci, werr)
					}
				}
				if d, _ := CliffsDelta(x, y); !same(d, bruteCliff(x, y)) {
					t.Errorf("%s: CliffsDelta = %v, want %v", name, d, bruteCliff(x, y))
				}
				if got, want := float64(len(y)*(len(y)-1))/2-tieSum(y)-2*float64(inversions(append([]float64(nil), y...), make([]float64, len(y)))), bruteKendallS(y); !same(got, want) {
					t.Errorf("%s: Kendall S = %v, want %v", name, got, want)
				}
			}
		}
	}
	if cases < 400 {
		t.Fatalf("only %d cases", cases)
	}
}

func tieSum(v []float64) float64 {
	s := sorted(v)
	ties := 0.0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		ties += float64((j - i) * (j - i - 1) / 2)
		i = j
	}
	return ties
}

// TestSelectionInfinities: infinities order like any value, and when both
// samples hold one of the same sign (∞-∞ is NaN) the values are sorted
// whole, NaN first, as before.
func TestSelectionInfinities(t *testing.T) {
	inf := math.Inf(1)
	for _, tt := range []struct {
		name string
		x, y []float64
	}{
		{"one side", []float64{1, 2, inf}, []float64{0.5, 3, 4, 5}},
		{"both +inf", []float64{1, inf, 2, inf}, []float64{inf, 3, 4}},
		{"both -inf", []float64{-inf, 1, 2}, []float64{-inf, -inf, 3, 4, 5}},
		{"opposite", []float64{-inf, 1, 2}, []float64{inf, 3}},
		{"overflow", []float64{-math.MaxFloat64, 0, 1}, []float64{math.MaxFloat64, 2, 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, alpha := range []float64{0.05, 0.9} {
				est, ci, err := HodgesLehmann(tt.x, tt.y, alpha)
				west, wci, werr := bruteHL(tt.x, tt.y, alpha)
				if !same(est, west) || !sameInterval(ci, wci) || err != werr {
					t.Errorf("HodgesLehmann(%v, %v, %g) = %v %+v %v, want %v %+v %v", tt.x, tt.y, alpha, est, ci, err, west, wci, werr)
				}
				d := append(append([]float64(nil), tt.x...), tt.y...)
				est, ci, err = WalshHL(d, alpha)
				west, wci, werr = bruteWalshHL(d, alpha)
				if !same(est, west) || !sameInterval(ci, wci) || err != werr {
					t.Errorf("WalshHL(%v, %g) = %v %+v %v, want %v %+v %v", d, alpha, est, ci, err, west, wci, werr)
				}
			}
		})
	}
}

// TestCompareSharesEstimate: Compare, CompareShift and ComparePaired set
// their effect and both intervals from one shared estimate; the values
// must be those of separate calls at alpha and 2·alpha.
func TestCompareSharesEstimate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, shape := range []string{"continuous", "grid", "heavy ties", "all equal"} {
		for _, n := range []int{2, 3, 6, 12, 40} {
			a, b := sample(r, shape, n, 0.5), sample(r, shape, n, 0.6)
			name := fmt.Sprintf("%s/%d", shape, n)
			c, err := Compare(a, b, 0.05, 0.05)
			est, ci, _ := bruteRatioHL(a, b, 0.05)
			_, tost, _ := bruteRatioHL(a, b, 0.1)
			if err != nil || !same(c.Effect, est) || !sameInterval(c.CI, ci) || !sameInterval(c.TOSTCI, tost) {
				t.Errorf("%s: Compare = %v %+v %+v (%v), want %v %+v %+v", name, c.Effect, c.CI, c.TOSTCI, err, est, ci, tost)
			}
			c, err = CompareShift(a, b, 0.05, 0.05)
			est, ci, _ = bruteHL(a, b, 0.05)
			_, tost, _ = bruteHL(a, b, 0.1)
			if err != nil || !same(c.Effect, est) || !sameInterval(c.CI, ci) || !sameInterval(c.TOSTCI, tost) {
				t.Errorf("%s: CompareShift = %v %+v %+v (%v), want %v %+v %+v", name, c.Effect, c.CI, c.TOSTCI, err, est, ci, tost)
			}
			d := make([]float64, n)
			for i := range d {
				d[i] = b[i] - a[i]
			}
			c, err = ComparePaired(a, b, 0.05, 0.05, ShiftScale)
			est, ci, _ = bruteWalshHL(d, 0.05)
			_, tost, _ = bruteWalshHL(d, 0.1)
			if err != nil || !same(c.Effect, est) || !sameInterval(c.CI, ci) || !sameInterval(c.TOSTCI, tost) {
				t.Errorf("%s: ComparePaired = %v %+v %+v (%v), want %v %+v %+v", name, c.Effect, c.CI, c.TOSTCI, err, est, ci, tost)
			}
		}
	}
	if _, err := Compare([]float64{1, 0}, []float64{1, 2}, 0.05, 0.05); err == nil {
		t.Error("Compare of a zero on the ratio scale: no error")
	}
}

// TestHodgesLehmannMemory: the estimate of 5,000 against 5,000 values
// allocates memory for the samples, not for their 25 million differences
// (200 MB when they were sorted).
func TestHodgesLehmannMemory(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := sample(r, "grid", 5000, 0), sample(r, "grid", 5000, 0.05)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, _, err := HodgesLehmann(x, y, 0.05); err != nil {
		t.Fatal(err)
	}
	if _, _, err := WalshHL(y, 0.05); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("HodgesLehmann and WalshHL of 5,000 values allocated %d bytes, want under 4 MiB", got)
	}
}

// TestResampleBlocks: copying whole blocks draws the same values, in the
// same order and from the same random starts, as taking v[(start+k) %
// len(v)] one by one did, for blocks shorter than, as long as and longer
// than the sample.
func TestResampleBlocks(t *testing.T) {
	for _, n := range []int{1, 2, 5, 22, 100, 1001} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)
		}
		for _, block := range []int{1, 3, 22, n, n + 7} {
			got := resampleBlocks(v, nil, block, rand.New(rand.NewPCG(uint64(n), uint64(block))))
			rng := rand.New(rand.NewPCG(uint64(n), uint64(block)))
			var want []float64
			for len(want) < n {
				start := rng.IntN(n)
				for k := 0; k < block && len(want) < n; k++ {
					want = append(want, v[(start+k)%n])
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("resampleBlocks(n=%d, block=%d) = %v, want %v", n, block, got, want)
			}
		}
	}
}

func BenchmarkHodgesLehmann(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	x, y := sample(r, "grid", 10000, 0), sample(r, "grid", 10000, 0.05)
	for b.Loop() {
		if _, _, err := HodgesLehmann(x, y, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrend(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	v := sample(r, "grid", 10000, 0)
	for b.Loop() {
		if _, _, err := Trend(v); err != nil {
			b.Fatal(err)
		}
	}
}
