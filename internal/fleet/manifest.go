package fleet

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/tomlconf"
)

// manifest is the TOML shape of a letgo manifest (see the package doc).
type manifest struct {
	With []string       `toml:"with"`
	Team []manifestTeam `toml:"team"`
}

type manifestTeam struct {
	Name      string         `toml:"name"`
	RetiredOn string         `toml:"retired-on"`
	Repos     []string       `toml:"repos"`
	Repo      []manifestRepo `toml:"repo"`
}

type manifestRepo struct {
	Name        string            `toml:"name"`
	Deliverable string            `toml:"deliverable"`
	Deprecated  string            `toml:"deprecated"`
	Refs        []string          `toml:"refs"`
	Series      map[string]string `toml:"series"`
}

// ReadManifest reads a letgo manifest into a team map. A file that cannot
// be read, is not valid TOML or has a key the format does not have is the
// error, a *Problem naming the file and line. Bad entries (a team without
// a name, a bad ref pattern, a repository listed twice) are Problems in
// the map.
func ReadManifest(file string) (*Map, error) {
	data, err := safeio.ReadFile(file, maxFileSize)
	if err != nil {
		return nil, &Problem{File: file, Msg: "cannot read: " + safeio.Reason(err)}
	}
	return parseManifest(file, data)
}

// parseManifest reads data, the text of the manifest file.
func parseManifest(file string, data []byte) (*Map, error) {
	var mf manifest
	if err := tomlconf.DecodeStrict(data, &mf); err != nil {
		return nil, &Problem{File: file, Line: tomlconf.ErrorLine(err), Msg: "cannot parse: " + err.Error()}
	}
	text := string(data)
	b := newBuilder()
	at := newLocator(text)
	dir := filepath.Dir(file)
	for _, w := range mf.With {
		if strings.TrimSpace(w) == "" {
			b.problem(file, at.find(w), "with: empty library root")
			continue
		}
		if !filepath.IsAbs(w) {
			w = filepath.Join(dir, w)
		}
		b.m.With = append(b.m.With, w)
	}
	for i, mt := range mf.Team {
		name := strings.TrimSpace(mt.Name)
		if name == "" {
			b.problem(file, 0, "team %d: no name; its repositories are not in the map", i+1)
			continue
		}
		src := Source{file, at.find(mt.Name)}
		team := b.team(name, KindTeam, src)
		if mt.RetiredOn != "" {
			team.Retired, team.RetiredOn = true, mt.RetiredOn
		}
		repos := make([]manifestRepo, 0, len(mt.Repos)+len(mt.Repo))
		for _, r := range mt.Repos {
			repos = append(repos, manifestRepo{Name: r})
		}
		repos = append(repos, mt.Repo...)
		deliverables := map[string]int{}
		for _, mr := range repos {
			rname := normalizeRepo(mr.Name)
			line := at.find(mr.Name)
			if rname == "" || strings.ContainsAny(rname, " \t\n") {
				b.problem(file, line, "team %q: bad repository name %q", name, mr.Name)
				continue
			}
			r := Repo{
				Name: rname, Kind: KindTeam, Owner: name, Deliverable: mr.Deliverable,
				Deprecated: mr.Deprecated, Retired: team.Retired, RetiredOn: team.RetiredOn,
				Source: Source{file, line},
			}
			if r.Deliverable == "" {
				r.Deliverable = repoBase(rname)
			}
			for _, p := range mr.Refs {
				if _, err := path.Match(p, ""); err != nil || p == "" {
					b.problem(file, at.find(p), "repository %q: bad ref pattern %q", rname, p)
					continue
				}
				r.Refs = append(r.Refs, p)
			}
			for s, p := range mr.Series {
				if _, err := path.Match(p, ""); err != nil || p == "" || s == "" {
					b.problem(file, at.find(p), "repository %q: bad ref pattern %q for series %q", rname, p, s)
					continue
				}
				if r.SeriesRefs == nil {
					r.SeriesRefs = map[string]string{}
				}
				r.SeriesRefs[s] = p
			}
			if _, seen := deliverables[r.Deliverable]; !seen {
				deliverables[r.Deliverable] = len(team.Deliverables)
				team.Deliverables = append(team.Deliverables, Deliverable{Name: r.Deliverable, Repos: []string{},
					Deprecated: r.Deprecated, Retired: r.Retired, RetiredOn: r.RetiredOn, Source: r.Source})
			}
			d := &team.Deliverables[deliverables[r.Deliverable]]
			d.Repos = append(d.Repos, rname)
			b.claim(r, false)
		}
	}
	return b.finish(), nil
}

// locator finds the line of a quoted value in the manifest's text: the
// TOML decoder gives lines for its errors only, and a problem in a
// well-formed file should still point at its line. Each value's
// occurrences are handed out in order, so a repository listed twice gets
// the line of its second listing the second time.
type locator struct {
	text string
	next map[string]int // quoted value → offset after the occurrence last handed out
	last map[string]int // quoted value → the line of that occurrence
}

func newLocator(text string) *locator {
	return &locator{text: text, next: map[string]int{}, last: map[string]int{}}
}

// find is the 1-based line of the next quoted occurrence of v (the last
// one when all were handed out), 0 when the text has none. An empty v
// finds the empty strings in turn.
func (l *locator) find(v string) int {
	for _, q := range []string{`"` + v + `"`, `'` + v + `'`} {
		from := l.next[q]
		if i := strings.Index(l.text[from:], q); i >= 0 {
			l.next[q] = from + i + len(q)
			l.last[q] = strings.Count(l.text[:from+i], "\n") + 1
			return l.last[q]
		}
		if line, ok := l.last[q]; ok {
			return line
		}
	}
	return 0
}

// sortProblems orders problems by file and line, for output that does not
// depend on the order Go iterates maps.
func sortProblems(ps []*Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}
