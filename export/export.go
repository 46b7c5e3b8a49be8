// Package export writes the archive out in formats other tools read: JSON
// Lines (one line per document version, the same shape the web API streams)
// and WARC/1.1 (ISO 28500) with the raw HTTP exchanges, for replay tools and
// web archives. Both stream: one version or capture in memory at a time.
package export

import (
	"context"
	"log/slog"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// Source is what an export reads. *archive.Store satisfies it.
type Source interface {
	// ForEachVersion calls fn for every version fetched at or after since,
	// in document ID then version order.
	ForEachVersion(ctx context.Context, since time.Time, fn func(archive.Doc, archive.Version) error) error
	// Capture returns the raw HTTP exchange that produced version n. WARC
	// calls it from inside ForEachVersion's fn, so ForEachVersion must not
	// hold a lock or transaction across fn that Capture also needs.
	Capture(ctx context.Context, id uint64, n int) (archive.Capture, error)
}

// Options tune an export. The zero value exports everything.
type Options struct {
	// Since limits the export to versions fetched at or after it; zero means all.
	Since time.Time

	// Software names the producer in the warcinfo record, e.g. "gongkai/1.2".
	// Empty means "gongkai".
	Software string
	// Operator and Hostname go into the warcinfo record when set.
	Operator string
	Hostname string
	// Filename is the WARC-Filename of the warcinfo record, when set.
	Filename string

	// Now dates the warcinfo record; nil means time.Now.
	Now func() time.Time
	// NewUUID makes the UUIDs of WARC record IDs; nil means random
	// version-4 UUIDs from crypto/rand. Tests set it for stable output.
	NewUUID func() string

	// Logger receives warnings (a version without a capture); nil discards them.
	Logger *slog.Logger
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) software() string {
	if o.Software != "" {
		return o.Software
	}
	return "gongkai"
}
