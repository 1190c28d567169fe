package pyproj

import (
	"path/filepath"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
)

// Distribution is an installed distribution found in a site-packages
// directory (*.dist-info).
type Distribution struct {
	Name         string   // normalised
	TopLevel     []string // top-level modules and packages it ships
	Requirements []Requirement
	EntryPoints  []EntryPoint
}

// ReadDistributions reads the *.dist-info directories of a site-packages
// directory: METADATA (Requires-Dist), top_level.txt (or RECORD) and
// entry_points.txt. Unreadable ones are skipped; every file is read through
// safeio under MaxConfigSize.
func ReadDistributions(sitePackages string) []Distribution {
	infos, _ := filepath.Glob(filepath.Join(sitePackages, "*.dist-info"))
	var out []Distribution
	for _, info := range infos {
		meta, err := safeio.ReadFile(filepath.Join(info, "METADATA"), MaxConfigSize)
		if err != nil {
			continue
		}
		d := Distribution{}
		rel, _ := filepath.Rel(sitePackages, info)
		for i, line := range strings.Split(string(meta), "\n") {
			if v, ok := strings.CutPrefix(line, "Name:"); ok && d.Name == "" {
				d.Name = NormalizeName(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(line, "Requires-Dist:"); ok {
				spec := strings.TrimSpace(v)
				if r, ok := parseRequirement(spec); ok {
					r.File, r.Line = filepath.ToSlash(filepath.Join(rel, "METADATA")), i+1
					if _, marker, ok := strings.Cut(spec, ";"); ok && strings.Contains(marker, "extra") {
						r.Extra = extraName(marker)
					}
					d.Requirements = append(d.Requirements, r)
				}
			}
			if line == "" {
				break // end of the headers
			}
		}
		if b, err := safeio.ReadFile(filepath.Join(info, "top_level.txt"), MaxConfigSize); err == nil {
			d.TopLevel = splitLines(string(b))
		} else if b, err := safeio.ReadFile(filepath.Join(info, "RECORD"), MaxConfigSize); err == nil {
			seen := map[string]bool{}
			for _, line := range strings.Split(string(b), "\n") {
				p, _, _ := strings.Cut(line, ",")
				top, _, _ := strings.Cut(p, "/")
				top = strings.TrimSuffix(top, ".py")
				if top != "" && !strings.Contains(top, ".dist-info") && !strings.HasPrefix(top, "..") && !seen[top] {
					seen[top] = true
					d.TopLevel = append(d.TopLevel, top)
				}
			}
		}
		if b, err := safeio.ReadFile(filepath.Join(info, "entry_points.txt"), MaxConfigSize); err == nil {
			d.EntryPoints = readEntryPointsTxt(rel, string(b))
		}
		if d.Name != "" {
			out = append(out, d)
		}
	}
	return out
}

// readEntryPointsTxt reads the entry_points.txt of a distribution (an INI
// file, values raw: see readSetupCfg); one that does not parse has none.
func readEntryPointsTxt(rel, text string) []EntryPoint {
	cfg, err := loadINI(text)
	if err != nil {
		return nil
	}
	tmp := &Project{}
	for _, sec := range cfg.Sections() {
		for _, k := range sec.Keys() {
			tmp.addEntryPoint(k.Name(), sec.Name(), k.Value(), rel, 0)
		}
	}
	return tmp.EntryPoints
}

func extraName(marker string) string {
	i := strings.Index(marker, "extra")
	rest := marker[i+len("extra"):]
	rest = strings.TrimLeft(rest, " =!")
	rest = strings.Trim(rest, `"' `)
	if j := strings.IndexAny(rest, `"' `); j >= 0 {
		rest = rest[:j]
	}
	if rest == "" {
		return "extra"
	}
	return rest
}

// RequiresEventlet reports whether requirements declare eventlet as a hard
// (not optional, not test-only) dependency.
func RequiresEventlet(reqs []Requirement) bool {
	for _, r := range reqs {
		if r.Name == "eventlet" && r.Extra == "" && !r.Test {
			return true
		}
	}
	return false
}
