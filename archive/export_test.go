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
