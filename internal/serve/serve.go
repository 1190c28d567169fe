// Package serve is letgo's dashboard: server-rendered pages over the store
// (html/template, embedded assets, inline SVG charts, no JavaScript), the
// same data as JSON under /api/v1 with a schema field, CSV exports of the
// tables, badges, and the upload endpoint through which CI jobs push their
// scans.
//
// Every page costs a bounded number of store queries whatever the size of
// the fleet: the fleet status (the judgement of `letgo fleet status`,
// supplied by the caller) is derived once per store generation and cached,
// and the parts of many scans are read with one query each.
package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/store"
)

// Store is what the server reads and writes; *store.DB is one.
type Store interface {
	SaveScan(ctx context.Context, s *store.Scan) (int64, bool, error)
	Scans(ctx context.Context, f store.ScanFilter) ([]store.ScanInfo, error)
	Scan(ctx context.Context, id int64) (*store.ScanInfo, error)
	Result(ctx context.Context, id int64) (*contract.Result, error)
	Generation(ctx context.Context) (string, error)
	FindingsOf(ctx context.Context, ids []int64) (map[int64][]analysis.Finding, error)
	EntryPointsOf(ctx context.Context, ids []int64) (map[int64][]contract.EntryPoint, error)
	ScansWithFingerprint(ctx context.Context, repo, fingerprint string) ([]int64, error)
	TokenBySecret(ctx context.Context, secret string) (*store.Token, error)
}

// StatusFunc returns the fleet status of the store as `letgo fleet status
// --format json` prints it (schema 1): the one judgement of every
// repository, shared by the command and the server.
type StatusFunc func(ctx context.Context, st Store) ([]byte, error)

// Config configures a server.
type Config struct {
	Store  Store
	Status StatusFunc
	// RuleSet is the rule-set hash of a stored scan made by letgo version
	// with the rules ids (the fleet's definition, so uploads and fleet
	// scans of one commit are the same scan).
	RuleSet func(version string, rules []string) string
	// Private makes every read page need a valid token too.
	Private bool
	// MaxUpload bounds an upload's body, compressed and decompressed
	// (default 64 MiB).
	MaxUpload int64
	// Log receives one access record per request (default: discard).
	Log *slog.Logger
	// Now is the clock of "today" on the timeline (default time.Now).
	Now func() time.Time
}

// DefaultMaxUpload is the default upload limit: the JSON of a scan of nova
// is about 3 MB.
const DefaultMaxUpload = 64 << 20

//go:embed assets
var assets embed.FS

// Server is the dashboard's http.Handler.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	tmpl  *template.Template
	mu    sync.Mutex
	cache struct {
		gen string
		doc *statusDoc
	}
	pages pageCache
	// uploads counts the uploads in flight, which a shutdown waits for.
	uploads sync.WaitGroup
}

// New returns a server over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Status == nil || cfg.RuleSet == nil {
		return nil, errors.New("serve: Store, Status and RuleSet are required")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	t, err := template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("serve: templates: %w", err)
	}
	s := &Server{cfg: cfg, tmpl: t, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// WaitUploads returns when no upload is being stored.
func (s *Server) WaitUploads() { s.uploads.Wait() }

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /static/style.css", s.css)
	m.HandleFunc("GET /badge/{repo...}", s.read(s.badge))
	m.HandleFunc("POST /api/v1/scans", s.upload)
	for _, p := range pages {
		m.HandleFunc("GET "+p.path, s.read(s.page(p, false)))
		m.HandleFunc("GET /api/v1"+apiPath(p.path), s.read(s.page(p, true)))
	}
	m.HandleFunc("/", s.read(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, wantsAPI(r), problem{Status: http.StatusNotFound, Detail: "no page at " + r.URL.Path})
	}))
}

func apiPath(p string) string {
	if p == "/{$}" {
		return "/overview"
	}
	return p
}

func wantsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// ServeHTTP serves a request with the security headers and an access log
// record.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	h := rec.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	defer func() {
		if v := recover(); v != nil {
			s.cfg.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
			if !rec.wrote {
				s.fail(rec, r, wantsAPI(r), problem{Status: http.StatusInternalServerError, Detail: "internal error"})
			}
		}
		// The query is logged, the headers never: a token travels only in
		// Authorization.
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
			"status", rec.status, "bytes", rec.n, "ms", float64(time.Since(start).Microseconds())/1000,
			"remote", r.RemoteAddr, "agent", r.UserAgent())
	}()
	s.mux.ServeHTTP(rec, r)
}

type recorder struct {
	http.ResponseWriter
	status int
	n      int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.Store.Generation(ctx); err != nil {
		s.cfg.Log.Error("healthz", "err", err.Error())
		s.fail(w, r, true, problem{Status: http.StatusServiceUnavailable, Detail: "store unavailable"})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

func (s *Server) css(w http.ResponseWriter, r *http.Request) {
	b, _ := assets.ReadFile("assets/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// read guards a read page: with Private, a valid token (Bearer, or the
// password of Basic authentication, which a browser can send) is needed.
func (s *Server) read(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Private {
			secret := bearer(r)
			if secret == "" {
				if _, pw, ok := r.BasicAuth(); ok {
					secret = pw
				}
			}
			if secret == "" {
				w.Header().Set("WWW-Authenticate", `Basic realm="letgo", charset="UTF-8"`)
				s.fail(w, r, wantsAPI(r), problem{Status: http.StatusUnauthorized, Detail: "this server is private: give a token (Authorization: Bearer, or as the password)"})
				return
			}
			if _, err := s.cfg.Store.TokenBySecret(r.Context(), secret); err != nil {
				w.Header().Set("WWW-Authenticate", `Basic realm="letgo", charset="UTF-8"`)
				s.fail(w, r, wantsAPI(r), tokenProblem(err))
				return
			}
		}
		h(w, r)
	}
}

func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

func tokenProblem(err error) problem {
	if errors.Is(err, store.ErrBadToken) {
		return problem{Status: http.StatusUnauthorized, Detail: "unknown or revoked token"}
	}
	return problem{Status: http.StatusServiceUnavailable, Detail: "could not check the token"}
}
