package fleet

import (
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
)

// The fleet status model: what `letgo fleet status --format json` prints
// (schema 1, documented in the README) and what `letgo serve` reads back.
// Both read these types, so the dashboard cannot drift from the command.

// Status is the JSON of fleet status (schema 1); README documents it.
type Status struct {
	Schema      int          `json:"schema"`
	GeneratedAt string       `json:"generated_at"`
	Team        string       `json:"team,omitempty"`
	Repos       []RepoStatus `json:"repos"`
	// Missing and Failed are null when they cannot be told: the store keeps
	// scans, not the inventory of a scan run (see Notes).
	Missing  []string  `json:"missing"`
	Failed   []Failure `json:"failed"`
	Blockers []Blocker `json:"blockers"`
	Summary  Summary   `json:"summary"`
	Notes    []string  `json:"notes,omitempty"`
}

// RepoStatus is one repository of the status: its latest stored scan.
type RepoStatus struct {
	Repo        string `json:"repo"`
	Team        string `json:"team"`
	Deliverable string `json:"deliverable"`
	// Commit is "" for a tree that was not a git checkout, which is stored
	// under ContentID, the hash of its files.
	Commit      string     `json:"commit"`
	ContentID   string     `json:"content_id,omitempty"`
	Ref         string     `json:"ref"`
	ScannedAt   time.Time  `json:"scanned_at"`
	CommittedAt *time.Time `json:"committed_at"`
	ScanID      int64      `json:"scan_id"`
	Stage       *int       `json:"stage"`
	StageName   string     `json:"stage_name"`
	Reason      string     `json:"reason,omitempty"`
	// Library is a library's own scale (a repository with no services):
	// eventlet required, optional or gone, its default backend, and the
	// 2027.2 deadline; null for a repository with services.
	Library *modes.Library `json:"library"`
	// EventletFree is true when no entry point loads eventlet
	// unconditionally by the import graph; null for a repository without
	// entry points (a library), which the graph has nothing to answer for.
	EventletFree modes.Answer     `json:"eventlet_free"`
	BlockedBy    []string         `json:"blocked_by"`
	Services     ServiceCounts    `json:"services"`
	Debt         DebtCounts       `json:"debt"`
	Concerns     map[string]int   `json:"concerns"`
	Deadlines    []DeadlineStatus `json:"deadlines"`
	// Pace is the projection from the stored history by series (null
	// with fewer than two series scanned): pace.go.
	Pace    *Pace  `json:"pace"`
	Version string `json:"letgo_version"`
	RuleSet string `json:"rule_set"`
}

// ServiceCounts counts a repository's entry points by kind and mode.
type ServiceCounts struct {
	// Total counts the services (tools are counted apart: the stage
	// leaves them out).
	Total            int            `json:"total"`
	Tools            int            `json:"tools"`
	ThreadingDefault int            `json:"threading_default"`
	ByMode           map[string]int `json:"by_mode"`
}

// DebtCounts is the runtime debt of a repository, by rule family.
type DebtCounts struct {
	Runtime  int            `json:"runtime"`
	ByFamily map[string]int `json:"by_family"`
}

// DeadlineStatus is a repository's verdict on one community deadline.
type DeadlineStatus struct {
	Series   string `json:"series"`
	Requires string `json:"requires"`
	Verdict  string `json:"verdict"` // meets, misses, unknown
}

// Blocker is a library module, or a library package of several such
// modules (RankBlockers), through which services across the fleet load
// eventlet unconditionally.
type Blocker struct {
	// Module is the module, or the package of the modules of the row.
	Module string `json:"module"`
	Root   string `json:"root"`
	// Modules are the library modules of the row that import eventlet
	// unconditionally and that the services reach.
	Modules  []string `json:"modules"`
	Services int      `json:"services"`
	// Repos are the repositories whose services load eventlet through it.
	Repos []string `json:"repos"`
}

// Summary counts the fleet's repositories by stage and deadline.
type Summary struct {
	Repos     int              `json:"repos"`
	ByStage   map[string]int   `json:"by_stage"`
	Deadlines []DeadlineCounts `json:"deadlines"`
}

// DeadlineCounts are the repositories meeting, missing or not known to
// meet one deadline.
type DeadlineCounts struct {
	modes.Deadline
	Meets   int `json:"meets"`
	Misses  int `json:"misses"`
	Unknown int `json:"unknown"`
}

// Failure is a repository the team map names that was not scanned.
type Failure struct {
	Repo   string `json:"repo"`
	Dir    string `json:"dir,omitempty"`
	Reason string `json:"reason"`
}
