package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/store"
)

// storeFiles is scan.FileStore over the store's file cache: reads go to
// the store as the scan asks, writes are kept and written in one
// transaction by flush (a commit per file would cost more than the
// parse). A read that fails is a miss for the scan and an error of flush:
// the repository's scan is not stored as if the cache had worked.
type storeFiles struct {
	ctx     context.Context
	st      store.Store
	mu      sync.Mutex
	pending []store.CacheEntry
	used    []store.CacheKey // served since the last flush: marked used
	err     error
}

func newStoreFiles(ctx context.Context, st store.Store) *storeFiles {
	return &storeFiles{ctx: ctx, st: st}
}

func (s *storeFiles) Get(content, context string) ([]byte, bool) {
	v, ok, err := s.st.CacheGet(s.ctx, store.CacheKey{Content: content, RuleSet: context})
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
		return nil, false
	}
	if ok {
		s.mu.Lock()
		s.used = append(s.used, store.CacheKey{Content: content, RuleSet: context})
		s.mu.Unlock()
	}
	return v, ok
}

func (s *storeFiles) Put(content, context string, value []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, store.CacheEntry{Key: store.CacheKey{Content: content, RuleSet: context}, Value: value, Build: scan.BuildID()})
	s.mu.Unlock()
}

// flush writes what was put since the last flush, and marks what was
// served as used (the size bound drops the least recently used first).
func (s *storeFiles) flush() error {
	s.mu.Lock()
	pending, used, err := s.pending, s.used, s.err
	s.pending, s.used, s.err = nil, nil, nil
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("file cache: %w", err)
	}
	if err := s.st.CacheUse(s.ctx, used, pending); err != nil {
		return fmt.Errorf("file cache: %w", err)
	}
	return nil
}

// pruneFileCache bounds the store's file cache after a run that used it:
// entries of other letgo builds (never served to this one) are dropped,
// then the least recently used beyond --file-cache-max. nil when the run
// did not use the cache.
func (f *fleetFlags) pruneFileCache(ctx context.Context, st store.Store) (*store.CachePruned, error) {
	if !f.fileCache {
		return nil, nil
	}
	p, err := st.CachePrune(ctx, store.CachePolicy{Build: scan.BuildID(), MaxBytes: int64(f.fileCacheMax)})
	if err != nil {
		return nil, fmt.Errorf("file cache: %w", err)
	}
	return &p, nil
}

// byteSize is a size flag: bytes, or a number with K, M or G (powers of
// 1024); 0 is no bound.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(v string) error {
	mult := int64(1)
	num := strings.TrimSpace(v)
	if n := len(num); n > 0 {
		switch strings.ToUpper(num[n-1:]) {
		case "K":
			mult, num = 1<<10, num[:n-1]
		case "M":
			mult, num = 1<<20, num[:n-1]
		case "G":
			mult, num = 1<<30, num[:n-1]
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return fmt.Errorf("%q is not a size (bytes, or a number with K, M or G)", v)
	}
	*b = byteSize(n * mult)
	return nil
}
