package contract_test

import (
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

// TestCheckValues: a result whose enumerated fields hold known values
// passes; each field holding a value outside its set is named.
func TestCheckValues(t *testing.T) {
	good := func() *contract.Result {
		return &contract.Result{
			Findings: []analysis.Finding{{Rule: "EV101", Kind: pyproj.KindRuntime, Severity: analysis.SevHigh, Guard: enums.GuardTry},
				{Rule: "EV708", Kind: pyproj.KindDocs, Severity: analysis.SevInfo}},
			EntryPoints: []contract.EntryPoint{{Name: "svc", Eventlet: graph.Guarded, Mode: modes.DualDefaultEventlet, Kind: modes.KindService,
				Chain: []graph.Hop{{Module: "svc"}, {Module: "eventlet", Guard: enums.GuardIf}}}, {Name: "old", Eventlet: graph.None}},
			Concerns: []contract.Concern{{Type: analysis.ConcernPickling, Severity: analysis.SevMedium}},
			Stage:    &modes.Stage{Library: &modes.Library{Eventlet: modes.LibraryOptional}},
		}
	}
	if err := contract.CheckValues(good()); err != nil {
		t.Fatalf("a good result: %v", err)
	}
	for _, tc := range []struct {
		name  string
		spoil func(*contract.Result)
		want  string
	}{
		{"file kind", func(r *contract.Result) { r.Findings[0].Kind = "vendored" }, `kind "vendored"`},
		{"severity", func(r *contract.Result) { r.Findings[0].Severity = "critical" }, `severity "critical"`},
		{"finding guard", func(r *contract.Result) { r.Findings[0].Guard = "try-import" }, `guard "try-import"`},
		{"hop guard", func(r *contract.Result) { r.EntryPoints[0].Chain[1].Guard = "if-env" }, `hop 1 of the chain: guard "if-env"`},
		{"verdict", func(r *contract.Result) { r.EntryPoints[1].Eventlet = "" }, `eventlet ""`},
		{"mode", func(r *contract.Result) { r.EntryPoints[0].Mode = "green-only" }, `mode "green-only"`},
		{"kind", func(r *contract.Result) { r.EntryPoints[0].Kind = "daemon" }, `kind "daemon"`},
		{"concern", func(r *contract.Result) { r.Concerns[0].Type = "heartbeat" }, `type "heartbeat"`},
		{"library", func(r *contract.Result) { r.Stage.Library.Eventlet = "maybe" }, `library eventlet "maybe"`},
		{"library of a root", func(r *contract.Result) {
			r.Stages = []contract.RootStage{{Root: "lib", Stage: modes.Stage{Library: &modes.Library{Eventlet: ""}}}}
		}, `stage of "lib"`},
	} {
		r := good()
		tc.spoil(r)
		if err := contract.CheckValues(r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}
