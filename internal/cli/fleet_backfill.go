package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/history"
	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// backfillRef is one release of one repository and what the backfill did
// with it.
type backfillRef struct {
	Series string `json:"series"`
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	From   string `json:"from"`
	// State is stored (scanned and saved now), present (the store held it:
	// not scanned again) or failed (Reason says why).
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	ScanID int64  `json:"scan_id,omitempty"`
	Stage  *int   `json:"stage"`
	// Parsed and Reused count the Python files parsed for this ref and
	// those whose analysis was reused from the previous ref.
	Parsed    int     `json:"parsed"`
	Reused    int     `json:"reused"`
	ElapsedMS float64 `json:"elapsed_ms"`
}

type backfillRepo struct {
	Repo      string        `json:"repo"`
	Team      string        `json:"team"`
	Dir       string        `json:"dir"`
	Refs      []backfillRef `json:"refs"`
	ElapsedMS float64       `json:"elapsed_ms"`
}

// fleetBackfillOutput is what fleet backfill prints.
type fleetBackfillOutput struct {
	Schema  int             `json:"schema"`
	Store   string          `json:"store"`
	Since   string          `json:"since,omitempty"`
	Series  string          `json:"series_source"`
	Repos   []backfillRepo  `json:"repos"`
	Missing []string        `json:"missing"`
	Failed  []fleet.Failure `json:"failed"`
	// FileCache is what the store's file cache holds after the run's
	// prune (null without --file-cache).
	FileCache *store.CachePruned `json:"file_cache"`
	ElapsedMS float64            `json:"elapsed_ms"`
}

func runFleetBackfill(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet backfill", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "backfill")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if code, ok := f.checkSources(fs, "fleet backfill", "", "the repositories", stderr); !ok {
		return code
	}
	m, err := f.teamMap(stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	var rel *fleet.Releases
	series := fleet.BuiltinSeries()
	seriesSource := "built-in series table"
	if f.releases != "" {
		if rel, err = fleet.ReadReleases(f.releases, fleet.ReleasesOptions{Since: f.since}); err != nil {
			return errorf(stderr, "%v", err)
		}
		for _, p := range rel.Problems {
			fmt.Fprintf(stderr, "letgo: warning: %s\n", textsafe.Line(p.Error()))
		}
		series, seriesSource = rel.Series, "releases data "+f.releases
	}
	if f.since != "" {
		if _, ok := fleet.FindSeries(series, f.since); !ok {
			return exitFor(stderr, usageError{fmt.Errorf("--since %q: no such series in the %s", f.since, seriesSource)})
		}
	}

	start := time.Now()
	// History reads git's object store: a bare repository is as good as a
	// checkout here.
	found, missing, failures := locate(m, f.src)
	sort.Slice(found, func(i, j int) bool { return found[i].repo.Name < found[j].repo.Name })
	if len(found) == 0 && len(failures) == 0 {
		return errorf(stderr, "no repository the team map names is under --src %s", strings.Join(f.src, ", "))
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	defer st.Close()
	rules, err := defaultRuleSet(ctx)
	if err != nil {
		return failed(ctx, stderr, "fleet backfill", err)
	}

	with := append(append([]string{}, f.with...), m.With...)
	budget := f.workers
	if budget <= 0 {
		budget = runtime.GOMAXPROCS(0)
	}
	parallel := max(1, min(budget, len(found)))
	perRepo := max(1, budget/parallel)

	// Plan every repository first, so that the progress line knows the
	// total and a repository whose tags cannot be listed fails alone.
	plans := make([]*backfillRepo, len(found))
	todo := make([][]history.Ref, len(found))
	why := make([]string, len(found))
	total := 0
	for i, loc := range found {
		br, refs, err := planBackfill(ctx, st, loc, rel, series, f.since, rules)
		if ctx.Err() != nil {
			return failed(ctx, stderr, "fleet backfill", ctx.Err())
		}
		if err != nil {
			why[i] = err.Error()
			continue
		}
		plans[i], todo[i] = br, refs
		total += len(refs)
	}

	var mu sync.Mutex
	done := 0
	showProgress := isTerminal(stderr)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i, loc := range found {
		if plans[i] == nil || len(todo[i]) == 0 {
			continue
		}
		g.Go(func() error {
			t0 := time.Now()
			err := backfillRepoRefs(gctx, st, loc, plans[i], todo[i], with, perRepo, rules, f.fileCache, func(ref string) {
				mu.Lock()
				defer mu.Unlock()
				done++
				if showProgress {
					fmt.Fprintf(stderr, "\r\x1b[Kletgo: backfill %d/%d releases (%s %s)", done, total, textsafe.Line(loc.repo.Name), textsafe.Line(ref))
				}
			})
			plans[i].ElapsedMS = float64(time.Since(t0).Microseconds()) / 1000
			if gctx.Err() != nil {
				return gctx.Err()
			}
			if err != nil {
				// The history of one repository failed: its refs not yet
				// stored are failed, and the fleet goes on.
				for k := range plans[i].Refs {
					if plans[i].Refs[k].State == "pending" {
						plans[i].Refs[k].State, plans[i].Refs[k].Reason = "failed", err.Error()
					}
				}
			}
			return nil
		})
	}
	err = g.Wait()
	if showProgress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return failed(ctx, stderr, "fleet backfill", err)
	}
	out := fleetBackfillOutput{Schema: 1, Store: f.db, Since: f.since, Series: seriesSource, Repos: []backfillRepo{},
		Missing: missing, Failed: failures}
	if out.FileCache, err = f.pruneFileCache(ctx, st); err != nil {
		return failed(ctx, stderr, "fleet backfill", err)
	}
	for i, br := range plans {
		if br == nil {
			out.Failed = append(out.Failed, fleet.Failure{Repo: found[i].repo.Name, Dir: found[i].dir, Reason: why[i]})
			continue
		}
		out.Repos = append(out.Repos, *br)
	}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if out.Failed == nil {
		out.Failed = []fleet.Failure{}
	}
	sort.Slice(out.Failed, func(i, j int) bool { return out.Failed[i].Repo < out.Failed[j].Repo })
	out.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	if f.format == "json" {
		if err := writeJSON(stdout, out); err != nil {
			return errorf(stderr, "write stdout: %v", err)
		}
		return ExitClean
	}
	writeBackfillText(stdout, &out)
	return ExitClean
}

var (
	ruleSetOnce sync.Once
	ruleSetIDs  []string
	ruleSetErr  error
)

// defaultRuleSet is the rule-set hash a fleet scan of default options
// stores, known before any repository is scanned (so the backfill can ask
// the store what it already holds): the rules that a scan of an empty tree
// runs are the rules every scan of the same options runs.
func defaultRuleSet(ctx context.Context) (string, error) {
	ruleSetOnce.Do(func() {
		dir, err := os.MkdirTemp("", "letgo-rules-")
		if err != nil {
			ruleSetErr = err
			return
		}
		defer os.RemoveAll(dir)
		res, err := scan.Run(ctx, []string{dir}, scan.Options{Version: Version})
		if err != nil {
			ruleSetErr = err
			return
		}
		ruleSetIDs = res.Rules
	})
	if ruleSetErr != nil {
		return "", fmt.Errorf("rule set: %w", ruleSetErr)
	}
	return ruleSetHash(Version, ruleSetIDs), nil
}

// planBackfill lists the releases of one repository, resolves their
// commits in the repository and marks those the store already holds.
func planBackfill(ctx context.Context, st store.Store, loc located, rel *fleet.Releases, series []fleet.Series, since, ruleSet string) (*backfillRepo, []history.Ref, error) {
	in := fleet.PlanInput{Repo: loc.repo, Releases: rel, Series: series, Since: since}
	targets, err := fleet.Plan(in)
	if err != nil {
		return nil, nil, err
	}
	if len(targets) == 0 {
		// No release of the data names this repository: its tags, named
		// by the manifest's patterns or by date.
		refs, err := history.ResolveRefs(ctx, loc.dir, "*", nil)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range refs {
			in.Tags = append(in.Tags, fleet.Tag{Name: r.Name, Commit: r.Commit, Date: r.Date})
		}
		if targets, err = fleet.Plan(in); err != nil {
			return nil, nil, err
		}
	}
	br := &backfillRepo{Repo: loc.repo.Name, Team: loc.repo.Owner, Dir: loc.dir, Refs: []backfillRef{}}
	var refs []history.Ref
	for _, t := range targets {
		r := backfillRef{Series: t.Series, Ref: t.Ref, Commit: t.Commit, From: t.From}
		ref, err := resolveTarget(ctx, loc.dir, t)
		if err != nil {
			r.State, r.Reason = "failed", err.Error()
			br.Refs = append(br.Refs, r)
			continue
		}
		r.Commit = ref.Commit
		held, err := st.Scans(ctx, store.ScanFilter{Repo: loc.repo.Name, Commit: ref.Commit, Ref: t.Ref, RuleSet: ruleSet})
		if err != nil {
			return nil, nil, err
		}
		if len(held) > 0 {
			r.State, r.ScanID = "present", held[len(held)-1].ID
			if s := held[len(held)-1].Stage; s != nil {
				r.Stage = s.Stage
			}
		} else {
			r.State = "pending"
			refs = append(refs, ref)
		}
		br.Refs = append(br.Refs, r)
	}
	return br, refs, nil
}

// resolveTarget finds a release's commit in the repository: the hash the
// releases data gives must be there, else the tag.
func resolveTarget(ctx context.Context, dir string, t fleet.Target) (history.Ref, error) {
	rev := t.Commit
	if rev == "" {
		rev = t.Ref
	}
	refs, err := history.ResolveRefs(ctx, dir, "", []string{rev})
	if err != nil {
		return history.Ref{}, fmt.Errorf("%s (%s): %w", t.Ref, t.From, err)
	}
	r := refs[0]
	r.Name = t.Ref
	return r, nil
}

// backfillRepoRefs scans the releases of one repository not yet stored,
// in order, through the history machinery (each release parses only the
// files that changed since the previous one), and stores each as it is
// scanned, so an interrupted backfill keeps what it finished.
func backfillRepoRefs(ctx context.Context, st store.Store, loc located, br *backfillRepo, refs []history.Ref, with []string, workers int, ruleSet string, fileCache bool, tick func(ref string)) error {
	var libs []string
	for _, w := range with {
		if !sameDir(w, loc.dir) {
			libs = append(libs, w)
		}
	}
	index := map[string]int{} // ref name → its row
	for k, r := range br.Refs {
		if r.State == "pending" {
			index[r.Ref] = k
		}
	}
	rowOf := func(name string) *backfillRef { return &br.Refs[index[name]] }
	var files *storeFiles
	if fileCache {
		files = newStoreFiles(ctx, st)
	}
	opts := history.Options{Workers: workers, Version: Version, With: libs,
		Result: func(ref history.Ref, res *contract.Result) error {
			if files != nil {
				if err := files.flush(); err != nil {
					return err
				}
			}
			res.Graph = nil
			row := rowOf(ref.Name)
			s := &store.Scan{Meta: store.Meta{Repo: loc.repo.Name, Team: loc.repo.Owner, Commit: ref.Commit, Ref: ref.Name,
				Series: row.Series, ScannedAt: fleetNow(), CommittedAt: ref.Date, Version: Version, RuleSet: ruleSetHash(Version, res.Rules)}, Result: res}
			if s.RuleSet != ruleSet {
				return fmt.Errorf("rule set of %s is %s, not the %s the store was asked about", ref.Name, s.RuleSet, ruleSet)
			}
			id, _, err := st.SaveScan(ctx, s)
			if err != nil {
				return err
			}
			row.State, row.ScanID = "stored", id
			if res.Stage != nil {
				row.Stage = res.Stage.Stage
			}
			return nil
		},
		Progress: func(_, _ int, ref string) {
			tick(ref)
		}}
	if files != nil {
		opts.Files = files
	}
	rep, err := history.Run(ctx, loc.dir, refs, opts)
	if err != nil {
		return err
	}
	for _, e := range rep.Entries {
		row := rowOf(e.Name)
		row.Parsed, row.Reused, row.ElapsedMS = e.Parsed, e.Reused, e.ElapsedMS
	}
	return nil
}

func writeBackfillText(w io.Writer, out *fleetBackfillOutput) {
	counts := map[string]int{}
	for _, r := range out.Repos {
		for _, ref := range r.Refs {
			counts[ref.State]++
		}
	}
	fmt.Fprintf(w, "fleet backfill: %d repositories, %d releases stored, %d already in the store, %d failed; series from the %s\n",
		len(out.Repos), counts["stored"], counts["present"], counts["failed"], textsafe.Line(out.Series))
	for _, r := range out.Repos {
		fmt.Fprintf(w, "  %s\n", textsafe.Line(r.Repo))
		if len(r.Refs) == 0 {
			fmt.Fprintln(w, "    no release to scan (no series the data or tags name)")
		}
		for _, ref := range r.Refs {
			state := map[string]string{"stored": "stored ", "present": "present", "failed": "FAILED "}[ref.State]
			line := fmt.Sprintf("    %s %-10s %-14s %-12s %-8s", state, ref.Series, ref.Ref, shortCommit(ref.Commit), stageText(ref.Stage))
			if ref.State == "stored" {
				line += fmt.Sprintf(" parsed %d, reused %d", ref.Parsed, ref.Reused)
			}
			if ref.Reason != "" {
				line += " " + ref.Reason
			}
			fmt.Fprintln(w, textsafe.Line(strings.TrimRight(line, " ")))
		}
	}
	if len(out.Failed) > 0 {
		fmt.Fprintln(w, "failed:")
		for _, fl := range out.Failed {
			fmt.Fprintf(w, "  %-28s %s\n", textsafe.Line(fl.Repo), textsafe.Line(fl.Reason))
		}
	}
	writeMissing(w, out.Missing)
}
