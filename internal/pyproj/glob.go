package pyproj

import (
	"fmt"
	"regexp"
	"strings"
)

// Glob is a path pattern of letgo's configuration (exclude,
// per-file-ignores), matched against slash paths relative to the project
// root: "*" and "?" stay inside one path element, "**" crosses elements,
// a pattern without "/" matches any element ("migrations", "*_pb2.py"),
// and a pattern that matches a directory matches everything under it.
type Glob struct {
	Pattern string
	re      *regexp.Regexp
	element bool // no "/": matched against each element of the path
}

// CompileGlob compiles a pattern; a malformed one ("[a-") is an error.
func CompileGlob(pattern string) (Glob, error) {
	p := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(pattern), "./"), "/")
	if p == "" {
		return Glob{}, fmt.Errorf("empty pattern %q", pattern)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return Glob{}, fmt.Errorf("pattern %q: unclosed [", pattern)
			}
			class := p[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return Glob{}, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	return Glob{Pattern: pattern, re: re, element: !strings.Contains(p, "/")}, nil
}

// Match reports whether rel (a slash path relative to the root) or one of
// the directories above it matches.
func (g Glob) Match(rel string) bool {
	if g.element {
		for _, part := range strings.Split(rel, "/") {
			if g.re.MatchString(part) {
				return true
			}
		}
		return false
	}
	for {
		if g.re.MatchString(rel) {
			return true
		}
		i := strings.LastIndexByte(rel, '/')
		if i < 0 {
			return false
		}
		rel = rel[:i]
	}
}

// PerFileIgnore is one per-file-ignores entry: rules (ids or prefixes) not
// reported in the files a pattern matches.
type PerFileIgnore struct {
	Glob  Glob
	Codes []string
}
