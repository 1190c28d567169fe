package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/letgo-dev/letgo/internal/store/postgres"
	"github.com/letgo-dev/letgo/internal/store/sqlite"
)

// Backend names a kind of database.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// ParseDSN tells which backend a DSN names and what to hand its driver:
// "letgo.db", "./x.db", "/abs/x.db", "sqlite:x.db" and "sqlite:///abs/x.db"
// are SQLite files (the path is returned); "postgres://…" and
// "postgresql://…" are PostgreSQL URLs (returned whole). Any other
// "scheme://" is an error rather than a file of that odd name.
func ParseDSN(dsn string) (Backend, string, error) {
	switch {
	case dsn == "":
		return "", "", errors.New("empty store dsn")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//") // sqlite:///abs → /abs, sqlite://rel → rel
		if path == "" {
			return "", "", fmt.Errorf("store dsn %q names no file", dsn)
		}
		return SQLite, path, nil
	}
	if i := strings.Index(dsn, "://"); i > 0 && !strings.ContainsAny(dsn[:i], `/\.`) {
		return "", "", fmt.Errorf("store dsn %q: unsupported scheme %q (want a file path, sqlite: or postgres://)", dsn, dsn[:i])
	}
	return SQLite, dsn, nil
}

// DB is a store in a SQLite file or a PostgreSQL database.
type DB struct {
	name    string // the DSN as errors show it (no password)
	backend Backend
	read    *sql.DB // queries
	write   *sql.DB // transactions that write
	close   func() error
}

var _ Store = (*DB)(nil)

// Open opens the store a DSN names (see ParseDSN), creating a SQLite file
// when it is missing, and brings its schema up to date. A store that cannot
// be opened or migrated is an error naming it, and is left as it was.
func Open(ctx context.Context, dsn string) (*DB, error) {
	backend, target, err := ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db := &DB{name: redact(dsn), backend: backend}
	switch backend {
	case SQLite:
		sdb, err := sqlite.Open(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("open store %q: %w", db.name, err)
		}
		db.read, db.write, db.close = sdb.Read, sdb.Write, sdb.Close
	case Postgres:
		pdb, err := postgres.Open(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("open store %q: %w", db.name, err)
		}
		db.read, db.write, db.close = pdb.DB, pdb.DB, pdb.Close
	}
	if err := migrate(ctx, db.write, backend, migrationFiles(backend)); err != nil {
		db.close()
		return nil, fmt.Errorf("open store %q: %w", db.name, err)
	}
	return db, nil
}

// Backend tells which kind of database holds the store.
func (db *DB) Backend() Backend { return db.backend }

// String names the store as errors do: its DSN without a password.
func (db *DB) String() string { return db.name }

// Close releases the store's connections.
func (db *DB) Close() error {
	if err := db.close(); err != nil {
		return fmt.Errorf("close store %q: %w", db.name, err)
	}
	return nil
}

// redact hides a URL's password, which must not reach an error or a log.
func redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}
