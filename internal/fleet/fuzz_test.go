package fleet

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// The fuzz targets read the governance files, the releases files and the
// manifest from memory through the readers' own code, seeded from the
// fixtures and from hostile inputs: a huge value, nesting at and past the
// parsers' depth limits, an alias bomb, an alias to itself, and many keys.

// hostileYAML are YAML texts that would hang, crash or exhaust a careless
// reader.
func hostileYAML() []string {
	huge := strings.Repeat("x", 16<<10)
	return []string{
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n",
		strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + "\n",
		strings.Repeat("- ", 5000) + "x\n",
		aliasBomb("nova:\n  deliverables:\n    nova:\n      repos: *l8\n"),
		aliasBomb("- name: x\n  release-id: *l8\n"),
		"a: &a\n  b: *a\n",
		"nova:\n  deliverables:\n    " + huge + ":\n      repos: [openstack/" + huge + "]\n",
		"nova:\n  deliverables:\n" + strings.Repeat("    d: {repos: [openstack/x]}\n", 300),
		"- name: a\n  release-id: [2026.1\n",
	}
}

// linesOf counts the lines of text, for checking the lines problems give.
// linesOf counts lines as YAML does: a line break is LF, CR LF, a lone CR,
// or NEL, LS or PS (U+0085, U+2028, U+2029), so "\rg" has two lines and a
// parser error on line 2 is in the file.
func linesOf(text string) int {
	// YAML reads a UTF-16 document (a byte-order mark first) decoded.
	if b := []byte(text); len(b) >= 2 && (b[0] == 0xfe && b[1] == 0xff || b[0] == 0xff && b[1] == 0xfe) {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			if b[0] == 0xfe {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			} else {
				u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
			}
		}
		text = string(utf16.Decode(u))
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	n := 1
	for _, r := range text {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// checkProblems fails when a problem names no file or a line past the end
// of its file.
func checkProblems(t *testing.T, ps []*Problem, texts map[string]string) {
	t.Helper()
	for _, p := range ps {
		text, ok := texts[p.File]
		if !ok {
			t.Errorf("problem names file %q, not one read", p.File)
			continue
		}
		if p.Line < 0 || p.Line > linesOf(text) {
			t.Errorf("problem %v: line out of the file's %d lines", p, linesOf(text))
		}
		if p.Msg == "" {
			t.Errorf("problem %v has no message", p)
		}
	}
}

// checkMap fails when the team map is not one repository per name, sorted,
// found by Lookup and owned by the team that lists it.
func checkMap(t *testing.T, m *Map) {
	t.Helper()
	if !slices.IsSortedFunc(m.Repos, func(a, b Repo) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("Repos not sorted")
	}
	for i, r := range m.Repos {
		if i > 0 && m.Repos[i-1].Name == r.Name {
			t.Errorf("repository %q twice in Repos", r.Name)
		}
		if got := m.Lookup(r.Name); got.Name != r.Name || got.Kind == KindUnowned {
			t.Errorf("Lookup(%q) = %q %s, want the repository of the map", r.Name, got.Name, got.Kind)
		}
	}
	for _, tm := range m.Teams {
		for _, name := range tm.Repos {
			if got := m.Lookup(name); got.Owner != tm.Name || got.Kind != tm.Kind {
				t.Errorf("team %q lists %q, whose owner is %s %q", tm.Name, name, got.Kind, got.Owner)
			}
		}
	}
	if got := m.Lookup("fuzz/not-in-any-file\x00"); got.Kind != KindUnowned {
		t.Errorf("Lookup(a name no file has) = %s, want unowned", got.Kind)
	}
}

func FuzzGovernance(f *testing.F) {
	f.Add(archive(f, "governance.txtar", "reference/projects.yaml"), archive(f, "governance.txtar", "reference/technical-committee-repos.yaml"),
		archive(f, "governance.txtar", "reference/sigs-repos.yaml"), archive(f, "governance.txtar", "reference/legacy.yaml"))
	tc, sigs, legacy := "Technical Committee:\n  - repo: openstack/governance\n", "Ops:\n  - repo: openstack/ops\n", "old:\n  deliverables: {old: {repos: [openstack/old]}}\n"
	for _, h := range hostileYAML() {
		f.Add(h, tc, sigs, legacy)
	}
	f.Add("nova:\n  deliverables: {nova: {repos: [openstack/ops]}}\n", tc, aliasBomb("Ops: *l8\n"), aliasBomb("old: {deliverables: {old: {repos: *l8}}}\n"))
	f.Fuzz(func(t *testing.T, projects, tc, sigs, legacy string) {
		texts := map[string]string{}
		b := newBuilder()
		for i, text := range []string{projects, tc, sigs, legacy} {
			g := governanceFiles[i]
			texts[g.name] = text
			root, err := parseYAML(g.name, []byte(text))
			if err != nil {
				var p *Problem
				if !errors.As(err, &p) || p.File != g.name {
					t.Fatalf("parseYAML(%s) = %v, want a *Problem naming it", g.name, err)
				}
				b.m.Problems = append(b.m.Problems, p)
				continue
			}
			b.readGovernanceFile(g.name, root, g)
		}
		m := b.finish()
		checkProblems(t, m.Problems, texts)
		checkMap(t, m)
	})
}

func FuzzReleases(f *testing.F) {
	status := archive(f, "releases.txtar", "data/series_status.yaml")
	for _, d := range []string{"deliverables/gazpacho/nimbus.yaml", "deliverables/gazpacho/nimbus-store.yaml", "deliverables/flamingo/nimbus.yaml"} {
		f.Add(status, archive(f, "releases.txtar", d))
	}
	for _, h := range hostileYAML() {
		f.Add(h, "team: x\n")
		f.Add(status, h)
	}
	f.Fuzz(func(t *testing.T, status, deliverable string) {
		const statusFile, delivFile = "series_status.yaml", "deliverable.yaml"
		var ps []*Problem
		add := func(p *Problem) { ps = append(ps, p) }
		texts := map[string]string{statusFile: status, delivFile: deliverable}
		var series []Series
		if root, err := parseYAML(statusFile, []byte(status)); err == nil {
			series = readSeries(&yamlFile{path: statusFile, add: add}, root)
		} else {
			add(err.(*Problem))
		}
		seen := map[string]bool{}
		for _, s := range series {
			if s.Name == "" || seen[s.Name] || strings.ContainsAny(s.Name, `/\`) {
				t.Errorf("series name %q empty, repeated or a path", s.Name)
			}
			seen[s.Name] = true
		}
		s := Series{Name: "gazpacho", ID: "2026.1", Released: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
		if len(series) > 0 {
			s = series[0]
		}
		var ships []Shipment
		if root, err := parseYAML(delivFile, []byte(deliverable)); err == nil {
			ships = readDeliverable(&yamlFile{path: delivFile, add: add}, root, s, "nimbus")
		} else {
			add(err.(*Problem))
		}
		repos := map[string]bool{}
		for _, sh := range ships {
			if repos[sh.Repo] || sh.Repo == "" {
				t.Errorf("repository %q empty or twice in one deliverable's shipments", sh.Repo)
			}
			repos[sh.Repo] = true
			if len(sh.Releases) == 0 || sh.Latest != sh.Releases[len(sh.Releases)-1] {
				t.Errorf("%s: latest %v is not the last of %d releases", sh.Repo, sh.Latest, len(sh.Releases))
			}
			if sh.Shipped.Version != "" && (!isFinal(sh.Shipped.Version) || !slices.Contains(sh.Releases, sh.Shipped) || !isFinal(sh.Last.Version)) {
				t.Errorf("%s: shipped %v / last %v not final releases of the series", sh.Repo, sh.Shipped, sh.Last)
			}
			if (sh.Shipped.Version == "") != (sh.Last.Version == "") {
				t.Errorf("%s: shipped %v but last %v", sh.Repo, sh.Shipped, sh.Last)
			}
			for _, r := range sh.Releases {
				if !isCommit(r.Hash) || r.Line < 1 || r.Line > linesOf(deliverable) {
					t.Errorf("%s: release %+v has a bad hash or line", sh.Repo, r)
				}
			}
		}
		checkProblems(t, ps, texts)
	})
}

func FuzzManifest(f *testing.F) {
	f.Add(archive(f, "manifest.txtar", "letgo-fleet.toml"))
	f.Add("[[team]]\nname = \"a\"\nrepos = [\"x/one\"]\n[[team]]\nname = \"b\"\nrepos = [\"x/two\", \"x/one\"]\n")
	f.Add("[[team]]\nname = \"t\"\n[[team.repo]]\nname = \"x/b\"\nrefs = [\"v[\"]\n[team.repo.series]\n\"2026.1\" = \"\"\n")
	f.Add("a = " + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n")
	f.Add("[[team]]\nname = \"" + strings.Repeat("x", 64<<10) + "\"\n")
	f.Add("[[team]]\nname = \"t\"\nrepos = [" + strings.Repeat("\"a/b\", ", 3000) + "]\n")
	f.Add("[team]\n" + strings.Repeat("k=1\n", 6000))
	f.Fuzz(func(t *testing.T, text string) {
		const file = "letgo.toml"
		m, err := parseManifest(file, []byte(text))
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.File != file {
				t.Fatalf("parseManifest = %v, want a *Problem naming the file", err)
			}
			checkProblems(t, []*Problem{p}, map[string]string{file: text})
			return
		}
		checkProblems(t, m.Problems, map[string]string{file: text})
		checkMap(t, m)
	})
}
