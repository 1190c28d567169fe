package fleet

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is what owns a repository.
type Kind string

// The owners a team map knows, and the answer for a repository no file
// names.
const (
	KindTeam    Kind = "team" // a project team (projects.yaml, legacy.yaml, a manifest)
	KindSIG     Kind = "sig"  // a special interest group (sigs-repos.yaml)
	KindTC      Kind = "tc"   // the technical committee (technical-committee-repos.yaml)
	KindUnowned Kind = "unowned"
)

// Source is where a fact was read: the file as opened and its line.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (s Source) String() string {
	if s.Line > 0 {
		return fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	return s.File
}

// Problem is bad input in one file: a file that cannot be parsed, an entry
// of the wrong shape, a repository claimed twice. Problems are returned
// beside what could be read; a Problem is also an error, for the reader
// that cannot go on without its file.
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Msg  string `json:"message"`
}

func (p *Problem) Error() string { return Source{p.File, p.Line}.String() + ": " + p.Msg }

// Repo is one repository of the team map and who owns it.
type Repo struct {
	// Name is the repository as the data names it: "openstack/glance_store".
	Name string `json:"repo"`
	Kind Kind   `json:"kind"`
	// Owner is the team, SIG or "Technical Committee"; "" when unowned.
	Owner string `json:"owner,omitempty"`
	// Deliverable is the deliverable the repository belongs to, which
	// need not share its name ("glance-store"); "" for SIG and TC
	// repositories.
	Deliverable string `json:"deliverable,omitempty"`
	// ReleaseManagement is the deliverable's release-management value
	// (none, deprecated, external), "" when the file gives none.
	ReleaseManagement string `json:"release_management,omitempty"`
	// Deprecated is the series the deliverable was deprecated in, as
	// written ("2026.1", "victoria"); "" when it is not.
	Deprecated string `json:"deprecated,omitempty"`
	// Retired is a repository of legacy.yaml (or a manifest team marked
	// retired); RetiredOn is its date as written.
	Retired   bool   `json:"retired,omitempty"`
	RetiredOn string `json:"retired_on,omitempty"`
	// Source is the line that names the repository.
	Source Source `json:"source"`
	// Former are earlier owners: a repository retired from a team and
	// adopted by a SIG is the SIG's, and was the team's.
	Former []Former `json:"former,omitempty"`
	// Refs are the ref patterns (path.Match globs over tag names) a
	// manifest gives for the backfill; nil means every tag.
	Refs []string `json:"refs,omitempty"`
	// SeriesRefs maps a series to the ref pattern of its tags, from a
	// manifest.
	SeriesRefs map[string]string `json:"series_refs,omitempty"`
}

// Former is an earlier owner of a repository, from legacy.yaml.
type Former struct {
	Owner       string `json:"owner"`
	Deliverable string `json:"deliverable,omitempty"`
	RetiredOn   string `json:"retired_on,omitempty"`
	Source      Source `json:"source"`
}

// Team is a team, SIG or the TC, with what it owns.
type Team struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Leadership is "ptl" or "distributed" (projects.yaml); PTL the PTL's
	// name when there is one.
	Leadership string `json:"leadership,omitempty"`
	PTL        string `json:"ptl,omitempty"`
	// Retired is a team only legacy.yaml lists (projects.yaml does not),
	// or a manifest team with retired-on. Partial is a team legacy.yaml
	// lists as "partial: yes": some of its deliverables retired, not all.
	Retired   bool   `json:"retired,omitempty"`
	Partial   bool   `json:"partial,omitempty"`
	RetiredOn string `json:"retired_on,omitempty"`
	// Deliverables are the team's deliverables in file order, retired
	// ones included.
	Deliverables []Deliverable `json:"deliverables,omitempty"`
	// Repos are the repositories the map gives this team, sorted.
	Repos  []string `json:"repos"`
	Source Source   `json:"source"`
}

// Deliverable is one deliverable of a team and the repositories listed
// under it.
type Deliverable struct {
	Name              string   `json:"name"`
	Repos             []string `json:"repos"`
	ReleaseManagement string   `json:"release_management,omitempty"`
	Deprecated        string   `json:"deprecated,omitempty"`
	Retired           bool     `json:"retired,omitempty"`
	RetiredOn         string   `json:"retired_on,omitempty"`
	Source            Source   `json:"source"`
}

// Map is who owns what: every repository the governance files or a
// manifest name, keyed by repository.
type Map struct {
	// Teams are sorted by name, then kind.
	Teams []Team `json:"teams"`
	// Repos are sorted by name; each repository once.
	Repos []Repo `json:"repos"`
	// With are the library roots of a manifest, resolved against its
	// directory.
	With []string `json:"with,omitempty"`
	// Problems are the bad entries met on the way, in file order.
	Problems []*Problem `json:"problems,omitempty"`

	repoIndex map[string]int
	baseIndex map[string][]int
}

// Lookup finds the owner of a repository: "openstack/glance_store", or a
// bare name ("glance_store", "glance_store.git") when exactly one
// repository of the map ends in it, as a checkout under --src is named.
// A repository the map does not hold comes back with Kind KindUnowned and
// its name, never as nothing.
func (m *Map) Lookup(name string) Repo {
	name = normalizeRepo(name)
	if i, ok := m.repoIndex[name]; ok {
		return m.Repos[i]
	}
	if !strings.Contains(name, "/") {
		if is := m.baseIndex[name]; len(is) == 1 {
			return m.Repos[is[0]]
		}
	}
	return Repo{Name: name, Kind: KindUnowned}
}

// Team finds a team by name: a project team before a SIG before the TC
// (legacy.yaml and sigs-repos.yaml both have a "Security").
func (m *Map) Team(name string) (Team, bool) {
	best := -1
	for i, t := range m.Teams {
		if t.Name == name && (best < 0 || kindRank(t) < kindRank(m.Teams[best])) {
			best = i
		}
	}
	if best < 0 {
		return Team{}, false
	}
	return m.Teams[best], true
}

func kindRank(t Team) int {
	r := map[Kind]int{KindTeam: 0, KindSIG: 1, KindTC: 2}[t.Kind]
	if t.Retired {
		r += 3
	}
	return r
}

// normalizeRepo trims what a path or URL adds to a repository name.
func normalizeRepo(name string) string {
	name = strings.TrimSpace(name)
	name = strings.TrimRight(name, "/")
	return strings.TrimSuffix(name, ".git")
}

func repoBase(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// builder collects claims in file order and settles who owns what.
type builder struct {
	m     *Map
	repos map[string]*Repo
	teams map[teamKey]*Team
}

type teamKey struct {
	name string
	kind Kind
}

func newBuilder() *builder {
	return &builder{m: &Map{}, repos: map[string]*Repo{}, teams: map[teamKey]*Team{}}
}

func (b *builder) problem(file string, line int, format string, args ...any) {
	b.m.Problems = append(b.m.Problems, &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// team returns the team of that name and kind, created on first use.
func (b *builder) team(name string, kind Kind, src Source) *Team {
	k := teamKey{name, kind}
	t := b.teams[k]
	if t == nil {
		t = &Team{Name: name, Kind: kind, Source: src}
		b.teams[k] = t
	}
	return t
}

// claim records that r (with Owner, Kind and Source set) names a
// repository. Active claims (projects.yaml, SIGs, the TC, a manifest) come
// before legacy ones; a second active claim, or a second legacy one, is a
// problem and the first stays; a legacy claim on an active repository is
// its history.
func (b *builder) claim(r Repo, legacy bool) {
	old := b.repos[r.Name]
	if old == nil {
		b.repos[r.Name] = &r
		return
	}
	if legacy && !old.Retired {
		old.Former = append(old.Former, Former{Owner: r.Owner, Deliverable: r.Deliverable, RetiredOn: r.RetiredOn, Source: r.Source})
		return
	}
	what := "listed again"
	if old.Owner != r.Owner || old.Kind != r.Kind {
		what = fmt.Sprintf("listed by %s %q too", r.Kind, r.Owner)
	}
	b.problem(r.Source.File, r.Source.Line, "repository %q %s: %s %q has it at %s; that one is kept",
		r.Name, what, old.Kind, old.Owner, old.Source)
}

// finish sorts and indexes the map.
func (b *builder) finish() *Map {
	m := b.m
	sortProblems(m.Problems)
	for _, r := range b.repos {
		m.Repos = append(m.Repos, *r)
	}
	sort.Slice(m.Repos, func(i, j int) bool { return m.Repos[i].Name < m.Repos[j].Name })
	m.repoIndex = make(map[string]int, len(m.Repos))
	m.baseIndex = make(map[string][]int, len(m.Repos))
	owned := map[teamKey][]string{}
	for i, r := range m.Repos {
		m.repoIndex[r.Name] = i
		m.baseIndex[repoBase(r.Name)] = append(m.baseIndex[repoBase(r.Name)], i)
		owned[teamKey{r.Owner, r.Kind}] = append(owned[teamKey{r.Owner, r.Kind}], r.Name)
	}
	for k, t := range b.teams {
		t.Repos = owned[k]
		if t.Repos == nil {
			t.Repos = []string{}
		}
		m.Teams = append(m.Teams, *t)
	}
	sort.Slice(m.Teams, func(i, j int) bool {
		a, c := m.Teams[i], m.Teams[j]
		if a.Name != c.Name {
			return a.Name < c.Name
		}
		return kindRank(a) < kindRank(c)
	})
	return m
}
