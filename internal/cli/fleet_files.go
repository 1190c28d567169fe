package cli

import (
	"context"
	"fmt"
	"sync"

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
	return v, ok
}

func (s *storeFiles) Put(content, context string, value []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, store.CacheEntry{Key: store.CacheKey{Content: content, RuleSet: context}, Value: value})
	s.mu.Unlock()
}

// flush writes what was put since the last flush.
func (s *storeFiles) flush() error {
	s.mu.Lock()
	pending, err := s.pending, s.err
	s.pending, s.err = nil, nil
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("file cache: %w", err)
	}
	if err := s.st.CachePutMany(s.ctx, pending); err != nil {
		return fmt.Errorf("file cache: %w", err)
	}
	return nil
}
