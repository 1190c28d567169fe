package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// Migrations are numbered files NNNN_what.sql, one directory per backend,
// the same numbers in both. They are append-only: a released migration is
// never edited (TestMigrationsAppendOnly holds their checksums), a change
// is a new file.
//
//go:embed migrations
var migrationsFS embed.FS

func migrationFiles(b Backend) fs.FS {
	sub, err := fs.Sub(migrationsFS, path.Join("migrations", string(b)))
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

type migration struct {
	version int
	name    string
	sql     string
}

// readMigrations returns the migrations of fsys in order, checking that
// they are numbered 1, 2, 3 … without gaps or duplicates.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // Glob sorts, and the numbers are zero-padded
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name is not NNNN_what.sql", name)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: want number %d", name, len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, name, string(b)})
	}
	return ms, nil
}

// migrationLock is the PostgreSQL advisory lock that serialises the
// migrations of processes opening one database at once (SQLite needs none:
// its write transaction is the lock).
const migrationLock = 0x6c6574676f // "letgo"

// migrate applies the pending migrations in one transaction, so a failing
// migration leaves the store exactly as it was, and refuses a store whose
// schema is newer than this binary knows.
func migrate(ctx context.Context, db *sql.DB, b Backend, fsys fs.FS) error {
	ms, err := readMigrations(fsys)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if b == Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at BIGINT NOT NULL
)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d is newer than this letgo knows (%d): use a newer letgo", current, len(ms))
	}
	if current == len(ms) {
		return nil
	}
	now := time.Now().UnixMicro()
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			m.version, m.name, now); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}
