package cli

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestGraphDot: the dot output is a graph Graphviz accepts. An entry point
// whose verdict is unknown (its module is in no root) gets a colour, not
// `color=]`, and a WSGI module (its own entry point) is not drawn with an
// edge to itself.
func TestGraphDot(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "setup.cfg", "[metadata]\nname = svc\n\n[entry_points]\nconsole_scripts =\n    svc-api = svc.cmd.api:main\n    svc-ext = extlib.cli:main\n")
	write(t, dir, "svc/__init__.py", "")
	write(t, dir, "svc/cmd/__init__.py", "")
	write(t, dir, "svc/cmd/api.py", "import eventlet\n\n\ndef main():\n    pass\n")
	write(t, dir, "svc/wsgi.py", "from svc.cmd import api\n\napplication = api.main\n")

	out, errOut, code := run(t, "graph", "--format", "dot", dir)
	if code != ExitClean {
		t.Fatalf("graph --format dot: exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"svc-ext" [`, `"svc.wsgi" [`, `"svc.wsgi" -> "svc.cmd.api"`} {
		if !strings.Contains(out, want) {
			t.Errorf("graph --format dot lacks %s:\n%s", want, out)
		}
	}
	for _, problem := range dotProblems(out) {
		t.Errorf("graph --format dot: %s\n%s", problem, out)
	}

	t.Run("graphviz", func(t *testing.T) {
		if _, err := exec.LookPath("dot"); err != nil {
			t.Skip("graphviz dot not installed; the output was checked by the minimal parser only")
		}
		cmd := exec.Command("dot", "-Tcanon")
		cmd.Stdin = strings.NewReader(out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("dot rejects the output: %v: %s\n%s", err, stderr.String(), out)
		}
	})
}

// TestDotProblems: the checker itself finds what it is there to find.
func TestDotProblems(t *testing.T) {
	for in, want := range map[string]int{
		"digraph g {\n  \"a\" [color=red];\n  \"a\" -> \"b\";\n}\n":                    0,
		"digraph g {\n  \"a\" [shape=ellipse, color=];\n}\n":                           1,
		"digraph g {\n  \"a\" [shape=ellipse, label=\"x]\"];\n}\n":                     0,
		"digraph g {\n  \"a\" [shape=ellipse;\n}\n":                                    1,
		"digraph g {\n  \"a\" -> \"a\";\n}\n":                                          1,
		"digraph g {\n  \"a\" -> \"b\" [style=solid, label=\"a.py:1\"];\n}\n":          0,
		"digraph g {\n  \"a\" -> \"b\" [style=, label=\"\"];\n}\n":                     2,
		"digraph g {\n  \"a\" [color=red];\n":                                          1,
		"digraph g {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n}\n": 0,
	} {
		if got := dotProblems(in); len(got) != want {
			t.Errorf("dotProblems(%q) = %q, want %d problems", in, got, want)
		}
	}
}

// dotProblems parses the subset of DOT that writeDot emits (one statement
// a line: a node or an edge between quoted ids, with an optional attribute
// list) and lists what Graphviz would reject or draw wrongly: unbalanced
// brackets or quotes, attributes without a value, edges from a node to
// itself, a missing closing brace.
func dotProblems(src string) []string {
	var problems []string
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	if len(lines) < 2 || !strings.HasSuffix(lines[0], "{") || lines[len(lines)-1] != "}" {
		return []string{"not a digraph { ... } block"}
	}
	for _, line := range lines[1 : len(lines)-1] {
		stmt := strings.TrimSpace(line)
		if !strings.HasSuffix(stmt, ";") {
			problems = append(problems, "statement without ';': "+stmt)
			continue
		}
		stmt = strings.TrimSuffix(stmt, ";")
		head, attrs, hasAttrs, err := splitAttrs(stmt)
		if err != "" {
			problems = append(problems, err+": "+line)
			continue
		}
		if from, to, ok := strings.Cut(head, " -> "); ok && strings.TrimSpace(from) == strings.TrimSpace(to) {
			problems = append(problems, "edge from a node to itself: "+line)
		}
		if !hasAttrs {
			continue
		}
		for _, a := range splitOutsideQuotes(attrs, ',') {
			k, v, ok := strings.Cut(strings.TrimSpace(a), "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" || strings.TrimSpace(v) == `""` {
				problems = append(problems, "attribute without a value "+strings.TrimSpace(a)+": "+line)
			}
		}
	}
	return problems
}

// splitAttrs splits `head [attrs]` at the bracket outside quotes.
func splitAttrs(stmt string) (head, attrs string, has bool, problem string) {
	inQuote, open := false, -1
	for i := 0; i < len(stmt); i++ {
		switch c := stmt[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '[' && !inQuote:
			if open >= 0 {
				return "", "", false, "nested '['"
			}
			open = i
		case c == ']' && !inQuote:
			if open < 0 || i != len(stmt)-1 {
				return "", "", false, "unbalanced ']'"
			}
			return strings.TrimSpace(stmt[:open]), stmt[open+1 : i], true, ""
		}
	}
	switch {
	case inQuote:
		return "", "", false, "unterminated quote"
	case open >= 0:
		return "", "", false, "unbalanced '['"
	}
	return strings.TrimSpace(stmt), "", false, ""
}

// splitOutsideQuotes splits s at sep where sep is not inside quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == sep && !inQuote:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
