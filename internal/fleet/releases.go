package fleet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
)

// Series is one release series.
type Series struct {
	// Name is the series' name, lowercase as the releases data writes it
	// ("gazpacho"); its deliverables are under deliverables/<Name>/.
	Name string `json:"name"`
	// ID is the release id ("2026.1"), "" for the series before 2023.1,
	// which had none.
	ID string `json:"id,omitempty"`
	// Status is future, development, maintained, extended maintenance,
	// unmaintained or end of life; "" in the built-in table.
	Status string `json:"status,omitempty"`
	SLURP  bool   `json:"slurp"`
	// Released is the initial-release date (zero when the data has none).
	Released time.Time `json:"released"`
	Source   Source    `json:"source"`
}

// Key is how history and reports name the series: its id, or its name
// for a series without one.
func (s Series) Key() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Name
}

// Release is one version a deliverable released, with the commit it
// tagged in one repository.
type Release struct {
	Version string `json:"version"`
	Hash    string `json:"hash"`
	Line    int    `json:"line"`
}

// Branch is a branch the releases data creates ("stable/2026.1") and
// where: a version, or a commit of this repository.
type Branch struct {
	Name     string `json:"name"`
	Location string `json:"location"`
}

// Shipment is what one series shipped of one repository.
type Shipment struct {
	Repo string `json:"repo"`
	// Series is the series' Key ("2026.1"), SeriesName its name.
	Series      string `json:"series"`
	SeriesName  string `json:"series_name"`
	Deliverable string `json:"deliverable"`
	Team        string `json:"team,omitempty"`
	// Type is service, library, client-library, horizon-plugin,
	// tempest-plugin, other or trailing; Model the release-model.
	Type  string `json:"type,omitempty"`
	Model string `json:"release_model,omitempty"`
	// Shipped is the series' first final release (33.0.0, not
	// 33.0.0.0rc1): the tag the series shipped. Empty while the series
	// has only pre-releases.
	Shipped Release `json:"shipped"`
	// Last is the series' last final release (33.0.2); Latest its last
	// release of any kind, which for a series past its end is the
	// 2024.2-eol or 2024.1-eom tag.
	Last   Release `json:"last"`
	Latest Release `json:"latest"`
	// Releases are all the series' releases of the repository, in file
	// order (which is release order).
	Releases []Release `json:"releases"`
	Branches []Branch  `json:"branches,omitempty"`
	Source   Source    `json:"source"`
}

// Releases is what a checkout of openstack/releases says.
type Releases struct {
	// Series are newest first, as series_status.yaml lists them.
	Series   []Series   `json:"series"`
	Problems []*Problem `json:"problems,omitempty"`

	byRepo map[string][]Shipment
}

// ForRepo is what each series shipped of the repository
// ("openstack/nova"), newest series first; nil when none did.
func (r *Releases) ForRepo(repo string) []Shipment {
	return r.byRepo[normalizeRepo(repo)]
}

// Repos lists the repositories some series shipped, sorted.
func (r *Releases) Repos() []string {
	out := make([]string, 0, len(r.byRepo))
	for k := range r.byRepo {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Find returns the series with that id or name ("2026.1", "gazpacho",
// "Gazpacho").
func (r *Releases) Find(key string) (Series, bool) {
	return FindSeries(r.Series, key)
}

// FindSeries returns the series of ss with that id or name, for a table
// without releases data (BuiltinSeries).
func FindSeries(ss []Series, key string) (Series, bool) {
	if i := seriesIndex(ss, key); i >= 0 {
		return ss[i], true
	}
	return Series{}, false
}

// seriesIndex is the index of the series with that id or name, -1 when
// there is none.
func seriesIndex(ss []Series, key string) int {
	for i, s := range ss {
		if key != "" && (s.ID == key || strings.EqualFold(s.Name, key)) {
			return i
		}
	}
	return -1
}

// BuiltinSeries is the series table letgo carries (modes.SeriesTable),
// newest first like the releases data: the fallback when none is given.
func BuiltinSeries() []Series {
	out := make([]Series, 0, len(modes.SeriesTable))
	for i := len(modes.SeriesTable) - 1; i >= 0; i-- {
		s := modes.SeriesTable[i]
		out = append(out, Series{Name: strings.ToLower(s.Codename), ID: s.Name, SLURP: s.SLURP(), Released: s.Release,
			Source: Source{File: "built-in series table"}})
	}
	return out
}

// ReleasesOptions selects what ReadReleases reads.
type ReleasesOptions struct {
	// Since is the oldest series whose deliverables are read, by id or
	// name ("2024.1"); "" reads them all (six thousand files).
	Since string
}

// ReadReleases reads a checkout of openstack/releases:
// data/series_status.yaml for the series, and
// deliverables/<series>/*.yaml for what each series shipped, keyed by
// repository.
//
// The error is for a dir without data/series_status.yaml, a
// series_status.yaml that cannot be read or parsed (a *Problem naming the
// file and line), or a Since naming no series. A bad deliverable file or
// entry is a Problem and the others are read; keys the reader does not
// use (cycle-highlights, repository-settings ...) are ignored.
func ReadReleases(dir string, opt ReleasesOptions) (*Releases, error) {
	statusPath := filepath.Join(dir, "data", "series_status.yaml")
	if _, err := os.Stat(statusPath); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read releases %q: no data/series_status.yaml: %w", dir, err)
		}
		return nil, fmt.Errorf("read releases %q: %w", dir, err)
	}
	root, err := readYAML(statusPath)
	if err != nil {
		return nil, err
	}
	r := &Releases{byRepo: map[string][]Shipment{}}
	add := func(p *Problem) { r.Problems = append(r.Problems, p) }
	r.Series = readSeries(&yamlFile{path: statusPath, add: add}, root)
	last := len(r.Series) - 1
	if opt.Since != "" {
		if last = seriesIndex(r.Series, opt.Since); last < 0 {
			return nil, fmt.Errorf("read releases %q: series %q is not in %s", dir, opt.Since, statusPath)
		}
	}
	for _, s := range r.Series[:last+1] {
		sdir := filepath.Join(dir, "deliverables", s.Name)
		entries, err := os.ReadDir(sdir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a future series has no deliverables yet
		}
		if err != nil {
			add(&Problem{File: sdir, Msg: "cannot list: " + err.Error()})
			continue
		}
		seen := map[string]string{} // repo → deliverable file that shipped it this series
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
				continue
			}
			path := filepath.Join(sdir, e.Name())
			droot, err := readYAML(path)
			if err != nil {
				var p *Problem
				if errors.As(err, &p) {
					add(p)
				}
				continue
			}
			for _, sh := range readDeliverable(&yamlFile{path: path, add: add}, droot, s, strings.TrimSuffix(e.Name(), ".yaml")) {
				if first, dup := seen[sh.Repo]; dup {
					add(&Problem{File: path, Line: sh.Source.Line, Msg: fmt.Sprintf("repository %q shipped by deliverable %q too, in %s; that one is kept", sh.Repo, sh.Deliverable, first)})
					continue
				}
				seen[sh.Repo] = path
				r.byRepo[sh.Repo] = append(r.byRepo[sh.Repo], sh)
			}
		}
	}
	sortProblems(r.Problems)
	return r, nil
}

// readSeries reads series_status.yaml: a list, newest first.
func readSeries(f *yamlFile, root *node) []Series {
	var out []Series
	seen := map[string]int{}
	for _, item := range f.items(root, "series") {
		s := Series{Source: Source{f.path, item.Line}}
		what := "series"
		for _, p := range f.pairs(item, what) {
			switch p.key {
			case "name":
				s.Name = f.scalar(p.v, what+" name")
			case "release-id":
				// Raw text: unquoted, 2026.1 is a YAML float and 2026.10
				// would become 2026.1.
				s.ID = f.scalar(p.v, what+" release-id")
			case "status":
				s.Status = f.scalar(p.v, what+" status")
			case "slurp":
				s.SLURP = f.flag(p.v, what+" slurp")
			case "initial-release":
				if v := f.scalar(p.v, what+" initial-release"); v != "" {
					t, err := time.Parse("2006-01-02", v)
					if err != nil {
						f.problem(p.v, "series initial-release: want a date (2006-01-02), found %q", v)
					}
					s.Released = t
				}
			}
		}
		if s.Name == "" || strings.ContainsAny(s.Name, `/\`) || s.Name == "." || s.Name == ".." {
			if isMapping(item) {
				f.problem(item, "series: no usable name (%q)", s.Name)
			}
			continue
		}
		if first, dup := seen[s.Name]; dup {
			f.problem(item, "series %q listed again (first at line %d); the first is kept", s.Name, first)
			continue
		}
		seen[s.Name] = item.Line
		out = append(out, s)
	}
	return out
}

// readDeliverable reads deliverables/<series>/<name>.yaml into one
// Shipment per repository that released in the series.
func readDeliverable(f *yamlFile, root *node, s Series, name string) []Shipment {
	base := Shipment{Series: s.Key(), SeriesName: s.Name, Deliverable: name, Source: Source{f.path, 1}}
	var releases, branches []*node
	for _, p := range f.pairs(root, "deliverable") {
		switch p.key {
		case "team":
			base.Team = f.scalar(p.v, "team")
		case "type":
			base.Type = f.scalar(p.v, "type")
		case "release-model":
			base.Model = f.scalar(p.v, "release-model")
		case "releases":
			releases = f.items(p.v, "releases")
		case "branches":
			branches = f.items(p.v, "branches")
		}
	}
	by := map[string]*Shipment{}
	var order []string
	for _, rn := range releases {
		var version string
		var projects []*node
		for _, p := range f.pairs(rn, "release") {
			switch p.key {
			case "version":
				version = f.scalar(p.v, "release version")
			case "projects":
				projects = f.items(p.v, "release projects")
			}
		}
		if version == "" {
			if isMapping(rn) {
				f.problem(rn, "release: no version")
			}
			continue
		}
		for _, pn := range projects {
			var repo, hash string
			line := pn.Line
			for _, p := range f.pairs(pn, "release "+version+" project") {
				switch p.key {
				case "repo":
					repo = normalizeRepo(f.scalar(p.v, "release "+version+" repo"))
				case "hash":
					hash = f.scalar(p.v, "release "+version+" hash")
				}
			}
			if repo == "" || !isCommit(hash) {
				if isMapping(pn) {
					f.problem(pn, "release %s: want a repo and a 40-digit hash, found repo %q hash %q", version, repo, hash)
				}
				continue
			}
			sh := by[repo]
			if sh == nil {
				c := base
				c.Repo = repo
				c.Source.Line = line
				sh = &c
				by[repo] = sh
				order = append(order, repo)
			}
			rel := Release{Version: version, Hash: hash, Line: line}
			sh.Releases = append(sh.Releases, rel)
			if isFinal(version) {
				if sh.Shipped.Version == "" {
					sh.Shipped = rel
				}
				sh.Last = rel
			}
			sh.Latest = rel
		}
	}
	var bs []Branch
	for _, bn := range branches {
		var b Branch
		for _, p := range f.pairs(bn, "branch") {
			switch p.key {
			case "name":
				b.Name = f.scalar(p.v, "branch name")
			case "location":
				if isMapping(p.v) {
					// Some branches are cut at a commit per repository:
					// {openstack/x: hash}; kept as "repo=hash" pairs.
					var locs []string
					for _, q := range f.pairs(p.v, "branch location") {
						locs = append(locs, q.key+"="+f.scalar(q.v, "branch location"))
					}
					b.Location = strings.Join(locs, ",")
				} else {
					b.Location = f.scalar(p.v, "branch location")
				}
			}
		}
		if b.Name != "" {
			bs = append(bs, b)
		}
	}
	out := make([]Shipment, 0, len(order))
	for _, repo := range order {
		sh := by[repo]
		sh.Branches = bs
		out = append(out, *sh)
	}
	return out
}

// isFinal reports whether a version is a final release: digits and dots
// only, so 33.0.0 is and 33.0.0.0rc1, 1.0.0.0b2 and 2.0.0a1 are not.
func isFinal(v string) bool {
	return v != "" && strings.Trim(v, "0123456789.") == ""
}

// isCommit reports whether h is a full hexadecimal commit id.
func isCommit(h string) bool {
	return (len(h) == 40 || len(h) == 64) && strings.Trim(strings.ToLower(h), "0123456789abcdef") == ""
}
