package fleet

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/modes"
)

func stage(n int) *int { return &n }

func TestNextSeries(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{{"2026.1", "2026.2", true}, {"2026.2", "2027.1", true}, {"caracal", "", false}, {"2026.3", "", false}} {
		if got, ok := NextSeries(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NextSeries(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if d, ok := SeriesDistance("2025.2", "2027.1"); d != 3 || !ok {
		t.Errorf("SeriesDistance(2025.2, 2027.1) = %d, %v; want 3", d, ok)
	}
}

// TestProjectPace: the straight line through the first and last staged
// series, and the deadlines against it.
func TestProjectPace(t *testing.T) {
	deadlines := []modes.Deadline{{Series: "2026.2", MinStage: 1}, {Series: "2027.1", MinStage: 2}, {Series: "2027.2", MinStage: 3}}
	verdicts := func(p *Pace) []string {
		var out []string
		for _, d := range p.Deadlines {
			s := "-"
			if d.StageThen != nil {
				s = string(rune('0' + *d.StageThen))
			}
			if d.Projected {
				s += "p"
			}
			out = append(out, d.Series+":"+s+":"+d.Verdict)
		}
		return out
	}
	tests := []struct {
		name     string
		points   []PacePoint
		next     string
		debtFree string
		want     []string
	}{
		{"one stage per release", []PacePoint{{Series: "2026.1", Stage: stage(2), Debt: 4}, {Series: "2025.1", Stage: stage(0), Debt: 8}, {Series: "2025.2", Stage: stage(1), Debt: 6}},
			"2026.2", "2027.1", []string{"2026.2:3p:meets", "2027.1:3p:meets", "2027.2:3p:meets"}},
		{"one stage in two releases", []PacePoint{{Series: "2025.1", Stage: stage(0), Debt: 5}, {Series: "2026.1", Stage: stage(1), Debt: 5}},
			"2027.1", "", []string{"2026.2:1p:meets", "2027.1:2p:meets", "2027.2:2p:misses"}},
		{"no progress", []PacePoint{{Series: "2025.1", Stage: stage(0), Debt: 3}, {Series: "2026.1", Stage: stage(0), Debt: 5}},
			"", "", []string{"2026.2:0p:misses", "2027.1:0p:misses", "2027.2:0p:misses"}},
		{"scanned deadline series", []PacePoint{{Series: "2026.2", Stage: stage(1)}, {Series: "2027.1", Stage: stage(1)}},
			"", "", []string{"2026.2:1:meets", "2027.1:1:misses", "2027.2:1p:misses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ProjectPace(tt.points, deadlines)
			if p == nil || !p.Projection {
				t.Fatalf("ProjectPace = %+v, want a projection", p)
			}
			if p.NextSeries != tt.next || p.DebtFreeSeries != tt.debtFree {
				t.Errorf("ProjectPace next stage in %q, debt-free in %q; want %q, %q", p.NextSeries, p.DebtFreeSeries, tt.next, tt.debtFree)
			}
			if diff := cmp.Diff(tt.want, verdicts(p)); diff != "" {
				t.Errorf("ProjectPace deadlines (-want +got):\n%s", diff)
			}
		})
	}
	if p := ProjectPace([]PacePoint{{Series: "2025.1", Stage: stage(0)}, {Series: "2025.2"}}, deadlines); p != nil {
		t.Errorf("ProjectPace of one staged point = %+v, want nil", p)
	}
	if p := ProjectPace([]PacePoint{{Series: "2025.1", Stage: stage(3)}, {Series: "2025.2", Stage: stage(3)}}, deadlines); p == nil || p.NextStage != nil || p.NextSeries != "" {
		t.Errorf("ProjectPace at stage 3 = %+v, want no next stage", p)
	}
}

// TestPlan: the releases data is matched by repository; without it the
// manifest's patterns, else the tags' dates; --since cuts older series.
func TestPlan(t *testing.T) {
	series := BuiltinSeries()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tags := []Tag{{"1.0.0", "c1", day("2025-03-20")}, {"1.0.1", "c2", day("2025-06-01")}, {"2.0.0", "c3", day("2025-10-01")}, {"2.0.1", "c4", day("2025-10-02")}, {"zed-eom", "c5", day("2025-10-03")}}
	lines := func(ts []Target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Series+" "+t.Ref+" "+t.Commit+" "+t.From)
		}
		return out
	}
	got, err := Plan(PlanInput{Repo: Repo{Name: "acme/x"}, Series: series, Tags: tags, Since: "2025.1"})
	if err != nil {
		t.Fatal(err)
	}
	// 2.0.0 is tagged on 2025.2's release day, so it is 2025.2's; 2.0.1 a
	// day later is 2026.1's window.
	want := []string{"2025.1 1.0.0 c1 " + FromBuiltin, "2025.2 2.0.0 c3 " + FromBuiltin, "2026.1 2.0.1 c4 " + FromBuiltin}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("Plan by dates (-want +got):\n%s", diff)
	}
	got, _ = Plan(PlanInput{Repo: Repo{Name: "acme/x", SeriesRefs: map[string]string{"2025.1": "1.*", "2025.2": "2.*"}}, Series: series, Tags: tags})
	want = []string{"2025.1 1.0.0 c1 " + FromManifest, "2025.2 2.0.0 c3 " + FromManifest}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("Plan by manifest patterns (-want +got):\n%s", diff)
	}
	if _, err := Plan(PlanInput{Series: series, Since: "1999.1"}); err == nil {
		t.Error("Plan --since 1999.1: no error")
	}
}
