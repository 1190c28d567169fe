package fleet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lineOf is the 1-based line of the first line of text containing s, found
// by plain search so the test does not trust the parser's positions.
func lineOf(t testing.TB, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

func TestReadGovernance(t *testing.T) {
	dir := extract(t, "governance.txtar")
	m, err := ReadGovernance(dir)
	if err != nil {
		t.Fatalf("ReadGovernance(%q): %v", dir, err)
	}
	if len(m.Problems) > 0 {
		t.Errorf("ReadGovernance problems:\n%s", problems(dir, m.Problems))
	}
	text := func(f string) string { return archive(t, "governance.txtar", "reference/"+f) }
	at := func(f, s string) string {
		return "reference/" + f + ":" + itoa(lineOf(t, text(f), s))
	}
	type want struct {
		Kind                    Kind
		Owner, Deliverable      string
		ReleaseManagement, Depr string
		Retired                 bool
		RetiredOn, Source       string
		Former                  string
	}
	tests := []struct {
		repo string
		want want
	}{
		{"openstack/glance_store", want{Kind: KindTeam, Owner: "glance", Deliverable: "glance-store", Source: at("projects.yaml", "openstack/glance_store")}},
		// Found by its last element, as a checkout under --src is named.
		{"glance_store", want{Kind: KindTeam, Owner: "glance", Deliverable: "glance-store", Source: at("projects.yaml", "openstack/glance_store")}},
		{"glance_store.git", want{Kind: KindTeam, Owner: "glance", Deliverable: "glance-store", Source: at("projects.yaml", "openstack/glance_store")}},
		{"openstack/glance-specs", want{Kind: KindTeam, Owner: "glance", Deliverable: "glance-specs", ReleaseManagement: "none", Source: at("projects.yaml", "openstack/glance-specs")}},
		{"openstack/ironic-lib", want{Kind: KindTeam, Owner: "ironic", Deliverable: "ironic", Source: at("projects.yaml", "openstack/ironic-lib")}},
		{"openstack/ironic-inspector", want{Kind: KindTeam, Owner: "ironic", Deliverable: "ironic-inspector", ReleaseManagement: "deprecated", Depr: "2026.1", Source: at("projects.yaml", "- openstack/ironic-inspector")}},
		{"openstack/oslo.messaging", want{Kind: KindTeam, Owner: "oslo", Deliverable: "oslo.messaging", Source: at("projects.yaml", "openstack/oslo.messaging")}},
		{"openstack/python-vendorclient", want{Kind: KindSIG, Owner: "Hardware Vendor", Source: at("sigs-repos.yaml", "python-vendorclient")}},
		{"openstack/governance", want{Kind: KindTC, Owner: "Technical Committee", Source: at("technical-committee-repos.yaml", "openstack/governance")}},
		{"openstack/astra-dashboard", want{Kind: KindTeam, Owner: "astra", Deliverable: "astra-dashboard", Retired: true, RetiredOn: "2016-10-06", Source: at("legacy.yaml", "openstack/astra-dashboard")}},
		// A retired deliverable of a team that lives on.
		{"openstack/glance-ui", want{Kind: KindTeam, Owner: "glance", Deliverable: "glance-ui", Retired: true, RetiredOn: "2019-05-22", Source: at("legacy.yaml", "openstack/glance-ui")}},
		// Retired from a team, adopted by a SIG: the SIG's, with its past.
		{"openstack/ossa", want{Kind: KindSIG, Owner: "Security", Source: at("sigs-repos.yaml", "openstack/ossa"),
			Former: "Security/ossa/2017-07-29@" + at("legacy.yaml", "openstack/ossa")}},
		{"openstack/unlisted", want{Kind: KindUnowned}},
		{"unlisted", want{Kind: KindUnowned}},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			r := m.Lookup(tt.repo)
			var former []string
			for _, f := range r.Former {
				former = append(former, f.Owner+"/"+f.Deliverable+"/"+f.RetiredOn+"@"+rel(dir, f.Source))
			}
			got := want{r.Kind, r.Owner, r.Deliverable, r.ReleaseManagement, r.Deprecated, r.Retired, r.RetiredOn, rel(dir, r.Source), strings.Join(former, ",")}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tt.repo, diff)
			}
			if tt.want.Kind == KindUnowned && !strings.HasSuffix(r.Name, "unlisted") {
				t.Errorf("Lookup(%q).Name = %q, want the name asked for", tt.repo, r.Name)
			}
		})
	}

	teams := []struct {
		name       string
		kind       Kind
		retired    bool
		partial    bool
		leadership string
		ptl        string
		repos      string
	}{
		{"glance", KindTeam, false, true, "ptl", "Pat Example", "openstack/glance,openstack/glance-specs,openstack/glance-ui,openstack/glance_store"},
		{"oslo", KindTeam, false, false, "distributed", "", "openstack/oslo.messaging,openstack/oslo.service"},
		{"astra", KindTeam, true, false, "", "Former Lead", "openstack/astra,openstack/astra-dashboard"},
		// The SIG before the retired team of the same name.
		{"Security", KindSIG, false, false, "", "", "openstack/ossa"},
		{"Technical Committee", KindTC, false, false, "", "", "openstack/election,openstack/governance"},
	}
	for _, tt := range teams {
		t.Run("team "+tt.name, func(t *testing.T) {
			tm, ok := m.Team(tt.name)
			if !ok {
				t.Fatalf("Team(%q) not found", tt.name)
			}
			got := []any{tm.Kind, tm.Retired, tm.Partial, tm.Leadership, tm.PTL, strings.Join(tm.Repos, ",")}
			if diff := cmp.Diff([]any{tt.kind, tt.retired, tt.partial, tt.leadership, tt.ptl, tt.repos}, got); diff != "" {
				t.Errorf("Team(%q) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
	if _, ok := m.Team("nobody"); ok {
		t.Errorf("Team(%q) found, want none", "nobody")
	}
	if g, _ := m.Team("glance"); len(g.Deliverables) != 4 {
		t.Errorf("Team(glance) has %d deliverables, want 4 (three active, one retired)", len(g.Deliverables))
	}

	// The reference/ folder itself reads the same.
	m2, err := ReadGovernance(filepath.Join(dir, "reference"))
	if err != nil {
		t.Fatalf("ReadGovernance(reference/): %v", err)
	}
	if diff := cmp.Diff(m.Repos, m2.Repos); diff != "" {
		t.Errorf("ReadGovernance(reference/) differs from the checkout:\n%s", diff)
	}
}

func rel(dir string, s Source) string {
	if s.File == "" {
		return ""
	}
	r, err := filepath.Rel(dir, s.File)
	if err != nil {
		r = s.File
	}
	return filepath.ToSlash(r) + ":" + itoa(s.Line)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestGovernanceBadInput changes one file of the fixture at a time and
// checks the error or problems that names it.
func TestGovernanceBadInput(t *testing.T) {
	tests := []struct {
		name  string
		file  string // under reference/
		text  string // "" removes the file
		err   string // the error ReadGovernance returns, "" for none
		probs string // the problems, one a line, with paths under the checkout
		repo  string // a repository that must still be read
		owner string
	}{
		{
			name: "syntax error in projects.yaml",
			file: "projects.yaml", text: "nova:\n  deliverables:\n    nova:\n      repos: [openstack/nova\n",
			err: "reference/projects.yaml:4: cannot parse: did not find expected ',' or ']'",
		},
		{
			name: "no projects.yaml",
			file: "projects.yaml", text: "",
			err: "no projects.yaml in it or in its reference/ folder",
		},
		{
			name: "a repository of two teams",
			file: "projects.yaml", text: "nova:\n  deliverables:\n    nova:\n      repos:\n        - openstack/nova\nplacement:\n  deliverables:\n    placement:\n      repos:\n        - openstack/nova\n",
			probs: `reference/projects.yaml:10: repository "openstack/nova" listed by team "placement" too: team "nova" has it at reference/projects.yaml:5; that one is kept` + "\n",
			repo:  "openstack/nova", owner: "nova",
		},
		{
			name: "a repository listed twice by one team",
			file: "projects.yaml", text: "nova:\n  deliverables:\n    nova:\n      repos: [openstack/nova, openstack/nova]\n",
			probs: `reference/projects.yaml:4: repository "openstack/nova" listed again: team "nova" has it at reference/projects.yaml:4; that one is kept` + "\n",
			repo:  "openstack/nova", owner: "nova",
		},
		{
			name: "a repository of a team and a SIG",
			file: "sigs-repos.yaml", text: "Ops:\n  - repo: openstack/glance\n",
			probs: `reference/sigs-repos.yaml:2: repository "openstack/glance" listed by sig "Ops" too: team "glance" has it at reference/projects.yaml:18; that one is kept` + "\n",
			repo:  "openstack/glance", owner: "glance",
		},
		{
			name: "a team given twice",
			file: "projects.yaml", text: "nova:\n  deliverables:\n    nova: {repos: [openstack/nova]}\nnova:\n  deliverables:\n    other: {repos: [openstack/other]}\n",
			probs: `reference/projects.yaml:4: teams: key "nova" given again (first at line 1); the first is kept` + "\n",
			repo:  "openstack/nova", owner: "nova",
		},
		{
			name: "wrong shapes, the rest read",
			file: "projects.yaml",
			text: "nova:\n  deliverables:\n    - nova\nneutron: just text\nglance:\n  deliverables:\n    glance:\n      repos: openstack/glance\n    glance-store:\n      repos:\n        - [openstack/glance_store]\n        - ''\n        - openstack/glance store\n        - openstack/glance_store\n",
			probs: `reference/projects.yaml:3: team "nova" deliverables: want a mapping, found a list` + "\n" +
				`reference/projects.yaml:4: team "neutron": want a mapping, found "just text"` + "\n" +
				`reference/projects.yaml:8: deliverable "glance" of team "glance" repos: want a list, found "openstack/glance"` + "\n" +
				`reference/projects.yaml:11: deliverable "glance-store" of team "glance" repository: want a value, found a list` + "\n" +
				`reference/projects.yaml:12: deliverable "glance-store" of team "glance": empty repository name` + "\n" +
				`reference/projects.yaml:13: deliverable "glance-store" of team "glance": repository name "openstack/glance store" has blanks in it` + "\n",
			repo: "openstack/glance_store", owner: "glance",
		},
		{
			name: "a SIG entry without a repo",
			file: "sigs-repos.yaml", text: "Ops:\n  - name: x\n  - repo: openstack/ops-tools\n",
			probs: `reference/sigs-repos.yaml:2: sig "Ops" entry: no repo` + "\n",
			repo:  "openstack/ops-tools", owner: "Ops",
		},
		{
			name: "a bad legacy.yaml is a problem, the rest read",
			file: "legacy.yaml", text: "astra:\n  deliverables: {astra: {repos: [openstack/astra]\n",
			probs: "reference/legacy.yaml:2: cannot parse: did not find expected ',' or '}'\n",
			repo:  "openstack/ossa", owner: "Security",
		},
		{
			name: "a missing SIG file",
			file: "sigs-repos.yaml", text: "",
			probs: "reference/sigs-repos.yaml: missing: the repositories it names are unowned\n",
			repo:  "openstack/governance", owner: "Technical Committee",
		},
		{
			name: "an empty projects.yaml",
			file: "projects.yaml", text: "---\n",
			repo: "openstack/governance", owner: "Technical Committee",
		},
		{
			name: "an alias bomb",
			file: "projects.yaml", text: aliasBomb("nova:\n  deliverables:\n    nova:\n      repos: *l8\n"),
			err: "aliases expand to more nodes than the document holds",
		},
		{
			name: "an alias to itself",
			file: "projects.yaml", text: "nova: &a\n  deliverables: *a\n",
			err: `reference/projects.yaml:2: cannot parse: alias "a" refers to itself`,
		},
		{
			name: "modest aliases are expanded",
			file: "projects.yaml", text: "nova:\n  deliverables:\n    nova: &d {repos: [openstack/nova]}\n    nova-again: *d\n",
			probs: `reference/projects.yaml:3: repository "openstack/nova" listed again: team "nova" has it at reference/projects.yaml:3; that one is kept` + "\n",
			repo:  "openstack/nova", owner: "nova",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := extract(t, "governance.txtar")
			path := filepath.Join(dir, "reference", tt.file)
			if tt.text == "" {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, path, tt.text)
			}
			m, err := ReadGovernance(dir)
			if tt.err != "" {
				if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+"/", ""), tt.err) {
					t.Fatalf("ReadGovernance = %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadGovernance: %v", err)
			}
			if diff := cmp.Diff(tt.probs, problems(dir, m.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			if tt.repo != "" {
				if r := m.Lookup(tt.repo); r.Owner != tt.owner {
					t.Errorf("Lookup(%q).Owner = %q, want %q", tt.repo, r.Owner, tt.owner)
				}
			}
		})
	}
	t.Run("not a directory of governance", func(t *testing.T) {
		_, err := ReadGovernance(t.TempDir())
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadGovernance(empty dir) = %v, want fs.ErrNotExist", err)
		}
	})
}

// aliasBomb prefixes text with nine lists of nine aliases each: 9^9
// scalars once expanded, some 400 bytes written. The last list is &l8.
func aliasBomb(text string) string {
	var b strings.Builder
	b.WriteString("bomb:\n  - &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("  - &l" + itoa(i) + " [")
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String() + text
}
