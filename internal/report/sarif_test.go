package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/scan"
)

func sampleResult() *contract.Result {
	return &contract.Result{Schema: 1, Tool: contract.Tool{Name: "letgo", Version: "test"}, Roots: []string{"."},
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
	check := sampleResult()
	check.Baseline = &contract.BaselineSummary{File: "b.json", Fixed: []contract.BaselineEntry{{Rule: "EV117", Path: "pkg/old.py", Line: 9, Message: "m", Fingerprint: "aaaaaaaaaaaaaaaa"}}}
	for name, res := range map[string]*contract.Result{"sample": sampleResult(), "example scan": example, "check": check} {
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

// TestSARIFCheckAndColumns: a check's SARIF marks its results new and the
// fixed baseline entries absent; every rule has a help page; columns are
// code points (the JSON keeps CPython's byte columns).
func TestSARIFCheckAndColumns(t *testing.T) {
	res := sampleResult()
	res.Findings[0].CharCol, res.Findings[0].CharEndCol = 3, 18 // "é" and "ü" before the call: 2 bytes each
	res.Baseline = &contract.BaselineSummary{File: "b.json", New: 3, Fixed: []contract.BaselineEntry{
		{Rule: "EV117", Path: "pkg/old.py", Line: 9, Message: "eventlet.sleep(1) called", Fingerprint: "aaaaaaaaaaaaaaaa"}}}
	var buf bytes.Buffer
	if err := SARIF(&buf, res); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID        string `json:"ruleId"`
				Level         string `json:"level"`
				BaselineState string `json:"baselineState"`
				Locations     []struct {
					PhysicalLocation struct {
						Region struct {
							StartColumn int `json:"startColumn"`
							EndColumn   int `json:"endColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q, want unicodeCodePoints", run.ColumnKind)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.HelpURI != "https://github.com/letgo-dev/letgo/blob/main/docs/rules/"+r.ID+".md" {
			t.Errorf("rule %s helpUri = %q", r.ID, r.HelpURI)
		}
		if _, err := os.Stat("../../docs/rules/" + r.ID + ".md"); err != nil {
			t.Errorf("rule %s: helpUri points at a page that does not exist: %v", r.ID, err)
		}
	}
	var states []string
	for _, r := range run.Results {
		states = append(states, r.RuleID+" "+r.BaselineState+" "+r.Level)
	}
	want := []string{"EV110 new warning", "EV701 new warning", "EV901 new error", "EV117 absent none"}
	if strings.Join(states, ", ") != strings.Join(want, ", ") {
		t.Errorf("results = %v, want %v", states, want)
	}
	if reg := run.Results[0].Locations[0].PhysicalLocation.Region; reg.StartColumn != 3 || reg.EndColumn != 18 {
		t.Errorf("region columns = %d-%d, want the code-point columns 3-18", reg.StartColumn, reg.EndColumn)
	}
}
