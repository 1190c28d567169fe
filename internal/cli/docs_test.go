package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/rules"
)

var update = flag.Bool("update", false, "rewrite generated files and goldens")

const docsDir = "../../docs/rules"

func rulesIndex() string {
	var b strings.Builder
	b.WriteString("# letgo rules\n\nGenerated from the rule catalogue (`go test ./internal/cli -run TestRuleDocs -update`); `letgo rules` and `letgo explain EVnnn` print the same text.\n")
	family := 0
	for _, r := range rules.All() {
		if r.Family() != family {
			family = r.Family()
			fmt.Fprintf(&b, "\n## EV%dxx %s\n\n| id | slug | risk | kind | summary |\n|---|---|---|---|---|\n", family, analysis.FamilyNames[family])
		}
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s | %s |\n", r.ID, r.ID, r.Slug, r.Risk, r.Kind, r.Doc.Summary)
	}
	return b.String()
}

// TestRuleDocs fails when docs/rules is stale; -update regenerates it.
func TestRuleDocs(t *testing.T) {
	want := map[string]string{"README.md": rulesIndex()}
	for _, r := range rules.All() {
		want[r.ID+".md"] = RuleDoc(r)
	}
	if *update {
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
		for _, p := range old {
			os.Remove(p)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(docsDir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil {
			t.Errorf("docs/rules/%s missing: run go test ./internal/cli -run TestRuleDocs -update", name)
			continue
		}
		if string(got) != text {
			t.Errorf("docs/rules/%s is stale: run go test ./internal/cli -run TestRuleDocs -update", name)
		}
	}
	existing, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	for _, p := range existing {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("%s: no such rule; run with -update to remove it", p)
		}
	}
	for _, r := range rules.All() {
		doc := RuleDoc(r)
		for _, section := range []string{"## What it finds", "## Why it matters", "## Replacement", "## Example"} {
			if !strings.Contains(doc, section) {
				t.Errorf("%s: docs lack %q", r.ID, section)
			}
		}
	}
}
