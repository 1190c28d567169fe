package fleet

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadManifest(t *testing.T) {
	dir := extract(t, "manifest.txtar")
	file := filepath.Join(dir, "letgo-fleet.toml")
	m, err := ReadManifest(file)
	if err != nil {
		t.Fatalf("ReadManifest(%q): %v", file, err)
	}
	if len(m.Problems) > 0 {
		t.Errorf("ReadManifest problems:\n%s", problems(dir, m.Problems))
	}
	text := archive(t, "manifest.txtar", "letgo-fleet.toml")
	if diff := cmp.Diff([]string{filepath.Join(dir, "libs/acme-common"), "/srv/src/acme-rpc"}, m.With); diff != "" {
		t.Errorf("With mismatch (-want +got):\n%s", diff)
	}
	type want struct {
		Kind               Kind
		Owner, Deliverable string
		Deprecated         string
		Retired            bool
		RetiredOn          string
		Line               int
		Refs               []string
		SeriesRefs         map[string]string
	}
	tests := []struct {
		repo string
		want want
	}{
		{"acme/blob", want{Kind: KindTeam, Owner: "storage", Deliverable: "blob", Line: lineOf(t, text, `"acme/blob"`)}},
		// ".git" is not part of the repository's name.
		{"acme/blob-client", want{Kind: KindTeam, Owner: "storage", Deliverable: "blob-client", Line: lineOf(t, text, `"acme/blob-client.git"`)}},
		{"acme/vault", want{Kind: KindTeam, Owner: "storage", Deliverable: "vault-server", Deprecated: "2026.1", Line: lineOf(t, text, `"acme/vault"`),
			Refs: []string{"v*", "release-*"}, SeriesRefs: map[string]string{"2026.1": "v12.*", "2025.2": "v11.*"}}},
		{"runner", want{Kind: KindTeam, Owner: "compute", Deliverable: "runner", Line: lineOf(t, text, `"acme/runner"`)}},
		{"acme/old-api", want{Kind: KindTeam, Owner: "legacy", Deliverable: "old-api", Retired: true, RetiredOn: "2025-06-30", Line: lineOf(t, text, `"acme/old-api"`)}},
		{"acme/elsewhere", want{Kind: KindUnowned}},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			r := m.Lookup(tt.repo)
			got := want{r.Kind, r.Owner, r.Deliverable, r.Deprecated, r.Retired, r.RetiredOn, r.Source.Line, r.Refs, r.SeriesRefs}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tt.repo, diff)
			}
		})
	}
	if tm, ok := m.Team("legacy"); !ok || !tm.Retired {
		t.Errorf("Team(legacy) = %+v, %v, want a retired team", tm, ok)
	}
	if tm, _ := m.Team("storage"); strings.Join(tm.Repos, ",") != "acme/blob,acme/blob-client,acme/vault" || len(tm.Deliverables) != 3 {
		t.Errorf("Team(storage) = %+v, want three repositories in three deliverables", tm)
	}
}

func TestManifestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		err   string // "" when the map is read
		line  int    // the line the error names
		probs string
	}{
		{name: "not TOML", text: "with = [\"a\"]\n[[team]\nname = \"x\"\n", err: "cannot parse", line: 2},
		// The strict decoder names the line in its message only.
		{name: "a misspelt key", text: "[[team]]\nname = \"x\"\nrepositories = [\"a/b\"]\n", err: "unknown key team.repositories (line 3)"},
		{name: "a wrong type", text: "[[team]]\nname = \"x\"\nrepos = \"a/b\"\n", err: "cannot parse", line: 3},
		{
			name:  "a repository of two teams",
			text:  "[[team]]\nname = \"a\"\nrepos = [\"x/one\"]\n\n[[team]]\nname = \"b\"\nrepos = [\"x/two\", \"x/one\"]\n",
			probs: `letgo.toml:7: repository "x/one" listed by team "b" too: team "a" has it at letgo.toml:3; that one is kept` + "\n",
		},
		{
			name: "bad entries",
			text: "with = [\"\"]\n[[team]]\nrepos = [\"x/a\"]\n[[team]]\nname = \"t\"\nrepos = [\"x/has blank\", \"\"]\n[[team.repo]]\nname = \"x/b\"\nrefs = [\"v[\"]\n[team.repo.series]\n\"2026.1\" = \"\"\n",
			probs: "letgo.toml: team 1: no name; its repositories are not in the map\n" +
				"letgo.toml:1: with: empty library root\n" +
				`letgo.toml:6: team "t": bad repository name "x/has blank"` + "\n" +
				`letgo.toml:6: team "t": bad repository name ""` + "\n" +
				`letgo.toml:9: repository "x/b": bad ref pattern "v["` + "\n" +
				`letgo.toml:11: repository "x/b": bad ref pattern "" for series "2026.1"` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "letgo.toml")
			writeFile(t, file, tt.text)
			m, err := ReadManifest(file)
			if tt.err != "" {
				var p *Problem
				if !errors.As(err, &p) || p.File != file || !strings.Contains(p.Msg, tt.err) || p.Line != tt.line {
					t.Fatalf("ReadManifest = %v, want a problem of %s line %d containing %q", err, file, tt.line, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadManifest: %v", err)
			}
			if diff := cmp.Diff(tt.probs, problems(dir, m.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "none.toml")
		var p *Problem
		if _, err := ReadManifest(file); !errors.As(err, &p) || p.File != file {
			t.Errorf("ReadManifest(missing) = %v, want a problem naming %s", err, file)
		}
	})
}
