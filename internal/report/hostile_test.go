package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
)

// Names a repository can choose: an escape sequence with Markdown
// metacharacters, a line break, URI delimiters, a bidi override.
const (
	evilName    = "\x1b[31mevil|`x`.py"
	newlineName = "two\nlines.py"
	pctName     = "100% #1 a?b.py"
	bidiName    = "admin\u202etxt.py"
)

func hostileResult() *contract.Result {
	res := &contract.Result{Schema: 1, Tool: contract.Tool{Name: "letgo", Version: "test"}, Roots: []string{"."},
		Stats: contract.Stats{PythonFiles: 4}}
	for i, p := range []string{evilName, newlineName, pctName, bidiName} {
		res.Findings = append(res.Findings, analysis.Finding{Rule: "EV110", Slug: "eventlet-spawn", Family: 1, Kind: "runtime",
			Path: p, Line: i + 1, Col: 1, EndLine: i + 1, EndCol: 2, Severity: analysis.SevMedium, Fingerprint: "0123456789abcdef",
			Message: "green thread spawned in " + p + " <img src=x> [link](http://x)"})
	}
	res.EntryPoints = []contract.EntryPoint{{Name: "svc\x1b]0;owned\x07", Group: "console_scripts", Module: "m", Eventlet: "unconditional",
		Mode: "eventlet-only", Chain: []graph.Hop{{Module: "m", Path: evilName}, {Module: "eventlet", Path: evilName, Line: 1}}}}
	res.Stage = &modes.Stage{Stage: modes.Level(1), Name: "eventlet", Summary: "1 service(s) run only on eventlet: svc\x1b[2J", Timeline: "behind"}
	return res
}

// TestHostileNamesText: the text report and flake8 lines carry no control
// character from the repository, each finding stays on its line, and the
// names are still readable (escaped).
func TestHostileNamesText(t *testing.T) {
	for _, tt := range []struct {
		name   string
		format string
		color  bool
	}{
		{"text", "text", false},
		{"text in colour", "text", true},
		{"text by rule", "text", false},
		{"flake8", "flake8", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			group := "file"
			if tt.name == "text by rule" {
				group = "rule"
			}
			if err := Write(&b, tt.format, hostileResult(), TextOptions{Color: tt.color, GroupBy: group}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			stripped := out
			p := palette(true)
			for _, seq := range []string{p.bold, p.dim, p.red, p.yellow, p.cyan, p.green, p.reset} {
				stripped = strings.ReplaceAll(stripped, seq, "")
			}
			if i := strings.IndexAny(stripped, "\x1b\x07\r\u202e"); i >= 0 {
				t.Errorf("%s output has a raw control character at %d:\n%q", tt.format, i, stripped)
			}
			for _, want := range []string{`\x1b[31mevil|` + "`x`" + `.py`, `two\nlines.py`, `admin\u202etxt.py`} {
				if !strings.Contains(out, want) {
					t.Errorf("%s output lacks the escaped name %q:\n%s", tt.format, want, out)
				}
			}
			if tt.format == "flake8" {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(lines) != 4 {
					t.Errorf("flake8 wrote %d lines for 4 findings:\n%s", len(lines), out)
				}
			}
		})
	}
}

// TestHostileNamesMarkdown: every row of the findings table has exactly
// its four cell separators, and no tag, link or raw control character
// gets through.
func TestHostileNamesMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, hostileResult()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("markdown has a raw control character:\n%q", out)
	}
	rows, want := 0, 0 // findings rows; separators per row in the current table
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = 0
			continue
		}
		if want == 0 {
			want = unescapedPipes(line) // the header row
			continue
		}
		if n := unescapedPipes(line); n != want {
			t.Errorf("row %q has %d cell separators, want %d", line, n, want)
		}
		if strings.HasPrefix(line, "| `") {
			rows++
		}
	}
	if rows != 4 {
		t.Errorf("findings table has %d rows, want 4:\n%s", rows, out)
	}
	for _, bad := range []string{"<img", "[link]"} {
		if strings.Contains(strings.NewReplacer(`\<`, "", `\[`, "").Replace(out), bad) {
			t.Errorf("markdown lets %q through:\n%s", bad, out)
		}
	}
}

func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' {
			i++
			continue
		}
		if line[i] == '|' {
			n++
		}
	}
	return n
}

func TestMarkdownEscapes(t *testing.T) {
	tests := []struct {
		name, in, code, text string
	}{
		{"plain", "pkg/a.py:3", "`pkg/a.py:3`", "pkg/a.py:3"},
		{"pipe", "a|b", "`a\\|b`", `a\|b`},
		{"backticks", "a`b``c", "```a`b``c```", "a\\`b\\`\\`c"},
		{"leading backtick", "`x", "`` `x ``", "\\`x"},
		{"newline", "a\nb", "`a\\nb`", "a b"},
		{"escape sequence", evilName + ":1", "``\\x1b[31mevil\\|`x`.py:1``", "\\\\x1b\\[31mevil\\|\\`x\\`.py:1"},
		{"html and links", "<b>[x](y)</b>", "`<b>[x](y)</b>`", `\<b\>\[x\](y)\</b\>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mdCode(tt.in); got != tt.code {
				t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.code)
			}
			if got := mdEscape(tt.in); got != tt.text {
				t.Errorf("mdEscape(%q) = %q, want %q", tt.in, got, tt.text)
			}
		})
	}
}

func TestSARIFURIs(t *testing.T) {
	tests := []struct {
		path, uri, base string
	}{
		{"pkg/a.py", "pkg/a.py", "%SRCROOT%"},
		{pctName, "100%25%20%231%20a%3Fb.py", "%SRCROOT%"},
		{"dir with space/café.py", "dir%20with%20space/caf%C3%A9.py", "%SRCROOT%"},
		{"a:b.py", "a%3Ab.py", "%SRCROOT%"},
		{evilName, "%1B%5B31mevil%7C%60x%60.py", "%SRCROOT%"},
		{newlineName, "two%0Alines.py", "%SRCROOT%"},
		{"../lib/x.py", "../lib/x.py", "%SRCROOT%"},
		{"/abs/x y.py", "file:///abs/x%20y.py", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := artifactLocation(tt.path)
			if got.URI != tt.uri || got.URIBaseID != tt.base {
				t.Errorf("artifactLocation(%q) = %+v, want {%s %s}", tt.path, got, tt.uri, tt.base)
			}
			u, err := url.Parse(got.URI)
			if err != nil {
				t.Fatalf("url.Parse(%q): %v", got.URI, err)
			}
			if want := strings.TrimPrefix(tt.path, "file://"); u.Path != want || u.Fragment != "" || u.RawQuery != "" {
				t.Errorf("url.Parse(%q) = path %q fragment %q query %q, want path %q", got.URI, u.Path, u.Fragment, u.RawQuery, want)
			}
		})
	}
}

// TestHostileNamesSARIF: the log's URIs are encoded and relative to the
// source root.
func TestHostileNamesSARIF(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, hostileResult()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation sarifArtifact `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		a := r.Locations[0].PhysicalLocation.ArtifactLocation
		if a.URIBaseID != "%SRCROOT%" {
			t.Errorf("uri %q has uriBaseId %q, want %%SRCROOT%%", a.URI, a.URIBaseID)
		}
		got = append(got, a.URI)
	}
	for i, want := range []string{evilName, newlineName, pctName, bidiName} {
		u, err := url.Parse(got[i])
		if err != nil || u.Path != want {
			t.Errorf("result %d: uri %q decodes to %q (%v), want %q", i, got[i], u, err, want)
		}
	}
}
