package scan

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
)

// baselineSeeds are the files under testdata/baseline and inputs too big
// or too deep to commit: a baseline of 20,000 findings, nesting 100,000
// deep in an array and in an object (encoding/json refuses more than
// 10,000), a megabyte of whitespace. The fuzz target takes them at a
// tenth of the size (scale 10): the fuzzer minimises every new input it
// finds, and minimising megabytes stalls it.
func baselineSeeds(t testing.TB, scale int) map[string][]byte {
	seeds := map[string][]byte{}
	paths, _ := filepath.Glob(filepath.Join("testdata", "baseline", "*.json"))
	if len(paths) == 0 {
		t.Fatal("no seeds under testdata/baseline")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[filepath.Base(p)] = b
	}
	var huge bytes.Buffer
	b := &contract.Baseline{Schema: contract.Schema, Findings: make([]contract.BaselineEntry, 20000/scale)}
	for i := range b.Findings {
		b.Findings[i] = contract.BaselineEntry{Rule: "EV101", Path: "pkg/a.py", Line: i, Message: "m", Fingerprint: "0123456789abcdef"}
	}
	WriteBaseline(&huge, b)
	seeds["huge"] = huge.Bytes()
	seeds["deep array"] = []byte(`{"schema": 1, "findings": ` + strings.Repeat("[", 100000/scale) + strings.Repeat("]", 100000/scale) + "}")
	seeds["deep object"] = []byte(`{"schema": 1, "tool": ` + strings.Repeat(`{"a":`, 100000/scale) + "1" + strings.Repeat("}", 100000/scale) + "}")
	seeds["whitespace"] = bytes.Repeat([]byte(" "), (1<<20)/scale)
	return seeds
}

func TestReadBaseline(t *testing.T) {
	tests := []struct {
		seed    string
		wantErr string // "" for a baseline that reads
		want    int    // findings
	}{
		{"two.json", "", 2},
		{"empty.json", "", 0},
		{"wrong_schema.json", "baseline schema 2, want 1", 0},
		{"huge", "", 20000},
		{"deep array", "parse baseline: ", 0},
		{"deep object", "parse baseline: ", 0},
		{"whitespace", "parse baseline: ", 0},
	}
	seeds := baselineSeeds(t, 1)
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			b, err := ReadBaseline(bytes.NewReader(seeds[tt.seed]))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ReadBaseline(%s): %v", tt.seed, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ReadBaseline(%s) = %v, want error %q", tt.seed, err, tt.wantErr)
			case err == nil && len(b.Findings) != tt.want:
				t.Errorf("ReadBaseline(%s) = %d findings, want %d", tt.seed, len(b.Findings), tt.want)
			}
		})
	}
}

// TestReadBaselineSizeLimit: a baseline beyond MaxBaselineSize is refused
// after reading at most one byte more, whatever follows (an endless device
// behind a symlink is refused the same way).
func TestReadBaselineSizeLimit(t *testing.T) {
	r := &countingReader{r: io.MultiReader(strings.NewReader(`{"schema": 1, "findings": [], "tool": {"name": "`), endless('a'))}
	_, err := ReadBaseline(r)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ReadBaseline(endless string) = %v, want a size error", err)
	}
	if r.n > MaxBaselineSize+1 {
		t.Errorf("ReadBaseline read %d bytes, limit %d", r.n, MaxBaselineSize)
	}
}

type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// FuzzReadBaseline: any input is read or refused without a panic; what is
// read writes back to the same baseline, and applying it to a result keeps
// every finding and every entry accounted for.
func FuzzReadBaseline(f *testing.F) {
	for _, s := range baselineSeeds(f, 10) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBaseline(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteBaseline(&buf, b); err != nil {
			t.Fatalf("WriteBaseline of a baseline just read: %v", err)
		}
		again, err := ReadBaseline(&buf)
		if err != nil {
			t.Fatalf("a written baseline does not read back: %v\n%s", err, buf.String())
		}
		if diff := cmp.Diff(b, again); diff != "" {
			t.Fatalf("baseline changed through a write and a read (-first +again):\n%s", diff)
		}
		res := &contract.Result{Findings: []analysis.Finding{
			{Rule: "EV101", Path: "pkg/a.py", Fingerprint: "0123456789abcdef"},
			{Rule: "EV201", Path: "pkg/b.py", Fingerprint: "fedcba9876543210"},
		}, Rules: []string{"EV101", "EV201"}}
		n := len(res.Findings)
		ApplyBaseline(res, b, "fuzz.json")
		s := res.Baseline
		if s.New+s.Known != n || s.New != len(res.Findings) || s.Known+len(s.Fixed)+s.NotChecked != len(b.Findings) {
			t.Fatalf("ApplyBaseline: new %d known %d fixed %d not checked %d of %d findings and %d entries", s.New, s.Known, len(s.Fixed), s.NotChecked, n, len(b.Findings))
		}
	})
}
