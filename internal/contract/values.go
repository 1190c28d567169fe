package contract

import (
	"fmt"
	"slices"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// CheckValues checks every enumerated field of a result read from outside
// (an upload) against its closed set: a value this version of letgo does
// not know is an error, never carried on as if it meant something. An
// entry point's mode and kind may be empty (not determined), and so may a
// guard (a finding not about an import, the start of a chain).
func CheckValues(res *Result) error {
	for i, f := range res.Findings {
		if !slices.Contains(pyproj.FileKinds, f.Kind) {
			return fmt.Errorf("finding %d: kind %q is not one of %v", i, f.Kind, pyproj.FileKinds)
		}
		if !slices.Contains(analysis.Severities, f.Severity) {
			return fmt.Errorf("finding %d: severity %q is not one of %v", i, f.Severity, analysis.Severities)
		}
		if f.Guard != "" && !slices.Contains(enums.Guards, f.Guard) {
			return fmt.Errorf("finding %d: guard %q is not one of %v", i, f.Guard, enums.Guards)
		}
	}
	for i, e := range res.EntryPoints {
		if !slices.Contains(graph.Verdicts, e.Eventlet) {
			return fmt.Errorf("entry point %d: eventlet %q is not one of %v", i, e.Eventlet, graph.Verdicts)
		}
		if e.Mode != "" && !slices.Contains(modes.Modes, e.Mode) {
			return fmt.Errorf("entry point %d: mode %q is not one of %v", i, e.Mode, modes.Modes)
		}
		if e.Kind != "" && !slices.Contains(modes.Kinds, e.Kind) {
			return fmt.Errorf("entry point %d: kind %q is not one of %v", i, e.Kind, modes.Kinds)
		}
		for j, h := range e.Chain {
			if h.Guard != "" && !slices.Contains(enums.Guards, h.Guard) {
				return fmt.Errorf("entry point %d: hop %d of the chain: guard %q is not one of %v", i, j, h.Guard, enums.Guards)
			}
		}
	}
	for i, c := range res.Concerns {
		if !slices.Contains(analysis.Concerns, c.Type) {
			return fmt.Errorf("concern %d: type %q is not one of %v", i, c.Type, analysis.Concerns)
		}
		if !slices.Contains(analysis.Severities, c.Severity) {
			return fmt.Errorf("concern %d: severity %q is not one of %v", i, c.Severity, analysis.Severities)
		}
	}
	stages := res.Stages
	if res.Stage != nil {
		stages = append(slices.Clip(stages), RootStage{Stage: *res.Stage})
	}
	for _, st := range stages {
		if st.Library != nil && !slices.Contains(modes.LibraryVerdicts, st.Library.Eventlet) {
			return fmt.Errorf("stage of %q: library eventlet %q is not one of %v", st.Root, st.Library.Eventlet, modes.LibraryVerdicts)
		}
	}
	return nil
}
