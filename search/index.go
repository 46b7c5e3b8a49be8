// Package search owns the full-text index of the archive: a bleve index with
// the cjk analyzer (overlapping character bigrams, so a Chinese phrase is
// found as consecutive bigrams), kept beside the archive file as derived
// data. The index follows the archive's change log behind the crawl and
// records the last change it applied (its watermark) in the same batch as
// the documents, so after a crash it catches up from there; Rebuild makes it
// again from scratch. The archive never depends on it.
package search

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Archive is what the index reads from the archive. *archive.Store
// satisfies it.
type Archive interface {
	// Changes lists changes of documents' current records after seq after,
	// oldest first.
	Changes(ctx context.Context, after uint64, limit int) ([]archive.Change, error)
	// Current returns a document and its current record; ErrNotFound when
	// the document is gone.
	Current(ctx context.Context, id uint64) (archive.Doc, extract.Document, error)
	// Sources gives the document counts the drift check compares with.
	Sources(ctx context.Context) ([]archive.SourceState, error)
}

// Layout is how the index stores its fields. The zero value is the layout
// the README recommends: no term positions, no _all field, no doc values,
// no stored fields (snippets are cut from the archive's record). Without
// positions a phrase finds the documents holding all its character pairs,
// and Search checks each hit's record for the phrase itself: the index is a
// third of the size and phrase queries many times faster than with
// positions, at the price of a match count that is an upper bound. The other
// settings exist to measure what they cost.
type Layout struct {
	Positions bool // keep term positions: phrases are matched in the index
	All       bool // also index every field into the _all composite field
	DocValues bool // keep doc values (needed only for sorting or facets on a field)
	Store     bool // store field values in the index
}

// Options configure Open. The zero value works.
type Options struct {
	Logger *slog.Logger // nil discards
	// Batch is how many changes one index batch applies; 0 means 500.
	Batch int
	// Poll is how often Run looks for changes it was not told about; 0 means 5s.
	Poll   time.Duration
	Layout Layout
	// Window is the number of matches above which a search is ranked
	// within spans of publication dates (span.go); 0 means DefaultWindow,
	// below 0 never.
	Window int
	// Lag, when set, is told by Run how many archive changes the index has
	// not applied yet (counted up to 10,000) before each catch-up, and 0
	// after one completes: the daemon exports it as a metric.
	Lag func(changes uint64)
}

// Dir is where the index of the archive at dbPath lives.
func Dir(dbPath string) string { return dbPath + ".search" }

// Index is an open search index. It is safe for concurrent use: searches
// run while the indexer applies changes.
type Index struct {
	idx    bleve.Index
	layout Layout // what the index holds, read from it
	src    Archive
	log    *slog.Logger
	o      Options
	path   string
	kick   chan struct{}
	mu     sync.Mutex // serialises CatchUp
	wmu    sync.RWMutex
	water  uint64
	dates  dateCache // span.go
}

// Internal keys: the last applied change seq, and the layout the index was
// made with (JSON; an index without it was made with positions).
var (
	watermarkKey = []byte("gongkai_watermark")
	layoutKey    = []byte("gongkai_layout")
)

// ErrNoIndex is returned by OpenExisting when there is no index yet.
var ErrNoIndex = errors.New("no search index (run gongkai reindex)")

// Field names, as in the JSON keys of the archive's records.
const (
	fTitle       = "title"
	fIndexNo     = "index_no"
	fDocNo       = "doc_no"
	fPublisher   = "publisher"
	fTopic       = "topic"
	fBody        = "body"
	fAttachments = "attachments"
	fSource      = "source"
	fStatus      = "status"
	fPublished   = "published"
)

// textFields are searched by a query, with their boosts.
var textFields = []struct {
	name  string
	boost float64
}{
	{fTitle, 4}, {fIndexNo, 2}, {fDocNo, 2}, {fPublisher, 1}, {fTopic, 1}, {fBody, 1}, {fAttachments, 1},
}

func newMapping(l Layout) mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = cjk.AnalyzerName
		f.IncludeTermVectors = l.Positions
		f.IncludeInAll = l.All
		f.DocValues = l.DocValues
		f.Store = l.Store
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = l.DocValues
		f.Store = l.Store
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range textFields {
		doc.AddFieldMappingsAt(f.name, text())
	}
	for _, name := range []string{fSource, fStatus, fPublished} {
		doc.AddFieldMappingsAt(name, kw())
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = cjk.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// runtime config: fail instead of waiting forever when another process
// holds the index.
func boltConfig() map[string]any { return map[string]any{"bolt_timeout": "1s"} }

// Open opens the index at path, creating an empty one if there is none.
func Open(path string, src Archive, o Options) (*Index, error) {
	idx, err := bleve.OpenUsing(path, boltConfig())
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		idx, err = bleve.NewUsing(path, newMapping(o.Layout), scorch.Name, scorch.Name, boltConfig())
		if err == nil {
			data, _ := json.Marshal(o.Layout)
			if err = idx.SetInternal(layoutKey, data); err != nil {
				idx.Close()
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", path, err)
	}
	return newIndex(idx, path, src, o)
}

// OpenExisting opens the index at path; ErrNoIndex when there is none.
func OpenExisting(path string, src Archive, o Options) (*Index, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoIndex
	}
	return Open(path, src, o)
}

func newIndex(idx bleve.Index, path string, src Archive, o Options) (*Index, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	ix := &Index{idx: idx, src: src, log: o.Logger, o: o, path: path, kick: make(chan struct{}, 1)}
	raw, err := idx.GetInternal(watermarkKey)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open search index %s: watermark: %w", path, err)
	}
	if len(raw) == 8 {
		ix.water = binary.BigEndian.Uint64(raw)
	}
	// Queries follow the layout the index was made with, whatever o says.
	raw, err = idx.GetInternal(layoutKey)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open search index %s: layout: %w", path, err)
	}
	ix.layout = Layout{Positions: true}
	if raw != nil {
		if err := json.Unmarshal(raw, &ix.layout); err != nil {
			idx.Close()
			return nil, fmt.Errorf("open search index %s: layout: %w", path, err)
		}
	}
	return ix, nil
}

// Close closes the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Path is the index directory.
func (ix *Index) Path() string { return ix.path }

// Watermark is the seq of the last archive change the index applied.
func (ix *Index) Watermark() uint64 {
	ix.wmu.RLock()
	defer ix.wmu.RUnlock()
	return ix.water
}

// Count is the number of documents in the index.
func (ix *Index) Count() (uint64, error) { return ix.idx.DocCount() }

// Notify tells a running indexer that the archive has new changes. It
// never blocks.
func (ix *Index) Notify() {
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// lagScan bounds how many pending changes Run counts for Options.Lag.
const lagScan = 10000

// Run keeps the index current until ctx ends: it catches up at once (a
// crash between an archive commit and the index batch is repaired here),
// then whenever Notify is called or Poll passes. Errors are logged and
// retried at the next poll; Run returns nil when ctx ends.
func (ix *Index) Run(ctx context.Context) error {
	t := time.NewTicker(ix.o.Poll)
	defer t.Stop()
	for {
		if ix.o.Lag != nil {
			if pending, err := ix.src.Changes(ctx, ix.Watermark(), lagScan); err == nil {
				ix.o.Lag(uint64(len(pending)))
			}
		}
		n, err := ix.CatchUp(ctx)
		if err == nil && ix.o.Lag != nil {
			ix.o.Lag(0)
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			ix.log.Error("search index catch-up", "err", err)
		case n > 0:
			ix.log.Debug("search index caught up", "changes", n, "watermark", ix.Watermark())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ix.kick:
		case <-t.C:
		}
	}
}

// CatchUp applies every archive change after the watermark and returns how
// many it applied. Each batch of documents and its new watermark are
// committed together.
func (ix *Index) CatchUp(ctx context.Context) (int, error) {
	return ix.catchUp(ctx, nil)
}

func (ix *Index) catchUp(ctx context.Context, progress func(indexed int)) (int, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	total := 0
	indexed := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		wm := ix.Watermark()
		changes, err := ix.src.Changes(ctx, wm, ix.o.Batch)
		if err != nil {
			return total, fmt.Errorf("search index: %w", err)
		}
		if len(changes) == 0 {
			return total, nil
		}
		b := ix.idx.NewBatch()
		seen := make(map[uint64]bool, len(changes))
		for _, c := range changes {
			if seen[c.Doc] {
				continue
			}
			seen[c.Doc] = true
			id := strconv.FormatUint(c.Doc, 10)
			d, rec, err := ix.src.Current(ctx, c.Doc)
			if errors.Is(err, archive.ErrNotFound) {
				b.Delete(id)
				continue
			}
			if err != nil {
				return total, fmt.Errorf("search index: doc %d: %w", c.Doc, err)
			}
			if err := b.Index(id, fieldsOf(d, rec)); err != nil {
				return total, fmt.Errorf("search index: doc %d: %w", c.Doc, err)
			}
			indexed++
		}
		last := changes[len(changes)-1].Seq
		b.SetInternal(watermarkKey, binary.BigEndian.AppendUint64(nil, last))
		if err := ix.idx.Batch(b); err != nil {
			return total, fmt.Errorf("search index: batch up to change %d: %w", last, err)
		}
		ix.wmu.Lock()
		ix.water = last
		ix.wmu.Unlock()
		total += len(changes)
		if progress != nil {
			progress(indexed)
		}
	}
}

// fieldsOf is what the index holds of a document.
func fieldsOf(d archive.Doc, rec extract.Document) map[string]any {
	title := rec.Title
	if title == "" {
		title = d.Title
	}
	var names []string
	for _, a := range rec.Attachments {
		names = append(names, a.Name)
	}
	day := rec.Published
	if day == "" {
		day = d.Published
	}
	if len(day) > 10 {
		day = day[:10]
	}
	return map[string]any{
		fTitle: title, fIndexNo: rec.IndexNo, fDocNo: rec.DocNo, fPublisher: rec.Publisher,
		fTopic: rec.Topic, fBody: rec.Body, fAttachments: strings.Join(names, "\n"),
		fSource: d.Source, fStatus: d.Status, fPublished: day,
	}
}

// Rebuild makes the index at path again from scratch: it builds a new one
// beside it and swaps it in when complete, so an interrupted rebuild leaves
// the old index in place. progress, when not nil, is called with the
// documents indexed so far and the archive's document count.
func Rebuild(ctx context.Context, path string, src Archive, o Options, progress func(done, total int)) error {
	total, err := archivedDocs(ctx, src)
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	ix, err := Open(tmp, src, o)
	if err != nil {
		return err
	}
	var cb func(int)
	if progress != nil {
		progress(0, total)
		cb = func(n int) { progress(min(n, total), total) }
	}
	if _, err := ix.catchUp(ctx, cb); err != nil {
		ix.Close()
		return err
	}
	// Closed, the index has every batch persisted, and only persisted
	// segments are merged.
	if err := ix.Close(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	// bleve deletes the segment files a merge replaced in the background:
	// they go at the next open.
	if ix, err = Open(tmp, src, o); err != nil {
		return err
	}
	if err := ix.merge(ctx); err != nil {
		ix.Close()
		return err
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	old := path + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := os.Rename(path, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// merge merges the index's segments into as few as bleve's single-segment
// policy allows (segments up to 1 GB). A rebuild leaves a dozen segments:
// each search looks a term up in every one of them. Measured at 100k
// documents: 11 segments and 429 MB became one of 401 MB in 4 s, and the
// pages a read workload mapped from the index halved.
func (ix *Index) merge(ctx context.Context) error {
	sc, err := ix.scorch()
	if err != nil || sc == nil {
		return err
	}
	// A merge task takes at most 10 segments: merge until one is left or
	// a round changes nothing (segments at the size limit).
	for last := -1; ; {
		n, err := ix.segments()
		if err != nil {
			return err
		}
		if n <= 1 || n == last {
			break
		}
		last = n
		if err := sc.ForceMerge(ctx, nil); err != nil {
			return fmt.Errorf("merge index segments: %w", err)
		}
	}
	// A merge's result is persisted in the background, and Close does not
	// wait for it; a write of the index's own does (bleve persists batches
	// before returning), and persists the merged segments with it.
	if err := ix.idx.SetInternal(watermarkKey, binary.BigEndian.AppendUint64(nil, ix.Watermark())); err != nil {
		return fmt.Errorf("merge index segments: %w", err)
	}
	return nil
}

// segments counts the index's segments (0 for an engine other than scorch).
func (ix *Index) segments() (n int, err error) {
	err = ix.withSnapshot(func(s *scorch.IndexSnapshot) error { n = len(s.Segments()); return nil })
	return n, err
}

// scorch is the index's engine; nil when it is not scorch.
func (ix *Index) scorch() (*scorch.Scorch, error) {
	a, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	sc, _ := a.(*scorch.Scorch)
	return sc, nil
}

// withSnapshot runs fn on a snapshot of the index, held open (its segments
// mapped) until fn returns. It does nothing for an engine other than scorch.
func (ix *Index) withSnapshot(fn func(*scorch.IndexSnapshot) error) error {
	sc, err := ix.scorch()
	if err != nil || sc == nil {
		return err
	}
	r, err := sc.Reader()
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	return fn(snap)
}

func archivedDocs(ctx context.Context, src Archive) (int, error) {
	states, err := src.Sources(ctx)
	if err != nil {
		return 0, fmt.Errorf("search index: count documents: %w", err)
	}
	n := 0
	for _, st := range states {
		n += st.Docs
	}
	return n, nil
}
