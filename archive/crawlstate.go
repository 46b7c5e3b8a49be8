package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketCrawl holds, per source and document, only what the crawler
// decides on each poll (crawlState). Known scans it instead of the full
// document records: on a 10,000-document archive that scan touched 190 MB
// of the mapped file through the docs bucket's scattered leaves, and
// touches a few MB here.
//
//	crawl    source \x00 id(8) → crawlState JSON
var bucketCrawl = []byte("crawl")

// crawlState is the crawler's view of a document, kept small on purpose.
type crawlState struct {
	URL          string   `json:"u"`
	Aliases      []string `json:"a,omitempty"`
	Withdrawn    bool     `json:"w,omitempty"`
	LastChecked  int64    `json:"c"` // unix nanoseconds
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
		LastChecked: d.LastChecked.UnixNano(), ListTitle: d.ListTitle, ListDate: d.ListDate,
		ETag: d.ETag, LastModified: d.LastModified}
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
// decisions. Only the fields the crawler uses are filled: ID, URL,
// Aliases, Source, Status, LastChecked, ListTitle, ListDate, ETag and
// LastModified.
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
				LastChecked: time.Unix(0, st.LastChecked), ListTitle: st.ListTitle, ListDate: st.ListDate,
				ETag: st.ETag, LastModified: st.LastModified}
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
	if want := stateOf(d); st.URL != want.URL || st.Withdrawn != want.Withdrawn || st.LastChecked != want.LastChecked {
		r.problem("doc %d (%s): crawl state differs from the document record", d.ID, d.URL)
	}
}
