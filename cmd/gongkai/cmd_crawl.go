package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func cmdCrawl(ctx context.Context, e *env, args []string) error {
	var c common
	var names stringList
	var noNotify bool
	fs := e.flags("crawl", "[-source NAME]...", "Crawl all (or the named) sources once now, deliver the alerts, then exit.", &c)
	fs.Var(&names, "source", "crawl only this source (repeatable)")
	fs.BoolVar(&noNotify, "no-notify", false, "archive only; leave alerts in the outbox for the daemon")
	var backfill bool
	fs.BoolVar(&backfill, "backfill", false, "walk the columns to their end again from the start pages (for sources first crawled with a max_pages cap); later polls continue it")
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	sources, err := pick(cfg, names)
	if err != nil {
		return err
	}
	st, err := openStore(cfg.DB, log)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, src := range sources {
		if !backfill {
			break
		}
		if err := crawler.StartBackfill(ctx, st, src, time.Now()); err != nil {
			return err
		}
	}
	p := newProgress(e.stderr)
	// One Crawler for every source: its runs share one politeness per host.
	cr := crawler.New(st, crawler.Options{UserAgent: cfg.UserAgent, Location: cfg.Location, Logger: log, Progress: p.update})
	failed := crawlIndexed(ctx, st, log, func() []string { return crawlAll(ctx, cr, sources, e.stdout, p) })
	if !noNotify && len(cfg.Notify) > 0 && ctx.Err() == nil {
		n, err := newNotifier(st, cfg, log)
		if err != nil {
			return err
		}
		fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err = n.Flush(fctx)
		cancel()
		if err != nil {
			log.Warn("some alerts not delivered yet; they stay in the outbox", "err", err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not crawl: %s", strings.Join(failed, "; "))
	}
	return ctx.Err()
}

// pick selects the named sources, all when none is named.
func pick(cfg *config.Config, names []string) ([]config.Source, error) {
	if len(names) == 0 {
		return cfg.Sources, nil
	}
	var out []config.Source
	for _, n := range names {
		found := false
		for _, s := range cfg.Sources {
			if s.Name == n {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("no source named %q (the config has: %s)", n, sortedNames(cfg))
		}
	}
	return out, nil
}

// crawlAll crawls the sources one after another and prints a summary line
// for each; it returns the ones that could not be crawled at all.
func crawlAll(ctx context.Context, cr *crawler.Crawler, sources []config.Source, out io.Writer, p *progress) []string {
	var failed []string
	var total archive.RunStats
	for _, src := range sources {
		if ctx.Err() != nil {
			break
		}
		stats, err := cr.Crawl(ctx, src)
		p.done()
		fmt.Fprintln(out, summary(src.Name, stats, err))
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", src.Name, err))
		}
		total = addStats(total, stats)
	}
	if len(sources) > 1 {
		fmt.Fprintln(out, summary("total", total, nil))
	}
	return failed
}

func summary(name string, s archive.RunStats, err error) string {
	line := fmt.Sprintf("%s: %d list pages, %d documents fetched: %d new, %d changed, %d unchanged, %d withdrawn, %d not due, %d errors in %s",
		name, s.ListPages, s.Fetched, s.New, s.Changed, s.Unchanged, s.Withdrawn, s.Skipped, s.Errors, s.Duration.Round(time.Millisecond))
	if s.Platform != "" {
		line += " (platform " + s.Platform + ")"
	}
	if note := s.WalkNote(); note != "" {
		line += " — " + note
	} else if s.Backfill && err == nil {
		line += " — the column was walked to its end"
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		line += " — FAILED: " + err.Error()
	}
	return line
}

func addStats(a, b archive.RunStats) archive.RunStats {
	a.ListPages += b.ListPages
	a.Fetched += b.Fetched
	a.New += b.New
	a.Changed += b.Changed
	a.Unchanged += b.Unchanged
	a.Withdrawn += b.Withdrawn
	a.Skipped += b.Skipped
	a.Errors += b.Errors
	a.Capped += b.Capped
	a.Duration += b.Duration
	return a
}

// progress shows a one-line live status on stderr when it is a terminal.
type progress struct {
	w   io.Writer
	on  bool
	mu  sync.Mutex
	len int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(source string, s archive.RunStats) {
	if p == nil || !p.on {
		return
	}
	pages := fmt.Sprint(s.ListPages)
	if s.Backfill || s.BackfillPages > 0 {
		pages = fmt.Sprintf("%d (backfill %d", s.ListPages, s.BackfillPages)
		if s.PagesTotal > 0 {
			pages += fmt.Sprintf("/%d", s.PagesTotal)
		}
		pages += ")"
	}
	line := fmt.Sprintf("%s: list pages %s, documents fetched %d — new %d, changed %d, unchanged %d, errors %d",
		source, pages, s.Fetched, s.New, s.Changed, s.Unchanged, s.Errors)
	p.mu.Lock()
	defer p.mu.Unlock()
	pad := max(p.len-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.len = len(line)
}

func (p *progress) done() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.len > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.len))
		p.len = 0
	}
}
