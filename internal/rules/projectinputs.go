package rules

import (
	"fmt"
	"io"
	"strings"

	"github.com/letgo-dev/letgo/internal/pyproj"
)

// WriteProjectInputs writes what of a project the per-file rules read, so
// that a cache of their results can be keyed by it: the pickling rule's
// oslo.config requirement (configOpts: only whether its minimum pickles,
// and where it is written when it does not, which the finding quotes) and
// the Python 3 classifiers with their places (methodInForce). Only these:
// the other requirements change from one release to the next (version
// bumps), and a key of all of them made every file of every release new.
// scan.TestCacheKeyProjectInputs keeps it in step with what the rules read.
func WriteProjectInputs(w io.Writer, proj *pyproj.Project) {
	for _, r := range proj.Requirements {
		if r.Name != "oslo-config" || r.Test || r.Extra != "" {
			continue
		}
		if min := minVersion(r.Spec); min != "" && configOptsPickles(min) {
			fmt.Fprint(w, "oslo.config pickles\x00")
		} else {
			fmt.Fprintf(w, "oslo.config\x00%s\x00%s\x00%d\x00", min, r.File, r.Line)
		}
		break
	}
	for _, c := range proj.Classifiers {
		if strings.HasPrefix(strings.TrimSpace(c.Value), "Programming Language :: Python :: 3.") {
			fmt.Fprintf(w, "classifier\x00%s\x00%s\x00%d\x00", strings.TrimSpace(c.Value), c.File, c.Line)
		}
	}
}
