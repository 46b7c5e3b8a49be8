package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maybeTrainDict trains source's capture dictionary once it has DictAfter
// captures: from the first version of its first documents, outside any write
// transaction. A failure is logged and remembered (no dictionary for the
// source), never returned: compression without one works.
func (s *Store) maybeTrainDict(ctx context.Context, source string) {
	if s.dictAfter < 0 || s.codec.hasDict(source) {
		return
	}
	// Count first: a small source must not decode its captures at the end
	// of every run only to find too few.
	var ids []uint64
	var samples [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := []byte(source + "\x00")
		c := tx.Bucket(bucketCrawl).Cursor()
		raw := tx.Bucket(bucketRaw)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(ids) < s.dictAfter; k, _ = c.Next() {
			if id := seqOf(k[len(prefix):]); raw.Get(versionKey(id, 1)) != nil {
				ids = append(ids, id)
			}
		}
		if len(ids) < s.dictAfter {
			return nil
		}
		for _, id := range ids {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			data, err := s.codec.decompress(raw.Get(versionKey(id, 1)))
			if err != nil {
				continue // Verify reports it
			}
			samples = append(samples, data)
		}
		return nil
	})
	if err != nil || len(samples) < s.dictAfter*9/10 {
		return
	}
	start := time.Now()
	id, dict, err := trainDict(samples)
	if err != nil {
		s.log.Warn("no compression dictionary for the source", "source", source, "err", err)
	}
	var idb [4]byte
	binary.BigEndian.PutUint32(idb[:], id)
	// Stored first, then registered: no frame uses the dictionary before
	// the codec knows it. The codec's lock is not held across the write
	// (a batch holding the write lock may be decoding).
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDicts)
		if dict != nil {
			if err := b.Put(append([]byte{'d'}, idb[:]...), dict); err != nil {
				return err
			}
		}
		return b.Put(append([]byte{'s'}, source...), idb[:])
	})
	if err != nil {
		s.log.Warn("store compression dictionary", "source", source, "err", err)
		return
	}
	s.codec.mu.Lock()
	defer s.codec.mu.Unlock()
	if dict != nil {
		if err := s.codec.addLocked(id, dict); err != nil {
			s.log.Warn("compression dictionary", "source", source, "err", err)
			return
		}
		s.codec.dec = s.codec.newDecoder()
		s.log.Info("compression dictionary trained", "source", source, "captures", len(samples), "bytes", len(dict), "duration", time.Since(start))
	}
	s.codec.bySrc[source] = id
	s.codec.mu.Unlock()
	if dict != nil {
		s.recompress(source, ids)
	}
	s.codec.mu.Lock() // for the deferred unlock
}

// recompress stores the captures a dictionary was trained from again with
// it. The capture bytes, and so their digests, stay the same.
func (s *Store) recompress(source string, ids []uint64) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketRaw)
		for _, id := range ids {
			key := versionKey(id, 1)
			data, err := s.codec.decompress(raw.Get(key))
			if err != nil {
				continue // Verify reports it
			}
			if err := raw.Put(key, s.codec.compressCapture(source, data)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("recompress captures with the dictionary", "source", source, "err", err)
	}
}
