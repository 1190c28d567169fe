package serve

import (
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/modes"
)

// Repository names planted with hostile values: stored as a fleet scan
// would store them (uploads refuse such names).
var (
	hostileRepoSVG    = "openstack/" + hostileSVG
	hostileRepoScript = "openstack/" + strings.ReplaceAll(hostileScript, "/", "") + hostileANSI
)

func hostileFixture() []seedScan {
	return []seedScan{
		{hostileRepoSVG, "team" + hostileSVG, "2026.1", 0, intp(0), []modes.Mode{modes.EventletOnly}, 4, true},
		{hostileRepoSVG, "team" + hostileSVG, "", 10, intp(1), []modes.Mode{modes.DualDefaultEventlet}, 3, true},
		{hostileRepoScript, "nova", "2026.1", 0, intp(2), []modes.Mode{modes.DualDefaultThreading}, 2, true},
	}
}

func hostileURLs() map[string]string {
	repo := "/repos/" + escapeRepo(hostileRepoSVG)
	return map[string]string{
		"overview":   "/",
		"repos":      "/repos",
		"team":       "/teams/" + escapeRepo("team"+hostileSVG),
		"repo":       repo,
		"repo2":      "/repos/" + escapeRepo(hostileRepoScript),
		"entrypoint": repo + "/-/entrypoints/" + escapeRepo("svc-"+hostileSVG+"-0"),
		"finding":    repo + "/-/findings/fp-EV102-0",
		"diff":       "/diff?from=2026.1&to=latest",
		"badge":      "/badge/" + escapeRepo(hostileRepoSVG) + ".svg",
	}
}

// TestHostileValuesEscaped: a file path, a finding message, an entry point
// name, a team and repository names holding markup and ANSI escapes are
// shown as text on every page: no element or attribute comes from them,
// and the escape character is shown as a visible escape.
func TestHostileValuesEscaped(t *testing.T) {
	_, ts := newServer(t, seed(t, hostileFixture()), false)
	for name, path := range hostileURLs() {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, ts.URL+path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d\n%s", path, resp.StatusCode, body)
			}
			low := strings.ToLower(body)
			for _, bad := range []string{"<script", "<svg onload", `"><svg`, "\x1b"} {
				if strings.Contains(low, bad) {
					t.Errorf("GET %s: the page holds %q raw", path, bad)
				}
			}
			if name != "badge" && name != "diff" && !strings.Contains(body, "&lt;svg onload=alert(1)&gt;") && !strings.Contains(body, "&lt;script&gt;") {
				t.Errorf("GET %s: the hostile value is not shown as text", path)
			}
		})
	}
	_, body := get(t, ts.URL+hostileURLs()["finding"])
	if !strings.Contains(body, `\x1b[31mred`) {
		t.Errorf("the finding's ANSI escape is not shown as a visible escape")
	}
}
