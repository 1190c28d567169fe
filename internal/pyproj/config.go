package pyproj

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/tomlconf"
)

// Config is letgo's own configuration, read from pyproject.toml [tool.letgo]
// or a [letgo] section of setup.cfg or tox.ini (flake8 style). Flags win.
type Config struct {
	Source      string // file the settings came from, "" if none
	Select      []string
	Ignore      []string
	FailOn      string
	IncludeDocs *bool
	Format      string
}

// LoadConfig reads the configuration of the project at root. Only letgo's
// own section that does not parse is an error (a *ConfigError naming the
// file and line): the rest of a file is the project's business, and a
// file that cannot be read or parsed at all is reported by the scan, per
// file, like any other. Files are read through safeio under
// MaxConfigSize, and a symlink out of the root is not followed.
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
	if b, err := read("pyproject.toml"); err == nil {
		c, found, err := pyprojectConfig(string(b))
		if err != nil || found {
			return c, err
		}
	}
	for _, name := range []string{"setup.cfg", "tox.ini"} {
		b, err := read(name)
		if err != nil {
			continue
		}
		c, found, err := iniConfig(name, string(b))
		if err != nil || found {
			return c, err
		}
	}
	return Config{}, nil
}

type letgoTOML struct {
	Select      []string `toml:"select"`
	Ignore      []string `toml:"ignore"`
	FailOn      string   `toml:"fail-on"`
	IncludeDocs *bool    `toml:"include-docs"`
	Format      string   `toml:"format"`
}

type toolTOML struct {
	Tool struct {
		Letgo *letgoTOML `toml:"letgo"`
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
	const file = "pyproject.toml"
	var doc toolTOML
	err := tomlconf.Decode([]byte(text), &doc)
	if err != nil {
		fragment, _, ok := section(text, letgoTable, isTOMLHeader)
		if !ok {
			return Config{}, false, nil // not letgo's: the scan reports the file
		}
		doc = toolTOML{}
		if err := tomlconf.Decode([]byte(fragment), &doc); err != nil {
			return Config{}, false, &ConfigError{File: file, Line: tomlconf.ErrorLine(err), Err: err}
		}
	}
	l := doc.Tool.Letgo
	if l == nil {
		return Config{}, false, nil
	}
	return Config{Source: file, Select: l.Select, Ignore: l.Ignore, FailOn: l.FailOn, IncludeDocs: l.IncludeDocs, Format: l.Format}, true, nil
}

// iniConfig reads the [letgo] section of a setup.cfg or tox.ini text, the
// section alone when the whole file does not parse. Values are raw: no
// %(name)s interpolation (see readSetupCfg).
func iniConfig(file, text string) (Config, bool, error) {
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
	sec, err := cfg.GetSection("letgo")
	if err != nil {
		return Config{}, false, nil
	}
	c := Config{Source: file, FailOn: strings.TrimSpace(sec.Key("fail-on").Value()), Format: strings.TrimSpace(sec.Key("format").Value())}
	c.Select = splitList(sec.Key("select").Value())
	c.Ignore = splitList(sec.Key("ignore").Value())
	if sec.HasKey("include-docs") {
		raw := strings.TrimSpace(sec.Key("include-docs").Value())
		v, ok := parseBool(raw)
		if !ok {
			return Config{}, false, &ConfigError{File: file, Line: newINIIndex(text).lineOf("letgo", "include-docs"),
				Err: fmt.Errorf("include-docs: %q is not true or false", raw)}
		}
		c.IncludeDocs = &v
	}
	return c, true, nil
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
		if isHeader(t) && !header.MatchString(t) {
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

// ConfigError is letgo's own configuration section that does not parse:
// a usage error, which names the file and the line.
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
