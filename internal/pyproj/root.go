package pyproj

import (
	"os"
	"path/filepath"
)

// rootMarkers are the files that make a directory a project root, looked
// for upward from a path the way ruff finds its configuration.
var rootMarkers = []string{"pyproject.toml", "setup.cfg", "setup.py", ".git"}

// FindRoot returns the project root that path belongs to — the nearest
// directory at or above it (its directory, for a file) holding
// pyproject.toml, setup.cfg, setup.py or .git — and path relative to that
// root in slash form ("" when path is the root). Without any marker above
// it, a directory is its own root and a file's directory is the root. The
// search never reaches the home directory or the file system root from
// below them.
func FindRoot(path string) (root, rel string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	start := abs
	if !info.IsDir() {
		start = filepath.Dir(abs)
	}
	found := ""
	home, _ := os.UserHomeDir()
	for dir := start; ; dir = filepath.Dir(dir) {
		// The search stops below the home directory and the file system
		// root: a dotfiles repository (~/.git) must not turn a scan of a
		// tree without markers into a scan of everything the user owns.
		if dir != start && (dir == home || filepath.Dir(dir) == dir) {
			break
		}
		if hasMarker(dir) {
			found = dir
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if found == "" {
		found = start
	}
	r, err := filepath.Rel(found, abs)
	if err != nil {
		return "", "", err
	}
	if r == "." {
		r = ""
	}
	// Name the root as the user would: relative to the path given, so an
	// argument that is the root itself comes back unchanged.
	if found == abs {
		return filepath.Clean(path), "", nil // "a" and "a/" are one root
	}
	base := path
	if !info.IsDir() {
		base = filepath.Dir(path)
	}
	up, err := filepath.Rel(start, found)
	if err != nil {
		return found, filepath.ToSlash(r), nil
	}
	return filepath.Clean(filepath.Join(base, up)), filepath.ToSlash(r), nil
}

func hasMarker(dir string) bool {
	for _, m := range rootMarkers {
		if _, err := os.Lstat(filepath.Join(dir, m)); err == nil {
			return true
		}
	}
	return false
}
