package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/internal/atomicfile"
)

// VerifyReport is what Verify checked and what it found wrong.
type VerifyReport struct {
	Docs     int      `json:"docs"`
	Versions int      `json:"versions"`
	Captures int      `json:"captures"`
	Events   int      `json:"events"`
	Files    int      `json:"files"` // attachments
	Problems []string `json:"problems,omitempty"`
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
// content fingerprint and every capture's SHA-256 and checks that documents,
// versions and captures agree. Damage is reported, not returned as an error;
// the error is for a check that could not run.
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
		verifyFiles(tx, &r)
		docs := tx.Bucket(bucketDocs)
		if docs == nil {
			r.problem("bucket docs missing")
			return nil
		}
		return docs.ForEach(func(k, v []byte) error {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			r.Docs++
			d, err := loadDoc(tx, k, v)
			if err != nil {
				r.problem("doc %d: unreadable record: %v", seqOf(k), err)
				return nil
			}
			verifyCrawlState(tx, &r, d)
			var latest Version
			for n := 1; n <= d.Versions; n++ {
				latest = s.verifyVersion(tx, &r, d, n)
			}
			if d.Versions > 0 && latest.N == d.Versions {
				rec := latest.Record
				if d.Title != rec.Title || d.IndexNo != rec.IndexNo || d.Published != rec.Published || d.SHA256 != "" && d.SHA256 != latest.SHA256 {
					r.problem("doc %d (%s): listing (title, index_no, published, sha256) differs from version %d", d.ID, d.URL, d.Versions)
				}
				if got := tx.Bucket(bucketText).Get(k); string(got) != string(searchText(latest.Record)) {
					r.problem("doc %d (%s): search text differs from version %d", d.ID, d.URL, d.Versions)
				}
			}
			return nil
		})
	})
	if err != nil {
		return r, fmt.Errorf("verify: %w", err)
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		r.Events = tx.Bucket(bucketEvents).Stats().KeyN
		return nil
	})
	return r, nil
}

// verifyVersion checks version n of d and returns it (zero if unreadable).
func (s *Store) verifyVersion(tx *bolt.Tx, r *VerifyReport, d Doc, n int) Version {
	var v Version
	if err := s.getVersion(tx, d.ID, n, &v); err != nil {
		r.problem("doc %d (%s) version %d: %v", d.ID, d.URL, n, err)
		return Version{}
	}
	r.Versions++
	if got := Fingerprint(v.Record); got != v.SHA256 {
		r.problem("doc %d (%s) version %d: content digest %s, stored %s", d.ID, d.URL, n, got[:12], short(v.SHA256))
	}
	z := tx.Bucket(bucketRaw).Get(versionKey(d.ID, n))
	if z == nil {
		r.problem("doc %d (%s) version %d: raw capture missing", d.ID, d.URL, n)
		return v
	}
	data, err := decompress(z)
	if err != nil {
		r.problem("doc %d (%s) version %d: raw capture unreadable: %v", d.ID, d.URL, n, err)
		return v
	}
	c, err := decodeCapture(data)
	if err != nil {
		r.problem("doc %d (%s) version %d: %v", d.ID, d.URL, n, err)
		return v
	}
	r.Captures++
	sum := sha256.Sum256(c.Body)
	if got := hex.EncodeToString(sum[:]); got != v.RawSHA256 {
		r.problem("doc %d (%s) version %d: raw digest %s, stored %s", d.ID, d.URL, n, got[:12], short(v.RawSHA256))
	}
	return v
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
