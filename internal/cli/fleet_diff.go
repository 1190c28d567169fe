package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// fleetDiff is the JSON of fleet diff (schema 1).
type fleetDiff struct {
	Schema      int          `json:"schema"`
	GeneratedAt string       `json:"generated_at"`
	From        diffSide     `json:"from"`
	To          diffSide     `json:"to"`
	Teams       []teamDiff   `json:"teams"`
	Summary     diffSummary  `json:"summary"`
	Notes       []string     `json:"notes,omitempty"`
	repos       []repoChange // all, for the summary
}

// diffSide says how one side of the diff was chosen: the selector as
// given and what it was read as (series, date or ref).
type diffSide struct {
	Selector string `json:"selector"`
	Kind     string `json:"kind"`
	Repos    int    `json:"repos"`
}

type diffSummary struct {
	Repos          int `json:"repos"`
	StageForward   int `json:"stage_forward"`
	StageBack      int `json:"stage_back"`
	FlipsThreading int `json:"flips_toward_threading"`
	FlipsEventlet  int `json:"flips_toward_eventlet"`
	New            int `json:"new_findings"`
	Fixed          int `json:"fixed_findings"`
}

type teamDiff struct {
	Team  string       `json:"team"`
	Repos []repoChange `json:"repos"`
}

// repoChange is one repository between the two sides. A repository only
// one side holds has the other side's fields empty and Only set.
type repoChange struct {
	Repo string `json:"repo"`
	// Only is "from" or "to" when one side has no scan of the repository.
	Only      string        `json:"only,omitempty"`
	FromRef   string        `json:"from_ref,omitempty"`
	ToRef     string        `json:"to_ref,omitempty"`
	FromScan  int64         `json:"from_scan,omitempty"`
	ToScan    int64         `json:"to_scan,omitempty"`
	FromStage *int          `json:"from_stage"`
	ToStage   *int          `json:"to_stage"`
	FromDebt  int           `json:"from_runtime_debt"`
	ToDebt    int           `json:"to_runtime_debt"`
	Flips     []serviceFlip `json:"flips"`
	New       int           `json:"new_findings"`
	Fixed     int           `json:"fixed_findings"`
	team      string
}

// serviceFlip is a service whose mode changed; Toward is threading when it
// moved along the three-release path, eventlet when it moved back, "" when
// either side is not on the path (unknown, none, a service added or
// removed).
type serviceFlip struct {
	Service string `json:"service"`
	From    string `json:"from"`
	To      string `json:"to"`
	Toward  string `json:"toward"`
}

var diffFormats = []string{"markdown", "text", "json"}

func runFleetDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet diff", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "diff")
	fs.Lookup("format").DefValue, f.format = "markdown", "markdown"
	fs.Lookup("format").Usage = "output format: markdown (for the mailing list), text, json"
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 2 {
		return exitFor(stderr, usageError{errors.New("fleet diff takes two arguments: A B (series 2025.1 or flamingo, dates 2025-10-01, or tags)")})
	}
	if !slices.Contains(diffFormats, f.format) {
		return exitFor(stderr, usageError{fmt.Errorf("--format must be one of %s, not %q", strings.Join(diffFormats, ", "), f.format)})
	}
	m, err := f.teamMap(stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	st, code := openExisting(ctx, f.db, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	doc, err := buildDiff(ctx, st, m, fs.Arg(0), fs.Arg(1), f.team)
	if err != nil {
		return failed(ctx, stderr, "fleet diff", err)
	}
	bw := bufio.NewWriter(stdout)
	switch f.format {
	case "json":
		err = writeJSON(bw, doc)
	case "text":
		writeDiffText(bw, doc)
	default:
		writeDiffMarkdown(bw, doc)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return errorf(stderr, "write stdout: %v", err)
	}
	return ExitClean
}

// openExisting opens a store that must exist: a report of an empty store
// is a mistyped path, not an answer. A nil store comes with the exit code.
func openExisting(ctx context.Context, dsn string, stderr io.Writer) (*store.DB, int) {
	if backend, file, err := store.ParseDSN(dsn); err == nil && backend == store.SQLite {
		if _, err := os.Stat(file); err != nil {
			return nil, errorf(stderr, "open store %q: %v (fleet scan creates it)", dsn, errors.Unwrap(err))
		}
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, failed(ctx, stderr, "", err)
	}
	return st, 0
}

// selectScans reads a selector as a series (its id or name: the scans a
// backfill stored for it), a date (the newest scan of each repository of
// code dated by then) or a ref (the newest scan reached by that tag), in
// that order, and returns the newest matching scan of each repository.
func selectScans(ctx context.Context, st store.Store, sel string) (map[string]store.ScanInfo, string, error) {
	try := func(kind string, f store.ScanFilter) (map[string]store.ScanInfo, string, error) {
		f.Latest = true
		infos, err := st.Scans(ctx, f)
		if err != nil {
			return nil, "", err
		}
		if len(infos) == 0 {
			return nil, "", nil
		}
		out := map[string]store.ScanInfo{}
		for _, in := range infos {
			out[in.Repo] = in
		}
		return out, kind, nil
	}
	key := sel
	if s, ok := fleet.FindSeries(fleet.BuiltinSeries(), sel); ok {
		key = s.Key()
	}
	if _, ok := fleet.NextSeries(key); ok || key != sel {
		if got, kind, err := try("series", store.ScanFilter{Series: key}); err != nil || got != nil {
			return got, kind, err
		}
	}
	if d, err := time.Parse("2006-01-02", sel); err == nil {
		if got, kind, err := try("date", store.ScanFilter{Until: d.Add(24*time.Hour - time.Microsecond)}); err != nil || got != nil {
			return got, kind, err
		}
		return nil, "", fmt.Errorf("no scan in the store of code dated by %s", sel)
	}
	if got, kind, err := try("ref", store.ScanFilter{Ref: sel}); err != nil || got != nil {
		return got, kind, err
	}
	return nil, "", fmt.Errorf("%q names no series, date or ref the store has scans of (fleet backfill stores the scans of each series)", sel)
}

// toward says which way a mode change went on the three-release path.
func toward(from, to string) string {
	a, ok1 := modes.Step(modes.Mode(from))
	b, ok2 := modes.Step(modes.Mode(to))
	switch {
	case !ok1 || !ok2:
		return ""
	case b > a:
		return "threading"
	case b < a:
		return "eventlet"
	}
	return ""
}

func buildDiff(ctx context.Context, st store.Store, m *fleet.Map, a, b, team string) (*fleetDiff, error) {
	from, kindA, err := selectScans(ctx, st, a)
	if err != nil {
		return nil, err
	}
	to, kindB, err := selectScans(ctx, st, b)
	if err != nil {
		return nil, err
	}
	doc := &fleetDiff{Schema: 1, GeneratedAt: fleetNow().UTC().Format(time.RFC3339), Teams: []teamDiff{},
		From: diffSide{a, kindA, len(from)}, To: diffSide{b, kindB, len(to)}}
	names := map[string]bool{}
	for r := range from {
		names[r] = true
	}
	for r := range to {
		names[r] = true
	}
	byTeam := map[string][]repoChange{}
	for name := range names {
		fa, okA := from[name]
		fb, okB := to[name]
		rc := repoChange{Repo: name, Flips: []serviceFlip{}}
		stored := fb.Team
		if !okB {
			stored = fa.Team
		}
		rc.team = stored
		if m != nil {
			if r := m.Lookup(name); r.Kind != fleet.KindUnowned {
				rc.team = r.Owner
			}
		}
		if team != "" && rc.team != team {
			continue
		}
		modesA, modesB := map[string]string{}, map[string]string{}
		if okA {
			rc.FromRef, rc.FromScan, rc.FromDebt = fa.Ref, fa.ID, fa.Stats.RuntimeDebt
			if fa.Stage != nil {
				rc.FromStage = fa.Stage.Stage
			}
			if modesA, err = serviceModes(ctx, st, fa.ID); err != nil {
				return nil, err
			}
		}
		if okB {
			rc.ToRef, rc.ToScan, rc.ToDebt = fb.Ref, fb.ID, fb.Stats.RuntimeDebt
			if fb.Stage != nil {
				rc.ToStage = fb.Stage.Stage
			}
			if modesB, err = serviceModes(ctx, st, fb.ID); err != nil {
				return nil, err
			}
		}
		switch {
		case !okA:
			rc.Only = "to"
		case !okB:
			rc.Only = "from"
		default:
			d, err := st.Diff(ctx, fa.ID, fb.ID)
			if err != nil {
				return nil, err
			}
			rc.New, rc.Fixed = d.Count(store.New), d.Count(store.Fixed)
			var svcs []string
			for s := range modesA {
				svcs = append(svcs, s)
			}
			for s := range modesB {
				if _, ok := modesA[s]; !ok {
					svcs = append(svcs, s)
				}
			}
			sort.Strings(svcs)
			for _, s := range svcs {
				ma, mb := modesA[s], modesB[s]
				if ma == mb {
					continue
				}
				fl := serviceFlip{Service: s, From: ma, To: mb, Toward: toward(ma, mb)}
				if fl.From == "" {
					fl.From = "(new)"
				}
				if fl.To == "" {
					fl.To = "(gone)"
				}
				rc.Flips = append(rc.Flips, fl)
			}
		}
		byTeam[rc.team] = append(byTeam[rc.team], rc)
	}
	var teamNames []string
	for t := range byTeam {
		teamNames = append(teamNames, t)
	}
	sort.Strings(teamNames)
	for _, t := range teamNames {
		rs := byTeam[t]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Repo < rs[j].Repo })
		doc.Teams = append(doc.Teams, teamDiff{Team: t, Repos: rs})
		for _, r := range rs {
			doc.repos = append(doc.repos, r)
			s := &doc.Summary
			s.Repos++
			s.New += r.New
			s.Fixed += r.Fixed
			if r.FromStage != nil && r.ToStage != nil {
				switch {
				case *r.ToStage > *r.FromStage:
					s.StageForward++
				case *r.ToStage < *r.FromStage:
					s.StageBack++
				}
			}
			for _, fl := range r.Flips {
				switch fl.Toward {
				case "threading":
					s.FlipsThreading++
				case "eventlet":
					s.FlipsEventlet++
				}
			}
		}
	}
	doc.Notes = append(doc.Notes, "new and fixed findings are matched by fingerprint (rule, path, normalised line, occurrence): a moved finding is neither")
	return doc, nil
}

func serviceModes(ctx context.Context, st store.Store, id int64) (map[string]string, error) {
	eps, err := st.EntryPoints(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, ep := range eps {
		out[ep.Name] = string(ep.Mode)
	}
	return out, nil
}

func stageNum(s *int) string {
	if s == nil {
		return "?"
	}
	return fmt.Sprint(*s)
}

func stageMove(r repoChange) string {
	switch r.Only {
	case "from":
		return stageNum(r.FromStage) + " → (not scanned)"
	case "to":
		return "(not scanned) → " + stageNum(r.ToStage)
	}
	if stageNum(r.FromStage) == stageNum(r.ToStage) {
		return stageNum(r.ToStage)
	}
	return stageNum(r.FromStage) + " → " + stageNum(r.ToStage)
}

func flipText(fl serviceFlip) string {
	s := fmt.Sprintf("%s: %s → %s", fl.Service, fl.From, fl.To)
	switch fl.Toward {
	case "threading":
		s += " (toward threading)"
	case "eventlet":
		s += " (back toward eventlet)"
	}
	return s
}

func sideText(s diffSide) string {
	return fmt.Sprintf("%s %s", s.Kind, s.Selector)
}

func writeDiffMarkdown(w io.Writer, doc *fleetDiff) {
	s := doc.Summary
	fmt.Fprintf(w, "## Eventlet removal: what changed from %s to %s\n\n", mdCell(doc.From.Selector), mdCell(doc.To.Selector))
	fmt.Fprintf(w, "%d repositories of %d teams, compared by letgo from the scans of %s (%d repositories) and %s (%d); generated %s.\n\n",
		s.Repos, len(doc.Teams), mdCell(sideText(doc.From)), doc.From.Repos, mdCell(sideText(doc.To)), doc.To.Repos, doc.GeneratedAt)
	fmt.Fprintf(w, "- %d repositories moved a stage forward, %d back\n", s.StageForward, s.StageBack)
	fmt.Fprintf(w, "- %d services flipped toward threading, %d back toward eventlet\n", s.FlipsThreading, s.FlipsEventlet)
	fmt.Fprintf(w, "- %d findings new, %d fixed\n", s.New, s.Fixed)
	for _, t := range doc.Teams {
		fmt.Fprintf(w, "\n### %s\n\n| repository | %s | %s | stage | runtime debt | new | fixed | services that flipped |\n|---|---|---|---|---|---|---|---|\n",
			mdCell(teamLabel(t.Team)), mdCell(doc.From.Selector), mdCell(doc.To.Selector))
		for _, r := range t.Repos {
			var flips []string
			for _, fl := range r.Flips {
				flips = append(flips, flipText(fl))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %d → %d | %d | %d | %s |\n", mdCell(r.Repo), mdCell(r.FromRef), mdCell(r.ToRef), stageMove(r),
				r.FromDebt, r.ToDebt, r.New, r.Fixed, mdCell(strings.Join(flips, "; ")))
		}
	}
	for _, n := range doc.Notes {
		fmt.Fprintf(w, "\nNote: %s.\n", n)
	}
}

func writeDiffText(w io.Writer, doc *fleetDiff) {
	s := doc.Summary
	fmt.Fprintf(w, "fleet diff %s (%s) → %s (%s): %d repositories; stage forward %d, back %d; flips toward threading %d, toward eventlet %d; findings new %d, fixed %d\n",
		textsafe.Line(doc.From.Selector), doc.From.Kind, textsafe.Line(doc.To.Selector), doc.To.Kind, s.Repos, s.StageForward, s.StageBack,
		s.FlipsThreading, s.FlipsEventlet, s.New, s.Fixed)
	for _, t := range doc.Teams {
		fmt.Fprintf(w, "\n%s\n", textsafe.Line(teamLabel(t.Team)))
		for _, r := range t.Repos {
			fmt.Fprintf(w, "  %-24s %-14s %-10s debt %d → %d  new %d  fixed %d\n", textsafe.Line(r.Repo),
				textsafe.Line(r.FromRef+" → "+r.ToRef), stageMove(r), r.FromDebt, r.ToDebt, r.New, r.Fixed)
			for _, fl := range r.Flips {
				fmt.Fprintf(w, "    %s\n", textsafe.Line(flipText(fl)))
			}
		}
	}
}
