package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/metrics"
	"github.com/gongkai/gongkai/notify"
	"github.com/gongkai/gongkai/schedule"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
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
	m := metrics.New(metrics.Options{Archive: st, Logger: log})
	ix := openIndex(st, log, m.SetIndexLag)
	if ix != nil {
		defer ix.Close()
	}
	d := &daemon{cfg: cfg, st: st, log: log, crawler: newCrawler(st, cfg, log, nil), index: ix,
		configPath: c.config, load: func() (*config.Config, error) { return e.loadConfig(c, log) },
		metrics: m}
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
	index   *search.Index // nil when it cannot be opened: search is off, archiving is not
	poke    func()        // wakes the notifier after a poll
	next    func(source string) (time.Time, bool)

	configPath string
	load       func() (*config.Config, error) // reads the config again (reload)
	metrics    *metrics.Metrics
	set        sourceSet // the scheduled sources (reload.go)
}

func (d *daemon) serve(ctx context.Context, ln net.Listener, crawlNow bool) error {
	hup, stopHup := notifyReload()
	defer stopHup()
	notifier, err := newNotifier(d.st, d.cfg, d.log, func(o *notify.Options) { o.Delivered = d.metrics.Delivery })
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
	d.poke = poke
	sched := schedule.New(schedule.Options{Location: d.cfg.Location, Logger: d.log})
	d.next = sched.Next
	if _, _, _, err := d.apply(sched, d.cfg.Sources); err != nil {
		return err
	}
	d.metrics.SetSources(d.set.names())
	srv := web.HTTPServer(newWeb(d.st, d.cfg, d.log, sched.Next, func(o *web.Options) {
		o.Health, o.Metrics = d.health, d.metrics.Handler()
	}, withSearch(d.index)))
	lim := newLimiter(d.log, d.st, d.index)
	srv.Handler = lim.Wrap(srv.Handler)

	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(4)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("web server: %w", err)
		}
	}()
	runCtx, stopRun := context.WithCancel(ctx)
	// The index follows the archive behind the crawl; it catches up on
	// whatever the last run committed before it stopped.
	defer runIndexer(runCtx, d.index)()
	go func() {
		defer wg.Done()
		if err := notifier.Run(runCtx, wake); err != nil && !errors.Is(err, context.Canceled) {
			errc <- fmt.Errorf("notifier: %w", err)
		}
	}()
	go func() {
		defer wg.Done()
		d.watchReload(runCtx, hup, sched)
	}()
	go func() {
		defer wg.Done()
		lim.Run(runCtx)
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
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownWait)
	defer cancel()
	if err := sched.Stop(stopCtx); err != nil {
		d.log.Error("stop", "err", err)
	}
	if err := srv.Shutdown(stopCtx); err != nil {
		d.log.Error("web server shutdown", "err", err)
	}
	// Bounded: a part that ignores its cancelled context must not keep the
	// daemon alive after SIGTERM (a service manager would kill -9 it).
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-stopCtx.Done():
		d.log.Error("stopping: gave up waiting for running work", "waited", shutdownWait)
	}
	d.log.Info("stopped")
	return runErr
}

// job is a source's scheduled poll.
func (d *daemon) job(src config.Source) schedule.Job {
	return func(ctx context.Context) { d.crawlOne(ctx, src); d.poke() }
}

// health is what the daemon adds to /api/health: its pid (a command that
// changed the config, like gongkai add, sends it SIGHUP), the scheduled
// sources with their next poll, and the last config reload.
func (d *daemon) health() map[string]any {
	scheduled := map[string]time.Time{}
	for _, name := range d.set.names() {
		scheduled[name], _ = d.next(name)
	}
	out := map[string]any{"pid": os.Getpid(), "scheduled": scheduled}
	if st := d.set.status(); st != nil {
		out["reload"] = st
	}
	return out
}

// shutdownWait bounds how long the daemon waits, after SIGINT/SIGTERM, for
// running crawls to write their current document and for the other parts
// to stop. systemd's default stop timeout is 90 s.
const shutdownWait = 30 * time.Second

func (d *daemon) crawlOne(ctx context.Context, src config.Source) {
	if !d.set.tryStart(src.Name) {
		d.log.Info("poll skipped: the previous one is still running", "source", src.Name)
		return
	}
	defer d.set.done(src.Name)
	stats, err := d.crawler.Crawl(ctx, src)
	if d.index != nil {
		d.index.Notify()
	}
	if d.metrics != nil {
		state, serr := d.st.Source(context.WithoutCancel(ctx), src.Name)
		if serr != nil {
			d.log.Warn("metrics: source state", "source", src.Name, "err", serr)
		}
		d.metrics.Poll(src.Name, metrics.Outcome(err, state), stats)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("crawl failed", "source", src.Name, "err", err)
		return
	}
	d.log.Info("crawled", "source", src.Name, "platform", stats.Platform, "list_pages", stats.ListPages,
		"fetched", stats.Fetched, "new", stats.New, "changed", stats.Changed, "unchanged", stats.Unchanged,
		"withdrawn", stats.Withdrawn, "errors", stats.Errors, "duration", stats.Duration.Round(time.Millisecond),
		"walk", stats.WalkNote())
}
