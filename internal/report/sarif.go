package report

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/rules"
)

// SARIF 2.1.0, the subset letgo produces.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// BaselineState is new or absent (a baseline entry fixed) for check.
	BaselineState string `json:"baselineState,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// srcRoot is the uriBaseId of relative artifact URIs: the directory letgo
// ran in, which consumers (GitHub code scanning among them) map to the
// checkout. letgo does not write the mapping (originalUriBaseIds), so the
// log does not depend on where it was produced.
const srcRoot = "%SRCROOT%"

// artifactLocation turns a finding's display path into a SARIF artifact
// location: a relative path is a URI reference relative to srcRoot, an
// absolute one a file URI; either way percent-encoded (uriPath).
func artifactLocation(p string) sarifArtifact {
	p = filepath.ToSlash(p)
	if vol := filepath.VolumeName(p); vol != "" || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // file:///C:/...
		}
		return sarifArtifact{URI: "file://" + uriPath(p)}
	}
	return sarifArtifact{URI: uriPath(p), URIBaseID: srcRoot}
}

// uriPath percent-encodes a slash-separated path as the path of a URI
// (RFC 3986, section 3.3): unreserved characters, sub-delimiters, "@" and
// "/" stay as they are; every other byte, ":" included (in a first
// segment it would read as a scheme), is written as %XX of its UTF-8
// encoding: spaces, "%", "#", "?", control characters, non-ASCII.
func uriPath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.SevHigh:
		return "error"
	case analysis.SevMedium:
		return "warning"
	}
	return "note"
}

func riskLevel(r analysis.Risk) string {
	switch r {
	case analysis.RiskHigh:
		return "error"
	case analysis.RiskMedium:
		return "warning"
	}
	return "note"
}

// RuleURL is the page of a rule's documentation.
func RuleURL(id string) string {
	return "https://github.com/letgo-dev/letgo/blob/main/docs/rules/" + id + ".md"
}

// SARIF writes the result as a SARIF 2.1.0 log with one run.
func SARIF(w io.Writer, res *contract.Result) error {
	all := rules.All()
	index := map[string]int{}
	driver := sarifDriver{Name: "letgo", Version: res.Tool.Version, InformationURI: "https://github.com/letgo-dev/letgo"}
	for i, r := range all {
		index[r.ID] = i
		help := "What it finds: " + r.Doc.What + "\n\nWhy it matters: " + r.Doc.Why + "\n\nReplacement: " + r.Doc.Replacement
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.Slug,
			ShortDescription:     sarifText{Text: r.Doc.Summary},
			FullDescription:      sarifText{Text: r.Doc.What},
			Help:                 sarifText{Text: help, Markdown: help + "\n\n```python\n" + r.Doc.Example + "\n```"},
			HelpURI:              RuleURL(r.ID),
			DefaultConfiguration: sarifConfig{Level: riskLevel(r.Risk)},
			Properties:           map[string]any{"family": analysis.FamilyNames[r.Family()], "kind": r.Kind, "risk": string(r.Risk)},
		})
	}
	// Columns in code points: what editors and review tools count.
	run := sarifRun{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	state := ""
	if res.Baseline != nil {
		state = "new" // a check keeps only findings the baseline does not hold
	}
	for _, f := range res.Findings {
		col, endCol := f.Col, f.EndCol
		if f.CharCol > 0 {
			col = f.CharCol
		}
		if f.CharEndCol > 0 {
			endCol = f.CharEndCol
		}
		region := sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(col, 1)}
		if f.EndLine >= f.Line && f.EndLine > 0 {
			region.EndLine = f.EndLine
			if f.EndLine > f.Line || endCol >= region.StartColumn {
				region.EndColumn = max(endCol, 1)
			}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message: sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifactLocation(displayPath(res, f)), Region: region}}},
			PartialFingerprints: map[string]string{"letgo/v1": f.Fingerprint},
			BaselineState:       state,
		})
	}
	if res.Baseline != nil {
		for _, e := range res.Baseline.Fixed {
			run.Results = append(run.Results, sarifResult{
				RuleID: e.Rule, RuleIndex: index[e.Rule], Level: "none",
				Message: sarifText{Text: "fixed: " + e.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: artifactLocation(e.Path), Region: sarifRegion{StartLine: max(e.Line, 1), StartColumn: 1}}}},
				PartialFingerprints: map[string]string{"letgo/v1": e.Fingerprint},
				BaselineState:       "absent",
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
