package modes

import "strings"

// Deadline is one date of the community timeline for removing eventlet,
// with the document that set it, so a report can say which rule a project
// meets or misses and where that rule is written.
type Deadline struct {
	// Series is the release series the deadline falls on ("2027.1").
	Series string `json:"series"`
	// Requires says what must hold by then, in the source's terms.
	Requires string `json:"requires"`
	// MinStage is the lowest stage of the three-release pattern (see
	// Stage) that meets the deadline.
	MinStage int `json:"min_stage"`
	// Source names the document: repository and path, or the seed mail.
	Source string `json:"source"`
	// Line is the line of Source that states the deadline.
	Line int `json:"line"`
	// Revision is the change of Source the entry was read from; the TC
	// moved its deadlines once (June 2025), so they are versioned data.
	Revision string `json:"revision,omitempty"`
}

// Sources of the timeline.
const (
	GoalSource = "openstack/governance goals/selected/remove-eventlet.rst"
	PTGSource  = "seed/hibiscus-ptg-summary.txt"
	// goalRevision is the change that last moved the goal's deadlines.
	goalRevision = "981727b3 (2025-06-19, deadlines moved)"
)

// Deadlines is the community timeline, oldest first. ThreadingDefaultBy
// and EventletRemovedBy are two of its entries (a test keeps them in
// step).
var Deadlines = []Deadline{
	{Series: "2026.2", Requires: "every deliverable that relies on eventlet can run without it", MinStage: 1,
		Source: GoalSource, Line: 53, Revision: goalRevision},
	{Series: "2027.1", Requires: "eventlet support deprecated but kept: a SLURP release with both modes", MinStage: 2,
		Source: GoalSource, Line: 55, Revision: goalRevision},
	{Series: "2027.1", Requires: "threading the default everywhere", MinStage: 2,
		Source: PTGSource, Line: 47},
	{Series: "2027.2", Requires: "eventlet removed from all of OpenStack, Oslo included", MinStage: 3,
		Source: GoalSource, Line: 58, Revision: goalRevision},
}

// EarlyDeprecation is the goal's rule for a project done before 2026.2:
// it may deprecate eventlet early but keeps one SLURP cycle with both
// modes.
var EarlyDeprecation = Deadline{Series: "2026.2", Requires: "a project done early may deprecate eventlet early but keeps one SLURP cycle supporting both modes",
	MinStage: 2, Source: GoalSource, Line: 62, Revision: goalRevision}

// SLURP reports whether the series is a SLURP release (skip-level
// upgrade): every "YYYY.1" since 2023.1, the first series numbered by
// year.
func (s Series) SLURP() bool {
	return IsSLURP(s.Name)
}

// IsSLURP reports whether the series id ("2026.1") names a SLURP release.
func IsSLURP(id string) bool {
	year, n, ok := strings.Cut(id, ".")
	if !ok || n != "1" || len(year) != 4 || strings.Trim(year, "0123456789") != "" {
		return false
	}
	return year >= "2023"
}
