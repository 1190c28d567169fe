package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/letgo-dev/letgo/internal/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite testdata/migrations.sum")

// TestMigrationsAppendOnly pins the checksum of every migration: editing a
// released migration fails here (add a new one instead); a new migration
// is added to the list with -update. Both backends have the same numbers.
func TestMigrationsAppendOnly(t *testing.T) {
	var lines []string
	var counts []int
	for _, b := range []Backend{SQLite, Postgres} {
		ms, err := readMigrations(migrationFiles(b))
		if err != nil {
			t.Fatalf("%s migrations: %v", b, err)
		}
		counts = append(counts, len(ms))
		for _, m := range ms {
			sum := sha256.Sum256([]byte(m.sql))
			lines = append(lines, fmt.Sprintf("%s/%s %s", b, m.name, hex.EncodeToString(sum[:])))
		}
	}
	if counts[0] != counts[1] {
		t.Errorf("sqlite has %d migrations, postgres %d: want the same", counts[0], counts[1])
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "migrations.sum")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := strings.Split(strings.TrimSpace(string(want)), "\n")
	gotSet := map[string]bool{}
	for _, l := range lines {
		gotSet[l] = true
	}
	for _, l := range wantLines {
		if !gotSet[l] {
			t.Errorf("released migration changed or removed: %s (migrations are append-only)", l)
		}
	}
	if len(lines) != len(wantLines) {
		t.Errorf("%d migrations, %d in %s: run with -update after adding one", len(lines), len(wantLines), golden)
	}
}

func TestReadMigrationsNumbering(t *testing.T) {
	ok := "CREATE TABLE t (x INTEGER);"
	for _, tt := range []struct {
		name string
		fs   fstest.MapFS
		ok   bool
	}{
		{"consecutive", fstest.MapFS{"0001_a.sql": {Data: []byte(ok)}, "0002_b.sql": {Data: []byte(ok)}}, true},
		{"gap", fstest.MapFS{"0001_a.sql": {Data: []byte(ok)}, "0003_c.sql": {Data: []byte(ok)}}, false},
		{"starts at 2", fstest.MapFS{"0002_b.sql": {Data: []byte(ok)}}, false},
		{"unpadded", fstest.MapFS{"1_a.sql": {Data: []byte(ok)}}, false},
		{"no name", fstest.MapFS{"0001.sql": {Data: []byte(ok)}}, false},
	} {
		_, err := readMigrations(tt.fs)
		if (err == nil) != tt.ok {
			t.Errorf("readMigrations(%s) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMigrationFailureLeavesStore applies a second migration that fails
// after its first statement: the store keeps version 1 and none of the
// second migration's changes; a third binary's pending pair is all or
// nothing too.
func TestMigrationFailureLeavesStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v1 := fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")}}
	if err := migrate(ctx, db.Write, SQLite, v1); err != nil {
		t.Fatalf("migrate(v1) = %v", err)
	}
	before := tables(t, db.Read)
	bad := fstest.MapFS{
		"0001_a.sql": v1["0001_a.sql"],
		"0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER); ALTER TABLE a ADD COLUMN y INTEGER; INSERT INTO nosuch VALUES (1);")},
	}
	err = migrate(ctx, db.Write, SQLite, bad)
	if err == nil || !strings.Contains(err.Error(), "migration 0002_b.sql") {
		t.Fatalf("migrate(bad) = %v, want an error naming 0002_b.sql", err)
	}
	if got := tables(t, db.Read); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Errorf("tables after a failed migration = %v, want %v", got, before)
	}
	if v := version(t, db.Read); v != 1 {
		t.Errorf("schema version after a failed migration = %d, want 1", v)
	}
	var cols int
	db.Read.QueryRow("SELECT COUNT(*) FROM pragma_table_info('a')").Scan(&cols)
	if cols != 1 {
		t.Errorf("table a has %d columns after the failed migration, want 1", cols)
	}

	// A binary older than the store refuses it rather than guess.
	good := fstest.MapFS{"0001_a.sql": v1["0001_a.sql"], "0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER);")}}
	if err := migrate(ctx, db.Write, SQLite, good); err != nil {
		t.Fatalf("migrate(good) = %v", err)
	}
	if err := migrate(ctx, db.Write, SQLite, v1); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("migrate(older binary) = %v, want a schema-is-newer error", err)
	}
}

// TestEmbeddedMigrationsApply checks the real migrations create every table
// the queries use, once, and that reopening applies nothing again.
func TestEmbeddedMigrationsApply(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "letgo.db")
	for i := 0; i < 2; i++ {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d = %v", i+1, err)
		}
		ms, _ := fs.Glob(migrationFiles(SQLite), "*.sql")
		if v := version(t, s.read); v != len(ms) {
			t.Errorf("schema version = %d, want %d", v, len(ms))
		}
		var n int
		s.read.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
		if n != len(ms) {
			t.Errorf("schema_migrations has %d rows after open #%d, want %d", n, i+1, len(ms))
		}
		s.Close()
	}
}
