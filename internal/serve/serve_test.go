package serve

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/modes"
)

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// pageURLs are one URL of every page type over fleetFixture.
func pageURLs(t *testing.T, base string) map[string]string {
	// Scan ids follow the fixture's order: nova's latest is 3.
	return map[string]string{
		"overview":   "/",
		"team":       "/teams/nova",
		"repos":      "/repos",
		"repo":       "/repos/openstack/nova",
		"entrypoint": "/repos/openstack/nova/-/entrypoints/svc-api-0?scan=3",
		"finding":    "/repos/openstack/nova/-/findings/fp-EV102-3?scan=2",
		"diff":       "/diff?from=2025.2&to=2026.1",
		"rules":      "/rules",
		"rule":       "/rules/EV102",
	}
}

func TestPages(t *testing.T) {
	_, ts := newServer(t, seed(t, fleetFixture()), false)
	want := map[string][]string{
		"overview":   {"Timeline", "today 2026-12-01", "2027.1", "Repositories by stage", "<svg", "<rect", "<polyline", `href="/teams/nova"`, "Changed since the previous series", "openstack/nova", "Fleet blockers"},
		"team":       {"Team nova", "openstack/nova", "<polyline"},
		"repos":      {"openstack/glance", "openstack/oslo.service", `action="/repos"`},
		"repo":       {"Stage history", "2025.2", "2026.1", "svc-api-0", string(modes.DualDefaultThreading), "Findings by file", "pkg/service.py", "Concerns", "heartbeat", "Blockers", "oslo_service.eventlet_backdoor", "/badge/openstack/nova.svg"},
		"entrypoint": {"SVC_EVENTLET", "eventlet.monkey_patch()", "import eventlet", "pkg/service.py:2", string(modes.EventletOnly), string(modes.DualDefaultEventlet)},
		"finding":    {"eventlet.spawn() called", "no source lines are shown", "first seen", "fixed", "What it finds", "fp-EV102-3"},
		"diff":       {"openstack/nova", "0 → 1", "svc-api-0: " + string(modes.EventletOnly) + " → " + string(modes.DualDefaultEventlet), "new findings"},
		"rules":      {"EV101", "EV102", "EV201"},
		"rule":       {"What it finds", "Why it matters", "Replacement", "Example"},
	}
	for name, path := range pageURLs(t, ts.URL) {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, ts.URL+path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d\n%s", path, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s Content-Type %q", path, ct)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("GET %s CSP %q: want default-src 'none' and no script source", path, csp)
			}
			if strings.Contains(strings.ToLower(body), "<script") {
				t.Errorf("GET %s: the page has a script element", path)
			}
			for _, w := range want[name] {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: missing %q", path, w)
				}
			}
			// The same data as JSON, with a schema.
			api := "/api/v1" + strings.Replace(path, "/?", "/overview?", 1)
			if path == "/" {
				api = "/api/v1/overview"
			}
			resp, body = get(t, ts.URL+api)
			var doc map[string]any
			if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &doc) != nil {
				t.Fatalf("GET %s = %d, %.200s", api, resp.StatusCode, body)
			}
			if s, _ := doc["schema"].(string); !strings.HasPrefix(s, "letgo.serve.") {
				t.Errorf("GET %s schema = %v", api, doc["schema"])
			}
		})
	}
}

func TestAPIReposAndCSV(t *testing.T) {
	_, ts := newServer(t, seed(t, fleetFixture()), false)
	_, body := get(t, ts.URL+"/api/v1/repos")
	var doc struct {
		Schema string           `json:"schema"`
		Repos  []map[string]any `json:"repos"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Repos) != 3 || doc.Repos[0]["repo"] == nil || doc.Repos[0]["services"] == nil {
		t.Fatalf("/api/v1/repos = %s", body)
	}
	_, body = get(t, ts.URL+"/api/v1/repos?team=nova&format=csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "openstack/nova" || rows[1][5] != "2" {
		t.Errorf("repos CSV for team nova = %q, %v", rows, err)
	}
	_, body = get(t, ts.URL+"/api/v1/repos/openstack/nova?format=csv&rule=EV201")
	rows, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	if len(rows) != 2 || rows[1][0] != "EV201" { // 3 findings at the latest scan: i=2 is the EV201 one
		t.Errorf("findings CSV of rule EV201 = %q", rows)
	}
	_, body = get(t, ts.URL+"/api/v1/diff?from=2025-01-01&to=latest")
	var diff diffData
	json.Unmarshal([]byte(body), &diff)
	found := false
	for _, tm := range diff.Teams {
		for _, r := range tm.Repos {
			if r.Repo == "openstack/nova" {
				found = tm.Team == "nova" && r.From == "0" && r.To == "2" && r.Fixed == 6 && r.New == 0 && len(r.ModeFlips) == 2
			}
		}
	}
	if !found {
		t.Errorf("diff from a date: nova not 0 → 2 with 6 fixed and 2 mode flips: %s", body)
	}
	resp, body := get(t, ts.URL+"/badge/openstack/nova.svg")
	if resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(body, "stage 2, 2/2 threading") {
		t.Errorf("badge = %s %s", resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := get(t, ts.URL+"/badge/openstack/none.svg"); resp.StatusCode != 404 {
		t.Errorf("badge of an unknown repo = %d, want 404", resp.StatusCode)
	}
	resp, body = get(t, ts.URL+"/healthz")
	if resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", resp.StatusCode, body)
	}
	// /scans/ID leads to the scan's page.
	resp, _ = get(t, ts.URL+"/scans/2")
	if resp.Request.URL.Path != "/repos/openstack/nova" || resp.Request.URL.RawQuery != "scan=2" {
		t.Errorf("/scans/2 led to %s", resp.Request.URL)
	}
}

func TestProblems(t *testing.T) {
	_, ts := newServer(t, seed(t, fleetFixture()), false)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/api/v1/repos/openstack/none", 404},
		{"/api/v1/repos/openstack/nova?scan=x", 400},
		{"/api/v1/repos/openstack/nova?scan=5", 404}, // glance's scan, not nova's
		{"/api/v1/repos/openstack/nova/-/entrypoints/none", 404},
		{"/api/v1/repos/openstack/nova/-/nothing/x", 404},
		{"/api/v1/diff?from=1999.1", 400},
		{"/api/v1/diff?from=1999-01-01", 400},
		{"/api/v1/diff?from=2025-01-01&to=ref:master", 200},
		{"/api/v1/diff?from=ref:none", 400},
		{"/api/v1/teams/nobody", 404},
		{"/api/v1/rules/EV000", 404},
		{"/api/v1/repos?stage=9", 400},
		{"/api/v1/rules?format=csv&x=1", 200},
		{"/api/v1/repos/openstack/nova/-/entrypoints/svc-api-0?format=csv", 400},
		{"/api/v1/no/such/page", 404},
	} {
		resp, body := get(t, ts.URL+tt.path)
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s = %d, want %d\n%s", tt.path, resp.StatusCode, tt.status, body)
			continue
		}
		if tt.status >= 400 {
			var p problem
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal([]byte(body), &p) != nil || p.Status != tt.status || p.Detail == "" {
				t.Errorf("GET %s: %s %s, want an RFC 9457 problem", tt.path, ct, body)
			}
		}
	}
	// HTML pages answer errors as pages.
	resp, body := get(t, ts.URL+"/repos/openstack/none")
	if resp.StatusCode != 404 || !strings.Contains(body, "no scan of repository") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /repos/openstack/none = %d %s", resp.StatusCode, body)
	}
}

// TestQueryBound checks that a page's store queries do not grow with the
// fleet: the same page over 3 and over 30 repositories costs the same.
func TestQueryBound(t *testing.T) {
	count := func(n int) map[string]int64 {
		var scans []seedScan
		for i := range n {
			repo := fmt.Sprintf("openstack/r%02d", i)
			scans = append(scans, seedScan{repo, fmt.Sprintf("t%d", i%3), "2025.2", 0, intp(0), []modes.Mode{modes.EventletOnly}, 4, false},
				seedScan{repo, fmt.Sprintf("t%d", i%3), "2026.1", 100, intp(1), []modes.Mode{modes.DualDefaultEventlet}, 3, false})
		}
		st := &counting{DB: seed(t, scans)}
		_, ts := newServer(t, st, false)
		get(t, ts.URL+"/api/v1/overview") // fills the status cache (its cost is per store generation), not the page cache of "/"
		out := map[string]int64{}
		for name, path := range map[string]string{"overview": "/", "team": "/teams/t0", "repos": "/repos", "repo": "/repos/openstack/r00",
			"entrypoint": "/repos/openstack/r00/-/entrypoints/svc-api-0", "finding": "/repos/openstack/r00/-/findings/fp-EV102-0", "diff": "/diff?from=2025.2&to=2026.1"} {
			st.n.Store(0)
			if resp, body := get(t, ts.URL+path); resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
			}
			out[name] = st.n.Load()
		}
		return out
	}
	small, large := count(3), count(30)
	for name, n := range small {
		if large[name] != n || n > 6 {
			t.Errorf("%s: %d queries over 3 repositories, %d over 30: want the same, at most 6", name, n, large[name])
		}
	}
	t.Logf("queries per page: %v", small)
}

func TestPrivate(t *testing.T) {
	db := seed(t, fleetFixture())
	_, ts := newServer(t, db, true)
	if resp, _ := get(t, ts.URL+"/"); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("private / without a token = %d", resp.StatusCode)
	}
	secret := newToken(t, db, "openstack/nova", "")
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/repos", nil)
	req.SetBasicAuth("ci", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("private /api/v1/repos with a token = %v %v", resp.StatusCode, err)
	}
	req.SetBasicAuth("ci", secret+"x")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 401 {
		t.Errorf("private with a wrong token = %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz of a private server = %d, want 200 (no data in it)", resp.StatusCode)
	}
}

// TestLinksResolve follows every same-site link of every page type (and
// of the pages they lead to, two levels deep): each must answer 200 (or
// redirect to a page that does), so that every number leads somewhere.
func TestLinksResolve(t *testing.T) {
	_, ts := newServer(t, seed(t, fleetFixture()), false)
	hrefRE := regexp.MustCompile(`href="(/[^"]*)"`)
	seen := map[string]bool{}
	var queue []string
	for _, p := range pageURLs(t, ts.URL) {
		queue = append(queue, p)
	}
	for depth := 0; depth < 3 && len(queue) > 0; depth++ {
		var next []string
		for _, p := range queue {
			if seen[p] {
				continue
			}
			seen[p] = true
			resp, body := get(t, ts.URL+p)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", p, resp.StatusCode)
				continue
			}
			if !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				next = append(next, html.UnescapeString(m[1]))
			}
		}
		queue = next
	}
	if len(seen) < 20 {
		t.Errorf("only %d pages reached", len(seen))
	}
}
