package serve

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/letgo-dev/letgo/internal/textsafe"
)

var badgeTmpl = template.Must(template.New("badge").Parse(`<svg xmlns="http://www.w3.org/2000/svg" width="{{.W}}" height="20" role="img" aria-label="{{.Label}}: {{.Value}}">
<title>{{.Label}}: {{.Value}}</title>
<rect width="{{.LW}}" height="20" fill="#555"/><rect x="{{.LW}}" width="{{.VW}}" height="20" fill="{{.Color}}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="6" y="14">{{.Label}}</text><text x="{{.VX}}" y="14">{{.Value}}</text></g></svg>
`))

// badge serves /badge/OWNER/NAME.svg: the repository's stage and how many
// of its services default to threading, for its README.
func (s *Server) badge(w http.ResponseWriter, r *http.Request) {
	repo, ok := strings.CutSuffix(r.PathValue("repo"), ".svg")
	if !ok {
		s.fail(w, r, true, problem{Status: http.StatusNotFound, Detail: "badges are /badge/OWNER/NAME.svg"})
		return
	}
	doc, err := s.status(r.Context())
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	rs, found := doc.repo(repo)
	value, color := "not scanned", "#9f9f9f"
	if found {
		value = "stage " + stageKey(rs.Stage)
		if rs.Stage != nil {
			color = stageColors[*rs.Stage]
		}
		if rs.Services.Total > 0 {
			value += fmt.Sprintf(", %d/%d threading", rs.Services.ThreadingDefault, rs.Services.Total)
		}
	}
	label := "eventlet removal"
	width := func(s string) int { return 6*utf8.RuneCountInString(s) + 12 }
	lw, vw := width(label), width(value)
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "max-age=300")
	if !found {
		w.WriteHeader(http.StatusNotFound)
	}
	badgeTmpl.Execute(w, map[string]string{"Label": label, "Value": textsafe.Line(value), "Color": color,
		"W": strconv.Itoa(lw + vw), "LW": strconv.Itoa(lw), "VW": strconv.Itoa(vw), "VX": strconv.Itoa(lw + 6)})
}
