package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// File is a downloaded attachment (PDF, DOC, OFD…) of a document, kept once
// per distinct content of its URL.
type File struct {
	SHA256  string // of Capture.Body
	Capture Capture
}

func fileKey(canon, sum string) []byte { return []byte(canon + "\x00" + sum) }

// RecordFile stores an attachment's capture of document doc unless the same
// bytes are already stored for that URL. It reports whether anything was
// written.
func (r *Run) RecordFile(ctx context.Context, doc uint64, c Capture) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	canon, err := CanonicalURL(c.URL)
	if err != nil {
		return false, fmt.Errorf("record file: %w", err)
	}
	sum := sha256.Sum256(c.Body)
	key := fileKey(canon, hex.EncodeToString(sum[:]))
	raw, err := encodeCapture(c)
	if err != nil {
		return false, fmt.Errorf("record file %s: %w", canon, err)
	}
	z := r.s.codec.compress(raw)
	err = r.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFiles)
		if b.Get(key) != nil {
			return errDeclined
		}
		return b.Put(key, z)
	})
	switch {
	case errors.Is(err, errDeclined):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("record file %s: %w", canon, err)
	}
	r.s.log.Info("attachment stored", "source", r.source, "doc", doc, "url", canon, "bytes", len(c.Body))
	return true, nil
}

// HasFile reports whether any content of the attachment at rawURL is stored.
func (s *Store) HasFile(ctx context.Context, rawURL string) (bool, error) {
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return false, err
	}
	found := false
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFiles)
		if b == nil {
			return nil
		}
		prefix := []byte(canon + "\x00")
		k, _ := b.Cursor().Seek(prefix)
		found = k != nil && bytes.HasPrefix(k, prefix)
		return nil
	})
	return found, err
}

// ForEachFile calls fn for every stored attachment fetched at or after since,
// one short read transaction per file.
func (s *Store) ForEachFile(ctx context.Context, since time.Time, fn func(File) error) error {
	var after []byte
	for {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		var key []byte
		var f File
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketFiles)
			if b == nil {
				return nil
			}
			c := b.Cursor()
			k, v := c.Seek(after)
			if k != nil && after != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
			if k == nil {
				return nil
			}
			key = append([]byte(nil), k...)
			data, err := s.codec.decompress(v)
			if err != nil {
				return fmt.Errorf("file %q: %w", k, err)
			}
			f.Capture, err = decodeCapture(data)
			return err
		})
		if err != nil {
			return fmt.Errorf("files: %w", err)
		}
		if key == nil {
			return nil
		}
		after = key
		_, sum, _ := bytes.Cut(key, []byte{0})
		f.SHA256 = string(sum)
		if !since.IsZero() && f.Capture.FetchedAt.Before(since) {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
}

// verifyFiles recomputes every stored attachment's digest.
func (s *Store) verifyFiles(tx *bolt.Tx, r *VerifyReport) {
	b := tx.Bucket(bucketFiles)
	if b == nil {
		return
	}
	b.ForEach(func(k, v []byte) error {
		canon, sum, _ := bytes.Cut(k, []byte{0})
		data, err := s.codec.decompress(v)
		if err != nil {
			r.problem("attachment %s: unreadable: %v", canon, err)
			return nil
		}
		c, err := decodeCapture(data)
		if err != nil {
			r.problem("attachment %s: %v", canon, err)
			return nil
		}
		r.Files++
		got := sha256.Sum256(c.Body)
		if hex.EncodeToString(got[:]) != string(sum) {
			r.problem("attachment %s: digest %s, stored %s", canon, hex.EncodeToString(got[:])[:12], short(string(sum)))
		}
		return nil
	})
}
