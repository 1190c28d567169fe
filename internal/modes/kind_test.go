package modes

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestKindBounded: a main calling thousands of project functions in a
// module with thousands of definitions and classes, and a chain of calls
// deeper than the walk follows, end in a verdict quickly; the walk stops
// at its function budget and says so instead of calling the tool a tool
// without qualification.
func TestKindBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("def main():\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "    f%d()\n", i)
	}
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "\n\ndef f%d():\n    return C%d().run()\n\n\nclass C%d(object):\n    def run(self):\n        return %d\n", i, i, i, i)
	}
	deep := map[string]string{}
	for i := 0; i < 50; i++ {
		deep[fmt.Sprintf("d%d", i)] = fmt.Sprintf("import d%d\n\n\ndef main():\n    d%d.main()\n", i+1, i+1)
	}
	deep["d50"] = "def main():\n    while True:\n        pass\n"
	for _, tc := range []struct {
		name     string
		mods     map[string]string
		start    string
		wantKind Kind
		reason   string
	}{
		{"wide", map[string]string{"m": b.String()}, "m", KindTool, "first 400 functions"},
		{"deeper than followed", deep, "d0", KindTool, "within 10 calls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			k := ClassifyKind(newFakeSource(tc.mods, nil), tc.start, "main")
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("ClassifyKind took %v", took)
			}
			if k.Kind != tc.wantKind || !strings.Contains(k.Reason, tc.reason) {
				t.Errorf("ClassifyKind = %s (%q), want %s with %q", k.Kind, k.Reason, tc.wantKind, tc.reason)
			}
		})
	}
}
