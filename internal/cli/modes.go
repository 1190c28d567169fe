package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// runModes prints each entry point's concurrency mode, the switch that
// flips it and the first piece of evidence, then the project's stage.
func runModes(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, g := newGraphFlags("modes", stderr)
	fs.StringVar(&g.format, "format", "text", "output format: text or json")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if !g.optionalPath(fs, stderr, "usage: letgo modes [PATH] [--with ROOT]... [--format text|json]") {
		return ExitUsage
	}
	res, took, err := g.build(ctx)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	if g.showTiming {
		fmt.Fprintf(stderr, "analysed in %v\n", took.Round(time.Millisecond))
	}
	if res.Stats.PythonFiles == 0 {
		// Nothing is not evidence of a mode or a stage.
		return errorf(stderr, "no Python project under %s: no Python files to analyse", g.path)
	}
	if g.format == "json" {
		writeJSON(stdout, struct {
			EntryPoints []contract.EntryPoint `json:"entrypoints"`
			Stage       any                   `json:"stage"`
		}{res.EntryPoints, res.Stage})
		return ExitClean
	}
	if g.format != "text" {
		fmt.Fprintln(stderr, "letgo: --format must be text or json")
		return ExitUsage
	}
	fmt.Fprintf(stdout, "%-28s %-8s %-24s %-44s %s\n", "ENTRY POINT", "KIND", "MODE", "SWITCH", "EVIDENCE")
	q := textsafe.Line
	for _, ep := range res.EntryPoints {
		fmt.Fprintf(stdout, "%-28s %-8s %-24s %-44s %s\n", q(ep.Name), q(string(ep.Kind)), q(string(ep.Mode)), q(switchText(ep)), q(evidenceText(ep)))
	}
	stages := res.Stages
	if len(stages) == 0 && res.Stage != nil {
		stages = []contract.RootStage{{Stage: *res.Stage}}
	}
	for _, rs := range stages {
		st := rs.Stage
		of := ""
		if rs.Root != "" {
			of = " of " + q(rs.Root)
		}
		fmt.Fprintf(stdout, "\n%d of %d services default to threading%s (%d tool(s) not counted)\n", st.ThreadingDefault, st.Services, of, st.Tools)
		fmt.Fprintf(stdout, "%s: %s\n%s\n", q(st.String()), q(st.Summary), textsafe.Text(st.Timeline))
		if lib := st.Library; lib != nil {
			fmt.Fprintf(stdout, "library: eventlet %s", q(string(lib.Eventlet)))
			if lib.DefaultBackend != "" {
				fmt.Fprintf(stdout, ", default backend %s", q(lib.DefaultBackend))
			}
			fmt.Fprintf(stdout, "\n%s\n", textsafe.Text(lib.Timeline))
		}
	}
	return ExitClean
}

func switchText(ep contract.EntryPoint) string {
	var parts []string
	if ep.Switch.Env != "" {
		parts = append(parts, "env "+ep.Switch.Env)
	}
	if ep.Switch.Config != "" {
		parts = append(parts, "config "+ep.Switch.Config)
	}
	if ep.Switch.Inverted {
		parts = append(parts, "(unset: threading)")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func evidenceText(ep contract.EntryPoint) string {
	if ep.Kind == modes.KindTool && ep.Mode == modes.NoRuntime && ep.ModeReason != "" {
		return ep.ModeReason
	}
	if ep.ModeReason != "" && len(ep.ModeEvidence) == 0 {
		return ep.ModeReason
	}
	if len(ep.ModeEvidence) == 0 {
		return "-"
	}
	e := ep.ModeEvidence[0]
	for _, x := range ep.ModeEvidence {
		if strings.Contains(x.Text, "monkey_patch") || strings.Contains(x.Text, "init_backend") {
			e = x
			break
		}
	}
	return fmt.Sprintf("%s:%d %s", e.Path, e.Line, clipText(e.Text, 60))
}

// clipText shortens s to at most n bytes, on a character boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
