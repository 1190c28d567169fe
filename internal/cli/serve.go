package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/report"
	"github.com/letgo-dev/letgo/internal/serve"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// Server timeouts: a slow or stalled client cannot hold a connection.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 2 * time.Minute // an upload of a large scan over a slow CI link
	serveWriteTimeout      = 2 * time.Minute
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 30 * time.Second
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var ff fleetFlags
	fs.StringVar(&ff.db, "db", "letgo.db", "the store: a SQLite file, a sqlite: URL or a postgres:// URL")
	fs.StringVar(&ff.governance, "governance", "", "a checkout of openstack/governance: teams as of now (default: the team recorded with each scan)")
	fs.StringVar(&ff.manifest, "manifest", "", "a letgo manifest (TOML): the team map")
	addr := fs.String("addr", "127.0.0.1:8080", "HOST:PORT to listen on")
	private := fs.Bool("private", false, "read pages need a token too (Bearer, or as the Basic password)")
	maxUpload := fs.Int64("max-upload-mb", serve.DefaultMaxUpload>>20, "largest upload accepted, MiB, compressed and decompressed")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return exitFor(stderr, usageError{fmt.Errorf("serve takes no arguments (got %q)", fs.Arg(0))})
	}
	if *maxUpload <= 0 {
		return exitFor(stderr, usageError{errors.New("--max-upload-mb must be positive")})
	}
	m, err := ff.teamMap(stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	st, err := store.Open(ctx, ff.db)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	defer st.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	srv, err := serve.New(serve.Config{Store: st, Private: *private, MaxUpload: *maxUpload << 20, Log: log,
		Status: func(ctx context.Context, _ serve.Store) ([]byte, error) {
			doc, err := buildStatus(ctx, st, m, &fleetFlags{db: ff.db})
			if err != nil {
				return nil, err
			}
			return json.Marshal(doc)
		},
		RuleSet: ruleSetHash})
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errorf(stderr, "listen on %s: %v", *addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: serveReadHeaderTimeout, ReadTimeout: serveReadTimeout,
		WriteTimeout: serveWriteTimeout, IdleTimeout: serveIdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("listening", "url", "http://"+ln.Addr().String(), "store", st.String(), "backend", string(st.Backend()), "private", *private)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return errorf(stderr, "serve: %v", err)
	case <-ctx.Done():
	}
	// SIGTERM: stop accepting, let the requests in flight (uploads
	// included) finish, then close the store.
	log.Info("shutting down", "timeout_s", serveShutdownTimeout.Seconds())
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return errorf(stderr, "shutdown: %v", err)
	}
	srv.WaitUploads()
	log.Info("stopped")
	return ExitClean
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(stderr, "usage: letgo token create --db DSN (--repo PATTERN | --team TEAM) [--note TEXT]\n       letgo token revoke --db DSN ID\n       letgo token list --db DSN")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitClean
	}
	sub := args[0]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	db := fs.String("db", "letgo.db", "the store: a SQLite file, a sqlite: URL or a postgres:// URL")
	var repo, team, note string
	if sub == "create" {
		fs.StringVar(&repo, "repo", "", "the repositories the token may upload scans of: a name or a pattern (openstack/oslo.*)")
		fs.StringVar(&team, "team", "", "or: the team whose repositories (as the store records them) the token may upload")
		fs.StringVar(&note, "note", "", "what the token is for (shown by token list)")
	}
	if ok, code := parseFlags(fs, args[1:], stderr); !ok {
		return code
	}
	switch sub {
	case "create", "list":
		if fs.NArg() > 0 {
			return exitFor(stderr, usageError{fmt.Errorf("token %s takes no arguments (got %q)", sub, fs.Arg(0))})
		}
	case "revoke":
		if fs.NArg() != 1 {
			return exitFor(stderr, usageError{errors.New("token revoke takes one token id (see token list)")})
		}
	default:
		return exitFor(stderr, usageError{fmt.Errorf("unknown token command %q (create, revoke, list)", sub)})
	}
	if sub == "create" && (repo == "") == (team == "") {
		return exitFor(stderr, usageError{errors.New("token create needs --repo PATTERN or --team TEAM (one of them)")})
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	defer st.Close()
	switch sub {
	case "create":
		secret, err := store.NewSecret()
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		id, err := st.CreateToken(ctx, store.Token{RepoPattern: repo, Team: team, Note: note}, secret)
		if err != nil {
			return exitFor(stderr, usageError{err})
		}
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "letgo: token %d created; only its hash is stored, so keep it now (LETGO_TOKEN for letgo scan --upload)\n", id)
	case "revoke":
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return exitFor(stderr, usageError{fmt.Errorf("token id %q is not a number", fs.Arg(0))})
		}
		if err := st.RevokeToken(ctx, id); err != nil {
			return errorf(stderr, "%v", err)
		}
		fmt.Fprintf(stderr, "letgo: token %d revoked\n", id)
	case "list":
		toks, err := st.Tokens(ctx)
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSCOPE\tCREATED\tREVOKED\tNOTE")
		for _, t := range toks {
			scope := "repo " + t.RepoPattern
			if t.Team != "" {
				scope = "team " + t.Team
			}
			revoked := "-"
			if !t.RevokedAt.IsZero() {
				revoked = t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, textsafe.Line(scope), t.CreatedAt.Format(time.RFC3339), revoked, textsafe.Line(t.Note))
		}
		tw.Flush()
	}
	return ExitClean
}

// uploadFlags are scan's flags for --upload.
type uploadFlags struct {
	url, repo, commit, ref, series string
}

func (u *uploadFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&u.url, "upload", "", "after the scan, upload it to this letgo serve (its base URL); the token is read from LETGO_TOKEN")
	fs.StringVar(&u.repo, "repo", "", "with --upload: the repository's name on its forge (openstack/nova)")
	fs.StringVar(&u.commit, "commit", "", "with --upload: the scanned commit (default: HEAD of the first path)")
	fs.StringVar(&u.ref, "ref", "", "with --upload: the branch or tag (default: the checked-out branch)")
	fs.StringVar(&u.series, "series", "", "with --upload: the release series the commit belongs to (2026.1)")
}

func (u *uploadFlags) check() error {
	if u.url == "" {
		return nil
	}
	if u.repo == "" {
		return usageError{errors.New("--upload needs --repo OWNER/NAME")}
	}
	if pu, err := url.Parse(u.url); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return usageError{fmt.Errorf("--upload %q is not an http(s) URL", u.url)}
	}
	if os.Getenv("LETGO_TOKEN") == "" {
		return usageError{errors.New("--upload needs the token in LETGO_TOKEN (letgo token create prints one)")}
	}
	return nil
}

// upload sends a scan to a letgo serve: POST /api/v1/scans, gzipped, the
// token from LETGO_TOKEN. It prints the stored scan's URL on stderr.
func (u *uploadFlags) upload(ctx context.Context, root string, res *contract.Result, stderr io.Writer) error {
	rev, err := checkoutRevision(ctx, root)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	commit, ref := u.commit, u.ref
	if commit == "" {
		commit = rev.commit
	}
	if ref == "" {
		ref = rev.ref
	}
	if commit == "" {
		return errors.New("upload: " + root + " is not a git checkout: give --commit")
	}
	q := url.Values{"repo": {u.repo}, "commit": {commit}}
	if ref != "" {
		q.Set("ref", ref)
	}
	if u.series != "" {
		q.Set("series", u.series)
	}
	if !rev.committed.IsZero() && u.commit == "" {
		q.Set("committed_at", rev.committed.UTC().Format(time.RFC3339))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := report.JSON(zw, res); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	target := strings.TrimSuffix(strings.TrimSuffix(u.url, "/"), "/api/v1/scans") + "/api/v1/scans?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, &buf)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("LETGO_TOKEN"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	client := &http.Client{Timeout: 5 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("upload to %s: %w", u.url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var p struct {
			Detail string `json:"detail"`
		}
		json.Unmarshal(body, &p)
		return fmt.Errorf("upload to %s: %s: %s", u.url, resp.Status, p.Detail)
	}
	var ans struct {
		URL     string `json:"url"`
		Created bool   `json:"created"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("upload to %s: answer: %w", u.url, err)
	}
	what := "stored"
	if !ans.Created {
		what = "already stored"
	}
	fmt.Fprintf(stderr, "letgo: scan of %s at %s %s: %s\n", textsafe.Line(u.repo), shortCommit(commit), what, textsafe.Line(ans.URL))
	return nil
}
