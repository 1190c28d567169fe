package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// The SQL below runs unchanged on SQLite and PostgreSQL: $n placeholders
// (SQLite reads them as numbered parameters), ON CONFLICT, RETURNING and
// window functions are common to both; times are integer microseconds and
// booleans 0/1 integers so that no value needs a driver-specific type.

// SaveScan stores a scan in one transaction; see Store.
func (db *DB) SaveScan(ctx context.Context, s *Scan) (int64, bool, error) {
	if s == nil || s.Result == nil {
		return 0, false, errors.New("save scan: no result")
	}
	op := fmt.Sprintf("save scan of %s at %s", s.Repo, s.Commit)
	switch {
	case s.Repo == "":
		return 0, false, fmt.Errorf("%s: no repository", op)
	case s.Commit == "":
		return 0, false, fmt.Errorf("%s: no commit", op)
	case s.RuleSet == "":
		return 0, false, fmt.Errorf("%s: no rule-set hash", op)
	}
	id, created, err := db.saveScan(ctx, s)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", op, err)
	}
	return id, created, nil
}

func (db *DB) saveScan(ctx context.Context, s *Scan) (int64, bool, error) {
	res := s.Result
	scannedAt := s.ScannedAt
	if scannedAt.IsZero() {
		scannedAt = time.Now()
	}
	version := s.Version
	if version == "" {
		version = res.Tool.Version
	}
	blob, err := encodeResult(res)
	if err != nil {
		return 0, false, err
	}
	stats, err := json.Marshal(res.Stats)
	if err != nil {
		return 0, false, err
	}
	var stage any // NULL: no stage
	var stageName, stageSummary, stageTimeline string
	blocking := []byte("null")
	if st := res.Stage; st != nil {
		stageName, stageSummary, stageTimeline = st.Name, st.Summary, st.Timeline
		if st.Stage != nil {
			stage = *st.Stage // NULL with a summary: undetermined (no services)
		}
		if blocking, err = json.Marshal(st.BlockingServices); err != nil {
			return 0, false, err
		}
	}
	var committedAt any
	if !s.CommittedAt.IsZero() {
		committedAt = s.CommittedAt.UnixMicro()
	}

	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO repos (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, s.Repo); err != nil {
		return 0, false, err
	}
	var repoID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM repos WHERE name = $1`, s.Repo).Scan(&repoID); err != nil {
		return 0, false, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO scans (repo_id, team, commit_id, ref, series, scanned_at, committed_at,
	letgo_version, ruleset, stage, stage_name, stage_summary, stage_timeline, stage_blocking,
	runtime_debt, n_findings, n_entrypoints, stats, result)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (repo_id, commit_id, ref, ruleset) DO NOTHING
RETURNING id`,
		repoID, s.Team, s.Commit, s.Ref, s.Series, scannedAt.UnixMicro(), committedAt,
		version, s.RuleSet, stage, stageName, stageSummary, stageTimeline, string(blocking),
		res.Stats.RuntimeDebt, len(res.Findings), len(res.EntryPoints), string(stats), blob).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// Stored before (or by a concurrent writer that committed first,
		// which PostgreSQL waited for): keep the first, store nothing.
		err := tx.QueryRowContext(ctx, `SELECT id FROM scans WHERE repo_id = $1 AND commit_id = $2 AND ref = $3 AND ruleset = $4`,
			repoID, s.Commit, s.Ref, s.RuleSet).Scan(&id)
		return id, false, err
	}
	if err != nil {
		return 0, false, err
	}
	if err := insertParts(ctx, tx, db.backend, id, res); err != nil {
		return 0, false, err
	}
	if err := tx.Commit(); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

func insertParts(ctx context.Context, tx execer, b Backend, id int64, res *contract.Result) error {
	rows := make([][]any, 0, len(res.Findings))
	for i, f := range res.Findings {
		rows = append(rows, []any{id, i, f.Rule, f.Slug, f.Family, string(f.Kind), f.Root, f.Path,
			f.Line, f.Col, f.EndLine, f.EndCol, f.Message, string(f.Severity), boolInt(f.Positive),
			f.Fingerprint, f.Module, string(f.Guard), f.EntryPoint, f.Replacement})
	}
	if err := insertRows(ctx, tx, b, "findings", findingCols, rows); err != nil {
		return fmt.Errorf("insert findings: %w", err)
	}

	rows = rows[:0]
	for i, e := range res.EntryPoints {
		chain, err1 := json.Marshal(e.Chain)
		guards, err2 := json.Marshal(e.Guards)
		evidence, err3 := json.Marshal(e.ModeEvidence)
		sw, err4 := json.Marshal(e.Switch)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return fmt.Errorf("entry point %s: %w", e.Name, err)
		}
		rows = append(rows, []any{id, i, e.Root, e.Name, e.Group, e.Target, e.Path, e.Source, e.Line,
			e.Module, string(e.Eventlet), e.Reason, string(e.Mode), e.ModeReason, e.Switch.Default,
			string(chain), string(guards), string(evidence), string(sw)})
	}
	if err := insertRows(ctx, tx, b, "entrypoints", entryPointCols, rows); err != nil {
		return fmt.Errorf("insert entry points: %w", err)
	}

	rows = rows[:0]
	for i, c := range res.Concerns {
		rows = append(rows, []any{id, i, string(c.Type), c.EntryPoint, c.Root, c.Path, c.Line, c.Detail, string(c.Severity), c.Rule})
	}
	if err := insertRows(ctx, tx, b, "concerns", concernCols, rows); err != nil {
		return fmt.Errorf("insert concerns: %w", err)
	}

	rows = rows[:0]
	for i, b := range res.Blockers {
		eps, err := json.Marshal(b.EntryPoints)
		if err != nil {
			return err
		}
		rows = append(rows, []any{id, i, b.Module, b.Root, b.Path, b.Line, b.Text, len(b.EntryPoints), string(eps)})
	}
	if err := insertRows(ctx, tx, b, "blockers", blockerCols, rows); err != nil {
		return fmt.Errorf("insert blockers: %w", err)
	}
	return nil
}

var (
	findingCols = []string{"scan_id", "seq", "rule", "slug", "family", "kind", "root", "path",
		"line", "col", "end_line", "end_col", "message", "severity", "positive",
		"fingerprint", "module", "guard", "entrypoint", "replacement"}
	entryPointCols = []string{"scan_id", "seq", "root", "name", "grp", "target", "path", "source", "line",
		"module", "eventlet", "reason", "mode", "mode_reason", "switch_default",
		"chain", "guards", "mode_evidence", "switch_json"}
	concernCols = []string{"scan_id", "seq", "type", "entrypoint", "root", "path", "line", "detail", "severity", "rule"}
	blockerCols = []string{"scan_id", "seq", "module", "root", "path", "line", "text", "n_entrypoints", "entrypoints"}
)

// maxParams bounds the parameters of one statement, well under both
// backends' limits (SQLite 32766, PostgreSQL 65535).
const maxParams = 2000

// insertRows inserts rows with multi-row INSERTs: one round trip per
// hundred rows rather than per row, which matters on a network database.
// SQLite gets anonymous ? placeholders: it looks each $n up in a list, so a
// statement of two thousand $n parameters costs quadratic time to prepare
// and bind (most of a save, measured).
func insertRows(ctx context.Context, tx execer, backend Backend, table string, cols []string, rows [][]any) error {
	per := maxParams / len(cols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				if backend == SQLite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+j+1)
				}
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// execer is a transaction (or, for no good reason, a database).
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// encodeResult keeps the whole result, gzipped JSON, so that Result returns
// exactly what was saved, fields the tables do not model included.
func encodeResult(res *contract.Result) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(res); err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeResult(blob []byte) (*contract.Result, error) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var res contract.Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

const scanCols = `s.id, r.name, s.team, s.commit_id, s.ref, s.series, s.scanned_at, s.committed_at,
	s.letgo_version, s.ruleset, s.stage, s.stage_name, s.stage_summary, s.stage_timeline, s.stage_blocking,
	s.n_findings, s.n_entrypoints, s.stats`

// dateExpr orders history: the code's date when known, else the scan's.
const dateExpr = `COALESCE(s.committed_at, s.scanned_at)`

type rowScanner interface{ Scan(dest ...any) error }

func scanInfo(r rowScanner, extra ...any) (ScanInfo, error) {
	var si ScanInfo
	var scannedAt int64
	var committedAt sql.NullInt64
	var stage sql.NullInt64
	var name, summary, timeline, blocking, stats string
	dest := append([]any{&si.ID, &si.Repo, &si.Team, &si.Commit, &si.Ref, &si.Series, &scannedAt, &committedAt,
		&si.Version, &si.RuleSet, &stage, &name, &summary, &timeline, &blocking,
		&si.NumFindings, &si.NumEntryPoints, &stats}, extra...)
	if err := r.Scan(dest...); err != nil {
		return si, err
	}
	si.ScannedAt = time.UnixMicro(scannedAt).UTC()
	if committedAt.Valid {
		si.CommittedAt = time.UnixMicro(committedAt.Int64).UTC()
	}
	if stage.Valid || summary != "" {
		si.Stage = &modes.Stage{Name: name, Summary: summary, Timeline: timeline}
		if stage.Valid {
			si.Stage.Stage = modes.Level(int(stage.Int64))
		}
		if err := json.Unmarshal([]byte(blocking), &si.Stage.BlockingServices); err != nil {
			return si, fmt.Errorf("scan %d: stage: %w", si.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(stats), &si.Stats); err != nil {
		return si, fmt.Errorf("scan %d: stats: %w", si.ID, err)
	}
	return si, nil
}

// Repos lists every repository with its latest scan; see Store.
func (db *DB) Repos(ctx context.Context) ([]Repo, error) {
	rows, err := db.read.QueryContext(ctx, `WITH ranked AS (
	SELECT s.id,
		ROW_NUMBER() OVER (PARTITION BY s.repo_id ORDER BY `+dateExpr+` DESC, s.id DESC) AS rn,
		COUNT(*) OVER (PARTITION BY s.repo_id) AS n
	FROM scans s)
SELECT `+scanCols+`, ranked.n
FROM ranked JOIN scans s ON s.id = ranked.id JOIN repos r ON r.id = s.repo_id
WHERE ranked.rn = 1
ORDER BY r.name`)
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	defer rows.Close()
	out := []Repo{}
	for rows.Next() {
		var n int
		si, err := scanInfo(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("list repositories: %w", err)
		}
		out = append(out, Repo{Name: si.Repo, Team: si.Team, Scans: n, Latest: si})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	return out, nil
}

// Scans lists the scans that match the filter, oldest first (with Latest,
// one per repository, by repository name).
func (db *DB) Scans(ctx context.Context, f ScanFilter) ([]ScanInfo, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Repo != "" {
		add("r.name = $%d", f.Repo)
	}
	if f.Series != "" {
		add("s.series = $%d", f.Series)
	}
	if f.Ref != "" {
		add("s.ref = $%d", f.Ref)
	}
	if f.Commit != "" {
		add("s.commit_id = $%d", f.Commit)
	}
	if f.RuleSet != "" {
		add("s.ruleset = $%d", f.RuleSet)
	}
	if !f.Since.IsZero() {
		add(dateExpr+" >= $%d", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		add(dateExpr+" <= $%d", f.Until.UnixMicro())
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	q := `SELECT ` + scanCols + ` FROM scans s JOIN repos r ON r.id = s.repo_id ` + cond + ` ORDER BY ` + dateExpr + `, s.id`
	if f.Latest {
		q = `WITH ranked AS (
	SELECT s.id, ROW_NUMBER() OVER (PARTITION BY s.repo_id ORDER BY ` + dateExpr + ` DESC, s.id DESC) AS rn
	FROM scans s JOIN repos r ON r.id = s.repo_id ` + cond + `)
SELECT ` + scanCols + ` FROM ranked JOIN scans s ON s.id = ranked.id JOIN repos r ON r.id = s.repo_id
WHERE ranked.rn = 1 ORDER BY r.name`
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	defer rows.Close()
	out := []ScanInfo{}
	for rows.Next() {
		si, err := scanInfo(rows)
		if err != nil {
			return nil, fmt.Errorf("list scans: %w", err)
		}
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	return out, nil
}

// Scan returns one scan's metadata; see Store.
func (db *DB) Scan(ctx context.Context, id int64) (*ScanInfo, error) {
	si, err := scanInfo(db.read.QueryRowContext(ctx, `SELECT `+scanCols+` FROM scans s JOIN repos r ON r.id = s.repo_id WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read scan %d: %w", id, err)
	}
	return &si, nil
}

// Result returns a scan's full result; see Store.
func (db *DB) Result(ctx context.Context, id int64) (*contract.Result, error) {
	var blob []byte
	err := db.read.QueryRowContext(ctx, `SELECT result FROM scans WHERE id = $1`, id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read result of scan %d: %w", id, err)
	}
	res, err := decodeResult(blob)
	if err != nil {
		return nil, fmt.Errorf("read result of scan %d: %w", id, err)
	}
	return res, nil
}

// parts runs a query over one scan's rows, calling each per row; a scan
// that has no rows is told apart from a scan that does not exist.
func (db *DB) parts(ctx context.Context, what string, id int64, q string, each func(rowScanner) error) error {
	rows, err := db.read.QueryContext(ctx, q, id)
	if err != nil {
		return fmt.Errorf("read %s of scan %d: %w", what, id, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if err := each(rows); err != nil {
			return fmt.Errorf("read %s of scan %d: %w", what, id, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s of scan %d: %w", what, id, err)
	}
	if n == 0 {
		var one int
		err := db.read.QueryRowContext(ctx, `SELECT 1 FROM scans WHERE id = $1`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			err = ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read %s of scan %d: %w", what, id, err)
		}
	}
	return nil
}

// Findings returns a scan's findings; see Store.
func (db *DB) Findings(ctx context.Context, id int64) ([]analysis.Finding, error) {
	out := []analysis.Finding{}
	err := db.parts(ctx, "findings", id, `SELECT `+strings.Join(findingCols[2:], ", ")+` FROM findings WHERE scan_id = $1 ORDER BY seq`,
		func(r rowScanner) error {
			var f analysis.Finding
			var kind, severity string
			if err := r.Scan(&f.Rule, &f.Slug, &f.Family, &kind, &f.Root, &f.Path,
				&f.Line, &f.Col, &f.EndLine, &f.EndCol, &f.Message, &severity, &f.Positive,
				&f.Fingerprint, &f.Module, &f.Guard, &f.EntryPoint, &f.Replacement); err != nil {
				return err
			}
			f.Kind, f.Severity = pyproj.FileKind(kind), analysis.Severity(severity)
			out = append(out, f)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EntryPoints returns a scan's entry points; see Store.
func (db *DB) EntryPoints(ctx context.Context, id int64) ([]contract.EntryPoint, error) {
	out := []contract.EntryPoint{}
	err := db.parts(ctx, "entry points", id, `SELECT `+strings.Join(entryPointCols[2:], ", ")+` FROM entrypoints WHERE scan_id = $1 ORDER BY seq`,
		func(r rowScanner) error {
			var e contract.EntryPoint
			var swDefault, chain, guards, evidence, sw string
			if err := r.Scan(&e.Root, &e.Name, &e.Group, &e.Target, &e.Path, &e.Source, &e.Line,
				&e.Module, &e.Eventlet, &e.Reason, &e.Mode, &e.ModeReason, &swDefault,
				&chain, &guards, &evidence, &sw); err != nil {
				return err
			}
			if err := errors.Join(json.Unmarshal([]byte(chain), &e.Chain), json.Unmarshal([]byte(guards), &e.Guards),
				json.Unmarshal([]byte(evidence), &e.ModeEvidence), json.Unmarshal([]byte(sw), &e.Switch)); err != nil {
				return fmt.Errorf("entry point %s: %w", e.Name, err)
			}
			out = append(out, e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Concerns returns a scan's concerns; see Store.
func (db *DB) Concerns(ctx context.Context, id int64) ([]contract.Concern, error) {
	out := []contract.Concern{}
	err := db.parts(ctx, "concerns", id, `SELECT `+strings.Join(concernCols[2:], ", ")+` FROM concerns WHERE scan_id = $1 ORDER BY seq`,
		func(r rowScanner) error {
			var c contract.Concern
			var severity string
			if err := r.Scan(&c.Type, &c.EntryPoint, &c.Root, &c.Path, &c.Line, &c.Detail, &severity, &c.Rule); err != nil {
				return err
			}
			c.Severity = analysis.Severity(severity)
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Blockers returns a scan's blockers; see Store.
func (db *DB) Blockers(ctx context.Context, id int64) ([]graph.Blocker, error) {
	out := []graph.Blocker{}
	err := db.parts(ctx, "blockers", id, `SELECT module, root, path, line, text, entrypoints FROM blockers WHERE scan_id = $1 ORDER BY seq`,
		func(r rowScanner) error {
			var b graph.Blocker
			var eps string
			if err := r.Scan(&b.Module, &b.Root, &b.Path, &b.Line, &b.Text, &eps); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(eps), &b.EntryPoints); err != nil {
				return fmt.Errorf("blocker %s: %w", b.Module, err)
			}
			out = append(out, b)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Diff matches two scans' findings by fingerprint; see Store.
func (db *DB) Diff(ctx context.Context, from, to int64) (*Diff, error) {
	d, err := db.diff(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("diff scans %d and %d: %w", from, to, err)
	}
	return d, nil
}

func (db *DB) diff(ctx context.Context, from, to int64) (*Diff, error) {
	a, err := db.Scan(ctx, from)
	if err != nil {
		return nil, err
	}
	b, err := db.Scan(ctx, to)
	if err != nil {
		return nil, err
	}
	if a.Repo != b.Repo {
		return nil, fmt.Errorf("scans of different repositories (%s, %s)", a.Repo, b.Repo)
	}
	af, err := db.Findings(ctx, from)
	if err != nil {
		return nil, err
	}
	bf, err := db.Findings(ctx, to)
	if err != nil {
		return nil, err
	}
	return &Diff{From: *a, To: *b, Findings: MatchFindings(af, bf)}, nil
}

// MatchFindings pairs the findings of an older and a newer scan by
// fingerprint: first those that kept their line (unchanged), then, in
// order, those that did not (moved); the rest of the newer are new, the
// rest of the older fixed. Fingerprints repeat only across roots, so each
// is matched as a multiset.
func MatchFindings(older, newer []analysis.Finding) []FindingChange {
	pending := map[string][]int{} // fingerprint → indices into older, unmatched
	for i, f := range older {
		pending[f.Fingerprint] = append(pending[f.Fingerprint], i)
	}
	used := make([]bool, len(older))
	matched := make([]int, len(newer)) // index into older, or -1
	for i := range matched {
		matched[i] = -1
	}
	take := func(i int, sameLine bool) {
		for _, j := range pending[newer[i].Fingerprint] {
			if !used[j] && (!sameLine || older[j].Line == newer[i].Line) {
				used[j], matched[i] = true, j
				return
			}
		}
	}
	for i := range newer {
		take(i, true)
	}
	for i := range newer {
		if matched[i] < 0 {
			take(i, false)
		}
	}
	out := make([]FindingChange, 0, len(newer))
	for i, f := range newer {
		switch j := matched[i]; {
		case j < 0:
			out = append(out, FindingChange{Change: New, Finding: f})
		case older[j].Line == f.Line:
			out = append(out, FindingChange{Change: Unchanged, Finding: f, FromLine: older[j].Line})
		default:
			out = append(out, FindingChange{Change: Moved, Finding: f, FromLine: older[j].Line})
		}
	}
	for j, f := range older {
		if !used[j] {
			out = append(out, FindingChange{Change: Fixed, Finding: f, FromLine: f.Line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Change < b.Change
	})
	return out
}

// CacheGet reads a file's cached analysis; see Store.
func (db *DB) CacheGet(ctx context.Context, key CacheKey) ([]byte, bool, error) {
	var v []byte
	err := db.read.QueryRowContext(ctx, `SELECT value FROM file_cache WHERE content_hash = $1 AND ruleset = $2`,
		key.Content, key.RuleSet).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read cache %s/%s: %w", key.Content, key.RuleSet, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

// CachePut stores a file's analysis; see Store.
func (db *DB) CachePut(ctx context.Context, key CacheKey, value []byte) error {
	if key.Content == "" || key.RuleSet == "" {
		return fmt.Errorf("write cache %s/%s: empty key", key.Content, key.RuleSet)
	}
	return db.CacheUse(ctx, nil, []CacheEntry{{Key: key, Value: value}})
}

// CachePutMany stores several analyses in one transaction; see Store.
func (db *DB) CachePutMany(ctx context.Context, entries []CacheEntry) error {
	return db.CacheUse(ctx, nil, entries)
}
