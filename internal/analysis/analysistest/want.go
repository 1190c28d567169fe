package analysistest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// wantMarkRE finds a `# want` comment; what follows it must parse as one or
// more `EVnnn` ids, each optionally followed by a double-quoted regular
// expression the finding's message must match.
var (
	wantMarkRE = regexp.MustCompile(`#\s*want(\s|$)`)
	wantIDRE   = regexp.MustCompile(`^EV[0-9]{3}$`)
)

// expectation is one expected finding: rule at path:line, its message
// matching re when re is set.
type expectation struct {
	path string
	line int
	rule string
	re   *regexp.Regexp
}

func (e expectation) key() string { return fmt.Sprintf("%s:%d %s", e.path, e.line, e.rule) }

func (e expectation) String() string {
	if e.re != nil {
		return fmt.Sprintf("%s %q", e.key(), e.re.String())
	}
	return e.key()
}

// parseWantComments reads the `# want` comments of one file, at path in the
// fixture's tree. known, when set, decides whether an id names a rule.
func parseWantComments(path string, src []byte, known func(string) bool) ([]expectation, error) {
	var out []expectation
	for i, line := range strings.Split(string(src), "\n") {
		loc := wantMarkRE.FindStringIndex(line)
		if loc == nil {
			continue
		}
		items, err := parseWantItems(line[loc[1]:], known)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: malformed want comment %q: %v", path, i+1, strings.TrimSpace(line[loc[0]:]), err)
		}
		for _, it := range items {
			it.path, it.line = path, i+1
			out = append(out, it)
		}
	}
	return out, nil
}

// parseWantItems parses `EV110 "re" EV101 ...`: at least one id, each
// optionally followed by a quoted pattern (`\"` is a quote inside it; every
// other backslash is the pattern's own).
func parseWantItems(s string, known func(string) bool) ([]expectation, error) {
	var out []expectation
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("no rule id after want")
	}
	for s != "" {
		if s[0] == '"' {
			if len(out) == 0 || out[len(out)-1].re != nil {
				return nil, fmt.Errorf("pattern %s does not follow a rule id", s)
			}
			pat, rest, err := unquote(s)
			if err != nil {
				return nil, err
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fmt.Errorf("bad pattern: %v", err)
			}
			out[len(out)-1].re = re
			s = strings.TrimSpace(rest)
			continue
		}
		tok, rest, _ := strings.Cut(s, " ")
		if !wantIDRE.MatchString(tok) {
			return nil, fmt.Errorf("%q is not a rule id (EVnnn) or a quoted pattern", tok)
		}
		if known != nil && !known(tok) {
			return nil, fmt.Errorf("no rule %s", tok)
		}
		out = append(out, expectation{rule: tok})
		s = strings.TrimSpace(rest)
	}
	return out, nil
}

func unquote(s string) (pat, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case s[i] == '"':
			if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
				return "", "", fmt.Errorf("text %q right after the closing quote", s[i+1:])
			}
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", fmt.Errorf("unterminated pattern %s", s)
}

// parseWantLine parses a line of a txtar `want` section: `path:line EVnnn
// ["regexp"] ...`, for files that cannot carry comments.
func parseWantLine(line string, known func(string) bool) ([]expectation, error) {
	loc, items, _ := strings.Cut(strings.TrimSpace(line), " ")
	i := strings.LastIndexByte(loc, ':')
	if i <= 0 {
		return nil, fmt.Errorf("malformed want line %q (want path:line EVnnn [\"regexp\"])", line)
	}
	n, err := strconv.Atoi(loc[i+1:])
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("malformed want line %q: bad line number", line)
	}
	out, err := parseWantItems(items, known)
	if err != nil {
		return nil, fmt.Errorf("malformed want line %q: %v", line, err)
	}
	for j := range out {
		out[j].path, out[j].line = loc[:i], n
	}
	return out, nil
}
