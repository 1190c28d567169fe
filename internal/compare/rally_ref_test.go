package compare

// The reference reader: ParseRally as it was before it streamed, decoding
// the whole document into a tree (kept verbatim but for names), against
// which the streaming reader is checked on every input of the tests.

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
)

type refWorkload struct {
	Scenario, Args, Runner string
	Iterations             []refIteration
}

type refIteration struct {
	Duration, Idle float64
	Failed         bool
	Atomics        map[string]float64
}

// plain is the workload in ParseRally's types.
func (w refWorkload) plain() Workload {
	out := Workload{Scenario: w.Scenario, Args: w.Args, Runner: w.Runner}
	for _, it := range w.Iterations {
		p := Iteration{Duration: it.Duration, Failed: it.Failed}
		for _, k := range slices.Sorted(maps.Keys(it.Atomics)) {
			p.Atomics = append(p.Atomics, Atomic{k, it.Atomics[k]})
		}
		out.Add(p)
	}
	return out
}

// refParseRally: ParseRally reads a Rally result in either format: the current task report
// or export ({"info", "tasks": [subtasks → workloads → data]}) or the legacy
// `rally task results` list ([{"key", "result"}]). The format is detected by
// shape. A file above MaxRallyBytes, or a time that is not a finite number
// of seconds (1e400 overflows to infinity), is refused.
func refParseRally(r io.Reader) ([]refWorkload, error) {
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
		return refParseTasks(tasks)
	case []any:
		return refParseLegacy(v)
	}
	return nil, fmt.Errorf("rally json: neither a task report nor a results list")
}

// checkIteration refuses times that are not finite — a number that
// overflows a float64 (1e400), or that a difference or a sum of huge ones
// made infinite — or beyond MaxRallySeconds: statistics and the JSON
// report cannot hold them.
func refCheckIteration(w refWorkload, i int) error {
	it := w.Iterations[i]
	bad := func(what string, v float64) error {
		return fmt.Errorf("rally json: workload %s, iteration %d: %s %v is not a number of seconds up to %g", shortName(w.plain()), i+1, what, v, MaxRallySeconds)
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

func refParseTasks(tasks []any) ([]refWorkload, error) {
	var out []refWorkload
	for _, t := range tasks {
		task, _ := t.(map[string]any)
		subtasks, _ := task["subtasks"].([]any)
		for _, st := range subtasks {
			sub, _ := st.(map[string]any)
			workloads, _ := sub["workloads"].([]any)
			for _, wl := range workloads {
				w, _ := wl.(map[string]any)
				parsed, err := refParseWorkload(w)
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
func refParseWorkload(w map[string]any) (refWorkload, error) {
	wl := refWorkload{}
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
		wl.Iterations = append(wl.Iterations, refParseIteration(it))
		if err := refCheckIteration(wl, len(wl.Iterations)-1); err != nil {
			return refWorkload{}, err
		}
	}
	return wl, nil
}

func refParseIteration(it map[string]any) refIteration {
	i := refIteration{Duration: num(it["duration"]), Idle: num(it["idle_duration"]), Atomics: map[string]float64{}}
	if errs, ok := it["error"].([]any); ok && len(errs) > 0 {
		i.Failed = true
	}
	if s, ok := it["error"].(string); ok && s != "" {
		i.Failed = true
	}
	switch aa := it["atomic_actions"].(type) {
	case []any: // [{"name", "started_at", "finished_at", "children", "failed"}] or [{"name","duration"}]
		refFlattenAtomics(aa, "", i.Atomics)
	case map[string]any: // legacy {"name": seconds}
		for k, v := range aa {
			i.Atomics[k] = num(v)
		}
	}
	return i
}

// flattenAtomics records each action's duration under its path; repeated
// actions in one iteration are summed (as Rally's reports do).
func refFlattenAtomics(actions []any, prefix string, out map[string]float64) {
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
			refFlattenAtomics(ch, path, out)
		}
	}
}

func refParseLegacy(list []any) ([]refWorkload, error) {
	var out []refWorkload
	for _, e := range list {
		entry, _ := e.(map[string]any)
		key, _ := entry["key"].(map[string]any)
		if key == nil {
			return nil, fmt.Errorf("rally json: a results list entry without \"key\"")
		}
		kw, _ := key["kw"].(map[string]any)
		wl := refWorkload{}
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
			wl.Iterations = append(wl.Iterations, refParseIteration(it))
			if err := refCheckIteration(wl, len(wl.Iterations)-1); err != nil {
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
