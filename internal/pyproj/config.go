package pyproj

import (
	"os"
	"path/filepath"
	"strings"

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

// LoadConfig reads the configuration of the project at root. A file that
// cannot be parsed is an error; a missing one is not.
func LoadConfig(root string) (Config, error) {
	if b, err := os.ReadFile(filepath.Join(root, "pyproject.toml")); err == nil {
		var doc struct {
			Tool struct {
				Letgo *struct {
					Select      []string `toml:"select"`
					Ignore      []string `toml:"ignore"`
					FailOn      string   `toml:"fail-on"`
					IncludeDocs *bool    `toml:"include-docs"`
					Format      string   `toml:"format"`
				} `toml:"letgo"`
			} `toml:"tool"`
		}
		if err := tomlconf.Decode(b, &doc); err != nil {
			return Config{}, &ConfigError{File: "pyproject.toml", Err: err}
		}
		if l := doc.Tool.Letgo; l != nil {
			return Config{Source: "pyproject.toml", Select: l.Select, Ignore: l.Ignore, FailOn: l.FailOn, IncludeDocs: l.IncludeDocs, Format: l.Format}, nil
		}
	}
	for _, name := range []string{"setup.cfg", "tox.ini"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue
		}
		cfg, err := loadINI(string(b))
		if err != nil {
			return Config{}, &ConfigError{File: name, Err: err}
		}
		sec, err := cfg.GetSection("letgo")
		if err != nil {
			continue
		}
		c := Config{Source: name, FailOn: sec.Key("fail-on").String(), Format: sec.Key("format").String()}
		c.Select = splitList(sec.Key("select").String())
		c.Ignore = splitList(sec.Key("ignore").String())
		if sec.HasKey("include-docs") {
			v, err := sec.Key("include-docs").Bool()
			if err != nil {
				return Config{}, &ConfigError{File: name, Err: err}
			}
			c.IncludeDocs = &v
		}
		return c, nil
	}
	return Config{}, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' }) {
		out = append(out, part)
	}
	return out
}

// ConfigError is a configuration file that does not parse.
type ConfigError struct {
	File string
	Err  error
}

func (e *ConfigError) Error() string { return "read config " + e.File + ": " + e.Err.Error() }

func (e *ConfigError) Unwrap() error { return e.Err }
