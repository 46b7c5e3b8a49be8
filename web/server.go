// Package web serves the archive to people and programs: server-rendered
// pages for archivists (sources, a source's documents, a document with its
// version timeline, one version, the diff of two versions, the archived raw
// page, events, search, Atom feeds) and a JSON API under /api/ with the same
// data, the JSON Lines export and a hot backup of the database.
//
// It only reads the archive. Raw pages are untrusted: they are served from
// their own path under a sandboxing Content-Security-Policy and are never
// inlined into the UI.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/diff"
	"github.com/gongkai/gongkai/search"
)

// Reader is the part of the archive the web server reads. *archive.Store
// satisfies it.
type Reader interface {
	Sources(ctx context.Context) ([]archive.SourceState, error)
	List(ctx context.Context, q archive.ListQuery) (archive.Page, error)
	Doc(ctx context.Context, id uint64) (archive.Doc, error)
	Lookup(ctx context.Context, ref string) (archive.Doc, error)
	Versions(ctx context.Context, id uint64) ([]archive.Version, error)
	Version(ctx context.Context, id uint64, n int) (archive.Version, error)
	Capture(ctx context.Context, id uint64, n int) (archive.Capture, error)
	Events(ctx context.Context, q archive.EventQuery) ([]archive.Event, error)
	ForEachVersion(ctx context.Context, since time.Time, fn func(archive.Doc, archive.Version) error) error
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// Searcher runs full-text searches. *search.Index satisfies it.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (search.Result, error)
}

// FeedOptions describe the Atom feed Options.Feed is asked to build.
type FeedOptions struct {
	Title   string
	SelfURL string    // absolute URL of the feed itself
	BaseURL string    // absolute URL of the web UI, for entry links
	Updated time.Time // newest event, or now when there is none
}

// Options configure a Server. The zero value works: no logging, no
// schedule, no feeds, links relative to the request's host.
type Options struct {
	Logger *slog.Logger
	// Schedule gives a source's next scheduled run; nil means unknown.
	Schedule func(source string) (next time.Time, ok bool)
	// Feed renders events as an Atom document. Nil disables /feed.atom and
	// /sources/NAME/feed.atom (they answer 404).
	Feed func(events []archive.Event, o FeedOptions) ([]byte, error)
	// BaseURL is the public URL of the UI (e.g. "https://archive.example.org"),
	// used for absolute links in feeds. Empty means derived from the request.
	BaseURL string
	// PageSize is how many documents a list page shows; 0 means 50.
	PageSize int
	// Search answers /search, /api/search and the q= filter of list pages;
	// nil means search is unavailable (those answer 503).
	Search Searcher
	// Listen is the address the server listens on. When set, only requests
	// whose Host is a loopback name, an IP address, Listen's host or
	// BaseURL's host are answered (against DNS rebinding), and unless it is
	// loopback, /api/backup and /api/export need Auth. "" = no Host check.
	Listen string
	// Auth, when set, is required on every request.
	Auth Auth
	// TempDir holds the snapshot /api/backup streams from (as large as the
	// archive); "" means the system's temporary directory.
	TempDir string
	// Health, if set, adds the daemon's own state (its last config
	// reload) to /api/health.
	Health func() map[string]any
	// Metrics, if set, is served at /metrics behind the same Host check
	// and auth as every other page.
	Metrics http.Handler
}

// Server is the web UI and JSON API. It is an http.Handler.
type Server struct {
	r     Reader
	log   *slog.Logger
	o     Options
	mux   *http.ServeMux
	pages map[string]*template.Template
	auth  verified

	diffs     *lru[diff.Result]
	summaries *lru[timelineSummary]
}

//go:embed templates/*.html static/*
var assets embed.FS

// New returns a Server reading r.
func New(r Reader, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
	s := &Server{r: r, log: o.Logger, o: o, mux: http.NewServeMux(), pages: parsePages(),
		diffs: newLRU[diff.Result](diffEntries, diffBytes), summaries: newLRU[timelineSummary](summaryEntries, summaryEntries*256)}
	s.routes()
	return s
}

func (s *Server) routes() {
	m := s.mux
	if s.o.Metrics != nil {
		m.Handle("GET /metrics", s.o.Metrics)
	}
	m.HandleFunc("GET /{$}", s.sourcesPage)
	m.HandleFunc("GET /sources/{name}", s.sourcePage)
	m.HandleFunc("GET /docs/{id}", s.docPage)
	m.HandleFunc("GET /docs/{id}/v/{n}", s.versionPage)
	m.HandleFunc("GET /docs/{id}/v/{n}/raw", s.rawPage)
	m.HandleFunc("GET /docs/{id}/diff", s.diffPage)
	m.HandleFunc("GET /events", s.eventsPage)
	m.HandleFunc("GET /search", s.searchPage)
	m.HandleFunc("GET /feed.atom", s.feed)
	m.HandleFunc("GET /sources/{name}/feed.atom", s.feed)
	m.Handle("GET /static/", http.FileServerFS(assets))
	m.HandleFunc("/", s.notFoundPage)

	m.HandleFunc("GET /api/health", s.apiHealth)
	m.HandleFunc("GET /api/sources", s.apiSources)
	m.HandleFunc("GET /api/docs", s.apiDocs)
	m.HandleFunc("GET /api/search", s.apiSearch)
	m.HandleFunc("GET /api/docs/{id}", s.apiDoc)
	m.HandleFunc("GET /api/docs/{id}/versions/{n}", s.apiVersion)
	m.HandleFunc("GET /api/docs/{id}/diff", s.apiDiff)
	m.HandleFunc("GET /api/events", s.apiEvents)
	m.HandleFunc("GET /api/lookup", s.apiLookup)
	m.HandleFunc("GET /api/export", s.apiExport)
	m.HandleFunc("GET /api/backup", s.apiBackup)
	m.HandleFunc("/api/", s.apiNotFound)
}

// ServeHTTP serves the UI and the API, logging each request at debug level.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if !s.guard(rec, r) {
		s.mux.ServeHTTP(rec, r)
	}
	s.log.Debug("http request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// badRequest is a client error in the query string or path parameters.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// status maps an error to the HTTP status it deserves.
func status(err error) int {
	var br badRequest
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest
	case errors.Is(err, archive.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, search.ErrBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, errNoSearch):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
