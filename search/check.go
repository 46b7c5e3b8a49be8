package search

import (
	"context"
	"fmt"
)

// Drift compares the index with the archive.
type Drift struct {
	Archived  int    `json:"archived"`  // documents in the archive
	Indexed   int    `json:"indexed"`   // documents in the index
	Watermark uint64 `json:"watermark"` // last change applied
	Pending   int    `json:"pending"`   // changes after the watermark (counted up to 1000)
}

// OK reports whether the index is current.
func (d Drift) OK() bool { return d.Pending == 0 && d.Archived == d.Indexed }

func (d Drift) String() string {
	if d.OK() {
		return fmt.Sprintf("search index: %d documents, in step with the archive (change %d)", d.Indexed, d.Watermark)
	}
	pending := fmt.Sprint(d.Pending)
	if d.Pending >= driftScan {
		pending = fmt.Sprintf("%d or more", driftScan)
	}
	return fmt.Sprintf("search index: DRIFT: %d of %d documents indexed, %s changes not applied after change %d (the daemon catches up at start; \"gongkai reindex\" rebuilds it)",
		d.Indexed, d.Archived, pending, d.Watermark)
}

const driftScan = 1000

// Check compares the index's document count and watermark with the archive.
func (ix *Index) Check(ctx context.Context) (Drift, error) {
	var d Drift
	var err error
	if d.Archived, err = archivedDocs(ctx, ix.src); err != nil {
		return d, err
	}
	n, err := ix.Count()
	if err != nil {
		return d, fmt.Errorf("search index: count: %w", err)
	}
	d.Indexed = int(n)
	d.Watermark = ix.Watermark()
	changes, err := ix.src.Changes(ctx, d.Watermark, driftScan)
	if err != nil {
		return d, fmt.Errorf("search index: %w", err)
	}
	d.Pending = len(changes)
	return d, nil
}
