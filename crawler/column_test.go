package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

// column is a TRS-style disclosure column of pages list pages with per
// documents each, newest first. With script set, page 0 declares the page
// count (createPageHTML) and so queues every page at once; without it
// each page links only the next one (下一页), so a walk can only go on
// from where it stopped.
type column struct {
	srv    *httptest.Server
	pages  int
	per    int
	script bool
	mu     sync.Mutex
	hits   map[string]int
	times  []time.Time // arrival of every request, in order
	// block, if set, is called before a request is answered (a test
	// holds the crawl there to stop it halfway).
	block  func(path string)
	fail   map[string]int // path → requests still to answer 503
	robots string         // robots.txt; default disallows /private/
}

func newColumn(t *testing.T, pages, per int, script bool) *column {
	c := &column{pages: pages, per: per, script: script, hits: map[string]int{}, fail: map[string]int{}}
	c.srv = httptest.NewServer(c)
	t.Cleanup(c.srv.Close)
	return c
}

func (c *column) listURL(col string) string { return c.srv.URL + "/" + col + "/index.html" }

func (c *column) docs() int { return c.pages * c.per }

func (c *column) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.hits[r.URL.RequestURI()]++
	c.times = append(c.times, time.Now())
	block := c.block
	c.mu.Unlock()
	if block != nil {
		block(r.URL.Path)
	}
	c.mu.Lock()
	fail := c.fail[r.URL.Path] > 0
	if fail {
		c.fail[r.URL.Path]--
	}
	c.mu.Unlock()
	if fail {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var col string
	var page, id int
	switch {
	case r.URL.Path == "/robots.txt":
		robots := c.robots
		if robots == "" {
			robots = "User-agent: *\nDisallow: /private/\n"
		}
		fmt.Fprint(w, robots)
	case scan(r.URL.Path, "/%3s/index.html", &col):
		c.list(w, col, 0)
	case scan(r.URL.Path, "/%3s/index_%d.html", &col, &page) && page < c.pages:
		c.list(w, col, page)
	case scan(r.URL.Path, "/%3s/202501/t20250101_%d.html", &col, &id) && id < c.docs():
		fmt.Fprint(w, detailPage(fmt.Sprintf("关于%s第%d号事项的公告", col, id), fmt.Sprintf("第%d号公告正文。\n特此公告。", id)))
	default:
		http.NotFound(w, r)
	}
}

func scan(s, format string, args ...any) bool {
	n, err := fmt.Sscanf(s, format, args...)
	return err == nil && n == len(args)
}

func (c *column) list(w http.ResponseWriter, col string, page int) {
	fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul class="list">`)
	for i := page * c.per; i < (page+1)*c.per; i++ {
		fmt.Fprintf(w, `<li><a href="./202501/t20250101_%d.html">关于%s第%d号事项的公告</a><span>2025-01-01</span></li>`+"\n", i, col, i)
	}
	fmt.Fprint(w, `</ul>`)
	if c.script {
		fmt.Fprintf(w, `<script>createPageHTML(%d, %d, "index", "html");</script>`, c.pages, page)
	} else if page+1 < c.pages {
		fmt.Fprintf(w, `<div class="page"><a href="index_%d.html">下一页</a></div>`, page+1)
	}
	fmt.Fprint(w, `</body></html>`)
}

// maxHits is the most any one document URL was requested.
func (c *column) maxDocHits() (string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	worst, m := "", 0
	for u, n := range c.hits {
		if strings.Contains(u, "/t2025") && n > m {
			worst, m = u, n
		}
	}
	return worst, m
}

// refetched lists the document URLs requested more than once.
func (c *column) refetched() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for u, n := range c.hits {
		if strings.Contains(u, "/t2025") && n > 1 {
			out = append(out, fmt.Sprintf("%s ×%d", u, n))
		}
	}
	return out
}

func (c *column) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for u, h := range c.hits {
		if strings.Contains(u, prefix) {
			n += h
		}
	}
	return n
}

// columnSource is a source as gongkai.yaml would give it, without delay.
func columnSource(c *column, col string) config.Source {
	return config.Source{Name: col, Start: []string{c.listURL(col)}, Revisit: 168 * time.Hour,
		PollPages: config.DefaultPollPages, Parallel: 1, Retries: 2, Robots: true,
		MaxDocs: config.DefaultMaxDocs, MaxPageDocs: config.DefaultMaxPageDocs}
}

func liveDocs(t *testing.T, st *archive.Store, source string) int {
	t.Helper()
	docs, err := st.Known(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	return len(docs)
}

// A column of 150 list pages is archived whole by one first crawl with
// the default limits: no max_pages cap cuts it at 50.
func TestBackfillWholeColumnByDefault(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 150, 2, true)
	st := archivetest.Open(t)
	stats := crawl(t, newCrawler(st), columnSource(c, "aaa"))
	if stats.ListPages != 150 || stats.New != c.docs() || stats.Stopped != "" || stats.Continues {
		t.Errorf("first crawl = %+v, want all %d documents from 150 list pages, not stopped", stats, c.docs())
	}
	if stats.PagesTotal != 150 {
		t.Errorf("PagesTotal = %d, want the 150 the column declares", stats.PagesTotal)
	}
	if n := liveDocs(t, st, "aaa"); n != c.docs() {
		t.Errorf("%d documents archived, want %d", n, c.docs())
	}
	if _, ok, _ := st.Frontier(ctx, "aaa"); ok {
		t.Error("a finished backfill left its frontier behind")
	}
	if u, n := c.maxDocHits(); n != 1 {
		t.Errorf("%s fetched %d times, want once", u, n)
	}
}

// max_pages and run_budget cut one run's backfill; the summary says so,
// and the next polls continue where it stopped, fetching no archived
// document again, until the column is complete.
func TestBackfillResumesAfterCap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		script  bool
		set     func(*config.Source)
		stopped string
	}{
		{"max_pages, next links", false, func(s *config.Source) { s.MaxPages = 10 }, "max_pages"},
		{"max_pages, declared pages", true, func(s *config.Source) { s.MaxPages = 10 }, "max_pages"},
		{"max_docs", false, func(s *config.Source) { s.MaxDocs = 25 }, "max_docs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newColumn(t, 24, 3, tc.script)
			st := archivetest.Open(t)
			cr := newCrawler(st)
			src := columnSource(c, "bbb")
			tc.set(&src)
			first := crawl(t, cr, src)
			if first.Stopped != tc.stopped || !first.Continues || first.New == 0 || first.New >= c.docs() {
				t.Fatalf("first crawl = %+v, want some documents, stopped by %s, continuing", first, tc.stopped)
			}
			if tc.script && (first.LeftPages != 24-first.BackfillPages || first.LeftDocs != 3*first.LeftPages) {
				t.Errorf("left %d pages, %d documents; want %d and %d (the column declares 24 pages)", first.LeftPages, first.LeftDocs, 24-first.BackfillPages, 3*(24-first.BackfillPages))
			}
			state, _ := st.Source(ctx, "bbb")
			if state.Backfill == nil || state.Backfill.Pages == 0 || state.Backfill.Pages > first.BackfillPages {
				t.Errorf("source state backfill = %+v, want up to %d pages walked", state.Backfill, first.BackfillPages)
			}
			runs := 1
			for ; runs < 10; runs++ {
				if _, ok, _ := st.Frontier(ctx, "bbb"); !ok {
					break
				}
				crawl(t, cr, src)
			}
			if n := liveDocs(t, st, "bbb"); n != c.docs() {
				t.Fatalf("after %d runs: %d documents, want %d", runs, n, c.docs())
			}
			if u, n := c.maxDocHits(); n != 1 {
				t.Errorf("%s fetched %d times over %d runs, want once", u, n, runs)
			}
			events, err := st.Events(ctx, archive.EventQuery{Source: "bbb", IncludeBaseline: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if !e.Baseline {
					t.Errorf("backfilled document alerted as %s: %s", e.Kind, e.URL)
				}
			}
		})
	}
}

// A backfill stopped halfway (the daemon stopping: ctx cancelled) resumes
// from its frontier: the next run does not fetch an archived document
// again and walks the list pages already walked at most once more.
func TestBackfillResumesAfterInterrupt(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 30, 3, false)
	st := archivetest.Open(t)
	cr := newCrawler(st)
	src := columnSource(c, "ccc")
	cctx, cancel := context.WithCancel(ctx)
	var once sync.Once
	c.block = func(p string) {
		if strings.HasSuffix(p, "/index_15.html") {
			once.Do(cancel)
		}
	}
	if _, err := cr.Crawl(cctx, src); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted crawl = %v, want context.Canceled", err)
	}
	c.block = nil
	half := liveDocs(t, st, "ccc")
	f, ok, _ := st.Frontier(ctx, "ccc")
	// How far the frontier got depends on scheduling: the walk reads a page
	// ahead of the fetchers, and a document still in one processor at the
	// stop holds the frontier before its page while the other processor
	// completes later pages (on a loaded machine it stayed at page 8 while
	// pages 10-14 were archived). What matters is checked below: no
	// archived document is fetched again, and no page before the frontier
	// is read again.
	if !ok || f.Pages < 3 || half < 30 {
		t.Fatalf("after the interrupt: %d documents, frontier %v after %d pages; want about half, resumable", half, ok, f.Pages)
	}
	stats := crawl(t, cr, src)
	if n := liveDocs(t, st, "ccc"); n != c.docs() {
		t.Fatalf("after the resumed run: %d documents, want %d (%+v)", n, c.docs(), stats)
	}
	// Only the responses in hand at the interrupt (one per fetcher and
	// processor) were not archived and are fetched again.
	if again := c.refetched(); len(again) > 2 {
		t.Errorf("fetched again: %v, want at most the 2 in flight", again)
	}
	// The resumed run reads page 1 (the head) and from the frontier on:
	// the pages walked before the interrupt are not read again.
	if stats.ListPages > 30-f.Pages+2 {
		t.Errorf("resumed run read %d list pages; the frontier was at page %d of 30", stats.ListPages, f.Pages)
	}
	if _, ok, _ := st.Frontier(ctx, "ccc"); ok {
		t.Error("frontier still there after the backfill finished")
	}
}

// A backfill list page that cannot be read (after its retries) does not
// end the backfill as if the column ended there: the summary says so and
// the next run walks on from that page.
func TestBackfillListPageErrorContinues(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 12, 2, false)
	c.fail["/ggg/index_5.html"] = 2 // retries 2: the first run gives up on it
	st := archivetest.Open(t)
	cr := newCrawler(st)
	src := columnSource(c, "ggg")
	first := crawl(t, cr, src)
	if first.Stopped != "list page errors" || !first.Continues || first.LeftPages != 1 || first.New != 10 {
		t.Fatalf("first crawl = %+v, want 10 documents, stopped by a list page error, 1 page left, continuing", first)
	}
	second := crawl(t, cr, src)
	if n := liveDocs(t, st, "ggg"); n != c.docs() || second.Stopped != "" || second.Continues {
		t.Fatalf("after the second run: %d documents (%+v), want all %d, walk complete", n, second, c.docs())
	}
	if _, ok, _ := st.Frontier(ctx, "ggg"); ok {
		t.Error("frontier still there after the backfill finished")
	}
}

// A source none of whose list pages can be read fails, and leaves no
// frontier: there is nothing to resume.
func TestDeadSourceLeavesNoFrontier(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 3, 2, false)
	c.fail["/hhh/index.html"] = 100
	st := archivetest.Open(t)
	if _, err := newCrawler(st).Crawl(ctx, columnSource(c, "hhh")); !errors.Is(err, crawler.ErrNoListPage) {
		t.Fatalf("Crawl = %v, want ErrNoListPage", err)
	}
	if f, ok, _ := st.Frontier(ctx, "hhh"); ok {
		t.Errorf("a dead source left a frontier: %+v", f)
	}
}

// A list page linking thousands of URLs (query-string variants of one
// static article, and distinct dynamic pages) makes no more document
// requests than max_docs allows, and the static variants are one document.
func TestFanOutBoundedByMaxDocs(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/col/col1/index.html":
			fmt.Fprint(w, `<html><body><ul class="list">`)
			for i := range 3000 {
				fmt.Fprintf(w, `<li><a href="/art/2025/1/1/art_1_1.html?from=%d">关于第1号事项的公告</a><span>2025-01-01</span></li>`+"\n", i)
				fmt.Fprintf(w, `<li><a href="/info.jsp?id=%d">关于第%d号事项的公告</a><span>2025-01-01</span></li>`+"\n", i, i)
			}
			fmt.Fprint(w, `</ul></body></html>`)
		case "/robots.txt":
			http.NotFound(w, r)
		default:
			fmt.Fprint(w, detailPage("关于第"+r.URL.RawQuery+"号事项的公告", "正文。"))
		}
	}))
	t.Cleanup(srv.Close)
	st := archivetest.Open(t)
	src := config.Source{Name: "fan", Start: []string{srv.URL + "/col/col1/index.html"}, MaxDocs: 100, MaxPageDocs: 5000, Robots: true}
	stats := crawl(t, newCrawler(st), src)
	mu.Lock()
	static, dynamic := hits["/art/2025/1/1/art_1_1.html"], hits["/info.jsp"]
	mu.Unlock()
	if static != 1 {
		t.Errorf("the static article behind 3000 query strings was fetched %d times, want once", static)
	}
	if static+dynamic > 100 || stats.Fetched > 100 {
		t.Errorf("%d document requests (%d fetched), want at most max_docs 100", static+dynamic, stats.Fetched)
	}
	if stats.Stopped != "max_docs" || stats.Capped == 0 {
		t.Errorf("stats = %+v, want stopped by max_docs with the capped links counted", stats)
	}
	if dynamic == 0 {
		t.Error("distinct ?id= documents were merged into one")
	}
	// max_page_docs bounds one page on its own.
	src.Name, src.MaxDocs, src.MaxPageDocs = "fan2", 0, 50
	stats = crawl(t, newCrawler(st), src)
	if stats.Fetched > 50 || stats.Capped != 6000-50 {
		t.Errorf("max_page_docs 50: %+v, want at most 50 fetched and the other links counted as capped", stats)
	}
}

// Two sources on one host, started together with delay 200ms each and one
// shared Hosts, never send that host two requests less than 200 ms apart.
// The limiter spaces the starts of requests by the delay plus a jitter
// that only adds; the 10 ms allowed here is the time between the limiter
// letting a request go and the server seeing it.
func TestTwoSourcesOneHostSpacing(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 2, 2, false)
	st := archivetest.Open(t)
	hosts := crawler.NewHosts()
	const delay = 200 * time.Millisecond
	var wg sync.WaitGroup
	for _, col := range []string{"ddd", "eee"} {
		src := columnSource(c, col)
		src.Delay = delay
		cr := crawler.New(st, crawler.Options{Backoff: time.Millisecond, Hosts: hosts})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := cr.Crawl(ctx, src); err != nil {
				t.Errorf("crawl %s: %v", src.Name, err)
			}
		}()
	}
	wg.Wait()
	c.mu.Lock()
	times := append([]time.Time(nil), c.times...)
	c.mu.Unlock()
	if want := 2 * (1 + 2 + 4); len(times) < want-1 { // robots.txt may be shared or not
		t.Fatalf("%d requests, want about %d", len(times), want)
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < delay-10*time.Millisecond {
			t.Errorf("requests %d and %d reached the host %s apart, want ≥ %s", i-1, i, gap, delay)
		}
	}
}

// Waiting for a host's turn is not part of a request's timeout: with a
// delay longer than the timeout every request still gets its full time.
func TestPolitenessWaitOutsideTimeout(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 1, 2, false)
	st := archivetest.Open(t)
	src := columnSource(c, "iii")
	src.Delay, src.Timeout = 300*time.Millisecond, 150*time.Millisecond
	stats := crawl(t, newCrawler(st), src)
	if stats.New != 2 || stats.Errors != 0 {
		t.Errorf("crawl with delay 300ms, timeout 150ms = %+v, want both documents, no error", stats)
	}
}

// run_budget ends one run's backfill (here on a clock that moves a second
// per reading); the next runs finish it.
func TestBackfillRunBudget(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 20, 2, false)
	st := archivetest.Open(t)
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(time.Second); return now }
	cr := crawler.New(st, crawler.Options{Backoff: time.Millisecond, Now: clock})
	src := columnSource(c, "jjj")
	src.RunBudget = 30 * time.Second
	first := crawl(t, cr, src)
	if first.Stopped != "run_budget" || !first.Continues || first.New == 0 || first.New >= c.docs() {
		t.Fatalf("first crawl = %+v, want some documents, stopped by run_budget, continuing", first)
	}
	for range 10 {
		if _, ok, _ := st.Frontier(ctx, "jjj"); !ok {
			break
		}
		crawl(t, cr, src)
	}
	if n := liveDocs(t, st, "jjj"); n != c.docs() {
		t.Errorf("%d documents after the budgeted runs, want %d", n, c.docs())
	}
	if again := c.refetched(); len(again) > 0 {
		t.Errorf("fetched again: %v", again)
	}
}

// StartBackfill walks a column first crawled with a page cap (and no
// frontier, as archives from before frontiers were kept) to its end,
// without fetching an archived document again.
func TestStartBackfillCompletesCappedColumn(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 15, 2, false)
	st := archivetest.Open(t)
	cr := newCrawler(st)
	src := columnSource(c, "kkk")
	src.MaxPages = 4
	crawl(t, cr, src)
	if err := st.ClearFrontier(ctx, "kkk"); err != nil {
		t.Fatal(err)
	}
	src.MaxPages = 0
	if poll := crawl(t, cr, src); liveDocs(t, st, "kkk") != 8 || poll.Backfill {
		t.Fatalf("poll without a frontier = %+v, %d documents; want the 8 of the capped crawl, no backfill", poll, liveDocs(t, st, "kkk"))
	}
	if err := crawler.StartBackfill(ctx, st, src, time.Now()); err != nil {
		t.Fatal(err)
	}
	stats := crawl(t, cr, src)
	if n := liveDocs(t, st, "kkk"); n != c.docs() || stats.Stopped != "" {
		t.Errorf("after StartBackfill and a poll: %d documents (%+v), want %d", n, stats, c.docs())
	}
	if again := c.refetched(); len(again) > 0 {
		t.Errorf("fetched again: %v", again)
	}
	if _, ok, _ := st.Frontier(ctx, "kkk"); ok {
		t.Error("frontier left after the backfill finished")
	}
}

// A list page robots.txt forbids ends the backfill there, says so, and is
// not retried: the site asked not to.
func TestBackfillStopsAtRobots(t *testing.T) {
	t.Parallel()
	c := newColumn(t, 8, 2, false)
	c.robots = "User-agent: *\nDisallow: /lll/index_3.html\n"
	st := archivetest.Open(t)
	stats := crawl(t, newCrawler(st), columnSource(c, "lll"))
	if stats.Stopped != "robots.txt" || stats.Continues || stats.New != 6 {
		t.Errorf("crawl = %+v, want 6 documents, stopped by robots.txt, not continuing", stats)
	}
	if !strings.Contains(stats.WalkNote(), "robots.txt disallows") {
		t.Errorf("WalkNote = %q", stats.WalkNote())
	}
	if _, ok, _ := st.Frontier(ctx, "lll"); ok {
		t.Error("frontier kept for a page robots.txt forbids")
	}
	if n := c.count("/lll/index_3.html"); n != 0 {
		t.Errorf("forbidden list page fetched %d times", n)
	}
}
