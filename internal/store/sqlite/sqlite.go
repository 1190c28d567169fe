// Package sqlite opens SQLite database files for the store. It is the one
// package that imports the SQLite driver (modernc.org/sqlite, pure Go, so
// letgo stays a single cgo-free binary); the SQL itself lives in the store.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteBusy is SQLITE_BUSY, the primary result code of a locked file.
const sqliteBusy = 5

// BusyTimeout is how long a connection waits for another writer (another
// goroutine's or another process's transaction) before it gives up.
const BusyTimeout = 60 * time.Second

// DB is an open SQLite file: one connection that writes and a small pool
// that reads. SQLite allows one writer at a time; funnelling writes through
// one connection makes goroutines of this process queue in Go instead of
// spinning on SQLITE_BUSY, and the busy timeout covers other processes.
type DB struct {
	Read  *sql.DB
	Write *sql.DB
}

// Open opens (creating when missing) the database file at path in WAL mode.
// Write transactions begin IMMEDIATE so that a writer takes the lock before
// it reads, never upgrading a read lock mid-transaction (which SQLite
// answers with an immediate SQLITE_BUSY that no timeout retries).
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, errors.New("path contains '?' or '#'")
	}
	// SQLite says "unable to open database file" for each of these; say
	// which.
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, errors.New("is a directory")
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", filepath.Dir(path))
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a committed transaction survives a power cut, not only a crash.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	read, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	read.SetMaxOpenConns(4)
	q.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		read.Close()
		return nil, err
	}
	write.SetMaxOpenConns(1)
	db := &DB{Read: read, Write: write}
	if err := db.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// check makes the first connection, where SQLite reads the file header:
// a file that is not a database, or a directory that cannot hold one,
// fails here rather than at the first query.
//
// The first connection also switches a new file to WAL. Two processes
// creating one file at once can get SQLITE_BUSY from that switch without
// the busy handler running, so it is retried within BusyTimeout.
func (db *DB) check(ctx context.Context) error {
	var mode string
	deadline := time.Now().Add(BusyTimeout)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := db.Write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if err == nil {
			break
		}
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, not wal", mode)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.Write.Close(), db.Read.Close())
}
