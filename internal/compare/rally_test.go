package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/stats"
)

func load(t *testing.T, name string) []Workload {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := ParseRally(f)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func cell(t *testing.T, rep Report, workloadPrefix, metric string) Cell {
	t.Helper()
	for _, c := range rep.Cells {
		if strings.HasPrefix(c.Workload, workloadPrefix) && c.Metric == metric {
			return c
		}
	}
	t.Fatalf("no cell %s / %s", workloadPrefix, metric)
	return Cell{}
}

func TestParseCurrentFormat(t *testing.T) {
	ws := load(t, "rally-threading.json")
	if len(ws) != 2 || ws[0].Scenario != "NovaServers.boot_and_delete_server" || ws[0].Len() != 20 {
		t.Fatalf("workloads: %+v", ws)
	}
	it := ws[0].Iteration(0)
	if _, ok := it.Atomic("nova.boot_server > nova.wait_for_server"); !ok {
		t.Errorf("nested atomic action not flattened: %v", it.Atomics)
	}
	if !ws[0].Iteration(7).Failed || ws[0].Iteration(6).Failed {
		t.Error("iteration 7 failed and only it")
	}
}

func TestParseLegacyFormat(t *testing.T) {
	ws := load(t, "legacy-eventlet.json")
	if len(ws) != 1 || ws[0].Scenario != "CinderVolumes.create_and_delete_volume" || ws[0].Len() != 15 {
		t.Fatalf("workloads: %+v", ws)
	}
	if _, ok := ws[0].Iteration(0).Atomic("cinder.create_volume"); !ok {
		t.Error("legacy atomic actions (a dict) not read")
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "{}", `{"tasks": []}`, "[1]", `"x"`, `[{"result": []}]`} {
		if _, err := ParseRally(strings.NewReader(in)); err == nil {
			t.Errorf("ParseRally(%q) succeeded", in)
		}
	}
}

func TestCompareRally(t *testing.T) {
	rep := CompareRally(load(t, "rally-eventlet.json"), load(t, "rally-threading.json"), Options{Alpha: 0.05, Margin: 0.05})
	boot := cell(t, rep, "NovaServers", "nova.boot_server")
	if boot.Verdict != stats.Regressed || boot.RatioLo > 1.2 || boot.RatioHi < 1.2 {
		t.Errorf("boot: %s ratio %.3f [%.3f, %.3f], want regressed covering 1.2", boot.Verdict, boot.Ratio, boot.RatioLo, boot.RatioHi)
	}
	nested := cell(t, rep, "NovaServers", "nova.boot_server > nova.wait_for_server")
	if nested.Verdict != stats.Regressed {
		t.Errorf("nested wait: %s", nested.Verdict)
	}
	del := cell(t, rep, "NovaServers", "nova.delete_server")
	if del.Verdict != stats.Equivalent {
		t.Errorf("delete: %s ratio %.3f [%.3f, %.3f] warnings %v, want equivalent", del.Verdict, del.Ratio, del.RatioLo, del.RatioHi, del.Warnings)
	}
	dur := cell(t, rep, "NovaServers", "duration")
	if dur.B.Failed != 1 || dur.B.N != 19 || !strings.Contains(strings.Join(dur.Warnings, " "), "failed iterations: A 0/20, B 1/20") {
		t.Errorf("duration: failed %d n %d warnings %v", dur.B.Failed, dur.B.N, dur.Warnings)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"B/A [95% CI]", "regressed", "equivalent", "one Rally run per arm"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestQuantisedAndUnmatched(t *testing.T) {
	a := append(load(t, "legacy-eventlet.json"), load(t, "rally-eventlet.json")[1])
	rep := CompareRally(a, load(t, "legacy-threading.json"), Options{Alpha: 0.05, Margin: 0.05})
	c := cell(t, rep, "CinderVolumes", "duration")
	if c.Verdict == stats.Equivalent || !strings.Contains(strings.Join(c.Warnings, " "), "quantised") {
		t.Errorf("quantised durations: %s %v", c.Verdict, c.Warnings)
	}
	if len(rep.Unmatched) != 1 || !strings.Contains(rep.Unmatched[0], "only in A: Authenticate.keystone") {
		t.Errorf("unmatched = %v", rep.Unmatched)
	}
}

// TestRealRally: real output of Rally 3.3.0 (testdata/rally-3.3.0, Dummy
// scenarios, B's sleeps stretched by 1.2) in both formats. The parser finds
// Rally's own failed-iteration counts, nested atomic actions in the report
// format and the legacy format's flattened names, and the comparison finds
// the 20% slowdown.
func TestRealRally(t *testing.T) {
	report := load(t, "rally-3.3.0/eventlet-report.json")
	legacy := load(t, "rally-3.3.0/eventlet-results.json")
	if len(report) != 3 || len(legacy) != 3 {
		t.Fatalf("workloads: report %d, legacy %d", len(report), len(legacy))
	}
	for i := range report {
		if report[i].Key() != legacy[i].Key() {
			t.Errorf("workload %d: report key %q, legacy key %q", i, report[i].Key(), legacy[i].Key())
		}
		if report[i].Len() != 12 || failed(report[i]) != failed(legacy[i]) {
			t.Errorf("%s: %d iterations, failed %d (report) vs %d (legacy)", report[i].Scenario, report[i].Len(), failed(report[i]), failed(legacy[i]))
		}
	}
	// Rally's own failed_iteration_count for the failing workload is 1.
	if failed(report[1]) != 1 {
		t.Errorf("failed iterations of %s: %d, Rally says 1", report[1].Scenario, failed(report[1]))
	}
	if names := metricNames(report[2]); strings.Join(names, ",") != "duration,foo,foo > bar" {
		t.Errorf("nested atomic actions (report format): %v", names)
	}
	if names := metricNames(legacy[1]); strings.Join(names, ",") != "duration,dummy_fail_test,dummy_fail_test (2)" {
		t.Errorf("atomic actions (legacy format): %v", names)
	}
	// One arm in each format: workloads match; atomic actions the legacy
	// format names differently are listed, not compared with nothing.
	mixed := CompareRally(report, load(t, "rally-3.3.0/threading-results.json"), Options{Alpha: 0.05, Margin: 0.05})
	if c := cell(t, mixed, "Dummy.dummy {", "duration"); c.Verdict != stats.Regressed {
		t.Errorf("mixed formats: Dummy.dummy duration %s", c.Verdict)
	}
	if u := strings.Join(mixed.Unmatched, "\n"); !strings.Contains(u, "atomic action only in A: Dummy.dummy_random_fail_in_atomic {exception_probability:0.2} dummy_fail_test > dummy_fail_inner_test") ||
		!strings.Contains(u, "atomic action only in B: Dummy.dummy_random_fail_in_atomic {exception_probability:0.2} dummy_fail_test (2)") {
		t.Errorf("mixed formats, unmatched:\n%s", u)
	}
	for _, pair := range [][2]string{{"eventlet-report.json", "threading-report.json"}, {"eventlet-results.json", "threading-results.json"}} {
		rep := CompareRally(load(t, "rally-3.3.0/"+pair[0]), load(t, "rally-3.3.0/"+pair[1]), Options{Alpha: 0.05, Margin: 0.05})
		c := cell(t, rep, "Dummy.dummy {", "duration")
		if c.Verdict != stats.Regressed || c.RatioLo > 1.2 || c.RatioHi < 1.19 {
			t.Errorf("%s: Dummy.dummy duration %s %.3f [%.3f, %.3f], want regressed near 1.2", pair[0], c.Verdict, c.Ratio, c.RatioLo, c.RatioHi)
		}
		if c := cell(t, rep, "Dummy.dummy_random_action", "duration"); c.Ratio < 1.05 || c.Ratio > 1.4 {
			t.Errorf("%s: random action duration %.3f", pair[0], c.Ratio)
		}
	}
}

// Cells computed in parallel are the cells computed one after the other,
// in the same order.
func TestParallelCellsSameAsSerial(t *testing.T) {
	a, b := load(t, "rally-eventlet.json"), load(t, "rally-threading.json")
	opts := Options{Alpha: 0.05, Margin: 0.05}
	rep := CompareRally(a, b, opts)
	var jobs []cellJob
	for _, c := range rep.Cells {
		for _, wa := range a {
			for _, wb := range b {
				if shortName(wa) == c.Workload && wa.Key() == wb.Key() {
					jobs = append(jobs, cellJob{c.Workload, c.Metric, wa, wb})
				}
			}
		}
	}
	if len(jobs) != len(rep.Cells) || len(jobs) < 4 {
		t.Fatalf("%d jobs for %d cells", len(jobs), len(rep.Cells))
	}
	serial := Report{}
	for _, j := range jobs {
		serial.Cells = append(serial.Cells, compareCell(j.workload, j.metric, j.wa, j.wb, opts))
	}
	correct(&serial, opts)
	if !reflect.DeepEqual(serial.Cells, rep.Cells) {
		t.Error("cells computed in parallel differ from the serial ones")
	}
}
