package archive

import bolt "go.etcd.io/bbolt"

// SetHook lets tests fail a change between two of its writes.
func SetHook(s *Store, fn func(step string) error) { s.hook = fn }

// Corrupt overwrites a counter, for tests of Verify.
func Corrupt(t interface{ Fatal(...any) }, s *Store, bucket, key string, n uint64) {
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Put([]byte(key), u64(n)) }); err != nil {
		t.Fatal(err)
	}
}

// StoredSize is the size of version n's stored capture.
func StoredSize(s *Store, id uint64, n int) (size int) {
	s.db.View(func(tx *bolt.Tx) error {
		size = len(tx.Bucket(bucketRaw).Get(versionKey(id, n)))
		return nil
	})
	return size
}

// DeleteKey and PutKey damage and repair an index, for tests of Verify.
func DeleteKey(t interface{ Fatal(...any) }, s *Store, bucket, key string) {
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Delete([]byte(key)) }); err != nil {
		t.Fatal(err)
	}
}

func PutKey(t interface{ Fatal(...any) }, s *Store, bucket, key string) {
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Put([]byte(key), nil) }); err != nil {
		t.Fatal(err)
	}
}
