package archive

import "errors"

// ErrNotFound is returned when a document, version or capture does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked is returned by Open when another process holds the archive file.
// bbolt allows one writer process; a second gongkai must use the daemon's API
// (or a backup) instead.
var ErrLocked = errors.New("archive in use by another gongkai process")

// ErrNewerSchema is returned by Open for an archive written by a newer
// release: this one would misread it, so it does not open it at all.
var ErrNewerSchema = errors.New("archive schema too new")

// ErrRunEnded is returned by the methods of a Run after End, or after a
// failed commit lost its batch.
var ErrRunEnded = errors.New("crawl run ended")

// ErrNotExtractable is returned by a RunOptions.Reextract function for a
// capture it cannot extract again (a file rather than a page): the stored
// record is then compared as it is.
var ErrNotExtractable = errors.New("capture cannot be extracted again")
