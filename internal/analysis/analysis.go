// Package analysis is letgo's rule framework: a Rule is a value with a
// permanent id, docs and a check function that reads a file or a project
// only through a Pass and reports Findings through it. Suppression comments
// are applied here, once, for every rule.
package analysis

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// Risk is how much care a replacement needs: L mechanical, M needs review,
// H behaviour or operator-facing change.
type Risk string

// Risks.
const (
	RiskLow    Risk = "L"
	RiskMedium Risk = "M"
	RiskHigh   Risk = "H"
)

// Severity orders findings for --fail-on.
type Severity string

// Severities, lowest first.
const (
	SevInfo   Severity = "info"
	SevLow    Severity = "low"
	SevMedium Severity = "medium"
	SevHigh   Severity = "high"
)

// Severities is the closed set of severities, lowest first.
var Severities = []Severity{SevInfo, SevLow, SevMedium, SevHigh}

// Rank orders severities; unknown ones rank below info.
func (s Severity) Rank() int {
	switch s {
	case SevInfo:
		return 1
	case SevLow:
		return 2
	case SevMedium:
		return 3
	case SevHigh:
		return 4
	}
	return 0
}

// ParseSeverity parses a --fail-on level.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(s))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want info, low, medium or high)", s)
	}
	return sev, nil
}

// RuleKind is what a rule looks at: one of RuleKinds.
type RuleKind string

// Rule kinds.
const (
	RuleRuntime    RuleKind = "runtime"
	RuleTest       RuleKind = "test"
	RuleConfig     RuleKind = "config"
	RuleDependency RuleKind = "dependency"
	RuleDoc        RuleKind = "doc"
)

// RuleKinds is the closed set of rule kinds.
var RuleKinds = []RuleKind{RuleRuntime, RuleTest, RuleConfig, RuleDependency, RuleDoc}

// Concern is a critical concern of the migration a rule files its
// findings under: one of Concerns.
type Concern string

// Concerns of the migration.
const (
	ConcernPickling               Concern = "pickling"
	ConcernRootwrapPrivsep        Concern = "rootwrap-privsep"
	ConcernHeartbeatSleep         Concern = "heartbeat-sleep"
	ConcernOrderDependentTest     Concern = "order-dependent-test"
	ConcernOrderDependentRuntime  Concern = "order-dependent-runtime"
	ConcernEventletUnderThreading Concern = "eventlet-under-threading"
	ConcernPython314              Concern = "python-3.14"
)

// Concerns is the closed set of concerns.
var Concerns = []Concern{ConcernPickling, ConcernRootwrapPrivsep, ConcernHeartbeatSleep, ConcernOrderDependentTest,
	ConcernOrderDependentRuntime, ConcernEventletUnderThreading, ConcernPython314}

// Doc is a rule's documentation, in fixed sections.
type Doc struct {
	Summary     string // one line, for tables and finding hints
	What        string // What it finds
	Why         string // Why it matters
	Replacement string // Replacement
	Example     string // Example (Python or config, before → after)
}

// Rule is one check.
type Rule struct {
	ID       string // EVnnn, permanent
	Slug     string // names the pattern found
	Risk     Risk
	Kind     RuleKind // runtime, test, config, dependency, doc
	Positive bool     // a positive signal (e.g. an eventlet ban), never debt
	Doc      Doc
	// Python runs once per Python file; Project once per project. A rule
	// has one or both.
	Python  func(*Pass)
	Project func(*ProjectPass)
	// Graph runs once per project root after the import graph is built.
	Graph func(*GraphPass)
	// Concern, when set, files the rule's findings under a critical
	// concern of the migration (the scan's concerns section).
	Concern Concern
}

// Family is the hundreds digit of the id.
func (r *Rule) Family() int { return int(r.ID[2] - '0') }

// FamilyNames names the rule families.
var FamilyNames = map[int]string{
	1: "imports and direct API",
	2: "monkey patching",
	3: "interop hazards",
	4: "indirect use through libraries and config",
	5: "migration concerns and readiness",
	6: "tests",
	7: "dependencies, CI and docs",
	9: "letgo itself",
}

// Finding is one reported problem, with everything a renderer needs.
type Finding struct {
	Rule        string          `json:"rule"`
	Slug        string          `json:"slug"`
	Family      int             `json:"family"`
	Kind        pyproj.FileKind `json:"kind"`
	Root        string          `json:"root,omitempty"`
	Path        string          `json:"path"`
	Line        int             `json:"line"`
	Col         int             `json:"col"`
	EndLine     int             `json:"end_line"`
	EndCol      int             `json:"end_col"`
	Message     string          `json:"message"`
	Severity    Severity        `json:"severity"`
	Positive    bool            `json:"positive,omitempty"`
	Fingerprint string          `json:"fingerprint"`
	Module      string          `json:"module,omitempty"`
	Guard       enums.Guard     `json:"guard,omitempty"`
	EntryPoint  string          `json:"entrypoint,omitempty"`
	Replacement string          `json:"replacement,omitempty"`
	// Fix, when set, is an exact rewrite of the finding's code that
	// `letgo fix` may apply: only rules whose replacement is provably
	// equivalent offer one.
	Fix *Fix `json:"fix,omitempty"`
	// CharCol and CharEndCol are Col and EndCol counted in Unicode code
	// points instead of UTF-8 bytes (CPython's ast columns, which the JSON
	// keeps), for SARIF's columnKind; 0 when unknown.
	CharCol    int `json:"-"`
	CharEndCol int `json:"-"`
}

// Fix is an exact rewrite: edits of the file's bytes, applied together.
type Fix struct {
	Description string `json:"description"`
	Edits       []Edit `json:"edits"`
}

// Edit replaces the bytes [Start, End) of a file with New (an insertion
// when Start == End). Offsets are byte offsets in the file as read.
type Edit struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	New   string `json:"new"`
}

// Pass gives a rule one Python file.
type Pass struct {
	Rule    *Rule
	Path    string
	Kind    pyproj.FileKind
	File    *pysrc.File
	View    *pysrc.View
	project *pyproj.Project
	// Canonical maps a resolved dotted name through the project's semantic
	// model to what it finally names when that is outside the project
	// (identity in the first pass and for names that stay in the project).
	Canonical func(string) string
	// model is the semantic model of the scanned roots, read-only: what
	// names finally name, what functions return, what classes hold and
	// what functions send to other processes (nil in the first pass,
	// which gathers it; its methods answer nothing on nil). Rules read it
	// through Fact and its typed forms, which tell the driver what was
	// read (ReadFact).
	model *pysem.Model
	// ReadProject, when set, is called when the rule reads the project's
	// settings (Project): the file's findings then depend on them, and a
	// cache of per-file results keys this file by them.
	ReadProject func()
	// ReadFact, when set, is called with each fact of the model a rule
	// reads (Fact) and the value it got: a cache of second-pass results
	// keeps a file's result while those reads give the same values.
	ReadFact func(kind FactKind, name string, value any)
	// Index is shared by the passes of one file (see FileIndex); nil
	// builds one for this pass.
	Index  *FileIndex
	report func(Finding)
}

// UseModel gives the pass the semantic model of the scanned roots.
func (p *Pass) UseModel(m *pysem.Model) { p.model = m }

// HasModel reports whether the pass has the model (the second pass).
func (p *Pass) HasModel() bool { return p.model != nil }

// FactKind names what of the semantic model a rule reads.
type FactKind int

// What Fact reads.
const (
	FactClass     FactKind = iota // Model.Class(name): ClassFact
	FactCtor                      // Model.Ctor(name): string
	FactCanonical                 // Model.Canonical(name): string
	FactSends                     // Model.SendsOf(name): SendsFact
	FactAnySends                  // Model.AnySends(): bool (name "")
)

// ClassFact is a class of the roots and the path of its module's file.
type ClassFact struct {
	Class *pysem.Class
	Path  string
}

// SendsFact is what a function sends to another process, and the path of
// its module's file.
type SendsFact struct {
	Sends []pysem.Send
	Path  string
}

// FactValue reads one fact of a model (a nil model holds none).
func FactValue(m *pysem.Model, kind FactKind, name string) any {
	switch kind {
	case FactClass:
		c, path := m.Class(name)
		return ClassFact{c, path}
	case FactCtor:
		return m.Ctor(name)
	case FactCanonical:
		if m == nil {
			return name
		}
		return m.Canonical(name)
	case FactSends:
		ss, path := m.SendsOf(name)
		return SendsFact{ss, path}
	case FactAnySends:
		return m.AnySends()
	}
	panic(fmt.Sprintf("analysis: unknown fact kind %d", kind))
}

// Fact reads one fact of the model, telling the driver (ReadFact).
func (p *Pass) Fact(kind FactKind, name string) any {
	v := FactValue(p.model, kind, name)
	if p.ReadFact != nil {
		p.ReadFact(kind, name, v)
	}
	return v
}

// ModelClass is Fact(FactClass): a class of the roots, nil when unknown.
func (p *Pass) ModelClass(name string) (*pysem.Class, string) {
	cf := p.Fact(FactClass, name).(ClassFact)
	return cf.Class, cf.Path
}

// ModelCtor is Fact(FactCtor): what a function returns, "" when unknown.
func (p *Pass) ModelCtor(name string) string { return p.Fact(FactCtor, name).(string) }

// ModelCanonical is Fact(FactCanonical): what a name finally names.
func (p *Pass) ModelCanonical(name string) string { return p.Fact(FactCanonical, name).(string) }

// ModelSendsOf is Fact(FactSends).
func (p *Pass) ModelSendsOf(name string) ([]pysem.Send, string) {
	sf := p.Fact(FactSends, name).(SendsFact)
	return sf.Sends, sf.Path
}

// ModelAnySends is Fact(FactAnySends): whether some function of the
// roots sends a parameter to another process.
func (p *Pass) ModelAnySends() bool { return p.Fact(FactAnySends, "").(bool) }

// Project is the project the file belongs to (its requirements and
// classifiers). Rules read it only through this method, which tells the
// driver that the file's result depends on the project (ReadProject).
func (p *Pass) Project() *pyproj.Project {
	if p.ReadProject != nil {
		p.ReadProject()
	}
	return p.project
}

// NewPass prepares a pass; report receives the rule's findings.
func NewPass(r *Rule, path string, kind pyproj.FileKind, v *pysrc.View, proj *pyproj.Project, canonical func(string) string, report func(Finding)) *Pass {
	if canonical == nil {
		canonical = func(s string) string { return s }
	}
	return &Pass{Rule: r, Path: path, Kind: kind, File: v.File, View: v, project: proj, Canonical: canonical, report: report}
}

// Resolve returns the canonical name of a resolved dotted name.
func (p *Pass) Resolve(name string) string {
	if name == "" {
		return ""
	}
	return p.Canonical(name)
}

// Report reports a finding on a node.
func (p *Pass) Report(n pysrc.Node, msg string) *Finding {
	start := p.File.Position(n.Pos())
	end := p.File.Position(n.End())
	f := Finding{Rule: p.Rule.ID, Slug: p.Rule.Slug, Family: p.Rule.Family(), Kind: p.Kind, Path: p.Path,
		Line: start.Line, Col: start.Col + 1, EndLine: end.Line, EndCol: end.Col + 1, Message: msg,
		Severity: DefaultSeverity(p.Rule, p.Kind), Positive: p.Rule.Positive, Replacement: p.Rule.Doc.Replacement}
	p.report(f)
	return &f
}

// ReportFix reports a finding on a node with an exact rewrite.
func (p *Pass) ReportFix(n pysrc.Node, msg string, fix *Fix) {
	start := p.File.Position(n.Pos())
	end := p.File.Position(n.End())
	p.report(Finding{Rule: p.Rule.ID, Slug: p.Rule.Slug, Family: p.Rule.Family(), Kind: p.Kind, Path: p.Path,
		Line: start.Line, Col: start.Col + 1, EndLine: end.Line, EndCol: end.Col + 1, Message: msg,
		Severity: DefaultSeverity(p.Rule, p.Kind), Positive: p.Rule.Positive, Replacement: p.Rule.Doc.Replacement, Fix: fix})
}

// ReportSeverity reports a finding on a node with an explicit severity
// (a detector that lowers a finding to a note).
func (p *Pass) ReportSeverity(n pysrc.Node, msg string, sev Severity) {
	start := p.File.Position(n.Pos())
	end := p.File.Position(n.End())
	p.report(Finding{Rule: p.Rule.ID, Slug: p.Rule.Slug, Family: p.Rule.Family(), Kind: p.Kind, Path: p.Path,
		Line: start.Line, Col: start.Col + 1, EndLine: end.Line, EndCol: end.Col + 1, Message: msg,
		Severity: sev, Positive: p.Rule.Positive, Replacement: p.Rule.Doc.Replacement})
}

// ReportImport reports a finding on an import with its module and guard.
func (p *Pass) ReportImport(imp *pysrc.Import, module, msg string) {
	start := p.File.Position(imp.Node.Pos())
	end := p.File.Position(imp.Node.End())
	p.report(Finding{Rule: p.Rule.ID, Slug: p.Rule.Slug, Family: p.Rule.Family(), Kind: p.Kind, Path: p.Path,
		Line: start.Line, Col: start.Col + 1, EndLine: end.Line, EndCol: end.Col + 1, Message: msg,
		Severity: DefaultSeverity(p.Rule, p.Kind), Positive: p.Rule.Positive, Replacement: p.Rule.Doc.Replacement,
		Module: strings.Clone(module), Guard: enums.Guard(imp.Guard.Kind.String())})
}

// DefaultSeverity derives a finding's severity from the rule's risk and
// the kind of file it is in: runtime debt ranks by risk, tests rank low,
// docs and history are informational, positive signals are info.
func DefaultSeverity(r *Rule, kind pyproj.FileKind) Severity {
	if r.Positive {
		return SevInfo
	}
	switch kind {
	case pyproj.KindDocs, pyproj.KindReleaseNote, pyproj.KindTooling:
		return SevInfo
	case pyproj.KindTest:
		return SevLow
	case pyproj.KindRuntime, pyproj.KindConfig, pyproj.KindDependency:
	default:
		panic("analysis: file kind " + string(kind))
	}
	switch r.Risk {
	case RiskHigh:
		return SevHigh
	case RiskMedium:
		return SevMedium
	}
	return SevLow
}

// ProjectPass gives a rule a whole project (its config, dependency and doc
// files).
type ProjectPass struct {
	Rule    *Rule
	Project *pyproj.Project
	read    func(rel string) (string, bool)
	report  func(Finding)
}

// NewProjectPass prepares a project pass; read returns a project file's text.
func NewProjectPass(r *Rule, proj *pyproj.Project, read func(string) (string, bool), report func(Finding)) *ProjectPass {
	return &ProjectPass{Rule: r, Project: proj, read: read, report: report}
}

// Text returns the text of a project file (false when it cannot be read).
func (p *ProjectPass) Text(rel string) (string, bool) { return p.read(rel) }

// Reportf reports a finding at path:line.
func (p *ProjectPass) Reportf(path string, line int, format string, args ...any) {
	kind := pyproj.Classify(path)
	p.report(Finding{Rule: p.Rule.ID, Slug: p.Rule.Slug, Family: p.Rule.Family(), Kind: kind, Path: path,
		Line: line, Col: 1, EndLine: line, EndCol: 1, Message: fmt.Sprintf(format, args...),
		Severity: DefaultSeverity(p.Rule, kind), Positive: p.Rule.Positive, Replacement: p.Rule.Doc.Replacement})
}

// ---- suppressions ----

// Suppression is one suppression comment.
type Suppression struct {
	Line   int
	Col    int
	Codes  []string
	Reason string
	Letgo  bool // "# letgo: ignore[...]" (needs a reason) rather than "# noqa:"
	// File marks "# letgo: file-ignore[...] reason": it covers every line
	// of the file.
	File bool
	used map[string]bool
}

var (
	noqaRE  = regexp.MustCompile(`(?i)#\s*noqa\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)`)
	letgoRE = regexp.MustCompile(`#\s*letgo:\s*(file-)?ignore\[([^\]]*)\]\s*(.*)$`)
	evCode  = regexp.MustCompile(`^EV[0-9]{1,3}$`) // an id, or a prefix as flake8 allows (EV1, EV11)
)

// ParseSuppressions reads the suppression comments of a file. Only EV codes
// count: a bare "# noqa" or one naming other tools' codes suppresses
// nothing here.
func ParseSuppressions(f *pysrc.File) []*Suppression {
	var out []*Suppression
	for _, c := range f.Comments {
		text := f.Src[c.Start:c.End]
		if !hasNoqa(text) && !strings.Contains(text, "letgo") {
			continue
		}
		pos := f.Position(c.Start)
		if s := parseSuppression(text, pos.Line, pos.Col+1); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// ParseLineSuppressions reads the suppression comments of a file that is
// not Python — requirements files, pyproject.toml, setup.cfg, tox.ini,
// .coveragerc, zuul YAML — where a comment starts with "#" at the start of
// a line or after a space (so a URL's fragment is not a comment).
func ParseLineSuppressions(text string) []*Suppression {
	var out []*Suppression
	line := 0
	for len(text) > 0 {
		line++
		l := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if !strings.Contains(l, "#") || !hasNoqa(l) && !strings.Contains(l, "letgo") {
			continue
		}
		start := -1
		for i := 0; i < len(l); i++ {
			if l[i] == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t') {
				start = i
				break
			}
		}
		if start < 0 {
			continue
		}
		if s := parseSuppression(l[start:], line, start+1); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// hasNoqa reports whether s contains "noqa" in any case, as
// strings.Contains(strings.ToLower(s), "noqa") does (no other rune
// lower-cases to n, o, q or a) without lower-casing every comment.
func hasNoqa(s string) bool {
	// q is rare: find each q or Q (IndexByte is vectorised) and look
	// around it, instead of testing every byte of every comment.
	for _, q := range [2]byte{'q', 'Q'} {
		for off := 2; off < len(s)-1; {
			i := strings.IndexByte(s[off:len(s)-1], q)
			if i < 0 {
				break
			}
			i += off
			if s[i-2]|0x20 == 'n' && s[i-1]|0x20 == 'o' && s[i+1]|0x20 == 'a' {
				return true
			}
			off = i + 1
		}
	}
	return false
}

// parseSuppression reads one comment; nil when it suppresses nothing.
func parseSuppression(text string, line, col int) *Suppression {
	if m := letgoRE.FindStringSubmatch(text); m != nil {
		s := &Suppression{Line: line, Col: col, Letgo: true, File: m[1] != "", Reason: strings.TrimSpace(m[3])}
		for _, code := range strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' }) {
			s.Codes = append(s.Codes, strings.ToUpper(code))
		}
		return s
	}
	if m := noqaRE.FindStringSubmatch(text); m != nil {
		s := &Suppression{Line: line, Col: col}
		for _, code := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if code = strings.ToUpper(code); evCode.MatchString(code) {
				s.Codes = append(s.Codes, code)
			}
		}
		if len(s.Codes) > 0 {
			return s
		}
	}
	return nil
}

// ApplySuppressions drops suppressed findings and marks suppressions used.
// A finding is suppressed by a file-ignore comment anywhere in its file, or
// a comment on its first line, naming its rule
// or a prefix of it as flake8 matches codes ("# noqa: EV1" suppresses
// EV110).
func ApplySuppressions(findings []Finding, sups []*Suppression) []Finding {
	if len(sups) == 0 {
		return findings
	}
	byLine := suppressionsByLine(sups)
	kept := findings[:0]
	for _, f := range findings {
		if !suppress(byLine, f) {
			kept = append(kept, f)
		}
	}
	return kept
}

// suppressionsByLine indexes suppressions by the line they cover; file
// ignores are under line 0 (lines start at 1).
func suppressionsByLine(sups []*Suppression) map[int][]*Suppression {
	byLine := map[int][]*Suppression{}
	for _, s := range sups {
		line := s.Line
		if s.File {
			line = 0
		}
		byLine[line] = append(byLine[line], s)
	}
	return byLine
}

// suppress reports whether f is suppressed, marking the suppressions used.
// A code suppresses the rules it is a prefix of, as flake8 matches codes.
func suppress(byLine map[int][]*Suppression, f Finding) bool {
	suppressed := false
	for _, s := range append(byLine[f.Line], byLine[0]...) {
		for _, c := range s.Codes {
			if strings.HasPrefix(f.Rule, c) && !(s.Letgo && s.Reason == "") {
				if s.used == nil {
					s.used = map[string]bool{}
				}
				s.used[c] = true
				suppressed = true
			}
		}
	}
	return suppressed
}

// MaxFindingsPerRule bounds the findings one rule reports in one file. The
// largest count in nova, neutron and oslo.service is 51 (EV404 in a test
// module), so real files stay far below it; a crafted file (a million
// "import eventlet" lines) costs at most this many findings per rule, in
// memory and in the report, instead of one per line.
const MaxFindingsPerRule = 1000

// Omission is what a Collector left out of one (file, rule): how many
// findings, and the first of them, to place the summary finding.
type Omission struct {
	Rule  string
	Path  string
	Count int
	First Finding
}

// Collector gathers findings as rules report them: suppressed findings
// are dropped, and past MaxFindingsPerRule for one (file, rule) only a
// count is kept. Capping as findings arrive, not after, is what bounds the
// memory. The zero value is not usable; use NewCollector.
type Collector struct {
	byLine  map[int][]*Suppression
	counts  map[capKey]int
	omitted map[capKey]*Omission
	kept    []Finding
	max     int
}

type capKey struct{ path, rule string }

// NewCollector returns a collector applying sups (which may be nil).
func NewCollector(sups []*Suppression) *Collector {
	c := &Collector{counts: map[capKey]int{}, max: MaxFindingsPerRule}
	if len(sups) > 0 {
		c.byLine = suppressionsByLine(sups)
	}
	return c
}

// Report adds one finding.
func (c *Collector) Report(f Finding) {
	if c.byLine != nil && suppress(c.byLine, f) {
		return
	}
	k := capKey{f.Path, f.Rule}
	n := c.counts[k] + 1
	c.counts[k] = n
	if n <= c.max {
		c.kept = append(c.kept, f)
		return
	}
	if c.omitted == nil {
		c.omitted = map[capKey]*Omission{}
	}
	if o := c.omitted[k]; o != nil {
		o.Count++
		return
	}
	c.omitted[k] = &Omission{Rule: f.Rule, Path: f.Path, Count: 1, First: f}
}

// Findings returns the findings kept, in the order reported.
func (c *Collector) Findings() []Finding { return c.kept }

// Omitted returns what the cap left out, ordered by path and rule.
func (c *Collector) Omitted() []Omission {
	out := make([]Omission, 0, len(c.omitted))
	for _, o := range c.omitted {
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// Unused returns the codes of s that suppressed nothing.
func (s *Suppression) Unused() []string {
	var out []string
	for _, c := range s.Codes {
		if !s.used[c] {
			out = append(out, c)
		}
	}
	return out
}

// SortFindings orders findings by root, path, line, col, rule.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.Root != b.Root:
			return a.Root < b.Root
		case a.Path != b.Path:
			return a.Path < b.Path
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Col != b.Col:
			return a.Col < b.Col
		}
		return a.Rule < b.Rule
	})
}

// EntryReach is what the import graph says about one entry point.
type EntryReach struct {
	Name    string
	Group   string
	Source  string // file declaring it
	Line    int
	Verdict enums.Verdict // unconditional, guarded, none
	// Via is the module that imports eventlet on the chain, with the
	// import's place and the distribution that ships the module.
	Via, ViaPath, ViaRoot string
	ViaLine               int
	ViaDist               string
	// Mode is the entry point's concurrency mode; Privileged names the
	// rootwrap/privsep/os-brick module it reaches (with the import's place).
	Mode                      enums.Mode
	Privileged, PrivilegedVia string
	ViaDistRequires           bool // that distribution declares eventlet as a hard dependency
	// Kind is service, tool, wsgi or unknown; Chain renders the chain of
	// imports that loads eventlet ("a (a.py:3) > b (b.py:1) > eventlet").
	Kind  enums.Kind
	Chain string
	// Late is set when the runtime selection on the default path comes
	// after an import that created what the selection must precede.
	Late *LateSelection
}

// LateSelection is a runtime selection made after an import that already
// created objects the selection must come before.
type LateSelection struct {
	Select     string // monkey_patch, init_backend(threading), default hook (threading)
	SelectPath string
	SelectLine int
	SelectText string
	// The import on the start path, the chain from it to the module that
	// creates the object at import, and that creation.
	ImportPath string
	ImportLine int
	ImportText string
	Chain      string
	CreatePath string
	CreateLine int
	CreateText string
	CreateKind string // component, native or green
}

// GraphPass gives a rule the import-graph verdicts of one project root.
type GraphPass struct {
	Rule    *Rule
	Project *pyproj.Project
	Entries []EntryReach
	// EventletModules lists runtime modules of the project that import
	// eventlet or greenlet (under any guard).
	EventletModules []string
	report          func(Finding)
}

// NewGraphPass prepares a graph pass.
func NewGraphPass(r *Rule, proj *pyproj.Project, entries []EntryReach, eventletModules []string, report func(Finding)) *GraphPass {
	return &GraphPass{Rule: r, Project: proj, Entries: entries, EventletModules: eventletModules, report: report}
}

// Reportf reports a finding at path:line.
func (p *GraphPass) Reportf(path string, line int, format string, args ...any) {
	(&ProjectPass{Rule: p.Rule, Project: p.Project, report: p.report}).Reportf(path, line, format, args...)
}

// ReportEntry reports a finding about an entry point, at its declaration.
func (p *GraphPass) ReportEntry(e EntryReach, format string, args ...any) {
	report := p.report
	(&ProjectPass{Rule: p.Rule, Project: p.Project, report: func(f Finding) {
		f.EntryPoint = e.Name
		report(f)
	}}).Reportf(e.Source, e.Line, format, args...)
}
