package modes

import "testing"

// TestMeetsDeadline: a service is judged by its stage, a library (no
// stage) by its verdict on eventlet on the same scale, and neither known
// is unknown, never a pass.
func TestMeetsDeadline(t *testing.T) {
	stage := func(n int) *int { return &n }
	removed, slurp, canRun := Deadlines[3], Deadlines[1], Deadlines[0]
	if removed.Series != EventletRemovedBy || removed.MinStage != 3 || canRun.MinStage != 1 || slurp.MinStage != 2 {
		t.Fatalf("the timeline changed (%+v): update the test", Deadlines)
	}
	for _, c := range []struct {
		name    string
		stage   *int
		lib     *Library
		d       Deadline
		verdict string
	}{
		{"library gone, 2027.2", nil, &Library{Eventlet: LibraryGone}, removed, "meets"},
		{"library optional, 2027.2", nil, &Library{Eventlet: LibraryOptional, DefaultBackend: "threading"}, removed, "misses"},
		{"library required, 2027.2", nil, &Library{Eventlet: LibraryRequired}, removed, "misses"},
		{"library optional threading default, SLURP both modes", nil, &Library{Eventlet: LibraryOptional, DefaultBackend: "threading"}, slurp, "meets"},
		{"library optional eventlet default, SLURP both modes", nil, &Library{Eventlet: LibraryOptional, DefaultBackend: "eventlet"}, slurp, "misses"},
		{"library optional eventlet default, can run without", nil, &Library{Eventlet: LibraryOptional, DefaultBackend: "eventlet"}, canRun, "meets"},
		{"library required, can run without", nil, &Library{Eventlet: LibraryRequired}, canRun, "misses"},
		{"library verdict unknown", nil, &Library{}, removed, "unknown"},
		{"nothing known", nil, nil, canRun, "unknown"},
		{"service stage 3", stage(3), nil, removed, "meets"},
		{"service stage 2", stage(2), nil, removed, "misses"},
		{"a stage wins over a library verdict", stage(0), &Library{Eventlet: LibraryGone}, removed, "misses"},
	} {
		if got := MeetsDeadline(c.stage, c.lib, c.d); got != c.verdict {
			t.Errorf("%s: %s, want %s", c.name, got, c.verdict)
		}
	}
}
