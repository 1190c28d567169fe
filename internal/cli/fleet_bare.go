package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/history"
	"github.com/letgo-dev/letgo/internal/store"
)

// scanBare scans a bare repository at HEAD through the history machinery
// (its tree is read from git's objects; the result names the repository), as
// fleet scan scans a checkout: the same rules, the same libraries, stored
// under HEAD's commit and branch, and skipped when the store holds them.
func scanBare(ctx context.Context, st store.Store, loc located, with []string, workers int, fileCache bool) (*store.Scan, *scannedRepo, string) {
	refs, err := history.ResolveRefs(ctx, loc.dir, "", []string{"HEAD"})
	if err != nil {
		return nil, nil, fmt.Sprintf("bare repository: %v", err)
	}
	ref := refs[0]
	branch, _ := gitOut(ctx, loc.dir, "symbolic-ref", "--quiet", "--short", "HEAD")
	sr := &scannedRepo{Repo: loc.repo.Name, Team: loc.repo.Owner, Dir: loc.dir, Commit: ref.Commit, Ref: branch}
	if held, err := storedScan(ctx, st, loc.repo.Name, ref.Commit, branch); err != nil {
		return nil, nil, err.Error()
	} else if held != nil {
		sr.ScanID = held.ID
		if held.Stage != nil {
			sr.Stage = held.Stage.Stage
		}
		return nil, sr, ""
	}
	var libs []string
	for _, w := range with {
		if !sameDir(w, loc.dir) {
			libs = append(libs, resolved(w))
		}
	}
	now := fleetNow()
	var res *contract.Result
	opts := history.Options{Workers: workers, Version: Version, With: libs}
	var files *storeFiles
	if fileCache {
		files = newStoreFiles(ctx, st)
		opts.Files = files
	}
	opts.Result = func(_ history.Ref, r *contract.Result) error {
		if files != nil {
			if err := files.flush(); err != nil {
				return err
			}
		}
		r.Graph = nil
		res = r
		return nil
	}
	_, err = history.Run(ctx, loc.dir, refs, opts)
	if err != nil {
		return nil, nil, strings.TrimPrefix(err.Error(), "history ")
	}
	s := &store.Scan{Meta: store.Meta{Repo: loc.repo.Name, Team: loc.repo.Owner, Commit: ref.Commit, Ref: branch,
		ScannedAt: now, CommittedAt: ref.Date, Version: Version, RuleSet: ruleSetHash(Version, res.Rules)}, Result: res}
	if res.Stage != nil {
		sr.Stage = res.Stage.Stage
	}
	return s, sr, ""
}
