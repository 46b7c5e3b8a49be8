package archive

import (
	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/internal/mapped"
)

// ReleaseMapped unmaps the archive file's pages from the process's memory:
// they stay in the kernel's page cache and the next read maps them again
// (see internal/mapped). It runs inside a read transaction, during which
// bbolt cannot remap the file, so the range released is the live mapping.
func (s *Store) ReleaseMapped() error {
	return s.db.View(func(tx *bolt.Tx) error {
		return mapped.ReleaseAt(s.db.Info().Data, int(tx.Size()))
	})
}
