package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func findingLines(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%03d %s", f.Path, f.Line, f.Rule))
	}
	sort.Strings(out)
	return out
}

// TestFacades: names re-exported by a project module are eventlet names
// wherever they are used; the facade's own import is the only import finding.
func TestFacades(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/greens.py":   "from eventlet import spawn, GreenPool\nfrom eventlet import sleep as nap\n",
		"pkg/app.py":      "from pkg.greens import spawn\nfrom pkg import greens\nfrom pkg.greens import nap\n\nspawn(work)\npool = greens.GreenPool(4)\nnap(0)\n",
		"pkg/other.py":    "from pkg import util\nutil.spawn(work)\n",
		"pkg/util.py":     "def spawn(f):\n    return f()\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV1"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg/app.py:005 EV110",
		"pkg/app.py:006 EV114",
		"pkg/app.py:007 EV116",
		"pkg/greens.py:001 EV101",
		"pkg/greens.py:002 EV101",
	}
	if diff := cmp.Diff(want, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestFileVanishes: a file listed but gone when read is a per-file finding.
func TestFileVanishes(t *testing.T) {
	dir := writeTree(t, map[string]string{"gone.py": "import eventlet\n"})
	proj, err := pyproj.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "gone.py")); err != nil {
		t.Fatal(err)
	}
	fr := scanFile(proj, proj.Lookup("gone.py"), rules.All(), nil)
	if !fr.skipped || len(fr.findings) != 1 || fr.findings[0].Rule != "EV904" {
		t.Errorf("vanished file: skipped %v, findings %+v", fr.skipped, fr.findings)
	}
}

func TestSuppressions(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"m.py": "import eventlet\n" +
			"eventlet.spawn(f)  # noqa: EV110\n" +
			"eventlet.spawn(f)  # letgo: ignore[EV110] eventlet-only branch\n" +
			"eventlet.spawn(f)  # letgo: ignore[EV110]\n" +
			"x = 1  # noqa: EV110\n" +
			"eventlet.spawn(f)  # noqa\n" +
			"eventlet.spawn(f)  # noqa: E501\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV110", "EV9"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"m.py:004 EV110", "m.py:004 EV902", "m.py:005 EV903", "m.py:006 EV110", "m.py:007 EV110"}
	if diff := cmp.Diff(want, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestFingerprintsSurviveMoves(t *testing.T) {
	a := writeTree(t, map[string]string{"m.py": "import eventlet\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	b := writeTree(t, map[string]string{"m.py": "# moved\n\nimport eventlet\n\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	ra, _ := Run(context.Background(), []string{a}, Options{})
	rb, _ := Run(context.Background(), []string{b}, Options{})
	fp := func(r *Result) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Fingerprint)
		}
		return out
	}
	if diff := cmp.Diff(fp(ra), fp(rb)); diff != "" {
		t.Errorf("fingerprints changed with line moves (-a +b):\n%s", diff)
	}
	if fp(ra)[1] == fp(ra)[2] {
		t.Error("identical lines share a fingerprint; the occurrence index must tell them apart")
	}
}
