package fleet

import (
	"os"
	"sort"
	"strings"
	"testing"
)

// TestRealData reads real checkouts of openstack/governance and
// openstack/releases, for checking by hand: it runs only when
// LETGO_GOVERNANCE or LETGO_RELEASES name them, and logs what it found.
// Nothing of those repositories is committed.
func TestRealData(t *testing.T) {
	gov, rel := os.Getenv("LETGO_GOVERNANCE"), os.Getenv("LETGO_RELEASES")
	if gov == "" && rel == "" {
		t.Skip("set LETGO_GOVERNANCE and/or LETGO_RELEASES to checkouts of openstack/governance and openstack/releases")
	}
	if gov != "" {
		m, err := ReadGovernance(gov)
		if err != nil {
			t.Fatalf("ReadGovernance(%q): %v", gov, err)
		}
		kinds := map[Kind]int{}
		teams, retired, partial, deliverables := 0, 0, 0, 0
		for _, tm := range m.Teams {
			if tm.Partial {
				partial++
			}
			switch {
			case tm.Kind == KindTeam && tm.Retired:
				retired++
			case tm.Kind == KindTeam:
				teams++
				for _, d := range tm.Deliverables {
					if !d.Retired {
						deliverables++
					}
				}
			}
		}
		retiredRepos, activeTeamRepos, sigs, tcs := 0, 0, 0, 0
		for _, r := range m.Repos {
			kinds[r.Kind]++
			if r.Retired {
				retiredRepos++
			} else if r.Kind == KindTeam {
				activeTeamRepos++
			}
		}
		for _, tm := range m.Teams {
			switch tm.Kind {
			case KindSIG:
				sigs++
			case KindTC:
				tcs++
			}
		}
		t.Logf("governance: %d active teams, %d active deliverables, %d active team repositories; %d SIGs, %d TC; %d teams only in legacy.yaml, %d partial entries",
			teams, deliverables, activeTeamRepos, sigs, tcs, retired, partial)
		t.Logf("repositories: %d (team %d, sig %d, tc %d; %d retired)", len(m.Repos), kinds[KindTeam], kinds[KindSIG], kinds[KindTC], retiredRepos)
		for _, p := range m.Problems {
			t.Logf("problem: %v", p)
		}
		for _, name := range strings.Fields(os.Getenv("LETGO_LOOKUP")) {
			r := m.Lookup(name)
			t.Logf("lookup %s: %s %q deliverable %q deprecated %q retired %v (%s) former %v", name, r.Kind, r.Owner, r.Deliverable, r.Deprecated, r.Retired, r.Source, r.Former)
		}
	}
	if rel != "" {
		r, err := ReadReleases(rel, ReleasesOptions{Since: os.Getenv("LETGO_SINCE")})
		if err != nil {
			t.Fatalf("ReadReleases(%q): %v", rel, err)
		}
		t.Logf("releases: %d series, %d repositories shipped, %d problems", len(r.Series), len(r.Repos()), len(r.Problems))
		for _, s := range r.Series[:min(len(r.Series), 12)] {
			t.Logf("series %s %s %q slurp=%v %s", s.Name, s.Key(), s.Status, s.SLURP, s.Released.Format("2006-01-02"))
		}
		for _, p := range r.Problems[:min(len(r.Problems), 20)] {
			t.Logf("problem: %v", p)
		}
		if gov != "" {
			// Every repository a series shipped should have an owner.
			m, _ := ReadGovernance(gov)
			unowned, retired := []string{}, 0
			for _, repo := range r.Repos() {
				switch o := m.Lookup(repo); {
				case o.Kind == KindUnowned:
					unowned = append(unowned, repo)
				case o.Retired:
					retired++
				}
			}
			t.Logf("releases vs governance: %d repositories shipped, %d of them retired, unowned: %v", len(r.Repos()), retired, unowned)
		}
		repos := strings.Fields(os.Getenv("LETGO_SHIPPED"))
		sort.Strings(repos)
		for _, repo := range repos {
			for _, sh := range r.ForRepo(repo) {
				t.Logf("%s %s (%s): shipped %s %s, last %s %s, latest %s, %d releases", repo, sh.Series, sh.SeriesName,
					sh.Shipped.Version, sh.Shipped.Hash[:min(12, len(sh.Shipped.Hash))], sh.Last.Version, sh.Last.Hash[:min(12, len(sh.Last.Hash))], sh.Latest.Version, len(sh.Releases))
			}
		}
	}
}
