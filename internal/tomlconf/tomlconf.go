// Package tomlconf is letgo's one adapter to its TOML parser: the project
// model reads pyproject.toml through it, the load generator its workload
// files.
package tomlconf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// Decode decodes a TOML document into v, ignoring keys v does not have.
func Decode(data []byte, v any) error { return toml.Unmarshal(data, v) }

// DecodeStrict decodes a TOML document into v; a key v does not have is an
// error, so a misspelt setting is reported instead of silently ignored.
func DecodeStrict(data []byte, v any) error {
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	var missing *toml.StrictMissingError
	if errors.As(err, &missing) {
		var keys []string
		for _, e := range missing.Errors {
			row, _ := e.Position()
			keys = append(keys, fmt.Sprintf("%s (line %d)", strings.Join(e.Key(), "."), row))
		}
		return fmt.Errorf("unknown key %s", strings.Join(keys, ", "))
	}
	return err
}
