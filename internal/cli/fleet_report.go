package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
)

// teamReport is the JSON of fleet report (schema 1): the per-team report,
// every field derived from the store.
type teamReport struct {
	Schema      int          `json:"schema"`
	GeneratedAt string       `json:"generated_at"`
	Team        string       `json:"team"`
	CanTurnOff  string       `json:"can_turn_off_eventlet"` // yes, no, partly, n/a
	Repos       []repoReport `json:"repos"`
}

type repoReport struct {
	Status fleet.RepoStatus `json:"status"`
	// CanTurnOff is yes when every service can run with eventlet turned
	// off (a switch, threading only, or no eventlet runtime), no when none
	// can, partly in between, unknown when no service's mode could be
	// told, n/a without services. A service that still imports eventlet
	// unconditionally can turn it off but not drop it: its evidence says
	// so, and the repository's blocked_by names the library modules.
	CanTurnOff string             `json:"can_turn_off_eventlet"`
	Services   []serviceEvidence  `json:"services"`
	Remaining  []familyRemaining  `json:"remaining"`
	Files      []fileRemaining    `json:"files"`
	Concerns   []contract.Concern `json:"concerns"`
	History    []fleet.PacePoint  `json:"history"`
}

type serviceEvidence struct {
	Name     string     `json:"name"`
	Mode     modes.Mode `json:"mode"`
	Off      string     `json:"can_turn_off"` // yes, no, unknown
	Evidence string     `json:"evidence"`
}

type familyRemaining struct {
	Family string         `json:"family"`
	Name   string         `json:"name"`
	Count  int            `json:"count"`
	Rules  map[string]int `json:"rules"` // "EV102 eventlet-spawn" → count
}

type fileRemaining struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
	Rules string `json:"rules"`
}

// reportFiles caps the files listed per repository: the report is read by
// people; --format json has every finding's file too.
const reportFiles = 15

func runFleetReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet report", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "report")
	fs.Lookup("format").DefValue, f.format = "markdown", "markdown"
	fs.Lookup("format").Usage = "output format: markdown or json"
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return exitFor(stderr, usageError{errors.New("fleet report takes one argument: the team")})
	}
	if f.format != "markdown" && f.format != "json" {
		return exitFor(stderr, usageError{fmt.Errorf("--format must be markdown or json, not %q", f.format)})
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
	f.team = fs.Arg(0)
	doc, err := buildStatus(ctx, st, m, &f)
	if err != nil {
		return failed(ctx, stderr, "fleet report", err)
	}
	if len(doc.Repos) == 0 {
		return errorf(stderr, "fleet report: the store has no scan of a repository of team %q", f.team)
	}
	rep := &teamReport{Schema: 1, GeneratedAt: doc.GeneratedAt, Team: f.team, Repos: []repoReport{}}
	for _, rs := range doc.Repos {
		rr, err := buildRepoReport(ctx, st, rs)
		if err != nil {
			return failed(ctx, stderr, "fleet report", err)
		}
		rep.Repos = append(rep.Repos, rr)
	}
	rep.CanTurnOff = combine(rep.Repos)
	bw := bufio.NewWriter(stdout)
	if f.format == "json" {
		err = writeJSON(bw, rep)
	} else {
		writeReportMarkdown(bw, rep)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return errorf(stderr, "write stdout: %v", err)
	}
	return ExitClean
}

// combine is the team's answer from its repositories': yes only when every
// repository with services says yes, no when every one says no.
func combine(repos []repoReport) string {
	counts := map[string]int{}
	for _, r := range repos {
		counts[r.CanTurnOff]++
	}
	n := len(repos) - counts["n/a"]
	switch {
	case n == 0:
		return "n/a"
	case counts["yes"] == n:
		return "yes"
	case counts["no"] == n:
		return "no"
	case counts["unknown"] == n:
		return "unknown"
	}
	return "partly"
}

func buildRepoReport(ctx context.Context, st store.Store, rs fleet.RepoStatus) (repoReport, error) {
	res, err := st.Result(ctx, rs.ScanID)
	if err != nil {
		return repoReport{}, err
	}
	rr := repoReport{Status: rs, Services: []serviceEvidence{}, Remaining: []familyRemaining{}, Files: []fileRemaining{}, Concerns: res.Concerns}
	if rr.Concerns == nil {
		rr.Concerns = []contract.Concern{}
	}
	for _, ep := range res.EntryPoints {
		rr.Services = append(rr.Services, serviceOff(ep))
	}
	sv := map[string]int{}
	for _, s := range rr.Services {
		sv[s.Off]++
	}
	switch n := len(rr.Services); {
	case n == 0:
		rr.CanTurnOff = "n/a"
	case sv["yes"] == n:
		rr.CanTurnOff = "yes"
	case sv["no"] == n:
		rr.CanTurnOff = "no"
	case sv["unknown"] == n:
		rr.CanTurnOff = "unknown"
	default:
		rr.CanTurnOff = "partly"
	}
	fams := map[int]*familyRemaining{}
	files := map[string]map[string]int{}
	for _, fd := range res.Findings {
		if fd.Positive {
			continue
		}
		fr := fams[fd.Family]
		if fr == nil {
			fr = &familyRemaining{Family: fmt.Sprintf("EV%dxx", fd.Family), Name: analysis.FamilyNames[fd.Family], Rules: map[string]int{}}
			fams[fd.Family] = fr
		}
		fr.Count++
		fr.Rules[fd.Rule+" "+fd.Slug]++
		if files[fd.Path] == nil {
			files[fd.Path] = map[string]int{}
		}
		files[fd.Path][fd.Rule]++
	}
	for _, fr := range fams {
		rr.Remaining = append(rr.Remaining, *fr)
	}
	sort.Slice(rr.Remaining, func(i, j int) bool { return rr.Remaining[i].Family < rr.Remaining[j].Family })
	for p, byRule := range files {
		fl := fileRemaining{Path: p}
		var rules []string
		for r, n := range byRule {
			fl.Count += n
			rules = append(rules, fmt.Sprintf("%s×%d", r, n))
		}
		sort.Strings(rules)
		fl.Rules = strings.Join(rules, ", ")
		rr.Files = append(rr.Files, fl)
	}
	sort.Slice(rr.Files, func(i, j int) bool {
		if rr.Files[i].Count != rr.Files[j].Count {
			return rr.Files[i].Count > rr.Files[j].Count
		}
		return rr.Files[i].Path < rr.Files[j].Path
	})
	if rr.History, err = seriesPoints(ctx, st, rs.Repo); err != nil {
		return repoReport{}, err
	}
	if rr.History == nil {
		rr.History = []fleet.PacePoint{}
	}
	return rr, nil
}

// serviceOff says whether one service can run without eventlet, with the
// evidence: its mode and switch, or the chain that loads eventlet.
func serviceOff(ep contract.EntryPoint) serviceEvidence {
	se := serviceEvidence{Name: ep.Name, Mode: ep.Mode}
	where := ep.Path
	if ep.Line > 0 {
		where = fmt.Sprintf("%s:%d", ep.Path, ep.Line)
	}
	sw := ""
	switch {
	case ep.Switch.Env != "":
		sw = "switch: environment variable " + ep.Switch.Env
	case ep.Switch.Config != "":
		sw = "switch: option " + ep.Switch.Config
	}
	switch ep.Mode {
	case modes.Unknown:
		se.Off, se.Evidence = "unknown", "mode not determined"
		if ep.ModeReason != "" {
			se.Evidence += ": " + ep.ModeReason
		}
	case modes.EventletOnly:
		se.Off = "no"
		se.Evidence = "eventlet only, no switch"
	case modes.DualDefaultEventlet, modes.DualDefaultThreading:
		se.Off = "yes"
		se.Evidence = string(ep.Mode)
		if sw != "" {
			se.Evidence += ", " + sw
		}
	case modes.ThreadingOnly, modes.NoRuntime:
		se.Off = "yes"
		se.Evidence = string(ep.Mode)
	default:
		// A mode stored by another version of letgo: not known here.
		se.Off, se.Evidence = "unknown", fmt.Sprintf("mode %q not known to this version of letgo", ep.Mode)
	}
	if ep.Eventlet == graph.Unconditional {
		// Imported whatever the switch says: turning eventlet off (not
		// patching, not running its hub) is still possible, removing it
		// is not — the evidence says so, the verdict follows the mode.
		what := "eventlet imported unconditionally"
		if ep.Mode != modes.EventletOnly {
			what = "eventlet still imported unconditionally (it stays a dependency)"
		}
		if len(ep.Chain) > 0 {
			var hops []string
			for _, h := range ep.Chain {
				hops = append(hops, h.Module)
			}
			what += " via " + strings.Join(hops, " → ")
		}
		se.Evidence += "; " + what
	}
	se.Evidence += " (" + where + ")"
	return se
}

func writeReportMarkdown(w io.Writer, rep *teamReport) {
	fmt.Fprintf(w, "# Eventlet removal: team %s\n\n", mdCell(rep.Team))
	fmt.Fprintf(w, "Derived by letgo from the stored scans (the newest of each repository); generated %s.\n\n", rep.GeneratedAt)
	fmt.Fprintf(w, "**Can eventlet be turned off globally? %s.**\n\n", rep.CanTurnOff)
	fmt.Fprintf(w, "| repository | can turn off | stage | services | runtime debt | scanned |\n|---|---|---|---|---|---|\n")
	for _, r := range rep.Repos {
		s := r.Status
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %s |\n", mdCell(s.Repo), r.CanTurnOff, stageCell(s), servicesText(s.Services), s.Debt.Runtime, mdCell(commitCell(s)))
	}
	for _, r := range rep.Repos {
		s := r.Status
		fmt.Fprintf(w, "\n## %s\n\n", mdCell(s.Repo))
		fmt.Fprintf(w, "Stage %s", stageCell(s))
		if s.StageName != "" {
			fmt.Fprintf(w, " (%s)", mdCell(s.StageName))
		}
		if s.Reason != "" {
			fmt.Fprintf(w, ": %s", mdCell(s.Reason))
		}
		fmt.Fprintf(w, ". Scanned at %s.\n", mdCell(commitCell(s)))
		fmt.Fprintf(w, "\n### Can eventlet be turned off? %s\n\n", r.CanTurnOff)
		if len(r.Services) == 0 {
			fmt.Fprintln(w, "No services: nothing of this repository starts a process (a library is judged by the services that load it).")
		} else {
			fmt.Fprintf(w, "| service | mode | can turn off | evidence |\n|---|---|---|---|\n")
			for _, sv := range r.Services {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(sv.Name), mdCell(string(sv.Mode)), sv.Off, mdCell(sv.Evidence))
			}
		}
		if len(s.BlockedBy) > 0 {
			fmt.Fprintf(w, "\nLoads eventlet through the library modules: %s.\n", mdCell(strings.Join(s.BlockedBy, ", ")))
		}
		fmt.Fprintf(w, "\n### What remains\n\n")
		if len(r.Remaining) == 0 {
			fmt.Fprintln(w, "No finding.")
		} else {
			fmt.Fprintf(w, "| family | findings | rules |\n|---|---|---|\n")
			for _, fr := range r.Remaining {
				var rules []string
				for k, n := range fr.Rules {
					rules = append(rules, fmt.Sprintf("%s ×%d", k, n))
				}
				sort.Strings(rules)
				fmt.Fprintf(w, "| %s %s | %d | %s |\n", fr.Family, mdCell(fr.Name), fr.Count, mdCell(strings.Join(rules, ", ")))
			}
			fmt.Fprintf(w, "\n| file | findings | rules |\n|---|---|---|\n")
			for i, fl := range r.Files {
				if i == reportFiles {
					fmt.Fprintf(w, "| … %d more files | | |\n", len(r.Files)-reportFiles)
					break
				}
				fmt.Fprintf(w, "| %s | %d | %s |\n", mdCell(fl.Path), fl.Count, mdCell(fl.Rules))
			}
		}
		fmt.Fprintf(w, "\n### Concerns\n\n")
		if len(r.Concerns) == 0 {
			fmt.Fprintln(w, "None found.")
		}
		for i, c := range r.Concerns {
			if i == reportFiles {
				fmt.Fprintf(w, "- … %d more\n", len(r.Concerns)-reportFiles)
				break
			}
			fmt.Fprintf(w, "- %s: %s:%d %s (%s)\n", mdCell(string(c.Type)), mdCell(c.Path), c.Line, mdCell(c.Detail), c.Rule)
		}
		fmt.Fprintf(w, "\n### Stage by series\n\n")
		if len(r.History) == 0 {
			fmt.Fprintln(w, "No series stored (fleet backfill stores the releases of each series).")
		} else {
			fmt.Fprintf(w, "| series | release | stage | runtime debt |\n|---|---|---|---|\n")
			for _, p := range r.History {
				fmt.Fprintf(w, "| %s | %s | %s | %d |\n", mdCell(p.Series), mdCell(p.Ref), stageNum(p.Stage), p.Debt)
			}
		}
		fmt.Fprintf(w, "\n### Deadlines\n\n| deadline | requires | now | at this pace (projection) |\n|---|---|---|---|\n")
		for i, d := range s.Deadlines {
			proj := "no projection (fewer than two series with a stage)"
			if s.Pace != nil && i < len(s.Pace.Deadlines) {
				pd := s.Pace.Deadlines[i]
				proj = pd.Verdict
				if pd.StageThen != nil {
					if pd.Projected {
						proj += fmt.Sprintf(" (projected stage %d)", *pd.StageThen)
					} else {
						proj += fmt.Sprintf(" (stage %d scanned)", *pd.StageThen)
					}
				}
			}
			fmt.Fprintf(w, "| %s | %s (stage %d+) | %s | %s |\n", d.Series, mdCell(d.Requires), modes.Deadlines[i].MinStage, d.Verdict, mdCell(proj))
		}
		if s.Pace != nil {
			fmt.Fprintf(w, "\nPace: %s.\n", mdCell(paceSentence(s.Pace, s.Stage)))
		}
	}
	fmt.Fprintf(w, "\n---\nThe projection is a straight line through the first and the last series scanned, not a forecast. Modes and \"loads eventlet\" come from the import graph of each entry point and from libraries' import-time backend selection; other import-time code of the libraries is not modelled.\n")
}
