package scan

import (
	"context"
	"testing"

	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
)

// TestRuntimeDebtExcludesConcerns: runtime debt counts eventlet uses only.
// Findings of concern rules (EV506 privileged operations here) are counted
// as concerns, so a project without eventlet has no debt.
func TestRuntimeDebtExcludesConcerns(t *testing.T) {
	priv := "from oslo_concurrency import processutils\n\n\ndef delete(path):\n    processutils.execute('rm', path, run_as_root=True)\n"
	tests := []struct {
		name         string
		files        map[string]string
		wantDebt     int
		wantConcerns bool
	}{
		{"concerns only", map[string]string{"svc/__init__.py": "", "svc/priv.py": priv}, 0, true},
		{"eventlet and concerns", map[string]string{"svc/__init__.py": "", "svc/priv.py": priv,
			"svc/worker.py": "import eventlet\n\n\ndef nap():\n    eventlet.sleep(5)\n"}, 2, true},
		{"eventlet only", map[string]string{"svc/__init__.py": "",
			"svc/worker.py": "import eventlet\n\n\ndef nap():\n    eventlet.sleep(5)\n"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), []string{writeTree(t, tt.files)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var runtimeConcerns int
			for _, f := range res.Findings {
				if r := rules.ByID(f.Rule); r != nil && r.Concern != "" && f.Kind == pyproj.KindRuntime {
					runtimeConcerns++
				}
			}
			if tt.wantConcerns && (runtimeConcerns == 0 || len(res.Concerns) == 0) {
				t.Fatalf("scan found %d runtime concern findings, %d concerns; the test needs some: %v", runtimeConcerns, len(res.Concerns), findingLines(res))
			}
			if res.Stats.RuntimeDebt != tt.wantDebt {
				t.Errorf("Run(%s).Stats.RuntimeDebt = %d, want %d; findings %v", tt.name, res.Stats.RuntimeDebt, tt.wantDebt, findingLines(res))
			}
		})
	}
}

func TestCharColumn(t *testing.T) {
	tests := []struct {
		line      string
		col, want int
	}{
		{"eventlet.spawn(f)", 1, 1},
		{"x = 'é'; eventlet.spawn(f)", 12, 11}, // é is two bytes
		{"s = '日本'; eventlet.spawn(f)", 14, 10},
		{"", 5, 5},      // no text: unchanged
		{"abc", 10, 10}, // past the line: unchanged
	}
	for _, tt := range tests {
		if got := charColumn(tt.line, tt.col); got != tt.want {
			t.Errorf("charColumn(%q, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
}
