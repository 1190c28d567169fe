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
func Decode(data []byte, v any) error {
	if cost(data) > maxCost {
		return ErrTooComplex
	}
	return toml.Unmarshal(data, v)
}

// maxCost bounds the work of the TOML library, which checks each new key
// against every key already in its table: a document costs about
// Σ keys² comparisons per table, minutes for a few MB of short keys. The
// bound (some 5,800 keys in one table, about 0.1 s) is far above real
// files, whose largest tables hold a few hundred keys.
const maxCost = 1 << 25

// ErrTooComplex is a document refused before decoding because it has too
// many keys in one table.
var ErrTooComplex = errors.New("too many keys in one table to decode")

// cost over-estimates the comparisons the decoder makes: every "=" counts
// as a key of the table its line is in (an inline table's keys, or an
// "=" in a string, too), and every header as a key of the root, so no
// layout slips under the bound.
func cost(data []byte) int {
	total, headers, keys := 0, 0, 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == '[' && !bytes.Contains(t, []byte("=")) {
			total += keys * keys
			keys = 0
			headers++
			continue
		}
		keys += bytes.Count(t, []byte("="))
	}
	return total + keys*keys + headers*headers
}

// DecodeStrict decodes a TOML document into v; a key v does not have is an
// error, so a misspelt setting is reported instead of silently ignored.
func DecodeStrict(data []byte, v any) error {
	if cost(data) > maxCost {
		return ErrTooComplex
	}
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

// ErrorLine is the line (1-based) a Decode or DecodeStrict error points
// at, 0 when it names none.
func ErrorLine(err error) int {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return row
	}
	return 0
}
