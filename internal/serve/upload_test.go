package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/store"
)

func newToken(t *testing.T, db *store.DB, pattern, team string) string {
	t.Helper()
	secret, err := store.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateToken(context.Background(), store.Token{RepoPattern: pattern, Team: team}, secret); err != nil {
		t.Fatal(err)
	}
	return secret
}

func scanJSON(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(fixtureResult(intp(1), []modes.Mode{modes.DualDefaultEventlet}, 4, false))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, url, token string, body []byte, gz bool) (int, string) {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(body)
		zw.Close()
		rd = &buf
	}
	req, _ := http.NewRequest("POST", url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func numScans(t *testing.T, db *store.DB) int {
	t.Helper()
	all, err := db.Scans(context.Background(), store.ScanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

const sha = "0123456789abcdef0123456789abcdef01234567"

func TestUpload(t *testing.T) {
	db := seed(t, fleetFixture())
	_, ts := newServer(t, db, false)
	nova := newToken(t, db, "openstack/nova", "")
	oslo := newToken(t, db, "openstack/oslo.*", "")
	glanceTeam := newToken(t, db, "", "glance")
	revoked := newToken(t, db, "openstack/*", "")
	toks, _ := db.Tokens(context.Background())
	db.RevokeToken(context.Background(), toks[len(toks)-1].ID)
	good := scanJSON(t)
	big := bytes.Repeat([]byte(" "), 1<<20+10) // over the test server's 1 MiB limit
	bomb := append(append([]byte(nil), good[:len(good)-1]...), append(bytes.Repeat([]byte(" "), 2<<20), '}')...)
	u := func(repo, commit string) string { return ts.URL + "/api/v1/scans?repo=" + repo + "&commit=" + commit }
	for _, tt := range []struct {
		name   string
		url    string
		token  string
		body   []byte
		gz     bool
		status int
	}{
		{"no token", u("openstack/nova", sha), "", good, false, 401},
		{"wrong token", u("openstack/nova", sha), nova + "0", good, false, 401},
		{"revoked token", u("openstack/nova", sha), revoked, good, false, 401},
		{"other repository's token", u("openstack/nova", sha), oslo, good, false, 403},
		{"other team's token", u("openstack/nova", sha), glanceTeam, good, false, 403},
		{"team token for an unknown repository", u("openstack/newthing", sha), glanceTeam, good, false, 403},
		{"no repo", ts.URL + "/api/v1/scans?commit=" + sha, nova, good, false, 400},
		{"no commit", ts.URL + "/api/v1/scans?repo=openstack/nova", nova, good, false, 400},
		{"short commit", u("openstack/nova", "0123abc"), nova, good, false, 400},
		{"oversized", u("openstack/nova", sha), nova, big, false, 413},
		{"oversized once decompressed", u("openstack/nova", sha), nova, bomb, true, 413},
		{"malformed JSON", u("openstack/nova", sha), nova, good[:len(good)/2], false, 400},
		{"not a scan", u("openstack/nova", sha), nova, []byte(`{"schema":1,"hello":"world"}`), false, 400},
		{"wrong schema", u("openstack/nova", sha), nova, bytes.Replace(good, []byte(`"schema":1`), []byte(`"schema":99`), 1), false, 400},
		{"two documents", u("openstack/nova", sha), nova, append(append([]byte(nil), good...), good...), false, 400},
		{"unknown mode", u("openstack/nova", sha), nova, bytes.Replace(good, []byte(`"mode":"dual-default-eventlet"`), []byte(`"mode":"green-only"`), 1), false, 400},
		{"unknown concern", u("openstack/nova", sha), nova, bytes.Replace(good, []byte(`"type":"heartbeat-sleep"`), []byte(`"type":"heartbeat"`), 1), false, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := numScans(t, db)
			status, body := post(t, tt.url, tt.token, tt.body, tt.gz)
			if status != tt.status {
				t.Errorf("status %d, want %d: %s", status, tt.status, body)
			}
			var p problem
			if json.Unmarshal([]byte(body), &p) != nil || p.Status != tt.status {
				t.Errorf("body %s: want a problem with status %d", body, tt.status)
			}
			if n := numScans(t, db); n != before {
				t.Errorf("the store went from %d to %d scans", before, n)
			}
		})
	}
	t.Run("stored, then replayed", func(t *testing.T) {
		before := numScans(t, db)
		_, page := get(t, ts.URL+"/repos/openstack/nova")
		if strings.Contains(page, sha) {
			t.Fatal("the commit is on the page before its upload")
		}
		status, body := post(t, u("openstack/nova", sha)+"&series=2026.2&ref=master", nova, good, true)
		var ans uploadAnswer
		if status != 201 || json.Unmarshal([]byte(body), &ans) != nil || !ans.Created || !strings.HasSuffix(ans.URL, fmt.Sprintf("/scans/%d", ans.ID)) {
			t.Fatalf("upload = %d %s", status, body)
		}
		if resp, page := get(t, ans.URL); resp.StatusCode != 200 || !strings.Contains(page, sha) {
			t.Errorf("the answered URL %s = %d", ans.URL, resp.StatusCode)
		}
		// The cached page of the repository is not served stale.
		if _, page := get(t, ts.URL+"/repos/openstack/nova"); !strings.Contains(page, sha) {
			t.Error("the repository page does not show the uploaded scan")
		}
		status, body = post(t, u("openstack/nova", sha)+"&series=2026.2&ref=master", nova, good, false)
		var again uploadAnswer
		if status != 200 || json.Unmarshal([]byte(body), &again) != nil || again.Created || again.ID != ans.ID {
			t.Errorf("replay = %d %s, want 200 with the same id %d", status, body, ans.ID)
		}
		if n := numScans(t, db); n != before+1 {
			t.Errorf("scans %d, want %d", n, before+1)
		}
		// The team token writes where the store places the repository.
		if status, body := post(t, u("openstack/glance", sha), glanceTeam, good, false); status != 201 {
			t.Errorf("team token upload = %d %s", status, body)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		before := numScans(t, db)
		var wg sync.WaitGroup
		codes := make([]int, 4)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Two pairs: each pair uploads one commit twice at once.
				c := strings.Repeat(fmt.Sprint(i/2+7), 40)
				codes[i], _ = post(t, u("openstack/oslo.service", c), oslo, good, false)
			}()
		}
		wg.Wait()
		created := 0
		for _, c := range codes {
			switch c {
			case 201:
				created++
			case 200:
			default:
				t.Errorf("concurrent upload = %d", c)
			}
		}
		if created != 2 || numScans(t, db) != before+2 {
			t.Errorf("concurrent uploads created %d (codes %v), store +%d: want 2", created, codes, numScans(t, db)-before)
		}
	})
}

// TestUploadCutShort sends half an upload and drops the connection: the
// store is unchanged, and a whole upload afterwards is stored.
func TestUploadCutShort(t *testing.T) {
	db := seed(t, fleetFixture())
	_, ts := newServer(t, db, false)
	nova := newToken(t, db, "openstack/nova", "")
	good := scanJSON(t)
	before := numScans(t, db)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/scans?repo=openstack/nova&commit=%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", sha, nova, len(good))
	conn.Write(good[:len(good)/2])
	time.Sleep(100 * time.Millisecond)
	conn.Close()
	time.Sleep(200 * time.Millisecond)
	if n := numScans(t, db); n != before {
		t.Errorf("after a cut upload the store went from %d to %d scans", before, n)
	}
	if status, body := post(t, ts.URL+"/api/v1/scans?repo=openstack/nova&commit="+sha, nova, good, false); status != 201 {
		t.Errorf("whole upload after = %d %s", status, body)
	}
}
