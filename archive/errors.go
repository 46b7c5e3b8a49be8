package archive

import "errors"

// ErrNotFound is returned when a document, version or capture does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked is returned by Open when another process holds the archive file.
// bbolt allows one writer process; a second gongkai must use the daemon's API
// (or a backup) instead.
var ErrLocked = errors.New("archive in use by another gongkai process")
