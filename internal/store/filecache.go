package store

import (
	"context"
	"fmt"
)

// CachePolicy bounds the file cache (CachePrune).
type CachePolicy struct {
	// Build, when set, keeps only the entries written by this letgo build:
	// the others can never be served (a stored result's key names the
	// build that computed it).
	Build string
	// MaxBytes, when positive, bounds the size of the values kept: the
	// least recently used entries (by the write transaction that last put
	// or used them) are dropped first.
	MaxBytes int64
}

// CachePruned says what a prune did.
type CachePruned struct {
	Dropped int   `json:"dropped"`
	Kept    int   `json:"kept"`
	Bytes   int64 `json:"bytes"`
}

// CacheUse stores the put entries and marks the used keys (entries a scan
// was served) as used now, in one transaction: "now" is one step of a
// counter the cache advances per transaction, which CachePrune's bound
// drops the oldest of first.
func (db *DB) CacheUse(ctx context.Context, used []CacheKey, put []CacheEntry) error {
	if len(used) == 0 && len(put) == 0 {
		return nil
	}
	for _, e := range put {
		if e.Key.Content == "" || e.Key.RuleSet == "" {
			return fmt.Errorf("write cache %s/%s: empty key", e.Key.Content, e.Key.RuleSet)
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	defer tx.Rollback()
	var now int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(used), 0) + 1 FROM file_cache`).Scan(&now); err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	// A scan puts hundreds of entries: each statement is prepared once
	// for the transaction, not once per entry.
	if len(put) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO file_cache (content_hash, ruleset, value, build, used, size) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (content_hash, ruleset) DO UPDATE SET value = excluded.value, build = excluded.build, used = excluded.used, size = excluded.size`)
		if err != nil {
			return fmt.Errorf("write cache: %w", err)
		}
		defer ins.Close()
		for _, e := range put {
			v := e.Value
			if v == nil {
				v = []byte{}
			}
			if _, err := ins.ExecContext(ctx, e.Key.Content, e.Key.RuleSet, v, e.Build, now, int64(len(v))); err != nil {
				return fmt.Errorf("write cache %s/%s: %w", e.Key.Content, e.Key.RuleSet, err)
			}
		}
	}
	if len(used) > 0 {
		upd, err := tx.PrepareContext(ctx, `UPDATE file_cache SET used = $1 WHERE content_hash = $2 AND ruleset = $3`)
		if err != nil {
			return fmt.Errorf("write cache: %w", err)
		}
		defer upd.Close()
		for _, k := range used {
			if _, err := upd.ExecContext(ctx, now, k.Content, k.RuleSet); err != nil {
				return fmt.Errorf("write cache %s/%s: %w", k.Content, k.RuleSet, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	return nil
}

// CachePrune drops the entries the policy does not keep, in one
// transaction: those of other builds, then, while the values kept are
// larger than the bound, the least recently used (whole steps of the use
// counter at a time, oldest first).
func (db *DB) CachePrune(ctx context.Context, p CachePolicy) (CachePruned, error) {
	var out CachePruned
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("prune cache: %w", err)
	}
	defer tx.Rollback()
	if p.Build != "" {
		r, err := tx.ExecContext(ctx, `DELETE FROM file_cache WHERE build <> $1`, p.Build)
		if err != nil {
			return out, fmt.Errorf("prune cache: %w", err)
		}
		n, _ := r.RowsAffected()
		out.Dropped += int(n)
	}
	if p.MaxBytes > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT used, SUM(size) FROM file_cache GROUP BY used ORDER BY used DESC`)
		if err != nil {
			return out, fmt.Errorf("prune cache: %w", err)
		}
		var total int64
		cut, over := int64(0), false
		for rows.Next() {
			var used, size int64
			if err := rows.Scan(&used, &size); err != nil {
				rows.Close()
				return out, fmt.Errorf("prune cache: %w", err)
			}
			if total+size > p.MaxBytes {
				cut, over = used, true
				break
			}
			total += size
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return out, fmt.Errorf("prune cache: %w", err)
		}
		rows.Close()
		if over {
			r, err := tx.ExecContext(ctx, `DELETE FROM file_cache WHERE used <= $1`, cut)
			if err != nil {
				return out, fmt.Errorf("prune cache: %w", err)
			}
			n, _ := r.RowsAffected()
			out.Dropped += int(n)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM file_cache`).Scan(&out.Kept, &out.Bytes); err != nil {
		return out, fmt.Errorf("prune cache: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return out, fmt.Errorf("prune cache: %w", err)
	}
	return out, nil
}
