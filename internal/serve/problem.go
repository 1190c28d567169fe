package serve

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/letgo-dev/letgo/internal/store"
)

// problem is an RFC 9457 problem detail: the body of every API error.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// errProblem is an error that carries the problem to answer with.
type errProblem struct{ p problem }

func (e *errProblem) Error() string { return e.p.Detail }

func badRequest(detail string) error {
	return &errProblem{problem{Status: http.StatusBadRequest, Detail: detail}}
}

func notFound(detail string) error {
	return &errProblem{problem{Status: http.StatusNotFound, Detail: detail}}
}

// fail answers with p: problem+json for the API, an HTML page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, p problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	p.Instance = r.URL.Path
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if api {
		h.Set("Content-Type", "application/problem+json")
		w.WriteHeader(p.Status)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(p)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.Status)
	s.tmpl.ExecuteTemplate(w, "error.html", map[string]any{"Title": p.Title, "Problem": p})
}

// failErr answers with the problem an error carries; any other error is a
// 500 whose text goes to the log, not to the client.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var ep *errProblem
	switch {
	case errors.As(err, &ep):
		s.fail(w, r, api, ep.p)
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, api, problem{Status: http.StatusNotFound, Detail: "no such scan"})
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		s.cfg.Log.Error("page", "path", r.URL.Path, "err", err.Error())
		s.fail(w, r, api, problem{Status: http.StatusInternalServerError, Detail: "internal error (logged)"})
	}
}
