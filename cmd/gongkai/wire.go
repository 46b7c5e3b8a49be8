package main

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/feed"
	"github.com/gongkai/gongkai/internal/mapped"
	"github.com/gongkai/gongkai/notify"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
)

func targets(cfg *config.Config) []notify.Target {
	var out []notify.Target
	for _, t := range cfg.Notify {
		out = append(out, notify.Target{Name: t.Name, Webhook: t.Webhook, Secret: t.Secret, URL: t.URL,
			Sources: t.Sources, Events: t.Events, Match: t.Match, Exclude: t.Exclude, Digest: t.Digest})
	}
	return out
}

func newCrawler(st *archive.Store, cfg *config.Config, log *slog.Logger, transport http.RoundTripper) *crawler.Crawler {
	return crawler.New(st, crawler.Options{UserAgent: cfg.UserAgent, Location: cfg.Location, Logger: log, Transport: transport})
}

// newNotifier builds the notifier; the daemon's extra options (its
// metrics hook) come as funcs.
func newNotifier(st *archive.Store, cfg *config.Config, log *slog.Logger, extra ...func(*notify.Options)) (*notify.Notifier, error) {
	o := notify.Options{Targets: targets(cfg), Logger: log, BaseURL: cfg.Web.BaseURL}
	for _, fn := range extra {
		fn(&o)
	}
	return notify.New(st, o)
}

// newWeb builds the web server; the daemon's extra options (its health
// hook) come as funcs.
func newWeb(st *archive.Store, cfg *config.Config, log *slog.Logger, next func(string) (time.Time, bool), extra ...func(*web.Options)) *web.Server {
	o := web.Options{Logger: log, Schedule: next, BaseURL: cfg.Web.BaseURL, TempDir: filepath.Dir(cfg.DB),
		Listen: cfg.Web.Listen, Auth: web.Auth(cfg.Web.Auth),
		Feed: func(events []archive.Event, o web.FeedOptions) ([]byte, error) {
			return feed.Atom(events, feed.Options{Title: o.Title, SelfURL: o.SelfURL, BaseURL: o.BaseURL, Updated: o.Updated})
		}}
	for _, fn := range extra {
		fn(&o)
	}
	return web.New(st, o)
}

// newLimiter keeps the pages of the archive and the index that reads map
// into the process from piling up in its resident set (internal/mapped).
// ix may be nil (search off).
func newLimiter(log *slog.Logger, st *archive.Store, ix *search.Index) *mapped.Limiter {
	rs := []mapped.Releaser{st}
	if ix != nil {
		rs = append(rs, ix)
	}
	return &mapped.Limiter{Logger: log, Release: rs}
}
