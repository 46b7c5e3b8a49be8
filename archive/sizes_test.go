package archive

import (
	"context"
	"testing"
)

// Sizes accounts for every bucket's keys and the pages they take: the raw
// bucket holds one capture per version, and no bucket's values take more
// than the pages allocated for them.
func TestSizes(t *testing.T) {
	s, _ := twoVersions(t)
	sz, err := s.Sizes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sz.PageSize <= 0 || sz.File < int64(sz.PageSize)*4 || sz.Disk < sz.File {
		t.Fatalf("Sizes: file %d bytes in use, %d on disk, page size %d", sz.File, sz.Disk, sz.PageSize)
	}
	var alloc int64
	seen := map[string]BucketSize{}
	for _, b := range sz.Buckets {
		seen[b.Name] = b
		alloc += b.Alloc
		if b.Values > b.Alloc || b.Inuse > b.Alloc {
			t.Errorf("bucket %s: %d bytes of values, %d in use, in %d allocated", b.Name, b.Values, b.Inuse, b.Alloc)
		}
	}
	if raw := seen["raw"]; raw.Keys != 2 || raw.Values == 0 {
		t.Errorf("bucket raw: %+v, want the 2 captures", raw)
	}
	if alloc+sz.Free > sz.File {
		t.Errorf("buckets allocate %d bytes and %d are free, in a file of %d", alloc, sz.Free, sz.File)
	}
}
