package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Doc returns one document by id.
func (s *Store) Doc(ctx context.Context, id uint64) (Doc, error) {
	var d Doc
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		d, err = loadDoc(tx, u64(id), nil)
		return err
	})
	if err != nil {
		return Doc{}, fmt.Errorf("doc %d: %w", id, err)
	}
	return d, nil
}

// Lookup finds a document by numeric id or by URL (any URL it was archived
// under, canonicalized).
func (s *Store) Lookup(ctx context.Context, ref string) (Doc, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil {
		return s.Doc(ctx, id)
	}
	canon, err := CanonicalURL(ref)
	if err != nil {
		return Doc{}, fmt.Errorf("lookup %q: not a document id or URL: %w", ref, ErrNotFound)
	}
	var d Doc
	err = s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketURLs).Get([]byte(canon))
		if id == nil {
			return ErrNotFound
		}
		var err error
		d, err = loadDoc(tx, id, nil)
		return err
	})
	if err != nil {
		return Doc{}, fmt.Errorf("lookup %s: %w", canon, err)
	}
	return d, nil
}

// Versions returns a document's versions, oldest first.
func (s *Store) Versions(ctx context.Context, id uint64) ([]Version, error) {
	out, err := readAll[Version](s, bucketVersions, id)
	if err != nil {
		return nil, fmt.Errorf("versions of doc %d: %w", id, err)
	}
	if len(out) == 0 {
		if _, err := s.Doc(ctx, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readAll decodes the compressed JSON records of document id in bucket
// (keyed id(8) n(4)), in key order.
func readAll[T any](s *Store, bucket []byte, id uint64) ([]T, error) {
	var out []T
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		prefix := u64(id)
		for k, z := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, z = c.Next() {
			var data []byte
			var err error
			if bytes.Equal(bucket, bucketVersions) {
				data, err = s.versionData(tx, k, z)
			} else {
				data, err = s.codec.decompress(z)
			}
			if err != nil {
				return err
			}
			var v T
			if err := json.Unmarshal(data, &v); err != nil {
				return err
			}
			if ver, ok := any(&v).(*Version); ok {
				// Stored records leave their document and number to the
				// key (prepare writes them before apply knows them).
				ver.Doc, ver.N = seqOf(k), int(binary.BigEndian.Uint32(k[8:]))
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// Version returns version n (1-based) of a document.
func (s *Store) Version(ctx context.Context, id uint64, n int) (Version, error) {
	var v Version
	err := s.db.View(func(tx *bolt.Tx) error { return s.getVersion(tx, id, n, &v) })
	if err != nil {
		return Version{}, fmt.Errorf("version %d of doc %d: %w", n, id, err)
	}
	return v, nil
}

// captureHeader is the stored form of a Capture without its body.
type captureHeader struct {
	URL           string      `json:"url"`
	Method        string      `json:"method"`
	RequestHeader http.Header `json:"request_header,omitempty"`
	Proto         string      `json:"proto,omitempty"`
	Status        int         `json:"status"`
	Header        http.Header `json:"header,omitempty"`
	FetchedAt     time.Time   `json:"fetched_at"`
}

// encodeCapture is the stored form of c.
func encodeCapture(c Capture) ([]byte, error) { return appendCapture(nil, c) }

// appendCapture appends the stored form of c to dst.
func appendCapture(dst []byte, c Capture) ([]byte, error) {
	h, err := json.Marshal(captureHeader{c.URL, c.Method, c.RequestHeader, c.Proto, c.Status, c.Header, c.FetchedAt})
	if err != nil {
		return nil, err
	}
	return append(append(append(dst, h...), '\n'), c.Body...), nil
}

func decodeCapture(data []byte) (Capture, error) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return Capture{}, fmt.Errorf("capture: no header")
	}
	var h captureHeader
	if err := json.Unmarshal(data[:i], &h); err != nil {
		return Capture{}, fmt.Errorf("capture header: %w", err)
	}
	return Capture{URL: h.URL, Method: h.Method, RequestHeader: h.RequestHeader, Proto: h.Proto,
		Status: h.Status, Header: h.Header, FetchedAt: h.FetchedAt, Body: data[i+1:]}, nil
}

// Capture returns the raw HTTP exchange that produced version n.
func (s *Store) Capture(ctx context.Context, id uint64, n int) (Capture, error) {
	var c Capture
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		c, err = s.capture(tx, id, n)
		return err
	})
	if err != nil {
		return Capture{}, fmt.Errorf("capture %d/%d: %w", id, n, err)
	}
	return c, nil
}

func (s *Store) capture(tx *bolt.Tx, id uint64, n int) (Capture, error) {
	key := versionKey(id, n)
	z := tx.Bucket(bucketRaw).Get(key)
	if z == nil {
		return Capture{}, ErrNotFound
	}
	data, _, err := s.codec.decompressStored(key, z) // a fresh slice: safe after the transaction
	if err != nil {
		return Capture{}, err
	}
	return decodeCapture(data)
}

// EventQuery selects events, newest first.
type EventQuery struct {
	Source          string
	Doc             uint64
	Before          uint64 // only events with a smaller seq; 0 = from the newest
	Since           time.Time
	Limit           int // 0 = no limit
	IncludeBaseline bool
}

// Events returns events from the log, newest first.
func (s *Store) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		k, v := c.Last()
		if q.Before > 0 {
			k, v = c.Seek(u64(q.Before))
			if k == nil {
				k, v = c.Last()
			}
			if k != nil && seqOf(k) >= q.Before {
				k, v = c.Prev()
			}
		}
		for ; k != nil; k, v = c.Prev() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("event %d: %w", seqOf(k), err)
			}
			if !q.Since.IsZero() && e.FetchedAt.Before(q.Since) {
				continue
			}
			if q.Source != "" && e.Source != q.Source || q.Doc != 0 && e.Doc != q.Doc || e.Baseline && !q.IncludeBaseline {
				continue
			}
			out = append(out, e)
			if q.Limit > 0 && len(out) >= q.Limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return out, nil
}

// ForEachVersion calls fn for every version fetched at or after since, in
// document then version order. Each document is read in its own short
// transaction so a long export does not pin old pages of a live archive.
func (s *Store) ForEachVersion(ctx context.Context, since time.Time, fn func(Doc, Version) error) error {
	var next uint64 = 1
	for {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		var d Doc
		found := false
		err := s.db.View(func(tx *bolt.Tx) error {
			k, v := tx.Bucket(bucketDocs).Cursor().Seek(u64(next))
			if k == nil {
				return nil
			}
			found = true
			var err error
			d, err = loadDoc(tx, k, v)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if !found {
			return nil
		}
		next = d.ID + 1
		if !since.IsZero() && d.LastSeen.Before(since) && d.FirstSeen.Before(since) && d.LastChecked.Before(since) {
			continue
		}
		vs, err := s.Versions(ctx, d.ID)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		for _, v := range vs {
			if !since.IsZero() && v.FetchedAt.Before(since) {
				continue
			}
			if err := fn(d, v); err != nil {
				return err
			}
		}
	}
}
