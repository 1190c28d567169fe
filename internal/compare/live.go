package compare

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/loadgen"
)

// LiveOptions describe an A/B run against two deployments.
type LiveOptions struct {
	Options
	Workload loadgen.Workload
	// Steps, when set, is a ladder of workloads (one per rate) run one
	// after another, each with its own trials and cells.
	Steps  []loadgen.Workload
	Trials int    // per arm and step
	Seed   uint64 // randomises the order within each block (ABBA...)
	// Progress, when set, is called after each trial.
	Progress func(trial int, arm string, res *loadgen.Result)
}

// liveQuantiles are the latency quantiles each trial contributes.
var liveQuantiles = []struct {
	name string
	q    float64
}{{"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}, {"p99", 0.99}, {"p99.9", 0.999}}

// Trial is one run of one arm.
type Trial struct {
	Arm   string  `json:"arm"`
	Index int     `json:"index"`
	Rate  float64 `json:"rate,omitempty"` // open model: the step's target rate
	// Latency from the intended send time, ms: quantiles and mean.
	Latency    map[string]float64 `json:"latency_ms"`
	Throughput float64            `json:"throughput"` // successful responses per measured second
	Errors     int64              `json:"errors"`
	Completed  int64              `json:"completed"`
	Late       int64              `json:"late"`
	Dropped    int64              `json:"dropped"`
}

// CompareLive runs the workload against a and b in randomised blocks (each
// block runs A and B once, in a seeded random order), then compares the
// per-trial mean, p50, p90, p95, p99 and p99.9 latency, throughput (higher
// is better) and error rate (on the shift scale, in percentage points) with
// the same statistics as Rally results, Holm-corrected across all cells
// (eight per step of a ladder; steps run one after another).
func CompareLive(ctx context.Context, a, b string, opts LiveOptions) (Report, []Trial, error) {
	if opts.Trials < 2 {
		return Report{}, nil, fmt.Errorf("need at least 2 trials per arm, got %d", opts.Trials)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 99))
	began := time.Now()
	var series [2]Series
	var trials []Trial
	steps := opts.Steps
	if len(steps) == 0 {
		steps = []loadgen.Workload{opts.Workload}
	}
	how := fmt.Sprintf("compared as independent samples (fewer than %d blocks)", MinPairedBlocks)
	if opts.Trials >= MinPairedBlocks {
		how = "compared block by block (Wilcoxon signed-rank, Hodges-Lehmann of the within-block differences), so drift shared by a block's two trials cancels"
	}
	rep := Report{Notes: []string{fmt.Sprintf("%d trials per arm in randomised blocks, %s; each trial's statistics (latency quantiles from the intended send time, throughput, error rate) are one observation each", opts.Trials, how)}}
	opts.Paired = true
	for _, w := range steps {
		metrics := map[string][2][]float64{}
		alone := map[string][2][]float64{} // each arm's observations, paired or not
		var errs, total, completed [2]int64
		classes := [2]map[string]int64{{}, {}}
		for i := 0; i < opts.Trials; i++ {
			order := []int{0, 1}
			if rng.IntN(2) == 1 {
				order = []int{1, 0}
			}
			var block [2]map[string]float64 // each arm's observations in this block
			for _, arm := range order {
				url := a
				if arm == 1 {
					url = b
				}
				offset := time.Since(began) + w.Warmup
				res, err := loadgen.Run(ctx, w, url)
				if err != nil {
					return Report{}, trials, fmt.Errorf("trial %d of %s: %w", i, "AB"[arm:arm+1], err)
				}
				tr := trialOf(res, w, arm, i)
				block[arm] = observations(tr)
				for _, sec := range res.Timeline {
					if sec.Completed > 0 {
						at := offset.Seconds() + float64(sec.T) + 0.5
						series[arm].P50 = append(series[arm].P50, [2]float64{at, sec.P50})
						series[arm].P99 = append(series[arm].P99, [2]float64{at, sec.P99})
					}
				}
				errs[arm] += tr.Errors
				total[arm] += tr.Completed + tr.Errors
				completed[arm] += tr.Completed
				for c, n := range res.Errors {
					classes[arm][c] += n
				}
				trials = append(trials, tr)
				if opts.Progress != nil {
					opts.Progress(i, tr.Arm, res)
				}
			}
			for arm, obs := range block {
				for name, v := range obs {
					m := alone[name]
					m[arm] = append(m[arm], v)
					alone[name] = m
				}
			}
			// A metric enters only when both arms of the block have it, so
			// the i-th observations of A and B come from the same block.
			for name, va := range block[0] {
				if vb, ok := block[1][name]; ok {
					m := metrics[name]
					m[0], m[1] = append(m[0], va), append(m[1], vb)
					metrics[name] = m
				}
			}
		}
		name := "http"
		if len(steps) > 1 {
			name = fmt.Sprintf("http @%g/s", w.Rate)
		}
		for arm, url := range []string{a, b} {
			if completed[arm] == 0 {
				rep.Failures = append(rep.Failures, fmt.Sprintf("arm %s (%s) completed no request of %s in %d trials (%s): nothing to compare it by",
					"AB"[arm:arm+1], url, name, opts.Trials, classText(classes[arm])))
			}
		}
		names := []string{"mean"}
		for _, q := range liveQuantiles {
			names = append(names, q.name)
		}
		for _, n := range names {
			m := metrics[n]
			if len(m[0]) == 0 { // no block has it in both arms: show what each arm has
				m = alone[n]
			}
			rep.Cells = append(rep.Cells, newCell(name+" "+n, n+" latency (ms)", "ms", m[0], m[1], latencyKind, opts.Options))
		}
		m := metrics["throughput"]
		rep.Cells = append(rep.Cells, newCell(name+" throughput", "throughput (req/s)", "/s", m[0], m[1], throughputKind, opts.Options))
		m = metrics["errors"]
		rep.Cells = append(rep.Cells, newCell(name+" errors", "error rate (%)", "%", m[0], m[1], errorRateKind, opts.Options))
		rep.Errors = append(rep.Errors, newErrorCount(name, errs[0], total[0], errs[1], total[1]))
		if errs[0]+errs[1] > 0 {
			e := rep.Errors[len(rep.Errors)-1]
			rep.Notes = append(rep.Notes, fmt.Sprintf("errors of %s: A %d of %d, B %d of %d requests (Fisher exact p=%.3g)", name, e.A, e.ATotal, e.B, e.BTotal, e.P))
		}
	}
	correct(&rep, opts.Options)
	series[0].Arm, series[1].Arm = "A", "B"
	rep.Series = series[:]
	return rep, trials, nil
}

// observations are what a trial contributes to the cells: latency mean and
// quantiles (none when nothing completed), throughput, and the error rate
// in percent (none when no request ended).
func observations(tr Trial) map[string]float64 {
	obs := map[string]float64{"throughput": tr.Throughput}
	for name, v := range tr.Latency {
		obs[name] = v
	}
	if n := tr.Completed + tr.Errors; n > 0 {
		obs["errors"] = 100 * float64(tr.Errors) / float64(n)
	}
	return obs
}

// trialOf summarises one trial's run: counts, throughput over the
// measured window, and the latency statistics it contributes.
func trialOf(res *loadgen.Result, w loadgen.Workload, arm, index int) Trial {
	tr := Trial{Arm: "AB"[arm : arm+1], Index: index, Rate: w.Rate, Completed: res.Completed, Late: res.Late, Dropped: res.Dropped}
	for _, n := range res.Errors {
		tr.Errors += n
	}
	if measured := res.Elapsed - w.Warmup; w.Duration > 0 {
		tr.Throughput = float64(res.Completed) / w.Duration.Seconds()
	} else if measured > 0 { // closed model with iterations: the measured part of the run
		tr.Throughput = float64(res.Completed) / measured.Seconds()
	}
	if res.Completed > 0 {
		tr.Latency = map[string]float64{"mean": res.Latency.Mean() / 1000}
		for _, q := range liveQuantiles {
			tr.Latency[q.name] = res.Quantile(res.Latency, q.q)
		}
	}
	return tr
}

// classText lists error classes with their counts, sorted.
func classText(classes map[string]int64) string {
	if len(classes) == 0 {
		return "no request ended"
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(classes)) {
		parts = append(parts, fmt.Sprintf("%s errors %d", c, classes[c]))
	}
	return strings.Join(parts, ", ")
}
