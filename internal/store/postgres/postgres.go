// Package postgres opens PostgreSQL databases for the store. It is the one
// package that imports the PostgreSQL driver (github.com/jackc/pgx/v5); the
// SQL itself lives in the store.
package postgres

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// DB is a pgx connection pool seen through database/sql, so that the
// store's SQL runs unchanged on SQLite and PostgreSQL.
type DB struct {
	*sql.DB
	pool *pgxpool.Pool
}

// Open connects to the database a postgres:// or postgresql:// URL names
// (libpq keywords such as sslmode, and run-time parameters such as
// search_path, ride in the query string) and checks that it answers.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{DB: stdlib.OpenDBFromPool(pool), pool: pool}, nil
}

// Close closes the database/sql handle and then the pool under it (closing
// the handle alone leaves the pool open).
func (db *DB) Close() error {
	err := db.DB.Close()
	db.pool.Close()
	return err
}
