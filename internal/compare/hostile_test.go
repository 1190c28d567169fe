package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/stats"
)

// legacyDoc is a legacy results list with one workload whose iterations
// have the given JSON objects.
func legacyDoc(iterations ...string) string {
	return `[{"key": {"name": "Nova.boot", "kw": {"args": {}, "runner": {"type": "constant", "times": 3}}}, "result": [` + strings.Join(iterations, ",") + `]}]`
}

// reportDoc is a task report with one workload whose iterations have the
// given JSON objects.
func reportDoc(iterations ...string) string {
	return `{"tasks": [{"subtasks": [{"workloads": [{"name": "Nova.boot", "args": {}, "runner": {"constant": {"times": 3}}, "data": [` + strings.Join(iterations, ",") + `]}]}]}]}`
}

// Times that overflow to infinity (or beyond any plausible run) are
// refused at ingest, naming the workload and the iteration, in both
// formats; the JSON report could not hold them.
func TestParseRallyRefusesNonFinite(t *testing.T) {
	ok := `{"duration": 1.5, "idle_duration": 0, "error": [], "atomic_actions": {"a": 1}}`
	tests := []struct {
		name, doc, want string
	}{
		{"legacy duration 1e400", legacyDoc(ok, `{"duration": 1e400, "error": []}`), "iteration 2: duration +Inf"},
		{"legacy idle -1e400", legacyDoc(`{"duration": 1, "idle_duration": -1e400}`), "iteration 1: idle_duration -Inf"},
		{"legacy atomic 1e400", legacyDoc(ok, ok, `{"duration": 1, "atomic_actions": {"nova.boot": 1e400}}`), `iteration 3: atomic action "nova.boot" +Inf`},
		{"legacy implausible", legacyDoc(`{"duration": 1e300}`), "iteration 1: duration 1e+300"},
		{"report duration 1e400", reportDoc(ok, `{"duration": 1e400}`), "iteration 2: duration +Inf"},
		{"report span overflows", reportDoc(`{"duration": 1, "atomic_actions": [{"name": "a", "started_at": -1e308, "finished_at": 1e308}]}`), `atomic action "a" +Inf`},
		{"report repeated actions sum", reportDoc(`{"duration": 1, "atomic_actions": [{"name": "a", "duration": 6e8}, {"name": "a", "duration": 6e8}]}`), `atomic action "a" 1.2e+09`},
		{"report nested child", reportDoc(`{"duration": 1, "atomic_actions": [{"name": "a", "duration": 1, "children": [{"name": "b", "duration": 1e999}]}]}`), `atomic action "a > b" +Inf`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRally(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "workload Nova.boot") {
				t.Errorf("ParseRally(%s) = %v, want an error naming workload Nova.boot and %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestParseRallySizeLimit(t *testing.T) {
	defer func(n int64) { rallyLimit = n }(rallyLimit)
	rallyLimit = 1000
	doc := legacyDoc(strings.Repeat(`{"duration": 1},`, 100) + `{"duration": 1}`)
	if _, err := ParseRally(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "1000-byte limit") {
		t.Errorf("ParseRally(%d bytes) = %v, want the limit named", len(doc), err)
	}
	if _, err := ParseRally(strings.NewReader(legacyDoc(`{"duration": 1}`))); err != nil {
		t.Errorf("ParseRally(small) = %v", err)
	}
}

// Values a float64 holds but whose ratio does not (5e-324 against 1e8)
// give an inconclusive cell with finite statistics, so the JSON report
// still encodes.
func TestCellOutOfFloatRange(t *testing.T) {
	va := []float64{5e-324, 5e-324, 1e-323, 1e-323, 5e-324, 1e-323, 5e-324, 1e-323, 5e-324, 1e-323}
	vb := []float64{1e8, 2e8, 1e8, 2e8, 1e8, 2e8, 1e8, 2e8, 1e8, 2e8}
	c := newCell("w", "duration", "s", va, vb, latencyKind, Options{Alpha: 0.05, Margin: 0.05})
	if _, err := json.Marshal(c); err != nil {
		t.Fatalf("json.Marshal(cell) = %v", err)
	}
	if c.Verdict != stats.Inconclusive || !strings.Contains(strings.Join(c.Warnings, " "), "float's range") {
		t.Errorf("cell %s, warnings %q; want inconclusive with the range named", c.Verdict, c.Warnings)
	}
}

// Comparing workloads that have nothing in common, or filtering every
// cell out, is a failure of the comparison, not an empty success.
func TestEmptyComparisonFails(t *testing.T) {
	parse := func(doc string) []Workload {
		ws, err := ParseRally(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	a := parse(legacyDoc(`{"duration": 1}`, `{"duration": 2}`))
	b := parse(strings.Replace(legacyDoc(`{"duration": 1}`), "Nova.boot", "Cinder.create", 1))
	if rep := CompareRally(a, b, Options{Alpha: 0.05, Margin: 0.05}); len(rep.Failures) != 1 || !strings.Contains(rep.Failures[0], "no workload in common") {
		t.Errorf("CompareRally(disjoint).Failures = %q, want no workload in common", rep.Failures)
	}
	none := func(string, string) bool { return false }
	if rep := CompareRally(a, a, Options{Alpha: 0.05, Margin: 0.05, Keep: none}); len(rep.Failures) != 1 || !strings.Contains(rep.Failures[0], "cell filter") {
		t.Errorf("CompareRally(filtered out).Failures = %q, want the cell filter named", rep.Failures)
	}
	if rep := CompareRally(a, a, Options{Alpha: 0.05, Margin: 0.05}); len(rep.Failures) != 0 {
		t.Errorf("CompareRally(a, a).Failures = %q, want none", rep.Failures)
	}
}

// rallySeeds are the fuzz seeds: every Rally file of testdata, and huge,
// deep and overflowing documents in both formats; scale sizes the huge
// and deep ones (1 for the fuzzer, whose mutations of megabytes crawl;
// 25 for the bounds test).
func rallySeeds(t testing.TB, scale int) [][]byte {
	var seeds [][]byte
	for _, glob := range []string{"testdata/*.json", "testdata/rally-3.3.0/*.json"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	deepActions := strings.Repeat(`{"name": "a", "duration": 1, "children": [`, 120*scale) + strings.Repeat(`]}`, 120*scale)
	many := strings.Repeat(`{"duration": 1.5, "atomic_actions": {"a": 1}},`, 2000*scale) + `{"duration": 1}`
	for _, s := range []string{
		legacyDoc(`{"duration": 1e400}`),
		reportDoc(`{"duration": 1, "atomic_actions": [` + deepActions + `]}`),
		legacyDoc(many),
		reportDoc(many),
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		`{"tasks": ` + strings.Repeat(`[{"subtasks": [{"workloads": [`, 1000) + strings.Repeat(`]}]}]`, 1000) + `}`,
		legacyDoc(`{"duration": 5e-324, "atomic_actions": [{"name": "x", "started_at": 1e308, "finished_at": -1e308}]}`),
		`[{"key": {"name": "S", "kw": {"args": ` + strings.Repeat(`{"a": `, 3000) + "1" + strings.Repeat("}", 3000) + `}}, "result": [{"duration": 1}]}]`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzParseRally checks that no input panics the reader, that it reads
// every input as the whole-document decoder did (sameAsTree), and that what
// it accepts compares against itself into a report that encodes as JSON.
func FuzzParseRally(f *testing.F) {
	for _, s := range rallySeeds(f, 1) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsTree(t, data)
		ws, err := ParseRally(bytes.NewReader(data))
		if err != nil {
			return
		}
		rep := CompareRally(ws, ws, Options{Alpha: 0.05, Margin: 0.05})
		if _, err := json.Marshal(rep); err != nil {
			t.Errorf("ParseRally(%q): the report does not encode: %v", data, err)
		}
		if err := WriteText(&bytes.Buffer{}, rep); err != nil {
			t.Errorf("ParseRally(%q): WriteText: %v", data, err)
		}
	})
}

// metaSeeds are the metadata fuzz seeds: JSON and TOML documents, deep
// and huge ones among them.
func metaSeeds() []struct {
	name string
	data []byte
} {
	type seed = struct {
		name string
		data []byte
	}
	return []seed{
		{"m.json", []byte(`{"nova": {"version": "31.0", "workers": 4}, "mode": "threading"}`)},
		{"m.toml", []byte("mode = \"eventlet\"\n[nova]\nversion = \"31.0\"\nworkers = 4\n")},
		{"m.json", []byte(strings.Repeat(`{"a": `, 9000) + "1" + strings.Repeat("}", 9000))},
		{"m.json", []byte(`{"a": ` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}`)},
		{"m.toml", []byte("a = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n")},
		{"m.toml", []byte("a = " + strings.Repeat("{b=", 5000) + "1" + strings.Repeat("}", 5000) + "\n")},
		{"m.toml", []byte("[" + strings.Repeat("a.", 5000) + "a]\nx = 1\n")},
		{"m.json", []byte(`{` + strings.TrimSuffix(strings.Repeat(`"k": 1,`, 1), ",") + strings.Repeat(`, "x`+"\x00"+`": {"y": 1e400}`, 1) + `}`)},
		{"m.json", []byte(fmt.Sprintf(`{"big": %q}`, strings.Repeat("x", 1<<20)))},
	}
}

func FuzzParseMeta(f *testing.F) {
	for _, s := range metaSeeds() {
		f.Add(s.name == "m.toml", s.data)
	}
	f.Fuzz(func(t *testing.T, isTOML bool, data []byte) {
		name := "m.json"
		if isTOML {
			name = "m.toml"
		}
		m, err := ParseMeta(name, data)
		if err != nil {
			return
		}
		DiffMeta(m, map[string]string{})
		if len(m) > len(data) {
			t.Errorf("ParseMeta(%q) = %d keys from %d bytes", data, len(m), len(data))
		}
	})
}

// TestFuzzSeedsBounded runs the huge and deep seeds in the ordinary test
// run, so that a regression shows without -fuzz.
func TestFuzzSeedsBounded(t *testing.T) {
	for i, s := range rallySeeds(t, 25) {
		ws, err := ParseRally(bytes.NewReader(s))
		if err == nil {
			if _, err := json.Marshal(CompareRally(ws, ws, Options{Alpha: 0.05, Margin: 0.05})); err != nil {
				t.Errorf("rally seed %d: %v", i, err)
			}
		}
	}
	for i, s := range metaSeeds() {
		ParseMeta(s.name, s.data)
		_ = i
	}
}

// A workload of 20,000 iterations per arm is compared on every one of
// them (it used to be thinned to 3,000, because the pairwise estimates
// sorted all n1·n2 differences: 3.2 GB here), in memory proportional to
// the observations.
func TestManyObservationsExact(t *testing.T) {
	const n = 20000
	va, vb := make([]float64, n), make([]float64, n)
	for i := range va {
		va[i], vb[i] = 1+float64(i%97)/100, 1.2+float64(i%89)/100
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := newCell("w", "duration", "s", va, vb, latencyKind, Options{Alpha: 0.05, Margin: 0.05})
	runtime.ReadMemStats(&after)
	if c.A.N != n || c.B.N != n || len(c.ASamples) != n {
		t.Errorf("newCell(%d+%d) compared %d+%d observations, want all", n, n, c.A.N, c.B.N)
	}
	ratio, ci, err := stats.RatioHL(va, vb, 0.05)
	if err != nil || c.Ratio != ratio || c.RatioLo != ci.Lo || c.RatioHi != ci.Hi {
		t.Errorf("newCell ratio %v [%v, %v], want RatioHL of every observation %v [%v, %v] (%v)", c.Ratio, c.RatioLo, c.RatioHi, ratio, ci.Lo, ci.Hi, err)
	}
	if c.Verdict != stats.Regressed {
		t.Errorf("newCell(+20%%) = %s, want regressed", c.Verdict)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("newCell(%d+%d) allocated %d MB, want under 64 MB", n, n, got>>20)
	}
}
