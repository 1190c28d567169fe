// Package store keeps letgo's scans: every scan of every repository with its
// findings, entry points, stage, concerns and blockers, queryable for the
// fleet reports and the dashboard, plus a content-addressed cache of
// per-file analysis.
//
// Open chooses the backend from the DSN: a file path or sqlite: URL opens a
// SQLite file (the default, no server), a postgres:// URL a PostgreSQL
// database (a shared installation). Both run the same SQL and pass the same
// conformance suite (storetest); the drivers are imported only by the
// adapter packages store/sqlite and store/postgres.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
)

// Store is what letgo's fleet commands and its server need from a store.
// Every method is safe for concurrent use, also from several processes
// sharing one store.
type Store interface {
	// SaveScan stores a scan in one transaction: it becomes visible whole
	// or not at all. Saving again a scan of the same repository, commit, ref
	// and rule set stores nothing and returns the stored scan's id with
	// created false, so a replayed upload or a re-run backfill is harmless.
	SaveScan(ctx context.Context, s *Scan) (id int64, created bool, err error)
	// Repos lists every repository with its latest scan, by name.
	Repos(ctx context.Context) ([]Repo, error)
	// Scans lists the scans that match the filter, oldest first (by
	// Meta.Date); with f.Latest, the newest of each repository, by name.
	Scans(ctx context.Context, f ScanFilter) ([]ScanInfo, error)
	// Scan returns one scan's metadata and stage; ErrNotFound when absent.
	Scan(ctx context.Context, id int64) (*ScanInfo, error)
	// Result returns the scan's full result as it was saved (without the
	// import graph, which is not stored).
	Result(ctx context.Context, id int64) (*contract.Result, error)
	// Findings, EntryPoints, Concerns and Blockers return those parts of a
	// scan, in the order the scan reported them.
	Findings(ctx context.Context, id int64) ([]analysis.Finding, error)
	EntryPoints(ctx context.Context, id int64) ([]contract.EntryPoint, error)
	Concerns(ctx context.Context, id int64) ([]contract.Concern, error)
	Blockers(ctx context.Context, id int64) ([]graph.Blocker, error)
	// Diff matches the findings of two scans of one repository by
	// fingerprint.
	Diff(ctx context.Context, from, to int64) (*Diff, error)
	// CacheGet returns the cached analysis of a file's content under a rule
	// set; ok is false on a miss.
	CacheGet(ctx context.Context, key CacheKey) (value []byte, ok bool, err error)
	// CachePut stores (or replaces) the analysis of a file's content.
	CachePut(ctx context.Context, key CacheKey, value []byte) error
	// CachePutMany stores several analyses in one transaction.
	CachePutMany(ctx context.Context, entries []CacheEntry) error
	// CacheUse stores the put analyses and marks the used ones (served to
	// a scan) as recently used, in one transaction.
	CacheUse(ctx context.Context, used []CacheKey, put []CacheEntry) error
	// CachePrune drops what the policy does not keep: entries of other
	// builds, then the least recently used beyond a size bound.
	CachePrune(ctx context.Context, p CachePolicy) (CachePruned, error)
	// Close releases the store's connections.
	Close() error
}

// ErrNotFound is returned (wrapped) for a scan id the store does not hold.
var ErrNotFound = errors.New("not found")

// Meta identifies a scan: what was scanned, when, and by which letgo.
type Meta struct {
	// Repo names the repository as its forge does: "openstack/nova".
	Repo string
	// Team owns the repository at the time of the scan ("" when unknown).
	Team string
	// Commit is the scanned commit's id; Ref the branch or tag it was
	// reached by ("master", "33.0.0"), Series the release series it
	// belongs to ("2026.1", "" when unknown).
	Commit string
	Ref    string
	Series string
	// ScannedAt is when the scan ran (zero: now, at save); CommittedAt the
	// commit's date (zero when unknown). Both are kept to the microsecond.
	ScannedAt   time.Time
	CommittedAt time.Time
	// Version is letgo's version (empty: the Result's tool version);
	// RuleSet a hash of the rules and options that produced the findings.
	Version string
	RuleSet string
}

// Date is the date of the code a scan saw: the commit's date when known,
// else the time of the scan. History is ordered by it.
func (m Meta) Date() time.Time {
	if !m.CommittedAt.IsZero() {
		return m.CommittedAt
	}
	return m.ScannedAt
}

// Scan is one scan to save.
type Scan struct {
	Meta
	Result *contract.Result
}

// ScanInfo is a stored scan without its rows: enough for lists and charts.
type ScanInfo struct {
	ID int64
	Meta
	// Stage is the migration stage of the scanned project (nil when the
	// scan had none).
	Stage          *modes.Stage
	Stats          contract.Stats
	NumFindings    int
	NumEntryPoints int
}

// Repo is a repository with its latest scan: the scan of the newest code
// (by Meta.Date, then the latest saved).
type Repo struct {
	Name   string
	Team   string // the latest scan's team
	Scans  int
	Latest ScanInfo
}

// ScanFilter selects scans; empty fields match everything.
type ScanFilter struct {
	Repo    string
	Series  string
	Ref     string
	Commit  string
	RuleSet string
	// Since and Until bound Meta.Date, both inclusive.
	Since, Until time.Time
	// Latest keeps only the newest matching scan of each repository:
	// {Series: "2025.1", Latest: true} is the fleet as of that series.
	Latest bool
}

// CacheKey addresses a file's analysis: its content (a git blob id where
// there is one, else a hash of the bytes) under a rule set.
type CacheKey struct {
	Content string
	RuleSet string
}

// CacheEntry is one analysis to store.
type CacheEntry struct {
	Key   CacheKey
	Value []byte
	// Build is the letgo build that computed it (CachePolicy.Build).
	Build string
}

// Change is how a finding differs between two scans.
type Change string

// Changes, matched by fingerprint (rule, path, normalised source line and
// occurrence index): a moved finding kept its fingerprint but not its line.
const (
	New       Change = "new"
	Fixed     Change = "fixed"
	Unchanged Change = "unchanged"
	Moved     Change = "moved"
)

// FindingChange is one finding of a diff.
type FindingChange struct {
	Change Change
	// Finding is the finding as the newer scan has it; as the older one
	// had it when fixed.
	analysis.Finding
	// FromLine is its line in the older scan (0 when new).
	FromLine int
}

// Diff is the comparison of two scans of one repository.
type Diff struct {
	From, To ScanInfo
	// Findings are sorted by path, line and rule.
	Findings []FindingChange
}

// Count returns how many findings changed the given way.
func (d *Diff) Count(c Change) int {
	n := 0
	for _, f := range d.Findings {
		if f.Change == c {
			n++
		}
	}
	return n
}
