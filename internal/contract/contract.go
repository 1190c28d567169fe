// Package contract holds the shapes letgo emits and reads back: the JSON
// object of a scan (`letgo scan --format json`, what an upload carries and
// what the store keeps) and the baseline file of `letgo check`. The README's
// "JSON contract" section documents them; the driver (scan) fills them, the
// renderers (report), history and the store read them. It sits below all of
// those and above only the packages whose values it carries (analysis'
// findings, graph's chains and blockers, modes' evidence and stages).
package contract

import (
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
)

// Schema is the version of the JSON contract.
const Schema = 1

// Result is one scan of one or more roots.
type Result struct {
	Schema      int                `json:"schema"`
	Tool        Tool               `json:"tool"`
	Roots       []string           `json:"roots"`
	Stats       Stats              `json:"stats"`
	Findings    []analysis.Finding `json:"findings"`
	EntryPoints []EntryPoint       `json:"entrypoints"`
	// Blockers are library modules that import eventlet unconditionally,
	// ranked by how many entry points load eventlet through them.
	Blockers []graph.Blocker  `json:"blockers"`
	Baseline *BaselineSummary `json:"baseline,omitempty"`
	// Stage is the migration stage of the (first) project root; Stages
	// holds one per root when several were scanned.
	Stage *modes.Stage `json:"stage,omitempty"`
	// Concerns are the findings that bear on the migration's critical
	// concerns: pickling, rootwrap/privsep, heartbeat sleeps,
	// order-dependent tests, Python 3.14.
	Concerns []Concern   `json:"concerns"`
	Stages   []RootStage `json:"stages,omitempty"`
	// Scope is Options.Scope: the paths of each root that were reported.
	Scope map[string][]string `json:"scope,omitempty"`
	// Rules lists the ids of the rules that ran, so a reader (a check, a
	// report) says only what was checked: a finding of a rule that did not
	// run is not "fixed", and a concern nobody looked for is not "covered".
	Rules []string `json:"rules"`
	// Graph is the import graph of every root, for queries (why, graph).
	Graph *graph.Graph `json:"-"`
}

// Tool names the producer of a result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Stats summarises a scan.
type Stats struct {
	Files        int            `json:"files"`        // all files considered
	PythonFiles  int            `json:"python_files"` // Python files parsed
	Bytes        int64          `json:"bytes"`        // Python bytes parsed
	SyntaxErrors int            `json:"syntax_errors"`
	Skipped      int            `json:"skipped"` // files that could not be read as Python
	ElapsedMS    float64        `json:"elapsed_ms"`
	GraphMS      float64        `json:"graph_ms"`     // building the import graph and answering every entry point
	RuntimeDebt  int            `json:"runtime_debt"` // runtime findings that are not positive signals
	ByKind       map[string]int `json:"by_kind"`
	ByFamily     map[string]int `json:"by_family"`
	BySeverity   map[string]int `json:"by_severity"`
}

// EntryPoint is an entry point of a scanned project.
type EntryPoint struct {
	Root   string `json:"root,omitempty"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	Target string `json:"target"`
	Path   string `json:"path"`
	Source string `json:"source"`
	Line   int    `json:"line"`
	// Module is the module that runs first (the target's module).
	Module string `json:"module"`
	// Eventlet is unconditional, guarded, none or unknown (the module is
	// in no root given); Chain the shortest chain of imports that loads
	// it; Guards the guards on that chain.
	Eventlet graph.Verdict `json:"eventlet"`
	Chain    []graph.Hop   `json:"chain"`
	Guards   []string      `json:"guards,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	// LoadsEventlet says whether starting the entry point as shipped (its
	// default mode) imports eventlet: yes when an unconditional import
	// chain reaches it or the default path patches or selects eventlet
	// (a guarded import its default takes), no when neither and the
	// library roots were given, unknown without them (their imports are
	// not seen). LoadsEventletVia is the chain or the default path's
	// selection that does it.
	LoadsEventlet    Loads            `json:"loads_eventlet"`
	LoadsEventletVia []modes.Evidence `json:"loads_eventlet_via,omitempty"`
	// Mode is the concurrency mode (eventlet-only, dual-default-eventlet,
	// dual-default-threading, threading-only, none, unknown), with the facts
	// behind it and the switch that flips it.
	Mode         modes.Mode       `json:"mode"`
	ModeEvidence []modes.Evidence `json:"mode_evidence"`
	Switch       modes.Switch     `json:"switch"`
	ModeReason   string           `json:"mode_reason,omitempty"`
	// Kind is service (main launches, serves, manages processes or loops
	// forever), tool (main runs a command and returns), wsgi (an
	// application for a WSGI container) or unknown (the code is not in
	// the project), with the call, loop or function that decided it.
	Kind         modes.Kind       `json:"kind"`
	KindEvidence []modes.Evidence `json:"kind_evidence,omitempty"`
	KindReason   string           `json:"kind_reason,omitempty"`
	// Selection is the default path's runtime selection (for the
	// backend-order rule; not part of the JSON contract).
	Selection *modes.Selection `json:"-"`
}

// Loads says whether starting an entry point as shipped imports eventlet.
type Loads string

// The values of Loads.
const (
	LoadsYes     Loads = "yes"
	LoadsNo      Loads = "no"
	LoadsUnknown Loads = "unknown"
)

// LoadsValues is the closed set of Loads.
var LoadsValues = []Loads{LoadsYes, LoadsNo, LoadsUnknown}

// Service reports whether the entry point runs as a service: a
// long-running process or a WSGI application (an unknown kind counts, so
// an entry point letgo cannot read is never silently dropped).
func (ep EntryPoint) Service() bool {
	switch ep.Kind {
	case modes.KindTool:
		return false
	case modes.KindService, modes.KindWSGI, modes.KindUnknown:
		return true
	}
	// No kind (a result of a version before kinds) or one of another
	// version: a service, so it is placed in the stage, not dropped.
	return true
}

// InScope reports whether a path (of any root) was reported by the scan;
// an accepted finding outside the scope was not looked for.
func (res *Result) InScope(path string) bool {
	if len(res.Scope) == 0 {
		return true
	}
	for _, root := range res.Roots {
		if ScopeIncludes(res.Scope, root, path) {
			return true
		}
	}
	return false
}

// Ran reports whether the rule with this id ran in the scan.
func (res *Result) Ran(id string) bool {
	i := sort.SearchStrings(res.Rules, id)
	return i < len(res.Rules) && res.Rules[i] == id
}

// RootStage is the stage of one scanned root.
type RootStage struct {
	Root string `json:"root"`
	modes.Stage
}

// Concern is one finding filed under a critical concern of the migration.
type Concern struct {
	Type       analysis.Concern  `json:"type"`
	EntryPoint string            `json:"entrypoint,omitempty"`
	Root       string            `json:"root,omitempty"`
	Path       string            `json:"path"`
	Line       int               `json:"line"`
	Detail     string            `json:"detail"`
	Severity   analysis.Severity `json:"severity"`
	Rule       string            `json:"rule"`
}

// Baseline is the set of accepted findings a check compares against,
// matched by fingerprint (stable across line moves).
type Baseline struct {
	Schema   int             `json:"schema"`
	Tool     Tool            `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Rule        string `json:"rule"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
	Fingerprint string `json:"fingerprint"`
}

// BaselineSummary is what a check found against a baseline.
type BaselineSummary struct {
	File  string          `json:"file"`
	New   int             `json:"new"`
	Known int             `json:"known"`
	Fixed []BaselineEntry `json:"fixed"`
	// NotChecked counts accepted findings of rules that did not run or of
	// paths outside the scan's scope: they are neither known nor fixed.
	NotChecked int `json:"not_checked"`
	// NotRun and OutOfScope split NotChecked: rules that did not run, and
	// paths the scan did not report.
	NotRun     int `json:"not_run"`
	OutOfScope int `json:"out_of_scope"`
}

// ScopeIncludes reports whether path of root is among the paths scopes
// reports (a root without an entry is reported whole).
func ScopeIncludes(scopes map[string][]string, root, path string) bool {
	scope, ok := scopes[root]
	if !ok {
		return true
	}
	for _, p := range scope {
		if p == "" || path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}
