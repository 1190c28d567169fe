package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

var statusFormats = []string{"text", "json", "markdown", "csv"}

func runFleetStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet status", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "status")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return exitFor(stderr, usageError{fmt.Errorf("fleet status takes no arguments (got %q)", fs.Arg(0))})
	}
	if !slices.Contains(statusFormats, f.format) {
		return exitFor(stderr, usageError{fmt.Errorf("--format must be one of %s, not %q", strings.Join(statusFormats, ", "), f.format)})
	}
	m, err := f.teamMap(stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	if len(f.src) > 0 && m == nil {
		return exitFor(stderr, usageError{errors.New("--src needs the team map (--governance or --manifest) to tell what is missing")})
	}
	// Open would create an empty SQLite file: a status of nothing is a
	// mistyped path, not an answer.
	if backend, file, err := store.ParseDSN(f.db); err == nil && backend == store.SQLite {
		if _, err := os.Stat(file); err != nil {
			return errorf(stderr, "open store %q: %v (fleet scan creates it)", f.db, errors.Unwrap(err))
		}
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	defer st.Close()
	doc, err := buildStatus(ctx, st, m, &f)
	if err != nil {
		return failed(ctx, stderr, "fleet status", err)
	}
	bw := bufio.NewWriter(stdout)
	switch f.format {
	case "json":
		err = writeJSON(bw, doc)
	case "markdown":
		writeStatusMarkdown(bw, doc)
	case "csv":
		err = writeStatusCSV(bw, doc)
	default:
		writeStatusText(bw, doc, f.db)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return errorf(stderr, "write stdout: %v", err)
	}
	return ExitClean
}

// buildStatus reads the latest scan of every repository and judges it. With
// a team map, ownership is the map's (as of now) and, with --src too, the
// repositories are those the map names and --src holds; without one, the
// team recorded at scan time.
func buildStatus(ctx context.Context, st store.Store, m *fleet.Map, f *fleetFlags) (*fleet.Status, error) {
	infos, err := st.Scans(ctx, store.ScanFilter{Latest: true})
	if err != nil {
		return nil, err
	}
	doc := &fleet.Status{Schema: 1, GeneratedAt: fleetNow().UTC().Format(time.RFC3339), Team: f.team, Repos: []fleet.RepoStatus{},
		Blockers: []fleet.Blocker{}, Summary: fleet.Summary{ByStage: map[string]int{"0": 0, "1": 0, "2": 0, "3": 0, "undetermined": 0}}}
	owner := func(repo, stored string) (team, deliverable string) {
		if m != nil {
			if r := m.Lookup(repo); r.Kind != fleet.KindUnowned {
				return r.Owner, r.Deliverable
			}
		}
		return stored, ""
	}
	inTeam := func(team string) bool { return f.team == "" || team == f.team }

	var names []string // every repository the store or map knows, to name blocker roots
	for _, in := range infos {
		names = append(names, in.Repo)
	}
	var held map[string]bool // with --src: the repositories it holds as checkouts
	if m != nil {
		for _, r := range m.Repos {
			names = append(names, r.Name)
		}
		if len(f.src) > 0 {
			found, missing, failures := locate(m, f.src)
			held = map[string]bool{}
			for _, l := range found {
				held[l.repo.Name] = true
			}
			doc.Missing, doc.Failed = []string{}, []fleet.Failure{}
			for _, name := range missing {
				if t, _ := owner(name, ""); inTeam(t) {
					doc.Missing = append(doc.Missing, name)
				}
			}
			for _, fl := range failures {
				if t, _ := owner(fl.Repo, ""); inTeam(t) {
					doc.Failed = append(doc.Failed, fl)
				}
			}
			scanned := map[string]bool{}
			for _, in := range infos {
				scanned[in.Repo] = true
			}
			for _, l := range found {
				if !scanned[l.repo.Name] && inTeam(l.repo.Owner) {
					doc.Failed = append(doc.Failed, fleet.Failure{Repo: l.repo.Name, Dir: l.dir,
						Reason: "no scan in the store: its fleet scan failed or has not run (fleet scan prints why)"})
				}
			}
			sort.Slice(doc.Failed, func(i, j int) bool { return doc.Failed[i].Repo < doc.Failed[j].Repo })
		}
	}
	if doc.Missing == nil {
		doc.Notes = append(doc.Notes, "missing and failed repositories are known at scan time (fleet scan prints them): give the team map and --src to list them here")
	}
	doc.Notes = append(doc.Notes, "eventlet_free and blocked_by come from the import graph of the entry points and from libraries' import-time backend selection (a component fetched at import fixes the default backend); other import-time code of the libraries is not modelled yet")

	var hits []fleet.BlockerHit
	for _, in := range infos {
		if held != nil && !held[in.Repo] {
			continue
		}
		team, deliverable := owner(in.Repo, in.Team)
		if !inTeam(team) {
			continue
		}
		res, err := st.Result(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		rs := judgeRepo(in, res)
		rs.Team, rs.Deliverable = team, deliverable
		if rs.Pace, err = repoPace(ctx, st, in.Repo); err != nil {
			return nil, err
		}
		doc.Repos = append(doc.Repos, rs)
		for _, b := range res.Blockers {
			if len(b.EntryPoints) == 0 {
				continue
			}
			hits = append(hits, fleet.BlockerHit{Repo: in.Repo, Module: b.Module, Root: rootName(b.Root, names), EntryPoints: b.EntryPoints})
		}
	}
	sort.SliceStable(doc.Repos, func(i, j int) bool {
		if doc.Repos[i].Team != doc.Repos[j].Team {
			return doc.Repos[i].Team < doc.Repos[j].Team
		}
		return doc.Repos[i].Repo < doc.Repos[j].Repo
	})
	// One row per cause: the modules of one library package together.
	doc.Blockers = append(doc.Blockers, fleet.RankBlockers(hits)...)
	doc.Summary.Repos = len(doc.Repos)
	for _, d := range modes.Deadlines {
		doc.Summary.Deadlines = append(doc.Summary.Deadlines, fleet.DeadlineCounts{Deadline: d})
	}
	for _, r := range doc.Repos {
		if r.Stage == nil {
			doc.Summary.ByStage["undetermined"]++
		} else {
			doc.Summary.ByStage[strconv.Itoa(*r.Stage)]++
		}
		for i, d := range r.Deadlines {
			switch d.Verdict {
			case "meets":
				doc.Summary.Deadlines[i].Meets++
			case "misses":
				doc.Summary.Deadlines[i].Misses++
			default:
				doc.Summary.Deadlines[i].Unknown++
			}
		}
	}
	return doc, nil
}

// judgeRepo turns one stored scan into its status line.
func judgeRepo(in store.ScanInfo, res *contract.Result) fleet.RepoStatus {
	rs := fleet.RepoStatus{Repo: in.Repo, Commit: in.Commit, Ref: in.Ref, ScannedAt: in.ScannedAt.UTC(), ScanID: in.ID,
		Version: in.Version, RuleSet: in.RuleSet, BlockedBy: []string{}, Concerns: map[string]int{},
		Services: fleet.ServiceCounts{ByMode: map[string]int{}},
		Debt:     fleet.DebtCounts{Runtime: res.Stats.RuntimeDebt, ByFamily: map[string]int{}}}
	if c, ok := strings.CutPrefix(in.Commit, contentPrefix); ok {
		rs.Commit, rs.ContentID = "", c
	}
	if !in.CommittedAt.IsZero() {
		t := in.CommittedAt.UTC()
		rs.CommittedAt = &t
	}
	switch {
	case res.Stage == nil:
		rs.Reason = "the scan placed no stage"
	default:
		rs.Stage, rs.StageName, rs.Reason = res.Stage.Stage, res.Stage.Name, res.Stage.Reason
		rs.Library = res.Stage.Library
		if rs.Stage == nil && rs.Reason == "" {
			rs.Reason = res.Stage.Summary
		}
	}
	for fam, n := range res.Stats.ByFamily {
		rs.Debt.ByFamily[fam] = n
	}
	for _, c := range res.Concerns {
		rs.Concerns[string(c.Type)]++
	}
	// Services, not every entry point: a tool (db sync, status) runs and
	// returns, and the stage leaves it out; counting it would make "N of
	// M default to threading" disagree with the stage beside it.
	for _, ep := range res.EntryPoints {
		if ep.Kind == modes.KindTool {
			rs.Services.Tools++
			continue
		}
		rs.Services.Total++
		rs.Services.ByMode[string(ep.Mode)]++
		if ep.Mode == modes.DualDefaultThreading || ep.Mode == modes.ThreadingOnly {
			rs.Services.ThreadingDefault++
		}
	}
	if st := res.Stage; st != nil && st.Services+st.Tools > 0 {
		// The stage's own counts, where the scan recorded them.
		rs.Services.Total, rs.Services.Tools, rs.Services.ThreadingDefault = st.Services, st.Tools, st.ThreadingDefault
	}
	// The scan's stage says it (one place for both commands).
	if res.Stage != nil {
		rs.EventletFree = res.Stage.EventletFree
		rs.BlockedBy = append(rs.BlockedBy, res.Stage.BlockedBy...)
	}
	// A service's stage, or a library's own verdict (eventlet required,
	// optional or gone) on the same scale: modes.LibraryStep.
	for _, d := range modes.Deadlines {
		rs.Deadlines = append(rs.Deadlines, fleet.DeadlineStatus{Series: d.Series, Requires: d.Requires, Verdict: modes.MeetsDeadline(rs.Stage, rs.Library, d)})
	}
	return rs
}

// blockerModule is a blocker row's module, with the modules inside when
// the row is a package of several.
func blockerModule(b fleet.Blocker) string {
	if len(b.Modules) < 2 {
		return b.Module
	}
	return fmt.Sprintf("%s (%d modules: %s)", b.Module, len(b.Modules), strings.Join(b.Modules, ", "))
}

// rootName names a library root as the fleet knows it: the repository
// whose checkout it is (by its last path element), else its directory name.
// Roots are stored as the paths of the scanning machine.
func rootName(root string, repos []string) string {
	base := strings.TrimSuffix(filepath.Base(root), ".git")
	var match string
	for _, r := range repos {
		if path.Base(r) == base {
			if match != "" && match != r {
				return base // two repositories of that name: do not guess
			}
			match = r
		}
	}
	if match != "" {
		return match
	}
	return base
}

func servicesText(s fleet.ServiceCounts) string {
	if s.Total == 0 {
		return "none"
	}
	return fmt.Sprintf("%d of %d default to threading", s.ThreadingDefault, s.Total)
}

func freeText(a modes.Answer) string {
	switch a {
	case modes.AnswerUnknown:
		return "-"
	case modes.AnswerYes:
		return "yes"
	case modes.AnswerNo:
		return "no"
	}
	panic("fleet status: answer " + a.String())
}

func stageCell(r fleet.RepoStatus) string {
	if r.Stage == nil {
		if r.Library != nil && r.Library.Eventlet != "" {
			cell := "library: eventlet " + string(r.Library.Eventlet)
			if r.Library.DefaultBackend != "" {
				cell += ", default " + r.Library.DefaultBackend
			}
			return cell
		}
		return "undetermined"
	}
	return strconv.Itoa(*r.Stage)
}

func commitCell(r fleet.RepoStatus) string {
	if r.Commit == "" {
		return "(no git) " + shortCommit(r.ContentID)
	}
	c := shortCommit(r.Commit)
	if r.Ref != "" {
		c += " " + r.Ref
	}
	return c
}

func concernsText(c map[string]int) string {
	if len(c) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

func listOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

// teams groups the repositories by team, in the document's order.
func teams(doc *fleet.Status) (names []string, by map[string][]fleet.RepoStatus) {
	by = map[string][]fleet.RepoStatus{}
	for _, r := range doc.Repos {
		if _, ok := by[r.Team]; !ok {
			names = append(names, r.Team)
		}
		by[r.Team] = append(by[r.Team], r)
	}
	return names, by
}

func teamLabel(t string) string {
	if t == "" {
		return "(no team)"
	}
	return t
}

func writeStatusText(w io.Writer, doc *fleet.Status, db string) {
	names, by := teams(doc)
	fmt.Fprintf(w, "letgo fleet status: %d repositories, %d teams, store %s, generated %s\n", len(doc.Repos), len(names), textsafe.Line(db), doc.GeneratedAt)
	for _, t := range names {
		fmt.Fprintf(w, "\n%s\n", textsafe.Line(teamLabel(t)))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  REPOSITORY\tSTAGE\tSERVICES\tEVENTLET-FREE\tBLOCKED BY\tDEBT\tCONCERNS\tCOMMIT\tSCANNED")
		for _, r := range by[t] {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", textsafe.Line(r.Repo), stageCell(r), servicesText(r.Services),
				freeText(r.EventletFree), textsafe.Line(listOr(r.BlockedBy, "-")), r.Debt.Runtime, textsafe.Line(concernsText(r.Concerns)),
				textsafe.Line(commitCell(r)), r.ScannedAt.Format("2006-01-02"))
		}
		tw.Flush()
	}
	if len(doc.Blockers) > 0 {
		fmt.Fprintln(w, "\nfleet blockers: library modules through which services load eventlet unconditionally")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  SERVICES\tMODULE\tROOT\tREPOSITORIES")
		for _, b := range doc.Blockers {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", b.Services, textsafe.Line(blockerModule(b)), textsafe.Line(b.Root), textsafe.Line(strings.Join(b.Repos, ", ")))
		}
		tw.Flush()
	}
	writePace(w, doc.Repos, false)
	s := doc.Summary
	fmt.Fprintf(w, "\nstages: 0: %d, 1: %d, 2: %d, 3: %d, undetermined: %d\n", s.ByStage["0"], s.ByStage["1"], s.ByStage["2"], s.ByStage["3"], s.ByStage["undetermined"])
	fmt.Fprintln(w, "deadlines (the scanned code against the community timeline):")
	for _, d := range s.Deadlines {
		fmt.Fprintf(w, "  %s  %s (stage %d+): meets %d, misses %d, unknown %d\n", d.Series, d.Requires, d.MinStage, d.Meets, d.Misses, d.Unknown)
	}
	if len(doc.Failed) > 0 {
		fmt.Fprintln(w, "\nfailed:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, fl := range doc.Failed {
			fmt.Fprintf(tw, "  %s\t%s\n", textsafe.Line(fl.Repo), textsafe.Line(fl.Reason))
		}
		tw.Flush()
	}
	if len(doc.Missing) > 0 {
		fmt.Fprintln(w)
		writeMissing(w, doc.Missing)
	}
	for _, n := range doc.Notes {
		fmt.Fprintf(w, "\nnote: %s", n)
	}
	if len(doc.Notes) > 0 {
		fmt.Fprintln(w)
	}
}

// mdCell keeps a table cell one cell: a pipe or line break from the data
// would split it.
func mdCell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(textsafe.Line(s))
	if s == "" {
		return "-"
	}
	return s
}

func writeStatusMarkdown(w io.Writer, doc *fleet.Status) {
	names, by := teams(doc)
	fmt.Fprintf(w, "## Eventlet removal: fleet status\n\n%d repositories of %d teams, scanned by letgo; generated %s.\n", len(doc.Repos), len(names), doc.GeneratedAt)
	s := doc.Summary
	fmt.Fprintf(w, "\n| stage 0 | stage 1 | stage 2 | stage 3 | undetermined |\n|---|---|---|---|---|\n| %d | %d | %d | %d | %d |\n",
		s.ByStage["0"], s.ByStage["1"], s.ByStage["2"], s.ByStage["3"], s.ByStage["undetermined"])
	fmt.Fprintf(w, "\n| deadline | requires | meets | misses | unknown |\n|---|---|---|---|---|\n")
	for _, d := range s.Deadlines {
		fmt.Fprintf(w, "| %s | %s (stage %d+) | %d | %d | %d |\n", d.Series, mdCell(d.Requires), d.MinStage, d.Meets, d.Misses, d.Unknown)
	}
	for _, t := range names {
		fmt.Fprintf(w, "\n### %s\n\n| repository | stage | services | eventlet-free | blocked by | runtime debt | concerns | commit | scanned |\n|---|---|---|---|---|---|---|---|---|\n", mdCell(teamLabel(t)))
		for _, r := range by[t] {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", mdCell(r.Repo), stageCell(r), servicesText(r.Services), freeText(r.EventletFree),
				mdCell(listOr(r.BlockedBy, "-")), r.Debt.Runtime, mdCell(concernsText(r.Concerns)), mdCell(commitCell(r)), r.ScannedAt.Format("2006-01-02"))
		}
	}
	writePace(w, doc.Repos, true)
	if len(doc.Blockers) > 0 {
		fmt.Fprintf(w, "\n### Fleet blockers\n\nLibrary modules through which services load eventlet unconditionally.\n\n| services | module | root | repositories |\n|---|---|---|---|\n")
		for _, b := range doc.Blockers {
			fmt.Fprintf(w, "| %d | %s | %s | %s |\n", b.Services, mdCell(blockerModule(b)), mdCell(b.Root), mdCell(strings.Join(b.Repos, ", ")))
		}
	}
	if len(doc.Failed) > 0 {
		fmt.Fprintf(w, "\n### Not scanned\n\n")
		for _, fl := range doc.Failed {
			fmt.Fprintf(w, "- %s: %s\n", mdCell(fl.Repo), mdCell(fl.Reason))
		}
	}
	if len(doc.Missing) > 0 {
		fmt.Fprintf(w, "\nMissing (named by the team map, not checked out): %s.\n", mdCell(strings.Join(doc.Missing, ", ")))
	}
}

// csvCell keeps a spreadsheet from reading a cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var csvModes = modes.ModeNames()

func writeStatusCSV(w io.Writer, doc *fleet.Status) error {
	cw := csv.NewWriter(w)
	head := []string{"repo", "team", "deliverable", "commit", "content_id", "ref", "scanned_at", "stage", "reason", "eventlet_free", "blocked_by", "services", "threading_default"}
	head = append(head, csvModes...)
	head = append(head, "runtime_debt", "concerns")
	cw.Write(head)
	for _, r := range doc.Repos {
		stage := ""
		if r.Stage != nil {
			stage = strconv.Itoa(*r.Stage)
		}
		var free string
		switch r.EventletFree {
		case modes.AnswerUnknown:
		case modes.AnswerYes:
			free = "true"
		case modes.AnswerNo:
			free = "false"
		default:
			panic("fleet status: answer " + r.EventletFree.String())
		}
		concerns := 0
		for _, n := range r.Concerns {
			concerns += n
		}
		row := []string{r.Repo, r.Team, r.Deliverable, r.Commit, r.ContentID, r.Ref, r.ScannedAt.Format(time.RFC3339), stage, r.Reason, free,
			strings.Join(r.BlockedBy, " "), strconv.Itoa(r.Services.Total), strconv.Itoa(r.Services.ThreadingDefault)}
		for _, m := range csvModes {
			row = append(row, strconv.Itoa(r.Services.ByMode[m]))
		}
		row = append(row, strconv.Itoa(r.Debt.Runtime), strconv.Itoa(concerns))
		for i := range row {
			row[i] = csvCell(row[i])
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
