package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketCrawl holds, per source and document, what changes on every check
// and what the crawler decides on (crawlState). It is the authoritative copy
// of those fields: an unchanged fetch rewrites only this small record, and
// every read of a document overlays it on the document record (loadDoc).
// Known scans it instead of the full records: on a 10,000-document archive
// a scan of the docs bucket's scattered leaves mapped 190 MB of the file,
// and a full re-check that rewrote every document record 150 MB or more.
//
//	crawl    source \x00 id(8) → crawlState JSON
var bucketCrawl = []byte("crawl")

// crawlState is the crawler's view of a document, kept small on purpose.
type crawlState struct {
	URL          string   `json:"u"`
	Aliases      []string `json:"a,omitempty"`
	Withdrawn    bool     `json:"w,omitempty"`
	Versions     int      `json:"v"`
	SHA256       string   `json:"f,omitempty"` // current record's fingerprint
	Scheme       int      `json:"x,omitempty"` // its scheme; 0 = 1
	Rules        string   `json:"r,omitempty"` // extraction id it was made or confirmed under
	LastSeen     int64    `json:"s"`           // unix nanoseconds
	LastChecked  int64    `json:"c"`           // unix nanoseconds
	Checks       int      `json:"k"`
	ListTitle    string   `json:"lt,omitempty"`
	ListDate     string   `json:"ld,omitempty"`
	ETag         string   `json:"e,omitempty"`
	LastModified string   `json:"m,omitempty"`
}

func crawlKey(source string, id uint64) []byte {
	return append([]byte(source+"\x00"), u64(id)...)
}

func stateOf(d Doc) crawlState {
	return crawlState{URL: d.URL, Aliases: d.Aliases, Withdrawn: d.Status == StatusWithdrawn,
		Versions: d.Versions, SHA256: d.SHA256, Scheme: d.Scheme, Rules: d.Rules, LastSeen: unixNano(d.LastSeen),
		LastChecked: unixNano(d.LastChecked), Checks: d.Checks, ListTitle: d.ListTitle,
		ListDate: d.ListDate, ETag: d.ETag, LastModified: d.LastModified}
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// overlay copies the per-check fields, whose authoritative copy is the
// crawl state, onto a document record.
func (st crawlState) overlay(d *Doc) {
	d.LastSeen, d.LastChecked, d.Checks = fromNano(st.LastSeen), fromNano(st.LastChecked), st.Checks
	d.ListTitle, d.ListDate, d.ETag, d.LastModified = st.ListTitle, st.ListDate, st.ETag, st.LastModified
}

// loadDoc decodes a document record (data, or read by id when nil) and
// overlays its crawl state.
func loadDoc(tx *bolt.Tx, id, data []byte) (Doc, error) {
	var d Doc
	if data == nil {
		if data = tx.Bucket(bucketDocs).Get(id); data == nil {
			return d, ErrNotFound
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("doc %d: %w", seqOf(id), err)
	}
	var st crawlState
	if v := tx.Bucket(bucketCrawl).Get(crawlKey(d.Source, d.ID)); v != nil && json.Unmarshal(v, &st) == nil && st.Versions == d.Versions {
		st.overlay(&d)
	}
	return d, nil
}

// checkUnchanged records a fetch of a known, live document that found its
// current content again (fp, made under rules), or a 304 (fp ""): only the
// crawl state is rewritten. It reports false, touching nothing, when the slow
// path must decide (unknown URL, withdrawn document, new content, a record
// made under other rules or another fingerprint scheme).
func checkUnchanged(tx *bolt.Tx, source, canon, fp, rules string, c Capture, l Listing, at time.Time) (Outcome, bool, error) {
	id := tx.Bucket(bucketURLs).Get([]byte(canon))
	if id == nil {
		return Outcome{}, false, nil
	}
	b := tx.Bucket(bucketCrawl)
	key := crawlKey(source, seqOf(id))
	var st crawlState
	if err := getJSON(b, key, &st); err != nil || st.Withdrawn || st.Versions == 0 ||
		fp != "" && (st.SHA256 != fp || st.Scheme != FingerprintScheme || st.Rules != rules) {
		return Outcome{}, false, nil
	}
	st.LastSeen, st.LastChecked = at.UnixNano(), at.UnixNano()
	st.Checks++
	if fp != "" { // a 304 keeps the validators it was asked with
		st.ETag, st.LastModified = c.Header.Get("ETag"), c.Header.Get("Last-Modified")
	}
	if l != (Listing{}) {
		st.ListTitle, st.ListDate = l.Title, l.Date
	}
	b.FillPercent = 0.9
	if err := putJSON(b, key, st); err != nil {
		return Outcome{}, false, err
	}
	return Outcome{Doc: seqOf(id), Kind: Unchanged, Version: st.Versions}, true, nil
}

// putDoc writes a document record and its crawl state together.
func putDoc(tx *bolt.Tx, d Doc) error {
	if err := putJSON(tx.Bucket(bucketDocs), u64(d.ID), d); err != nil {
		return err
	}
	b := tx.Bucket(bucketCrawl)
	b.FillPercent = 0.9 // keys grow with the id within a source
	return putJSON(b, crawlKey(d.Source, d.ID), stateOf(d))
}

// Known lists a source's documents for the crawler's incremental
// decisions, from the crawl state alone: ID, URL, Aliases, Source, Status,
// Versions, SHA256, LastSeen, LastChecked, Checks, ListTitle, ListDate,
// ETag and LastModified are filled; titles and dates are not.
func (s *Store) Known(ctx context.Context, source string) ([]Doc, error) {
	var out []Doc
	prefix := []byte(source + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCrawl).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			var st crawlState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("crawl state %q: %w", k, err)
			}
			d := Doc{ID: seqOf(k[len(prefix):]), URL: st.URL, Aliases: st.Aliases, Source: source, Status: StatusLive,
				Versions: st.Versions, SHA256: st.SHA256}
			st.overlay(&d)
			if st.Withdrawn {
				d.Status = StatusWithdrawn
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("known documents of %s: %w", source, err)
	}
	return out, nil
}

// fillCrawlState builds the crawl bucket from the document records, for
// archives written before it existed.
func fillCrawlState(tx *bolt.Tx) error {
	b := tx.Bucket(bucketCrawl)
	return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
		var d Doc
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("doc %d: %w", seqOf(k), err)
		}
		return putJSON(b, crawlKey(d.Source, d.ID), stateOf(d))
	})
}

// verifyCrawlState checks that a document's crawl state agrees with it.
func verifyCrawlState(tx *bolt.Tx, r *VerifyReport, d Doc) {
	var st crawlState
	if err := getJSON(tx.Bucket(bucketCrawl), crawlKey(d.Source, d.ID), &st); err != nil {
		r.problem("doc %d (%s): crawl state: %v", d.ID, d.URL, err)
		return
	}
	if want := stateOf(d); st.URL != want.URL || st.Withdrawn != want.Withdrawn || st.Versions != want.Versions || st.SHA256 != want.SHA256 ||
		st.Scheme != want.Scheme || st.Rules != want.Rules {
		r.problem("doc %d (%s): crawl state differs from the document record", d.ID, d.URL)
	}
}
