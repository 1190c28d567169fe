package pyproj

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// This file lends the YAML parser to readers of outside data that are not
// part of the project model (the fleet's governance and release files), so
// that go.yaml.in/yaml/v3 stays imported by this one adapter package.

// YAMLKind is the kind of a YAMLNode.
type YAMLKind int

// The kinds of node a document holds once its aliases are expanded.
const (
	YAMLScalar YAMLKind = iota + 1
	YAMLMapping
	YAMLSequence
)

// YAMLNode is one node of a YAML document as a reader of outside data
// needs it: aliases expanded, positions kept, scalars as written.
type YAMLNode struct {
	Kind YAMLKind
	// Tag is the resolved tag: "!!str", "!!int", "!!float", "!!bool",
	// "!!null", "!!map", "!!seq", or the document's own.
	Tag string
	// Value is a scalar's text as written, so 2026.1 stays "2026.1" where
	// a decoder into Go values would make it the number 2026.1.
	Value string
	// Line and Column are 1-based; a node copied from an anchor keeps the
	// anchor's position.
	Line, Column int
	// Content holds a sequence's items, or a mapping's keys and values
	// alternately.
	Content []*YAMLNode
}

// YAMLError is a document the parser refused, or one whose aliases expand
// beyond the bound; Line is 0 when the parser named none.
type YAMLError struct {
	Line int
	Msg  string
}

func (e *YAMLError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Bounds of alias expansion. The parser keeps an alias as a pointer to its
// anchor, so the parse itself stays the size of the text, but a copy into
// a tree grows exponentially with nested aliases (nine lists of nine
// aliases are 9^9 nodes). Aliases may add at most as many nodes as the
// document has, plus a margin for small documents; real governance and
// release files use none.
const (
	yamlAliasMargin = 10000
	yamlMaxDepth    = 10000 // the parser's own nesting limit
)

// ParseYAML parses the first document of data. An empty document is
// (nil, nil). A syntax error, an alias to itself, aliases that expand
// beyond the bound, or nesting deeper than the parser's limit is a
// *YAMLError.
func ParseYAML(data []byte) (root *YAMLNode, err error) {
	defer func() {
		// The parser reports errors by panicking internally; one that
		// escapes is a document it could not read, not a crash of letgo.
		if r := recover(); r != nil {
			root, err = nil, &YAMLError{Msg: fmt.Sprintf("cannot parse: %v", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlParseError(err, data)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, nil
		}
		n = n.Content[0]
	}
	if n.Kind == 0 || n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		return nil, nil // nothing, or "---" alone
	}
	c := &yamlCopier{active: map[*yaml.Node]bool{}}
	c.budget = 2*countYAML(n, 0) + yamlAliasMargin
	return c.copy(n, 0)
}

// yamlParseError turns the parser's message ("yaml: line 3: did not find
// expected key") into a YAMLError with its line, 1-based. The library
// gives the line in the text only, and inconsistently (its fail() in
// decode.go): 1-based for errors of its scanner, 0-based for those of its
// parser stage, and no "line 0" at all, so an error without a line is on
// the first. An unknown anchor carries no position; its alias is found in
// the text.
func yamlParseError(err error, data []byte) *YAMLError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, perr := strconv.Atoi(rest[:i]); perr == nil {
				line, msg = n, rest[i+2:]
			}
		}
	}
	if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		name = strings.TrimSuffix(name, "' referenced")
		return &YAMLError{Line: lineContaining(data, "*"+name), Msg: msg}
	}
	for _, p := range yamlParserProblems {
		if strings.HasPrefix(msg, p) {
			line++
			break
		}
	}
	if line == 0 {
		line = 1
	}
	// The end of a text without a final newline is reported on the line
	// after it.
	if last := strings.Count(string(data), "\n") + 1; line > last {
		line = last
	}
	return &YAMLError{Line: line, Msg: msg}
}

// yamlParserProblems begin the messages of the library's parser stage
// (parserc.go), whose lines are 0-based.
var yamlParserProblems = []string{
	"did not find expected <", "did not find expected node content", "did not find expected '-' indicator",
	"did not find expected key", "did not find expected ',' or", "found duplicate %", "found incompatible YAML document",
	"found undefined tag handle",
}

// lineContaining is the 1-based line of the first occurrence of s in
// data, 0 when there is none.
func lineContaining(data []byte, s string) int {
	i := strings.Index(string(data), s)
	if i < 0 {
		return 0
	}
	return strings.Count(string(data[:i]), "\n") + 1
}

// countYAML counts the nodes of the parsed document without following
// aliases: the size of the text, in nodes.
func countYAML(n *yaml.Node, depth int) int {
	if depth > yamlMaxDepth {
		return 0
	}
	total := 1
	for _, c := range n.Content {
		total += countYAML(c, depth+1)
	}
	return total
}

type yamlCopier struct {
	budget int
	active map[*yaml.Node]bool // aliases being expanded, to refuse a cycle
}

func (c *yamlCopier) copy(n *yaml.Node, depth int) (*YAMLNode, error) {
	if depth > yamlMaxDepth {
		return nil, &YAMLError{Line: n.Line, Msg: fmt.Sprintf("nested deeper than %d levels", yamlMaxDepth)}
	}
	if c.budget--; c.budget < 0 {
		return nil, &YAMLError{Line: n.Line, Msg: "aliases expand to more nodes than the document holds"}
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, &YAMLError{Line: n.Line, Msg: fmt.Sprintf("unknown anchor %q", n.Value)}
		}
		if c.active[n] {
			return nil, &YAMLError{Line: n.Line, Msg: fmt.Sprintf("alias %q refers to itself", n.Value)}
		}
		c.active[n] = true
		defer delete(c.active, n)
		return c.copy(n.Alias, depth+1)
	}
	out := &YAMLNode{Tag: n.Tag, Value: n.Value, Line: n.Line, Column: n.Column}
	switch n.Kind {
	case yaml.ScalarNode:
		out.Kind = YAMLScalar
	case yaml.MappingNode:
		out.Kind = YAMLMapping
	case yaml.SequenceNode:
		out.Kind = YAMLSequence
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			out.Kind = YAMLScalar
			out.Tag = "!!null"
			return out, nil
		}
		return c.copy(n.Content[0], depth+1)
	default:
		return nil, &YAMLError{Line: n.Line, Msg: fmt.Sprintf("unexpected node kind %d", n.Kind)}
	}
	if len(n.Content) > 0 {
		out.Content = make([]*YAMLNode, 0, len(n.Content))
	}
	for _, child := range n.Content {
		cc, err := c.copy(child, depth+1)
		if err != nil {
			return nil, err
		}
		out.Content = append(out.Content, cc)
	}
	return out, nil
}
