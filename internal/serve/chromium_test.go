package serve

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("LETGO_REQUIRE_CHROMIUM") != "" {
		t.Fatal("LETGO_REQUIRE_CHROMIUM is set but no chromium is on PATH")
	}
	t.Skip("no chromium on PATH")
	return ""
}

// browse runs headless Chromium on a URL with the extra flags and returns
// its standard output.
func browse(t *testing.T, bin, dir, url string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, flags...)
	out, err := exec.CommandContext(ctx, bin, append(args, url)...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}

// TestPagesInChromium renders every page type from a seeded store in
// headless Chromium: with and without JavaScript the DOM is the same (the
// pages need none); no script element or event handler exists in it,
// hostile values included; and the screenshots of the pages with charts
// hold real areas of the series' colours. Set LETGO_SCREENSHOTS=DIR to
// keep the screenshots.
func TestPagesInChromium(t *testing.T) {
	bin := chromium(t)
	_, ts := newServer(t, seed(t, append(fleetFixture(), hostileFixture()...)), false)
	dir := t.TempDir()
	keep := os.Getenv("LETGO_SCREENSHOTS")
	urls := pageURLs(t, ts.URL)
	for name, u := range hostileURLs() {
		if name != "badge" && name != "overview" && name != "diff" && name != "repos" {
			urls["hostile-"+name] = u
		}
	}
	// A profile whose content settings block JavaScript (Chromium's
	// --blink-settings=scriptEnabled=false also stops --dump-dom, which
	// evaluates a script itself); checked on a page whose script would
	// change it, so the comparison below is not vacuous.
	noJS := filepath.Join(dir, "nojs")
	if err := os.MkdirAll(filepath.Join(noJS, "profile", "Default"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(noJS, "profile", "Default", "Preferences"), []byte(`{"profile":{"default_content_setting_values":{"javascript":2}}}`), 0o644)
	probe := filepath.Join(dir, "probe.html")
	os.WriteFile(probe, []byte(`<html><body><p id="p">static</p><script>document.getElementById("p").textContent="ran"</script></body></html>`), 0o644)
	if on, off := browse(t, bin, dir, "file://"+probe, "--dump-dom"), browse(t, bin, noJS, "file://"+probe, "--dump-dom"); !strings.Contains(on, ">ran<") || !strings.Contains(off, ">static<") {
		t.Fatalf("the JavaScript switch does not work: with %q, without %q", on, off)
	}
	handler := regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`)
	for name, path := range urls {
		t.Run(name, func(t *testing.T) {
			on := browse(t, bin, dir, ts.URL+path, "--dump-dom")
			off := browse(t, bin, noJS, ts.URL+path, "--dump-dom")
			if on != off {
				t.Errorf("the DOM differs with JavaScript disabled (%d vs %d bytes)", len(on), len(off))
			}
			if !strings.Contains(on, "</main>") {
				t.Fatalf("no page rendered: %.300s", on)
			}
			if strings.Contains(strings.ToLower(on), "<script") || handler.MatchString(on) || strings.Contains(on, "<title>pwned") {
				t.Errorf("the DOM holds a script or an event handler:\n%s", on)
			}
		})
	}
	colours := map[string]map[string]string{
		"overview": {"stage 0": stageColors[0], "stage 1": stageColors[1], "stage 2": stageColors[2], "debt": totalColor, "deadline": dueColor, "today": todayColor},
		"repo":     {"stage 0": stageColors[0], "stage 1": stageColors[1]},
		"team":     {"debt": totalColor, "EV1xx": familyColor["1"]},
	}
	for name, want := range colours {
		t.Run("screenshot "+name, func(t *testing.T) {
			shot := filepath.Join(dir, name+".png")
			browse(t, bin, dir, ts.URL+urls[name], "--window-size=1200,2000", "--screenshot="+shot)
			counts := countColours(t, shot, want)
			t.Logf("%s: pixels by colour %v", name, counts)
			for label, n := range counts {
				if n < 150 {
					t.Errorf("%s: %d pixels of %s (%s): the chart did not draw it", name, n, label, want[label])
				}
			}
			if keep != "" {
				b, _ := os.ReadFile(shot)
				os.WriteFile(filepath.Join(keep, name+".png"), b, 0o644)
			}
		})
	}
}

func decodePNG(t *testing.T, file string) image.Image {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func countColours(t *testing.T, file string, want map[string]string) map[string]int {
	t.Helper()
	img := decodePNG(t, file)
	rgb := map[string][3]uint32{}
	for label, hex := range want {
		v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
		rgb[label] = [3]uint32{uint32(v >> 16), uint32(v>>8) & 0xff, uint32(v) & 0xff}
	}
	counts := map[string]int{}
	for label := range want {
		counts[label] = 0
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			for label, c := range rgb {
				d := func(a, b uint32) uint32 { return max(a, b) - min(a, b) }
				if d(r>>8, c[0])+d(g>>8, c[1])+d(bl>>8, c[2]) < 30 {
					counts[label]++
				}
			}
		}
	}
	return counts
}
