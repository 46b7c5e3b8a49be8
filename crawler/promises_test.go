package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/crawler"
)

// front serves the test site through a handler that may answer document
// requests itself (the site's links are relative, so they lead back here).
type front struct {
	mu      sync.Mutex
	site    *site
	handle  func(w http.ResponseWriter, r *http.Request) bool // true = answered
	srv     *httptest.Server
	headers map[string][]http.Header // document path → request headers seen
	status  map[int]int              // status → count, document requests only
}

func newFront(t *testing.T, s *site) *front {
	f := &front{site: s, headers: map[string][]http.Header{}, status: map[int]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isDoc := strings.HasPrefix(r.URL.Path, "/art/")
		if isDoc {
			f.mu.Lock()
			f.headers[r.URL.Path] = append(f.headers[r.URL.Path], r.Header.Clone())
			f.mu.Unlock()
		}
		rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		f.mu.Lock()
		handle := f.handle
		f.mu.Unlock()
		if handle == nil || !handle(rw, r) {
			s.ServeHTTP(rw, r)
		}
		if isDoc {
			f.mu.Lock()
			f.status[rw.status]++
			f.mu.Unlock()
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *front) setHandler(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handle = h
}

func (f *front) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.headers, f.status = map[string][]http.Header{}, map[int]int{}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Re-fetches are conditional: a document served with an ETag is asked for
// with If-None-Match, one served with only Last-Modified with
// If-Modified-Since, and the 304 answers count as unchanged checks with no
// new version. A plain 200 re-fetch would also find them unchanged, so the
// test looks at what the server received.
func TestConditionalRefetchSendsValidators(t *testing.T) {
	s := newSite(t)
	f := newFront(t, s)
	const lastMod = "Wed, 15 Jan 2025 02:00:00 GMT"
	etag := func(path string) string { return `"e-` + path[strings.LastIndex(path, "_")+1:] + `"` }
	useETag := func(path string) bool {
		return strings.HasSuffix(path, "1.html") || strings.HasSuffix(path, "3.html") || strings.HasSuffix(path, "5.html")
	}
	f.setHandler(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/art/") {
			return false
		}
		if useETag(r.URL.Path) {
			w.Header().Set("ETag", etag(r.URL.Path))
			if r.Header.Get("If-None-Match") == etag(r.URL.Path) {
				w.WriteHeader(http.StatusNotModified)
				return true
			}
			return false
		}
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
		return false
	})
	src := source(s)
	src.Start = []string{f.srv.URL + "/col/col100/index.html"}
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, src)
	f.reset()
	stats := crawl(t, c, src) // revisit 0: every known document is re-fetched
	if stats.Unchanged != nDocs || stats.Errors != 0 || stats.Changed != 0 {
		t.Errorf("re-crawl: %+v, want %d unchanged, no errors", stats, nDocs)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.headers) != nDocs {
		t.Fatalf("re-crawl fetched %d documents, want %d", len(f.headers), nDocs)
	}
	for path, hs := range f.headers {
		h := hs[0]
		if useETag(path) {
			if got := h.Get("If-None-Match"); got != etag(path) {
				t.Errorf("%s: If-None-Match = %q, want %q (the ETag it was served with)", path, got, etag(path))
			}
		} else if got := h.Get("If-Modified-Since"); got != lastMod {
			t.Errorf("%s: If-Modified-Since = %q, want %q (its Last-Modified)", path, got, lastMod)
		}
	}
	if f.status[http.StatusNotModified] != nDocs || f.status[http.StatusOK] != 0 {
		t.Errorf("re-crawl answers: %v, want %d × 304 and no 200", f.status, nDocs)
	}
	if n := versions(t, st); n != nDocs {
		t.Errorf("%d versions after an all-304 poll, want %d", n, nDocs)
	}
}

// A document that vanished from its list and answers 410 Gone is marked
// withdrawn, exactly like a 404.
func TestGoneMarksWithdrawn(t *testing.T) {
	s := newSite(t)
	f := newFront(t, s)
	const gone = "/art/2025/1/3/art_100_3.html"
	src := source(s)
	src.Start = []string{f.srv.URL + "/col/col100/index.html"}
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, src)
	s.edit(func(s *site) { s.docs[2].removed = true })
	f.setHandler(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != gone {
			return false
		}
		http.Error(w, "gone", http.StatusGone)
		return true
	})
	stats := crawl(t, c, src)
	if stats.Withdrawn != 1 || stats.Errors != 0 {
		t.Fatalf("after a 410: %+v, want 1 withdrawn and no errors", stats)
	}
	f.mu.Lock()
	answers := f.status[http.StatusGone]
	f.mu.Unlock()
	if answers != 1 {
		t.Fatalf("the server answered %d × 410; the test wants one", answers)
	}
	d, err := st.Lookup(ctx, f.srv.URL+gone)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != archive.StatusWithdrawn || !strings.Contains(d.WithdrawnReason, "410") {
		t.Errorf("doc after a 410: status %q reason %q, want withdrawn for HTTP 410", d.Status, d.WithdrawnReason)
	}
}

// The first crawl is a quiet baseline until one completes: a first crawl
// cut short (its context ended) and the run that completes it send no
// alert, not even for a document archived by the cut run that vanished
// before the next (its withdrawal is part of the baseline too).
func TestBaselineQuietUntilAFirstCrawlCompletes(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	cut, cancel := context.WithCancel(ctx)
	defer cancel()
	c := crawler.New(st, crawler.Options{Backoff: time.Millisecond, Progress: func(_ string, rs archive.RunStats) {
		if rs.New >= 3 {
			cancel()
		}
	}})
	if _, err := c.Crawl(cut, source(s)); err == nil {
		t.Fatal("a crawl whose context ended reported success")
	}
	if state, _ := st.Source(ctx, "ninghai"); state.Baselined {
		t.Fatal("a cut first crawl completed the baseline")
	}
	var gone *page
	for _, p := range s.docs {
		if _, err := st.Lookup(ctx, s.srv.URL+s.docPath(p)); err == nil {
			gone = p
			break
		}
	}
	if gone == nil {
		t.Fatal("the cut crawl archived nothing")
	}
	s.edit(func(*site) { gone.removed = true })
	stats := crawl(t, newCrawler(st), source(s))
	if stats.Withdrawn != 1 {
		t.Fatalf("completing crawl: %+v, want the vanished document withdrawn", stats)
	}
	if items, _ := st.Outbox(ctx, 0); len(items) != 0 {
		t.Errorf("the baseline (a cut first crawl and the one completing it) queued %d alerts, want 0: %+v", len(items), items)
	}
}
