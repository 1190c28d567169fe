package pysrc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc/pygen"
)

// benchCorpus is the generated corpus, or every .py file under
// LETGO_BENCH_DIR when it is set (a local checkout, never committed).
func benchCorpus(b *testing.B) [][]byte {
	b.Helper()
	var files [][]byte
	if dir := os.Getenv("LETGO_BENCH_DIR"); dir != "" {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") {
				if src, err := os.ReadFile(p); err == nil {
					files = append(files, src)
				}
			}
			return nil
		})
		return files
	}
	for i := uint64(0); i < 100; i++ {
		files = append(files, []byte(pygen.File(pygen.Config{Minor: 14}, i)))
	}
	return files
}

func corpusBytes(files [][]byte) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f))
	}
	return n
}

func BenchmarkTokenize(b *testing.B) {
	files := benchCorpus(b)
	b.SetBytes(corpusBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			tokenize(string(f))
		}
	}
}

func BenchmarkParse(b *testing.B) {
	files := benchCorpus(b)
	b.SetBytes(corpusBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Parse("bench.py", f)
		}
	}
}

// BenchmarkFrontEnd is parse plus the typed view: what a scan pays per file.
func BenchmarkFrontEnd(b *testing.B) {
	files := benchCorpus(b)
	b.SetBytes(corpusBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Analyze(Parse("bench.py", f), "pkg.mod", false)
		}
	}
}

// BenchmarkAnalyze is the typed view alone, on files parsed once.
func BenchmarkAnalyze(b *testing.B) {
	files := benchCorpus(b)
	parsed := make([]*File, len(files))
	for i, src := range files {
		parsed[i] = Parse("bench.py", src)
	}
	b.SetBytes(corpusBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range parsed {
			Analyze(f, "pkg.mod", false)
		}
	}
}
