// Package history scans the refs of a git repository (release tags) without
// touching its work tree, and reports per ref the migration stage and the
// mode of each service, with departures from the three-release pattern.
// Trees are read from git's object store (one git cat-file for the run),
// never written to disk, and files whose blob did not change are neither
// read nor parsed again.
package history

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/scan"
)

// Ref is a git ref resolved to a commit.
type Ref struct {
	Name   string    `json:"ref"`
	Commit string    `json:"commit"`
	Date   time.Time `json:"date"`
}

// Service is one entry point's mode at a ref.
type Service struct {
	Name string     `json:"name"`
	Mode modes.Mode `json:"mode"`
	// Kind is service, tool, wsgi or unknown (modes.ClassifyKind): a
	// tool's mode is no regression, as the stage leaves tools out.
	Kind modes.Kind `json:"kind,omitempty"`
	// Eventlet is whether starting it loads eventlet (unconditional,
	// guarded or none), given the library roots of Options.With.
	Eventlet string `json:"eventlet,omitempty"`
}

// Entry is the state of the project at one ref.
type Entry struct {
	Ref
	Stage       modes.Stage `json:"stage"`
	Services    []Service   `json:"services"`
	RuntimeDebt int         `json:"runtime_debt"`
	ElapsedMS   float64     `json:"elapsed_ms"`
	Parsed      int         `json:"parsed"` // Python files parsed for this ref
	Reused      int         `json:"reused"` // Python files whose results were reused
	// Written counts the files whose blob is not the previous ref's at
	// that path: what a checkout of this ref would write over the last
	// one (the name is from when history wrote a scratch copy).
	Written int `json:"written"`
	// Refused lists the paths of this ref's tree that were not scanned
	// (unsafe names, conflicting entries, oversized blobs).
	Refused []Refusal `json:"refused,omitempty"`
}

// Departure is a transition that skips a step of the three-release
// pattern.
type Departure struct {
	Service string `json:"service,omitempty"` // "" for the project's stage
	From    string `json:"from"`
	To      string `json:"to"`
	FromRef string `json:"from_ref"`
	ToRef   string `json:"to_ref"`
	Message string `json:"message"`
}

// Report is the history of one repository.
type Report struct {
	Repo       string      `json:"repo"`
	Entries    []Entry     `json:"refs"`
	Departures []Departure `json:"departures"`
	// Regressions are the moves back toward eventlet: a service whose
	// mode is an earlier step of the three-release pattern than at the
	// last ref where it had one (threading-only to dual-default-threading
	// or eventlet-only ...), or the project's stage going down. Same
	// fields as a departure; an unknown mode or stage is no step, so it
	// is neither a regression nor a recovery.
	Regressions []Departure `json:"regressions"`
}

// Options tune a history run.
type Options struct {
	Workers int
	Version string
	// Progress, when set, is called after each ref.
	Progress func(done, total int, ref string)
	// With are library roots every ref's imports resolve against (not
	// reported), as scan.Options.With.
	With []string
	// Result, when set, receives each ref's full scan result as soon as
	// the ref is scanned (the fleet backfill stores it); an error it
	// returns ends the run with that error. The result's roots (and the
	// roots of its findings, entry points, chains) name the repository.
	Result func(ref Ref, res *contract.Result) error
	// Files, when set, keeps the refs' file results across runs (a later
	// run parses only the files no earlier run saw); Result is a good
	// place to write what was put.
	Files scan.FileStore

	maxBlob int64 // MaxBlobSize; tests lower it
	// noReuse scans every ref, even one whose tree and date are the
	// last one's; scanned is called before each scan. Both for tests.
	noReuse bool
	scanned func(ref string)
}

// Run scans each ref in order. When ctx is cancelled it stops at the next
// file or ref and returns an error wrapping ctx.Err(), never a partial
// report. Nothing is written to disk.
func Run(ctx context.Context, repo string, refs []Ref, opts Options) (*Report, error) {
	if err := checkRepo(ctx, repo); err != nil {
		return nil, err
	}
	objects, err := startCatFile(ctx, repo)
	if err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	defer objects.close()
	interrupted := func(i int) error {
		return fmt.Errorf("history interrupted at %s (%d of %d refs scanned): %w", refs[i].Name, i, len(refs), ctx.Err())
	}
	cache := scan.NewCache()
	cache.Persist = opts.Files
	rep := &Report{Repo: repo, Entries: []Entry{}, Departures: []Departure{}}
	maxBlob := opts.maxBlob
	if maxBlob == 0 {
		maxBlob = MaxBlobSize
	}
	var last map[string]blob // the last ref's tree
	// prev is the last ref scanned, to reuse outright for a ref whose tree
	// and date are the same (a tag on the same commit, a ref given twice):
	// a scan is a function of the tree, the date and the options, so it
	// would compute the same result (see sameInput).
	var prev struct {
		want    map[string]blob
		refused []Refusal
		date    time.Time
		res     *contract.Result
		files   int // Python files the scan parsed or reused
	}
	for i, ref := range refs {
		if ctx.Err() != nil {
			return nil, interrupted(i)
		}
		start := time.Now()
		want, refused, err := tree(ctx, repo, ref.Commit)
		if ctx.Err() != nil {
			return nil, interrupted(i)
		}
		if err != nil {
			return nil, fmt.Errorf("list tree of %s: %w", ref.Name, err)
		}
		// What a checkout would write: the files whose blob is not the
		// last ref's at that path (a blob too large to serve is not
		// written either).
		t, large := newGitTree(want, objects, maxBlob)
		written := 0
		for p, b := range t.files {
			if last[p].id != b.id {
				written++
			}
		}
		last = want
		refused = append(refused, large...)
		sort.Slice(refused, func(i, j int) bool { return refused[i].Path < refused[j].Path })
		var res *contract.Result
		e := Entry{Ref: ref, Written: written, Refused: refused, Services: []Service{}}
		if !opts.noReuse && prev.res != nil && sameInput(prev.want, want, prev.refused, refused) && prev.date.Equal(ref.Date) {
			// Every file would be served from the cache: the counts are
			// those of a scan of this tree after the last one. The
			// callback gets its own copy, as it may clear fields.
			r := *prev.res
			res, e.Reused = &r, prev.files
			if i+1 == len(refs) || !refs[i+1].Date.Equal(ref.Date) {
				prev.res = nil // no later ref can reuse it
			}
		} else {
			if opts.scanned != nil {
				opts.scanned(ref.Name)
			}
			hits, misses := cache.Hits, cache.Misses
			blobs := t.blobs()
			// The cache keeps what this tree can reuse; the rest of the last
			// tree would only grow the heap with every ref.
			cache.Retain(blobs)
			// The tree is scanned as the repository itself: the result's
			// roots, paths and chains name repo.
			res, err = scan.Run(ctx, []string{repo}, scan.Options{Workers: opts.Workers, Version: opts.Version,
				Cache: cache, Blobs: blobs, Trees: map[string]safeio.Tree{repo: t}, Now: ref.Date, With: opts.With})
			if ferr := objects.failure(); ferr != nil && ctx.Err() == nil {
				return nil, fmt.Errorf("scan %s: %w", ref.Name, ferr)
			}
			if ctx.Err() != nil {
				return nil, interrupted(i)
			}
			if err != nil {
				return nil, fmt.Errorf("scan %s: %w", ref.Name, err)
			}
			e.Parsed, e.Reused = cache.Misses-misses, cache.Hits-hits
			// Kept only for a next ref of the same date, which alone can
			// reuse it: otherwise it would keep this ref's graph alive
			// through the next scan.
			prev.res = nil
			if i+1 < len(refs) && refs[i+1].Date.Equal(ref.Date) {
				r := *res
				prev.want, prev.refused, prev.date, prev.res, prev.files = want, refused, ref.Date, &r, e.Parsed+e.Reused
			}
		}
		e.RuntimeDebt = res.Stats.RuntimeDebt
		if res.Stage != nil {
			e.Stage = *res.Stage
		}
		for _, ep := range res.EntryPoints {
			e.Services = append(e.Services, Service{Name: ep.Name, Mode: ep.Mode, Kind: ep.Kind, Eventlet: string(ep.Eventlet)})
		}
		if opts.Result != nil {
			if err := opts.Result(ref, res); err != nil {
				return nil, err
			}
		}
		e.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
		rep.Entries = append(rep.Entries, e)
		if opts.Progress != nil {
			opts.Progress(i+1, len(refs), ref.Name)
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("history interrupted after the last ref: %w", ctx.Err())
	}
	rep.Departures = departures(rep.Entries)
	rep.Regressions = regressions(rep.Entries)
	return rep, nil
}

// sameInput is whether two refs' trees (path → blob, the paths refused)
// are the same, so that a scan of one is a scan of the other.
func sameInput(a, b map[string]blob, ra, rb []Refusal) bool {
	return maps.Equal(a, b) && slices.Equal(ra, rb)
}

func sortRefs(refs []Ref) {
	versions := true
	for _, r := range refs {
		if _, ok := version(r.Name); !ok {
			versions = false
		}
	}
	sort.SliceStable(refs, func(i, j int) bool {
		if versions {
			a, _ := version(refs[i].Name)
			b, _ := version(refs[j].Name)
			for k := 0; k < len(a) && k < len(b); k++ {
				if a[k] != b[k] {
					return a[k] < b[k]
				}
			}
			return len(a) < len(b)
		}
		return refs[i].Date.Before(refs[j].Date)
	})
}

func version(name string) ([]int, bool) {
	var out []int
	for _, p := range strings.Split(strings.TrimPrefix(name, "v"), ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

var skipped = map[[2]int]string{
	{0, 2}: "default flipped to threading without a release where both modes existed with eventlet as the default",
	{0, 3}: "went from eventlet only to threading only in one release: no release supported both modes",
	{1, 3}: "eventlet removed without a release defaulting to threading",
}

func departures(entries []Entry) []Departure {
	out := []Departure{}
	last := map[string]struct {
		mode modes.Mode
		ref  string
	}{}
	for i, e := range entries {
		for _, s := range e.Services {
			to, ok := modes.Step(s.Mode)
			if !ok {
				continue
			}
			if prev, seen := last[s.Name]; seen {
				from, _ := modes.Step(prev.mode)
				if msg, bad := skipped[[2]int{from, to}]; bad {
					out = append(out, Departure{Service: s.Name, From: string(prev.mode), To: string(s.Mode), FromRef: prev.ref, ToRef: e.Name, Message: msg})
				}
			}
			last[s.Name] = struct {
				mode modes.Mode
				ref  string
			}{s.Mode, e.Name}
		}
		if i > 0 {
			pa, pb := entries[i-1].Stage.Stage, e.Stage.Stage
			if pa != nil && pb != nil && *pb > *pa+1 {
				a, b := *pa, *pb
				out = append(out, Departure{From: fmt.Sprintf("stage %d", a), To: fmt.Sprintf("stage %d", b), FromRef: entries[i-1].Name, ToRef: e.Name,
					Message: fmt.Sprintf("the project skipped stage %d", a+1)})
			}
		}
	}
	return out
}

// regressions lists the moves back toward eventlet between refs (see
// Report.Regressions), in ref order.
func regressions(entries []Entry) []Departure {
	out := []Departure{}
	type seen struct {
		mode modes.Mode
		ref  string
	}
	last := map[string]seen{}
	var stage *int
	var stageRef string
	for _, e := range entries {
		for _, s := range e.Services {
			to, ok := modes.Step(s.Mode)
			if !ok || s.Kind == modes.KindTool {
				continue
			}
			if prev, ok := last[s.Name]; ok {
				if from, _ := modes.Step(prev.mode); to < from {
					out = append(out, Departure{Service: s.Name, From: string(prev.mode), To: string(s.Mode), FromRef: prev.ref, ToRef: e.Name,
						Message: fmt.Sprintf("the mode moved back toward eventlet (step %d of the three-release pattern to step %d)", from, to)})
				}
			}
			last[s.Name] = seen{s.Mode, e.Name}
		}
		if b := e.Stage.Stage; b != nil {
			if stage != nil && *b < *stage {
				out = append(out, Departure{From: fmt.Sprintf("stage %d", *stage), To: fmt.Sprintf("stage %d", *b), FromRef: stageRef, ToRef: e.Name,
					Message: fmt.Sprintf("the project's stage went down from %d to %d", *stage, *b)})
			}
			stage, stageRef = b, e.Name
		}
	}
	return out
}
