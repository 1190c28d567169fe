package fleet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/modes"
)

func hash(c byte) string { return strings.Repeat(string(c), 40) }

func TestReadReleases(t *testing.T) {
	dir := extract(t, "releases.txtar")
	r, err := ReadReleases(dir, ReleasesOptions{})
	if err != nil {
		t.Fatalf("ReadReleases(%q): %v", dir, err)
	}
	if len(r.Problems) > 0 {
		t.Errorf("ReadReleases problems:\n%s", problems(dir, r.Problems))
	}
	type series struct {
		Name, Key, Status string
		SLURP             bool
		Released          string
	}
	var got []series
	for _, s := range r.Series {
		got = append(got, series{s.Name, s.Key(), s.Status, s.SLURP, s.Released.Format(time.DateOnly)})
	}
	want := []series{
		{"indri", "2027.1", "future", true, "2027-03-24"},
		{"hibiscus", "2026.2", "development", false, "2026-09-30"},
		{"gazpacho", "2026.1", "maintained", true, "2026-04-01"},
		{"flamingo", "2025.2", "maintained", false, "2025-10-01"},
		// Before release ids, a series is known by its name.
		{"zed", "zed", "unmaintained", false, "2022-10-05"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Series mismatch (-want +got):\n%s", diff)
	}

	type ship struct {
		Series, Deliverable, Team, Type, Model string
		Shipped, Last, Latest                  Release
		Versions                               string
		Branches                               []Branch
	}
	text := func(f string) string { return archive(t, "releases.txtar", f) }
	rel := func(f, version string, c byte) Release {
		// The line of the project entry of that release: the "- repo:"
		// line after the version's line.
		lines := strings.Split(text(f), "\n")
		v := -1
		for i, l := range lines {
			if strings.TrimSpace(l) == "- version: "+version {
				v = i
				break
			}
		}
		for i := v + 1; v >= 0 && i < len(lines); i++ {
			if strings.Contains(lines[i], "- repo:") {
				return Release{Version: version, Hash: hash(c), Line: i + 1}
			}
		}
		t.Fatalf("%s: no project after %s", f, version)
		return Release{}
	}
	const hib, gaz, fla = "deliverables/hibiscus/nimbus.yaml", "deliverables/gazpacho/nimbus.yaml", "deliverables/flamingo/nimbus.yaml"
	tests := []struct {
		repo string
		want []ship
	}{
		{"openstack/nimbus", []ship{
			// Only a milestone so far: nothing shipped yet.
			{"2026.2", "nimbus", "nimbus", "service", "cycle-with-rc", Release{}, Release{}, rel(hib, "34.0.0.0b1", '1'), "34.0.0.0b1", nil},
			// The first final release is the tag the series shipped, not
			// the release candidate at the same commit.
			{"2026.1", "nimbus", "nimbus", "service", "cycle-with-rc", rel(gaz, "33.0.0", '2'), rel(gaz, "33.0.1", '3'), rel(gaz, "33.0.1", '3'),
				"33.0.0.0rc1 33.0.0 33.0.1", []Branch{{"stable/2026.1", "33.0.0.0rc1"}}},
			// The end-of-maintenance tag is the latest, not the last final.
			{"2025.2", "nimbus", "nimbus", "service", "cycle-with-rc", rel(fla, "32.0.0", '6'), rel(fla, "32.1.0", '7'), rel(fla, "2025.2-eom", '8'),
				"32.0.0 32.1.0 2025.2-eom", nil},
		}},
		// A deliverable named unlike its repositories, one release of two.
		{"openstack/nimbus_store", []ship{{"2026.1", "nimbus-store", "nimbus", "library", "cycle-with-intermediary",
			Release{"5.0.0", hash('4'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "openstack/nimbus_store")},
			Release{"5.0.0", hash('4'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "openstack/nimbus_store")},
			Release{"5.0.0", hash('4'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "openstack/nimbus_store")},
			"5.0.0", []Branch{{"stable/2026.1", "openstack/nimbus_store=" + hash('4')}}}}},
		{"openstack/nimbus-store-plugins.git", []ship{{"2026.1", "nimbus-store", "nimbus", "library", "cycle-with-intermediary",
			Release{"5.0.0", hash('5'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "repo: openstack/nimbus-store-plugins")},
			Release{"5.0.0", hash('5'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "repo: openstack/nimbus-store-plugins")},
			Release{"5.0.0", hash('5'), lineOf(t, text("deliverables/gazpacho/nimbus-store.yaml"), "repo: openstack/nimbus-store-plugins")},
			"5.0.0", []Branch{{"stable/2026.1", "openstack/nimbus_store=" + hash('4')}}}}},
		// _independent is no series.
		{"openstack/tool", nil},
		{"openstack/unknown", nil},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			var got []ship
			for _, sh := range r.ForRepo(tt.repo) {
				var vs []string
				for _, x := range sh.Releases {
					vs = append(vs, x.Version)
				}
				got = append(got, ship{sh.Series, sh.Deliverable, sh.Team, sh.Type, sh.Model, sh.Shipped, sh.Last, sh.Latest, strings.Join(vs, " "), sh.Branches})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ForRepo(%q) mismatch (-want +got):\n%s", tt.repo, diff)
			}
		})
	}
	if diff := cmp.Diff([]string{"openstack/nimbus", "openstack/nimbus-store-plugins", "openstack/nimbus_store"}, r.Repos()); diff != "" {
		t.Errorf("Repos mismatch (-want +got):\n%s", diff)
	}
	for _, key := range []string{"2026.1", "gazpacho", "Gazpacho"} {
		if s, ok := r.Find(key); !ok || s.Name != "gazpacho" {
			t.Errorf("Find(%q) = %v, %v, want gazpacho", key, s.Name, ok)
		}
	}
	if s, ok := r.Find(""); ok {
		t.Errorf("Find(\"\") = %v, want none", s.Name)
	}

	t.Run("since", func(t *testing.T) {
		r, err := ReadReleases(dir, ReleasesOptions{Since: "gazpacho"})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.ForRepo("openstack/nimbus")); got != 2 {
			t.Errorf("ReadReleases(since gazpacho): %d series of nimbus, want 2", got)
		}
		if len(r.Series) != 5 {
			t.Errorf("ReadReleases(since gazpacho): %d series, want all 5 listed", len(r.Series))
		}
		if _, err := ReadReleases(dir, ReleasesOptions{Since: "2019.1"}); err == nil || !strings.Contains(err.Error(), `series "2019.1"`) {
			t.Errorf("ReadReleases(since 2019.1) = %v, want an error naming the series", err)
		}
	})
}

func TestReleasesBadInput(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		text  string
		err   string
		probs string
		check func(t *testing.T, r *Releases)
	}{
		{
			name: "malformed series_status.yaml",
			file: "data/series_status.yaml", text: "- name: a\n  release-id: [2026.1\n",
			err: "data/series_status.yaml:2: cannot parse",
		},
		{
			name: "series_status.yaml not a list",
			file: "data/series_status.yaml", text: "name: gazpacho\n",
			probs: "data/series_status.yaml:1: series: want a list, found a mapping\n",
		},
		{
			name: "bad series entries",
			file: "data/series_status.yaml",
			text: "- name: gazpacho\n  release-id: 2026.10\n  slurp: maybe\n  initial-release: April\n- name: gazpacho\n- release-id: 2025.2\n- name: ../x\n- just text\n",
			probs: `data/series_status.yaml:3: series slurp: want yes or no, found "maybe"` + "\n" +
				`data/series_status.yaml:4: series initial-release: want a date (2006-01-02), found "April"` + "\n" +
				`data/series_status.yaml:5: series "gazpacho" listed again (first at line 1); the first is kept` + "\n" +
				`data/series_status.yaml:6: series: no usable name ("")` + "\n" +
				`data/series_status.yaml:7: series: no usable name ("../x")` + "\n" +
				`data/series_status.yaml:8: series: want a mapping, found "just text"` + "\n",
			check: func(t *testing.T, r *Releases) {
				// Raw text: 2026.10 is not 2026.1.
				if len(r.Series) != 1 || r.Series[0].ID != "2026.10" {
					t.Errorf("Series = %+v, want gazpacho with id 2026.10", r.Series)
				}
			},
		},
		{
			name: "a malformed deliverable, the others read",
			file: "deliverables/gazpacho/nimbus.yaml", text: "team: nimbus\nreleases:\n  - version: 1.0.0\n    projects: [\n",
			probs: "deliverables/gazpacho/nimbus.yaml:5: cannot parse: did not find expected node content\n",
			check: func(t *testing.T, r *Releases) {
				if len(r.ForRepo("openstack/nimbus")) != 2 || len(r.ForRepo("openstack/nimbus_store")) != 1 {
					t.Errorf("ForRepo: the other files' releases are missing")
				}
			},
		},
		{
			name: "bad releases",
			file: "deliverables/gazpacho/nimbus.yaml",
			text: "team: [nimbus]\nreleases:\n  - projects: [{repo: openstack/nimbus, hash: " + hash('a') + "}]\n  - version: 1.0.0\n    projects:\n      - repo: openstack/nimbus\n        hash: abc\n      - hash: " + hash('b') + "\n  - version: 1.0.1\n    projects:\n      - repo: openstack/nimbus\n        hash: " + hash('c') + "\nbranches: {name: x}\n",
			probs: `deliverables/gazpacho/nimbus.yaml:1: team: want a value, found a list` + "\n" +
				`deliverables/gazpacho/nimbus.yaml:3: release: no version` + "\n" +
				`deliverables/gazpacho/nimbus.yaml:6: release 1.0.0: want a repo and a 40-digit hash, found repo "openstack/nimbus" hash "abc"` + "\n" +
				`deliverables/gazpacho/nimbus.yaml:8: release 1.0.0: want a repo and a 40-digit hash, found repo "" hash "` + hash('b') + `"` + "\n" +
				`deliverables/gazpacho/nimbus.yaml:13: branches: want a list, found a mapping` + "\n",
			check: func(t *testing.T, r *Releases) {
				got := r.ForRepo("openstack/nimbus")
				if len(got) < 2 || got[1].Shipped.Version != "1.0.1" || got[1].Shipped.Hash != hash('c') {
					t.Errorf("ForRepo(nimbus)[gazpacho] = %+v, want 1.0.1 shipped", got)
				}
			},
		},
		{
			name:  "a repository of two deliverables in one series",
			file:  "deliverables/gazpacho/zz-other.yaml",
			text:  "team: other\nreleases:\n  - version: 9.0.0\n    projects:\n      - repo: openstack/nimbus\n        hash: " + hash('d') + "\n",
			probs: `deliverables/gazpacho/zz-other.yaml:5: repository "openstack/nimbus" shipped by deliverable "zz-other" too, in deliverables/gazpacho/nimbus.yaml; that one is kept` + "\n",
		},
		{
			name: "an alias bomb in a deliverable",
			file: "deliverables/gazpacho/nimbus.yaml", text: aliasBomb("team: nimbus\nreleases: *l8\n"),
			probs: "deliverables/gazpacho/nimbus.yaml:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := extract(t, "releases.txtar")
			writeFile(t, filepath.Join(dir, tt.file), tt.text)
			r, err := ReadReleases(dir, ReleasesOptions{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ReadReleases = %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadReleases: %v", err)
			}
			got := problems(dir, r.Problems)
			if strings.HasSuffix(tt.probs, ":") {
				if !strings.HasPrefix(got, tt.probs) || !strings.Contains(got, "aliases expand") {
					t.Errorf("problems = %q, want one of %s about aliases", got, tt.probs)
				}
			} else if diff := cmp.Diff(tt.probs, got); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	t.Run("not a releases checkout", func(t *testing.T) {
		if _, err := ReadReleases(t.TempDir(), ReleasesOptions{}); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadReleases(empty dir) = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("an unreadable series directory", func(t *testing.T) {
		dir := extract(t, "releases.txtar")
		sdir := filepath.Join(dir, "deliverables", "flamingo")
		if err := os.RemoveAll(sdir); err != nil {
			t.Fatal(err)
		}
		writeFile(t, sdir, "a file where a directory should be")
		r, err := ReadReleases(dir, ReleasesOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := problems(dir, r.Problems); !strings.HasPrefix(got, "deliverables/flamingo: cannot list") {
			t.Errorf("problems = %q, want one about deliverables/flamingo", got)
		}
	})
}

func TestBuiltinSeries(t *testing.T) {
	got := BuiltinSeries()
	if len(got) != len(modes.SeriesTable) {
		t.Fatalf("BuiltinSeries() has %d series, want %d", len(got), len(modes.SeriesTable))
	}
	for i, s := range got {
		m := modes.SeriesTable[len(got)-1-i]
		if s.ID != m.Name || !s.Released.Equal(m.Release) || s.SLURP != modes.IsSLURP(m.Name) {
			t.Errorf("BuiltinSeries()[%d] = %+v, want %+v newest first", i, s, m)
		}
	}
	if s, ok := FindSeries(got, "gazpacho"); !ok || s.ID != "2026.1" || !s.SLURP {
		t.Errorf("BuiltinSeries: gazpacho = %+v, %v, want 2026.1, a SLURP", s, ok)
	}
}
