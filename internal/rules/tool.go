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

// Suppression and file-level findings (EV902-EV904) are emitted by the scan
// driver, which owns suppressions and file reading; the rules exist here for
// their ids and docs.
var toolRules = []*analysis.Rule{
	{
		ID: "EV901", Slug: "syntax-error", Risk: analysis.RiskMedium, Kind: "runtime", Python: syntaxErrorCheck,
		Doc: analysis.Doc{
			Summary:     "file does not parse",
			What:        "A Python file with a syntax error (up to five per file). The rest of the file is still analysed.",
			Why:         "letgo reads Python 3 up to 3.14; a file it cannot parse is a blind spot (or Python 2 code).",
			Replacement: "Fix the syntax, or exclude the file if it is not Python 3.",
			Example:     "print 'hello'  ->  print('hello')",
		},
	},
	{
		ID: "EV902", Slug: "suppression-without-reason", Risk: analysis.RiskLow, Kind: "runtime",
		Doc: analysis.Doc{
			Summary:     "letgo suppression without a reason",
			What:        "A `# letgo: ignore[EVnnn]` comment with no reason after it; it suppresses nothing.",
			Why:         "Suppressions are reviewed debt: the reason says why the finding does not apply.",
			Replacement: "Add the reason: `# letgo: ignore[EV110] runs only in the eventlet gate`.",
			Example:     "eventlet.spawn(f)  # letgo: ignore[EV110] eventlet-only branch",
		},
	},
	{
		ID: "EV903", Slug: "unused-suppression", Risk: analysis.RiskLow, Kind: "runtime",
		Doc: analysis.Doc{
			Summary:     "suppression that matches nothing",
			What:        "A `# noqa: EVnnn` or `# letgo: ignore[EVnnn]` comment on a line where that rule reports nothing.",
			Why:         "Stale suppressions hide future findings on the line.",
			Replacement: "Remove the code from the comment.",
			Example:     "x = 1  # noqa: EV110  ->  x = 1",
		},
	},
	{
		ID: "EV904", Slug: "unreadable-file", Risk: analysis.RiskLow, Kind: "runtime",
		Doc: analysis.Doc{
			Summary:     "file skipped",
			What:        "A file letgo could not read or parse: Python source that is binary, too large, unreadable, a broken symlink or deleted during the scan; a configuration or metadata file (setup.cfg, pyproject.toml, requirements, tox.ini, zuul, .coveragerc) that does not parse or is larger than 4 MiB; a FIFO, device or directory where a file was expected; a symlink that points outside the project, which letgo does not follow.",
			Why:         "The file was not analysed; the scan went on without it. A configuration file that does not parse hides the entry points, requirements and test settings it declares.",
			Replacement: "Fix the file or exclude it.",
			Example:     "nimbus/data.py: binary file (NUL bytes)",
		},
	},
}
