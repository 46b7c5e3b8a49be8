// Package archive owns the bbolt file: documents (identified by canonical
// URL), their distinct versions with the raw capture of each, re-extractions
// of stored captures under newer rules, the event log and the notification
// outbox, the per-source crawl state, and the indexes and counters that make
// listings cost what a page costs. A crawl run writes through a Run (run.go),
// which commits its changes in groups; every change, its event, its outbox
// entry, its index entries and its counters are written in one transaction.
//
// Buckets of schema 3 (keys sort as bytes, so integers are big-endian;
// "z(…)" is a zstd frame, or a gzip stream in values written by schema 1):
//
//	meta     "schema" → "3", "id" → random archive id (prefix of event ids),
//	         "migration:<name>" → RFC 3339 time it was applied
//	docs     id(8) → Doc JSON
//	urls     canonical URL (and aliases) → id(8)
//	index    source \x00 index_no → id(8)  (finds moved documents)
//	versions id(8) version(4) → "@raw": the Version JSON is in raw, after
//	         its capture (schema 3, codec.go recordInCapture); written by
//	         schema 2, z(Version JSON) compressed with the capture under the
//	         same key as its dictionary (ownCapture); by schema 1, z(JSON)
//	raw      id(8) version(4) → header(24) z(capture header JSON \n body,
//	         Version JSON) (schema 3, see compressCaptureRecord); written by
//	         schemas 1 and 2, z(capture header JSON \n body)
//	reext    id(8) n(4) → z(Reextraction JSON)  (reextract.go)
//	events   seq(8) → Event JSON
//	outbox   seq(8) → delivered map JSON
//	sources  name → SourceState JSON
//	files    canonical URL \x00 sha256 → z(capture) of an attachment
//	crawl    source \x00 id(8) → the crawler's per-document state (crawlstate.go)
//	list     scope \x00 status \x00 day(10) id(8) → ""  (index.go; scope "" = all
//	         sources, status "*" = any; newest published last in byte order)
//	counts   scope \x00 status → count(8)  (same scopes and statuses)
//	changes  seq(8) → id(8): the latest change of each document's current
//	         record or status, for derived data (the search index)
//	dicts    "d" id(4) → zstd dictionary of a source's captures; "s" source → id(4)
//
// Schema 1 also had text (id → title, index_no, body uncompressed, for a
// substring search); the migration to schema 2 drops it (migrate.go).
package archive

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
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
	bucketReext    = []byte("reext")
	bucketEvents   = []byte("events")
	bucketOutbox   = []byte("outbox")
	bucketSources  = []byte("sources")
	bucketFiles    = []byte("files")
	bucketList     = []byte("list")
	bucketCounts   = []byte("counts")
	bucketChanges  = []byte("changes")

	allBuckets = [][]byte{bucketMeta, bucketDocs, bucketURLs, bucketIndex, bucketVersions,
		bucketRaw, bucketReext, bucketEvents, bucketOutbox, bucketSources, bucketFiles, bucketCrawl,
		bucketList, bucketCounts, bucketChanges, bucketDicts}
)

const (
	// schemaVersion is the stored format this release writes and the newest
	// it reads. Bump it with every change of a stored format, together with
	// a named migration (migrate.go).
	schemaVersion  = 3
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
	// An archive that needs a migration cannot be opened read-only.
	ReadOnly bool
	// Logger receives notices (moved documents, migrations…); nil discards them.
	Logger *slog.Logger
	// Now is the clock for bookkeeping times; nil means time.Now.
	Now func() time.Time
	// DictAfter is how many captures a source needs before a compression
	// dictionary is trained from them (in the background as soon as a run
	// has stored that many, else at the end of a run); later captures of
	// the source use it, and the earlier ones are stored again with it.
	// 0 means 100; negative means never.
	DictAfter int
	// OpenFile opens the archive file (as bbolt's Options.OpenFile); nil
	// means os.OpenFile. Tests use it to give the store a disk that
	// refuses writes, which file permissions cannot do for root.
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)
}

// Store is an open archive. It is safe for concurrent use.
type Store struct {
	db        *bolt.DB
	path      string
	id        string // random archive id, prefix of event ids
	log       *slog.Logger
	now       func() time.Time
	codec     *codec
	dictAfter int
	// hook, when set by a test, runs between the writes of one change and
	// can fail it (export_test.go).
	hook func(step string) error
}

// Open opens (creating if needed) the archive at path. An archive written by
// an older release is copied to path.v<N>-backup-<time> and migrated in place
// first; one written by a newer release is refused with ErrNewerSchema.
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
	if opts.DictAfter == 0 {
		opts.DictAfter = 100
	}
	s := &Store{db: db, path: path, log: opts.Logger, now: opts.Now, codec: newCodec(), dictAfter: opts.DictAfter}
	if err := s.open(opts.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) open(readOnly bool) error {
	var schema int
	fresh := false
	err := s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m == nil {
			fresh = tx.Bucket(bucketDocs) == nil
			if !fresh {
				return errors.New("not a gongkai archive (no meta bucket)")
			}
			return nil
		}
		s.id = string(m.Get([]byte("id")))
		var err error
		schema, err = schemaOf(m)
		return err
	})
	if err != nil {
		return err
	}
	if schema > schemaVersion {
		return fmt.Errorf("%w: written by a newer gongkai (schema %d); this release reads up to %d", ErrNewerSchema, schema, schemaVersion)
	}
	if fresh {
		if readOnly {
			return errors.New("not a gongkai archive (empty file)")
		}
		if err := s.db.Update(s.create); err != nil {
			return err
		}
		return nil // nothing to migrate, no dictionaries yet
	}
	if schema < schemaVersion {
		if readOnly {
			return fmt.Errorf("archive schema %d needs a migration to %d: open it once without read-only", schema, schemaVersion)
		}
		if err := s.migrate(schema); err != nil {
			return err
		}
	}
	return s.db.View(s.codec.load)
}

func schemaOf(m *bolt.Bucket) (int, error) {
	v := m.Get([]byte("schema"))
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("archive schema %q is not a number", v)
	}
	return n, nil
}

// create lays out a new, empty archive of the current schema.
func (s *Store) create(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	m := tx.Bucket(bucketMeta)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	s.id = hex.EncodeToString(b[:])
	if err := m.Put([]byte("id"), []byte(s.id)); err != nil {
		return err
	}
	return m.Put([]byte("schema"), []byte(strconv.Itoa(schemaVersion)))
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

// ctxErr lets long scans stop when their caller gives up.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

func seqOf(k []byte) uint64 { return binary.BigEndian.Uint64(k) }
