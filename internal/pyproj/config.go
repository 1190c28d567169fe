package pyproj

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

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

// LoadConfig reads the configuration of the project at root. A letgo
// section that does not parse, or that holds a key letgo does not know, is
// an error (a misspelt setting must not silently turn a gate green); a
// missing one is not.
func LoadConfig(root string) (Config, error) {
	var found []Config
	if b, err := os.ReadFile(filepath.Join(root, "pyproject.toml")); err == nil {
		c, ok, err := tomlConfig(string(b))
		if err != nil {
			return Config{}, err
		}
		if ok {
			found = append(found, c)
		}
	}
	for _, name := range []string{"setup.cfg", "tox.ini"} {
		b, err := os.ReadFile(filepath.Join(root, name))
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

func tomlConfig(text string) (Config, bool, error) {
	const file, section = "pyproject.toml", "tool.letgo"
	var keys struct {
		Tool struct {
			Letgo map[string]any `toml:"letgo"`
		} `toml:"tool"`
	}
	if err := tomlconf.Decode([]byte(text), &keys); err != nil {
		return Config{}, false, &ConfigError{File: file, Err: err}
	}
	if keys.Tool.Letgo == nil {
		return Config{}, false, nil
	}
	c := Config{Source: file, Section: section, Lines: map[string]int{}}
	if err := checkKeys(c, text, mapKeys(keys.Tool.Letgo)); err != nil {
		return Config{}, false, err
	}
	var doc struct {
		Tool struct {
			Letgo struct {
				Select         []string            `toml:"select"`
				Ignore         []string            `toml:"ignore"`
				FailOn         string              `toml:"fail-on"`
				IncludeDocs    *bool               `toml:"include-docs"`
				Format         string              `toml:"format"`
				Exclude        []string            `toml:"exclude"`
				ExtendExclude  []string            `toml:"extend-exclude"`
				PerFileIgnores map[string][]string `toml:"per-file-ignores"`
			} `toml:"letgo"`
		} `toml:"tool"`
	}
	if err := tomlconf.Decode([]byte(text), &doc); err != nil {
		return Config{}, false, &ConfigError{File: file, Line: lineOf(text, section, ""), Err: err}
	}
	l := doc.Tool.Letgo
	c.Select, c.Ignore, c.FailOn, c.IncludeDocs, c.Format = l.Select, l.Ignore, l.FailOn, l.IncludeDocs, l.Format
	for k := range keys.Tool.Letgo {
		c.Lines[k] = lineOf(text, section, k)
	}
	if c.Lines["per-file-ignores"] == 0 {
		c.Lines["per-file-ignores"] = lineOf(text, section+".per-file-ignores", "")
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

func iniConfig(name, text string) (Config, bool, error) {
	const section = "letgo"
	cfg, err := loadINI(text)
	if err != nil {
		return Config{}, false, &ConfigError{File: name, Err: err}
	}
	sec, err := cfg.GetSection(section)
	if err != nil {
		return Config{}, false, nil
	}
	c := Config{Source: name, Section: section, Lines: map[string]int{}}
	if err := checkKeys(c, text, sec.KeyStrings()); err != nil {
		return Config{}, false, err
	}
	for _, k := range sec.KeyStrings() {
		c.Lines[k] = lineOf(text, section, k)
	}
	// Raw values: letgo never expands %(name)s interpolation.
	c.FailOn, c.Format = sec.Key("fail-on").Value(), sec.Key("format").Value()
	c.Select = splitList(sec.Key("select").Value())
	c.Ignore = splitList(sec.Key("ignore").Value())
	var err2 error
	if c.Exclude, err2 = c.globs("exclude", splitList(sec.Key("exclude").Value())); err2 != nil {
		return Config{}, false, err2
	}
	if c.ExtendExclude, err2 = c.globs("extend-exclude", splitList(sec.Key("extend-exclude").Value())); err2 != nil {
		return Config{}, false, err2
	}
	// flake8's shape: "pattern: CODE, CODE" per line (or comma-separated
	// pairs on one line).
	for _, line := range strings.Split(sec.Key("per-file-ignores").Value(), "\n") {
		pat, codes, ok := strings.Cut(line, ":")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !ok {
			return Config{}, false, &ConfigError{File: name, Line: c.Lines["per-file-ignores"], Err: fmt.Errorf("per-file-ignores: %q is not \"pattern: codes\"", strings.TrimSpace(line))}
		}
		if err := c.addPerFileIgnore(strings.TrimSpace(pat), splitList(codes)); err != nil {
			return Config{}, false, err
		}
	}
	if sec.HasKey("include-docs") {
		v, err := sec.Key("include-docs").Bool()
		if err != nil {
			return Config{}, false, &ConfigError{File: name, Line: c.Lines["include-docs"], Err: fmt.Errorf("include-docs: %w", err)}
		}
		c.IncludeDocs = &v
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
func checkKeys(c Config, text string, keys []string) error {
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
		return &ConfigError{File: c.Source, Line: lineOf(text, c.Section, k), Err: fmt.Errorf("%s", msg)}
	}
	return nil
}

// closestKey suggests a known key for a misspelt one: the same with
// dashes for underscores, or one that shares all but two letters.
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

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' })
}

// ConfigError is a letgo configuration section that does not parse or
// holds a setting letgo does not know.
type ConfigError struct {
	File string
	Line int // 0 when unknown
	Err  error
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config %s:%d: %v", e.File, e.Line, e.Err)
	}
	return "config " + e.File + ": " + e.Err.Error()
}

func (e *ConfigError) Unwrap() error { return e.Err }
