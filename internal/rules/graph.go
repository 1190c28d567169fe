package rules

import (
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/enums"
)

// latentImportErrorCheck flags entry points that load eventlet
// unconditionally through a distribution that does not declare it.
func latentImportErrorCheck(p *analysis.GraphPass) {
	for _, e := range p.Entries {
		if e.Verdict != enums.VerdictUnconditional || e.ViaDistRequires || e.ViaDist == "" {
			continue
		}
		p.Reportf(e.Source, e.Line, "%s loads eventlet unconditionally through %s (%s:%d), but %s does not require eventlet: an ImportError where eventlet is not installed",
			e.Name, e.Via, e.ViaPath, e.ViaLine, e.ViaDist)
	}
}

// removableDependencyCheck flags a hard eventlet requirement that nothing
// in the project loads.
func removableDependencyCheck(p *analysis.GraphPass) {
	if len(p.EventletModules) > 0 {
		return
	}
	for _, e := range p.Entries {
		if e.Verdict != enums.VerdictNone {
			return
		}
	}
	for _, r := range p.Project.Requirements {
		if r.Name == "eventlet" && r.Extra == "" && !r.Test {
			what := "no module of the project imports eventlet"
			if len(p.Entries) > 0 {
				what = "no entry point loads eventlet and " + what
			}
			p.Reportf(r.File, r.Line, "eventlet required (%s) but %s: the dependency can go", strings.TrimSpace(r.Spec), what)
		}
	}
}

var graphRules = []*analysis.Rule{
	{
		ID: "EV710", Slug: "eventlet-loaded-not-required", Risk: analysis.RiskHigh, Kind: analysis.RuleDependency, Graph: latentImportErrorCheck,
		Doc: analysis.Doc{
			Summary:     "entry point loads eventlet through a distribution that does not require it",
			What:        "An entry point whose imports reach eventlet unconditionally, where the module that imports eventlet ships in a distribution (this project or a library given with --with/--site-packages) that does not declare eventlet.",
			Why:         "On an install without eventlet the service fails at start with ImportError: a latent breakage that appears exactly when operators drop eventlet.",
			Replacement: "Guard or move the import in that module (its owner's fix), or declare the dependency until it is gone.",
			Example:     "nimbus-api -> oslo_service.wsgi -> import eventlet  (oslo.service does not require eventlet)",
		},
	},
	{
		ID: "EV711", Slug: "eventlet-required-unused", Risk: analysis.RiskLow, Kind: analysis.RuleDependency, Graph: removableDependencyCheck,
		Doc: analysis.Doc{
			Summary:     "eventlet required but nothing loads it",
			What:        "A hard eventlet requirement in a project where no entry point reaches eventlet and no runtime module imports it.",
			Why:         "The dependency can be removed: the last step of the three-release pattern.",
			Replacement: "Remove eventlet from the requirements (and greenlet with it).",
			Example:     "# requirements.txt\neventlet>=0.36.1  # remove",
		},
	},
}
