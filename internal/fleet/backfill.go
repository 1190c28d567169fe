package fleet

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Tag is a tag of a repository: its name, the commit it names and its
// date (the tagger's for an annotated tag, else the commit's).
type Tag struct {
	Name   string
	Commit string
	Date   time.Time
}

// How a backfill target was named by its series.
const (
	FromReleases = "releases data"
	FromManifest = "manifest series pattern"
	FromBuiltin  = "tag date against the series table"
)

// Target is one release of a repository to scan in a backfill: the series
// it belongs to and the tag and commit that series shipped.
type Target struct {
	// Series is the series' Key ("2026.1").
	Series string `json:"series"`
	// Ref is the tag (the version the releases data names: "33.0.0").
	Ref string `json:"ref"`
	// Commit is the commit the releases data gives, or the tag's commit;
	// "" when it is still to be resolved from Ref.
	Commit string `json:"commit"`
	// From says how the series was told: FromReleases, FromManifest or
	// FromBuiltin; Source is the file and line for the releases data.
	From   string `json:"from"`
	Source Source `json:"source,omitempty"`
}

// PlanInput is what Plan needs of one repository.
type PlanInput struct {
	Repo Repo
	// Releases is the releases data (nil when none was given); what it
	// shipped of Repo is found by repository, never by deliverable name.
	Releases *Releases
	// Series is the series table, newest first (Releases.Series or
	// BuiltinSeries).
	Series []Series
	// Since is the oldest series to plan ("2024.1"); "" plans them all.
	Since string
	// Tags are the repository's tags, for the manifest's patterns and the
	// built-in table; the releases data needs none.
	Tags []Tag
}

// Plan lists the releases of one repository a backfill scans, oldest
// series first, one per series: from the releases data when it shipped the
// repository (the series' first final release and its hash), else from the
// manifest's per-series tag patterns (the lowest version matching), else
// from the tags' dates against the series table (the highest version tagged
// after the previous series' release and by this one's). The error is for a
// Since naming no series of the table.
func Plan(in PlanInput) ([]Target, error) {
	limit := len(in.Series) - 1
	if in.Since != "" {
		if limit = seriesIndex(in.Series, in.Since); limit < 0 {
			return nil, fmt.Errorf("series %q is not in the series table", in.Since)
		}
	}
	keep := map[string]bool{}
	for _, s := range in.Series[:limit+1] {
		keep[s.Key()] = true
	}
	var out []Target
	if in.Releases != nil {
		for _, sh := range in.Releases.ForRepo(in.Repo.Name) {
			if !keep[sh.Series] || sh.Shipped.Version == "" {
				continue
			}
			out = append(out, Target{Series: sh.Series, Ref: sh.Shipped.Version, Commit: sh.Shipped.Hash, From: FromReleases,
				Source: Source{sh.Source.File, sh.Shipped.Line}})
		}
	}
	tags := in.Tags
	if len(in.Repo.Refs) > 0 {
		tags = nil
		for _, t := range in.Tags {
			if matchAny(in.Repo.Refs, t.Name) {
				tags = append(tags, t)
			}
		}
	}
	if len(out) == 0 && len(in.Repo.SeriesRefs) > 0 {
		for _, s := range in.Series[:limit+1] {
			pattern, ok := in.Repo.SeriesRefs[s.Key()]
			if !ok {
				pattern, ok = in.Repo.SeriesRefs[s.Name]
			}
			if !ok {
				continue
			}
			var best *Tag
			for i, t := range tags {
				if m, _ := path.Match(pattern, t.Name); m && (best == nil || versionLess(t, *best)) {
					best = &tags[i]
				}
			}
			if best != nil {
				out = append(out, Target{Series: s.Key(), Ref: best.Name, Commit: best.Commit, From: FromManifest})
			}
		}
	}
	if len(out) == 0 && len(in.Repo.SeriesRefs) == 0 {
		// Series newest first: series i's window is (release of i+1, release of i].
		for i, s := range in.Series[:limit+1] {
			if s.Released.IsZero() {
				continue
			}
			// The release day counts for the series released that day.
			var from time.Time
			if i+1 < len(in.Series) && !in.Series[i+1].Released.IsZero() {
				from = in.Series[i+1].Released.Add(24 * time.Hour)
			}
			end := s.Released.Add(24 * time.Hour)
			var best *Tag
			for j, t := range tags {
				if endOfLife(t.Name) {
					continue // 2023.1-eol marks a branch's end, not a release
				}
				if !t.Date.Before(from) && t.Date.Before(end) {
					if best == nil || versionLess(*best, t) {
						best = &tags[j]
					}
				}
			}
			if best != nil {
				out = append(out, Target{Series: s.Key(), Ref: best.Name, Commit: best.Commit, From: FromBuiltin})
			}
		}
	}
	// Oldest first: the table is newest first.
	order := map[string]int{}
	for i, s := range in.Series {
		order[s.Key()] = -i
	}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Series] < order[out[j].Series] })
	return out, nil
}

// endOfLife tells the tags that close a branch (victoria-eol, xena-eom,
// 2023.1-em) from releases.
func endOfLife(name string) bool {
	for _, suffix := range []string{"-eol", "-eom", "-em"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// versionLess orders tags as versions when both names are (1.10.0 after
// 1.9.0; a leading v ignored), else by date.
func versionLess(a, b Tag) bool {
	va, oka := versionOf(a.Name)
	vb, okb := versionOf(b.Name)
	if !oka || !okb {
		return a.Date.Before(b.Date)
	}
	for k := 0; k < len(va) && k < len(vb); k++ {
		if va[k] != vb[k] {
			return va[k] < vb[k]
		}
	}
	return len(va) < len(vb)
}

func versionOf(name string) ([]int, bool) {
	var out []int
	for _, p := range strings.Split(strings.TrimPrefix(name, "v"), ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// NextSeries is the release id after id: 2027.1 → 2027.2, 2027.2 →
// 2028.1 (OpenStack releases twice a year since 2023.1); false for an id
// of another shape.
func NextSeries(id string) (string, bool) {
	y, n, ok := splitID(id)
	if !ok {
		return "", false
	}
	if n >= 2 {
		return fmt.Sprintf("%d.1", y+1), true
	}
	return fmt.Sprintf("%d.%d", y, n+1), true
}

// SeriesDistance is how many releases b comes after a (negative before);
// false when either is not a YYYY.N id.
func SeriesDistance(a, b string) (int, bool) {
	ya, na, ok1 := splitID(a)
	yb, nb, ok2 := splitID(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return (yb-ya)*2 + (nb - na), true
}

func splitID(id string) (year, n int, ok bool) {
	ys, ns, found := strings.Cut(id, ".")
	if !found {
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(ys)
	v, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil || y < 2000 || v < 1 || v > 2 {
		return 0, 0, false
	}
	return y, v, true
}
