package rules

import (
	"path"
	"regexp"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
)

func requirementCheck(dist string, extra bool) func(*analysis.ProjectPass) {
	return func(p *analysis.ProjectPass) {
		for _, r := range p.Project.Requirements {
			if r.Name != dist || (r.Extra != "") != extra {
				continue
			}
			switch {
			case extra:
				p.Reportf(r.File, r.Line, "%s required by the optional extra [%s]: %s", dist, r.Extra, r.Spec)
			case r.Test:
				p.Reportf(r.File, r.Line, "%s required for tests: %s", dist, r.Spec)
			default:
				p.Reportf(r.File, r.Line, "%s is a hard dependency: %s", dist, r.Spec)
			}
		}
	}
}

func coverageCheck(p *analysis.ProjectPass) {
	for _, s := range p.Project.Coverage {
		for _, c := range strings.Split(s.Value, ",") {
			if strings.TrimSpace(c) == "eventlet" {
				p.Reportf(s.File, s.Line, "coverage measured with concurrency = %s", s.Value)
			}
		}
	}
}

func toxSetenvCheck(p *analysis.ProjectPass) {
	if p.Project.Tox == nil {
		return
	}
	for _, env := range p.Project.Tox.Envs {
		for _, s := range env.SetEnv {
			if isEventletToggle(s.Key) {
				name := env.Name
				if name == "" {
					name = "testenv"
				}
				p.Reportf(s.File, s.Line, "tox env %s sets %s=%s", name, s.Key, s.Value)
			}
		}
	}
}

var modeSuffix = regexp.MustCompile(`[-_](eventlet|threading)$`)

func modeSuffixCheck(p *analysis.ProjectPass) {
	if t := p.Project.Tox; t != nil {
		seen := map[string]bool{}
		for _, env := range t.Envs {
			if m := modeSuffix.FindStringSubmatch(env.Name); m != nil {
				seen[env.Name] = true
				p.Reportf(t.File, env.Line, "tox env %s runs the %s mode (the suffix names the non-default mode)", env.Name, m[1])
			}
		}
		for _, e := range t.EnvList {
			if m := modeSuffix.FindStringSubmatch(e); m != nil && !seen[e] {
				p.Reportf(t.File, 1, "tox envlist names %s: runs the %s mode", e, m[1])
			}
		}
	}
	for _, z := range p.Project.Zuul {
		if m := modeSuffix.FindStringSubmatch(z.Name); m != nil {
			if z.Kind == "use" {
				p.Reportf(z.File, z.Line, "zuul project runs %s: the %s mode", z.Name, m[1])
			} else {
				p.Reportf(z.File, z.Line, "zuul defines %s %s: the %s mode", z.Kind, z.Name, m[1])
			}
		}
	}
}

var banPattern = regexp.MustCompile(`(?i)eventlet`)

// eventletBanCheck finds hacking/flake8 local checks that ban eventlet.
func eventletBanCheck(p *analysis.ProjectPass) {
	for _, f := range p.Project.Files {
		if !f.Python || !(strings.Contains(f.Path, "hacking") || strings.Contains(f.Path, "checks")) {
			continue
		}
		text, ok := p.Text(f.Path)
		if !ok {
			continue
		}
		for i, line := range strings.Split(text, "\n") {
			l := strings.TrimSpace(line)
			if strings.HasPrefix(l, "#") {
				continue
			}
			if banPattern.MatchString(l) && (strings.Contains(l, "re.compile") || strings.Contains(l, "import eventlet") && strings.ContainsAny(l, `"'`)) {
				p.Reportf(f.Path, i+1, "style check that bans eventlet: %s", clip(l, 80))
				break
			}
		}
	}
}

func mentionCheck(kind pyproj.FileKind, what string) func(*analysis.ProjectPass) {
	return func(p *analysis.ProjectPass) {
		for _, f := range p.Project.Files {
			if f.Kind != kind || f.Python {
				continue
			}
			switch path.Ext(f.Path) {
			case ".rst", ".md", ".txt", ".yaml", ".yml", ".inc", "":
			default:
				continue
			}
			text, ok := p.Text(f.Path)
			if !ok {
				continue
			}
			for i, line := range strings.Split(text, "\n") {
				if strings.Contains(strings.ToLower(line), "eventlet") {
					p.Reportf(f.Path, i+1, "%s mentions eventlet: %s", what, clip(strings.TrimSpace(line), 80))
				}
			}
		}
	}
}

func heartbeatConfigCheck(p *analysis.ProjectPass) {
	for _, f := range p.Project.Files {
		if f.Kind != pyproj.KindConfig || f.Python {
			continue
		}
		text, ok := p.Text(f.Path)
		if !ok {
			continue
		}
		for i, line := range strings.Split(text, "\n") {
			l := strings.TrimSpace(line)
			if strings.HasPrefix(l, "heartbeat_in_pthread") {
				p.Reportf(f.Path, i+1, "oslo.messaging option heartbeat_in_pthread set (removed): %s", l)
			}
		}
	}
}

func python314Check(p *analysis.ProjectPass) {
	proj := p.Project
	has := false
	for _, c := range proj.Classifiers {
		if strings.TrimSpace(c.Value) == "Programming Language :: Python :: 3.14" {
			has = true
		}
	}
	tox := false
	if proj.Tox != nil {
		for _, e := range proj.Tox.EnvList {
			tox = tox || strings.Contains(e, "py314")
		}
		for _, e := range proj.Tox.Envs {
			tox = tox || strings.Contains(e.Name, "py314")
		}
	}
	zuul := false
	for _, z := range proj.Zuul {
		zuul = zuul || strings.Contains(z.Name, "py314") || strings.Contains(z.Name, "3.14")
	}
	if has || zuul {
		return
	}
	file, line := "setup.cfg", 1
	if len(proj.Classifiers) > 0 {
		file, line = proj.Classifiers[0].File, proj.Classifiers[0].Line
	} else if proj.Lookup("setup.cfg") == nil && proj.Lookup("pyproject.toml") != nil {
		file = "pyproject.toml"
	} else if proj.Lookup("setup.cfg") == nil {
		return // not a packaged project
	}
	p.Reportf(file, line, "Python 3.14 not covered: no 3.14 classifier or zuul py314 job%s", map[bool]string{true: " (tox has py314)", false: ""}[tox])
}

var projectRules = []*analysis.Rule{
	{
		ID: "EV701", Slug: "eventlet-requirement", Risk: analysis.RiskMedium, Kind: analysis.RuleDependency, Project: requirementCheck("eventlet", false),
		Doc: analysis.Doc{
			Summary:     "eventlet required",
			What:        "eventlet in requirements.txt, test-requirements.txt, install_requires or [project] dependencies.",
			Why:         "A hard dependency installs eventlet everywhere the project goes, and keeps dependents from being eventlet-free.",
			Replacement: "Remove it once no code path needs it; in a library, move it to an optional extra first.",
			Example:     "# before (requirements.txt)\neventlet>=0.36.1\n# after (setup.cfg)\n[extras]\neventlet =\n  eventlet>=0.36.1",
		},
	},
	{
		ID: "EV702", Slug: "eventlet-optional-extra", Risk: analysis.RiskLow, Kind: analysis.RuleDependency, Project: requirementCheck("eventlet", true),
		Doc: analysis.Doc{
			Summary:     "eventlet required by an optional extra",
			What:        "eventlet in an optional extra ([extras], [options.extras_require], [project.optional-dependencies]).",
			Why:         "Acceptable for a library while dual mode lasts: installs without the extra are eventlet-free.",
			Replacement: "Remove the extra with eventlet support.",
			Example:     "[project.optional-dependencies]\neventlet = [\"eventlet>=0.36\"]",
		},
	},
	{
		ID: "EV703", Slug: "greenlet-requirement", Risk: analysis.RiskLow, Kind: analysis.RuleDependency, Project: requirementCheck("greenlet", false),
		Doc: analysis.Doc{
			Summary:     "greenlet required",
			What:        "greenlet declared as a hard dependency.",
			Why:         "greenlet only serves eventlet-style coroutines.",
			Replacement: "Remove it with eventlet.",
			Example:     "# requirements.txt\ngreenlet>=3.0  # remove",
		},
	},
	{
		ID: "EV704", Slug: "coverage-eventlet-concurrency", Risk: analysis.RiskLow, Kind: analysis.RuleConfig, Project: coverageCheck,
		Doc: analysis.Doc{
			Summary:     "coverage measured with concurrency = eventlet",
			What:        "concurrency = eventlet in .coveragerc, [coverage:run] or [tool.coverage.run].",
			Why:         "Coverage then requires eventlet in the test environment and misreports threads.",
			Replacement: "concurrency = thread (the default).",
			Example:     "# before\n[run]\nconcurrency = eventlet\n# after\n[run]\nconcurrency = thread",
		},
	},
	{
		ID: "EV705", Slug: "tox-eventlet-setenv", Risk: analysis.RiskLow, Kind: analysis.RuleConfig, Project: toxSetenvCheck,
		Doc: analysis.Doc{
			Summary:     "tox sets an eventlet toggle",
			What:        "setenv of EVENTLET_* or a project gate (..._DISABLE_EVENTLET_PATCHING) in tox.ini.",
			Why:         "It decides which mode the tests run in; the default test env should run the default mode.",
			Replacement: "Keep the toggle only in the env that tests the non-default mode; remove eventlet tuning with eventlet.",
			Example:     "[testenv:py3-threading]\nsetenv = NIMBUS_DISABLE_EVENTLET_PATCHING=true",
		},
	},
	{
		ID: "EV706", Slug: "mode-suffixed-job", Risk: analysis.RiskLow, Kind: analysis.RuleConfig, Project: modeSuffixCheck,
		Doc: analysis.Doc{
			Summary:     "tox env or zuul job named for a concurrency mode",
			What:        "tox envs and zuul jobs whose name ends in -eventlet or -threading.",
			Why:         "By convention the suffix names the non-default mode: the jobs tell which mode is the default and what still tests eventlet.",
			Replacement: "When the default flips, rename the jobs; remove the -eventlet ones with eventlet.",
			Example:     "- job:\n    name: nimbus-tempest-threading",
		},
	},
	{
		ID: "EV707", Slug: "eventlet-ban-check", Risk: analysis.RiskLow, Kind: analysis.RuleConfig, Positive: true, Project: eventletBanCheck,
		Doc: analysis.Doc{
			Summary:     "style check bans eventlet (positive signal)",
			What:        "A hacking/flake8 local check whose pattern matches eventlet imports.",
			Why:         "It stops eventlet from coming back: an anti-regression guard.",
			Replacement: "Nothing to replace; keep it.",
			Example:     "eventlet_import_re = re.compile(r'^\\s*(import|from) eventlet')",
		},
	},
	{
		ID: "EV708", Slug: "docs-mention", Risk: analysis.RiskLow, Kind: analysis.RuleDoc, Project: mentionCheck(pyproj.KindDocs, "documentation"),
		Doc: analysis.Doc{
			Summary:     "documentation mentions eventlet",
			What:        "Lines of documentation (doc/, docs/, README) that mention eventlet. Reported separately, never as runtime debt; shown with --include-docs.",
			Why:         "Operator and contributor docs must follow the default mode and the switch.",
			Replacement: "Describe the threading default and the switch; drop eventlet tuning advice with eventlet.",
			Example:     "The API runs under eventlet by default.  ->  The API runs on native threads by default.",
		},
	},
	{
		ID: "EV709", Slug: "releasenote-mention", Risk: analysis.RiskLow, Kind: analysis.RuleDoc, Project: mentionCheck(pyproj.KindReleaseNote, "release note"),
		Doc: analysis.Doc{
			Summary:     "release note mentions eventlet",
			What:        "Release notes that mention eventlet. History, not debt: shown with --include-docs.",
			Why:         "They record when modes changed; useful for the migration timeline.",
			Replacement: "Nothing to replace: add a note when the default flips and when eventlet goes.",
			Example:     "features:\n  - nimbus-worker now runs on native threads.",
		},
	},
	{
		ID: "EV501", Slug: "python-314-missing", Risk: analysis.RiskMedium, Kind: analysis.RuleConfig, Project: python314Check, Concern: analysis.ConcernPython314,
		Doc: analysis.Doc{
			Summary:     "Python 3.14 not covered",
			What:        "A packaged project without a Programming Language :: Python :: 3.14 classifier or a zuul job naming py314.",
			Why:         "Python 3.14 changes the multiprocessing start method to forkserver and ships in the next LTS distributions; projects must test on it.",
			Replacement: "Add the classifier, a py314 tox env and the zuul py314 job or template.",
			Example:     "classifier =\n    Programming Language :: Python :: 3.14",
		},
	},
}
