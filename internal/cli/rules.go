package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/rules"
)

func runRules(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: letgo rules")
		return ExitUsage
	}
	fmt.Fprintf(stdout, "%-6s %-34s %-4s %-10s %s\n", "ID", "SLUG", "RISK", "KIND", "SUMMARY")
	family := 0
	for _, r := range rules.All() {
		if r.Family() != family {
			family = r.Family()
			fmt.Fprintf(stdout, "\n# EV%dxx %s\n", family, analysis.FamilyNames[family])
		}
		fmt.Fprintf(stdout, "%-6s %-34s %-4s %-10s %s\n", r.ID, r.Slug, r.Risk, r.Kind, r.Doc.Summary)
	}
	return ExitClean
}

func runExplain(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: letgo explain EVnnn")
		return ExitUsage
	}
	r := rules.ByID(args[0])
	if r == nil {
		for _, x := range rules.All() {
			if x.Slug == strings.ToLower(args[0]) {
				r = x
			}
		}
	}
	if r == nil {
		fmt.Fprintf(stderr, "letgo: no rule %q (see letgo rules)\n", args[0])
		return ExitUsage
	}
	io.WriteString(stdout, RuleDoc(r))
	return ExitClean
}

// RuleDoc renders a rule's documentation as Markdown: the text of
// letgo explain and of docs/rules/EVnnn.md.
func RuleDoc(r *analysis.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n%s.\n\n", r.ID, r.Slug, upperFirst(r.Doc.Summary))
	fmt.Fprintf(&b, "Family: EV%dxx %s. Risk: %s. Kind: %s.", r.Family(), analysis.FamilyNames[r.Family()], riskName(r.Risk), r.Kind)
	if r.Positive {
		b.WriteString(" A positive signal: reported as info, never as debt.")
	}
	if r.Concern != "" {
		b.WriteString(" A concern (" + string(r.Concern) + "): listed under concerns, never counted as runtime debt.")
	}
	b.WriteString("\n\n## What it finds\n\n" + r.Doc.What + "\n")
	b.WriteString("\n## Why it matters\n\n" + r.Doc.Why + "\n")
	b.WriteString("\n## Replacement\n\n" + r.Doc.Replacement + "\n")
	lang := "python"
	if r.Kind == analysis.RuleDependency || r.Kind == analysis.RuleConfig || r.Kind == analysis.RuleDoc {
		lang = "text"
	}
	b.WriteString("\n## Example\n\n```" + lang + "\n" + r.Doc.Example + "\n```\n")
	b.WriteString("\n## Suppressing\n\n`# letgo: ignore[" + r.ID + "] <reason>` or `# noqa: " + r.ID + "` on the reported line.\n")
	return b.String()
}

func riskName(r analysis.Risk) string {
	switch r {
	case analysis.RiskHigh:
		return "H (behaviour or operator-facing change)"
	case analysis.RiskMedium:
		return "M (needs review)"
	}
	return "L (mechanical)"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
