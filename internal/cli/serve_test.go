package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs letgo serve in-process on a free port and returns its
// URL and a function that stops it (as SIGTERM does) and returns its exit
// code and log.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), io.Discard, &logs)
	}()
	re := regexp.MustCompile(`"url":"(http://[^"]+)"`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			return m[1], func() (int, string) { cancel(); return <-done, logs.String() }
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start: %s", logs.String())
	return "", nil
}

// TestServeUploadAndStatus: a token is created, a project scanned and
// uploaded with scan --upload, and /api/v1/repos answers with exactly the
// repositories of fleet status --format json (one judgement for both);
// the server stops cleanly and its log holds no secret.
func TestServeUploadAndStatus(t *testing.T) {
	db := filepath.Join(t.TempDir(), "letgo.db")
	secret, stderr, code := run(t, "token", "create", "--db", db, "--repo", "openstack/demo", "--note", "ci")
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "letgo_") {
		t.Fatalf("token create = %d %q %s", code, secret, stderr)
	}
	base, stop := startServe(t, "--db", db)
	dir := project(t, nil)
	const commit = "89abcdef0123456789abcdef0123456789abcdef"
	t.Setenv("LETGO_TOKEN", secret)
	_, stderr, code = run(t, "scan", "--format", "json", "--upload", base, "--repo", "openstack/demo", "--commit", commit, "--series", "2026.2", dir)
	if code != 0 || !strings.Contains(stderr, "stored: "+base+"/scans/") {
		t.Fatalf("scan --upload = %d: %s", code, stderr)
	}
	_, stderr, _ = run(t, "scan", "--upload", base, "--repo", "openstack/demo", "--commit", commit, "--series", "2026.2", dir)
	if !strings.Contains(stderr, "already stored") {
		t.Errorf("second upload: %s", stderr)
	}
	t.Setenv("LETGO_TOKEN", secret+"0")
	if _, stderr, code := run(t, "scan", "--upload", base, "--repo", "openstack/demo", "--commit", commit, dir); code != 1 || !strings.Contains(stderr, "401") {
		t.Errorf("upload with a wrong token = %d %s", code, stderr)
	}
	resp, err := http.Get(base + "/api/v1/repos")
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Repos []map[string]any `json:"repos"`
	}
	json.NewDecoder(resp.Body).Decode(&api)
	resp.Body.Close()
	out, _, _ := run(t, "fleet", "status", "--db", db, "--format", "json")
	var status struct {
		Repos []map[string]any `json:"repos"`
	}
	if err := json.Unmarshal([]byte(out), &status); err != nil {
		t.Fatal(err)
	}
	if len(api.Repos) != 1 || api.Repos[0]["repo"] != "openstack/demo" {
		t.Fatalf("/api/v1/repos = %v", api.Repos)
	}
	if d := cmp.Diff(status.Repos, api.Repos); d != "" {
		t.Errorf("/api/v1/repos differs from fleet status (-status +api):\n%s", d)
	}
	for _, page := range []string{"/", "/repos/openstack/demo", "/repos/openstack/demo/-/entrypoints/demo-run", "/teams/", "/badge/openstack/demo.svg"} {
		resp, err := http.Get(base + page)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if page != "/teams/" && resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", page, resp.StatusCode)
		}
	}
	code, logs := stop()
	if code != 0 || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("serve stopped with %d: %s", code, logs)
	}
	if strings.Contains(logs, secret) {
		t.Error("the token is in the server's log")
	}
	if !strings.Contains(logs, `"msg":"upload"`) || !strings.Contains(logs, `"path":"/api/v1/scans"`) {
		t.Errorf("the access log lacks the uploads: %s", logs)
	}
	out, _, _ = run(t, "token", "list", "--db", db)
	if !strings.Contains(out, "repo openstack/demo") || strings.Contains(out, secret) {
		t.Errorf("token list = %s", out)
	}
	if _, stderr, code := run(t, "token", "revoke", "--db", db, "1"); code != 0 {
		t.Errorf("token revoke = %d %s", code, stderr)
	}
	if _, _, code := run(t, "token", "create", "--db", db); code != ExitUsage {
		t.Errorf("token create without a scope = %d, want 2", code)
	}
	if _, _, code := run(t, "scan", "--upload", "http://x", dir); code != ExitUsage {
		t.Errorf("scan --upload without --repo = %d, want 2", code)
	}
}
