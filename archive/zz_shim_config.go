package archive

// THROWAWAY (delete at merge): the Run API of the archive branch, over
// today's Store methods, so the promise tests are written against the API
// they will run on after the merge.

import (
	"context"
	"time"

	"github.com/gongkai/gongkai/extract"
)

// RunOptions are the settings of one crawl run (shim).
type RunOptions struct {
	Quiet     bool
	Rules     string
	Reextract func(ctx context.Context, c Capture) (extract.Document, error)
	BatchDocs int
	BatchWait time.Duration
}

// Run writes what one crawl of a source finds (shim: no batching).
type Run struct {
	s      *Store
	source string
	opts   RunOptions
}

// Begin starts a crawl run of source (shim).
func (s *Store) Begin(ctx context.Context, source string, opts RunOptions) (*Run, error) {
	return &Run{s: s, source: source, opts: opts}, ctxErr(ctx)
}

// Record stores an observation in the run (shim).
func (r *Run) Record(ctx context.Context, o Observation) (Outcome, error) {
	o.Source, o.Quiet = r.source, r.opts.Quiet
	return r.s.Record(ctx, o)
}

// Commit flushes the open batch (shim: nothing is pending).
func (r *Run) Commit(ctx context.Context) error { return ctxErr(ctx) }

// End records the end of the run (shim).
func (r *Run) End(ctx context.Context, stats RunStats, runErr error) error {
	return r.s.EndRun(ctx, r.source, stats, runErr)
}
