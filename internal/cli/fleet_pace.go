package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// seriesPoints is a repository's stored history by series: the newest scan
// of each series (a backfill stores one per series), oldest series first.
func seriesPoints(ctx context.Context, st store.Store, repo string) ([]fleet.PacePoint, error) {
	infos, err := st.Scans(ctx, store.ScanFilter{Repo: repo})
	if err != nil {
		return nil, err
	}
	last := map[string]store.ScanInfo{}
	var order []string
	for _, in := range infos { // oldest first: the last one of a series wins
		if in.Series == "" {
			continue
		}
		if _, ok := last[in.Series]; !ok {
			order = append(order, in.Series)
		}
		last[in.Series] = in
	}
	var out []fleet.PacePoint
	for _, s := range order {
		in := last[s]
		p := fleet.PacePoint{Series: s, Ref: in.Ref, Debt: in.Stats.RuntimeDebt}
		if in.Stage != nil {
			p.Stage = in.Stage.Stage
		}
		out = append(out, p)
	}
	return out, nil
}

// repoPace is the pace of a repository from its stored history, nil when
// it has fewer than two series with a stage.
func repoPace(ctx context.Context, st store.Store, repo string) (*fleet.Pace, error) {
	points, err := seriesPoints(ctx, st, repo)
	if err != nil {
		return nil, err
	}
	return fleet.ProjectPace(points, modes.Deadlines), nil
}

// paceSentence says the pace in words, marked as a projection, and when
// the newest scan of the repository (a checkout past the last release) is
// already beyond the last series' stage, says that too: the projection
// rests on releases only.
func paceSentence(p *fleet.Pace, newest *int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%+.1f stage, %+.1f runtime debt per release)", p.Basis, p.StagesPerRelease, p.DebtPerRelease)
	switch {
	case p.NextStage == nil:
		b.WriteString("; eventlet removed")
	case p.NextSeries != "":
		fmt.Fprintf(&b, "; projection: stage %d by %s at this pace", *p.NextStage, p.NextSeries)
	default:
		fmt.Fprintf(&b, "; projection: no stage gained, so no date for stage %d at this pace", *p.NextStage)
	}
	if p.DebtFreeSeries != "" {
		fmt.Fprintf(&b, "; runtime debt paid off by %s", p.DebtFreeSeries)
	}
	if last := p.Points[len(p.Points)-1]; newest != nil && last.Stage != nil && *newest != *last.Stage {
		fmt.Fprintf(&b, "; the newest scan (after %[2]s) is at stage %[1]d", *newest, last.Series)
	}
	return b.String()
}

// paceDeadlines lists the deadlines against the pace: "2027.1 meets
// (projected stage 2)".
func paceDeadlines(p *fleet.Pace) string {
	var parts []string
	for _, d := range p.Deadlines {
		s := d.Series + " (stage " + fmt.Sprint(d.MinStage) + "+) " + d.Verdict
		if d.StageThen != nil {
			if d.Projected {
				s += fmt.Sprintf(", projected stage %d", *d.StageThen)
			} else {
				s += fmt.Sprintf(", stage %d scanned", *d.StageThen)
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// writePace is the pace section of fleet status: the repositories with a
// stored history of two series or more.
func writePace(w io.Writer, repos []fleet.RepoStatus, markdown bool) {
	var with []fleet.RepoStatus
	for _, r := range repos {
		if r.Pace != nil {
			with = append(with, r)
		}
	}
	if len(with) == 0 {
		return
	}
	if markdown {
		fmt.Fprintf(w, "\n### Pace (a projection from the stored history, not a forecast)\n\n| repository | stages by series | pace | deadlines at this pace |\n|---|---|---|---|\n")
	} else {
		fmt.Fprintln(w, "\npace (a projection from the stored history of each series, not a forecast):")
	}
	for _, r := range with {
		var hist []string
		for _, pt := range r.Pace.Points {
			hist = append(hist, pt.Series+": "+stageNum(pt.Stage))
		}
		if markdown {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(r.Repo), mdCell(strings.Join(hist, ", ")), mdCell(paceSentence(r.Pace, r.Stage)), mdCell(paceDeadlines(r.Pace)))
			continue
		}
		fmt.Fprintf(w, "  %s  %s\n    %s\n    deadlines: %s\n", textsafe.Line(r.Repo), textsafe.Line(strings.Join(hist, ", ")),
			textsafe.Line(paceSentence(r.Pace, r.Stage)), textsafe.Line(paceDeadlines(r.Pace)))
	}
}
