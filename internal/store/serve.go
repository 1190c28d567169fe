package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// The queries of letgo serve: each answers for many scans at once, so that
// a page costs a bounded number of queries whatever the size of the fleet.

// Generation changes whenever a scan is saved: the number of scans and the
// newest id. A reader caches what it derived from the store under it.
func (db *DB) Generation(ctx context.Context) (string, error) {
	var n, last int64
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM scans`).Scan(&n, &last); err != nil {
		return "", fmt.Errorf("read store generation: %w", err)
	}
	return fmt.Sprintf("%d-%d", n, last), nil
}

// maxIDs bounds the scan ids of one query.
const maxIDs = 500

func idList(ids []int64) (string, []any) {
	var b strings.Builder
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
		args[i] = id
	}
	return b.String(), args
}

// FindingsOf returns the findings of several scans, by scan id, each in the
// order the scan reported them; a scan without findings (or unknown) has
// none. One query per 500 ids.
func (db *DB) FindingsOf(ctx context.Context, ids []int64) (map[int64][]analysis.Finding, error) {
	out := map[int64][]analysis.Finding{}
	for start := 0; start < len(ids); start += maxIDs {
		list, args := idList(ids[start:min(start+maxIDs, len(ids))])
		rows, err := db.read.QueryContext(ctx, `SELECT scan_id, `+strings.Join(findingCols[2:], ", ")+` FROM findings WHERE scan_id IN (`+list+`) ORDER BY scan_id, seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
		for rows.Next() {
			var id int64
			var f analysis.Finding
			var kind, severity string
			if err := rows.Scan(&id, &f.Rule, &f.Slug, &f.Family, &kind, &f.Root, &f.Path,
				&f.Line, &f.Col, &f.EndLine, &f.EndCol, &f.Message, &severity, &f.Positive,
				&f.Fingerprint, &f.Module, &f.Guard, &f.EntryPoint, &f.Replacement); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read findings: %w", err)
			}
			f.Kind, f.Severity = pyproj.FileKind(kind), analysis.Severity(severity)
			out[id] = append(out[id], f)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
	}
	return out, nil
}

// EntryPointsOf returns the entry points of several scans, by scan id.
func (db *DB) EntryPointsOf(ctx context.Context, ids []int64) (map[int64][]contract.EntryPoint, error) {
	out := map[int64][]contract.EntryPoint{}
	for start := 0; start < len(ids); start += maxIDs {
		list, args := idList(ids[start:min(start+maxIDs, len(ids))])
		rows, err := db.read.QueryContext(ctx, `SELECT scan_id, `+strings.Join(entryPointCols[2:], ", ")+` FROM entrypoints WHERE scan_id IN (`+list+`) ORDER BY scan_id, seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("read entry points: %w", err)
		}
		for rows.Next() {
			var id int64
			var e contract.EntryPoint
			var swDefault, chain, guards, evidence, sw string
			if err := rows.Scan(&id, &e.Root, &e.Name, &e.Group, &e.Target, &e.Path, &e.Source, &e.Line,
				&e.Module, &e.Eventlet, &e.Reason, &e.Mode, &e.ModeReason, &swDefault,
				&chain, &guards, &evidence, &sw); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read entry points: %w", err)
			}
			if err := errors.Join(json.Unmarshal([]byte(chain), &e.Chain), json.Unmarshal([]byte(guards), &e.Guards),
				json.Unmarshal([]byte(evidence), &e.ModeEvidence), json.Unmarshal([]byte(sw), &e.Switch)); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read entry points: entry point %s: %w", e.Name, err)
			}
			out[id] = append(out[id], e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read entry points: %w", err)
		}
	}
	return out, nil
}

// ScansWithFingerprint returns the ids of the scans of repo that hold a
// finding with the fingerprint, ascending.
func (db *DB) ScansWithFingerprint(ctx context.Context, repo, fingerprint string) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT f.scan_id FROM findings f
JOIN scans s ON s.id = f.scan_id JOIN repos r ON r.id = s.repo_id
WHERE r.name = $1 AND f.fingerprint = $2 ORDER BY f.scan_id`, repo, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", fingerprint, err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read history of %s: %w", fingerprint, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
