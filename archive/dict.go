package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// maybeTrainDict trains source's capture dictionary once it has DictAfter
// documents: from the first version of its first documents, outside any
// write transaction (a Run calls it in the background as soon as it has
// stored DictAfter new documents, and at its end). A failure is logged and
// remembered (no dictionary for the source), never returned: compression
// without one works.
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
			data, _, err := s.codec.decompressStored(nil, raw.Get(versionKey(id, 1)))
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
		s.recompress(ctx, source)
	}
	s.codec.mu.Lock() // for the deferred unlock
}

// recompressBatch is how many captures one transaction of recompress
// rewrites: a running crawl's batches wait for the write lock meanwhile.
const recompressBatch = 256

// recompress stores the source's captures that were compressed without a
// dictionary again with the source's one: those it was trained from and
// those a run stored while it was being trained. The capture bytes, and so
// their digests, stay the same. Values written by schema 1 (gzip) are left
// as they are.
func (s *Store) recompress(ctx context.Context, source string) {
	if !s.codec.hasDict(source) {
		return
	}
	var keys [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := []byte(source + "\x00")
		c := tx.Bucket(bucketCrawl).Cursor()
		rc := tx.Bucket(bucketRaw).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			id := k[len(prefix):]
			for rk, v := rc.Seek(id); rk != nil && bytes.HasPrefix(rk, id); rk, v = rc.Next() {
				if withoutDict(v) {
					keys = append(keys, bytes.Clone(rk))
				}
			}
		}
		return nil
	})
	for len(keys) > 0 && err == nil {
		chunk := keys[:min(len(keys), recompressBatch)]
		keys = keys[len(chunk):]
		// Compressed outside the write transaction, which holds the
		// archive's only write lock (running crawls wait for it); written
		// only where the value is still the one read.
		old := make([][]byte, len(chunk))
		err = s.db.View(func(tx *bolt.Tx) error {
			raw := tx.Bucket(bucketRaw)
			for i, key := range chunk {
				if v := raw.Get(key); withoutDict(v) {
					old[i] = bytes.Clone(v)
				}
			}
			return nil
		})
		if err != nil {
			break
		}
		now := make([][]byte, len(chunk))
		for i, v := range old {
			if v == nil {
				continue // stored again meanwhile
			}
			if now[i], err = s.codec.recompressStored(source, v); err != nil {
				continue // Verify reports it
			}
		}
		if err = ctxErr(ctx); err != nil {
			break
		}
		err = s.db.Update(func(tx *bolt.Tx) error {
			raw := tx.Bucket(bucketRaw)
			raw.FillPercent = 0.9 // as apply writes it
			for i, key := range chunk {
				if now[i] == nil || !bytes.Equal(raw.Get(key), old[i]) {
					continue
				}
				if err := raw.Put(key, now[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		s.log.Warn("recompress captures with the dictionary", "source", source, "err", err)
	}
}

// withoutDict reports whether v is a stored capture compressed with zstd
// without a dictionary.
func withoutDict(v []byte) bool {
	sv, err := splitStored(v)
	var h zstd.Header
	return err == nil && len(sv.frame) > 0 && !bytes.HasPrefix(sv.frame, gzipMagic) && h.Decode(sv.frame) == nil && h.DictionaryID == 0
}
