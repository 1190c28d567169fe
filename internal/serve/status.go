package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
)

// statusDoc is the part of the fleet status JSON (schema 1, documented in
// the README) that the pages show; RawRepos keeps every field of each
// repository for /api/v1/repos.
type statusDoc struct {
	Schema      int            `json:"schema"`
	GeneratedAt string         `json:"generated_at"`
	Repos       []repoStatus   `json:"repos"`
	Blockers    []fleetBlocker `json:"blockers"`
	Summary     struct {
		ByStage   map[string]int `json:"by_stage"`
		Deadlines []struct {
			modes.Deadline
			Meets   int `json:"meets"`
			Misses  int `json:"misses"`
			Unknown int `json:"unknown"`
		} `json:"deadlines"`
	} `json:"summary"`
	Notes    []string          `json:"notes"`
	RawRepos []json.RawMessage `json:"-"`
	byRepo   map[string]int
}

type repoStatus struct {
	Repo         string     `json:"repo"`
	Team         string     `json:"team"`
	Deliverable  string     `json:"deliverable"`
	Commit       string     `json:"commit"`
	ContentID    string     `json:"content_id"`
	Ref          string     `json:"ref"`
	ScannedAt    time.Time  `json:"scanned_at"`
	CommittedAt  *time.Time `json:"committed_at"`
	ScanID       int64      `json:"scan_id"`
	Stage        *int       `json:"stage"`
	StageName    string     `json:"stage_name"`
	Reason       string     `json:"reason"`
	EventletFree *bool      `json:"eventlet_free"`
	BlockedBy    []string   `json:"blocked_by"`
	Services     struct {
		Total            int            `json:"total"`
		ThreadingDefault int            `json:"threading_default"`
		ByMode           map[string]int `json:"by_mode"`
	} `json:"services"`
	Debt struct {
		Runtime  int            `json:"runtime"`
		ByFamily map[string]int `json:"by_family"`
	} `json:"debt"`
	Concerns  map[string]int `json:"concerns"`
	Deadlines []struct {
		Series   string `json:"series"`
		Requires string `json:"requires"`
		Verdict  string `json:"verdict"`
	} `json:"deadlines"`
}

type fleetBlocker struct {
	Module   string   `json:"module"`
	Root     string   `json:"root"`
	Services int      `json:"services"`
	Repos    []string `json:"repos"`
}

// status returns the fleet status, derived again only when a scan was
// saved since: its cost (a read of every repository's latest result) is
// paid once per store generation, not per page.
func (s *Server) status(ctx context.Context) (*statusDoc, error) {
	gen, err := s.cfg.Store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.cache.doc != nil && s.cache.gen == gen {
		doc := s.cache.doc
		s.mu.Unlock()
		return doc, nil
	}
	s.mu.Unlock()
	b, err := s.cfg.Status(ctx, s.cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("fleet status: %w", err)
	}
	var doc statusDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("fleet status: %w", err)
	}
	var raw struct {
		Repos []json.RawMessage `json:"repos"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("fleet status: %w", err)
	}
	if doc.Schema != 1 || len(raw.Repos) != len(doc.Repos) {
		return nil, fmt.Errorf("fleet status: schema %d, want 1", doc.Schema)
	}
	doc.RawRepos = raw.Repos
	doc.byRepo = map[string]int{}
	for i, r := range doc.Repos {
		doc.byRepo[r.Repo] = i
	}
	s.mu.Lock()
	s.cache.gen, s.cache.doc = gen, &doc
	s.mu.Unlock()
	return &doc, nil
}

func (d *statusDoc) repo(name string) (repoStatus, bool) {
	i, ok := d.byRepo[name]
	if !ok {
		return repoStatus{}, false
	}
	return d.Repos[i], true
}
