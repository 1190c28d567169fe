//go:build !unix

package history

// noFollow is 0 where open has no such flag: os.Root still keeps a link
// from leading outside the scratch directory, and history makes none.
const noFollow = 0
