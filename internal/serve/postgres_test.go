package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/store/postgres"
)

// TestPagesPostgres serves every page type and an upload from a
// PostgreSQL store (skipped without LETGO_TEST_POSTGRES, required in CI as
// the store's suite is), in a schema of its own dropped at the end.
func TestPagesPostgres(t *testing.T) {
	dsn := os.Getenv("LETGO_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LETGO_TEST_POSTGRES is not set: CI must run the PostgreSQL tests")
		}
		t.Skip("LETGO_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	rand.Read(b)
	schema := "letgo_serve_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := seedInto(t, u.String(), fleetFixture())
	_, ts := newServer(t, db, false)
	for name, path := range pageURLs(t, ts.URL) {
		if resp, body := get(t, ts.URL+path); resp.StatusCode != 200 || !strings.Contains(body, "</main>") {
			t.Errorf("%s: GET %s = %d", name, path, resp.StatusCode)
		}
	}
	secret := newToken(t, db, "openstack/nova", "")
	if status, body := post(t, ts.URL+"/api/v1/scans?repo=openstack/nova&commit="+sha, secret, scanJSON(t), true); status != 201 {
		t.Errorf("upload = %d %s", status, body)
	}
	if status, _ := post(t, ts.URL+"/api/v1/scans?repo=openstack/nova&commit="+sha, secret, scanJSON(t), false); status != 200 {
		t.Errorf("replayed upload = %d, want 200", status)
	}
}
