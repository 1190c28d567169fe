package compare

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestHTMLInChromium renders the HTML report in headless Chromium, takes a
// screenshot and checks that both arms' plot colours cover a real area of
// it: the inline SVG rendered, not just the table. It is skipped without
// Chromium unless LETGO_REQUIRE_CHROMIUM is set (as .ci/run does).
//
// By hand: letgo compare --format html A.json B.json > r.html &&
// chromium --headless --no-sandbox --screenshot=r.png --window-size=1200,1600 r.html
func TestHTMLInChromium(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("LETGO_REQUIRE_CHROMIUM") != "" {
			t.Fatal("LETGO_REQUIRE_CHROMIUM is set but no chromium is on PATH")
		}
		t.Skip("no chromium on PATH")
	}
	rep := rallyReport(t)
	rep.Cells = rep.Cells[:1] // one cell: its three plots fill the window
	a, b := shoot(t, bin, rep)
	// The same page without observations has the same table and legend
	// but no plots: the difference is what the SVG drew.
	bare := Report{Cells: []Cell{rep.Cells[0]}}
	bare.Cells[0].ASamples, bare.Cells[0].BSamples = nil, nil
	a0, b0 := shoot(t, bin, bare)
	t.Logf("pixels of A's colour %d (without plots %d), of B's %d (%d)", a, a0, b, b0)
	if a-a0 < 300 || b-b0 < 300 {
		t.Errorf("plots did not render: A's colour %d vs %d without plots, B's %d vs %d", a, a0, b, b0)
	}
}

// shoot renders rep in Chromium and counts the pixels of each arm's colour.
func shoot(t *testing.T, bin string, rep Report) (a, b int) {
	t.Helper()
	dir := t.TempDir()
	page, shot := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.png")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, "A vs B", rep); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1200,900", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	r, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	near := func(r, g, b uint32, want [3]uint32) bool {
		d := func(x, y uint32) uint32 { return max(x, y) - min(x, y) }
		return d(r>>8, want[0])+d(g>>8, want[1])+d(b>>8, want[2]) < 40
	}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr, cg, cb, [3]uint32{0x1f, 0x6f, 0xb4}) {
				a++
			}
			if near(cr, cg, cb, [3]uint32{0xe8, 0x73, 0x0c}) {
				b++
			}
		}
	}
	return a, b
}
