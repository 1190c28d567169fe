package compare

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// run builds one Rally run: a workload "boot" with n iterations around
// base seconds (a run-level offset, then per-iteration noise) with an
// atomic action, failing the iterations listed, and a workload "list"
// unless skipList.
func run(r *rand.Rand, n int, base float64, fail map[int]bool, skipList bool) []Workload {
	offset := math.Exp(0.03 * r.NormFloat64()) // run-to-run variance
	boot := Workload{Scenario: "NovaServers.boot", Args: "{}", Runner: "constant"}
	for i := range n {
		d := base * offset * math.Exp(0.1*r.NormFloat64())
		boot.Add(Iteration{Duration: d, Failed: fail[i], Atomics: []Atomic{{"nova.boot_server", 0.8 * d}}})
	}
	ws := []Workload{boot}
	if !skipList {
		list := Workload{Scenario: "NovaServers.list", Args: "{}", Runner: "constant"}
		for range n {
			list.Add(Iteration{Duration: 0.2 * math.Exp(0.1*r.NormFloat64())})
		}
		ws = append(ws, list)
	}
	return ws
}

func TestCompareRallyRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	opts := Options{Alpha: 0.05, Margin: 0.05}
	var a, b [][]Workload
	for i := range 8 {
		a = append(a, run(r, 30, 10, nil, false))
		b = append(b, run(r, 30, 11.5, map[int]bool{3: true, 17: true}, i == 7)) // B's last run lacks "list"
	}
	rep := CompareRallyRuns(a, b, opts)
	cells := map[string]Cell{}
	for _, c := range rep.Cells {
		cells[c.Workload+" | "+c.Metric] = c
	}
	med := cells["NovaServers.boot | duration median per run"]
	// True ratio 1.15; 3% run-to-run and 10% per-iteration noise.
	if med.Verdict != "regressed" || med.A.N != 8 || med.B.N != 8 || med.RatioLo <= 1 || med.Ratio < 1.08 || med.Ratio > 1.22 {
		t.Errorf("boot median per run: %s ratio %.3f [%.3f, %.3f], n %d+%d", med.Verdict, med.Ratio, med.RatioLo, med.RatioHi, med.A.N, med.B.N)
	}
	if c, ok := cells["NovaServers.boot | nova.boot_server p95 per run"]; !ok || c.Verdict != "regressed" {
		t.Errorf("atomic action p95 per run: %+v", c.Verdict)
	}
	if f, ok := cells["NovaServers.boot | failed iterations (%) per run"]; !ok || f.Verdict != "regressed" || f.Shift == nil {
		t.Errorf("failed iterations per run: %+v", f)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].B != 16 || rep.Errors[0].BTotal != 240 || rep.Errors[0].A != 0 {
		t.Errorf("errors: %+v", rep.Errors)
	}
	if len(rep.Unmatched) != 1 || !strings.Contains(rep.Unmatched[0], "in 15 of 16 runs: NovaServers.list") {
		t.Errorf("unmatched: %v", rep.Unmatched)
	}
	if _, ok := cells["NovaServers.list | duration median per run"]; ok {
		t.Error("a workload missing from one run was compared")
	}
	if n := strings.Join(rep.Notes, "\n"); strings.Contains(n, "no change can be significant") {
		t.Errorf("8 runs per arm said to be too few:\n%s", n)
	}
	// Three runs per arm cannot reach significance over this many cells
	// (the smallest Mann-Whitney p is 2/20), and the report says how many
	// would.
	few := CompareRallyRuns(a[:3], b[:3], opts)
	if n := strings.Join(few.Notes, "\n"); !strings.Contains(n, "with 3 and 3 observations per cell no change can be significant") || !strings.Contains(n, "the smallest p the test can give is 0.1") {
		t.Errorf("3 runs per arm:\n%s", n)
	}

	// A against A: equivalent, and no error cell without failures.
	var a2 [][]Workload
	for range 8 {
		a2 = append(a2, run(r, 30, 10, nil, false))
	}
	rep = CompareRallyRuns(a, a2, opts)
	for _, c := range rep.Cells {
		if c.Verdict == "regressed" || c.Verdict == "improved" {
			t.Errorf("A vs A: %s %s %s %.3f", c.Workload, c.Metric, c.Verdict, c.Ratio)
		}
		if strings.HasPrefix(c.Metric, "failed") {
			t.Errorf("error cell without failures: %+v", c)
		}
	}
}

// TestPairedCells: live cells pair the i-th trials of A and B (same block)
// from MinPairedBlocks blocks on, and compare fewer as independent
// samples.
func TestPairedCells(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var a, b []float64
	for i := range MinPairedBlocks {
		level := 20 * math.Exp(0.4*float64(i)/float64(MinPairedBlocks)) // drift over the run
		a = append(a, level*math.Exp(0.01*r.NormFloat64()))
		b = append(b, 1.08*level*math.Exp(0.01*r.NormFloat64()))
	}
	paired := Options{Alpha: 0.05, Margin: 0.05, Paired: true}
	c := newCell("http p50", "p50 latency (ms)", "ms", a, b, latencyKind, paired)
	if !c.Paired || c.Verdict != "regressed" || c.RatioLo > 1.08 || c.RatioHi < 1.08 {
		t.Errorf("paired cell: paired=%v %s %.3f [%.3f, %.3f]", c.Paired, c.Verdict, c.Ratio, c.RatioLo, c.RatioHi)
	}
	u := newCell("http p50", "p50 latency (ms)", "ms", a, b, latencyKind, Options{Alpha: 0.05, Margin: 0.05})
	if u.Paired || math.Log(u.RatioHi/u.RatioLo) < 2*math.Log(c.RatioHi/c.RatioLo) {
		t.Errorf("unpaired cell [%.3f, %.3f] should be wider than paired [%.3f, %.3f]", u.RatioLo, u.RatioHi, c.RatioLo, c.RatioHi)
	}
	if few := newCell("w", "m", "ms", a[:6], b[:6], latencyKind, paired); few.Paired {
		t.Error("6 blocks compared pair by pair")
	}
}
