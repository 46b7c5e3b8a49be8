package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/internal/atomicfile"
)

// VerifyReport is what Verify checked and what it found wrong.
type VerifyReport struct {
	Docs     int `json:"docs"`
	Versions int `json:"versions"`
	Captures int `json:"captures"`
	Events   int `json:"events"`
	Files    int `json:"files"` // attachments
	// Reextractions counts re-extraction records checked.
	Reextractions int      `json:"reextractions"`
	Problems      []string `json:"problems,omitempty"`
}

// OK reports whether nothing was found wrong.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

const maxProblems = 1000

func (r *VerifyReport) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// Verify runs bbolt's consistency check, then recomputes every version's
// content fingerprint (under the version's own scheme), every capture's
// SHA-256 and every re-extraction's fingerprint, checks that documents,
// versions and captures agree, and that the derived list index, counters and
// change log match the documents (drift is reported as a problem). Damage is
// reported, not returned as an error; the error is for a check that could not
// run.
func (s *Store) Verify(ctx context.Context) (r VerifyReport, err error) {
	// bbolt panics on some damaged pages ("Page expected to be…"): that is
	// the damage Verify exists to report, so it becomes a problem.
	defer func() {
		if p := recover(); p != nil {
			r.problem("bbolt: damaged page, check stopped: %v", p)
			err = nil
		}
	}()
	err = s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			r.problem("bbolt: %v", err)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				r.problem("bucket %s missing", name)
			}
		}
		if !r.OK() {
			return nil
		}
		s.verifyFiles(tx, &r)
		dicts := tx.Bucket(bucketDicts)
		dicts.ForEach(func(k, v []byte) error {
			if len(k) > 1 && k[0] == 's' && len(v) == 4 && binary.BigEndian.Uint32(v) != 0 && dicts.Get(append([]byte{'d'}, v...)) == nil {
				r.problem("source %s: compression dictionary %d missing", k[1:], binary.BigEndian.Uint32(v))
			}
			return nil
		})
		idx := newIndexCheck(tx, &r)
		err := tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			r.Docs++
			d, err := loadDoc(tx, k, v)
			if err != nil {
				r.problem("doc %d: unreadable record: %v", seqOf(k), err)
				return nil
			}
			idx.add(d)
			verifyCrawlState(tx, &r, d)
			for n := 1; n <= d.Versions; n++ {
				s.verifyVersion(tx, &r, d, n)
			}
			for n := 1; n <= d.Reext; n++ {
				x, err := s.getReext(tx, d.ID, n)
				if err != nil {
					r.problem("doc %d (%s) re-extraction %d: %v", d.ID, d.URL, n, err)
					continue
				}
				r.Reextractions++
				if got, err := FingerprintWith(x.Scheme, x.Record); err != nil || got != x.SHA256 {
					r.problem("doc %d (%s) re-extraction %d: content digest %s, stored %s (%v)", d.ID, d.URL, n, short(got), short(x.SHA256), err)
				}
			}
			if d.Versions == 0 {
				return nil
			}
			cur, err := s.current(tx, d)
			if err != nil {
				r.problem("doc %d (%s): current record: %v", d.ID, d.URL, err)
				return nil
			}
			rec := cur.Record
			if d.Title != rec.Title || d.IndexNo != rec.IndexNo || d.Published != rec.Published {
				r.problem("doc %d (%s): listing (title, index_no, published) differs from its current record", d.ID, d.URL)
			}
			if d.SHA256 != "" {
				if got, err := FingerprintWith(d.Scheme, rec); err != nil || got != d.SHA256 {
					r.problem("doc %d (%s): fingerprint %s differs from its current record's %s", d.ID, d.URL, short(d.SHA256), short(got))
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		idx.verify()
		r.Events = tx.Bucket(bucketEvents).Stats().KeyN
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("verify: %w", err)
	}
	return r, nil
}

// indexCheck checks the derived buckets against the documents in memory
// that does not grow with them: each document's own entries are looked up,
// and the buckets' sizes must equal what the documents account for (an
// extra entry shows as a count mismatch). Only the counters, one per source
// and status, are summed in a map.
type indexCheck struct {
	tx      *bolt.Tx
	r       *VerifyReport
	docs    int
	missing int
	counts  map[string]uint64
}

func newIndexCheck(tx *bolt.Tx, r *VerifyReport) *indexCheck {
	return &indexCheck{tx: tx, r: r, counts: map[string]uint64{}}
}

func (c *indexCheck) add(d Doc) {
	c.docs++
	cur := c.tx.Bucket(bucketList).Cursor() // values are empty: compare keys
	for _, k := range listKeys(d) {
		if got, _ := cur.Seek(k); !bytes.Equal(got, k) {
			c.missing++
		}
	}
	for _, k := range [][]byte{countKey("", d.Status), countKey(d.Source, d.Status), countKey(d.Source, anyStatus), countKey("", anyStatus)} {
		c.counts[string(k)]++
	}
	if v := c.tx.Bucket(bucketChanges).Get(u64(d.Change)); v == nil || seqOf(v) != d.ID {
		c.r.problem("doc %d (%s): its change log entry %d is missing", d.ID, d.URL, d.Change)
	}
}

func (c *indexCheck) verify() {
	if n := c.tx.Bucket(bucketList).Stats().KeyN; c.missing > 0 || n != 4*c.docs {
		c.r.problem("list index drift: %d entries for %d documents (want %d), %d missing", n, c.docs, 4*c.docs, c.missing)
	}
	c.tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
		if want := c.counts[string(k)]; len(v) != 8 || binary.BigEndian.Uint64(v) != want {
			c.r.problem("counter %q drift: stored %d, documents %d", k, binary.BigEndian.Uint64(append(make([]byte, 8-min(len(v), 8)), v...)), want)
		}
		delete(c.counts, string(k))
		return nil
	})
	for k, n := range c.counts {
		c.r.problem("counter %q drift: missing, documents %d", k, n)
	}
	if n := c.tx.Bucket(bucketChanges).Stats().KeyN; n != c.docs {
		c.r.problem("change log drift: %d entries for %d documents", n, c.docs)
	}
}

// verifyVersion checks version n of d.
func (s *Store) verifyVersion(tx *bolt.Tx, r *VerifyReport, d Doc, n int) {
	var v Version
	if err := s.getVersion(tx, d.ID, n, &v); err != nil {
		key := versionKey(d.ID, n)
		if z := tx.Bucket(bucketVersions).Get(key); z != nil && needsRef(z) {
			if _, cerr := s.capture(tx, d.ID, n); cerr == nil {
				// The record is compressed against its capture: a capture
				// that decodes but does not restore the record is not the
				// one stored with it.
				r.problem("doc %d (%s) version %d: raw capture is not the one stored with the version's record (%v)", d.ID, d.URL, n, err)
				return
			}
		}
		r.problem("doc %d (%s) version %d: %v", d.ID, d.URL, n, err)
		return
	}
	r.Versions++
	if got, err := FingerprintWith(v.Scheme, v.Record); err != nil || got != v.SHA256 {
		r.problem("doc %d (%s) version %d: content digest %s, stored %s (scheme %d)", d.ID, d.URL, n, short(got), short(v.SHA256), max(v.Scheme, 1))
	}
	c, err := s.capture(tx, d.ID, n)
	switch {
	case err == ErrNotFound:
		r.problem("doc %d (%s) version %d: raw capture missing", d.ID, d.URL, n)
		return
	case err != nil:
		r.problem("doc %d (%s) version %d: raw capture unreadable: %v", d.ID, d.URL, n, err)
		return
	}
	r.Captures++
	sum := sha256.Sum256(c.Body)
	if got := hex.EncodeToString(sum[:]); got != v.RawSHA256 {
		r.problem("doc %d (%s) version %d: raw digest %s, stored %s", d.ID, d.URL, n, got[:12], short(v.RawSHA256))
	}
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// Backup writes a consistent copy of the archive to w while other
// transactions keep writing. The copy is a complete bbolt file.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path atomically: a temporary file in the
// same directory, synced, then renamed, so a failed backup (full disk) never
// leaves a truncated file under the final name.
func (s *Store) BackupFile(ctx context.Context, path string) (int64, error) {
	var n int64
	err := atomicfile.Write(path, func(w io.Writer) (err error) {
		n, err = s.Backup(ctx, w)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// Compact copies the archive at src into a new file dst without the free
// pages bbolt never returns to the OS. Both files must not be in use; the
// caller swaps them.
func Compact(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("compact: %s already exists", dst)
	}
	from, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true, Timeout: defaultTimeout})
	if err != nil {
		return fmt.Errorf("compact: open %s: %w", src, lockErr(err))
	}
	defer from.Close()
	to, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: defaultTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("compact: create %s: %w", dst, err)
	}
	if err := bolt.Compact(to, from, 64<<20); err != nil {
		to.Close()
		os.Remove(dst)
		return fmt.Errorf("compact %s: %w", src, err)
	}
	if err := to.Close(); err != nil {
		os.Remove(dst)
		return fmt.Errorf("compact: close %s: %w", dst, err)
	}
	return ctxErr(ctx)
}
