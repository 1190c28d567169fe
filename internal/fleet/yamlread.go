package fleet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/safeio"
)

// maxFileSize bounds one governance or release file; the largest real one
// (projects.yaml) is about 100 KB.
const maxFileSize = 16 << 20

type node = pyproj.YAMLNode

// yamlFile is one parsed file and the problems met reading it.
type yamlFile struct {
	path string
	add  func(*Problem)
}

// readYAML reads and parses path. A file that cannot be read or parsed is
// returned as a *Problem naming the file (and the line the parser named);
// an empty document is a nil root.
func readYAML(path string) (*node, error) {
	data, err := safeio.ReadFile(path, maxFileSize)
	if err != nil {
		return nil, &Problem{File: path, Msg: "cannot read: " + safeio.Reason(err)}
	}
	return parseYAML(path, data)
}

// parseYAML parses data, the text of path.
func parseYAML(path string, data []byte) (*node, error) {
	root, err := pyproj.ParseYAML(data)
	if err != nil {
		var ye *pyproj.YAMLError
		if errors.As(err, &ye) {
			return nil, &Problem{File: path, Line: ye.Line, Msg: "cannot parse: " + ye.Msg}
		}
		return nil, &Problem{File: path, Msg: "cannot parse: " + err.Error()}
	}
	return root, nil
}

func (f *yamlFile) problem(n *node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	f.add(&Problem{File: f.path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// pair is one key and value of a mapping.
type pair struct {
	key string
	k   *node
	v   *node
}

// pairs lists a mapping's entries; a node that is not a mapping is a
// problem (what says what it should have been) and has none. A key given
// twice is a problem and only its first entry is listed, as a parser into
// a map would refuse it.
func (f *yamlFile) pairs(n *node, what string) []pair {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != pyproj.YAMLMapping {
		f.problem(n, "%s: want a mapping, found %s", what, describe(n))
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != pyproj.YAMLScalar {
			f.problem(k, "%s: a key must be a plain value, found %s", what, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			f.problem(k, "%s: key %q given again (first at line %d); the first is kept", what, k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{k.Value, k, v})
	}
	return out
}

// items lists a sequence's items; null is an empty list.
func (f *yamlFile) items(n *node, what string) []*node {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != pyproj.YAMLSequence {
		f.problem(n, "%s: want a list, found %s", what, describe(n))
		return nil
	}
	return n.Content
}

// scalar is a scalar's text as written; null is "". Another kind is a
// problem and "".
func (f *yamlFile) scalar(n *node, what string) string {
	if n == nil || isNull(n) {
		return ""
	}
	if n.Kind != pyproj.YAMLScalar {
		f.problem(n, "%s: want a value, found %s", what, describe(n))
		return ""
	}
	return n.Value
}

// flag reads a YAML 1.1 boolean as the release data writes them
// ("slurp: yes").
func (f *yamlFile) flag(n *node, what string) bool {
	switch v := strings.ToLower(f.scalar(n, what)); v {
	case "yes", "true", "on", "y":
		return true
	case "", "no", "false", "off", "n":
		return false
	default:
		f.problem(n, "%s: want yes or no, found %q", what, v)
		return false
	}
}

func isNull(n *node) bool {
	return n.Kind == pyproj.YAMLScalar && n.Tag == "!!null"
}

func describe(n *node) string {
	switch n.Kind {
	case pyproj.YAMLMapping:
		return "a mapping"
	case pyproj.YAMLSequence:
		return "a list"
	default:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("%q", v)
	}
}

func isMapping(n *node) bool { return n != nil && n.Kind == pyproj.YAMLMapping }

func isScalar(n *node) bool { return n != nil && n.Kind == pyproj.YAMLScalar }
