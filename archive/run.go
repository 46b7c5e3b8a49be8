package archive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

// RunOptions are the settings of one crawl run. The zero value works.
type RunOptions struct {
	Quiet bool   // baseline run: events logged, never sent
	Rules string // extraction id of this run, see crawler.ExtractionID
	// Reextract re-runs the current extraction on a stored capture (used when
	// the latest stored version was made under other Rules). nil = never.
	Reextract func(ctx context.Context, c Capture) (extract.Document, error)
	BatchDocs int           // commit after this many writes (default 64)
	BatchWait time.Duration // or this long after the first pending write (default 500ms)
	// BatchIdle commits the batch when no write has come for this long
	// (default 10ms): an open batch holds bbolt's only write lock, so a run
	// waiting on a slow server must not keep other runs, the notifier's
	// acknowledgements and the web UI's writes waiting for BatchWait.
	BatchIdle time.Duration
}

// Run writes what one crawl of a source finds. Its writes are committed in
// groups: a batch holds up to BatchDocs writes and is committed at the
// latest BatchWait after its first. Each change is written together with its
// event, outbox entry, index entries and counters, so a crash (kill -9)
// loses at most the open batch: whole changes whose crawl state was not
// written either, so the next poll fetches those documents again.
//
// A Run is safe for concurrent use by the crawler's workers. End flushes and
// records the end of the run; after it the Run is dead.
type Run struct {
	s      *Store
	source string
	opts   RunOptions
	ctx    context.Context // Begin's, for the dictionary training it starts

	// train trains the source's compression dictionary in the background
	// once the run has stored DictAfter captures of a source that has none,
	// so a first crawl (one long run) stores the rest of its captures with
	// it. End waits for it.
	train    sync.WaitGroup
	captures int  // first captures of documents stored by the run (under mu)
	trained  bool // training started (under mu)

	mu      sync.Mutex
	tx      *bolt.Tx // the open batch; nil when nothing is pending
	pending int
	timer   *time.Timer
	opened  time.Time // when the open batch began
	lost    error     // a batch that failed to commit, reported by the next call
	ended   bool
}

// Begin starts a crawl run of source.
func (s *Store) Begin(ctx context.Context, source string, opts RunOptions) (*Run, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if source == "" {
		return nil, errors.New("begin run: no source name")
	}
	if opts.BatchDocs <= 0 {
		opts.BatchDocs = 64
	}
	if opts.BatchWait <= 0 {
		opts.BatchWait = 500 * time.Millisecond
	}
	if opts.BatchIdle <= 0 {
		opts.BatchIdle = 10 * time.Millisecond
	}
	return &Run{s: s, source: source, opts: opts, ctx: ctx}, nil
}

// errDeclined rolls back nothing: the function read, decided there is
// nothing to write, and wrote nothing.
var errDeclined = errors.New("declined")

// before marks an error returned before any write of a change: the open
// batch is still whole.
type before struct{ err error }

func (e before) Error() string { return e.err.Error() }
func (e before) Unwrap() error { return e.err }

// write runs fn in the open batch (opening one if needed) and commits the
// batch when it is full. fn must return errDeclined or a before error when
// it wrote nothing; any other error may leave a half-written change, so the
// whole batch is rolled back, as a crash would lose it.
func (r *Run) write(fn func(tx *bolt.Tx) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return ErrRunEnded
	}
	if err := r.lost; err != nil {
		r.lost = nil
		return err
	}
	if r.tx == nil {
		tx, err := r.s.db.Begin(true)
		if err != nil {
			return err
		}
		r.tx, r.opened = tx, time.Now()
		r.timer = time.AfterFunc(min(r.opts.BatchWait, r.opts.BatchIdle), r.flushLater)
	}
	err := fn(r.tx)
	var b before
	switch {
	case err == nil:
		r.pending++
		if r.pending >= r.opts.BatchDocs {
			return r.commitLocked()
		}
		// Committed BatchIdle after the last write, BatchWait after the
		// first at the latest. (A timer that fired meanwhile finds the
		// batch committed or commits this one early: both harmless.)
		r.timer.Reset(min(r.opts.BatchIdle, r.opts.BatchWait-time.Since(r.opened)))
		return nil
	case errors.Is(err, errDeclined), errors.As(err, &b):
		if r.pending == 0 { // an empty commit would still sync the file
			r.rollbackLocked()
		}
		if errors.Is(err, errDeclined) {
			return errDeclined
		}
		return b.err
	default:
		n := r.pending
		r.rollbackLocked()
		return fmt.Errorf("%w (the open batch of %d writes was rolled back; its documents are fetched again at the next poll)", err, n)
	}
}

func (r *Run) flushLater() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.commitLocked(); err != nil && r.lost == nil {
		r.lost = err
	}
}

func (r *Run) commitLocked() error {
	if r.tx == nil {
		return nil
	}
	r.timer.Stop()
	tx, n := r.tx, r.pending
	r.tx, r.pending = nil, 0
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %d writes of %s: %w", n, r.source, err)
	}
	// After the commit, so the training's read sees the captures that
	// reached the threshold. It needs the write lock only briefly, to store
	// the dictionary and then to store the earlier captures again in small
	// transactions: the run's batches go on meanwhile.
	if !r.trained && r.s.dictAfter > 0 && r.captures >= r.s.dictAfter && !r.s.codec.hasDict(r.source) {
		r.trained = true
		r.train.Go(func() { r.s.maybeTrainDict(r.ctx, r.source) })
	}
	return nil
}

func (r *Run) rollbackLocked() {
	if r.tx == nil {
		return
	}
	r.timer.Stop()
	_ = r.tx.Rollback()
	r.tx, r.pending = nil, 0
}

// Commit flushes the open batch.
func (r *Run) Commit(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.lost; err != nil {
		r.lost = nil
		return err
	}
	return r.commitLocked()
}

// End flushes the open batch and records the end of the run in the same
// transaction. A run without a fatal error completes the source's baseline:
// later events are alerted. It is safe to call End once only; later calls
// of any method return ErrRunEnded.
func (r *Run) End(ctx context.Context, stats RunStats, runErr error) error {
	if err := ctxErr(ctx); err != nil && runErr == nil {
		runErr = err
	}
	err := r.write(func(tx *bolt.Tx) error { return r.s.endRun(tx, r.source, stats, runErr) })
	if err == nil {
		err = r.Commit(ctx)
	}
	r.mu.Lock()
	r.rollbackLocked()
	r.ended = true
	trained := r.trained
	r.mu.Unlock()
	r.train.Wait()
	if err != nil {
		return fmt.Errorf("end run of %s: %w", r.source, err)
	}
	switch {
	case !r.s.codec.hasDict(r.source):
		r.s.maybeTrainDict(ctx, r.source)
	case trained:
		// Captures prepared while the dictionary was being trained were
		// compressed without it.
		r.s.recompress(ctx, r.source)
	}
	return nil
}

// endRun records the end of a crawl of a source: the one place a run's
// outcome reaches the source's state and its health (health.go). It runs in
// the transaction of the run's last batch; events it adds (s.addEvent) are
// committed with it.
func (s *Store) endRun(tx *bolt.Tx, name string, stats RunStats, runErr error) error {
	b := tx.Bucket(bucketSources)
	st := SourceState{Name: name}
	if err := getJSON(b, []byte(name), &st); err != nil && err != ErrNotFound {
		return err
	}
	st.LastRun = stats.Started
	st.Last = stats
	failure, err := s.applyHealth(tx, &st, stats, runErr)
	if err != nil {
		return err
	}
	switch {
	case runErr != nil:
		st.LastError = runErr.Error()
	case failure != "":
		st.LastError = failure
		st.Baselined = true
	default:
		st.LastError = ""
		st.LastOK = stats.Started
		st.Baselined = true
	}
	st.Docs, st.Withdrawn = 0, 0 // counters live in the counts bucket
	return putJSON(b, []byte(name), st)
}

// Source is the crawl state of one source (zero state if never crawled),
// with its counters.
func (s *Store) Source(ctx context.Context, name string) (SourceState, error) {
	st := SourceState{Name: name}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := getJSON(tx.Bucket(bucketSources), []byte(name), &st)
		if err != nil && err != ErrNotFound {
			return err
		}
		withBackfill(tx, &st)
		st.Docs = count(tx, name, anyStatus)
		st.Withdrawn = count(tx, name, StatusWithdrawn)
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("source %s: %w", name, err)
	}
	return st, nil
}
