package compare

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/tomlconf"
)

// MetaDiff is one setting that differs between the deployments' metadata
// files (versions, configuration): Absent marks the side that lacks it.
type MetaDiff struct {
	Key string `json:"key"`
	A   string `json:"a"`
	B   string `json:"b"`
	// Absent is "A" or "B" when only the other side sets the key.
	Absent string `json:"absent,omitempty"`
}

// MaxMetaBytes bounds a metadata file.
const MaxMetaBytes = 16 << 20

// ParseMeta reads a metadata file (JSON, or TOML when the name ends in
// .toml) into flat dotted keys: {"nova": {"version": "31.0"}} becomes
// nova.version = 31.0. A file above MaxMetaBytes is refused.
func ParseMeta(name string, data []byte) (map[string]string, error) {
	if len(data) > MaxMetaBytes {
		return nil, fmt.Errorf("%s: %d bytes, above the %d-byte limit of a metadata file", name, len(data), MaxMetaBytes)
	}
	var doc map[string]any
	var err error
	if strings.EqualFold(filepath.Ext(name), ".toml") {
		err = tomlconf.Decode(data, &doc)
	} else {
		err = json.Unmarshal(data, &doc)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := map[string]string{}
	flatten("", doc, out)
	return out, nil
}

func flatten(prefix string, v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, sub, out)
		}
	case string:
		out[prefix] = t
	default:
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	}
}

// DiffMeta lists the keys whose values differ, sorted.
func DiffMeta(a, b map[string]string) []MetaDiff {
	var out []MetaDiff
	for k, va := range a {
		vb, ok := b[k]
		switch {
		case !ok:
			out = append(out, MetaDiff{Key: k, A: va, Absent: "B"})
		case va != vb:
			out = append(out, MetaDiff{Key: k, A: va, B: vb})
		}
	}
	for k, vb := range b {
		if _, ok := a[k]; !ok {
			out = append(out, MetaDiff{Key: k, B: vb, Absent: "A"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func metaText(d MetaDiff) string {
	switch d.Absent {
	case "A":
		return fmt.Sprintf("%s: only B sets it (%s)", d.Key, d.B)
	case "B":
		return fmt.Sprintf("%s: only A sets it (%s)", d.Key, d.A)
	}
	return fmt.Sprintf("%s: A %s, B %s", d.Key, d.A, d.B)
}
