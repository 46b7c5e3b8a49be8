package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

// The list index holds each document four times: under its source and under
// "" (all sources), each with its status and with "*" (any status). A key
// ends in the published day and the id, so a scope's documents sort oldest
// first and a page newest first is a backwards cursor walk of Limit keys.
// counts holds the number of keys under each scope and status. Both are
// written by saveDoc, in the transaction of the change.

const anyStatus = "*"

const dayLen = 10 // YYYY-MM-DD

func listPrefix(scope, status string) []byte {
	return []byte(scope + "\x00" + status + "\x00")
}

// dayOf is the published day of d as an index key part: the date, or zero
// bytes (sorting before every date) when unknown.
func dayOf(published string) []byte {
	b := make([]byte, dayLen)
	if len(published) >= dayLen {
		copy(b, published[:dayLen])
	}
	return b
}

func listKeys(d Doc) [][]byte {
	tail := append(dayOf(d.Published), u64(d.ID)...)
	var keys [][]byte
	for _, scope := range []string{"", d.Source} {
		for _, status := range []string{anyStatus, d.Status} {
			keys = append(keys, append(listPrefix(scope, status), tail...))
		}
	}
	return keys
}

func countKey(scope, status string) []byte { return []byte(scope + "\x00" + status) }

func addCount(b *bolt.Bucket, key []byte, delta int64) error {
	var n int64
	if v := b.Get(key); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += delta
	if n <= 0 {
		return b.Delete(key)
	}
	return b.Put(key, u64(uint64(n)))
}

// count reads a counter (scope "" = all sources, status anyStatus = any).
func count(tx *bolt.Tx, scope, status string) int {
	if v := tx.Bucket(bucketCounts).Get(countKey(scope, status)); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v))
	}
	return 0
}

// saveDoc writes a document record with its crawl state and keeps the list
// index and counters in step with the record it replaces (before; zero ID for
// a new document). A change of the current record or status (changed) gets
// the document a new entry in the change log.
func saveDoc(tx *bolt.Tx, before Doc, d Doc, changed bool) error {
	list, counts := tx.Bucket(bucketList), tx.Bucket(bucketCounts)
	if before.ID == 0 || before.Published[:min(len(before.Published), dayLen)] != d.Published[:min(len(d.Published), dayLen)] ||
		before.Status != d.Status || before.Source != d.Source {
		if before.ID != 0 {
			for _, k := range listKeys(before) {
				if err := list.Delete(k); err != nil {
					return err
				}
			}
			for _, k := range [][]byte{countKey("", before.Status), countKey(before.Source, before.Status), countKey(before.Source, anyStatus), countKey("", anyStatus)} {
				if err := addCount(counts, k, -1); err != nil {
					return err
				}
			}
		}
		for _, k := range listKeys(d) {
			if err := list.Put(k, nil); err != nil {
				return err
			}
		}
		for _, k := range [][]byte{countKey("", d.Status), countKey(d.Source, d.Status), countKey(d.Source, anyStatus), countKey("", anyStatus)} {
			if err := addCount(counts, k, 1); err != nil {
				return err
			}
		}
	}
	if changed || before.ID == 0 {
		b := tx.Bucket(bucketChanges)
		if d.Change != 0 {
			if err := b.Delete(u64(d.Change)); err != nil {
				return err
			}
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		d.Change = seq
		b.FillPercent = 0.9
		if err := b.Put(u64(seq), u64(d.ID)); err != nil {
			return err
		}
	}
	return putDoc(tx, d)
}

// ListQuery selects a page of documents, newest published first (documents
// without a date last; ties newest id first).
type ListQuery struct {
	Source, Status string // "" = all
	From, To       string // published YYYY-MM-DD inclusive, "" = open
	After          string // opaque cursor from Page.Next; "" = first page
	Limit          int    // default 50, at most 1000
}

// Page is one page of a listing.
type Page struct {
	Docs  []Doc
	Next  string // cursor of the next page; "" = last page
	Total int    // matching documents when known from counters, else -1
}

// ErrBadCursor is returned by List for a cursor it did not hand out.
var ErrBadCursor = errors.New("bad page cursor")

// List returns one page of documents from the list index: it reads Limit+1
// index keys and Limit document records, whatever the archive's size. Paging
// by cursor returns every document that exists throughout exactly once,
// while documents are added.
func (s *Store) List(ctx context.Context, q ListQuery) (Page, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 1000)
	status := q.Status
	if status == "" {
		status = anyStatus
	}
	prefix := listPrefix(q.Source, status)
	// upper: the smallest key after the page's first; the walk starts below it.
	var upper []byte
	switch {
	case q.After != "":
		c, err := hex.DecodeString(q.After)
		if err != nil || len(c) != dayLen+8 {
			return Page{}, fmt.Errorf("list: %w", ErrBadCursor)
		}
		upper = append(append([]byte{}, prefix...), c...)
	case q.To != "":
		upper = append(append(append([]byte{}, prefix...), dayOf(q.To+"          ")...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	default:
		upper = append(append([]byte{}, prefix...), 0xff)
	}
	from := dayOf(q.From + "          ")
	dated := q.From != "" || q.To != ""
	page := Page{Total: -1}
	var lastTail []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if !dated {
			page.Total = count(tx, q.Source, status)
		}
		c := tx.Bucket(bucketList).Cursor()
		k, _ := c.Seek(upper)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		docs := tx.Bucket(bucketDocs)
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			tail := k[len(prefix):]
			day := tail[:dayLen]
			if dated && (day[0] == 0 || q.From != "" && bytes.Compare(day, from) < 0) {
				break
			}
			if len(page.Docs) == q.Limit {
				page.Next = hex.EncodeToString(lastTail)
				break
			}
			id := tail[dayLen:]
			d, err := loadDoc(tx, id, docs.Get(id))
			if err != nil {
				return err
			}
			page.Docs = append(page.Docs, d)
			lastTail = append(lastTail[:0], tail...)
		}
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("list documents: %w", err)
	}
	return page, nil
}

// Sources returns the state of every source that has been crawled or has
// documents, by name, with its counters: O(sources), not O(documents).
func (s *Store) Sources(ctx context.Context) ([]SourceState, error) {
	byName := map[string]*SourceState{}
	get := func(name string) *SourceState {
		st := byName[name]
		if st == nil {
			st = &SourceState{Name: name}
			byName[name] = st
		}
		return st
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			st := get(string(k))
			if err := json.Unmarshal(v, st); err != nil {
				return fmt.Errorf("source %s: %w", k, err)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
			scope, status, _ := bytes.Cut(k, []byte{0})
			if len(scope) == 0 || len(v) != 8 {
				return nil
			}
			n := int(binary.BigEndian.Uint64(v))
			switch string(status) {
			case anyStatus:
				get(string(scope)).Docs = n
			case StatusWithdrawn:
				get(string(scope)).Withdrawn = n
			}
			return nil
		}); err != nil {
			return err
		}
		for _, st := range byName {
			withBackfill(tx, st) // also a first crawl still running, before its first end
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	out := make([]SourceState, 0, len(byName))
	for _, st := range byName {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Change is an entry of the change log: document Doc's current record or
// status changed. Only a document's latest change is kept, so reading the
// log from a watermark finds every document changed since, once.
type Change struct {
	Seq uint64
	Doc uint64
}

// Changes returns up to limit (default 1000) changes with a sequence number
// above after, oldest first.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	var out []Change
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChanges).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			out = append(out, Change{Seq: seqOf(k), Doc: seqOf(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	return out, nil
}

// Current returns a document and its current record: that of its latest
// re-extraction when one was made from the latest version, else the latest
// version's.
func (s *Store) Current(ctx context.Context, id uint64) (Doc, extract.Document, error) {
	var d Doc
	var rec extract.Document
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		if d, err = loadDoc(tx, u64(id), nil); err != nil {
			return err
		}
		cur, err := s.current(tx, d)
		rec = cur.Record
		return err
	})
	if err != nil {
		return Doc{}, extract.Document{}, fmt.Errorf("current record of doc %d: %w", id, err)
	}
	return d, rec, nil
}
