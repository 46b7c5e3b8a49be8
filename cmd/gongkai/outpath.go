package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutput refuses an output file that would replace the archive or its
// lock (the atomic rename would swap the live file away), and an existing
// file unless force is set. Devices and pipes (/dev/stdout) are written in
// place, never replaced, so they need no -force.
func checkOutput(out, db string, force bool) error {
	for _, p := range []string{db, db + ".lock"} {
		if samePath(out, p) {
			return fmt.Errorf("%s is the archive %s itself: choose another output file", out, db)
		}
	}
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output %s: %w", out, err)
	case fi.IsDir():
		return fmt.Errorf("output %s is a directory", out)
	case fi.Mode().IsRegular() && !force:
		return fmt.Errorf("%s already exists: pass -force to replace it", out)
	}
	return nil
}

// samePath reports whether a and b name the same file, following symlinks
// and relative paths, also when a does not exist yet.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	ra, rb := resolve(a), resolve(b)
	return ra != "" && ra == rb
}

// resolve gives an absolute path with the symlinks of its directory (and of
// the file itself, when it exists) resolved; "" when that fails.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	} else if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(dir, filepath.Base(p))
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	return abs
}
