// Package atomicfile writes files so that a failed write (a full disk, an
// interrupted export) never leaves a truncated file under the final name.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write calls write with a buffered writer on a temporary file beside path,
// syncs it and renames it to path; on any error the temporary file is
// removed and path is untouched. Errors name path. A path that is a device or pipe
// (/dev/stdout, /dev/full, a fifo) is written directly: renaming over it
// would replace the device node itself when run as root.
func Write(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			err = finish(f, write, nil)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".gongkai-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = finish(f, write, f.Sync)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// finish writes through a buffer, flushes, optionally syncs, and closes f.
func finish(f *os.File, write func(io.Writer) error, sync func() error) error {
	bw := bufio.NewWriterSize(f, 1<<20)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && sync != nil {
		err = sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
