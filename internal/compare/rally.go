// Package compare compares two arms (eventlet mode, threading mode) of the
// same workloads with the statistics of package stats: from Rally results
// today, from letgo's own load runs later.
package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// Workload is one Rally workload: a scenario with its arguments and runner,
// and the measured iterations, kept by column (a duration and a failed
// flag per iteration, and per atomic action the iterations that have it
// with their times): 33 bytes an iteration of two actions, where an
// Iteration each took 96 and a map each over 200.
type Workload struct {
	Scenario string
	Args     string // canonical JSON
	Runner   string // canonical JSON

	durations []float64
	failed    []bool
	actions   []action // sorted by name
}

// action is one atomic action path's times: secs[k] in iteration iter[k].
type action struct {
	name string
	iter []int32
	secs []float64
}

// Len is the number of iterations.
func (w Workload) Len() int { return len(w.durations) }

// Iteration returns iteration i (Idle is checked when a file is read, not
// kept).
func (w Workload) Iteration(i int) Iteration {
	it := Iteration{Duration: w.durations[i], Failed: w.failed[i]}
	for _, a := range w.actions {
		if k, ok := slices.BinarySearch(a.iter, int32(i)); ok {
			it.Atomics = append(it.Atomics, Atomic{a.name, a.secs[k]})
		}
	}
	return it
}

// Add appends an iteration.
func (w *Workload) Add(it Iteration) { w.add(it, nil) }

// add appends an iteration; index, when not nil, maps action names to
// their place in w.actions, which is then sorted by sortActions.
func (w *Workload) add(it Iteration, index map[string]int) {
	n := int32(len(w.durations))
	w.durations = append(w.durations, it.Duration)
	w.failed = append(w.failed, it.Failed)
	for _, x := range it.Atomics {
		var k int
		if index != nil {
			var ok bool
			if k, ok = index[x.Name]; !ok {
				k = len(w.actions)
				index[x.Name] = k
				w.actions = append(w.actions, action{name: x.Name})
			}
		} else {
			var ok bool
			if k, ok = w.find(x.Name); !ok {
				w.actions = slices.Insert(w.actions, k, action{name: x.Name})
			}
		}
		a := &w.actions[k]
		a.iter = append(a.iter, n)
		a.secs = append(a.secs, x.Seconds)
	}
}

// find returns the place of an action in w.actions, or where it would go.
func (w Workload) find(name string) (int, bool) {
	return slices.BinarySearchFunc(w.actions, name, func(a action, n string) int { return strings.Compare(a.name, n) })
}

// sortActions sorts the actions by name and copies every column to its
// exact size (appending leaves up to a quarter of a large slice unused,
// and the collector lets the heap grow to a multiple of what is live).
func (w *Workload) sortActions() {
	slices.SortFunc(w.actions, func(a, b action) int { return strings.Compare(a.name, b.name) })
	w.durations, w.failed, w.actions = exact(w.durations), exact(w.failed), exact(w.actions)
	for i := range w.actions {
		w.actions[i].iter, w.actions[i].secs = exact(w.actions[i].iter), exact(w.actions[i].secs)
	}
}

// exact returns s in a new array of its length, or s when that is its
// capacity already (nil stays nil).
func exact[S ~[]E, E any](s S) S {
	if cap(s) == len(s) {
		return s
	}
	out := make(S, len(s))
	copy(out, s)
	return out
}

// Key identifies a workload across files.
func (w Workload) Key() string { return w.Scenario + " " + w.Args + " " + w.Runner }

// Iteration is one scenario run, as read from a file or given to Add.
type Iteration struct {
	Duration float64  // seconds
	Idle     float64  // seconds
	Failed   bool     // the iteration recorded an error
	Atomics  []Atomic // sorted by name, each name once
}

// Atomic is one atomic action's time in an iteration: Name is its path
// ("a > b" for nested), Seconds the sum over its repetitions.
type Atomic struct {
	Name    string
	Seconds float64
}

// Atomic returns the seconds of the action path in the iteration.
func (it Iteration) Atomic(name string) (float64, bool) {
	i, ok := slices.BinarySearchFunc(it.Atomics, name, func(a Atomic, n string) int { return strings.Compare(a.Name, n) })
	if !ok {
		return 0, false
	}
	return it.Atomics[i].Seconds, true
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
//
// The document is read as a stream: one iteration's JSON tree at a time is
// decoded and only its times are kept, so memory is proportional to the
// iterations, not to the file's tree (a 58 MB file decoded whole took
// 650 MB). It means what decoding the whole document meant: a repeated key
// counts once, with its last value; a syntax error anywhere is reported
// before any bad value; a value of an unexpected type is ignored as
// before.
func ParseRally(r io.Reader) ([]Workload, error) {
	lr := &io.LimitedReader{R: r, N: rallyLimit + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	d := &rallyDecoder{dec: dec, names: map[string]string{}}
	out, err := d.document()
	if err != nil {
		var bad badValue
		if errors.As(err, &bad) {
			return nil, bad.err
		}
		if lr.N <= 0 {
			return nil, fmt.Errorf("rally json: above the %d-byte limit of a Rally result", rallyLimit)
		}
		return nil, fmt.Errorf("parse rally json: %w", err)
	}
	return out, nil
}

// badValue is an error of the content (a time out of range, a missing
// key), as opposed to one of JSON syntax or reading.
type badValue struct{ err error }

func (b badValue) Error() string { return b.err.Error() }

// rallyDecoder reads a Rally document from a token stream.
type rallyDecoder struct {
	dec   *json.Decoder
	names map[string]string // atomic action paths, each kept once
}

// parsed is a workload with the error its content has, if any: errors are
// reported after the whole document is read, so that a syntax error later
// in the file wins and a workload whose key a later one replaced does not
// count, as when the document was decoded whole.
type parsed struct {
	w   Workload
	err error
}

func (d *rallyDecoder) document() ([]Workload, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	ps, err := d.top(tok)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the document had begun
	}
	if err != nil {
		return nil, err
	}
	var out []Workload
	for _, p := range ps {
		if p.err != nil {
			return nil, badValue{p.err}
		}
		out = append(out, p.w)
	}
	if len(out) == 0 {
		return nil, badValue{fmt.Errorf("rally json: no workloads")}
	}
	return out, nil
}

// top reads the document after its first token.
func (d *rallyDecoder) top(tok json.Token) ([]parsed, error) {
	var ps []parsed
	var err error
	switch tok {
	case json.Delim('{'):
		var tasks []parsed
		seen := false
		err = d.object(func(key string) error {
			if key != "tasks" {
				return d.skip()
			}
			var err error
			tasks, seen, err = d.list(d.task)
			return err
		})
		if err != nil {
			return nil, err
		}
		if !seen {
			return nil, badValue{fmt.Errorf("rally json: an object without \"tasks\" is not a task report")}
		}
		ps = tasks
	case json.Delim('['):
		ps, err = d.elements(d.legacyEntry)
		if err != nil {
			return nil, err
		}
	default:
		return nil, badValue{fmt.Errorf("rally json: neither a task report nor a results list")}
	}
	return ps, nil
}

// object reads the members of an object whose '{' was read, calling member
// with each key; member reads the value.
func (d *rallyDecoder) object(member func(key string) error) error {
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := member(key); err != nil {
			return err
		}
	}
	_, err := d.dec.Token() // '}'
	return err
}

// list reads a value that should be an array, calling each on every
// element's first token; another value is skipped (isList false).
func (d *rallyDecoder) list(each func(first json.Token) ([]parsed, error)) (out []parsed, isList bool, err error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, false, err
	}
	if tok != json.Delim('[') {
		return nil, false, d.skipRest(tok)
	}
	out, err = d.elements(each)
	return out, true, err
}

// elements reads the elements of an array whose '[' was read.
func (d *rallyDecoder) elements(each func(first json.Token) ([]parsed, error)) ([]parsed, error) {
	var out []parsed
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, err
		}
		ps, err := each(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	_, err := d.dec.Token() // ']'
	return out, err
}

// skip reads and drops the next value.
func (d *rallyDecoder) skip() error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	return d.skipRest(tok)
}

// skipRest drops the rest of a value whose first token was read.
func (d *rallyDecoder) skipRest(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// task reads one task of a report: the workloads of its subtasks.
func (d *rallyDecoder) task(first json.Token) ([]parsed, error) {
	if first != json.Delim('{') {
		return nil, d.skipRest(first)
	}
	var out []parsed
	err := d.object(func(key string) error {
		if key != "subtasks" {
			return d.skip()
		}
		var err error
		out, _, err = d.list(d.subtask)
		return err
	})
	return out, err
}

func (d *rallyDecoder) subtask(first json.Token) ([]parsed, error) {
	if first != json.Delim('{') {
		return nil, d.skipRest(first)
	}
	var out []parsed
	err := d.object(func(key string) error {
		if key != "workloads" {
			return d.skip()
		}
		var err error
		out, _, err = d.list(d.workload)
		return err
	})
	return out, err
}

// workload reads one workload of a task report, its iterations ("data")
// one at a time.
func (d *rallyDecoder) workload(first json.Token) ([]parsed, error) {
	if first != json.Delim('{') {
		if err := d.skipRest(first); err != nil {
			return nil, err
		}
		w, err := d.finish(nil, series{})
		return []parsed{{w, err}}, nil
	}
	fields := map[string]any{}
	var its series
	err := d.object(func(key string) error {
		if key == "data" {
			var err error
			its, err = d.iterations()
			return err
		}
		v, err := d.member()
		fields[key] = v
		return err
	})
	if err != nil {
		return nil, err
	}
	w, err := d.finish(fields, its)
	return []parsed{{w, err}}, nil
}

// member decodes the next value into a tree.
func (d *rallyDecoder) member() (any, error) {
	var v any
	err := d.dec.Decode(&v)
	return v, err
}

// series is a list of iterations as read, and the first whose times are
// not plausible, if any.
type series struct {
	w   Workload // the columns only
	bad *badTime
}

// badTime is a time that is not plausible (checkIteration).
type badTime struct {
	iteration int // from 0
	what      string
	v         float64
}

// iterations reads a list of iterations; another value is no iterations.
func (d *rallyDecoder) iterations() (series, error) {
	var out series
	tok, err := d.dec.Token()
	if err != nil {
		return out, err
	}
	if tok != json.Delim('[') {
		return out, d.skipRest(tok)
	}
	index := map[string]int{}
	for d.dec.More() {
		var v any
		if err := d.dec.Decode(&v); err != nil {
			return out, err
		}
		m, _ := v.(map[string]any)
		it := d.iteration(m)
		if what, x, bad := checkIteration(it); bad && out.bad == nil {
			out.bad = &badTime{out.w.Len(), what, x}
		}
		out.w.add(it, index)
	}
	_, err = d.dec.Token()
	out.w.sortActions()
	return out, err
}

// with puts the iterations in a workload, and says what is wrong with them.
func (s series) with(w Workload) (Workload, error) {
	w.durations, w.failed, w.actions = s.w.durations, s.w.failed, s.w.actions
	if s.bad == nil {
		return w, nil
	}
	return w, fmt.Errorf("rally json: workload %s, iteration %d: %s %v is not a number of seconds up to %g", shortName(w), s.bad.iteration+1, s.bad.what, s.bad.v, MaxRallySeconds)
}

// finish makes a workload of a task report's fields (all but "data"): the
// scenario is in "name" (export format) or the single key of "scenario"
// (report format).
func (d *rallyDecoder) finish(w map[string]any, its series) (Workload, error) {
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
	return its.with(wl)
}

// legacyEntry reads one entry of a legacy results list.
func (d *rallyDecoder) legacyEntry(first json.Token) ([]parsed, error) {
	noKey := []parsed{{err: fmt.Errorf("rally json: a results list entry without \"key\"")}}
	if first != json.Delim('{') {
		return noKey, d.skipRest(first)
	}
	var key map[string]any
	var its series
	err := d.object(func(k string) error {
		switch k {
		case "result":
			var err error
			its, err = d.iterations()
			return err
		case "key":
			v, err := d.member()
			key, _ = v.(map[string]any)
			return err
		}
		return d.skip()
	})
	if err != nil || key == nil {
		return noKey, err
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
	wl, err = its.with(wl)
	return []parsed{{wl, err}}, nil
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

// checkIteration finds times that are not finite — a number that
// overflows a float64 (1e400), or that a difference or a sum of huge ones
// made infinite — or beyond MaxRallySeconds: statistics and the JSON
// report cannot hold them.
func checkIteration(it Iteration) (what string, v float64, bad bool) {
	if !plausible(it.Duration) {
		return "duration", it.Duration, true
	}
	if !plausible(it.Idle) {
		return "idle_duration", it.Idle, true
	}
	for _, a := range it.Atomics {
		if !plausible(a.Seconds) {
			return fmt.Sprintf("atomic action %q", a.Name), a.Seconds, true
		}
	}
	return "", 0, false
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

// plausible says whether a time in seconds can be compared: finite and no
// larger than MaxRallySeconds either way.
func plausible(v float64) bool { return finite(v) && math.Abs(v) <= MaxRallySeconds }

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

// iteration keeps the times of one iteration's tree.
func (d *rallyDecoder) iteration(it map[string]any) Iteration {
	i := Iteration{Duration: num(it["duration"]), Idle: num(it["idle_duration"])}
	if errs, ok := it["error"].([]any); ok && len(errs) > 0 {
		i.Failed = true
	}
	if s, ok := it["error"].(string); ok && s != "" {
		i.Failed = true
	}
	acc := atomics{names: d.names}
	switch aa := it["atomic_actions"].(type) {
	case []any: // [{"name", "started_at", "finished_at", "children", "failed"}] or [{"name","duration"}]
		acc.flatten(aa, "")
	case map[string]any: // legacy {"name": seconds}
		for k, v := range aa {
			acc.add(k, num(v))
		}
	}
	i.Atomics = acc.sorted()
	return i
}

// atomics sums an iteration's action times by path.
type atomics struct {
	names map[string]string // interned paths
	list  []Atomic
	index map[string]int // position in list, once it is long
}

func (a *atomics) add(path string, d float64) {
	if a.index == nil && len(a.list) > 16 {
		a.index = make(map[string]int, 2*len(a.list))
		for i, x := range a.list {
			a.index[x.Name] = i
		}
	}
	if a.index != nil {
		if i, ok := a.index[path]; ok {
			a.list[i].Seconds += d
			return
		}
	} else {
		for i := range a.list {
			if a.list[i].Name == path {
				a.list[i].Seconds += d
				return
			}
		}
	}
	name, ok := a.names[path]
	if !ok {
		name = strings.Clone(path)
		a.names[name] = name
	}
	if a.index != nil {
		a.index[name] = len(a.list)
	}
	a.list = append(a.list, Atomic{name, d})
}

// sorted is the sums by path, sorted, in a slice of their exact size.
func (a *atomics) sorted() []Atomic {
	if len(a.list) == 0 {
		return nil
	}
	slices.SortFunc(a.list, func(x, y Atomic) int { return strings.Compare(x.Name, y.Name) })
	return slices.Clip(a.list)
}

// flatten records each action's duration under its path; repeated
// actions in one iteration are summed (as Rally's reports do).
func (a *atomics) flatten(actions []any, prefix string) {
	for _, x := range actions {
		act, _ := x.(map[string]any)
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
		a.add(path, d)
		if ch, ok := act["children"].([]any); ok {
			a.flatten(ch, path)
		}
	}
}

// metricNames lists "duration" and every atomic action path of a workload.
func metricNames(ws ...Workload) []string {
	seen := map[string]bool{}
	for _, w := range ws {
		for _, a := range w.actions {
			seen[a.name] = true
		}
	}
	return append([]string{"duration"}, slices.Sorted(maps.Keys(seen))...)
}

// values returns a metric's values over successful iterations.
func values(w Workload, metric string) []float64 {
	var out []float64
	if metric == "duration" {
		for i, d := range w.durations {
			if !w.failed[i] {
				out = append(out, d)
			}
		}
		return out
	}
	k, ok := w.find(metric)
	if !ok {
		return nil
	}
	a := w.actions[k]
	for j, i := range a.iter {
		if !w.failed[i] {
			out = append(out, a.secs[j])
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
