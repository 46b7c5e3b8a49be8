package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
)

func cmdReindex(ctx context.Context, e *env, args []string) error {
	var c common
	var check bool
	fs := e.flags("reindex", "[-check]", "Rebuild the search index (the directory beside the archive file, FILE.search) from the archive, or with -check compare it with the archive.", &c)
	fs.BoolVar(&check, "check", false, "only report whether the index is in step with the archive")
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	st, err := archive.Open(cfg.DB, archive.Options{ReadOnly: true, Timeout: 500 * time.Millisecond, Logger: log})
	if errors.Is(err, archive.ErrLocked) {
		return fmt.Errorf("%w\nthe daemon keeps the index current itself and catches up when it starts", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	dir := search.Dir(cfg.DB)
	if check {
		d, err := indexDrift(ctx, st, dir, log)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, d)
		if !d.OK() {
			return errors.New("the search index is not in step with the archive")
		}
		return nil
	}
	start := time.Now()
	bar := newBar(e.stderr, "reindex")
	err = search.Rebuild(ctx, dir, st, search.Options{Logger: log}, bar.update)
	bar.done()
	if err != nil {
		return err
	}
	ix, err := search.OpenExisting(dir, st, search.Options{Logger: log})
	if err != nil {
		return err
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindexed %d documents into %s in %s\n", n, dir, time.Since(start).Round(time.Millisecond))
	return nil
}

// indexDrift compares the index in dir with the archive.
func indexDrift(ctx context.Context, st *archive.Store, dir string, log *slog.Logger) (search.Drift, error) {
	ix, err := search.OpenExisting(dir, st, search.Options{Logger: log})
	if err != nil {
		return search.Drift{}, err
	}
	defer ix.Close()
	return ix.Check(ctx)
}

// openIndex opens (creating if needed) the search index beside the archive.
// The index is derived data: when it cannot be opened the archive still
// works, so the error is logged and nil returned.
func openIndex(st *archive.Store, log *slog.Logger, lag func(uint64)) *search.Index {
	ix, err := search.Open(search.Dir(st.Path()), st, search.Options{Logger: log, Lag: lag})
	if err != nil {
		log.Error("search disabled: the index cannot be opened (gongkai reindex rebuilds it)", "err", err)
		return nil
	}
	return ix
}

// runIndexer keeps ix current in a goroutine until ctx ends; wait blocks
// until it has stopped.
func runIndexer(ctx context.Context, ix *search.Index) (wait func()) {
	if ix == nil {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Go(func() { ix.Run(ctx) })
	return wg.Wait
}

// crawlIndexed runs crawl with the indexer following it in the
// background, then brings the index up to date before returning.
func crawlIndexed(ctx context.Context, st *archive.Store, log *slog.Logger, crawl func() []string) []string {
	ix := openIndex(st, log, nil)
	if ix == nil {
		return crawl()
	}
	defer ix.Close()
	runCtx, stop := context.WithCancel(ctx)
	wait := runIndexer(runCtx, ix)
	failed := crawl()
	stop()
	wait()
	if _, err := ix.CatchUp(ctx); err != nil {
		log.Error("search index behind the archive; the next crawl or daemon start catches up", "err", err)
	}
	return failed
}

// withSearch gives the web server the search index; nil leaves search off.
func withSearch(ix *search.Index) func(*web.Options) {
	return func(o *web.Options) {
		if ix != nil {
			o.Search = ix
		}
	}
}
