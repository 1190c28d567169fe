package pyproj

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/tomlconf"
	yaml "go.yaml.in/yaml/v3"
	ini "gopkg.in/ini.v1"
)

// MaxConfigSize bounds every configuration and metadata file letgo reads
// (setup.cfg, pyproject.toml, requirements, tox.ini, zuul, .coveragerc,
// letgo's own settings, a distribution's METADATA, RECORD and
// entry_points.txt). The largest such files in OpenStack are zuul project
// lists of about 1.5 MB; 4 MiB leaves room for those, and every reader is
// linear in the file, so a hostile file at the limit costs about a second
// and a few hundred MB, not the minutes a 43 MB setup.cfg used to.
const MaxConfigSize = 4 << 20

// read reads a configuration file of the project, recording a Problem
// when it cannot: it is missing from the tree, not a regular file (a
// symlink to /dev/zero, a FIFO), or larger than MaxConfigSize.
func (p *Project) read(rel string) (string, bool) {
	f := p.Lookup(rel)
	if f == nil {
		return "", false
	}
	b, err := f.Read(MaxConfigSize)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot read: " + safeio.Reason(err)})
		return "", false
	}
	return string(b), true
}

func (p *Project) readMetadata() {
	if text, ok := p.read("setup.cfg"); ok {
		p.readSetupCfg("setup.cfg", text)
	}
	if text, ok := p.read("pyproject.toml"); ok {
		p.readPyproject("pyproject.toml", text)
	}
	if p.Lookup("setup.py") != nil {
		if text, ok := p.read("setup.py"); ok {
			p.scripts = append(p.scripts, scriptsFromSetupPy("setup.py", text)...)
		}
	}
	p.addScripts(p.scripts)
	p.scripts = nil
	p.addWSGIFiles()
	for _, f := range p.Files {
		base := path.Base(f.Path)
		if f.Kind == KindDependency && strings.HasSuffix(base, ".txt") && base != "bindep.txt" && path.Dir(f.Path) == "." {
			if text, ok := p.read(f.Path); ok {
				p.Requirements = append(p.Requirements, ParseRequirements(f.Path, text, "", strings.Contains(base, "test"))...)
			}
		}
	}
	if text, ok := p.read("tox.ini"); ok {
		p.readTox("tox.ini", text)
	}
	if text, ok := p.read(".coveragerc"); ok {
		p.readCoverageINI(".coveragerc", text, "run")
	}
	for _, f := range p.Files {
		if isZuulFile(f.Path) {
			if text, ok := p.read(f.Path); ok {
				p.readZuul(f.Path, text)
			}
		}
	}
	p.resolveEntryPoints()
}

func isZuulFile(rel string) bool {
	if !strings.Contains(rel, "zuul") {
		return false // most files; path.Dir cleans the path each time
	}
	base := path.Base(rel)
	dir := path.Dir(rel)
	return rel == ".zuul.yaml" || rel == "zuul.yaml" ||
		(dir == "zuul.d" || dir == ".zuul.d") && (strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"))
}

// maxINICost bounds the work of the INI library, which compares each new
// key with every key of its section and each new section with every
// section before it: a file costs about Σ keys² + sections² string
// comparisons, minutes for a 4 MiB file of short keys. The bound (about
// 5,800 lines in one section, 0.2 s) is far above real files: the largest
// OpenStack setup.cfg sections, entry-point lists, have a few hundred.
const maxINICost = 1 << 25

// ErrINITooComplex is an INI file refused before parsing because of
// maxINICost.
var ErrINITooComplex = errors.New("too many keys or sections to parse")

func loadINI(text string) (*ini.File, error) {
	if n := iniCost(text); n > maxINICost {
		return nil, ErrINITooComplex
	}
	return ini.LoadSources(ini.LoadOptions{
		AllowPythonMultilineValues: true,
		SpaceBeforeInlineComment:   true,
		IgnoreInlineComment:        false,
		AllowBooleanKeys:           true,
		Insensitive:                false,
		KeyValueDelimiters:         "=:",
		UnparseableSections:        []string{},
		SkipUnrecognizableLines:    true,
	}, []byte(text))
}

// iniCost over-estimates the comparisons the INI library makes: every
// line of a section that is not blank or a comment counts as a key (a
// continuation line too), so no layout can slip under the bound.
func iniCost(text string) int {
	cost, sections, keys := 0, 0, 0
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
		case t[0] == '[':
			cost += keys * keys
			keys = 0
			sections++
		default:
			keys++
		}
	}
	return cost + keys*keys + sections*sections
}

// INI values are read raw (Key.Value): the library's Key.String expands
// %(name)s references recursively without a bound, so a two-key cycle
// overflows the stack and a short chain of doubling references takes
// gigabytes. Python's configparser as setuptools and tox use it does
// interpolate, but nothing letgo reads needs the expansion.

func (p *Project) readSetupCfg(rel, text string) {
	cfg, err := loadINI(text)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	ix := newINIIndex(text)
	if sec, err := cfg.GetSection("metadata"); err == nil {
		if p.Name == "" {
			p.Name = strings.TrimSpace(sec.Key("name").Value())
		}
		for _, key := range []string{"classifier", "classifiers"} {
			cur := ix.value("metadata", key)
			for _, c := range splitLines(sec.Key(key).Value()) {
				p.Classifiers = append(p.Classifiers, Setting{rel, cur.line(c), key, c})
			}
		}
		for _, key := range []string{"python_requires", "python-requires"} {
			if v := strings.TrimSpace(sec.Key(key).Value()); v != "" {
				p.RequiresPython = &Setting{rel, ix.lineOf("metadata", key), key, v}
			}
		}
	}
	if sec, err := cfg.GetSection("options"); err == nil {
		if v := strings.TrimSpace(sec.Key("python_requires").Value()); v != "" {
			p.RequiresPython = &Setting{rel, ix.lineOf("options", "python_requires"), "python_requires", v}
		}
		p.Requirements = append(p.Requirements, requirementsFromValue(rel, ix, "options", "install_requires", sec.Key("install_requires").Value(), "")...)
	}
	for _, secName := range []string{"extras", "options.extras_require"} {
		if sec, err := cfg.GetSection(secName); err == nil {
			for _, k := range sec.Keys() {
				p.Requirements = append(p.Requirements, requirementsFromValue(rel, ix, secName, k.Name(), k.Value(), k.Name())...)
			}
		}
	}
	for _, secName := range []string{"entry_points", "options.entry_points"} {
		sec, err := cfg.GetSection(secName)
		if err != nil {
			continue
		}
		for _, k := range sec.Keys() {
			cur := ix.value(secName, k.Name())
			for _, line := range splitLines(k.Value()) {
				name, target, ok := strings.Cut(line, "=")
				if !ok {
					continue
				}
				p.addEntryPoint(strings.TrimSpace(name), k.Name(), strings.TrimSpace(target), rel, cur.line(strings.TrimSpace(name)))
			}
		}
	}
	if sec, err := cfg.GetSection("files"); err == nil && sec.HasKey("scripts") {
		cur := ix.value("files", "scripts")
		for _, s := range splitLines(sec.Key("scripts").Value()) {
			p.scripts = append(p.scripts, scriptDecl{s, rel, cur.line(s)})
		}
	}
	p.coverageSection(rel, cfg, ix, "coverage:run")
}

func splitLines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func requirementsFromValue(rel string, ix *iniIndex, section, key, value, extra string) []Requirement {
	var out []Requirement
	cur := ix.value(section, key)
	for _, l := range splitLines(value) {
		if r, ok := parseRequirement(l); ok {
			r.File, r.Line, r.Extra = rel, cur.line(l), extra
			out = append(out, r)
		}
	}
	return out
}

func (p *Project) addEntryPoint(name, group, target, source string, line int) {
	mod, attr, _ := strings.Cut(target, ":")
	mod = strings.TrimSpace(mod)
	attr = strings.TrimSpace(attr)
	if i := strings.IndexAny(attr, " ["); i >= 0 { // "func [extra]"
		attr = attr[:i]
	}
	p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: name, Group: group, Target: target,
		Module: mod, Attr: attr, Source: source, Line: line})
}

type pyprojectFile struct {
	Project struct {
		Name                 string                       `toml:"name"`
		RequiresPython       string                       `toml:"requires-python"`
		Classifiers          []string                     `toml:"classifiers"`
		Dependencies         []string                     `toml:"dependencies"`
		OptionalDependencies map[string][]string          `toml:"optional-dependencies"`
		Scripts              map[string]string            `toml:"scripts"`
		GUIScripts           map[string]string            `toml:"gui-scripts"`
		EntryPoints          map[string]map[string]string `toml:"entry-points"`
	} `toml:"project"`
	Tool struct {
		Coverage struct {
			Run struct {
				Concurrency any `toml:"concurrency"`
			} `toml:"run"`
		} `toml:"coverage"`
	} `toml:"tool"`
}

func (p *Project) readPyproject(rel, text string) {
	var doc pyprojectFile
	if err := tomlconf.Decode([]byte(text), &doc); err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	ix := newTextIndex(text)
	// inOrder locates the items of one array, which the file lists in
	// order: each search starts after the previous item.
	inOrder := func() func(string) int {
		cur := 0
		return func(needle string) int {
			l, next := ix.find(needle, cur)
			if l == 0 {
				return ix.line(needle)
			}
			cur = next
			return l
		}
	}
	pr := doc.Project
	if pr.Name != "" {
		p.Name = pr.Name
	}
	if pr.RequiresPython != "" {
		p.RequiresPython = &Setting{rel, ix.line("requires-python"), "requires-python", pr.RequiresPython}
	}
	lineOf := inOrder()
	for _, c := range pr.Classifiers {
		p.Classifiers = append(p.Classifiers, Setting{rel, lineOf(c), "classifiers", c})
	}
	lineOf = inOrder()
	for _, d := range pr.Dependencies {
		if r, ok := parseRequirement(d); ok {
			r.File, r.Line = rel, lineOf(d)
			p.Requirements = append(p.Requirements, r)
		}
	}
	for _, extra := range sortedKeys(pr.OptionalDependencies) {
		lineOf := inOrder()
		for _, d := range pr.OptionalDependencies[extra] {
			if r, ok := parseRequirement(d); ok {
				r.File, r.Line, r.Extra = rel, lineOf(d), extra
				p.Requirements = append(p.Requirements, r)
			}
		}
	}
	addAll := func(group string, m map[string]string) {
		for _, name := range sortedKeys(m) {
			p.addEntryPoint(name, group, m[name], rel, ix.line(name))
		}
	}
	addAll("console_scripts", pr.Scripts)
	addAll("gui_scripts", pr.GUIScripts)
	for _, group := range sortedKeys(pr.EntryPoints) {
		addAll(group, pr.EntryPoints[group])
	}
	switch c := doc.Tool.Coverage.Run.Concurrency.(type) {
	case string:
		p.Coverage = append(p.Coverage, Setting{rel, ix.line("concurrency"), "concurrency", c})
	case []any:
		var parts []string
		for _, x := range c {
			parts = append(parts, fmt.Sprint(x))
		}
		p.Coverage = append(p.Coverage, Setting{rel, ix.line("concurrency"), "concurrency", strings.Join(parts, ",")})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

var reqName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)`)

func parseRequirement(line string) (Requirement, bool) {
	spec := strings.TrimSpace(line)
	if i := strings.Index(spec, " #"); i >= 0 {
		spec = strings.TrimSpace(spec[:i])
	}
	if spec == "" || strings.HasPrefix(spec, "#") || strings.HasPrefix(spec, "-") {
		return Requirement{}, false
	}
	m := reqName.FindString(spec)
	if m == "" {
		return Requirement{}, false
	}
	return Requirement{Name: NormalizeName(m), Spec: spec}, true
}

// NormalizeName normalises a distribution name (PEP 503).
func NormalizeName(name string) string {
	name = strings.ToLower(name)
	return strings.NewReplacer("_", "-", ".", "-").Replace(name)
}

// ParseRequirements parses a requirements file.
func ParseRequirements(rel, text, extra string, test bool) []Requirement {
	var out []Requirement
	for i, line := range strings.Split(text, "\n") {
		if r, ok := parseRequirement(line); ok {
			r.File, r.Line, r.Extra, r.Test = rel, i+1, extra, test
			out = append(out, r)
		}
	}
	return out
}

func (p *Project) readTox(rel, text string) {
	cfg, err := loadINI(text)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	ix := newINIIndex(text)
	t := &Tox{File: rel}
	if sec, err := cfg.GetSection("tox"); err == nil {
		t.EnvList = splitList(sec.Key("envlist").Value())
	}
	for _, sec := range cfg.Sections() {
		name := sec.Name()
		if name != "testenv" && !strings.HasPrefix(name, "testenv:") {
			if name == "coverage:run" {
				p.coverageSection(rel, cfg, ix, name)
			}
			continue
		}
		env := ToxEnv{Name: strings.TrimPrefix(strings.TrimPrefix(name, "testenv"), ":"), Line: ix.lineOf(name, "")}
		cur := ix.value(name, "setenv")
		for _, l := range splitLines(sec.Key("setenv").Value()) {
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				continue
			}
			env.SetEnv = append(env.SetEnv, Setting{rel, cur.line(l), strings.TrimSpace(k), strings.TrimSpace(v)})
		}
		t.Envs = append(t.Envs, env)
	}
	p.Tox = t
}

// readCoverageINI reads the [section] of a coverage configuration file.
func (p *Project) readCoverageINI(rel, text, section string) {
	cfg, err := loadINI(text)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	p.coverageSection(rel, cfg, newINIIndex(text), section)
}

func (p *Project) coverageSection(rel string, cfg *ini.File, ix *iniIndex, section string) {
	sec, err := cfg.GetSection(section)
	if err != nil {
		return
	}
	if v := strings.TrimSpace(sec.Key("concurrency").Value()); v != "" {
		p.Coverage = append(p.Coverage, Setting{rel, ix.lineOf(section, "concurrency"), "concurrency", strings.Join(strings.Fields(v), ",")})
	}
}

func (p *Project) readZuul(rel, text string) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.SequenceNode {
		return
	}
	for _, item := range root.Content[0].Content {
		if item.Kind != yaml.MappingNode || len(item.Content) < 2 {
			continue
		}
		kind, body := item.Content[0].Value, item.Content[1]
		switch kind {
		case "job", "project-template":
			if name := mapValue(body, "name"); name != nil {
				k := "job"
				if kind == "project-template" {
					k = "template"
				}
				p.Zuul = append(p.Zuul, ZuulItem{k, name.Value, rel, name.Line})
			}
			if kind == "project-template" {
				p.collectZuulUses(rel, body)
			}
		case "project":
			p.collectZuulUses(rel, body)
		}
	}
}

// collectZuulUses records templates and pipeline jobs a project runs.
func (p *Project) collectZuulUses(rel string, body *yaml.Node) {
	if body.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(body.Content); i += 2 {
		key, val := body.Content[i].Value, body.Content[i+1]
		if key == "templates" && val.Kind == yaml.SequenceNode {
			for _, t := range val.Content {
				p.Zuul = append(p.Zuul, ZuulItem{"use", t.Value, rel, t.Line})
			}
			continue
		}
		if jobs := mapValue(val, "jobs"); jobs != nil && jobs.Kind == yaml.SequenceNode {
			for _, j := range jobs.Content {
				switch j.Kind {
				case yaml.ScalarNode:
					p.Zuul = append(p.Zuul, ZuulItem{"use", j.Value, rel, j.Line})
				case yaml.MappingNode:
					if len(j.Content) > 0 {
						p.Zuul = append(p.Zuul, ZuulItem{"use", j.Content[0].Value, rel, j.Content[0].Line})
					}
				}
			}
		}
	}
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// resolveEntryPoints finds the file that implements each entry point.
func (p *Project) resolveEntryPoints() {
	byModule := map[string]*File{}
	for _, f := range p.Files {
		if f.Python && f.Module != "" {
			if _, dup := byModule[f.Module]; !dup {
				byModule[f.Module] = f
			}
		}
	}
	for i := range p.EntryPoints {
		if f := byModule[p.EntryPoints[i].Module]; f != nil {
			p.EntryPoints[i].Path = f.Path
		}
	}
}

// AddWSGIModule records a module that defines a module-level WSGI
// application, deployable by module path (a .wsgi file, loaded by path,
// is an entry point of its own group already).
func (p *Project) AddWSGIModule(f *File, line int) {
	for _, ep := range p.EntryPoints {
		if (ep.Group == "wsgi_module" || ep.Group == WSGIFileGroup) && ep.Module == f.Module {
			return
		}
	}
	p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: f.Module, Group: "wsgi_module",
		Target: f.Module + ":application", Module: f.Module, Attr: "application", Path: f.Path, Source: f.Path, Line: line})
}
