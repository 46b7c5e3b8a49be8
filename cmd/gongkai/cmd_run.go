package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/schedule"
)

func cmdRun(ctx context.Context, e *env, args []string) error {
	var c common
	var now bool
	fs := e.flags("run", "", "The daemon: crawl every source on its schedule, deliver alerts, serve the web UI and API until SIGINT/SIGTERM.", &c)
	fs.BoolVar(&now, "now", false, "also crawl every source once at start")
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	st, err := openStore(cfg.DB, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", cfg.Web.Listen)
	if err != nil {
		return fmt.Errorf("web.listen %s: %w", cfg.Web.Listen, err)
	}
	d := &daemon{cfg: cfg, st: st, log: log, crawler: newCrawler(st, cfg, log, nil)}
	fmt.Fprintf(e.stdout, "gongkai: archive %s, %d source(s), web UI on http://%s/\n", cfg.DB, len(cfg.Sources), ln.Addr())
	return d.serve(ctx, ln, now)
}

// daemon owns the long-running parts: scheduler, notifier, web server.
// Their goroutines all end before serve returns.
type daemon struct {
	cfg     *config.Config
	st      *archive.Store
	log     *slog.Logger
	crawler *crawler.Crawler
}

func (d *daemon) serve(ctx context.Context, ln net.Listener, crawlNow bool) error {
	notifier, err := newNotifier(d.st, d.cfg, d.log)
	if err != nil {
		return err
	}
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	sched := schedule.New(schedule.Options{Location: d.cfg.Location, Logger: d.log})
	for _, src := range d.cfg.Sources {
		if err := sched.Add(src.Name, src.Schedule, func(ctx context.Context) { d.crawlOne(ctx, src); poke() }); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: newWeb(d.st, d.cfg, d.log, sched.Next), ReadHeaderTimeout: 10 * time.Second}

	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("web server: %w", err)
		}
	}()
	runCtx, stopRun := context.WithCancel(ctx)
	go func() {
		defer wg.Done()
		if err := notifier.Run(runCtx, wake); err != nil && !errors.Is(err, context.Canceled) {
			errc <- fmt.Errorf("notifier: %w", err)
		}
	}()
	sched.Start(runCtx)
	for _, src := range d.cfg.Sources {
		next, _ := sched.Next(src.Name)
		d.log.Info("scheduled", "source", src.Name, "schedule", src.Schedule, "next", next.In(d.cfg.Location).Format(time.DateTime))
	}
	if crawlNow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, src := range d.cfg.Sources {
				if runCtx.Err() != nil {
					return
				}
				d.crawlOne(runCtx, src)
				poke()
			}
		}()
	}

	var runErr error
	select {
	case <-ctx.Done():
		d.log.Info("stopping: letting running crawls finish their current write")
	case runErr = <-errc:
	}
	stopRun()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := sched.Stop(stopCtx); err != nil {
		d.log.Error("stop", "err", err)
	}
	if err := srv.Shutdown(stopCtx); err != nil {
		d.log.Error("web server shutdown", "err", err)
	}
	wg.Wait()
	d.log.Info("stopped")
	return runErr
}

func (d *daemon) crawlOne(ctx context.Context, src config.Source) {
	stats, err := d.crawler.Crawl(ctx, src)
	if err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("crawl failed", "source", src.Name, "err", err)
		return
	}
	d.log.Info("crawled", "source", src.Name, "platform", stats.Platform, "list_pages", stats.ListPages,
		"fetched", stats.Fetched, "new", stats.New, "changed", stats.Changed, "unchanged", stats.Unchanged,
		"withdrawn", stats.Withdrawn, "errors", stats.Errors, "duration", stats.Duration.Round(time.Millisecond),
		"walk", stats.WalkNote())
}
