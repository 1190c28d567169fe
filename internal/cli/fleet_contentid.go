package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/store"
)

// statusRuleSet is the cache slot of the content ids of trees by status
// (store.CacheKey.RuleSet): the value is the contentID of the tree.
const statusRuleSet = "tree-content-id/v1"

// racyWindow is how long after a file's last change its status is not
// trusted to tell a later write apart (file system time granularity).
var racyWindow = 2 * time.Second

// treeStatus hashes the status of every entry contentID hashes (path,
// size, mode, modification and change times, inode; symlinks by target),
// reading no file. racy says whether some entry changed within racyWindow
// of start, when its status does not identify its content.
func treeStatus(ctx context.Context, dir string, start time.Time) (key string, racy bool, err error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sig, changed := scan.FileStatus(fi)
		if !changed.Before(start.Add(-racyWindow)) {
			racy = true
		}
		target := ""
		if d.Type()&fs.ModeSymlink != 0 {
			if target, err = os.Readlink(p); err != nil {
				return err
			}
		}
		fmt.Fprintf(h, "%q %s %q\n", filepath.ToSlash(rel), sig, target)
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("status of tree %s: %w", dir, err)
	}
	return "tree-status:" + hex.EncodeToString(h.Sum(nil)), racy, nil
}

// cachedContentID is contentID through the store: a tree whose every
// file has the status it had when its content id was computed is not read
// again. Content ids are computed (and stored) when the status is new; a
// tree with a file changed in the last racyWindow is hashed and its status
// not stored.
//
// The content ids of the files are returned when the tree was hashed,
// nil when its id came from the store.
func cachedContentID(ctx context.Context, st store.Store, dir string) (string, map[string]string, error) {
	start := time.Now()
	key, racy, err := treeStatus(ctx, dir, start)
	if err != nil {
		return "", nil, err
	}
	ck := store.CacheKey{Content: key, RuleSet: statusRuleSet}
	if !racy {
		v, ok, err := st.CacheGet(ctx, ck)
		if err != nil {
			return "", nil, err
		}
		if ok && len(v) > len(contentPrefix) && string(v[:len(contentPrefix)]) == contentPrefix {
			return string(v), nil, nil
		}
	}
	id, files, err := contentIDs(ctx, dir)
	if err != nil {
		return "", nil, err
	}
	if !racy {
		// The files were read after their status: a write since makes the
		// status new, and a later scan reads them again.
		if err := st.CachePut(ctx, ck, []byte(id)); err != nil {
			return "", nil, err
		}
	}
	return id, files, nil
}
