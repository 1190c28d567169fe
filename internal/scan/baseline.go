package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
)

// NewBaseline records every finding of res.
func NewBaseline(res *contract.Result) *contract.Baseline {
	b := &contract.Baseline{Schema: contract.Schema, Tool: res.Tool, Findings: []contract.BaselineEntry{}}
	for _, f := range res.Findings {
		b.Findings = append(b.Findings, contract.BaselineEntry{Rule: f.Rule, Path: f.Path, Line: f.Line, Message: f.Message, Fingerprint: f.Fingerprint})
	}
	return b
}

// WriteBaseline writes b as indented JSON.
func WriteBaseline(w io.Writer, b *contract.Baseline) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// MaxBaselineSize bounds the baseline file ReadBaseline accepts: a
// baseline is committed to the repository being checked, and a huge one
// (or a device behind a symlink) would otherwise be buffered whole.
// A baseline of every finding of a large project is a few megabytes.
const MaxBaselineSize = 64 << 20

// ReadBaseline parses a baseline file.
func ReadBaseline(r io.Reader) (*contract.Baseline, error) {
	var b contract.Baseline
	lr := &io.LimitedReader{R: r, N: MaxBaselineSize + 1}
	if err := json.NewDecoder(lr).Decode(&b); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("parse baseline: larger than %d bytes", MaxBaselineSize)
		}
		return nil, fmt.Errorf("parse baseline: %w", err)
	}
	if b.Schema != contract.Schema {
		return nil, fmt.Errorf("baseline schema %d, want %d", b.Schema, contract.Schema)
	}
	return &b, nil
}

// ApplyBaseline keeps only findings not in b and records what was fixed.
// Only an accepted finding of a rule that ran in res, in a path the scan
// reported, can be fixed: with --select EV1 the baseline's EV5xx findings
// were not looked for, and a check of one subdirectory did not look at
// the others.
func ApplyBaseline(res *contract.Result, b *contract.Baseline, file string) {
	known := map[string]int{}
	for _, e := range b.Findings {
		known[e.Path+"\x00"+e.Fingerprint]++
	}
	sum := &contract.BaselineSummary{File: file, Fixed: []contract.BaselineEntry{}}
	var fresh []analysis.Finding
	for _, f := range res.Findings {
		k := f.Path + "\x00" + f.Fingerprint
		if known[k] > 0 {
			known[k]--
			sum.Known++
			continue
		}
		fresh = append(fresh, f)
	}
	for _, e := range b.Findings {
		k := e.Path + "\x00" + e.Fingerprint
		if known[k] > 0 {
			known[k]--
			switch {
			case !res.InScope(e.Path):
				sum.NotChecked++
				sum.OutOfScope++
			case !res.Ran(e.Rule):
				sum.NotChecked++
				sum.NotRun++
			default:
				sum.Fixed = append(sum.Fixed, e)
			}
		}
	}
	sort.SliceStable(sum.Fixed, func(i, j int) bool {
		if sum.Fixed[i].Path != sum.Fixed[j].Path {
			return sum.Fixed[i].Path < sum.Fixed[j].Path
		}
		return sum.Fixed[i].Line < sum.Fixed[j].Line
	})
	if fresh == nil {
		fresh = []analysis.Finding{}
	}
	res.Findings = fresh
	sum.New = len(fresh)
	res.Baseline = sum
	derive(res)
}
