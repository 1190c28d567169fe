package fleet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The files of openstack/governance the team map is read from, under
// reference/.
const (
	projectsFile = "projects.yaml"
	sigsFile     = "sigs-repos.yaml"
	tcFile       = "technical-committee-repos.yaml"
	legacyFile   = "legacy.yaml"
)

// ReadGovernance reads the team map of OpenStack from dir, a checkout of
// openstack/governance or its reference/ folder: projects.yaml (teams,
// their deliverables and repositories), technical-committee-repos.yaml,
// sigs-repos.yaml and legacy.yaml (retired teams and deliverables), keyed
// by repository.
//
// The error is for a dir that holds no projects.yaml, or one that cannot
// be read or parsed (without it every repository would look unowned); it
// is a *Problem naming the file and line when the file is bad. Bad entries
// and bad or missing other files are Problems in the map, and reading
// goes on. Keys the reader does not use are ignored: the real files carry
// many (liaisons, mission, extra-acs ...).
func ReadGovernance(dir string) (*Map, error) {
	ref, err := referenceDir(dir)
	if err != nil {
		return nil, err
	}
	b := newBuilder()
	for i, g := range governanceFiles {
		path := filepath.Join(ref, g.name)
		if i == 0 {
			root, err := readYAML(path)
			if err != nil {
				return nil, err
			}
			b.readGovernanceFile(path, root, g)
			continue
		}
		if root, ok := b.optional(path); ok {
			b.readGovernanceFile(path, root, g)
		}
	}
	return b.finish(), nil
}

// governanceFiles are the files of the map in the order they are read:
// projects.yaml first (ReadGovernance cannot do without it), legacy.yaml
// last, as only the live files' claims count against each other.
var governanceFiles = []governanceFile{
	{projectsFile, KindTeam, false},
	{tcFile, KindTC, false},
	{sigsFile, KindSIG, false},
	{legacyFile, KindTeam, true},
}

type governanceFile struct {
	name   string
	kind   Kind
	legacy bool
}

func (b *builder) readGovernanceFile(path string, root *node, g governanceFile) {
	if g.kind == KindTeam {
		b.readTeams(path, root, g.legacy)
	} else {
		b.readGroups(path, root, g.kind)
	}
}

// referenceDir is the folder holding projects.yaml: dir/reference or dir.
func referenceDir(dir string) (string, error) {
	for _, d := range []string{filepath.Join(dir, "reference"), dir} {
		if _, err := os.Stat(filepath.Join(d, projectsFile)); err == nil {
			return d, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("read governance %q: %w", dir, err)
		}
	}
	return "", fmt.Errorf("read governance %q: no %s in it or in its reference/ folder: %w", dir, projectsFile, fs.ErrNotExist)
}

// optional reads a file the map can do without: a missing or bad one is a
// problem, the repositories it would name then unowned.
func (b *builder) optional(path string) (*node, bool) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		b.problem(path, 0, "missing: the repositories it names are unowned")
		return nil, false
	}
	root, err := readYAML(path)
	if err != nil {
		var p *Problem
		if errors.As(err, &p) {
			b.m.Problems = append(b.m.Problems, p)
		}
		return nil, false
	}
	return root, true
}

func (b *builder) file(path string) *yamlFile {
	return &yamlFile{path: path, add: func(p *Problem) { b.m.Problems = append(b.m.Problems, p) }}
}

// readTeams reads projects.yaml, or legacy.yaml (legacy), whose teams have
// the same shape plus retired-on and partial (only some deliverables
// retired; the team lives on in projects.yaml).
func (b *builder) readTeams(path string, root *node, legacy bool) {
	f := b.file(path)
	for _, tp := range f.pairs(root, "teams") {
		what := fmt.Sprintf("team %q", tp.key)
		src := Source{path, tp.k.Line}
		_, existed := b.teams[teamKey{tp.key, KindTeam}]
		team := b.team(tp.key, KindTeam, src)
		var retiredOn string
		partial := false
		var deliverables *node
		for _, p := range f.pairs(tp.v, what) {
			switch p.key {
			case "leadership_type":
				team.Leadership = f.scalar(p.v, what+" leadership_type")
			case "ptl":
				if isScalar(p.v) {
					// Old entries of legacy.yaml give the PTL as one string.
					team.PTL = p.v.Value
					continue
				}
				for _, q := range f.pairs(p.v, what+" ptl") {
					if q.key == "name" {
						team.PTL = f.scalar(q.v, what+" ptl name")
					}
				}
			case "retired-on":
				retiredOn = f.scalar(p.v, what+" retired-on")
			case "partial":
				partial = f.flag(p.v, what+" partial")
			case "deliverables":
				deliverables = p.v
			}
		}
		// A team of legacy.yaml that projects.yaml does not list is no
		// longer a project team, listed whole or "partial" (some of its
		// deliverables moved on, the rest retired).
		if legacy && !existed {
			team.Retired, team.RetiredOn = true, retiredOn
		}
		team.Partial = team.Partial || legacy && partial
		for _, dp := range f.pairs(deliverables, what+" deliverables") {
			b.readDeliverable(f, team, dp, legacy, retiredOn)
		}
	}
}

func (b *builder) readDeliverable(f *yamlFile, team *Team, dp pair, legacy bool, teamRetiredOn string) {
	what := fmt.Sprintf("deliverable %q of team %q", dp.key, team.Name)
	d := Deliverable{Name: dp.key, Repos: []string{}, Retired: legacy, Source: Source{f.path, dp.k.Line}}
	if legacy {
		d.RetiredOn = teamRetiredOn
	}
	var repos []*node
	for _, p := range f.pairs(dp.v, what) {
		switch p.key {
		case "repos":
			repos = f.items(p.v, what+" repos")
		case "release-management":
			d.ReleaseManagement = f.scalar(p.v, what+" release-management")
		case "deprecated":
			d.Deprecated = f.scalar(p.v, what+" deprecated")
		case "retired-on":
			if v := f.scalar(p.v, what+" retired-on"); v != "" {
				d.RetiredOn = v
			}
		}
	}
	for _, rn := range repos {
		name := repoName(f, rn, what)
		if name == "" {
			continue
		}
		d.Repos = append(d.Repos, name)
		b.claim(Repo{
			Name: name, Kind: KindTeam, Owner: team.Name, Deliverable: d.Name,
			ReleaseManagement: d.ReleaseManagement, Deprecated: d.Deprecated,
			Retired: d.Retired, RetiredOn: d.RetiredOn, Source: Source{f.path, rn.Line},
		}, legacy)
	}
	team.Deliverables = append(team.Deliverables, d)
}

// readGroups reads sigs-repos.yaml or technical-committee-repos.yaml:
// group name → [{repo: openstack/x}, ...].
func (b *builder) readGroups(path string, root *node, kind Kind) {
	f := b.file(path)
	for _, gp := range f.pairs(root, "groups") {
		what := fmt.Sprintf("%s %q", kind, gp.key)
		team := b.team(gp.key, kind, Source{path, gp.k.Line})
		for _, item := range f.items(gp.v, what) {
			var rn *node
			for _, p := range f.pairs(item, what+" entry") {
				if p.key == "repo" {
					rn = p.v
				}
			}
			if rn == nil {
				if isMapping(item) {
					f.problem(item, "%s entry: no repo", what)
				}
				continue
			}
			if name := repoName(f, rn, what); name != "" {
				b.claim(Repo{Name: name, Kind: kind, Owner: team.Name, Source: Source{path, rn.Line}}, false)
			}
		}
	}
}

// repoName reads one repository name ("openstack/nova"); an empty one, or
// one with blanks in it, is a problem.
func repoName(f *yamlFile, n *node, what string) string {
	name := normalizeRepo(f.scalar(n, what+" repository"))
	if name == "" {
		if isScalar(n) {
			f.problem(n, "%s: empty repository name", what)
		}
		return ""
	}
	if strings.ContainsAny(name, " \t\n") {
		f.problem(n, "%s: repository name %q has blanks in it", what, name)
		return ""
	}
	return name
}
