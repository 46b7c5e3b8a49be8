package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// feedEntries is how many recent events a feed carries.
const feedEntries = 50

// feed serves /feed.atom (every source) and /sources/NAME/feed.atom. Only
// non-baseline events appear: a source's first crawl is not news.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	if s.o.Feed == nil {
		s.notFoundPage(w, r)
		return
	}
	name := r.PathValue("name")
	title := "gongkai: all sources"
	if name != "" {
		if _, err := s.knownSource(r, name); err != nil {
			s.errorPage(w, r, err)
			return
		}
		title = "gongkai: " + name
	}
	events, err := s.r.Events(r.Context(), archive.EventQuery{Source: name, Limit: feedEntries})
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	base := s.baseURL(r)
	updated := time.Now()
	if len(events) > 0 {
		updated = events[0].FetchedAt
	}
	body, err := s.o.Feed(events, FeedOptions{Title: title, SelfURL: base + r.URL.EscapedPath(), BaseURL: base, Updated: updated})
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("render feed: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(body)
}

// baseURL is Options.BaseURL, or the scheme and host the request came to
// when that host is one the server answers for (see guard), else the
// listen address: links are never built from a Host nobody vetted.
func (s *Server) baseURL(r *http.Request) string {
	if s.o.BaseURL != "" {
		return strings.TrimSuffix(s.o.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if s.o.Listen != "" && !s.hostAllowed(host) {
		host = s.o.Listen
	}
	return scheme + "://" + host
}
