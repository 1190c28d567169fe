package pysrc

import "sync"

// Per-file allocation of the syntax tree. A file's nodes and lists live and
// die together (the tree is dropped with its File), so they are carved out
// of chunks: one allocation per chunk instead of one per node or list,
// which was a fifth of the front end's instructions in malloc. Chunks grow
// from small (a small file pays little for a node kind it barely uses) to
// maxChunk.

const (
	firstChunk = 8
	maxChunk   = 256
)

// slab hands out pointers into chunks of T.
type slab[T any] struct {
	buf  []T
	next int
}

func (s *slab[T]) alloc() *T {
	if len(s.buf) == cap(s.buf) {
		s.next = grow(s.next)
		s.buf = make([]T, 0, s.next)
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

func grow(n int) int {
	switch {
	case n == 0:
		return firstChunk
	case n < maxChunk:
		return 2 * n
	}
	return n
}

// lists builds slices of T: elements are pushed on a stack shared by all
// lists under construction (nested lists push above and pop before the
// outer list goes on), and a finished list is copied into a chunk with its
// capacity cut to its length, so an append by a later reader reallocates
// instead of writing into a neighbour.
type lists[T any] struct {
	stack []T
	chunk []T
	next  int
}

// mark is where a new list starts on the stack.
func (l *lists[T]) mark() int { return len(l.stack) }

func (l *lists[T]) push(x T) { l.stack = append(l.stack, x) }

// pop returns the list pushed since base (nil when empty, as an append to
// a nil slice would) and removes it from the stack.
func (l *lists[T]) pop(base int) []T {
	n := len(l.stack) - base
	if n <= 0 {
		l.stack = l.stack[:base]
		return nil
	}
	var out []T
	if n > maxChunk/4 {
		out = make([]T, n)
		copy(out, l.stack[base:])
	} else {
		if n > cap(l.chunk)-len(l.chunk) {
			l.next = grow(grow(l.next))
			l.chunk = make([]T, 0, l.next)
		}
		k := len(l.chunk)
		l.chunk = append(l.chunk, l.stack[base:]...)
		out = l.chunk[k : k+n : k+n]
	}
	l.stack = l.stack[:base] // cleared once per file, by giveStacks
	return out
}

// stacks are the lists' stacks, kept from file to file (they are empty
// between files): a parse starts with stacks grown by the ones before.
type stacks struct {
	exprs []Expr
	stmts []Stmt
	kws   []*Keyword
	args  []*Arg
	ops   []CmpOp
}

var stackPool = sync.Pool{New: func() any { return new(stacks) }}

// takeStacks gives p the stacks of a pool.
func (p *parser) takeStacks() {
	st := stackPool.Get().(*stacks)
	p.exprs.stack, p.stmts.stack, p.kws.stack, p.args.stack, p.ops.stack = st.exprs, st.stmts, st.kws, st.args, st.ops
}

// giveStacks returns p's stacks to the pool, cleared.
func (p *parser) giveStacks() {
	stackPool.Put(&stacks{p.exprs.clean(), p.stmts.clean(), p.kws.clean(), p.args.clean(), p.ops.clean()})
}

// reset drops what abandoned lists left above base (after a syntax error
// unwound their builders).
func (l *lists[T]) reset(base int) {
	if len(l.stack) > base {
		l.stack = l.stack[:base]
	}
}

// clean clears the stack's whole capacity, so that nothing there keeps a
// node of this file alive, and empties it.
func (l *lists[T]) clean() []T {
	s := l.stack[:cap(l.stack)]
	clear(s)
	l.stack = nil
	return s[:0]
}
