package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/gongkai/gongkai/internal/mapped"
)

// ReleaseMapped unmaps the index's segment files from the process's memory:
// they stay in the kernel's page cache and the next search maps them again
// (see internal/mapped). It holds a snapshot of the index while it works,
// so none of the segments it releases can be closed and unmapped meanwhile.
func (ix *Index) ReleaseMapped() error {
	return ix.withSnapshot(func(snap *scorch.IndexSnapshot) error {
		for _, ss := range snap.Segments() {
			// Persisted segments are file mappings; segments still in
			// memory have no Data and are left alone.
			if f, ok := ss.Segment().(interface{ Data() []byte }); ok {
				if err := mapped.Release(f.Data()); err != nil {
					return fmt.Errorf("release index pages: %w", err)
				}
			}
		}
		return nil
	})
}
