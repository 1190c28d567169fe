package pyproj

import (
	"fmt"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/letgo-dev/letgo/internal/tomlconf"
	yaml "go.yaml.in/yaml/v3"
	ini "gopkg.in/ini.v1"
)

// maxConfigSize bounds the configuration files letgo reads.
const maxConfigSize = 4 << 20

func (p *Project) read(rel string) (string, bool) {
	f := p.Lookup(rel)
	if f == nil {
		return "", false
	}
	info, err := os.Stat(f.Abs)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot read: " + err.Error()})
		return "", false
	}
	if info.Size() > maxConfigSize {
		p.Problems = append(p.Problems, Problem{rel, fmt.Sprintf("too large to read (%d bytes)", info.Size())})
		return "", false
	}
	b, err := os.ReadFile(f.Abs)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot read: " + err.Error()})
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
	base := path.Base(rel)
	dir := path.Dir(rel)
	return rel == ".zuul.yaml" || rel == "zuul.yaml" ||
		(dir == "zuul.d" || dir == ".zuul.d") && (strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"))
}

func loadINI(text string) (*ini.File, error) {
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

// lineOf finds the line of key in [section] of an INI text (1-based; the
// section's line when the key is not found, 0 when neither is).
func lineOf(text, section, key string) int {
	lines := strings.Split(text, "\n")
	inSection, secLine := section == "", 0
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			inSection = strings.TrimSpace(t[1:len(t)-1]) == section
			if inSection {
				secLine = i + 1
			}
			continue
		}
		if inSection && key != "" && (strings.HasPrefix(t, key+" ") || strings.HasPrefix(t, key+"=") || strings.HasPrefix(t, key+":") || t == key) {
			return i + 1
		}
	}
	return secLine
}

// lineOfValue finds the line of a line inside a multi-line value of key.
func lineOfValue(text, section, key, needle string) int {
	start := lineOf(text, section, key)
	lines := strings.Split(text, "\n")
	for i := start - 1; i >= 0 && i < len(lines); i++ {
		if i > start-1 && strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			break
		}
		if strings.Contains(lines[i], needle) {
			return i + 1
		}
	}
	return start
}

func (p *Project) readSetupCfg(rel, text string) {
	cfg, err := loadINI(text)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	if sec, err := cfg.GetSection("metadata"); err == nil {
		if p.Name == "" {
			p.Name = strings.TrimSpace(sec.Key("name").String())
		}
		for _, key := range []string{"classifier", "classifiers"} {
			for _, c := range splitLines(sec.Key(key).String()) {
				p.Classifiers = append(p.Classifiers, Setting{rel, lineOfValue(text, "metadata", key, c), key, c})
			}
		}
		for _, key := range []string{"python_requires", "python-requires"} {
			if v := strings.TrimSpace(sec.Key(key).String()); v != "" {
				p.RequiresPython = &Setting{rel, lineOf(text, "metadata", key), key, v}
			}
		}
	}
	if sec, err := cfg.GetSection("options"); err == nil {
		if v := strings.TrimSpace(sec.Key("python_requires").String()); v != "" {
			p.RequiresPython = &Setting{rel, lineOf(text, "options", "python_requires"), "python_requires", v}
		}
		p.Requirements = append(p.Requirements, requirementsFromValue(rel, text, "options", "install_requires", sec.Key("install_requires").String(), "")...)
	}
	for _, secName := range []string{"extras", "options.extras_require"} {
		if sec, err := cfg.GetSection(secName); err == nil {
			for _, k := range sec.Keys() {
				p.Requirements = append(p.Requirements, requirementsFromValue(rel, text, secName, k.Name(), k.String(), k.Name())...)
			}
		}
	}
	for _, secName := range []string{"entry_points", "options.entry_points"} {
		sec, err := cfg.GetSection(secName)
		if err != nil {
			continue
		}
		for _, k := range sec.Keys() {
			for _, line := range splitLines(k.String()) {
				name, target, ok := strings.Cut(line, "=")
				if !ok {
					continue
				}
				p.addEntryPoint(strings.TrimSpace(name), k.Name(), strings.TrimSpace(target), rel, lineOfValue(text, secName, k.Name(), strings.TrimSpace(name)))
			}
		}
	}
	for _, secName := range []string{"coverage:run"} {
		if _, err := cfg.GetSection(secName); err == nil {
			p.readCoverageINI(rel, text, secName)
		}
	}
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

func requirementsFromValue(rel, text, section, key, value, extra string) []Requirement {
	var out []Requirement
	for _, l := range splitLines(value) {
		if r, ok := parseRequirement(l); ok {
			r.File, r.Line, r.Extra = rel, lineOfValue(text, section, key, l), extra
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

// lineOfText finds the first line containing needle (1-based, 0 if absent).
func lineOfText(text, needle string) int {
	i := strings.Index(text, needle)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

func (p *Project) readPyproject(rel, text string) {
	var doc pyprojectFile
	if err := tomlconf.Decode([]byte(text), &doc); err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	pr := doc.Project
	if pr.Name != "" {
		p.Name = pr.Name
	}
	if pr.RequiresPython != "" {
		p.RequiresPython = &Setting{rel, lineOfText(text, "requires-python"), "requires-python", pr.RequiresPython}
	}
	for _, c := range pr.Classifiers {
		p.Classifiers = append(p.Classifiers, Setting{rel, lineOfText(text, c), "classifiers", c})
	}
	for _, d := range pr.Dependencies {
		if r, ok := parseRequirement(d); ok {
			r.File, r.Line = rel, lineOfText(text, d)
			p.Requirements = append(p.Requirements, r)
		}
	}
	for _, extra := range sortedKeys(pr.OptionalDependencies) {
		for _, d := range pr.OptionalDependencies[extra] {
			if r, ok := parseRequirement(d); ok {
				r.File, r.Line, r.Extra = rel, lineOfText(text, d), extra
				p.Requirements = append(p.Requirements, r)
			}
		}
	}
	addAll := func(group string, m map[string]string) {
		for _, name := range sortedKeys(m) {
			p.addEntryPoint(name, group, m[name], rel, lineOfText(text, name))
		}
	}
	addAll("console_scripts", pr.Scripts)
	addAll("gui_scripts", pr.GUIScripts)
	for _, group := range sortedKeys(pr.EntryPoints) {
		addAll(group, pr.EntryPoints[group])
	}
	switch c := doc.Tool.Coverage.Run.Concurrency.(type) {
	case string:
		p.Coverage = append(p.Coverage, Setting{rel, lineOfText(text, "concurrency"), "concurrency", c})
	case []any:
		var parts []string
		for _, x := range c {
			parts = append(parts, fmt.Sprint(x))
		}
		p.Coverage = append(p.Coverage, Setting{rel, lineOfText(text, "concurrency"), "concurrency", strings.Join(parts, ",")})
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
	t := &Tox{File: rel}
	if sec, err := cfg.GetSection("tox"); err == nil {
		for _, part := range strings.FieldsFunc(sec.Key("envlist").String(), func(r rune) bool { return r == ',' || r == '\n' || r == ' ' }) {
			t.EnvList = append(t.EnvList, part)
		}
	}
	for _, sec := range cfg.Sections() {
		name := sec.Name()
		if name != "testenv" && !strings.HasPrefix(name, "testenv:") {
			if name == "coverage:run" {
				p.readCoverageINI(rel, text, name)
			}
			continue
		}
		env := ToxEnv{Name: strings.TrimPrefix(strings.TrimPrefix(name, "testenv"), ":"), Line: lineOf(text, name, "")}
		for _, l := range splitLines(sec.Key("setenv").String()) {
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				continue
			}
			env.SetEnv = append(env.SetEnv, Setting{rel, lineOfValue(text, name, "setenv", l), strings.TrimSpace(k), strings.TrimSpace(v)})
		}
		t.Envs = append(t.Envs, env)
	}
	p.Tox = t
}

func (p *Project) readCoverageINI(rel, text, section string) {
	cfg, err := loadINI(text)
	if err != nil {
		p.Problems = append(p.Problems, Problem{rel, "cannot parse: " + err.Error()})
		return
	}
	sec, err := cfg.GetSection(section)
	if err != nil {
		return
	}
	if v := strings.TrimSpace(sec.Key("concurrency").String()); v != "" {
		p.Coverage = append(p.Coverage, Setting{rel, lineOf(text, section, "concurrency"), "concurrency", strings.Join(strings.Fields(v), ",")})
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
// application, deployable by module path.
func (p *Project) AddWSGIModule(f *File, line int) {
	for _, ep := range p.EntryPoints {
		if ep.Group == "wsgi_module" && ep.Module == f.Module {
			return
		}
	}
	p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: f.Module, Group: "wsgi_module",
		Target: f.Module + ":application", Module: f.Module, Attr: "application", Path: f.Path, Source: f.Path, Line: line})
}
