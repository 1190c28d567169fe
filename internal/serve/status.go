package serve

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/letgo-dev/letgo/internal/fleet"
)

// statusDoc is the fleet status (fleet.Status: the JSON of `fleet status`,
// schema 1, documented in the README) that the pages show; RawRepos keeps
// every field of each repository as the command printed it, for
// /api/v1/repos.
type statusDoc struct {
	fleet.Status
	RawRepos []json.RawMessage `json:"-"`
	byRepo   map[string]int
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

func (d *statusDoc) repo(name string) (fleet.RepoStatus, bool) {
	i, ok := d.byRepo[name]
	if !ok {
		return fleet.RepoStatus{}, false
	}
	return d.Repos[i], true
}
