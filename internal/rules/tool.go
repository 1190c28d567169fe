package rules

import (
	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

func syntaxErrorCheck(p *analysis.Pass) {
	reported, lastLine := 0, 0
	for _, e := range p.File.Errors {
		line := p.File.Position(e.Pos).Line
		if line == lastLine {
			continue // one error per line: the rest are knock-on
		}
		if reported == 5 {
			break
		}
		reported++
		lastLine = line
		p.Report(errNode{e.Pos}, "syntax error: "+e.Msg)
	}
}

// errNode positions a finding at a syntax error.
type errNode struct{ pos pysrc.Pos }

func (n errNode) Pos() pysrc.Pos { return n.pos }
func (n errNode) End() pysrc.Pos { return n.pos }

// Suppression, file-level and cap findings (EV902-EV905) are emitted by the scan
// driver, which owns suppressions and file reading; the rules exist here for
// their ids and docs.
var toolRules = []*analysis.Rule{
	{
		ID: "EV901", Slug: "syntax-error", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Python: syntaxErrorCheck,
		Doc: analysis.Doc{
			Summary:     "file does not parse",
			What:        "A Python file with a syntax error (up to five per file). The rest of the file is still analysed.",
			Why:         "letgo reads Python 3 up to 3.14; a file it cannot parse is a blind spot (or Python 2 code).",
			Replacement: "Fix the syntax, or exclude the file if it is not Python 3.",
			Example:     "print 'hello'  ->  print('hello')",
		},
	},
	{
		ID: "EV902", Slug: "suppression-without-reason", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Doc: analysis.Doc{
			Summary:     "letgo suppression without a reason",
			What:        "A `# letgo: ignore[EVnnn]` comment with no reason after it; it suppresses nothing.",
			Why:         "Suppressions are reviewed debt: the reason says why the finding does not apply.",
			Replacement: "Add the reason: `# letgo: ignore[EV110] runs only in the eventlet gate`.",
			Example:     "eventlet.spawn(f)  # letgo: ignore[EV110] eventlet-only branch",
		},
	},
	{
		ID: "EV903", Slug: "unused-suppression", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Doc: analysis.Doc{
			Summary:     "suppression that matches nothing",
			What:        "A `# noqa: EVnnn` or `# letgo: ignore[EVnnn]` comment on a line where that rule reports nothing.",
			Why:         "Stale suppressions hide future findings on the line.",
			Replacement: "Remove the code from the comment.",
			Example:     "x = 1  # noqa: EV110  ->  x = 1",
		},
	},
	{
		ID: "EV904", Slug: "unreadable-file", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Doc: analysis.Doc{
			Summary:     "file skipped",
			What:        "A file letgo could not read or parse: Python source that is binary, too large, unreadable, a broken symlink or deleted during the scan; a configuration or metadata file (setup.cfg, pyproject.toml, requirements, tox.ini, zuul, .coveragerc) that does not parse or is larger than 4 MiB; a FIFO, device or directory where a file was expected; a symlink that points outside the project, which letgo does not follow.",
			Why:         "The file was not analysed; the scan went on without it. A configuration file that does not parse hides the entry points, requirements and test settings it declares.",
			Replacement: "Fix the file or exclude it.",
			Example:     "nimbus/data.py: binary file (NUL bytes)",
		},
	},
	{
		ID: "EV905", Slug: "too-many-findings", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Doc: analysis.Doc{
			Summary: "more findings of one rule in one file than letgo reports",
			What: "A file in which one rule found more than 1,000 findings. The first 1,000 are reported; this finding, " +
				"placed at the first one left out, says how many more there were. The cap holds whatever `--select` says; " +
				"`--ignore EV905` hides the notice, not the cap.",
			Why: "No real file comes near: the most in nova, neutron and oslo.service is 51. A file past it is generated " +
				"or crafted, and one finding per line would cost memory and report size in proportion to it (a million " +
				"`import eventlet` lines made a 717 MB report).",
			Replacement: "Look at the file: exclude it if it is generated; if it is real code, the findings shown are a sample of one pattern.",
			Example:     "nimbus/generated.py:1001: 999000 more EV101 findings in this file left out: letgo reports at most 1000 per rule and file",
		},
	},
}
