package serve

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
)

// The charts are data for the SVG of the templates: coordinates computed
// here, every label escaped by html/template there.

// Colours of the stages and families; the browser test looks for them.
var (
	stageColors = []string{"#d7301f", "#fc8d59", "#4575b4", "#1a9850", "#bdbdbd"} // 0..3, undetermined
	stageLabels = []string{"0 eventlet only", "1 both, eventlet default", "2 both, threading default", "3 eventlet removed", "undetermined"}
	familyColor = map[string]string{"1": "#1b9e77", "2": "#d95f02", "3": "#7570b3", "4": "#e7298a", "5": "#66a61e", "6": "#e6ab02", "7": "#a6761d", "9": "#666666"}
	totalColor  = "#222222"
	todayColor  = "#e08214"
	dueColor    = "#762a83"
)

type rect struct {
	X, Y, W, H float64
	Color      string
	Title      string
}

type mark struct {
	X, Y   float64
	Label  string
	Title  string
	Color  string
	Dashed bool
	Left   bool // label left of the marker (near the right edge)
}

// familyDigit is a family's digit from a stats key: "EV1xx" or "1".
func familyDigit(key string) string {
	if len(key) >= 3 && key[:2] == "EV" {
		return key[2:3]
	}
	return key
}

type polyline struct {
	Points string
	Color  string
	Label  string
	Dots   []mark
}

type chart struct {
	W, H     float64
	Bars     []rect
	Lines    []polyline
	Marks    []mark // vertical markers
	Ticks    []mark // x-axis labels
	YTicks   []mark
	Legend   []rect
	Empty    string // said instead of the chart when there is no data
	Baseline float64
}

const (
	chartW, chartH       = 760.0, 220.0
	padL, padR, padT, pB = 48.0, 16.0, 16.0, 40.0
)

// timelineChart draws the release series on a time axis with the
// community deadlines and today.
func timelineChart(now time.Time) chart {
	c := chart{W: chartW, H: 150}
	first, last := modes.SeriesTable[0].Release.AddDate(0, -2, 0), modes.SeriesTable[len(modes.SeriesTable)-1].Release.AddDate(0, 2, 0)
	if now.After(last) {
		last = now.AddDate(0, 2, 0)
	}
	x := func(t time.Time) float64 {
		return padL + (chartW-padL-padR)*float64(t.Sub(first))/float64(last.Sub(first))
	}
	c.Baseline = 70
	release := map[string]time.Time{}
	for _, s := range modes.SeriesTable {
		release[s.Name] = s.Release
		title := s.Name + " " + s.Codename + " released " + s.Release.Format("2006-01-02")
		if modes.IsSLURP(s.Name) {
			title += " (SLURP)"
		}
		c.Ticks = append(c.Ticks, mark{X: x(s.Release), Y: 92, Label: s.Name, Title: title, Color: "#555555"})
		c.Bars = append(c.Bars, rect{X: x(s.Release) - 3, Y: 64, W: 6, H: 12, Color: "#555555", Title: title})
	}
	// One marker per deadline series; what each requires is the table
	// under the chart (and the marker's title), not overlapping labels.
	due := map[string][]string{}
	var order []string
	for _, d := range modes.Deadlines {
		if _, ok := release[d.Series]; !ok {
			continue
		}
		if due[d.Series] == nil {
			order = append(order, d.Series)
		}
		due[d.Series] = append(due[d.Series], d.Requires+" ("+d.Source+")")
	}
	// Neighbouring deadlines a release apart would print their labels on
	// top of each other: alternate them between two rows.
	for i, sr := range order {
		c.Marks = append(c.Marks, mark{X: x(release[sr]), Y: 118 + 14*float64(i%2), Label: "due " + sr, Title: strings.Join(due[sr], "; "), Color: dueColor})
	}
	for i := range c.Marks {
		c.Marks[i].Left = c.Marks[i].X > chartW-110
	}
	c.Marks = append(c.Marks, mark{X: x(now), Y: 14, Label: "today " + now.Format("2006-01-02"), Color: todayColor, Dashed: true})
	return c
}

// seriesCol is one column of the series charts: a series and the latest
// scan of every repository in it.
type seriesCol struct {
	Series   string         `json:"series"`
	ByStage  map[string]int `json:"by_stage"`
	Debt     map[string]int `json:"debt_by_family"`
	Runtime  int            `json:"runtime_debt"`
	Repos    int            `json:"repos"`
	RuleSets []string       `json:"rule_sets"`
	// RuleSetChanged is true when the rule sets differ from the previous
	// column's: the debt moved partly because the rules did.
	RuleSetChanged bool `json:"rule_set_changed"`
}

func stageKey(st *int) string {
	if st == nil {
		return "undetermined"
	}
	return strconv.Itoa(*st)
}

var stageKeys = []string{"0", "1", "2", "3", "undetermined"}

func stageChart(cols []seriesCol) chart {
	c := chart{W: chartW, H: chartH}
	if len(cols) == 0 {
		c.Empty = "no scans with a release series yet (fleet backfill or uploads with &series= fill this)"
		return c
	}
	maxN := 1
	for _, col := range cols {
		maxN = max(maxN, col.Repos)
	}
	slot := (chartW - padL - padR) / float64(len(cols))
	h := chartH - padT - pB
	for i, col := range cols {
		y := chartH - pB
		for k, key := range stageKeys {
			n := col.ByStage[key]
			if n == 0 {
				continue
			}
			bh := h * float64(n) / float64(maxN)
			y -= bh
			c.Bars = append(c.Bars, rect{X: padL + float64(i)*slot + slot*0.15, Y: y, W: slot * 0.7, H: bh, Color: stageColors[k],
				Title: fmt.Sprintf("%s: %d repositories at stage %s", col.Series, n, stageLabels[k])})
		}
		c.Ticks = append(c.Ticks, mark{X: padL + (float64(i)+0.5)*slot, Y: chartH - pB + 16, Label: fmt.Sprintf("%s (%d)", col.Series, col.Repos),
			Title: fmt.Sprintf("%s: %d repositories scanned", col.Series, col.Repos)})
	}
	c.YTicks = yTicks(maxN, h)
	for k := range stageKeys {
		c.Legend = append(c.Legend, rect{Color: stageColors[k], Title: stageLabels[k]})
	}
	return c
}

func yTicks(maxN int, h float64) []mark {
	var out []mark
	for _, v := range []int{0, maxN / 2, maxN} {
		out = append(out, mark{X: padL - 6, Y: chartH - pB - h*float64(v)/float64(maxN) + 4, Label: strconv.Itoa(v)})
	}
	return out
}

// debtChart is the burndown: runtime debt per series, in total and by
// family, with the rule-set changes marked.
func debtChart(cols []seriesCol) chart {
	c := chart{W: chartW, H: chartH}
	if len(cols) == 0 {
		c.Empty = "no scans with a release series yet"
		return c
	}
	maxN := 1
	fams := map[string]bool{}
	for _, col := range cols {
		maxN = max(maxN, col.Runtime)
		for f, n := range col.Debt {
			maxN = max(maxN, n)
			fams[f] = true
		}
	}
	slot := (chartW - padL - padR) / float64(len(cols))
	h := chartH - padT - pB
	x := func(i int) float64 { return padL + (float64(i)+0.5)*slot }
	y := func(n int) float64 { return chartH - pB - h*float64(n)/float64(maxN) }
	line := func(label, color string, v func(seriesCol) int) polyline {
		var pts []string
		pl := polyline{Color: color, Label: label}
		for i, col := range cols {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v(col))))
			pl.Dots = append(pl.Dots, mark{X: x(i), Y: y(v(col)), Color: color, Title: fmt.Sprintf("%s %s: %d", col.Series, label, v(col))})
		}
		pl.Points = strings.Join(pts, " ")
		return pl
	}
	c.Lines = append(c.Lines, line("runtime debt", totalColor, func(s seriesCol) int { return s.Runtime }))
	c.Legend = append(c.Legend, rect{Color: totalColor, Title: "runtime debt (all families)"})
	var names []string
	for f := range fams {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		color := familyColor[familyDigit(f)]
		if color == "" {
			color = "#999999"
		}
		label := "EV" + familyDigit(f) + "xx"
		c.Lines = append(c.Lines, line(label, color, func(s seriesCol) int { return s.Debt[f] }))
		c.Legend = append(c.Legend, rect{Color: color, Title: label + " " + familyName(f)})
	}
	for i, col := range cols {
		c.Ticks = append(c.Ticks, mark{X: x(i), Y: chartH - pB + 16, Label: fmt.Sprintf("%s (%d)", col.Series, col.Repos),
			Title: fmt.Sprintf("%s: %d repositories scanned", col.Series, col.Repos)})
		if col.RuleSetChanged {
			c.Marks = append(c.Marks, mark{X: x(i) - slot/2, Y: padT + 8, Label: "rules changed", Title: strings.Join(col.RuleSets, ", "), Color: dueColor, Dashed: true})
		}
	}
	c.YTicks = yTicks(maxN, h)
	return c
}
