package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/store/storetest"
)

// TestServeQueries runs the token and multi-scan queries of letgo serve on
// both backends (PostgreSQL skips without LETGO_TEST_POSTGRES, as the
// conformance suite does).
func TestServeQueries(t *testing.T) {
	for _, tt := range []struct {
		name string
		open func(*testing.T) store.Store
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "postgres" {
				postgresDSN(t)
			}
			s := tt.open(t)
			t.Cleanup(func() { s.Close() })
			db := s.(*store.DB)
			t.Run("Tokens", func(t *testing.T) { testTokens(t, db) })
			t.Run("Many", func(t *testing.T) { testMany(t, db) })
		})
	}
}

func testTokens(t *testing.T, db *store.DB) {
	ctx := context.Background()
	secret, err := store.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := store.NewSecret()
	if secret == other || !strings.HasPrefix(secret, "letgo_") || len(secret) != len("letgo_")+64 {
		t.Fatalf("NewSecret() = %q, %q: want two distinct letgo_ + 64 hex", secret, other)
	}
	id, err := db.CreateToken(ctx, store.Token{RepoPattern: "openstack/oslo.*", Note: "ci"}, secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateToken(ctx, store.Token{RepoPattern: "x", Team: "y"}, other); err == nil {
		t.Error("CreateToken(repo and team) = nil, want an error")
	}
	if _, err := db.CreateToken(ctx, store.Token{RepoPattern: "[", Team: ""}, other); err == nil {
		t.Error("CreateToken(bad pattern) = nil, want an error")
	}
	tid, err := db.CreateToken(ctx, store.Token{Team: "nova"}, other)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.TokenBySecret(ctx, secret)
	if err != nil {
		t.Fatalf("TokenBySecret = %v", err)
	}
	if tok.ID != id || tok.RepoPattern != "openstack/oslo.*" || tok.Note != "ci" {
		t.Errorf("TokenBySecret = %+v", tok)
	}
	for _, c := range []struct {
		repo, team string
		want       bool
	}{{"openstack/oslo.db", "", true}, {"openstack/nova", "", false}, {"openstack/oslo.db/x", "", false}} {
		if got := tok.Allows(c.repo, c.team); got != c.want {
			t.Errorf("Allows(%q) = %v, want %v", c.repo, got, c.want)
		}
	}
	team, _ := db.TokenBySecret(ctx, other)
	if !team.Allows("openstack/nova", "nova") || team.Allows("openstack/nova", "") || team.Allows("openstack/glance", "glance") {
		t.Errorf("team token %+v allows the wrong repositories", team)
	}
	if _, err := db.TokenBySecret(ctx, secret+"0"); !errors.Is(err, store.ErrBadToken) {
		t.Errorf("TokenBySecret(wrong) = %v, want ErrBadToken", err)
	}
	// Only the hash is stored: the secret appears nowhere in the table.
	list, err := db.Tokens(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("Tokens() = %v, %v", list, err)
	}
	if strings.Contains(strings.Join([]string{list[0].RepoPattern, list[0].Note}, " "), secret) {
		t.Error("the secret is stored")
	}
	if err := db.RevokeToken(ctx, tid); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeToken(ctx, tid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeToken twice = %v, want ErrNotFound", err)
	}
	if _, err := db.TokenBySecret(ctx, other); !errors.Is(err, store.ErrBadToken) {
		t.Errorf("TokenBySecret(revoked) = %v, want ErrBadToken", err)
	}
}

func testMany(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g0, err := db.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 3 {
		res := storetest.NewResult(int64(i), 5+i, 2+i)
		m := store.Meta{Repo: "openstack/nova", Team: "nova", Commit: strings.Repeat(string(rune('a'+i)), 40), Series: "2026.1",
			ScannedAt: time.Date(2026, 4, 1+i, 0, 0, 0, 0, time.UTC), RuleSet: "rules-1"}
		id, _, err := db.SaveScan(ctx, &store.Scan{Meta: m, Result: res})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	g1, _ := db.Generation(ctx)
	if g0 == g1 {
		t.Errorf("Generation unchanged by saves: %q", g1)
	}
	fs, err := db.FindingsOf(ctx, append(ids, 999999))
	if err != nil {
		t.Fatal(err)
	}
	eps, err := db.EntryPointsOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		want, _ := db.Findings(ctx, id)
		if d := cmp.Diff(want, fs[id]); d != "" {
			t.Errorf("FindingsOf[%d] differs from Findings (-want +got):\n%s", id, d)
		}
		wantE, _ := db.EntryPoints(ctx, id)
		if d := cmp.Diff(wantE, eps[id]); d != "" {
			t.Errorf("EntryPointsOf[%d] differs from EntryPoints (-want +got):\n%s", id, d)
		}
	}
	fp := fs[ids[0]][0].Fingerprint
	got, err := db.ScansWithFingerprint(ctx, "openstack/nova", fp)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, id := range ids {
		for _, f := range fs[id] {
			if f.Fingerprint == fp {
				want = append(want, id)
				break
			}
		}
	}
	if d := cmp.Diff(want, got); d != "" || len(got) == 0 {
		t.Errorf("ScansWithFingerprint (-want +got):\n%s", d)
	}
	if got, _ := db.ScansWithFingerprint(ctx, "openstack/glance", fp); len(got) != 0 {
		t.Errorf("ScansWithFingerprint(other repo) = %v, want none", got)
	}
}
