package cli

import (
	"context"

	"github.com/letgo-dev/letgo/internal/store"
)

// storedScan is the scan the store already holds of this repository,
// commit and ref under the rule set a default fleet scan runs, nil when it
// holds none: fleet scan and fleet backfill skip such a commit whole
// (a repository-level skip; per-file reuse is the scan's business).
func storedScan(ctx context.Context, st store.Store, repo, commit, ref string) (*store.ScanInfo, error) {
	rules, err := defaultRuleSet(ctx)
	if err != nil {
		return nil, err
	}
	held, err := st.Scans(ctx, store.ScanFilter{Repo: repo, Commit: commit, Ref: ref, RuleSet: rules})
	if err != nil || len(held) == 0 {
		return nil, err
	}
	return &held[len(held)-1], nil
}
