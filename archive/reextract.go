package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

// view is a document's current record and where it came from.
type view struct {
	Record  extract.Document
	SHA256  string
	Scheme  int // never 0
	Version int // whose capture it was extracted from
	Reext   int // the re-extraction record, 0 = the version itself
}

// current returns d's current record: its latest re-extraction when that was
// made from the latest version, else the latest version's record.
func (s *Store) current(tx *bolt.Tx, d Doc) (view, error) {
	if d.Reext > 0 {
		x, err := s.getReext(tx, d.ID, d.Reext)
		if err != nil {
			return view{}, fmt.Errorf("re-extraction %d: %w", d.Reext, err)
		}
		if x.Version == d.Versions {
			return view{Record: x.Record, SHA256: x.SHA256, Scheme: max(x.Scheme, 1), Version: x.Version, Reext: x.N}, nil
		}
	}
	var v Version
	if err := s.getVersion(tx, d.ID, d.Versions, &v); err != nil {
		return view{}, err
	}
	return view{Record: v.Record, SHA256: v.SHA256, Scheme: max(v.Scheme, 1), Version: v.N}, nil
}

func (s *Store) putReext(tx *bolt.Tx, x Reextraction) error {
	data, err := json.Marshal(x)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketReext).Put(versionKey(x.Doc, x.N), s.codec.compress(data))
}

func (s *Store) getReext(tx *bolt.Tx, id uint64, n int) (Reextraction, error) {
	var x Reextraction
	z := tx.Bucket(bucketReext).Get(versionKey(id, n))
	if z == nil {
		return x, ErrNotFound
	}
	data, err := s.codec.decompress(z)
	if err != nil {
		return x, err
	}
	return x, json.Unmarshal(data, &x)
}

// Reextractions returns a document's re-extraction records, oldest first.
func (s *Store) Reextractions(ctx context.Context, id uint64) ([]Reextraction, error) {
	out, err := readAll[Reextraction](s, bucketReext, id)
	if err != nil {
		return nil, fmt.Errorf("re-extractions of doc %d: %w", id, err)
	}
	return out, nil
}

// ReextractOptions configure Store.Reextract.
type ReextractOptions struct {
	Source string // "" = every source
	// Rules returns the extraction id for a source's documents; Extract runs
	// that extraction on a stored capture. Both are required.
	Rules   func(source string) string
	Extract func(ctx context.Context, source string, c Capture) (extract.Document, error)
	DryRun  bool // report only
	// Progress, if set, is called after each document with the count done
	// and the total.
	Progress func(done, total int)
	// Examples is how many examples to keep per field (default 3).
	Examples int
}

// ReextractReport says what a re-extraction found (and, unless a dry run,
// stored).
type ReextractReport struct {
	Docs     int                           `json:"docs"`    // documents read
	Changed  int                           `json:"changed"` // documents whose current record changes
	Failed   int                           `json:"failed"`  // captures that could not be extracted
	Skipped  int                           `json:"skipped"` // files, which have nothing to extract
	Fields   map[string]int                `json:"fields"`  // field key → documents where it changes
	Examples map[string][]ReextractExample `json:"examples,omitempty"`
}

// ReextractExample is one field change found by Reextract.
type ReextractExample struct {
	Doc      uint64 `json:"doc"`
	URL      string `json:"url"`
	Old, New string
}

// Reextract runs the current extraction over every document's latest stored
// capture and, unless DryRun, stores each result that differs from the
// current record as a re-extraction record. Nothing is alerted: the
// publisher changed nothing. Each document is read and written in its own
// short transactions, so a crawl can run alongside.
func (s *Store) Reextract(ctx context.Context, opts ReextractOptions) (ReextractReport, error) {
	rep := ReextractReport{Fields: map[string]int{}, Examples: map[string][]ReextractExample{}}
	if opts.Examples <= 0 {
		opts.Examples = 3
	}
	var ids []uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCrawl).Cursor()
		prefix := []byte(opts.Source + "\x00")
		if opts.Source == "" {
			prefix = nil
		}
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, seqOf(k[len(k)-8:]))
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("reextract: %w", err)
	}
	for i, id := range ids {
		if err := ctxErr(ctx); err != nil {
			return rep, err
		}
		if err := s.reextractOne(ctx, id, opts, &rep); err != nil {
			return rep, fmt.Errorf("reextract doc %d: %w", id, err)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(ids))
		}
	}
	return rep, nil
}

func (s *Store) reextractOne(ctx context.Context, id uint64, opts ReextractOptions, rep *ReextractReport) error {
	var d Doc
	var cur view
	var c Capture
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		if d, err = loadDoc(tx, u64(id), nil); err != nil {
			return err
		}
		if cur, err = s.current(tx, d); err != nil {
			return err
		}
		c, err = s.capture(tx, d.ID, d.Versions)
		return err
	})
	if err != nil {
		return err
	}
	rep.Docs++
	rules := opts.Rules(d.Source)
	rec, err := opts.Extract(ctx, d.Source, c)
	if errors.Is(err, ErrNotExtractable) {
		rep.Skipped++
		return nil
	}
	if err != nil {
		rep.Failed++
		s.log.Warn("re-extraction failed", "doc", d.ID, "url", d.URL, "err", err)
		return nil
	}
	rec = validUTF8(rec)
	rec.Sources = nil
	fp := Fingerprint(rec)
	var changedFields []string
	for _, f := range extract.Fields() {
		if o, n := f.Value(cur.Record), f.Value(rec); o != n {
			changedFields = append(changedFields, f.Key)
			rep.Fields[f.Key]++
			if len(rep.Examples[f.Key]) < opts.Examples {
				rep.Examples[f.Key] = append(rep.Examples[f.Key], ReextractExample{Doc: d.ID, URL: d.URL, Old: o, New: n})
			}
		}
	}
	if oldA, newA := attachmentsOf(cur.Record), attachmentsOf(rec); oldA != newA {
		changedFields = append(changedFields, extract.FieldAttachments)
		rep.Fields[extract.FieldAttachments]++
		if len(rep.Examples[extract.FieldAttachments]) < opts.Examples {
			rep.Examples[extract.FieldAttachments] = append(rep.Examples[extract.FieldAttachments], ReextractExample{Doc: d.ID, URL: d.URL, Old: oldA, New: newA})
		}
	}
	if len(changedFields) == 0 && d.Rules == rules && d.Scheme == FingerprintScheme {
		return nil
	}
	if len(changedFields) > 0 {
		rep.Changed++
	}
	if opts.DryRun {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		now, err := loadDoc(tx, u64(id), nil)
		if err != nil {
			return err
		}
		if now.Versions != d.Versions || now.Reext != d.Reext {
			return nil // a crawl got there first, under its own rules
		}
		old := now
		if len(changedFields) > 0 {
			x := Reextraction{Doc: id, N: now.Reext + 1, Version: now.Versions, At: s.now().UTC(), Rules: rules,
				Scheme: FingerprintScheme, SHA256: fp, Record: rec}
			if err := s.putReext(tx, x); err != nil {
				return err
			}
			now.Reext = x.N
			now.Title, now.IndexNo, now.Published = rec.Title, rec.IndexNo, rec.Published
		}
		now.SHA256, now.Scheme, now.Rules = fp, FingerprintScheme, rules
		return saveDoc(tx, old, now, len(changedFields) > 0)
	})
}

func attachmentsOf(d extract.Document) string {
	b, _ := json.Marshal(d.Attachments)
	return string(b)
}
