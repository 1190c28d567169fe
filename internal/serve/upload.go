package serve

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/store"
)

// commitRE accepts a git object id (abbreviated ids are refused: two
// uploads of one commit must name it alike) or the content hash fleet scan
// stores a tree that is not a git checkout under.
var commitRE = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64}|content-sha256:[0-9a-f]{64})$`)

// repoRE is a forge's repository name: owner/name, each part of the
// characters forges allow.
var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$`)

// uploadAnswer is the body of a successful upload.
type uploadAnswer struct {
	Schema  string `json:"schema"`
	ID      int64  `json:"id"`
	Repo    string `json:"repo"`
	Commit  string `json:"commit"`
	Created bool   `json:"created"`
	URL     string `json:"url"`
	API     string `json:"api"`
}

// upload stores a scan pushed by CI: POST /api/v1/scans?repo=R&commit=C
// with a bearer token and `letgo scan --format json` as body (gzip with
// Content-Encoding: gzip). The token is checked before the body is read.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	s.uploads.Add(1)
	defer s.uploads.Done()
	ctx := r.Context()
	fail := func(status int, detail string) { s.fail(w, r, true, problem{Status: status, Detail: detail}) }
	secret := bearer(r)
	if secret == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="letgo"`)
		fail(http.StatusUnauthorized, "an upload needs Authorization: Bearer TOKEN (letgo token create)")
		return
	}
	tok, err := s.cfg.Store.TokenBySecret(ctx, secret)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="letgo", error="invalid_token"`)
		s.fail(w, r, true, tokenProblem(err))
		return
	}
	q := r.URL.Query()
	repo, commit := q.Get("repo"), q.Get("commit")
	switch {
	case repo == "":
		fail(http.StatusBadRequest, "repo is missing: POST /api/v1/scans?repo=OWNER/NAME&commit=SHA")
		return
	case !repoRE.MatchString(repo) || len(repo) > 200:
		fail(http.StatusBadRequest, "repo must be a forge's OWNER/NAME, not "+strconv.Quote(repo))
		return
	case commit == "":
		fail(http.StatusBadRequest, "commit is missing: POST /api/v1/scans?repo=OWNER/NAME&commit=SHA")
		return
	case !commitRE.MatchString(commit):
		fail(http.StatusBadRequest, "commit must be a full lowercase git object id, not "+strconv.Quote(commit))
		return
	}
	// The repository's team is the store's, never the uploader's word: a
	// team token writes only where the fleet already placed the repository.
	prev, err := s.cfg.Store.Scans(ctx, store.ScanFilter{Repo: repo, Latest: true})
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	team := ""
	if len(prev) > 0 {
		team = prev[0].Team
	}
	if !tok.Allows(repo, team) {
		scope := "repositories " + strconv.Quote(tok.RepoPattern)
		if tok.Team != "" {
			scope = "the repositories of team " + strconv.Quote(tok.Team)
		}
		fail(http.StatusForbidden, fmt.Sprintf("this token (id %d) writes %s, not %s", tok.ID, scope, repo))
		return
	}
	if tok.Team != "" {
		team = tok.Team
	}
	if t := q.Get("team"); t != "" && tok.Team == "" {
		team = t
	}
	meta := store.Meta{Repo: repo, Team: team, Commit: commit, Ref: q.Get("ref"), Series: q.Get("series")}
	if v := q.Get("committed_at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fail(http.StatusBadRequest, "committed_at must be an RFC 3339 time, not "+strconv.Quote(v))
			return
		}
		meta.CommittedAt = t
	}
	res, status, err := s.readScan(w, r)
	if err != nil {
		fail(status, err.Error())
		return
	}
	meta.Version = res.Tool.Version
	meta.RuleSet = s.cfg.RuleSet(res.Tool.Version, res.Rules)
	// The save runs to its end even if the client goes away now: the body
	// was read whole, so the scan is complete (one transaction either way).
	id, created, err := s.cfg.Store.SaveScan(context.WithoutCancel(ctx), &store.Scan{Meta: meta, Result: res})
	if err != nil {
		s.cfg.Log.Error("upload", "repo", repo, "commit", commit, "err", err.Error())
		fail(http.StatusInternalServerError, "the scan could not be stored (logged)")
		return
	}
	s.cfg.Log.Info("upload", "repo", repo, "commit", commit, "scan", id, "created", created, "token", tok.ID, "findings", len(res.Findings))
	page := "/scans/" + strconv.FormatInt(id, 10)
	ans := uploadAnswer{Schema: "letgo.serve.upload/1", ID: id, Repo: repo, Commit: commit, Created: created,
		URL: absURL(r, page), API: absURL(r, "/api/v1"+page)}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", ans.URL)
	if created {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	json.NewEncoder(w).Encode(ans)
}

func absURL(r *http.Request, p string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + p
}

// readScan reads and validates the body: at most MaxUpload bytes as sent
// and as decompressed, one JSON document of contract.Result's schema.
func (s *Server) readScan(w http.ResponseWriter, r *http.Request) (*contract.Result, int, error) {
	if r.ContentLength > s.cfg.MaxUpload {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes is over the limit of %d", r.ContentLength, s.cfg.MaxUpload)
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	switch enc := strings.ToLower(r.Header.Get("Content-Encoding")); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, statusOf(err), fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		body = zr
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q is not supported (gzip is)", enc)
	}
	lim := &io.LimitedReader{R: body, N: s.cfg.MaxUpload + 1}
	data, err := io.ReadAll(lim)
	if err != nil {
		return nil, statusOf(err), fmt.Errorf("read body: %w", err)
	}
	if lim.N == 0 {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("decompressed body is over the limit of %d bytes", s.cfg.MaxUpload)
	}
	var res contract.Result
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("body is not the JSON of letgo scan --format json: %w", err)
	}
	if dec.More() {
		return nil, http.StatusBadRequest, errors.New("body holds more than one JSON document")
	}
	if err := validScan(&res); err != nil {
		return nil, http.StatusBadRequest, err
	}
	return &res, 0, nil
}

func statusOf(err error) int {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// validScan checks what the store and the pages rely on.
func validScan(res *contract.Result) error {
	switch {
	case res.Schema != contract.Schema:
		return fmt.Errorf("scan schema %d, want %d (upload with the letgo that made the scan's schema)", res.Schema, contract.Schema)
	case res.Tool.Name != "letgo":
		return fmt.Errorf("tool %q, want letgo", res.Tool.Name)
	case len(res.Rules) == 0:
		return errors.New("the scan names no rules that ran")
	}
	for i, f := range res.Findings {
		if f.Rule == "" || f.Path == "" || f.Fingerprint == "" || f.Line < 0 {
			return fmt.Errorf("finding %d lacks a rule, path, fingerprint or line", i)
		}
	}
	for i, e := range res.EntryPoints {
		if e.Name == "" || e.Line < 0 {
			return fmt.Errorf("entry point %d lacks a name or line", i)
		}
	}
	for i, c := range res.Concerns {
		if c.Line < 0 {
			return fmt.Errorf("concern %d has a negative line", i)
		}
	}
	for i, b := range res.Blockers {
		if b.Line < 0 {
			return fmt.Errorf("blocker %d has a negative line", i)
		}
	}
	return contract.CheckValues(res)
}
