package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/demo"
	"github.com/gongkai/gongkai/web"

	"github.com/gongkai/gongkai/internal/chinatime"
)

func cmdDemo(ctx context.Context, e *env, args []string) error {
	var listen, keep string
	var once, verbose bool
	fs := e.flags("demo", "", `Serve a bundled sample disclosure site on loopback (five real annual reports
in a Hanweb-style column), crawl it into a temporary archive, let the
publisher silently correct one report and post a notice, crawl again, and
serve the web UI so you can browse the versions and the diff.`, nil)
	fs.StringVar(&listen, "listen", config.DefaultListen, "where to serve the web UI (another free port is used if it is taken)")
	fs.StringVar(&keep, "keep", "", "keep the demo archive in this directory instead of a temporary one")
	fs.BoolVar(&once, "once", false, "exit after the two crawls instead of serving the UI")
	fs.BoolVar(&verbose, "v", false, "verbose logging")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := e.loggerAt(slog.LevelWarn) // the demo prints its own story
	if verbose {
		log = e.logger(true)
	}

	site := demo.New()
	siteLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo site: %w", err)
	}
	siteSrv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	go siteSrv.Serve(siteLn)
	defer siteSrv.Close()
	base := "http://" + siteLn.Addr().String()

	dir := keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gongkai-demo-"); err != nil {
			return fmt.Errorf("demo archive: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo archive: %w", err)
	}
	cfg := &config.Config{DB: filepath.Join(dir, "gongkai.db"), UserAgent: config.DefaultUserAgent,
		Web: config.Web{Listen: listen}}
	cfg.Location = chinatime.Location()
	src := config.Source{Name: "demo-ninghai", Start: []string{site.ListURL(base)}, Schedule: "@daily",
		Delay: 20 * time.Millisecond, Revisit: 0, MaxPages: 50, PollPages: 3, Parallel: 2, Retries: 3,
		Timeout: 10 * time.Second, MaxBody: config.DefaultMaxBody, Robots: true}
	cfg.Sources = []config.Source{src}
	st, err := openStore(cfg.DB, log)
	if err != nil {
		return err
	}
	defer st.Close()

	fmt.Fprintf(e.stdout, "Sample disclosure site: %s\nArchive: %s\n\n", src.Start[0], cfg.DB)
	cr := crawler.New(st, crawler.Options{UserAgent: cfg.UserAgent, Location: cfg.Location, Logger: log})
	first, err := cr.Crawl(ctx, src)
	fmt.Fprintln(e.stdout, summary("first crawl (baseline, no alerts)", first, err))
	if err != nil {
		return err
	}
	site.Edit()
	fmt.Fprintln(e.stdout, "… the publisher silently corrects one report and posts a new notice …")
	second, err := cr.Crawl(ctx, src)
	fmt.Fprintln(e.stdout, summary("second crawl", second, err))
	if err != nil {
		return err
	}
	changed := firstChanged(ctx, st)
	if once {
		fmt.Fprintf(e.stdout, "\nNothing else changed: the view counters, clocks and tokens that differ on every request made no version.\n")
		return nil
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		log.Warn("web.listen taken, using another port", "listen", listen, "err", err)
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fmt.Errorf("web UI: %w", err)
		}
	}
	ui := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "\nOpen the archive:   %s/\n", ui)
	if changed != nil {
		fmt.Fprintf(e.stdout, "The corrected report, v1 → v2: %s/docs/%d/diff?a=1&b=2\n", ui, changed.Doc)
	}
	fmt.Fprintf(e.stdout, "Events as Atom:     %s/feed.atom\nJSON API:           %s/api/docs\n\nPress Ctrl-C to stop", ui, ui)
	if keep == "" {
		fmt.Fprint(e.stdout, " (the temporary archive is removed)")
	}
	fmt.Fprintln(e.stdout, ".")
	ix := openIndex(st, log, nil)
	if ix != nil {
		defer ix.Close()
		if _, err := ix.CatchUp(ctx); err != nil {
			return err
		}
	}
	srv := web.HTTPServer(newWeb(st, cfg, log, nil, withSearch(ix)))
	lim := newLimiter(log, st, ix)
	srv.Handler = lim.Wrap(srv.Handler)
	limCtx, stopLim := context.WithCancel(ctx)
	var limDone sync.WaitGroup
	limDone.Go(func() { lim.Run(limCtx) })
	defer limDone.Wait()
	defer stopLim()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("web UI: %w", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// firstChanged finds the demo's corrected report (the newest changed event).
func firstChanged(ctx context.Context, st *archive.Store) *archive.Event {
	evs, err := st.Events(ctx, archive.EventQuery{Limit: 20})
	if err != nil {
		return nil
	}
	for _, ev := range evs {
		if ev.Kind == archive.EventChanged {
			return &ev
		}
	}
	return nil
}
