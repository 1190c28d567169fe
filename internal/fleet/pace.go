package fleet

import (
	"fmt"
	"math"
	"sort"

	"github.com/letgo-dev/letgo/internal/modes"
)

// PacePoint is a repository's state as one series shipped it.
type PacePoint struct {
	Series string `json:"series"`
	Ref    string `json:"ref,omitempty"`
	Stage  *int   `json:"stage"`
	Debt   int    `json:"runtime_debt"`
}

// Pace is a repository's progress over the series it shipped and where
// that pace leads. Everything after Points is a projection: a straight
// line through the first and the last series with a stage, not a
// forecast.
type Pace struct {
	// Points are one per series, oldest first.
	Points []PacePoint `json:"points"`
	// Projection is always true: the fields below extrapolate.
	Projection bool `json:"projection"`
	// StagesPerRelease is the stage gained per release between the first
	// and the last series with a stage; DebtPerRelease the runtime debt
	// gained (negative: paid off) per release.
	StagesPerRelease float64 `json:"stages_per_release"`
	DebtPerRelease   float64 `json:"debt_per_release"`
	// NextStage is the stage after the last one reached (nil at stage 3),
	// NextSeries the series that reaches it at this pace ("" when the pace
	// does not move: no projection).
	NextStage  *int   `json:"next_stage"`
	NextSeries string `json:"next_series,omitempty"`
	// DebtFreeSeries is the series whose runtime debt would reach zero at
	// this pace ("" when the debt does not shrink).
	DebtFreeSeries string `json:"debt_free_series,omitempty"`
	// Deadlines are the community deadlines against the projected stage.
	Deadlines []DeadlinePace `json:"deadlines"`
	// Basis says what the projection rests on, in words.
	Basis string `json:"basis"`
}

// DeadlinePace is one deadline against the pace: meets or misses by the
// stage reached (when the series was scanned) or projected; unknown
// without a stage to start from.
type DeadlinePace struct {
	Series   string `json:"series"`
	Requires string `json:"requires"`
	MinStage int    `json:"min_stage"`
	// StageThen is the stage at the deadline's series: scanned when the
	// history holds it, else projected.
	StageThen *int   `json:"stage_then"`
	Projected bool   `json:"projected"`
	Verdict   string `json:"verdict"`
}

// ProjectPace computes the pace of a repository from its points (any
// order; one per series, the id form "2025.1") against the deadlines. It
// returns nil with fewer than two points with a stage: one point is no
// pace.
func ProjectPace(points []PacePoint, deadlines []modes.Deadline) *Pace {
	var staged []PacePoint
	for _, p := range points {
		if _, _, ok := splitID(p.Series); ok && p.Stage != nil {
			staged = append(staged, p)
		}
	}
	if len(staged) < 2 {
		return nil
	}
	sort.Slice(staged, func(i, j int) bool {
		d, _ := SeriesDistance(staged[i].Series, staged[j].Series)
		return d > 0
	})
	first, last := staged[0], staged[len(staged)-1]
	span, _ := SeriesDistance(first.Series, last.Series)
	if span <= 0 {
		return nil
	}
	p := &Pace{Points: staged, Projection: true, Deadlines: []DeadlinePace{}}
	p.StagesPerRelease = float64(*last.Stage-*first.Stage) / float64(span)
	p.DebtPerRelease = float64(last.Debt-first.Debt) / float64(span)
	p.Basis = fmt.Sprintf("stage %d in %s to stage %d in %s over %d releases", *first.Stage, first.Series, *last.Stage, last.Series, span)
	after := func(n int) string {
		s := last.Series
		for range n {
			s, _ = NextSeries(s)
		}
		return s
	}
	if *last.Stage < 3 {
		next := *last.Stage + 1
		p.NextStage = &next
		if p.StagesPerRelease > 0 {
			p.NextSeries = after(int(math.Ceil(1 / p.StagesPerRelease)))
		}
	}
	if p.DebtPerRelease < 0 && last.Debt > 0 {
		p.DebtFreeSeries = after(int(math.Ceil(float64(last.Debt) / -p.DebtPerRelease)))
	}
	scanned := map[string]*int{}
	for _, pt := range staged {
		scanned[pt.Series] = pt.Stage
	}
	for _, d := range deadlines {
		dp := DeadlinePace{Series: d.Series, Requires: d.Requires, MinStage: d.MinStage, Verdict: "unknown"}
		dist, ok := SeriesDistance(last.Series, d.Series)
		switch {
		case !ok:
		case scanned[d.Series] != nil:
			dp.StageThen = scanned[d.Series]
		case dist > 0:
			s := *last.Stage
			if p.StagesPerRelease > 0 {
				s = min(3, *last.Stage+int(math.Floor(p.StagesPerRelease*float64(dist)+1e-9)))
			}
			dp.StageThen, dp.Projected = &s, true
		}
		if dp.StageThen != nil {
			dp.Verdict = "misses"
			if *dp.StageThen >= d.MinStage {
				dp.Verdict = "meets"
			}
		}
		p.Deadlines = append(p.Deadlines, dp)
	}
	return p
}
