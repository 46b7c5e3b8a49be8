package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// Observation is one successful fetch of a document, extracted under the
// run's rules.
type Observation struct {
	URL     string // the URL fetched (canonicalized by the store)
	Doc     extract.Document
	Capture Capture
	Listing Listing
	// Quiet makes this observation's events baseline (logged, never sent)
	// in a run that is not quiet: an old document a resumed backfill finds.
	Quiet bool
}

// Outcome says what Record did.
type Outcome struct {
	Doc     uint64
	Kind    string // EventNew, EventChanged, Unchanged (EventRestored may accompany either of the last two)
	Version int
	// Restored is set when a withdrawn document was found again.
	Restored bool
	// MovedFrom is the earlier URL when the document was recognised by its index number at a new URL.
	MovedFrom string
	// Reextracted is set when the latest version's capture was extracted
	// again under the run's rules and found equal to this fetch: no version,
	// no alert, a re-extraction record became the current record.
	Reextracted bool
}

// Unchanged is the Outcome.Kind of a fetch that found the same content.
const Unchanged = "unchanged"

// errStale makes Record prepare again: the document changed between the
// read that prepared a change and the batch that applies it.
var errStale = errors.New("document changed while preparing")

// indexNoShape guards the "same index number, new URL = moved" rule against
// placeholder values ("无", "-") that would merge unrelated documents.
var indexNoShape = regexp.MustCompile(`[0-9A-Za-z]{4,}`)

// Record stores an observation: a new document, a new version of a known one
// (only when its content changed), or an unchanged check that updates
// last_seen and the check counter. The event it causes is written in the same
// transaction, and into the outbox unless the run is quiet.
//
// The content is compared like with like: when the current record was made
// under other rules than the run's, the latest version's stored capture is
// extracted again (RunOptions.Reextract) and compared with this fetch; if
// equal, a re-extraction record is stored and nothing is alerted.
//
// Everything slow (compression, re-extraction, the diff summary) is done
// before the write, outside the batch's transaction.
func (r *Run) Record(ctx context.Context, o Observation) (Outcome, error) {
	if err := ctxErr(ctx); err != nil {
		return Outcome{}, err
	}
	canon, err := CanonicalURL(o.URL)
	if err != nil {
		return Outcome{}, fmt.Errorf("record: %w", err)
	}
	rec := validUTF8(o.Doc)
	rec.Sources = nil
	fp := Fingerprint(rec)
	at := o.Capture.FetchedAt
	if at.IsZero() {
		at = r.s.now()
	}
	// Most fetches of a known document find it unchanged: one small write
	// (the crawl state), no capture encoding.
	var out Outcome
	err = r.write(func(tx *bolt.Tx) error {
		var done bool
		var err error
		out, done, err = checkUnchanged(tx, r.source, canon, fp, r.opts.Rules, o.Capture, o.Listing, at)
		if err == nil && !done {
			return errDeclined
		}
		return err
	})
	switch {
	case err == nil:
		return out, nil
	case !errors.Is(err, errDeclined):
		return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
	}
	for attempt := 0; ; attempt++ {
		p, err := r.prepare(ctx, canon, rec, fp, o, at)
		if err != nil {
			return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
		}
		err = r.write(func(tx *bolt.Tx) error {
			var err error
			out, err = r.apply(tx, p)
			return err
		})
		if errors.Is(err, errStale) && attempt < 2 {
			// Most likely the document was written earlier in the open
			// batch, which the preparing read did not see.
			if err := r.Commit(ctx); err != nil {
				return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
			}
			continue
		}
		if err != nil {
			return Outcome{}, fmt.Errorf("record %s: %w", canon, err)
		}
		break
	}
	if out.MovedFrom != "" {
		r.s.log.Info("document moved", "source", r.source, "url", canon, "from", out.MovedFrom, "index_no", rec.IndexNo)
	}
	return out, nil
}

// prepared is a change worked out from a read of the committed archive, to
// be applied in the batch if the document is still as it was read.
type prepared struct {
	o     Observation
	canon string
	rec   extract.Document
	fp    string
	at    time.Time
	// basis: the document as read (ID 0 = not found).
	id       uint64
	versions int
	reext    int
	// decision
	same    bool          // the content is the current record's
	re      *Reextraction // current record extracted again, to store (same only)
	summary string
	rawZ    []byte // the capture and the version record (compressCaptureRecord)
	rawSum  string
}

func (r *Run) prepare(ctx context.Context, canon string, rec extract.Document, fp string, o Observation, at time.Time) (prepared, error) {
	p := prepared{o: o, canon: canon, rec: rec, fp: fp, at: at}
	var cur view
	var capture *Capture
	var rules string
	err := r.s.db.View(func(tx *bolt.Tx) error {
		d, found, _, err := resolve(tx, r.source, canon, rec)
		if err != nil || !found {
			return err
		}
		p.id, p.versions, p.reext, rules = d.ID, d.Versions, d.Reext, d.Rules
		if cur, err = r.s.current(tx, d); err != nil {
			return fmt.Errorf("current record of doc %d: %w", d.ID, err)
		}
		if rules != r.opts.Rules && r.opts.Reextract != nil {
			c, err := r.s.capture(tx, d.ID, d.Versions)
			if err != nil {
				return fmt.Errorf("capture of doc %d version %d: %w", d.ID, d.Versions, err)
			}
			capture = &c
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if p.id != 0 {
		prev, prevFP := cur.Record, cur.SHA256
		if cur.Scheme != FingerprintScheme {
			prevFP = Fingerprint(prev)
		}
		if capture != nil {
			again, err := r.opts.Reextract(ctx, *capture)
			switch {
			case errors.Is(err, ErrNotExtractable): // compared as stored
			case err != nil:
				r.s.log.Warn("re-extraction failed; comparing with the stored record", "source", r.source, "doc", p.id, "err", err)
			default:
				again = validUTF8(again)
				again.Sources = nil
				prev, prevFP = again, Fingerprint(again)
				p.re = &Reextraction{Doc: p.id, Version: p.versions, At: at, Rules: r.opts.Rules,
					Scheme: FingerprintScheme, SHA256: prevFP, Record: again}
			}
		}
		if prevFP == fp {
			p.same = true
			if p.re != nil && prevFP == cur.SHA256 && cur.Scheme == FingerprintScheme {
				p.re = nil // the rules changed nothing here: no record needed
			}
			return p, nil
		}
		p.re = nil
		_ = r.s.step("summary") // a test checks other writes go on meanwhile
		p.summary = summarize(prev, rec)
	}
	sum := sha256.Sum256(o.Capture.Body)
	p.rawSum = hex.EncodeToString(sum[:])
	// Doc and version number are the record's key, known only in apply.
	ver, err := json.Marshal(Version{FetchedAt: at, SHA256: fp, Scheme: FingerprintScheme, Rules: r.opts.Rules,
		Record: rec, RawSHA256: p.rawSum, RawSize: len(o.Capture.Body)})
	if err != nil {
		return p, err
	}
	// The uncompressed value lives only until it is compressed: its
	// buffer (a page and its record, 30–40 KB) is reused, unless a huge
	// page made it too large to keep.
	buf, _ := r.s.codec.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer func() {
		if cap(*buf) <= 1<<20 {
			r.s.codec.bufs.Put(buf)
		}
	}()
	raw, err := appendCapture((*buf)[:0], o.Capture)
	if err != nil {
		return p, err
	}
	*buf = append(raw, ver...)
	p.rawZ = r.s.codec.compressCaptureRecord(r.source, *buf, len(raw), nil) // key set in apply
	return p, nil
}

// apply writes a prepared change in tx, or returns errStale (before writing
// anything) when the document is no longer as prepare read it.
func (r *Run) apply(tx *bolt.Tx, p prepared) (Outcome, error) {
	d, found, movedFrom, err := resolve(tx, r.source, p.canon, p.rec)
	if err != nil {
		return Outcome{}, before{err}
	}
	if found != (p.id != 0) || found && (d.ID != p.id || d.Versions != p.versions || d.Reext != p.reext) {
		return Outcome{}, before{errStale}
	}
	if !p.same && p.rawZ == nil {
		return Outcome{}, before{errStale}
	}
	old := d
	old.Aliases = append([]string(nil), d.Aliases...)
	out := Outcome{MovedFrom: movedFrom}
	urls := tx.Bucket(bucketURLs)
	for _, name := range [][]byte{bucketDocs, bucketVersions, bucketRaw, bucketEvents, bucketReext} {
		tx.Bucket(name).FillPercent = 0.9 // keys only grow
	}
	if movedFrom != "" {
		d.Aliases = appendUnique(d.Aliases, d.URL)
		d.URL = p.canon
		if err := urls.Put([]byte(p.canon), u64(d.ID)); err != nil {
			return out, err
		}
	}
	if !found {
		id, err := tx.Bucket(bucketDocs).NextSequence()
		if err != nil {
			return out, err
		}
		d = Doc{ID: id, URL: p.canon, Source: r.source, Status: StatusLive, FirstSeen: p.at}
		if err := urls.Put([]byte(p.canon), u64(id)); err != nil {
			return out, err
		}
	}
	out.Doc = d.ID
	d.LastSeen, d.LastChecked = p.at, p.at
	d.Checks++
	d.ETag = p.o.Capture.Header.Get("ETag")
	d.LastModified = p.o.Capture.Header.Get("Last-Modified")
	if p.o.Listing != (Listing{}) {
		d.ListTitle, d.ListDate = p.o.Listing.Title, p.o.Listing.Date
	}
	if d.Status == StatusWithdrawn {
		d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, ""
		out.Restored = true
	}
	changed := out.Restored
	d.SHA256, d.Scheme, d.Rules = p.fp, FingerprintScheme, r.opts.Rules
	switch {
	case p.same:
		out.Kind, out.Version = Unchanged, d.Versions
		if p.re != nil {
			n := d.Reext + 1
			x := *p.re
			x.N = n
			if err := r.s.putReext(tx, x); err != nil {
				return out, err
			}
			d.Reext = n
			d.Title, d.IndexNo, d.Published = x.Record.Title, x.Record.IndexNo, x.Record.Published
			out.Reextracted, changed = true, true
		}
	default:
		n := d.Versions + 1
		key := versionKey(d.ID, n)
		if err := tx.Bucket(bucketVersions).Put(key, recordInCapture); err != nil {
			return out, err
		}
		setStoredKey(p.rawZ, key)
		if err := tx.Bucket(bucketRaw).Put(key, p.rawZ); err != nil {
			return out, err
		}
		if n == 1 {
			// First captures of documents, as the training samples them;
			// under r.mu (write). A rolled-back batch over-counts, which
			// only makes the training find too few and wait for End.
			r.captures++
		}
		d.Versions = n
		d.Title, d.IndexNo, d.Published = p.rec.Title, p.rec.IndexNo, p.rec.Published
		if p.rec.IndexNo != "" && indexNoShape.MatchString(p.rec.IndexNo) {
			if err := tx.Bucket(bucketIndex).Put(indexKey(d.Source, p.rec.IndexNo), u64(d.ID)); err != nil {
				return out, err
			}
		}
		out.Version, out.Kind, changed = n, EventNew, true
		if found {
			out.Kind = EventChanged
		}
		if err := r.s.step("version"); err != nil {
			return out, err
		}
		if err := r.s.addEvent(tx, d, Event{Kind: out.Kind, Version: n, FetchedAt: p.at, Summary: p.summary}, r.opts.Quiet || p.o.Quiet); err != nil {
			return out, err
		}
	}
	if out.Restored {
		if err := r.s.addEvent(tx, d, Event{Kind: EventRestored, Version: d.Versions, FetchedAt: p.at}, r.opts.Quiet || p.o.Quiet); err != nil {
			return out, err
		}
	}
	return out, saveDoc(tx, old, d, changed)
}

// resolve finds the document a fetch of canon belongs to: by URL, or by its
// source and index number when the site moved the page (same index number
// and title under a new URL: a CMS migration, not a new document).
func resolve(tx *bolt.Tx, source, canon string, rec extract.Document) (d Doc, found bool, movedFrom string, err error) {
	if v := tx.Bucket(bucketURLs).Get([]byte(canon)); v != nil {
		d, err = loadDoc(tx, v, nil)
		if err != nil {
			return d, false, "", fmt.Errorf("load doc: %w", err)
		}
		return d, true, "", nil
	}
	if rec.IndexNo == "" || !indexNoShape.MatchString(rec.IndexNo) {
		return Doc{}, false, "", nil
	}
	v := tx.Bucket(bucketIndex).Get(indexKey(source, rec.IndexNo))
	if v == nil {
		return Doc{}, false, "", nil
	}
	prev, err := loadDoc(tx, v, nil)
	if err != nil {
		return Doc{}, false, "", fmt.Errorf("load doc: %w", err)
	}
	if normSpace(prev.Title) != normSpace(rec.Title) {
		return Doc{}, false, "", nil
	}
	return prev, true, prev.URL, nil
}

// summaryWindow caps the text a change summary diffs: beyond what the two
// bodies share at both ends, at most this many bytes of each. A crafted pair
// of huge bodies then costs what two windows cost.
const summaryWindow = 16 << 10

// summarize is the one-line summary of an edit, computed before the write.
func summarize(prev, rec extract.Document) string {
	a, b := prev.Body, rec.Body
	if len(a) > summaryWindow || len(b) > summaryWindow {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		for i > 0 && !utf8.RuneStart(a[i]) {
			i--
		}
		j := 0
		for j < len(a)-i && j < len(b)-i && a[len(a)-1-j] == b[len(b)-1-j] {
			j++
		}
		for j > 0 && !utf8.RuneStart(a[len(a)-j]) {
			j--
		}
		a, b = window(a[i:len(a)-j]), window(b[i:len(b)-j])
		prev.Body, rec.Body = a, b
	}
	return diff.Documents(prev, rec).Summary(2)
}

func window(s string) string {
	if len(s) <= summaryWindow {
		return s
	}
	n := summaryWindow
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// validUTF8 replaces invalid UTF-8 in a record (a page whose header names
// the wrong charset) with U+FFFD. JSON would do it on the way into the store
// anyway, and then the stored record would no longer match the fingerprint
// computed from the raw strings: Verify would report damage and every later
// fetch would look like an edit. The raw capture keeps the bytes as served.
func validUTF8(d extract.Document) extract.Document {
	fix := func(s *string) {
		if !utf8.ValidString(*s) {
			*s = strings.ToValidUTF8(*s, "\uFFFD")
		}
	}
	for _, f := range extract.Fields() {
		fix(f.Ptr(&d))
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

func indexKey(source, indexNo string) []byte { return []byte(source + "\x00" + indexNo) }

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (s *Store) getVersion(tx *bolt.Tx, id uint64, n int, v *Version) error {
	key := versionKey(id, n)
	z := tx.Bucket(bucketVersions).Get(key)
	if z == nil {
		return ErrNotFound
	}
	data, err := s.versionData(tx, key, z)
	if err != nil {
		return fmt.Errorf("version %d/%d: %w", id, n, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	v.Doc, v.N = id, n
	return nil
}

// versionData decompresses the version record z stored under key: from
// its capture's value when it is stored there (schema 3), with its capture
// as the dictionary when it was compressed so (schema 2), as it is
// otherwise (schema 1).
func (s *Store) versionData(tx *bolt.Tx, key, z []byte) ([]byte, error) {
	inCapture := bytes.Equal(z, recordInCapture)
	if !inCapture && !needsRef(z) {
		return s.codec.decompress(z)
	}
	rz := tx.Bucket(bucketRaw).Get(key)
	if rz == nil {
		return nil, errors.New("its capture is missing")
	}
	capture, record, err := s.codec.decompressStored(key, rz)
	switch {
	case err != nil:
		return nil, fmt.Errorf("its capture: %w", err)
	case !inCapture:
		return s.codec.decompressRef(capture, z)
	case record == nil:
		return nil, errors.New("its capture holds no record")
	}
	return record, nil
}

// step lets a test fail a change between two of its writes.
func (s *Store) step(name string) error {
	if s.hook == nil {
		return nil
	}
	return s.hook(name)
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
	if err := s.step("outbox"); err != nil {
		return err
	}
	return tx.Bucket(bucketOutbox).Put(u64(seq), []byte("{}"))
}

// NotModified records a fetch that showed the document unchanged without a
// body (HTTP 304): last_seen and the check counter move, nothing else.
func (r *Run) NotModified(ctx context.Context, rawURL string, l Listing, at time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("not modified: %w", err)
	}
	err = r.write(func(tx *bolt.Tx) error {
		if _, done, err := checkUnchanged(tx, r.source, canon, "", "", Capture{}, l, at); done || err != nil {
			return err
		}
		return r.s.updateDoc(tx, canon, func(d *Doc) (bool, error) {
			d.LastSeen, d.LastChecked = at, at
			d.Checks++
			if l != (Listing{}) {
				d.ListTitle, d.ListDate = l.Title, l.Date
			}
			if d.Status != StatusWithdrawn {
				return false, nil
			}
			d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, ""
			return true, r.s.addEvent(tx, *d, Event{Kind: EventRestored, Version: d.Versions, FetchedAt: at}, r.opts.Quiet)
		})
	})
	if err != nil {
		return fmt.Errorf("not modified %s: %w", canon, err)
	}
	return nil
}

// Withdraw marks a live document withdrawn (it is never deleted: its versions
// stay) and writes a withdrawn event. It reports whether the status changed.
func (r *Run) Withdraw(ctx context.Context, rawURL, reason string, at time.Time) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return false, fmt.Errorf("withdraw: %w", err)
	}
	changed := false
	err = r.write(func(tx *bolt.Tx) error {
		return r.s.updateDoc(tx, canon, func(d *Doc) (bool, error) {
			changed = false
			d.LastChecked = at
			if d.Status == StatusWithdrawn {
				return false, nil
			}
			changed = true
			d.Status, d.WithdrawnAt, d.WithdrawnReason = StatusWithdrawn, at, reason
			return true, r.s.addEvent(tx, *d, Event{Kind: EventWithdrawn, Version: d.Versions, FetchedAt: at, Summary: reason}, r.opts.Quiet)
		})
	})
	if err != nil {
		return false, fmt.Errorf("withdraw %s: %w", canon, err)
	}
	return changed, nil
}

// Failed records a fetch attempt that gave no answer about the content (a
// network error, a 5xx after retries): only last_checked moves.
func (r *Run) Failed(ctx context.Context, rawURL string, at time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("failed fetch: %w", err)
	}
	err = r.write(func(tx *bolt.Tx) error {
		return r.s.updateDoc(tx, canon, func(d *Doc) (bool, error) {
			d.LastChecked = at
			return false, nil
		})
	})
	if err != nil {
		return fmt.Errorf("failed fetch %s: %w", canon, err)
	}
	return nil
}

// updateDoc changes the document archived under canon; fn reports whether
// its status or current record changed.
func (s *Store) updateDoc(tx *bolt.Tx, canon string, fn func(*Doc) (bool, error)) error {
	id := tx.Bucket(bucketURLs).Get([]byte(canon))
	if id == nil {
		return before{ErrNotFound}
	}
	d, err := loadDoc(tx, id, nil)
	if err != nil {
		return before{err}
	}
	old := d
	changed, err := fn(&d)
	if err != nil {
		return err
	}
	return saveDoc(tx, old, d, changed)
}
