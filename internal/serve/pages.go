package serve

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/store"
)

// view is what a page built: the template that shows it, its data (the
// JSON of the API, with a schema field) and, for pages with a main table,
// that table for CSV.
type view struct {
	Tmpl  string
	Title string
	Data  any
	Table func() [][]string
}

type pageDef struct {
	path  string
	build func(s *Server, r *http.Request) (*view, error)
}

var pages = []pageDef{
	{"/{$}", (*Server).overview},
	{"/teams/{team}", (*Server).team},
	{"/repos", (*Server).repos},
	{"/repos/{repo...}", (*Server).repoPages},
	{"/scans/{id}", (*Server).scanPage},
	{"/diff", (*Server).diff},
	{"/rules", (*Server).rulesPage},
	{"/rules/{id}", (*Server).rulePage},
}

// page serves a page as HTML, or as JSON (or CSV with format=csv) under
// /api/v1.
func (s *Server) page(p pageDef, api bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// A page is a function of the store's contents and the date: it
		// is served from the cache until a scan is saved.
		gen, err := s.cfg.Store.Generation(r.Context())
		if err != nil {
			s.failErr(w, r, api, err)
			return
		}
		key := fmt.Sprintf("%s|%s|%t|%s", gen, s.cfg.Now().UTC().Format("2006-01-02"), api, r.URL.RequestURI())
		if e, ok := s.pages.get(key); ok {
			w.Header().Set("Content-Type", e.contentType)
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(e.body)
			return
		}
		cw := &captureWriter{ResponseWriter: w}
		defer func() {
			if cw.status == 0 || cw.status == http.StatusOK {
				s.pages.put(key, pageEntry{contentType: w.Header().Get("Content-Type"), body: cw.buf.Bytes()})
			}
		}()
		w = cw
		v, err := p.build(s, r)
		var rd *redirect
		if errors.As(err, &rd) {
			to := rd.to
			if api {
				to = "/api/v1" + to
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if err != nil {
			s.failErr(w, r, api, err)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		switch {
		case api && r.URL.Query().Get("format") == "csv":
			if v.Table == nil {
				s.fail(w, r, true, problem{Status: http.StatusBadRequest, Detail: "this page has no table to export as CSV"})
				return
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			cw := csv.NewWriter(w)
			for _, row := range v.Table() {
				for i := range row {
					row[i] = csvCell(row[i])
				}
				cw.Write(row)
			}
			cw.Flush()
		case api:
			w.Header().Set("Content-Type", "application/json")
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.Encode(v.Data)
		default:
			var buf bytes.Buffer
			if err := s.tmpl.ExecuteTemplate(&buf, v.Tmpl, map[string]any{"Title": v.Title, "D": v.Data, "Path": r.URL.Path, "JSONHref": dataLink(r, ""), "CSVHref": dataLink(r, "csv"), "CSV": v.Table != nil}); err != nil {
				s.failErr(w, r, false, err)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(buf.Bytes())
		}
	}
}

// captureWriter keeps a copy of what a page wrote, for the cache.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

type pageEntry struct {
	contentType string
	body        []byte
}

// pageCache holds rendered pages, bounded in entries and bytes; when full
// it starts over (a store generation changes every key anyway).
type pageCache struct {
	mu      sync.Mutex
	entries map[string]pageEntry
	bytes   int
}

const (
	pageCacheEntries = 2000
	pageCacheBytes   = 64 << 20
)

func (c *pageCache) get(key string) (pageEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *pageCache) put(key string, e pageEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= pageCacheEntries || c.bytes+len(e.body) > pageCacheBytes {
		c.entries, c.bytes = map[string]pageEntry{}, 0
	}
	if len(e.body) > pageCacheBytes/8 {
		return
	}
	c.entries[key] = e
	c.bytes += len(e.body)
}

// dataLink is the URL of a page's data with the page's filters, as JSON
// or (format "csv") as CSV; the query is re-encoded, not copied.
func dataLink(r *http.Request, format string) string {
	q := r.URL.Query()
	if format != "" {
		q.Set("format", format)
	}
	link := apiLink(r.URL.Path)
	if enc := q.Encode(); enc != "" {
		link += "?" + enc
	}
	return link
}

// apiLink is the API URL of a page's data: /api/v1/overview for the
// overview, /api/v1 + the page's path otherwise.
func apiLink(path string) string {
	p := strings.TrimSuffix(path, "/")
	if p == "" {
		return "/api/v1/overview"
	}
	return "/api/v1" + p
}

// csvCell keeps a spreadsheet from reading a cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// seriesCols groups scans (oldest first) into one column per release
// series: the latest scan of each repository in it, among repos when
// given.
func seriesCols(scans []store.ScanInfo, keep func(repo string) bool) ([]seriesCol, map[string]map[string]store.ScanInfo) {
	by := map[string]map[string]store.ScanInfo{} // series → repo → latest scan
	for _, sc := range scans {
		if sc.Series == "" || (keep != nil && !keep(sc.Repo)) {
			continue
		}
		if by[sc.Series] == nil {
			by[sc.Series] = map[string]store.ScanInfo{}
		}
		by[sc.Series][sc.Repo] = sc // oldest first: the last one wins
	}
	var names []string
	for s := range by {
		names = append(names, s)
	}
	sort.Strings(names) // YYYY.N ids sort as they were released
	var cols []seriesCol
	var prev []string
	for _, name := range names {
		col := seriesCol{Series: name, ByStage: map[string]int{}, Debt: map[string]int{}}
		sets := map[string]bool{}
		for _, sc := range by[name] {
			col.Repos++
			var st *int
			if sc.Stage != nil {
				st = sc.Stage.Stage
			}
			col.ByStage[stageKey(st)]++
			col.Runtime += sc.Stats.RuntimeDebt
			for f, n := range sc.Stats.ByFamily {
				col.Debt[f] += n
			}
			sets[sc.RuleSet] = true
		}
		for rs := range sets {
			col.RuleSets = append(col.RuleSets, rs)
		}
		sort.Strings(col.RuleSets)
		col.RuleSetChanged = prev != nil && !slices.Equal(prev, col.RuleSets)
		prev = col.RuleSets
		cols = append(cols, col)
	}
	return cols, by
}

type stageMove struct {
	Repo string `json:"repo"`
	Team string `json:"team"`
	From string `json:"from"`
	To   string `json:"to"`
}

type overviewData struct {
	Schema      string          `json:"schema"`
	GeneratedAt string          `json:"generated_at"`
	Today       string          `json:"today"`
	Current     string          `json:"current_series"`
	Deadlines   any             `json:"deadlines"`
	ByStage     map[string]int  `json:"by_stage"`
	Series      []seriesCol     `json:"series"`
	Teams       []teamRow       `json:"teams"`
	Blockers    []fleet.Blocker `json:"blockers"`
	// Changes are the stage moves between the two newest series.
	ChangesFrom string      `json:"changes_from,omitempty"`
	ChangesTo   string      `json:"changes_to,omitempty"`
	Changes     []stageMove `json:"changes"`
	Notes       []string    `json:"notes"`

	Timeline, StageChart, DebtChart chart `json:"-"`
}

type teamRow struct {
	Team     string         `json:"team"`
	Repos    int            `json:"repos"`
	ByStage  map[string]int `json:"by_stage"`
	Services int            `json:"services"`
	Thread   int            `json:"threading_default"`
	Debt     int            `json:"runtime_debt"`
	Misses   int            `json:"deadline_misses"`
}

func (s *Server) overview(r *http.Request) (*view, error) {
	ctx := r.Context()
	doc, err := s.status(ctx)
	if err != nil {
		return nil, err
	}
	scans, err := s.cfg.Store.Scans(ctx, store.ScanFilter{})
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC()
	team := teamOf(doc)
	cols, by := seriesCols(scans, nil)
	d := &overviewData{Schema: "letgo.serve.overview/1", GeneratedAt: doc.GeneratedAt, Today: now.Format("2006-01-02"),
		Current: modes.CurrentSeries(now).Name, Deadlines: doc.Summary.Deadlines, ByStage: doc.Summary.ByStage,
		Series: cols, Teams: teamRows(doc), Blockers: doc.Blockers, Changes: []stageMove{}, Notes: doc.Notes,
		Timeline: timelineChart(now), StageChart: stageChart(cols), DebtChart: debtChart(cols)}
	if d.Series == nil {
		d.Series = []seriesCol{}
	}
	if n := len(cols); n >= 2 {
		a, b := cols[n-2].Series, cols[n-1].Series
		d.ChangesFrom, d.ChangesTo = a, b
		for repo, sb := range by[b] {
			from := "not scanned"
			if sa, ok := by[a][repo]; ok {
				from = stageOf(sa)
			}
			if to := stageOf(sb); to != from {
				d.Changes = append(d.Changes, stageMove{Repo: repo, Team: team(repo, sb.Team), From: from, To: to})
			}
		}
		sort.Slice(d.Changes, func(i, j int) bool { return d.Changes[i].Repo < d.Changes[j].Repo })
	}
	return &view{Tmpl: "overview.html", Title: "Eventlet removal: the fleet", Data: d, Table: func() [][]string {
		rows := [][]string{{"team", "repos", "stage_0", "stage_1", "stage_2", "stage_3", "undetermined", "services", "threading_default", "runtime_debt", "deadline_misses"}}
		for _, t := range d.Teams {
			rows = append(rows, []string{t.Team, itoa(t.Repos), itoa(t.ByStage["0"]), itoa(t.ByStage["1"]), itoa(t.ByStage["2"]), itoa(t.ByStage["3"]),
				itoa(t.ByStage["undetermined"]), itoa(t.Services), itoa(t.Thread), itoa(t.Debt), itoa(t.Misses)})
		}
		return rows
	}}, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func stageOf(sc store.ScanInfo) string {
	if sc.Stage == nil {
		return "undetermined"
	}
	return stageKey(sc.Stage.Stage)
}

// teamOf names a repository's team as the fleet status has it (the team
// map's, when the server has one), else as the scan recorded it.
func teamOf(doc *statusDoc) func(repo, stored string) string {
	return func(repo, stored string) string {
		if r, ok := doc.repo(repo); ok {
			return r.Team
		}
		return stored
	}
}

func teamRows(doc *statusDoc) []teamRow {
	by := map[string]*teamRow{}
	var out []teamRow
	for _, r := range doc.Repos {
		t := by[r.Team]
		if t == nil {
			t = &teamRow{Team: r.Team, ByStage: map[string]int{}}
			by[r.Team] = t
		}
		t.Repos++
		t.ByStage[stageKey(r.Stage)]++
		t.Services += r.Services.Total
		t.Thread += r.Services.ThreadingDefault
		t.Debt += r.Debt.Runtime
		for _, dl := range r.Deadlines {
			if dl.Verdict == "misses" {
				t.Misses++
			}
		}
	}
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Team < out[j].Team })
	if out == nil {
		out = []teamRow{}
	}
	return out
}

type teamData struct {
	Schema    string             `json:"schema"`
	Team      string             `json:"team"`
	Repos     []fleet.RepoStatus `json:"repos"`
	Series    []seriesCol        `json:"series"`
	DebtChart chart              `json:"-"`
}

func (s *Server) team(r *http.Request) (*view, error) {
	ctx := r.Context()
	name := r.PathValue("team")
	doc, err := s.status(ctx)
	if err != nil {
		return nil, err
	}
	d := &teamData{Schema: "letgo.serve.team/1", Team: name, Repos: []fleet.RepoStatus{}}
	mine := map[string]bool{}
	for _, rs := range doc.Repos {
		if rs.Team == name {
			d.Repos = append(d.Repos, rs)
			mine[rs.Repo] = true
		}
	}
	if len(d.Repos) == 0 {
		return nil, notFound("no repository of team " + strconv.Quote(name) + " in the store")
	}
	scans, err := s.cfg.Store.Scans(ctx, store.ScanFilter{})
	if err != nil {
		return nil, err
	}
	d.Series, _ = seriesCols(scans, func(repo string) bool { return mine[repo] })
	d.DebtChart = debtChart(d.Series)
	return &view{Tmpl: "team.html", Title: "Team " + name, Data: d, Table: func() [][]string { return repoTable(d.Repos) }}, nil
}

var tableModes = modes.ModeNames()

func repoTable(rs []fleet.RepoStatus) [][]string {
	head := []string{"repo", "team", "commit", "ref", "scanned_at", "stage", "eventlet_free", "blocked_by", "services", "threading_default"}
	head = append(head, tableModes...)
	rows := [][]string{append(head, "runtime_debt", "concerns")}
	for _, r := range rs {
		free := ""
		switch r.EventletFree {
		case modes.AnswerYes:
			free = "true"
		case modes.AnswerNo:
			free = "false"
		case modes.AnswerUnknown:
		default:
			panic("serve: answer " + r.EventletFree.String())
		}
		n := 0
		for _, c := range r.Concerns {
			n += c
		}
		row := []string{r.Repo, r.Team, r.Commit, r.Ref, r.ScannedAt.Format(time.RFC3339), stageKey(r.Stage), free, strings.Join(r.BlockedBy, " "),
			itoa(r.Services.Total), itoa(r.Services.ThreadingDefault)}
		for _, m := range tableModes {
			row = append(row, itoa(r.Services.ByMode[m]))
		}
		rows = append(rows, append(row, itoa(r.Debt.Runtime), itoa(n)))
	}
	return rows
}

type reposData struct {
	Schema string `json:"schema"`
	// Repos are the repositories with every field of `fleet status
	// --format json`.
	Repos  []json.RawMessage  `json:"repos"`
	Team   string             `json:"team,omitempty"`
	Stage  string             `json:"stage,omitempty"`
	Status []fleet.RepoStatus `json:"-"`
}

func (s *Server) repos(r *http.Request) (*view, error) {
	doc, err := s.status(r.Context())
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	d := &reposData{Schema: "letgo.serve.repos/1", Team: q.Get("team"), Stage: q.Get("stage"), Repos: []json.RawMessage{}}
	if d.Stage != "" && !slices.Contains(stageKeys, d.Stage) {
		return nil, badRequest("stage must be one of " + strings.Join(stageKeys, ", "))
	}
	for i, rs := range doc.Repos {
		if (d.Team == "" || rs.Team == d.Team) && (d.Stage == "" || stageKey(rs.Stage) == d.Stage) {
			d.Repos = append(d.Repos, doc.RawRepos[i])
			d.Status = append(d.Status, rs)
		}
	}
	return &view{Tmpl: "repos.html", Title: "Repositories", Data: d, Table: func() [][]string { return repoTable(d.Status) }}, nil
}

// repoPages serves /repos/OWNER/NAME and its parts below "/-/": a
// repository name holds slashes, its parts follow a separator no name has.
func (s *Server) repoPages(r *http.Request) (*view, error) {
	rest := r.PathValue("repo")
	repo, part, _ := strings.Cut(rest, "/-/")
	repo = strings.TrimSuffix(repo, "/")
	kind, arg, _ := strings.Cut(part, "/")
	switch {
	case part == "":
		return s.repoPage(r, repo)
	case kind == "entrypoints" && arg != "":
		return s.entryPointPage(r, repo, arg)
	case kind == "findings" && arg != "":
		return s.findingPage(r, repo, arg)
	}
	return nil, notFound("no page " + strconv.Quote(part) + " of a repository")
}

// repoScans reads a repository's scans and picks the one the query names
// (scan=ID), else the latest.
func (s *Server) repoScans(ctx context.Context, r *http.Request, repo string) ([]store.ScanInfo, store.ScanInfo, error) {
	scans, err := s.cfg.Store.Scans(ctx, store.ScanFilter{Repo: repo})
	if err != nil {
		return nil, store.ScanInfo{}, err
	}
	if len(scans) == 0 {
		return nil, store.ScanInfo{}, notFound("no scan of repository " + strconv.Quote(repo) + " in the store")
	}
	sel := scans[len(scans)-1]
	if v := r.URL.Query().Get("scan"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, sel, badRequest("scan must be a scan id, not " + strconv.Quote(v))
		}
		i := slices.IndexFunc(scans, func(sc store.ScanInfo) bool { return sc.ID == id })
		if i < 0 {
			return nil, sel, notFound("repository " + strconv.Quote(repo) + " has no scan " + v)
		}
		sel = scans[i]
	}
	return scans, sel, nil
}

// maxMatrixSeries bounds the series columns of a repository's matrix.
const maxMatrixSeries = 12

type epRow struct {
	Name  string            `json:"name"`
	Modes map[string]string `json:"modes"` // series → mode
}

type fileRow struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
	Rules string `json:"rules"`
}

type ruleRow struct {
	Rule    string `json:"rule"`
	Slug    string `json:"slug"`
	Count   int    `json:"count"`
	Summary string `json:"summary"`
}

type repoData struct {
	Schema   string                `json:"schema"`
	Repo     string                `json:"repo"`
	Status   *fleet.RepoStatus     `json:"status"`
	Scan     store.ScanInfo        `json:"scan"`
	Latest   bool                  `json:"latest"`
	History  []seriesStage         `json:"stage_history"`
	Series   []string              `json:"matrix_series"`
	Matrix   []epRow               `json:"matrix"`
	HeldBack []string              `json:"held_back_by"`
	Findings []analysis.Finding    `json:"findings"`
	ByFile   []fileRow             `json:"findings_by_file"`
	ByRule   []ruleRow             `json:"findings_by_rule"`
	Concerns []contract.Concern    `json:"concerns"`
	Blockers any                   `json:"blockers"`
	Entries  []contract.EntryPoint `json:"entrypoints"`
	Scans    []store.ScanInfo      `json:"scans"`
	File     string                `json:"file_filter,omitempty"`
	Rule     string                `json:"rule_filter,omitempty"`
}

type seriesStage struct {
	Series string  `json:"series"`
	ScanID int64   `json:"scan_id"`
	Stage  string  `json:"stage"`
	Name   string  `json:"name"`
	Debt   int     `json:"runtime_debt"`
	Color  string  `json:"-"`
	X      float64 `json:"-"`
	W      float64 `json:"-"`
}

func (s *Server) repoPage(r *http.Request, repo string) (*view, error) {
	ctx := r.Context()
	scans, sel, err := s.repoScans(ctx, r, repo)
	if err != nil {
		return nil, err
	}
	doc, err := s.status(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Store.Result(ctx, sel.ID)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	d := &repoData{Schema: "letgo.serve.repo/1", Repo: repo, Scan: sel, Latest: sel.ID == scans[len(scans)-1].ID,
		Concerns: res.Concerns, Blockers: res.Blockers, Entries: res.EntryPoints, Scans: scans, File: q.Get("file"), Rule: q.Get("rule"),
		Findings: []analysis.Finding{}, History: []seriesStage{}, Matrix: []epRow{}, HeldBack: []string{}}
	if rs, ok := doc.repo(repo); ok {
		d.Status = &rs
	}
	if st := res.Stage; st != nil {
		for _, b := range st.BlockingServices {
			d.HeldBack = append(d.HeldBack, "service "+b+" is not yet at the next stage")
		}
		for _, b := range st.BlockedBy {
			d.HeldBack = append(d.HeldBack, "eventlet is loaded unconditionally through "+b)
		}
		if st.Reason != "" {
			d.HeldBack = append(d.HeldBack, st.Reason)
		}
	}
	// Stage history and the matrix: the latest scan of each series.
	cols, by := seriesCols(scans, nil)
	var ids []int64
	for _, c := range cols {
		sc := by[c.Series][repo]
		k := stageOf(sc)
		color := stageColors[4]
		if i := slices.Index(stageKeys, k); i >= 0 {
			color = stageColors[i]
		}
		name := ""
		if sc.Stage != nil {
			name = sc.Stage.Name
		}
		w := 740.0 / float64(len(cols))
		d.History = append(d.History, seriesStage{Series: c.Series, ScanID: sc.ID, Stage: k, Name: name, Debt: sc.Stats.RuntimeDebt, Color: color,
			X: 10 + w*float64(len(d.History)), W: w - 4})
	}
	hist := d.History[max(0, len(d.History)-maxMatrixSeries):]
	for _, h := range hist {
		ids = append(ids, h.ScanID)
		d.Series = append(d.Series, h.Series)
	}
	eps, err := s.cfg.Store.EntryPointsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows := map[string]*epRow{}
	for i, id := range ids {
		for _, e := range eps[id] {
			row := rows[e.Name]
			if row == nil {
				row = &epRow{Name: e.Name, Modes: map[string]string{}}
				rows[e.Name] = row
			}
			row.Modes[d.Series[i]] = string(e.Mode)
		}
	}
	for _, e := range res.EntryPoints {
		if rows[e.Name] == nil {
			rows[e.Name] = &epRow{Name: e.Name, Modes: map[string]string{}}
		}
	}
	for _, row := range rows {
		d.Matrix = append(d.Matrix, *row)
	}
	sort.Slice(d.Matrix, func(i, j int) bool { return d.Matrix[i].Name < d.Matrix[j].Name })

	files, ruleCount := map[string]map[string]int{}, map[string]int{}
	for _, f := range res.Findings {
		if (d.File != "" && f.Path != d.File) || (d.Rule != "" && f.Rule != d.Rule) {
			continue
		}
		d.Findings = append(d.Findings, f)
		if files[f.Path] == nil {
			files[f.Path] = map[string]int{}
		}
		files[f.Path][f.Rule]++
		ruleCount[f.Rule]++
	}
	for p, rs := range files {
		row := fileRow{Path: p}
		var ids []string
		for id, n := range rs {
			row.Count += n
			ids = append(ids, id)
		}
		sort.Strings(ids)
		row.Rules = strings.Join(ids, " ")
		d.ByFile = append(d.ByFile, row)
	}
	sort.Slice(d.ByFile, func(i, j int) bool {
		return cmp.Or(cmp.Compare(d.ByFile[j].Count, d.ByFile[i].Count), cmp.Compare(d.ByFile[i].Path, d.ByFile[j].Path)) < 0
	})
	for id, n := range ruleCount {
		row := ruleRow{Rule: id, Count: n}
		if rl := rules.ByID(id); rl != nil {
			row.Slug, row.Summary = rl.Slug, rl.Doc.Summary
		}
		d.ByRule = append(d.ByRule, row)
	}
	sort.Slice(d.ByRule, func(i, j int) bool {
		return cmp.Or(cmp.Compare(d.ByRule[j].Count, d.ByRule[i].Count), cmp.Compare(d.ByRule[i].Rule, d.ByRule[j].Rule)) < 0
	})
	return &view{Tmpl: "repo.html", Title: repo, Data: d, Table: func() [][]string {
		out := [][]string{{"rule", "slug", "severity", "kind", "path", "line", "col", "message", "fingerprint"}}
		for _, f := range d.Findings {
			out = append(out, []string{f.Rule, f.Slug, string(f.Severity), string(f.Kind), f.Path, itoa(f.Line), itoa(f.Col), f.Message, f.Fingerprint})
		}
		return out
	}}, nil
}

type epData struct {
	Schema     string              `json:"schema"`
	Repo       string              `json:"repo"`
	Scan       store.ScanInfo      `json:"scan"`
	EntryPoint contract.EntryPoint `json:"entrypoint"`
	History    map[string]string   `json:"mode_by_series"`
	Series     []string            `json:"series"`
	Values     [][2]string         `json:"-"`
}

func (s *Server) entryPointPage(r *http.Request, repo, name string) (*view, error) {
	ctx := r.Context()
	scans, sel, err := s.repoScans(ctx, r, repo)
	if err != nil {
		return nil, err
	}
	cols, by := seriesCols(scans, nil)
	ids := []int64{sel.ID}
	for _, c := range cols[max(0, len(cols)-maxMatrixSeries):] {
		ids = append(ids, by[c.Series][repo].ID)
	}
	eps, err := s.cfg.Store.EntryPointsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	d := &epData{Schema: "letgo.serve.entrypoint/1", Repo: repo, Scan: sel, History: map[string]string{}}
	i := slices.IndexFunc(eps[sel.ID], func(e contract.EntryPoint) bool { return e.Name == name })
	if i < 0 {
		return nil, notFound("scan " + itoa(int(sel.ID)) + " of " + strconv.Quote(repo) + " has no entry point " + strconv.Quote(name))
	}
	d.EntryPoint = eps[sel.ID][i]
	for k, c := range cols[max(0, len(cols)-maxMatrixSeries):] {
		d.Series = append(d.Series, c.Series)
		for _, e := range eps[ids[k+1]] {
			if e.Name == name {
				d.History[c.Series] = string(e.Mode)
			}
		}
	}
	var ms []string
	for m := range d.EntryPoint.Switch.Values {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	for _, m := range ms {
		d.Values = append(d.Values, [2]string{m, strings.Join(d.EntryPoint.Switch.Values[m], ", ")})
	}
	return &view{Tmpl: "entrypoint.html", Title: name + " — " + repo, Data: d}, nil
}

type fpEvent struct {
	ScanID int64  `json:"scan_id"`
	Series string `json:"series"`
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	Date   string `json:"date"`
	Event  string `json:"event"` // first seen, seen, fixed, reappeared
}

type findingData struct {
	Schema  string           `json:"schema"`
	Repo    string           `json:"repo"`
	Scan    store.ScanInfo   `json:"scan"`
	Finding analysis.Finding `json:"finding"`
	Rule    *ruleDoc         `json:"rule"`
	// Source is null: the store keeps findings, not the scanned files.
	Source     *string   `json:"source"`
	SourceNote string    `json:"source_note"`
	History    []fpEvent `json:"history"`
}

func (s *Server) findingPage(r *http.Request, repo, fp string) (*view, error) {
	ctx := r.Context()
	scans, sel, err := s.repoScans(ctx, r, repo)
	if err != nil {
		return nil, err
	}
	fs, err := s.cfg.Store.FindingsOf(ctx, []int64{sel.ID})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(fs[sel.ID], func(f analysis.Finding) bool { return f.Fingerprint == fp })
	if i < 0 {
		return nil, notFound("scan " + itoa(int(sel.ID)) + " of " + strconv.Quote(repo) + " has no finding " + strconv.Quote(fp))
	}
	with, err := s.cfg.Store.ScansWithFingerprint(ctx, repo, fp)
	if err != nil {
		return nil, err
	}
	d := &findingData{Schema: "letgo.serve.finding/1", Repo: repo, Scan: sel, Finding: fs[sel.ID][i], History: []fpEvent{},
		SourceNote: "the store keeps each scan's findings, not the scanned files, so no source lines are shown; the finding's line is " + fs[sel.ID][i].Path + ":" + itoa(fs[sel.ID][i].Line)}
	if rl := rules.ByID(d.Finding.Rule); rl != nil {
		doc := ruleDocOf(rl)
		d.Rule = &doc
	}
	present := map[int64]bool{}
	for _, id := range with {
		present[id] = true
	}
	was, seen := false, false
	for _, sc := range scans {
		ev := ""
		switch p := present[sc.ID]; {
		case p && !seen:
			ev = "first seen"
		case p && !was:
			ev = "reappeared"
		case p:
			ev = "seen"
		case was:
			ev = "fixed"
		}
		if present[sc.ID] {
			seen = true
		}
		was = present[sc.ID]
		if ev != "" {
			d.History = append(d.History, fpEvent{ScanID: sc.ID, Series: sc.Series, Ref: sc.Ref, Commit: sc.Commit, Date: sc.Date().Format("2006-01-02"), Event: ev})
		}
	}
	return &view{Tmpl: "finding.html", Title: d.Finding.Rule + " " + d.Finding.Path + ":" + itoa(d.Finding.Line), Data: d}, nil
}

func (s *Server) scanPage(r *http.Request) (*view, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, badRequest("scan id must be a number")
	}
	sc, err := s.cfg.Store.Scan(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return nil, &redirect{"/repos/" + escapeRepo(sc.Repo) + "?scan=" + itoa(int(id))}
}

// escapeRepo escapes each path element of a repository name.
func escapeRepo(repo string) string {
	parts := strings.Split(repo, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

type redirect struct{ to string }

func (r *redirect) Error() string { return "see " + r.to }

type diffRow struct {
	Repo      string   `json:"repo"`
	From      string   `json:"from_stage"`
	To        string   `json:"to_stage"`
	FromScan  int64    `json:"from_scan,omitempty"`
	ToScan    int64    `json:"to_scan,omitempty"`
	ModeFlips []string `json:"mode_flips"`
	New       int      `json:"new_findings"`
	Fixed     int      `json:"fixed_findings"`
}

type diffTeam struct {
	Team  string    `json:"team"`
	Repos []diffRow `json:"repos"`
}

type diffData struct {
	Schema string     `json:"schema"`
	From   string     `json:"from"`
	To     string     `json:"to"`
	Points []string   `json:"points"`
	Teams  []diffTeam `json:"teams"`
}

// diff compares two points of the fleet: release series, dates, refs, or
// "latest" (the newest scan of every repository).
func (s *Server) diff(r *http.Request) (*view, error) {
	ctx := r.Context()
	doc, err := s.status(ctx)
	if err != nil {
		return nil, err
	}
	scans, err := s.cfg.Store.Scans(ctx, store.ScanFilter{})
	if err != nil {
		return nil, err
	}
	cols, by := seriesCols(scans, nil)
	latest := map[string]store.ScanInfo{}
	for _, sc := range scans {
		latest[sc.Repo] = sc
	}
	d := &diffData{Schema: "letgo.serve.diff/1", Teams: []diffTeam{}}
	for _, c := range cols {
		d.Points = append(d.Points, c.Series)
	}
	d.Points = append(d.Points, "latest")
	q := r.URL.Query()
	d.From, d.To = q.Get("from"), q.Get("to")
	if d.From == "" {
		d.From = d.Points[max(0, len(d.Points)-2)]
	}
	if d.To == "" {
		d.To = "latest"
	}
	// A point is a series, "latest", a date (the newest scan of each
	// repository on or before it) or ref:NAME (the newest scan of each
	// repository reached by that branch or tag).
	point := func(p string) (map[string]store.ScanInfo, error) {
		if p == "latest" {
			return latest, nil
		}
		if m, ok := by[p]; ok {
			return m, nil
		}
		var keep func(store.ScanInfo) bool
		if day, err := time.Parse("2006-01-02", p); err == nil {
			keep = func(sc store.ScanInfo) bool { return sc.Date().Before(day.AddDate(0, 0, 1)) }
		} else if ref, ok := strings.CutPrefix(p, "ref:"); ok && ref != "" {
			keep = func(sc store.ScanInfo) bool { return sc.Ref == ref }
		} else {
			return nil, badRequest("no scans of series " + strconv.Quote(p) + " (points: " + strings.Join(d.Points, ", ") + ", a date YYYY-MM-DD or ref:NAME)")
		}
		m := map[string]store.ScanInfo{}
		for _, sc := range scans { // oldest first: the last one wins
			if keep(sc) {
				m[sc.Repo] = sc
			}
		}
		if len(m) == 0 {
			return nil, badRequest("no scans at " + strconv.Quote(p))
		}
		return m, nil
	}
	a, err := point(d.From)
	if err != nil {
		return nil, err
	}
	b, err := point(d.To)
	if err != nil {
		return nil, err
	}
	var ids []int64
	repos := map[string]bool{}
	for repo, sc := range a {
		ids, repos[repo] = append(ids, sc.ID), true
	}
	for repo, sc := range b {
		ids, repos[repo] = append(ids, sc.ID), true
	}
	fs, err := s.cfg.Store.FindingsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	eps, err := s.cfg.Store.EntryPointsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	team := teamOf(doc)
	teams := map[string][]diffRow{}
	for repo := range repos {
		sa, inA := a[repo]
		sb, inB := b[repo]
		row := diffRow{Repo: repo, From: "not scanned", To: "not scanned", ModeFlips: []string{}}
		if inA {
			row.From, row.FromScan = stageOf(sa), sa.ID
		}
		if inB {
			row.To, row.ToScan = stageOf(sb), sb.ID
		}
		for _, c := range store.MatchFindings(fs[sa.ID], fs[sb.ID]) {
			switch c.Change {
			case store.New:
				row.New++
			case store.Fixed:
				row.Fixed++
			}
		}
		before := map[string]modes.Mode{}
		for _, e := range eps[sa.ID] {
			before[e.Name] = e.Mode
		}
		for _, e := range eps[sb.ID] {
			if m, ok := before[e.Name]; ok && m != e.Mode {
				row.ModeFlips = append(row.ModeFlips, e.Name+": "+string(m)+" → "+string(e.Mode))
			}
		}
		if row.From == row.To && row.New == 0 && row.Fixed == 0 && len(row.ModeFlips) == 0 {
			continue
		}
		stored := sb.Team
		if !inB {
			stored = sa.Team
		}
		t := team(repo, stored)
		teams[t] = append(teams[t], row)
	}
	for t, rows := range teams {
		sort.Slice(rows, func(i, j int) bool { return rows[i].Repo < rows[j].Repo })
		d.Teams = append(d.Teams, diffTeam{Team: t, Repos: rows})
	}
	sort.Slice(d.Teams, func(i, j int) bool { return d.Teams[i].Team < d.Teams[j].Team })
	return &view{Tmpl: "diff.html", Title: "What changed from " + d.From + " to " + d.To, Data: d, Table: func() [][]string {
		out := [][]string{{"team", "repo", "from_stage", "to_stage", "mode_flips", "new_findings", "fixed_findings"}}
		for _, t := range d.Teams {
			for _, r := range t.Repos {
				out = append(out, []string{t.Team, r.Repo, r.From, r.To, strings.Join(r.ModeFlips, "; "), itoa(r.New), itoa(r.Fixed)})
			}
		}
		return out
	}}, nil
}

type ruleDoc struct {
	ID          string `json:"id"`
	Slug        string `json:"slug"`
	Family      string `json:"family"`
	Risk        string `json:"risk"`
	Kind        string `json:"kind"`
	Positive    bool   `json:"positive"`
	Concern     string `json:"concern,omitempty"`
	Summary     string `json:"summary"`
	What        string `json:"what"`
	Why         string `json:"why"`
	Replacement string `json:"replacement"`
	Example     string `json:"example"`
}

func familyName(f string) string {
	n, _ := strconv.Atoi(familyDigit(f))
	return analysis.FamilyNames[n]
}

func ruleDocOf(r *analysis.Rule) ruleDoc {
	return ruleDoc{ID: r.ID, Slug: r.Slug, Family: "EV" + strconv.Itoa(r.Family()) + "xx " + analysis.FamilyNames[r.Family()],
		Risk: string(r.Risk), Kind: string(r.Kind), Positive: r.Positive, Concern: string(r.Concern), Summary: r.Doc.Summary,
		What: r.Doc.What, Why: r.Doc.Why, Replacement: r.Doc.Replacement, Example: r.Doc.Example}
}

type rulesData struct {
	Schema string    `json:"schema"`
	Rules  []ruleDoc `json:"rules"`
}

func (s *Server) rulesPage(r *http.Request) (*view, error) {
	d := &rulesData{Schema: "letgo.serve.rules/1"}
	for _, rl := range rules.All() {
		d.Rules = append(d.Rules, ruleDocOf(rl))
	}
	return &view{Tmpl: "rules.html", Title: "Rules", Data: d, Table: func() [][]string {
		out := [][]string{{"id", "slug", "family", "risk", "kind", "summary"}}
		for _, r := range d.Rules {
			out = append(out, []string{r.ID, r.Slug, r.Family, r.Risk, r.Kind, r.Summary})
		}
		return out
	}}, nil
}

type ruleData struct {
	Schema string  `json:"schema"`
	Rule   ruleDoc `json:"rule"`
}

func (s *Server) rulePage(r *http.Request) (*view, error) {
	id := r.PathValue("id")
	rl := rules.ByID(strings.ToUpper(id))
	if rl == nil {
		for _, x := range rules.All() {
			if x.Slug == strings.ToLower(id) {
				rl = x
			}
		}
	}
	if rl == nil {
		return nil, notFound("no rule " + strconv.Quote(id))
	}
	return &view{Tmpl: "rule.html", Title: rl.ID + " " + rl.Slug, Data: &ruleData{Schema: "letgo.serve.rule/1", Rule: ruleDocOf(rl)}}, nil
}
