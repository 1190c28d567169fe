package pyproj

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/tomlconf"
)

// Config is letgo's own configuration, read from pyproject.toml [tool.letgo]
// or a [letgo] section of setup.cfg or tox.ini (flake8 style). Flags win.
type Config struct {
	Source      string // file the settings came from, "" if none
	Section     string // "tool.letgo" or "letgo"
	Select      []string
	Ignore      []string
	FailOn      string
	IncludeDocs *bool
	Format      string
	// Exclude and ExtendExclude are paths not scanned at all (letgo's own
	// skips — .git, .tox, virtualenvs — always apply); PerFileIgnores are
	// rules not reported in matching files.
	Exclude, ExtendExclude []Glob
	PerFileIgnores         []PerFileIgnore
	// Lines holds the line of each key in Source, for messages that point
	// at the setting a user wrote.
	Lines map[string]int
	// Shadowed names the other letgo sections found and not used
	// ("setup.cfg [letgo]"): only the first of pyproject.toml, setup.cfg,
	// tox.ini is read, and the user should know which.
	Shadowed []string
}

// ConfigKeys are the settings letgo reads from its configuration section.
var ConfigKeys = []string{"exclude", "extend-exclude", "fail-on", "format", "ignore", "include-docs", "per-file-ignores", "select"}

// Where names the setting key for messages: "pyproject.toml:12 [tool.letgo] select".
func (c Config) Where(key string) string {
	if line := c.Lines[key]; line > 0 {
		return fmt.Sprintf("%s:%d [%s] %s", c.Source, line, c.Section, key)
	}
	return fmt.Sprintf("%s [%s] %s", c.Source, c.Section, key)
}

// LoadConfig reads the configuration of the project at root. Only letgo's
// own section is letgo's business: one that does not parse, or that holds
// a key letgo does not know, is an error (a *ConfigError naming the file
// and line: a misspelt setting must not silently turn a gate green). The
// rest of a file is the project's, and a file that cannot be read or
// parsed at all is reported by the scan, per file, like any other. Files
// are read through safeio under MaxConfigSize, and a symlink out of the
// root is not followed.
func LoadConfig(root string) (Config, error) {
	sroot, err := safeio.NewRoot(root)
	if err != nil {
		return Config{}, nil // the scan reports an unusable root
	}
	return loadConfig(func(name string) ([]byte, error) { return sroot.ReadFile(name, MaxConfigSize) })
}

// loadConfig is LoadConfig over a reader of the root's files; a file it
// cannot read is skipped.
func loadConfig(read func(name string) ([]byte, error)) (Config, error) {
	var found []Config
	if b, err := read("pyproject.toml"); err == nil {
		c, ok, err := pyprojectConfig(string(b))
		if err != nil {
			return Config{}, err
		}
		if ok {
			found = append(found, c)
		}
	}
	for _, name := range []string{"setup.cfg", "tox.ini"} {
		b, err := read(name)
		if err != nil {
			continue
		}
		c, ok, err := iniConfig(name, string(b))
		if err != nil {
			return Config{}, err
		}
		if ok {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return Config{}, nil
	}
	c := found[0]
	for _, o := range found[1:] {
		c.Shadowed = append(c.Shadowed, o.Source+" ["+o.Section+"]")
	}
	return c, nil
}

type letgoTOML struct {
	Select         []string            `toml:"select"`
	Ignore         []string            `toml:"ignore"`
	FailOn         string              `toml:"fail-on"`
	IncludeDocs    *bool               `toml:"include-docs"`
	Format         string              `toml:"format"`
	Exclude        []string            `toml:"exclude"`
	ExtendExclude  []string            `toml:"extend-exclude"`
	PerFileIgnores map[string][]string `toml:"per-file-ignores"`
}

type toolTOML struct {
	Tool struct {
		Letgo *letgoTOML `toml:"letgo"`
	} `toml:"tool"`
}

// toolKeys decodes only the names of [tool.letgo]'s keys, to refuse the
// ones letgo does not know.
type toolKeys struct {
	Tool struct {
		Letgo map[string]any `toml:"letgo"`
	} `toml:"tool"`
}

// letgoTable matches the header of [tool.letgo], also a broken one
// ("[tool.letgo", "[ tool . letgo ]", quoted keys), and letgoSection the
// header of an INI [letgo] section.
var (
	letgoTable   = regexp.MustCompile(`^\[\s*"?tool"?\s*\.\s*"?letgo"?\s*(\]|$|#)`)
	letgoSection = regexp.MustCompile(`^\[\s*letgo\s*(\]|$)`)
)

// pyprojectConfig reads [tool.letgo] of a pyproject.toml text. When the
// document does not decode, the [tool.letgo] table is decoded alone: an
// error elsewhere is not letgo's to report, an error inside it is.
func pyprojectConfig(text string) (Config, bool, error) {
	const file, sectionName = "pyproject.toml", "tool.letgo"
	var doc toolTOML
	var keys toolKeys
	src := text
	if err := tomlconf.Decode([]byte(text), &doc); err != nil {
		fragment, _, ok := section(text, letgoTable, isTOMLHeader)
		if !ok {
			return Config{}, false, nil // not letgo's: the scan reports the file
		}
		doc, src = toolTOML{}, fragment
		if err := tomlconf.Decode([]byte(fragment), &doc); err != nil {
			return Config{}, false, &ConfigError{File: file, Line: tomlconf.ErrorLine(err), Err: err}
		}
	}
	l := doc.Tool.Letgo
	if l == nil {
		return Config{}, false, nil
	}
	if err := tomlconf.Decode([]byte(src), &keys); err != nil {
		return Config{}, false, &ConfigError{File: file, Line: tomlconf.ErrorLine(err), Err: err}
	}
	ix := newINIIndex(text)
	c := Config{Source: file, Section: sectionName, Lines: map[string]int{},
		Select: l.Select, Ignore: l.Ignore, FailOn: l.FailOn, IncludeDocs: l.IncludeDocs, Format: l.Format}
	names := mapKeys(keys.Tool.Letgo)
	for _, k := range names {
		c.Lines[k] = ix.lineOf(sectionName, k)
	}
	if c.Lines["per-file-ignores"] == 0 {
		c.Lines["per-file-ignores"] = ix.lineOf(sectionName+".per-file-ignores", "")
	}
	if err := c.checkKeys(names); err != nil {
		return Config{}, false, err
	}
	var err error
	if c.Exclude, err = c.globs("exclude", l.Exclude); err != nil {
		return Config{}, false, err
	}
	if c.ExtendExclude, err = c.globs("extend-exclude", l.ExtendExclude); err != nil {
		return Config{}, false, err
	}
	for _, pat := range sortedKeys(l.PerFileIgnores) {
		if err := c.addPerFileIgnore(pat, l.PerFileIgnores[pat]); err != nil {
			return Config{}, false, err
		}
	}
	return c, true, nil
}

// iniConfig reads the [letgo] section of a setup.cfg or tox.ini text, the
// section alone when the whole file does not parse. Values are raw: no
// %(name)s interpolation (see readSetupCfg).
func iniConfig(file, text string) (Config, bool, error) {
	const sectionName = "letgo"
	cfg, err := loadINI(text)
	if err != nil {
		fragment, line, ok := section(text, letgoSection, isINIHeader)
		if !ok {
			return Config{}, false, nil
		}
		text = fragment
		if cfg, err = loadINI(text); err != nil {
			return Config{}, false, &ConfigError{File: file, Line: line, Err: err}
		}
	}
	sec, err := cfg.GetSection(sectionName)
	if err != nil {
		return Config{}, false, nil
	}
	ix := newINIIndex(text)
	c := Config{Source: file, Section: sectionName, Lines: map[string]int{}}
	for _, k := range sec.KeyStrings() {
		c.Lines[k] = ix.lineOf(sectionName, k)
	}
	if err := c.checkKeys(sec.KeyStrings()); err != nil {
		return Config{}, false, err
	}
	c.FailOn, c.Format = strings.TrimSpace(sec.Key("fail-on").Value()), strings.TrimSpace(sec.Key("format").Value())
	c.Select = splitList(sec.Key("select").Value())
	c.Ignore = splitList(sec.Key("ignore").Value())
	if sec.HasKey("include-docs") {
		raw := strings.TrimSpace(sec.Key("include-docs").Value())
		v, ok := parseBool(raw)
		if !ok {
			return Config{}, false, &ConfigError{File: file, Line: c.Lines["include-docs"],
				Err: fmt.Errorf("include-docs: %q is not true or false", raw)}
		}
		c.IncludeDocs = &v
	}
	if c.Exclude, err = c.globs("exclude", splitList(sec.Key("exclude").Value())); err != nil {
		return Config{}, false, err
	}
	if c.ExtendExclude, err = c.globs("extend-exclude", splitList(sec.Key("extend-exclude").Value())); err != nil {
		return Config{}, false, err
	}
	// flake8's shape: one "pattern: CODE, CODE" per line.
	for _, line := range strings.Split(sec.Key("per-file-ignores").Value(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		pat, codes, ok := strings.Cut(line, ":")
		if !ok {
			return Config{}, false, &ConfigError{File: file, Line: c.Lines["per-file-ignores"],
				Err: fmt.Errorf("per-file-ignores: %q is not \"pattern: codes\"", strings.TrimSpace(line))}
		}
		if err := c.addPerFileIgnore(strings.TrimSpace(pat), splitList(codes)); err != nil {
			return Config{}, false, err
		}
	}
	return c, true, nil
}

// globs compiles the patterns of a setting.
func (c Config) globs(key string, patterns []string) ([]Glob, error) {
	var out []Glob
	for _, p := range patterns {
		g, err := CompileGlob(p)
		if err != nil {
			return nil, &ConfigError{File: c.Source, Line: c.Lines[key], Err: fmt.Errorf("%s: %w", key, err)}
		}
		out = append(out, g)
	}
	return out, nil
}

func (c *Config) addPerFileIgnore(pattern string, codes []string) error {
	g, err := CompileGlob(pattern)
	if err != nil {
		return &ConfigError{File: c.Source, Line: c.Lines["per-file-ignores"], Err: fmt.Errorf("per-file-ignores: %w", err)}
	}
	if len(codes) == 0 {
		return &ConfigError{File: c.Source, Line: c.Lines["per-file-ignores"], Err: fmt.Errorf("per-file-ignores: %q names no rules", pattern)}
	}
	c.PerFileIgnores = append(c.PerFileIgnores, PerFileIgnore{Glob: g, Codes: codes})
	return nil
}

// checkKeys refuses keys letgo does not read, naming the closest known one.
func (c Config) checkKeys(keys []string) error {
	keys = append([]string(nil), keys...)
	sort.Strings(keys)
	for _, k := range keys {
		if contains(ConfigKeys, k) {
			continue
		}
		msg := fmt.Sprintf("unknown key %q in [%s]", k, c.Section)
		if s := closestKey(k); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		msg += " (known: " + strings.Join(ConfigKeys, ", ") + ")"
		return &ConfigError{File: c.Source, Line: c.Lines[k], Err: fmt.Errorf("%s", msg)}
	}
	return nil
}

// closestKey suggests a known key for a misspelt one: the same with
// dashes for underscores, or one at most two edits away.
func closestKey(k string) string {
	norm := strings.ReplaceAll(strings.ToLower(k), "_", "-")
	best, bestD := "", 3
	for _, known := range ConfigKeys {
		if norm == known {
			return known
		}
		if d := editDistance(norm, known); d < bestD {
			best, bestD = known, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func mapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// section returns the lines of the section whose header matches header,
// through the line before the next header (as isHeader tells, broken ones
// included), with the lines before it left blank so that line numbers
// stay those of the file, and the header's line (1-based).
func section(text string, header *regexp.Regexp, isHeader func(string) bool) (string, int, bool) {
	lines := strings.Split(text, "\n")
	start := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if start < 0 {
			if header.MatchString(t) {
				start = i
			}
			continue
		}
		if isHeader(t) && !header.MatchString(t) && !strings.HasPrefix(strings.ReplaceAll(t, " ", ""), "[tool.letgo.") {
			lines = lines[:i]
			break
		}
	}
	if start < 0 {
		return "", 0, false
	}
	return strings.Repeat("\n", start) + strings.Join(lines[start:], "\n"), start + 1, true
}

// isTOMLHeader tells a table header, also an unclosed one, from a line of
// a multi-line array that starts with "[" (a nested array: "[", "[1, 2],").
func isTOMLHeader(t string) bool {
	if i := strings.IndexByte(t, '#'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	return len(t) > 1 && t[0] == '[' && !strings.ContainsAny(t, ",=")
}

// isINIHeader: in INI every line that starts with "[" opens a section.
func isINIHeader(t string) bool { return strings.HasPrefix(t, "[") }

// parseBool reads a boolean as configparser does (and the INI library's
// Key.Bool, which would interpolate the value first).
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "t", "true", "yes", "y", "on":
		return true, true
	case "0", "f", "false", "no", "n", "off":
		return false, true
	}
	return false, false
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' })
}

// ConfigError is letgo's own configuration section that does not parse or
// holds a setting letgo does not know: a usage error, which names the file
// and the line.
type ConfigError struct {
	File string
	Line int // 0 when the parser gave none
	Err  error
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("letgo configuration %s:%d: %v", e.File, e.Line, e.Err)
	}
	return "letgo configuration " + e.File + ": " + e.Err.Error()
}

// Unwrap returns the parser's error.
func (e *ConfigError) Unwrap() error { return e.Err }
