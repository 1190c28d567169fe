package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Token is an upload token as the store keeps it: never its secret, only
// the secret's hash. Exactly one of RepoPattern and Team is set.
type Token struct {
	ID int64
	// RepoPattern is a path.Match pattern over repository names
	// ("openstack/nova", "openstack/oslo.*"); Team a team name whose
	// repositories the token may write.
	RepoPattern string
	Team        string
	Note        string
	CreatedAt   time.Time
	// RevokedAt is zero while the token is valid.
	RevokedAt time.Time
}

// ErrBadToken is returned (wrapped) for a secret the store does not know or
// that was revoked.
var ErrBadToken = errors.New("unknown or revoked token")

// tokenPrefix marks letgo's secrets, so that a secret pasted somewhere it
// should not be is recognisable (and secret scanners can match it).
const tokenPrefix = "letgo_"

// NewSecret returns a fresh random token secret (256 bits).
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return tokenPrefix + hex.EncodeToString(b), nil
}

// HashSecret is the hash under which a secret is stored and looked up. The
// secrets are random 256-bit values, so a plain SHA-256 suffices (no
// password stretching is needed against guessing).
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Allows reports whether the token may write scans of repo, whose team (as
// the store records it) is team.
func (t *Token) Allows(repo, team string) bool {
	if !t.RevokedAt.IsZero() {
		return false
	}
	if t.Team != "" {
		return team != "" && team == t.Team
	}
	ok, err := path.Match(t.RepoPattern, repo)
	return err == nil && ok
}

// CreateToken stores a new token for the secret's hash and returns its id.
func (db *DB) CreateToken(ctx context.Context, t Token, secret string) (int64, error) {
	if (t.RepoPattern == "") == (t.Team == "") {
		return 0, errors.New("create token: give a repository pattern or a team, not both")
	}
	if t.RepoPattern != "" {
		if _, err := path.Match(t.RepoPattern, ""); err != nil {
			return 0, fmt.Errorf("create token: repository pattern %q: %w", t.RepoPattern, err)
		}
	}
	if !strings.HasPrefix(secret, tokenPrefix) {
		return 0, errors.New("create token: not a letgo secret")
	}
	var id int64
	err := db.write.QueryRowContext(ctx, `INSERT INTO tokens (hash, repo_pattern, team, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		HashSecret(secret), t.RepoPattern, t.Team, t.Note, time.Now().UnixMicro()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create token: %w", err)
	}
	return id, nil
}

const tokenCols = `id, repo_pattern, team, note, created_at, revoked_at`

func scanToken(r rowScanner) (*Token, error) {
	var t Token
	var created int64
	var revoked sql.NullInt64
	if err := r.Scan(&t.ID, &t.RepoPattern, &t.Team, &t.Note, &created, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = time.UnixMicro(created).UTC()
	if revoked.Valid {
		t.RevokedAt = time.UnixMicro(revoked.Int64).UTC()
	}
	return &t, nil
}

// TokenBySecret returns the valid token whose secret this is; ErrBadToken
// when there is none or it was revoked.
func (db *DB) TokenBySecret(ctx context.Context, secret string) (*Token, error) {
	t, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, HashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	if !t.RevokedAt.IsZero() {
		return nil, ErrBadToken
	}
	return t, nil
}

// Tokens lists every token, valid and revoked, by id.
func (db *DB) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token; ErrNotFound when no valid token has that id.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, time.Now().UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}
