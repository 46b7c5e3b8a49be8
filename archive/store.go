// Package archive owns the bbolt file: documents (identified by canonical
// URL), their distinct versions with the raw capture of each, the event log
// and the notification outbox, and the per-source crawl state. Every change
// and the event describing it are written in one transaction.
//
// Buckets (keys sort as bytes, so integers are big-endian):
//
//	meta     "schema" → "1", "id" → random archive id (prefix of event ids)
//	docs     id(8) → Doc JSON
//	urls     canonical URL (and aliases) → id(8)
//	index    source \x00 index_no → id(8)  (finds moved documents)
//	versions id(8) version(4) → gzip(Version JSON)
//	raw      id(8) version(4) → gzip(capture header JSON \n body)
//	text     id(8) → latest title \n index_no \n body (for search)
//	events   seq(8) → Event JSON
//	outbox   seq(8) → delivered map JSON
//	sources  name → SourceState JSON
//	files    canonical URL \x00 sha256 → gzip(capture) of an attachment
//	crawl    source \x00 id(8) → the crawler's per-document state (crawlstate.go)
package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketMeta     = []byte("meta")
	bucketDocs     = []byte("docs")
	bucketURLs     = []byte("urls")
	bucketIndex    = []byte("index")
	bucketVersions = []byte("versions")
	bucketRaw      = []byte("raw")
	bucketText     = []byte("text")
	bucketEvents   = []byte("events")
	bucketOutbox   = []byte("outbox")
	bucketSources  = []byte("sources")
	bucketFiles    = []byte("files")

	allBuckets = [][]byte{bucketMeta, bucketDocs, bucketURLs, bucketIndex, bucketVersions,
		bucketRaw, bucketText, bucketEvents, bucketOutbox, bucketSources, bucketFiles, bucketCrawl}
)

const (
	schemaVersion  = "1"
	defaultTimeout = time.Second
)

// lockErr turns bbolt's lock timeout into ErrLocked with a hint.
func lockErr(err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("%w (stop the daemon, or use its web API)", ErrLocked)
	}
	return err
}

// Options configure Open. The zero value works.
type Options struct {
	// Timeout is how long Open waits for the file lock; 0 means 1s. A file
	// still locked after it gives ErrLocked.
	Timeout time.Duration
	// ReadOnly opens without write access (still needs the lock to be free).
	ReadOnly bool
	// Logger receives notices (moved documents…); nil discards them.
	Logger *slog.Logger
	// Now is the clock for bookkeeping times; nil means time.Now.
	Now func() time.Time
	// OpenFile opens the archive file (as bbolt's Options.OpenFile); nil
	// means os.OpenFile. Tests use it to give the store a disk that
	// refuses writes, which file permissions cannot do for root.
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)
}

// Store is an open archive. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	id     string // random archive id, prefix of event ids
	log    *slog.Logger
	now    func() time.Time
	gzPool sync.Pool
}

// Open opens (creating if needed) the archive at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.Timeout,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
		OpenFile:     opts.OpenFile,
	})
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, lockErr(err))
	}
	s := &Store{db: db, path: path, log: opts.Logger, now: opts.Now}
	if opts.ReadOnly {
		err = db.View(func(tx *bolt.Tx) error {
			m := tx.Bucket(bucketMeta)
			if m == nil {
				return errors.New("not a gongkai archive (no meta bucket)")
			}
			s.id = string(m.Get([]byte("id")))
			return nil
		})
	} else {
		err = db.Update(s.init)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) init(tx *bolt.Tx) error {
	if tx.Bucket(bucketDocs) != nil && tx.Bucket(bucketCrawl) == nil {
		if _, err := tx.CreateBucket(bucketCrawl); err != nil {
			return err
		}
		if err := fillCrawlState(tx); err != nil {
			return fmt.Errorf("build crawl state: %w", err)
		}
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	m := tx.Bucket(bucketMeta)
	if v := m.Get([]byte("schema")); v != nil && string(v) != schemaVersion {
		return fmt.Errorf("archive schema %q is not supported (want %s)", v, schemaVersion)
	}
	if err := m.Put([]byte("schema"), []byte(schemaVersion)); err != nil {
		return err
	}
	id := m.Get([]byte("id"))
	if id == nil {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		id = []byte(hex.EncodeToString(b[:]))
		if err := m.Put([]byte("id"), id); err != nil {
			return err
		}
	}
	s.id = string(id)
	return nil
}

// Close closes the file. Running transactions finish first.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func versionKey(id uint64, n int) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b, id)
	binary.BigEndian.PutUint32(b[8:], uint32(n))
	return b
}

func getJSON(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	return json.Unmarshal(data, v)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func (s *Store) compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := s.gzPool.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(&buf)
	} else {
		zw.Reset(&buf)
	}
	defer s.gzPool.Put(zw)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decompress(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// ctxErr lets long scans stop when their caller gives up.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}
