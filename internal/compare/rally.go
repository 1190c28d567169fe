// Package compare compares two arms (eventlet mode, threading mode) of the
// same workloads with the statistics of package stats: from Rally results
// today, from letgo's own load runs later.
package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// Workload is one Rally workload: a scenario with its arguments and runner,
// and the measured iterations.
type Workload struct {
	Scenario   string
	Args       string // canonical JSON
	Runner     string // canonical JSON
	Iterations []Iteration
}

// Key identifies a workload across files.
func (w Workload) Key() string { return w.Scenario + " " + w.Args + " " + w.Runner }

// Iteration is one scenario run.
type Iteration struct {
	Duration float64            // seconds
	Idle     float64            // seconds
	Failed   bool               // the iteration recorded an error
	Atomics  map[string]float64 // action path ("a > b" for nested) → seconds
}

// MaxRallyBytes bounds a Rally result file: far above a real one (a few
// MB for thousands of iterations), low enough that decoding it stays
// within a few GB of memory.
const MaxRallyBytes = 128 << 20

// rallyLimit is MaxRallyBytes, lowered by tests.
var rallyLimit int64 = MaxRallyBytes

// MaxRallySeconds bounds a time in a Rally result: about 30 years, far
// above any iteration, low enough that sums and means stay finite.
const MaxRallySeconds = 1e9

// ParseRally reads a Rally result in either format: the current task report
// or export ({"info", "tasks": [subtasks → workloads → data]}) or the legacy
// `rally task results` list ([{"key", "result"}]). The format is detected by
// shape. A file above MaxRallyBytes, or a time that is not a finite number
// of seconds (1e400 overflows to infinity), is refused.
func ParseRally(r io.Reader) ([]Workload, error) {
	var raw any
	lr := &io.LimitedReader{R: r, N: rallyLimit + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("rally json: above the %d-byte limit of a Rally result", rallyLimit)
		}
		return nil, fmt.Errorf("parse rally json: %w", err)
	}
	switch v := raw.(type) {
	case map[string]any:
		tasks, ok := v["tasks"].([]any)
		if !ok {
			return nil, fmt.Errorf("rally json: an object without \"tasks\" is not a task report")
		}
		return parseTasks(tasks)
	case []any:
		return parseLegacy(v)
	}
	return nil, fmt.Errorf("rally json: neither a task report nor a results list")
}

func canon(v any) string {
	if v == nil {
		return "{}"
	}
	b, _ := json.Marshal(v) // map keys are sorted by encoding/json
	return string(b)
}

func num(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64() // ±Inf on overflow: checkIteration refuses it
		return f
	case float64:
		return x
	}
	return 0
}

// checkIteration refuses times that are not finite — a number that
// overflows a float64 (1e400), or that a difference or a sum of huge ones
// made infinite — or beyond MaxRallySeconds: statistics and the JSON
// report cannot hold them.
func checkIteration(w Workload, i int) error {
	it := w.Iterations[i]
	bad := func(what string, v float64) error {
		return fmt.Errorf("rally json: workload %s, iteration %d: %s %v is not a number of seconds up to %g", shortName(w), i+1, what, v, MaxRallySeconds)
	}
	if !plausible(it.Duration) {
		return bad("duration", it.Duration)
	}
	if !plausible(it.Idle) {
		return bad("idle_duration", it.Idle)
	}
	for _, k := range slices.Sorted(maps.Keys(it.Atomics)) {
		if v := it.Atomics[k]; !plausible(v) {
			return bad(fmt.Sprintf("atomic action %q", k), v)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

// plausible says whether a time in seconds can be compared: finite and no
// larger than MaxRallySeconds either way.
func plausible(v float64) bool { return finite(v) && math.Abs(v) <= MaxRallySeconds }

func parseTasks(tasks []any) ([]Workload, error) {
	var out []Workload
	for _, t := range tasks {
		task, _ := t.(map[string]any)
		subtasks, _ := task["subtasks"].([]any)
		for _, st := range subtasks {
			sub, _ := st.(map[string]any)
			workloads, _ := sub["workloads"].([]any)
			for _, wl := range workloads {
				w, _ := wl.(map[string]any)
				parsed, err := parseWorkload(w)
				if err != nil {
					return nil, err
				}
				out = append(out, parsed)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rally json: no workloads")
	}
	return out, nil
}

// parseWorkload reads one workload of a task report: the scenario is in
// "name" (export format) or the single key of "scenario" (report format).
func parseWorkload(w map[string]any) (Workload, error) {
	wl := Workload{}
	if name, ok := w["name"].(string); ok {
		wl.Scenario, wl.Args = name, canon(w["args"])
	}
	if sc, ok := w["scenario"].(map[string]any); ok && len(sc) == 1 {
		for k, v := range sc {
			wl.Scenario, wl.Args = k, canon(v)
		}
	}
	switch r := w["runner"].(type) {
	case map[string]any:
		wl.Runner = canon(runnerConfig(r))
	default:
		wl.Runner = canon(map[string]any{"type": w["runner_type"]})
	}
	data, _ := w["data"].([]any)
	for _, d := range data {
		it, _ := d.(map[string]any)
		wl.Iterations = append(wl.Iterations, parseIteration(it))
		if err := checkIteration(wl, len(wl.Iterations)-1); err != nil {
			return Workload{}, err
		}
	}
	return wl, nil
}

// runnerConfig puts a runner in one shape, {"type": "constant", "times": 12,
// ...}, whichever way the file wrote it: the task report and export write
// {"constant": {"times": 12, ...}} (Rally 3.3.0), the legacy results list
// {"type": "constant", "times": 12, ...}; so workloads match across formats.
func runnerConfig(r map[string]any) map[string]any {
	if _, ok := r["type"]; ok || len(r) != 1 {
		return r
	}
	for name, v := range r {
		cfg, ok := v.(map[string]any)
		if !ok {
			return r
		}
		out := map[string]any{"type": name}
		for k, x := range cfg {
			out[k] = x
		}
		return out
	}
	return r
}

func parseIteration(it map[string]any) Iteration {
	i := Iteration{Duration: num(it["duration"]), Idle: num(it["idle_duration"]), Atomics: map[string]float64{}}
	if errs, ok := it["error"].([]any); ok && len(errs) > 0 {
		i.Failed = true
	}
	if s, ok := it["error"].(string); ok && s != "" {
		i.Failed = true
	}
	switch aa := it["atomic_actions"].(type) {
	case []any: // [{"name", "started_at", "finished_at", "children", "failed"}] or [{"name","duration"}]
		flattenAtomics(aa, "", i.Atomics)
	case map[string]any: // legacy {"name": seconds}
		for k, v := range aa {
			i.Atomics[k] = num(v)
		}
	}
	return i
}

// flattenAtomics records each action's duration under its path; repeated
// actions in one iteration are summed (as Rally's reports do).
func flattenAtomics(actions []any, prefix string, out map[string]float64) {
	for _, a := range actions {
		act, _ := a.(map[string]any)
		name, _ := act["name"].(string)
		if name == "" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + " > " + name
		}
		d := num(act["duration"])
		if _, ok := act["finished_at"]; ok {
			d = num(act["finished_at"]) - num(act["started_at"])
		}
		out[path] += d
		if ch, ok := act["children"].([]any); ok {
			flattenAtomics(ch, path, out)
		}
	}
}

func parseLegacy(list []any) ([]Workload, error) {
	var out []Workload
	for _, e := range list {
		entry, _ := e.(map[string]any)
		key, _ := entry["key"].(map[string]any)
		if key == nil {
			return nil, fmt.Errorf("rally json: a results list entry without \"key\"")
		}
		kw, _ := key["kw"].(map[string]any)
		wl := Workload{}
		wl.Scenario, _ = key["name"].(string)
		if kw != nil {
			runner, _ := kw["runner"].(map[string]any)
			wl.Args, wl.Runner = canon(kw["args"]), canon(runnerConfig(runner))
		} else {
			wl.Args, wl.Runner = "{}", "{}"
		}
		results, _ := entry["result"].([]any)
		for _, r := range results {
			it, _ := r.(map[string]any)
			wl.Iterations = append(wl.Iterations, parseIteration(it))
			if err := checkIteration(wl, len(wl.Iterations)-1); err != nil {
				return nil, err
			}
		}
		out = append(out, wl)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rally json: no workloads")
	}
	return out, nil
}

// metricNames lists "duration" and every atomic action path of a workload.
func metricNames(ws ...Workload) []string {
	seen := map[string]bool{}
	for _, w := range ws {
		for _, it := range w.Iterations {
			for k := range it.Atomics {
				seen[k] = true
			}
		}
	}
	return append([]string{"duration"}, slices.Sorted(maps.Keys(seen))...)
}

// values returns a metric's values over successful iterations.
func values(w Workload, metric string) []float64 {
	var out []float64
	for _, it := range w.Iterations {
		if it.Failed {
			continue
		}
		if metric == "duration" {
			out = append(out, it.Duration)
		} else if v, ok := it.Atomics[metric]; ok {
			out = append(out, v)
		}
	}
	return out
}

func shortName(w Workload) string {
	args := w.Args
	if len(args) > 60 {
		args = args[:60] + "..."
	}
	if args == "{}" {
		return w.Scenario
	}
	return w.Scenario + " " + strings.ReplaceAll(args, "\"", "")
}
