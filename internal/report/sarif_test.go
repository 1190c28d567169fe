package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/scan"
)

func sampleResult() *scan.Result {
	return &scan.Result{Schema: 1, Tool: scan.Tool{Name: "letgo", Version: "test"}, Roots: []string{"."},
		Findings: []analysis.Finding{
			{Rule: "EV110", Slug: "eventlet-spawn", Family: 1, Kind: "runtime", Path: "pkg/a.py", Line: 3, Col: 5, EndLine: 3, EndCol: 20,
				Message: "green thread spawned", Severity: analysis.SevMedium, Fingerprint: "0123456789abcdef"},
			{Rule: "EV701", Slug: "eventlet-requirement", Family: 7, Kind: "dependency", Path: "requirements.txt", Line: 1, Col: 1, EndLine: 1, EndCol: 1,
				Message: "eventlet is a hard dependency", Severity: analysis.SevMedium, Fingerprint: "fedcba9876543210"},
			{Rule: "EV901", Slug: "syntax-error", Family: 9, Kind: "runtime", Path: "pkg/b.py", Line: 7, Col: 1, EndLine: 7, EndCol: 1,
				Message: "syntax error: invalid syntax", Severity: analysis.SevHigh, Fingerprint: "00000000aaaaaaaa"},
		}}
}

// TestSARIFSchema validates letgo's SARIF against the official SARIF 2.1.0
// JSON schema. The schema is not vendored (it is the OASIS committee's
// document): point LETGO_SARIF_SCHEMA at sarif-schema-2.1.0.json from the
// oasis-tcs/sarif-spec repository, or at sarif-2.1.0.json from the npm
// package @microsoft/sarif-multitool-linux (.ci/run does the latter).
func TestSARIFSchema(t *testing.T) {
	path := os.Getenv("LETGO_SARIF_SCHEMA")
	if path == "" {
		t.Skip("LETGO_SARIF_SCHEMA not set")
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	example, err := scan.Run(context.Background(), []string{"../../examples/nimbus"}, scan.Options{IncludeDocs: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, res := range map[string]*scan.Result{"sample": sampleResult(), "example scan": example} {
		var buf bytes.Buffer
		if err := SARIF(&buf, res); err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s: letgo's SARIF does not validate: %v", name, err)
		}
	}
}

// TestSARIFShape checks, without the schema, the parts of SARIF 2.1.0 that
// consumers rely on.
func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log["version"] != "2.1.0" || log["$schema"] == nil {
		t.Errorf("header: %v %v", log["version"], log["$schema"])
	}
	run := log["runs"].([]any)[0].(map[string]any)
	results := run["results"].([]any)
	if len(results) != 3 {
		t.Fatalf("results = %d, want 3", len(results))
	}
	want := []string{"warning", "warning", "error"}
	for i, r := range results {
		m := r.(map[string]any)
		if m["level"] != want[i] {
			t.Errorf("result %d level = %v, want %s", i, m["level"], want[i])
		}
		if m["partialFingerprints"].(map[string]any)["letgo/v1"] == "" {
			t.Errorf("result %d lacks a fingerprint", i)
		}
	}
}
