package compare

import (
	"fmt"

	"github.com/letgo-dev/letgo/internal/stats"
)

// runQuantiles are the statistics each Rally run contributes per metric
// when several runs per arm are compared: the run is the unit.
var runQuantiles = []struct {
	name string
	q    float64
	min  int // iterations a run needs for the quantile to mean something
}{{"median", 0.5, 1}, {"p95", 0.95, 20}}

// CompareRallyRuns compares several Rally runs per arm (ideally run
// alternately, A B A B ...): for each workload present in every run of
// both arms, each run's median (and p95 from 20 iterations) of the
// iteration duration and of every atomic action is one observation, so
// run-to-run variance is part of the comparison; failed iterations are
// compared per run on the shift scale (percentage points) and pooled with
// Fisher's exact test. All cells are Holm-corrected together.
func CompareRallyRuns(a, b [][]Workload, opts Options) Report {
	rep := Report{Notes: []string{fmt.Sprintf("%d Rally runs of A and %d of B: each run's median (and p95) is one observation, so run-to-run variance is covered; the runs should alternate between the arms", len(a), len(b))}}
	keys, unmatched := commonWorkloads(a, b)
	rep.Unmatched = unmatched
	for _, key := range keys {
		wa, wb := runsOf(a, key), runsOf(b, key)
		name := shortName(wa[0])
		for _, metric := range metricNames(append(append([]Workload{}, wa...), wb...)...) {
			for _, q := range runQuantiles {
				va, vb := runStats(wa, metric, q.q, q.min), runStats(wb, metric, q.q, q.min)
				if len(va) < len(wa) || len(vb) < len(wb) {
					continue // some run lacks the metric or the iterations for it
				}
				rep.Cells = append(rep.Cells, newCell(name, metric+" "+q.name+" per run", "s", va, vb, latencyKind, opts))
			}
		}
		var fa, na, fb, nb int64
		var ra, rb []float64
		for _, arm := range []struct {
			runs  []Workload
			f, n  *int64
			rates *[]float64
		}{{wa, &fa, &na, &ra}, {wb, &fb, &nb, &rb}} {
			for _, w := range arm.runs {
				k, n := failed(w), w.Len()
				*arm.f += int64(k)
				*arm.n += int64(n)
				if n > 0 {
					*arm.rates = append(*arm.rates, 100*float64(k)/float64(n))
				}
			}
		}
		rep.Errors = append(rep.Errors, newErrorCount(name, fa, na, fb, nb))
		if fa+fb > 0 {
			rep.Cells = append(rep.Cells, newCell(name, "failed iterations (%) per run", "%", ra, rb, errorRateKind, opts))
		}
	}
	correct(&rep, opts)
	return rep
}

// commonWorkloads lists, in A's first run's order, the workloads every run
// of both arms has, and says which are missing where.
func commonWorkloads(a, b [][]Workload) (keys, unmatched []string) {
	count := map[string]int{}
	names := map[string]string{}
	for _, runs := range [][][]Workload{a, b} {
		for _, run := range runs {
			seen := map[string]bool{}
			for _, w := range run {
				if !seen[w.Key()] {
					seen[w.Key()] = true
					count[w.Key()]++
					names[w.Key()] = shortName(w)
				}
			}
		}
	}
	total := len(a) + len(b)
	reported := map[string]bool{}
	for _, runs := range [][][]Workload{a, b} {
		for _, run := range runs {
			for _, w := range run {
				k := w.Key()
				switch {
				case count[k] == total && !reported[k]:
					keys = append(keys, k)
				case count[k] < total && !reported[k]:
					unmatched = append(unmatched, fmt.Sprintf("in %d of %d runs: %s", count[k], total, names[k]))
				}
				reported[k] = true
			}
		}
	}
	return keys, unmatched
}

// runsOf picks each run's workload with the key.
func runsOf(runs [][]Workload, key string) []Workload {
	var out []Workload
	for _, run := range runs {
		for _, w := range run {
			if w.Key() == key {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// runStats is each run's quantile of a metric over its successful
// iterations; runs with fewer than min values are left out.
func runStats(runs []Workload, metric string, q float64, min int) []float64 {
	var out []float64
	for _, w := range runs {
		v := values(w, metric)
		if len(v) < min || len(v) == 0 {
			continue
		}
		x, err := stats.Quantile(v, q)
		if err == nil {
			out = append(out, x)
		}
	}
	return out
}
