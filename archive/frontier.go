package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketFrontier holds, per source, where an unfinished backfill resumes:
// the list pages still to walk. It exists only while a source has one, and
// the bucket itself is created by the first SaveFrontier (archives written
// before it need no migration).
//
//	frontier  source → Frontier JSON
var bucketFrontier = []byte("frontier")

// Frontier is the resumable state of a source's backfill: a walk of its
// list pages to the column's end that one run did not finish (max_pages,
// run_budget, max_docs, list-page errors, or the process stopped). The
// crawler saves it as the walk advances and clears it at the end.
type Frontier struct {
	Queue []FrontierPage `json:"queue"` // list pages still to walk, in walk order
	// Walked holds an 8-byte digest of each list request already walked
	// by the backfill (see the crawler), so a page linking back to earlier
	// pages does not send the walk over them again.
	Walked  []byte    `json:"walked,omitempty"`
	Pages   int       `json:"pages"`           // list pages walked by the backfill so far
	Total   int       `json:"total,omitempty"` // list pages the column declares; 0 = not told
	Docs    int       `json:"docs"`            // documents listed by the pages walked
	Started time.Time `json:"started"`         // when the backfill began
	Updated time.Time `json:"updated"`
}

// FrontierPage is one list request of a frontier (a GET of URL, or a POST
// of Body for platforms whose list API needs one). Fails counts the runs
// in which it could not be read.
type FrontierPage struct {
	Method string `json:"method,omitempty"`
	URL    string `json:"url"`
	Body   string `json:"body,omitempty"`
	Fails  int    `json:"fails,omitempty"`
}

// Backfill is the progress of a source's unfinished backfill, as the web
// UI and the API show it.
type Backfill struct {
	Pages   int       `json:"pages"`                 // list pages walked
	Total   int       `json:"total_pages,omitempty"` // list pages the column declares; 0 = not told
	Queued  int       `json:"queued_pages"`          // list pages known and still to walk
	Docs    int       `json:"docs"`                  // documents listed so far
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
}

// Progress summarises f for display.
func (f Frontier) Progress() *Backfill {
	return &Backfill{Pages: f.Pages, Total: f.Total, Queued: len(f.Queue), Docs: f.Docs, Started: f.Started, Updated: f.Updated}
}

// SaveFrontier replaces source's frontier, in a write of its own.
func (s *Store) SaveFrontier(ctx context.Context, source string, f Frontier) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return putFrontier(tx, source, f) }); err != nil {
		return fmt.Errorf("save frontier of %s: %w", source, err)
	}
	return nil
}

// SaveFrontier replaces the run's source's frontier in the run's open
// batch: after every write handed to the run before it, in the same
// transaction as the latest of them or a later one, so a frontier is never
// durable before the documents it has passed. (It used to commit the batch
// and then write the frontier in a transaction of its own: two fsyncs per
// list page of a backfill.)
func (r *Run) SaveFrontier(ctx context.Context, f Frontier) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := r.write(func(tx *bolt.Tx) error { return putFrontier(tx, r.source, f) }); err != nil {
		return fmt.Errorf("save frontier of %s: %w", r.source, err)
	}
	return nil
}

func putFrontier(tx *bolt.Tx, source string, f Frontier) error {
	b, err := tx.CreateBucketIfNotExists(bucketFrontier)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(source), f)
}

// Frontier returns source's frontier; ok is false when it has none.
func (s *Store) Frontier(ctx context.Context, source string) (f Frontier, ok bool, err error) {
	if err := ctxErr(ctx); err != nil {
		return f, false, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		f, ok, err = frontierOf(tx, source)
		return err
	})
	if err != nil {
		return f, false, fmt.Errorf("frontier of %s: %w", source, err)
	}
	return f, ok, nil
}

// ClearFrontier drops source's frontier: its backfill is complete.
func (s *Store) ClearFrontier(ctx context.Context, source string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return deleteFrontier(tx, source) }); err != nil {
		return fmt.Errorf("clear frontier of %s: %w", source, err)
	}
	return nil
}

// ClearFrontier drops the run's source's frontier in the run's open batch,
// after the documents of the backfill's last pages. A write of its own
// (Store.ClearFrontier) would wait for the batch, which the crawl's end
// leaves open until its timer commits it: half a second at the end of
// every completed backfill.
func (r *Run) ClearFrontier(ctx context.Context) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := r.write(func(tx *bolt.Tx) error { return deleteFrontier(tx, r.source) }); err != nil {
		return fmt.Errorf("clear frontier of %s: %w", r.source, err)
	}
	return nil
}

func deleteFrontier(tx *bolt.Tx, source string) error {
	b := tx.Bucket(bucketFrontier)
	if b == nil {
		return nil
	}
	return b.Delete([]byte(source))
}

func frontierOf(tx *bolt.Tx, source string) (Frontier, bool, error) {
	var f Frontier
	b := tx.Bucket(bucketFrontier)
	if b == nil {
		return f, false, nil
	}
	v := b.Get([]byte(source))
	if v == nil {
		return f, false, nil
	}
	if err := json.Unmarshal(v, &f); err != nil {
		return f, false, err
	}
	return f, true, nil
}

// withBackfill fills st.Backfill from the source's frontier, if any.
func withBackfill(tx *bolt.Tx, st *SourceState) {
	if f, ok, err := frontierOf(tx, st.Name); err == nil && ok {
		st.Backfill = f.Progress()
	}
}

// WalkNote says, in one line for people, how a run's list walk fell short
// of the column's end and what happens next; "" when it did not.
func (s RunStats) WalkNote() string {
	var parts []string
	switch s.Stopped {
	case "":
	case "list page errors":
		parts = append(parts, "some list pages could not be read")
	case "interrupted":
		parts = append(parts, "interrupted")
	case "robots.txt":
		parts = append(parts, "robots.txt disallows some list pages")
	default:
		parts = append(parts, "stopped early at "+s.Stopped)
	}
	if s.Capped > 0 {
		parts = append(parts, fmt.Sprintf("%d links not fetched (max_docs/max_page_docs)", s.Capped))
	}
	if len(parts) == 0 {
		return ""
	}
	note := strings.Join(parts, ", ")
	switch {
	case s.LeftPages > 0 && s.LeftDocs > 0:
		note += fmt.Sprintf("; %d list pages (about %d documents) left", s.LeftPages, s.LeftDocs)
	case s.LeftPages > 0:
		note += fmt.Sprintf("; %d list pages known to be left", s.LeftPages)
	}
	if s.Continues {
		note += "; continues at the next poll"
	}
	return note
}
