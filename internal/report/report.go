// Package report renders a scan Result: text for people, JSON (the
// versioned contract), SARIF 2.1.0, flake8-style lines and Markdown.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// Formats lists the output formats.
var Formats = []string{"text", "json", "sarif", "flake8", "markdown"}

// TextOptions tune the text renderer.
type TextOptions struct {
	Color   bool
	GroupBy string // "file" or "rule"
}

// Write renders res in format to w.
func Write(w io.Writer, format string, res *contract.Result, topt TextOptions) error {
	switch format {
	case "json":
		return JSON(w, res)
	case "sarif":
		return SARIF(w, res)
	case "flake8":
		return Flake8(w, res)
	case "markdown":
		return Markdown(w, res)
	case "text", "":
		return Text(w, res, topt)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// JSON writes the result as indented JSON.
func JSON(w io.Writer, res *contract.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// Flake8 writes one "path:line:col: EVnnn message" line per finding. The
// format is read line by line by editors and CI annotators, so a path or
// message from the repository never spans lines or carries a control
// character: both are escaped as in the text report (textsafe.Line).
func Flake8(w io.Writer, res *contract.Result) error {
	for _, f := range res.Findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s %s\n", textsafe.Line(displayPath(res, f)), f.Line, f.Col, f.Rule, textsafe.Line(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// displayPath is the finding's path as a person or editor opens it: joined
// to its root when several roots were scanned or the root is not ".".
func displayPath(res *contract.Result, f analysis.Finding) string {
	if f.Root == "" || f.Root == "." {
		return f.Path
	}
	return strings.TrimSuffix(f.Root, "/") + "/" + f.Path
}

type colors struct{ bold, dim, red, yellow, cyan, green, reset string }

func palette(on bool) colors {
	if !on {
		return colors{}
	}
	return colors{"\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[32m", "\x1b[0m"}
}

func (c colors) severity(s analysis.Severity) string {
	switch s {
	case analysis.SevHigh:
		return c.red
	case analysis.SevMedium:
		return c.yellow
	case analysis.SevInfo:
		return c.dim
	}
	return c.cyan
}

// Text writes the summary first, then findings grouped by file or rule,
// each with its replacement hint. Every string that comes from the scanned
// repository (paths, names, messages) goes through textsafe.Line: the only
// escape sequences in the output are the palette's.
func Text(w io.Writer, res *contract.Result, opt TextOptions) error {
	c := palette(opt.Color)
	q := textsafe.Line
	st := res.Stats
	var b strings.Builder
	fmt.Fprintf(&b, "%sletgo scan%s %s\n", c.bold, c.reset, q(strings.Join(res.Roots, " ")))
	fmt.Fprintf(&b, "  %d files, %d Python (%.1f MB) in %.0f ms; %d syntax errors; %d skipped\n",
		st.Files, st.PythonFiles, float64(st.Bytes)/1e6, st.ElapsedMS, st.SyntaxErrors, st.Skipped)
	fmt.Fprintf(&b, "  %s%d findings%s, %s%d runtime debt%s", c.bold, len(res.Findings), c.reset, c.bold, st.RuntimeDebt, c.reset)
	if len(st.ByKind) > 0 {
		fmt.Fprintf(&b, "  (by kind: %s)", counts(st.ByKind))
	}
	b.WriteString("\n")
	if len(st.ByFamily) > 0 {
		fmt.Fprintf(&b, "  by family: %s\n", counts(st.ByFamily))
	}
	if len(st.BySeverity) > 0 {
		fmt.Fprintf(&b, "  by severity: %s\n", counts(st.BySeverity))
	}
	if len(res.EntryPoints) > 0 {
		verdicts := map[string]int{}
		for _, ep := range res.EntryPoints {
			verdicts[string(ep.Eventlet)]++
		}
		fmt.Fprintf(&b, "  entry points: %d (loads eventlet: %s)\n", len(res.EntryPoints), counts(verdicts))
	}
	if len(res.EntryPoints) > 0 {
		fmt.Fprintf(&b, "\n%sEntry points%s\n", c.bold, c.reset)
		for _, ep := range res.EntryPoints {
			var col string
			switch ep.Eventlet {
			case graph.Unconditional:
				col = c.red
			case graph.Guarded:
				col = c.yellow
			case graph.None:
				col = c.green
			case graph.Unknown:
				col = "" // not known: never green
			default:
				col = "" // a verdict of another version of letgo
			}
			through := ""
			if n := len(ep.Chain); n >= 2 {
				through = fmt.Sprintf(" via %s (%s:%d)", q(ep.Chain[n-2].Module), q(ep.Chain[n-1].Path), ep.Chain[n-1].Line)
			}
			fmt.Fprintf(&b, "  %-32s %-7s %-23s loads eventlet: %s%-13s%s%s\n", q(ep.Name), q(string(ep.Kind)), q(string(ep.Mode)), col, q(string(ep.Eventlet)), c.reset, through)
		}
	}
	for _, rs := range rootStages(res) {
		of := ""
		if len(res.Stages) > 1 {
			of = " of " + q(rs.Root)
		}
		fmt.Fprintf(&b, "\n%s%s%s%s: %s\n  %s\n", c.bold, strings.ToUpper(rs.Stage.String()[:1])+rs.Stage.String()[1:], of, c.reset, q(rs.Summary), q(rs.Timeline))
		if lib := rs.Library; lib != nil {
			fmt.Fprintf(&b, "  library: %s\n  %s\n", q(libraryText(lib)), q(lib.Timeline))
		}
	}
	if len(res.Concerns) > 0 || len(res.EntryPoints) > 0 {
		byType := map[string]int{}
		py314 := "Python 3.14: " + py314Status(res)
		for _, cn := range res.Concerns {
			byType[string(cn.Type)]++
			if cn.Type == analysis.ConcernPython314 {
				py314 = "Python 3.14: " + q(cn.Detail)
			}
		}
		fmt.Fprintf(&b, "\n%sConcerns%s", c.bold, c.reset)
		if len(byType) > 0 {
			fmt.Fprintf(&b, " (%s)", counts(byType))
		}
		fmt.Fprintf(&b, "\n  %s\n", py314)
		byConcern := concernRules()
		for _, t := range slices.Sorted(maps.Keys(byConcern)) {
			if n := byType[t]; n > 0 && t != string(analysis.ConcernPython314) {
				fmt.Fprintf(&b, "  %-23s %d finding(s), rules %s\n", t, n, strings.Join(byConcern[t], "/"))
			}
		}
	}
	if len(res.Blockers) > 0 {
		fmt.Fprintf(&b, "\n%sLibrary blockers%s (library modules importing eventlet unconditionally)\n", c.bold, c.reset)
		for i, bl := range res.Blockers {
			if i == 10 {
				fmt.Fprintf(&b, "  ... %d more (letgo blockers)\n", len(res.Blockers)-10)
				break
			}
			fmt.Fprintf(&b, "  %3d entry points  %s  %s:%d\n", len(bl.EntryPoints), q(bl.Module), q(bl.Path), bl.Line)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(res.Findings) == 0 {
		_, err := fmt.Fprintf(w, "\n%sno findings%s\n", c.green, c.reset)
		return err
	}
	groups, keys := group(res, opt.GroupBy)
	for _, k := range keys {
		b.Reset()
		head := q(k)
		if opt.GroupBy == "rule" {
			if r := rules.ByID(k); r != nil {
				head = fmt.Sprintf("%s %s: %s", r.ID, r.Slug, r.Doc.Summary)
			}
		}
		fmt.Fprintf(&b, "\n%s%s%s\n", c.bold, head, c.reset)
		hinted := map[string]bool{}
		for _, f := range groups[k] {
			loc := fmt.Sprintf("%d:%d", f.Line, f.Col)
			if opt.GroupBy == "rule" {
				loc = fmt.Sprintf("%s:%d:%d", q(displayPath(res, f)), f.Line, f.Col)
			}
			fmt.Fprintf(&b, "  %s%-8s%s %s%s%s %s %s[%s]%s\n", c.dim, loc, c.reset, c.severity(f.Severity), f.Rule, c.reset,
				q(f.Message), c.dim, f.Severity, c.reset)
			if f.Replacement != "" && !hinted[f.Rule] && opt.GroupBy != "rule" {
				hinted[f.Rule] = true
				fmt.Fprintf(&b, "           %s→ %s%s\n", c.dim, q(f.Replacement), c.reset)
			}
		}
		if opt.GroupBy == "rule" {
			if r := rules.ByID(k); r != nil {
				fmt.Fprintf(&b, "  %s→ %s%s\n", c.dim, r.Doc.Replacement, c.reset)
			}
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func group(res *contract.Result, by string) (map[string][]analysis.Finding, []string) {
	groups := map[string][]analysis.Finding{}
	var keys []string
	for _, f := range res.Findings {
		k := displayPath(res, f)
		if by == "rule" {
			k = f.Rule
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	sort.Strings(keys)
	return groups, keys
}

func counts(m map[string]int) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// Markdown writes a report for a team page or a review comment.
func Markdown(w io.Writer, res *contract.Result) error {
	var b strings.Builder
	st := res.Stats
	fmt.Fprintf(&b, "# letgo scan: %s\n\n", mdEscape(strings.Join(res.Roots, ", ")))
	fmt.Fprintf(&b, "%d Python files, %d findings, **%d runtime debt**, %d syntax errors.\n\n", st.PythonFiles, len(res.Findings), st.RuntimeDebt, st.SyntaxErrors)
	if len(res.EntryPoints) > 0 {
		for _, rs := range rootStages(res) {
			of := ""
			if len(res.Stages) > 1 {
				of = " of " + mdEscape(rs.Root)
			}
			fmt.Fprintf(&b, "**%s%s**: %s. %s.\n\n", strings.ToUpper(rs.Stage.String()[:1])+rs.Stage.String()[1:], of, mdEscape(rs.Summary), mdEscape(rs.Timeline))
			if lib := rs.Library; lib != nil {
				fmt.Fprintf(&b, "Library: %s. %s.\n\n", mdEscape(libraryText(lib)), mdEscape(lib.Timeline))
			}
		}
		b.WriteString("## Entry points\n\n| name | group | kind | mode | switch | loads eventlet |\n|---|---|---|---|---|---|\n")
		for _, ep := range res.EntryPoints {
			sw := ep.Switch.Env
			if ep.Switch.Config != "" {
				sw = strings.TrimPrefix(sw+", config "+ep.Switch.Config, ", ")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdEscape(ep.Name), mdEscape(ep.Group), mdEscape(string(ep.Kind)), mdEscape(string(ep.Mode)), mdEscape(sw), mdEscape(string(ep.Eventlet)))
		}
		b.WriteString("\n")
	}
	if len(res.Concerns) > 0 {
		byType := map[string]int{}
		for _, cn := range res.Concerns {
			byType[string(cn.Type)]++
			if cn.Type == analysis.ConcernPython314 {
				fmt.Fprintf(&b, "Python 3.14: %s\n\n", mdEscape(cn.Detail))
			}
		}
		byConcern := concernRules()
		b.WriteString("## Concerns\n\n| concern | findings | rules |\n|---|---|---|\n")
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			if t != string(analysis.ConcernPython314) {
				fmt.Fprintf(&b, "| %s | %d | %s |\n", t, byType[t], strings.Join(byConcern[t], "/"))
			}
		}
		b.WriteString("\n")
	}
	groups, keys := group(res, "rule")
	if len(keys) > 0 {
		b.WriteString("## Findings by rule\n\n| rule | count | summary |\n|---|---|---|\n")
		for _, k := range keys {
			r := rules.ByID(k)
			fmt.Fprintf(&b, "| %s %s | %d | %s |\n", k, r.Slug, len(groups[k]), mdEscape(r.Doc.Summary))
		}
		b.WriteString("\n## Findings\n\n| where | rule | message |\n|---|---|---|\n")
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCode(fmt.Sprintf("%s:%d", displayPath(res, f), f.Line)), f.Rule, mdEscape(f.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscaper escapes what would make text from the repository into
// Markdown or HTML: a cell separator, a line break (which ends a table
// row), code spans, emphasis, links and images, HTML tags and entities.
var mdEscaper = strings.NewReplacer(
	"\\", `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "~", `\~`,
	"[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "&", `\&`, "!", `\!`,
	"\n", " ")

// mdEscape makes s literal text in a Markdown paragraph or table cell.
func mdEscape(s string) string {
	return mdEscaper.Replace(textsafe.Text(s))
}

// mdCode makes s a code span that can sit in a table cell. Inside a code
// span backslash escapes are not interpreted, so backticks are fenced by a
// longer run of backticks instead; "|" is still escaped, because GFM splits
// the row on it before it sees the span; control characters and line
// breaks are written as escapes (textsafe.Line).
func mdCode(s string) string {
	s = strings.ReplaceAll(textsafe.Line(s), "|", `\|`)
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// concernRules names the rules behind each concern, from the catalogue.
// rootStages is the stage of every project root scanned: Stages when
// several roots were, else the one Stage.
func rootStages(res *contract.Result) []contract.RootStage {
	if len(res.Stages) > 0 {
		return res.Stages
	}
	if res.Stage != nil {
		root := ""
		if len(res.Roots) > 0 {
			root = res.Roots[0]
		}
		return []contract.RootStage{{Root: root, Stage: *res.Stage}}
	}
	return nil
}

// py314Status says what is known of Python 3.14 coverage when no
// python-3.14 concern was found: covered only if a rule that looks for it
// ran.
func py314Status(res *contract.Result) string {
	ids := concernRules()[string(analysis.ConcernPython314)]
	for _, id := range ids {
		if !res.Ran(id) {
			return "not checked (" + strings.Join(ids, "/") + " did not run)"
		}
	}
	return "covered (classifier or zuul job)"
}

func concernRules() map[string][]string {
	m := map[string][]string{}
	for _, r := range rules.All() {
		if r.Concern != "" {
			m[string(r.Concern)] = append(m[string(r.Concern)], r.ID)
		}
	}
	return m
}

// libraryText is a library's verdict for people: "eventlet required
// (requirements.txt:7 requirement eventlet); default backend eventlet".
func libraryText(lib *modes.Library) string {
	t := "eventlet " + string(lib.Eventlet)
	if len(lib.Evidence) > 0 {
		e := lib.Evidence[0]
		if e.Path != "" {
			t += fmt.Sprintf(" (%s:%d %s)", e.Path, e.Line, e.Text)
		} else {
			t += " (" + e.Text + ")"
		}
	}
	if lib.DefaultBackend != "" {
		t += "; default backend " + lib.DefaultBackend
		if e := lib.BackendEvidence; e != nil {
			t += fmt.Sprintf(" (%s:%d)", e.Path, e.Line)
		}
	}
	return t
}
