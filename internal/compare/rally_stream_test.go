package compare

import (
	"bytes"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sameAsTree checks that the streaming reader reads a document as the
// reference reader, which decodes it whole, does: the same workloads and
// iterations, or the same error. Two differences are allowed: a syntax
// error may be worded differently, and the tree decoder refuses nesting
// deeper than 10,000 anywhere, the stream only where it decodes a tree (an
// iteration, an argument).
func sameAsTree(t *testing.T, doc []byte) {
	t.Helper()
	got, err := ParseRally(bytes.NewReader(doc))
	ref, refErr := refParseRally(bytes.NewReader(doc))
	if refErr != nil && strings.Contains(refErr.Error(), "exceeded max depth") {
		return
	}
	// Syntax errors are worded by the token reader or by the decoder
	// ("invalid character '0'" against "... looking for beginning of
	// object key string"): both are parse errors, the rest must match.
	syntax := err != nil && refErr != nil && strings.HasPrefix(err.Error(), "parse rally json: ") && strings.HasPrefix(refErr.Error(), "parse rally json: ")
	if (err == nil) != (refErr == nil) || (err != nil && !syntax && err.Error() != refErr.Error()) {
		t.Errorf("ParseRally(%.200q) error %v, the tree decoder's %v", doc, err, refErr)
		return
	}
	var want []Workload
	for _, w := range ref {
		want = append(want, w.plain())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseRally(%.200q) =\n%+v\nthe tree decoder's\n%+v", doc, got, want)
	}
}

// Edge cases of shape and value, each read as the whole-document decoder
// read it: repeated keys (the last counts), values of the wrong type
// (ignored), missing fields, errors as strings or lists, nested and
// repeated actions (summed), many distinct actions, bad times in a
// workload a later key replaced (not reported), a syntax error after a bad
// time (the syntax error wins), trailing bytes.
func TestStreamingMatchesTree(t *testing.T) {
	var many []string
	for i := range 40 {
		many = append(many, `{"name": "a`+string(rune('a'+i%26))+`", "duration": 0.5}`)
	}
	docs := []string{
		"", " ", "null", "1", `"x"`, "{}", "[]", "[1]", "[null]", `[{"result": []}]`, "{", "[", `{"tasks": 1}`, `{"tasks": null}`,
		`{"tasks": [], "tasks": 3}`, `{"tasks": 3, "tasks": []}`, `{"tasks": [1, null, "x", {"subtasks": 2}, {"subtasks": [3, {"workloads": {}}]}]}`,
		reportDoc(`{"duration": 1}`, `{"duration": 2}`) + ` trailing garbage`,
		reportDoc(`1`, `null`, `[]`, `{}`, `{"duration": "1.5", "idle_duration": true}`),
		reportDoc(`{"duration": 1, "error": "boom"}`, `{"duration": 1, "error": ""}`, `{"duration": 1, "error": []}`, `{"duration": 1, "error": ["E", "m", "tb"]}`, `{"duration": 1, "error": 5}`, `{"duration": 1, "error": {}}`),
		reportDoc(`{"duration": 1, "atomic_actions": [{"name": "a", "duration": 0.25}, {"name": "a", "duration": 0.5}, {"name": "", "duration": 9}, {"duration": 9}, 7, null, {"name": "b", "started_at": 1, "finished_at": 3.5}, {"name": "c", "finished_at": 2}, {"name": "d", "duration": "x"}]}`),
		reportDoc(`{"duration": 1, "atomic_actions": [{"name": "a", "duration": 1, "children": [{"name": "b", "duration": 0.5, "children": [{"name": "c", "duration": 0.25}]}, {"name": "b", "duration": 0.125}]}, {"name": "a > b", "duration": 1}]}`),
		reportDoc(`{"duration": 1, "atomic_actions": {"z": 1, "a": 2, "": 3, "m": "x"}}`),
		reportDoc(`{"duration": 1, "atomic_actions": [`+strings.Join(many, ",")+`]}`, `{"duration": 2, "atomic_actions": [`+strings.Join(many[:10], ",")+`]}`),
		reportDoc(`{"duration": 1, "atomic_actions": "x"}`, `{"duration": 1, "atomic_actions": null}`),
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1}], "data": [{"duration": 2}, {"duration": 3}]}]}]}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1}], "data": 4}]}]}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1e400}], "data": [{"duration": 2}]}]}]}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1e400}]}]}], "subtasks": []}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1e400}]}]}]}], "tasks": [{"subtasks": [{"workloads": [{"name": "V"}]}]}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1e400}]}]}]}], "info": [1,}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"data": [{"duration": 1}], "name": "Late", "args": {"b": [1, 2], "a": {"y": 1, "x": null}}, "runner": {"constant": {"times": 1}}}]}]}]}`,
		`{"tasks": [{"subtasks": [{"workloads": [{"scenario": {"S": {"n": 1}}, "runner_type": "serial", "data": [{"duration": 1}]}, {"scenario": {"S": 1, "T": 2}, "runner": 5}, 7, null]}]}]}`,
		`{"info": {"deep": [[[{"x": [1, {"y": 2}]}]]], "s": "}]"}, "tasks": [{"title": "]}", "subtasks": [{"workloads": [{"name": "W", "description": "{[", "hooks": [{"a": []}], "data": [{"duration": 1}]}]}]}]}`,
		`[{"key": {"name": "L", "kw": {"args": {"x": 1}, "runner": {"type": "constant"}}}, "result": [{"duration": 1}], "result": [{"duration": 4}], "key": {"name": "L2"}}]`,
		`[{"key": {"name": "L"}, "result": [{"duration": 1e400}]}, {"result": [{"duration": 1}]}]`,
		`[{"result": [{"duration": 1e400}]}, {"key": {"name": "L"}, "result": [{"duration": 1e400}]}]`,
		`[{"key": 5, "result": []}]`, `[{"key": {"kw": 3}, "result": 3}]`, `[{"key": {"name": "L"}, "sla": [{"x": {}}], "load_duration": 1}]`,
		`[{"key": {"name": "L"}, "result": [{"duration": 1}]}, 3]`,
		`[{"key": {"name": "L"}, "result": [{"duration": 1, }]}]`,
		legacyDoc(`{"duration": 1, "idle_duration": -1e400}`),
		`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "data": [{"duration": 1}]}]}]}], "tasks": [`,
	}
	for _, doc := range docs {
		sameAsTree(t, []byte(doc))
	}
	for _, s := range rallySeeds(t, 1) {
		sameAsTree(t, s)
	}
}

// The byte limit is enforced as before, a document over it named.
func TestStreamingLimit(t *testing.T) {
	defer func(n int64) { rallyLimit = n }(rallyLimit)
	doc := legacyDoc(strings.Repeat(`{"duration": 1},`, 100) + `{"duration": 1}`)
	for _, limit := range []int64{10, 500, int64(len(doc)) - 1, int64(len(doc)), int64(len(doc)) + 1} {
		rallyLimit = limit
		sameAsTree(t, []byte(doc))
	}
}

// Reading a large document keeps its iterations' times, not its tree: the
// bytes allocated and held stay a small multiple of the times kept.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 6 MB document")
	}
	const n = 20000
	var b strings.Builder
	b.WriteString(`{"tasks": [{"subtasks": [{"workloads": [{"name": "W", "runner": {"type": "constant"}, "data": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"timestamp": 1700000000.5, "duration": 2.5, "idle_duration": 0, "error": [], "atomic_actions": [{"name": "nova.boot_server", "started_at": 1700000000.5, "finished_at": 1700000002.0, "children": []}, {"name": "nova.delete_server", "started_at": 1700000002.0, "finished_at": 1700000003.0, "children": []}]}`)
	}
	b.WriteString(`]}]}]}]}`)
	doc := b.String()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ws, err := ParseRally(strings.NewReader(doc))
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil || len(ws) != 1 || ws[0].Len() != n {
		t.Fatalf("ParseRally = %d workloads, %v", len(ws), err)
	}
	it := ws[0].Iteration(n - 1)
	if v, ok := it.Atomic("nova.delete_server"); !ok || v != 1 || len(it.Atomics) != 2 {
		t.Errorf("last iteration %+v", it)
	}
	// An iteration of two actions is 33 bytes of columns (a duration, a
	// failed flag, an index and a time per action); an Iteration each
	// took 96, a map each over 200.
	held := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes held per iteration of %d bytes", held, len(doc)/n)
	if held > 48 {
		t.Errorf("ParseRally holds %.0f bytes per iteration, want at most 48", held)
	}
	runtime.KeepAlive(ws)
	runtime.KeepAlive(doc)
}
