package serve

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// funcs are the templates' helpers. Every string from a scan or an upload
// goes through t, which shows control characters (ANSI escapes) as visible
// escapes; html/template then escapes it for its context.
var funcs = template.FuncMap{
	"t":    textsafe.Line,
	"text": textsafe.Text,
	"repoURL": func(repo string) string {
		return "/repos/" + escapeRepo(repo)
	},
	"epURL": func(repo, name string, scan int64) string {
		return "/repos/" + escapeRepo(repo) + "/-/entrypoints/" + url.PathEscape(name) + "?scan=" + strconv.FormatInt(scan, 10)
	},
	"findingURL": func(repo, fp string, scan int64) string {
		return "/repos/" + escapeRepo(repo) + "/-/findings/" + url.PathEscape(fp) + "?scan=" + strconv.FormatInt(scan, 10)
	},
	"badgeURL": func(repo string) string { return "/badge/" + escapeRepo(repo) + ".svg" },
	"teamURL":  func(team string) string { return "/teams/" + url.PathEscape(team) },
	"q":        url.QueryEscape,
	"stage": func(st *int) string {
		if st == nil {
			return "undetermined"
		}
		return strconv.Itoa(*st)
	},
	"stageClass": func(k string) string { return "st-" + strings.ReplaceAll(k, "undetermined", "u") },
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02")
	},
	"short": func(s string) string {
		s = strings.TrimPrefix(s, "content-sha256:")
		if len(s) > 12 {
			return s[:12]
		}
		return s
	},
	"f1": func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"bool": func(a modes.Answer) string {
		switch a {
		case modes.AnswerUnknown:
			return "-"
		case modes.AnswerYes:
			return "yes"
		case modes.AnswerNo:
			return "no"
		}
		panic("serve: answer " + a.String())
	},
	"join":   strings.Join,
	"modes":  func() []string { return tableModes },
	"n":      func(m map[string]int, k string) int { return m[k] },
	"s":      func(m map[string]string, k string) string { return m[k] },
	"minus":  func(a, b float64) float64 { return a - b },
	"add":    func(a, b float64) float64 { return a + b },
	"mul":    func(a, b float64) float64 { return a * b },
	"sprint": fmt.Sprint,
	"modeClass": func(m string) string {
		switch modes.Mode(m) {
		case modes.EventletOnly:
			return "m-ev"
		case modes.DualDefaultEventlet:
			return "m-de"
		case modes.DualDefaultThreading:
			return "m-dt"
		case modes.ThreadingOnly:
			return "m-th"
		case modes.NoRuntime:
			return "m-no"
		case modes.Unknown:
			return "m-un"
		}
		return "m-un" // no mode ("" for a series without the entry point) or one stored by another version
	},
	"legendY": func(i int) float64 { return float64(14 + 16*i) },
}
