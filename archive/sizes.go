package archive

import (
	"context"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// BucketSize is where the bytes of one bucket go: what its keys and values
// hold, and what bbolt allocated for them in pages.
type BucketSize struct {
	Name   string
	Keys   int
	Values int64 // bytes of keys and values as stored (compressed where the bucket compresses)
	Inuse  int64 // bytes of the pages in use (values plus page and element headers)
	Alloc  int64 // bytes of the pages allocated (Inuse plus what page rounding and fill leave empty)
}

// Sizes is the size breakdown of an archive file.
type Sizes struct {
	File     int64 // bytes of the file's pages in use by the database
	Disk     int64 // bytes of the file on disk: File plus the tail bbolt grows it by ahead of need (up to 16 MB)
	PageSize int
	Buckets  []BucketSize
	Free     int64 // bytes of free and pending pages (reused by later writes)
}

// Sizes reports where the archive's bytes go, bucket by bucket. It reads
// every key and value, so it costs a full scan.
func (s *Store) Sizes(ctx context.Context) (Sizes, error) {
	var out Sizes
	err := s.db.View(func(tx *bolt.Tx) error {
		out.File = tx.Size()
		out.PageSize = s.db.Info().PageSize
		for _, name := range allBuckets {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			bs := BucketSize{Name: string(name)}
			st := b.Stats()
			bs.Keys = st.KeyN
			// A small bucket lives inline in its parent's page.
			bs.Inuse = int64(st.BranchInuse + st.LeafInuse + st.InlineBucketInuse)
			bs.Alloc = int64(st.BranchAlloc + st.LeafAlloc + st.InlineBucketInuse)
			err := b.ForEach(func(k, v []byte) error {
				bs.Values += int64(len(k) + len(v))
				return ctxErr(ctx)
			})
			if err != nil {
				return err
			}
			out.Buckets = append(out.Buckets, bs)
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("sizes: %w", err)
	}
	if fi, err := os.Stat(s.path); err == nil {
		out.Disk = fi.Size()
	}
	// FreeAlloc is only refreshed by write transactions; the page counts
	// are also set when the file is opened.
	st := s.db.Stats()
	out.Free = int64(st.FreePageN+st.PendingPageN) * int64(out.PageSize)
	return out, nil
}
