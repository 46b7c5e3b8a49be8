package archive

// Throwaway stand-ins for the change log and the cursor listing, so the
// search index and the web pages can be built against their final names.
// The real implementations replace this file.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

// Change is one change of a document's current record or status.
type Change struct {
	Seq uint64
	Doc uint64
}

// Changes returns up to limit changes after seq after, oldest first. This
// stand-in reads the event log, which has an entry for every new, changed,
// withdrawn and restored document.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	var out []Change
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
			var e struct {
				Doc uint64 `json:"doc"`
			}
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.Doc == 0 {
				continue
			}
			out = append(out, Change{Seq: seqOf(k), Doc: e.Doc})
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	return out, nil
}

// Current returns a document and its latest record.
func (s *Store) Current(ctx context.Context, id uint64) (Doc, extract.Document, error) {
	d, err := s.Doc(ctx, id)
	if err != nil {
		return Doc{}, extract.Document{}, err
	}
	v, err := s.Version(ctx, id, d.Versions)
	if err != nil {
		return Doc{}, extract.Document{}, err
	}
	return d, v.Record, nil
}

// ListQuery selects a page of documents, newest published first.
type ListQuery struct {
	Source, Status string // "" = all
	From, To       string // published YYYY-MM-DD inclusive, "" = open
	After          string // opaque cursor from Page.Next; "" = first page
	Limit          int    // default 50
}

// Page is one page of a listing.
type Page struct {
	Docs  []Doc
	Next  string // "" = last page
	Total int    // matching docs when known, else -1
}

// List returns a page of documents. This stand-in scans with Docs.
func (s *Store) List(ctx context.Context, q ListQuery) (Page, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	all, total, err := s.Docs(ctx, Query{Source: q.Source, Status: q.Status, From: q.From, To: q.To})
	if err != nil {
		return Page{}, err
	}
	start := 0
	if q.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.After)
		pub, idStr, ok := strings.Cut(string(raw), "\x00")
		id, perr := strconv.ParseUint(idStr, 10, 64)
		if err != nil || !ok || perr != nil {
			return Page{}, fmt.Errorf("list: bad cursor %q", q.After)
		}
		for start < len(all) && !(all[start].Published < pub || all[start].Published == pub && all[start].ID < id) {
			start++
		}
	}
	all = all[start:]
	p := Page{Total: total}
	if len(all) > q.Limit {
		all = all[:q.Limit]
		last := all[len(all)-1]
		p.Next = base64.RawURLEncoding.EncodeToString(bytes.Join([][]byte{[]byte(last.Published), []byte(strconv.FormatUint(last.ID, 10))}, []byte{0}))
	}
	p.Docs = all
	return p, nil
}
