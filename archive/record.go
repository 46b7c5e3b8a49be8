package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/diff"
	"github.com/gongkai/gongkai/extract"
)

// Listing is what a list page showed for a document.
type Listing struct {
	Title string
	Date  string
}

// Observation is one successful fetch of a document, extracted.
type Observation struct {
	Source  string
	URL     string // the URL fetched (canonicalized by the store)
	Doc     extract.Document
	Capture Capture
	Listing Listing
	// Quiet marks events as baseline: logged, never sent (a source's first crawl).
	Quiet bool
}

// Outcome says what Record did.
type Outcome struct {
	Doc     uint64
	Kind    string // EventNew, EventChanged, "unchanged" (EventRestored may accompany either of the last two)
	Version int
	// Restored is set when a withdrawn document was found again.
	Restored bool
	// MovedFrom is the earlier URL when the document was recognised by its index number at a new URL.
	MovedFrom string
}

// errDeclined rolls back a transaction that found nothing to write.
var errDeclined = errors.New("declined")

// Unchanged is the Outcome.Kind of a fetch that found the same content.
const Unchanged = "unchanged"

// indexNoShape guards the "same index number, new URL = moved" rule against
// placeholder values ("无", "-") that would merge unrelated documents.
var indexNoShape = regexp.MustCompile(`[0-9A-Za-z]{4,}`)

// Record stores an observation: a new document, a new version of a known one
// (only when its fingerprint changed), or an unchanged check that updates
// last_seen and the check counter in place. The event it causes is written in
// the same transaction, and into the outbox unless o.Quiet.
func (s *Store) Record(ctx context.Context, o Observation) (Outcome, error) {
	if err := ctxErr(ctx); err != nil {
		return Outcome{}, err
	}
	canon, err := CanonicalURL(o.URL)
	if err != nil {
		return Outcome{}, fmt.Errorf("record: %w", err)
	}
	rec := validUTF8(o.Doc)
	fp := Fingerprint(rec)
	at := o.Capture.FetchedAt
	if at.IsZero() {
		at = s.now()
	}
	// Most fetches of a known document find it unchanged: that needs one
	// small write (the crawl state) and no capture encoding. Only when it
	// does not apply is the capture compressed — outside the write
	// transaction, since that is the slow part.
	var fast Outcome
	err = s.db.Update(func(tx *bolt.Tx) error {
		out, done, err := checkUnchanged(tx, o.Source, canon, fp, o.Capture, o.Listing, at)
		if err == nil && !done {
			return errDeclined // roll back: an empty commit would still sync the file
		}
		fast = out
		return err
	})
	switch {
	case err == nil:
		return fast, nil
	case !errors.Is(err, errDeclined):
		return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
	}
	rawZ, err := s.compressCapture(o.Capture)
	if err != nil {
		return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
	}
	rawSum := sha256.Sum256(o.Capture.Body)
	rec.Sources = nil
	var out Outcome
	err = s.db.Update(func(tx *bolt.Tx) error {
		out = Outcome{}
		if o, done, err := checkUnchanged(tx, o.Source, canon, fp, o.Capture, o.Listing, at); done || err != nil {
			out = o
			return err
		}
		docs := tx.Bucket(bucketDocs)
		urls := tx.Bucket(bucketURLs)
		// Keys of these buckets only grow (ids, sequence numbers): fuller
		// pages mean fewer pages for a scan of the documents to touch.
		for _, name := range [][]byte{bucketDocs, bucketVersions, bucketRaw, bucketText, bucketEvents} {
			tx.Bucket(name).FillPercent = 0.9
		}
		var d Doc
		found := false
		if v := urls.Get([]byte(canon)); v != nil {
			var err error
			if d, err = loadDoc(tx, v, nil); err != nil {
				return fmt.Errorf("load doc: %w", err)
			}
			found = true
		} else if rec.IndexNo != "" && indexNoShape.MatchString(rec.IndexNo) {
			// Same index number and title under a new URL: the site moved the
			// page (a CMS migration), it did not publish a new document.
			var prev Doc
			if v := tx.Bucket(bucketIndex).Get(indexKey(o.Source, rec.IndexNo)); v != nil {
				var err error
				if prev, err = loadDoc(tx, v, nil); err != nil {
					return fmt.Errorf("load doc: %w", err)
				}
			}
			if prev.ID != 0 && normSpace(prev.Title) == normSpace(rec.Title) {
				d, found = prev, true
				out.MovedFrom = d.URL
				d.Aliases = appendUnique(d.Aliases, d.URL)
				d.URL = canon
				if err := urls.Put([]byte(canon), u64(d.ID)); err != nil {
					return err
				}
			}
		}
		var lastFP string
		if found {
			var err error
			if lastFP, err = s.latestFingerprint(tx, d); err != nil {
				return fmt.Errorf("load version %d of doc %d: %w", d.Versions, d.ID, err)
			}
		} else {
			id, err := docs.NextSequence()
			if err != nil {
				return err
			}
			d = Doc{ID: id, URL: canon, Source: o.Source, Status: StatusLive, FirstSeen: at}
			if err := urls.Put([]byte(canon), u64(id)); err != nil {
				return err
			}
		}
		out.Doc = d.ID
		d.LastSeen, d.LastChecked = at, at
		d.Checks++
		d.ETag = o.Capture.Header.Get("ETag")
		d.LastModified = o.Capture.Header.Get("Last-Modified")
		if o.Listing != (Listing{}) {
			d.ListTitle, d.ListDate = o.Listing.Title, o.Listing.Date
		}
		if d.Status == StatusWithdrawn {
			d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, ""
			out.Restored = true
		}
		switch {
		case found && lastFP == fp:
			out.Kind, out.Version = Unchanged, d.Versions
		default:
			var last Version
			if found {
				if err := s.getVersion(tx, d.ID, d.Versions, &last); err != nil {
					return fmt.Errorf("load version %d of doc %d: %w", d.Versions, d.ID, err)
				}
			}
			n := d.Versions + 1
			v := Version{Doc: d.ID, N: n, FetchedAt: at, SHA256: fp, Record: rec,
				RawSHA256: hex.EncodeToString(rawSum[:]), RawSize: len(o.Capture.Body)}
			if err := s.putVersion(tx, v); err != nil {
				return err
			}
			if err := tx.Bucket(bucketRaw).Put(versionKey(d.ID, n), rawZ); err != nil {
				return err
			}
			d.Versions, d.SHA256 = n, fp
			d.Title, d.IndexNo, d.Published = rec.Title, rec.IndexNo, rec.Published
			if err := tx.Bucket(bucketText).Put(u64(d.ID), searchText(rec)); err != nil {
				return err
			}
			if rec.IndexNo != "" && indexNoShape.MatchString(rec.IndexNo) {
				if err := tx.Bucket(bucketIndex).Put(indexKey(d.Source, rec.IndexNo), u64(d.ID)); err != nil {
					return err
				}
			}
			out.Version = n
			if found {
				out.Kind = EventChanged
			} else {
				out.Kind = EventNew
			}
			ev := Event{Kind: out.Kind, Version: n, FetchedAt: at}
			if found {
				ev.Summary = diff.Documents(last.Record, rec).Summary(2)
			}
			if err := s.addEvent(tx, d, ev, o.Quiet); err != nil {
				return err
			}
		}
		if out.Restored {
			if err := s.addEvent(tx, d, Event{Kind: EventRestored, Version: d.Versions, FetchedAt: at}, o.Quiet); err != nil {
				return err
			}
		}
		return putDoc(tx, d)
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
	}
	if out.MovedFrom != "" {
		s.log.Info("document moved", "source", o.Source, "url", canon, "from", out.MovedFrom, "index_no", rec.IndexNo)
	}
	return out, nil
}

// validUTF8 replaces invalid UTF-8 in a record (a page whose header names
// the wrong charset) with U+FFFD. JSON would do it on the way into the store
// anyway, and then the stored record would no longer match the fingerprint
// and search text computed from the raw strings: Verify would report damage
// and every later fetch would look like an edit. The raw capture keeps the
// bytes as served.
func validUTF8(d extract.Document) extract.Document {
	fix := func(s *string) {
		if !utf8.ValidString(*s) {
			*s = strings.ToValidUTF8(*s, "\uFFFD")
		}
	}
	for _, f := range []*string{&d.Title, &d.IndexNo, &d.Published, &d.Written, &d.Publisher, &d.DocNo, &d.Topic, &d.Access, &d.Body} {
		fix(f)
	}
	if len(d.Attachments) > 0 {
		d.Attachments = append([]extract.Attachment(nil), d.Attachments...)
		for i := range d.Attachments {
			fix(&d.Attachments[i].Name)
			fix(&d.Attachments[i].URL)
		}
	}
	return d
}

func (s *Store) compressCapture(c Capture) ([]byte, error) {
	raw, err := encodeCapture(c)
	if err != nil {
		return nil, err
	}
	return s.compress(raw)
}

// latestFingerprint is d's latest fingerprint: kept on the record, or read
// from the version for records written before it was.
func (s *Store) latestFingerprint(tx *bolt.Tx, d Doc) (string, error) {
	if d.SHA256 != "" {
		return d.SHA256, nil
	}
	return s.fingerprintOf(tx, d.ID, d.Versions)
}

// fingerprintOf returns the fingerprint of version n of document id without
// decoding the whole version: Version's JSON begins with doc, version,
// fetched_at and sha256, so the first bytes of the stream hold it.
func (s *Store) fingerprintOf(tx *bolt.Tx, id uint64, n int) (string, error) {
	z := tx.Bucket(bucketVersions).Get(versionKey(id, n))
	if z == nil {
		return "", ErrNotFound
	}
	if zr, err := gzip.NewReader(bytes.NewReader(z)); err == nil {
		var head [256]byte
		k, _ := io.ReadFull(zr, head[:])
		const key = `"sha256":"`
		if i := bytes.Index(head[:k], []byte(key)); i >= 0 && k >= i+len(key)+64 {
			return string(head[i+len(key) : i+len(key)+64]), nil
		}
	}
	var v Version
	if err := s.getVersion(tx, id, n, &v); err != nil {
		return "", err
	}
	return v.SHA256, nil
}

func indexKey(source, indexNo string) []byte { return []byte(source + "\x00" + indexNo) }

func searchText(d extract.Document) []byte {
	return []byte(d.Title + "\n" + d.IndexNo + "\n" + d.DocNo + "\n" + d.Body)
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (s *Store) putVersion(tx *bolt.Tx, v Version) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	z, err := s.compress(data)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketVersions).Put(versionKey(v.Doc, v.N), z)
}

func (s *Store) getVersion(tx *bolt.Tx, id uint64, n int, v *Version) error {
	z := tx.Bucket(bucketVersions).Get(versionKey(id, n))
	if z == nil {
		return ErrNotFound
	}
	data, err := decompress(z)
	if err != nil {
		return fmt.Errorf("version %d/%d: %w", id, n, err)
	}
	return json.Unmarshal(data, v)
}

// addEvent appends ev (filled from d) to the event log and, unless quiet, to
// the outbox.
func (s *Store) addEvent(tx *bolt.Tx, d Doc, ev Event, quiet bool) error {
	events := tx.Bucket(bucketEvents)
	seq, err := events.NextSequence()
	if err != nil {
		return err
	}
	ev.Seq = seq
	ev.ID = fmt.Sprintf("%s-%d", s.id, seq)
	ev.Source, ev.Doc, ev.URL = d.Source, d.ID, d.URL
	ev.Title, ev.IndexNo, ev.Published = d.Title, d.IndexNo, d.Published
	ev.Baseline = quiet
	if err := putJSON(events, u64(seq), ev); err != nil {
		return err
	}
	if quiet {
		return nil
	}
	return tx.Bucket(bucketOutbox).Put(u64(seq), []byte("{}"))
}

// NotModified records a fetch that showed the document unchanged without a
// body (HTTP 304): last_seen and the check counter move, nothing else.
func (s *Store) NotModified(ctx context.Context, source, rawURL string, l Listing, at time.Time, quiet bool) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("not modified: %w", err)
	}
	done := false
	err = s.db.Update(func(tx *bolt.Tx) error {
		_, ok, err := checkUnchanged(tx, source, canon, "", Capture{}, l, at)
		done = ok
		return err
	})
	if err != nil || done {
		if err != nil {
			return fmt.Errorf("not modified %s: %w", canon, err)
		}
		return nil
	}
	err = s.updateDoc(canon, func(tx *bolt.Tx, d *Doc) error {
		d.LastSeen, d.LastChecked = at, at
		d.Checks++
		if l != (Listing{}) {
			d.ListTitle, d.ListDate = l.Title, l.Date
		}
		if d.Status == StatusWithdrawn {
			d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, ""
			return s.addEvent(tx, *d, Event{Kind: EventRestored, Version: d.Versions, FetchedAt: at}, quiet)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("not modified %s: %w", canon, err)
	}
	return nil
}

// Withdraw marks a live document withdrawn (it is never deleted: its versions
// stay) and writes a withdrawn event. It reports whether the status changed.
func (s *Store) Withdraw(ctx context.Context, source, rawURL, reason string, at time.Time, quiet bool) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return false, fmt.Errorf("withdraw: %w", err)
	}
	changed := false
	err = s.updateDoc(canon, func(tx *bolt.Tx, d *Doc) error {
		changed = false
		d.LastChecked = at
		if d.Status == StatusWithdrawn {
			return nil
		}
		changed = true
		d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusWithdrawn, at, reason
		return s.addEvent(tx, *d, Event{Kind: EventWithdrawn, Version: d.Versions, FetchedAt: at, Summary: reason}, quiet)
	})
	if err != nil {
		return false, fmt.Errorf("withdraw %s: %w", canon, err)
	}
	return changed, nil
}

// Failed records a fetch attempt that gave no answer about the content (a
// network error, a 5xx after retries): only last_checked moves.
func (s *Store) Failed(ctx context.Context, rawURL string, at time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("failed fetch: %w", err)
	}
	return s.updateDoc(canon, func(_ *bolt.Tx, d *Doc) error {
		d.LastChecked = at
		return nil
	})
}

func (s *Store) updateDoc(canon string, fn func(*bolt.Tx, *Doc) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketURLs).Get([]byte(canon))
		if id == nil {
			return ErrNotFound
		}
		d, err := loadDoc(tx, id, nil)
		if err != nil {
			return err
		}
		if err := fn(tx, &d); err != nil {
			return err
		}
		return putDoc(tx, d)
	})
}

// Source is the crawl state of one source (zero state if never crawled).
func (s *Store) Source(ctx context.Context, name string) (SourceState, error) {
	st := SourceState{Name: name}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := getJSON(tx.Bucket(bucketSources), []byte(name), &st)
		withBackfill(tx, &st)
		if err == ErrNotFound {
			return nil
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("source %s: %w", name, err)
	}
	return st, nil
}

// EndRun records the end of a crawl of a source. A run without a fatal error
// completes the baseline: later events are alerted.
func (s *Store) EndRun(ctx context.Context, name string, stats RunStats, runErr error) error {
	if err := ctxErr(ctx); err != nil && runErr == nil {
		runErr = err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSources)
		st := SourceState{Name: name}
		if err := getJSON(b, []byte(name), &st); err != nil && err != ErrNotFound {
			return err
		}
		st.LastRun = stats.Started
		st.Last = stats
		if runErr != nil {
			st.LastError = runErr.Error()
		} else {
			st.LastError = ""
			st.LastOK = stats.Started
			st.Baselined = true
		}
		return putJSON(b, []byte(name), st)
	})
	if err != nil {
		return fmt.Errorf("end run of %s: %w", name, err)
	}
	return nil
}

func seqOf(k []byte) uint64 { return binary.BigEndian.Uint64(k) }
