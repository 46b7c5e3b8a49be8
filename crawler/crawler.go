// Package crawler runs one poll of one source: it walks the source's list
// pages (with the platform-aware discovery of crawler/discover), decides
// which documents need fetching (new ones, ones whose list entry changed,
// ones that vanished, ones due for a re-check), fetches them politely with a
// fresh colly collector, extracts them and hands each result to a Sink.
//
// A run walks the list pages (the head of the column on later polls, and
// the backfill to the column's end, resumed from a saved frontier, see
// walk.go) while a pool of fetchers fetches the documents the walk plans
// and processors extract and store them; the documents missing from the
// lists are planned at the walk's end. Every request of every source waits
// its turn per host in the shared Hosts (hosts.go).
package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"path"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler/discover"
	"github.com/gongkai/gongkai/extract"

	"github.com/gongkai/gongkai/internal/chinatime"
)

// Sink receives what a crawl finds. *archive.Store satisfies it: a crawl
// reads what the archive knows of its source, then writes through one
// archive.Run.
type Sink interface {
	Begin(ctx context.Context, source string, opts archive.RunOptions) (*archive.Run, error)
	Known(ctx context.Context, source string) ([]archive.Doc, error)
	Source(ctx context.Context, name string) (archive.SourceState, error)
	HasFile(ctx context.Context, url string) (bool, error)
	Frontiers // where an unfinished backfill resumes (walk.go)
}

// recorder is what a run writes through; *archive.Run is the one
// implementation outside tests.
type recorder interface {
	Record(ctx context.Context, o archive.Observation) (archive.Outcome, error)
	NotModified(ctx context.Context, url string, l archive.Listing, at time.Time) error
	Withdraw(ctx context.Context, url, reason string, at time.Time) (bool, error)
	Failed(ctx context.Context, url string, at time.Time) error
	RecordFile(ctx context.Context, doc uint64, c archive.Capture) (bool, error)
	SaveFrontier(ctx context.Context, f archive.Frontier) error
	ClearFrontier(ctx context.Context) error
	Commit(ctx context.Context) error
	End(ctx context.Context, stats archive.RunStats, runErr error) error
}

// Options configure a Crawler. The zero value works.
type Options struct {
	UserAgent string         // default config.DefaultUserAgent
	Location  *time.Location // zone of dates without one; default Asia/Shanghai
	Logger    *slog.Logger   // default discards
	// Transport is the HTTP transport under colly; nil = a clone of
	// http.DefaultTransport. Tests and the benchmark set it.
	Transport http.RoundTripper
	// Backoff is the first retry's wait, doubled each attempt; default 1s.
	Backoff time.Duration
	// Progress, if set, is called after every request with the run so far.
	Progress func(source string, s archive.RunStats)
	Now      func() time.Time
	// BatchDocs and BatchWait group the archive's commits (see
	// archive.RunOptions; zero = its defaults).
	BatchDocs int
	BatchWait time.Duration
	// Hosts spaces the requests to each host across all sources (see
	// Hosts). nil = one made by New, shared by this Crawler's runs.
	Hosts *Hosts
}

// Crawler polls sources into a Sink. Each Crawl uses its own collector, so
// one Crawler may run several sources at once.
type Crawler struct {
	sink Sink
	opts Options
	// wrapRecorder lets tests stand between a run and its archive run
	// (export_test.go); nil outside tests.
	wrapRecorder func(recorder) recorder
	// parseList reads list pages: discover.Parse, or a test's stand-in.
	parseList func(pageURL, contentType string, body []byte, o discover.Options) (discover.Result, error)
}

// New returns a Crawler writing to sink.
func New(sink Sink, opts Options) *Crawler {
	if opts.UserAgent == "" {
		opts.UserAgent = config.DefaultUserAgent
	}
	if opts.Location == nil {
		opts.Location = chinatime.Location()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxResponseHeaderBytes = maxHeaderBytes
		opts.Transport = t
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Hosts == nil {
		opts.Hosts = NewHosts()
	}
	return &Crawler{sink: sink, opts: opts}
}

// ErrNoListPage means not a single list page of a source could be read: the
// source could not be crawled at all.
var ErrNoListPage = errors.New("no list page could be fetched")

// run is the state of one Crawl.
type run struct {
	*Crawler
	src     config.Source
	log     *slog.Logger
	f       *fetcher
	w       recorder // where the run's writes go: the *archive.Run begun for it
	leave   func()   // withdraws the run's politeness from Hosts
	quiet   bool
	polled  bool // the source has a baseline: this is a later poll
	mu      sync.Mutex
	stats   archive.RunStats
	known   map[string]archive.Doc // canonical URL → doc
	listed  map[string]discover.Entry
	order   []string // listed URLs in list order
	oldest  string   // oldest list date seen this run
	full    bool     // the list walk reached its natural end
	lastErr error

	bf        *backfill // the run's backfill walk, if any (walk.go)
	planned   int       // document requests planned, against max_docs
	capLogged bool
}

// Crawl polls src once: list pages, then the documents that need fetching.
// It returns the run's statistics, and an error when the source could not
// be crawled at all (or ctx ended the run); failures of single documents are
// counted and logged, not returned.
func (c *Crawler) Crawl(ctx context.Context, src config.Source) (archive.RunStats, error) {
	src = src.Complete() // a Source built in code may leave its limits zero
	r := &run{Crawler: c, src: src, log: c.opts.Logger.With("source", src.Name),
		known: map[string]archive.Doc{}, listed: map[string]discover.Entry{}}
	r.stats.Started = c.opts.Now()
	r.stats.AlertAfter = src.AlertAfterFailures
	err := r.crawl(ctx)
	if r.leave != nil {
		r.leave()
	}
	r.stats.Duration = c.opts.Now().Sub(r.stats.Started)
	if r.w == nil {
		return r.stats, err
	}
	endCtx := context.WithoutCancel(ctx) // the run's record must be written even when ctx ended it
	if e := r.w.End(endCtx, r.stats, err); e != nil && err == nil {
		err = e
	}
	return r.stats, err
}

// ExtractionID names the extraction a source's documents are made with:
// "r<extract.RulesVersion>", plus "+" and 8 hex digits of a digest of the
// source's field overrides when it has any. A version made under another id
// is extracted again from its stored capture before it is compared with a
// new fetch, so a changed rule is never taken for an edit.
func ExtractionID(src config.Source) string { return extractionID(src, nil) }

// ExtractionID is the extraction id this crawler's runs of src record: that
// of the package function, with the crawler's zone for dates without one
// when it is not China time.
func (c *Crawler) ExtractionID(src config.Source) string { return extractionID(src, c.opts.Location) }

// Extract is this crawler's extraction of src's page from a stored capture.
func (c *Crawler) Extract(src config.Source, cp archive.Capture) (extract.Document, error) {
	return Extract(cp, src, c.opts.Location)
}

// extractionID adds the zone of dates without one when it is not the
// default (China time): it changes the extracted dates too.
func extractionID(src config.Source, loc *time.Location) string {
	id := fmt.Sprintf("r%d", extract.RulesVersion)
	h := sha256.New()
	keys := make([]string, 0, len(src.Fields))
	for k := range src.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "field %d:%s %d:%s\n", len(k), k, len(src.Fields[k]), src.Fields[k])
	}
	tz := loc != nil && loc.String() != config.DefaultTimezone
	if tz {
		fmt.Fprintf(h, "timezone %s\n", loc.String())
	}
	if len(keys) == 0 && !tz {
		return id
	}
	return id + "+" + hex.EncodeToString(h.Sum(nil))[:8]
}

// reextract runs this crawler's extraction for src on a stored capture.
func (c *Crawler) reextract(src config.Source) func(context.Context, archive.Capture) (extract.Document, error) {
	return func(_ context.Context, cp archive.Capture) (extract.Document, error) {
		return Extract(cp, src, c.opts.Location)
	}
}

// Extract is the crawler's extraction of a document page from its capture:
// the charset decoded as the crawl decodes it, then extract.Extract with the
// source's field overrides. gongkai reextract and the comparison of a
// version made under other rules use it.
func Extract(cp archive.Capture, src config.Source, loc *time.Location) (extract.Document, error) {
	if loc == nil {
		loc, _ = time.LoadLocation(config.DefaultTimezone)
	}
	if _, page := mediaTypeOf(cp.Header, cp.Body); !page {
		// A file's record names it by its digest and the list's title,
		// which the capture does not hold: nothing to extract again.
		return extract.Document{}, archive.ErrNotExtractable
	}
	body, _, err := extract.Decode(cp.Body, cp.Header.Get("Content-Type"))
	if err != nil {
		return extract.Document{}, err
	}
	return extract.Extract(body, cp.URL, extract.Options{Location: loc, Fields: src.Fields})
}

func (r *run) crawl(ctx context.Context) error {
	st, err := r.sink.Source(ctx, r.src.Name)
	if err != nil {
		return err
	}
	r.polled = st.Baselined
	r.quiet = !st.Baselined && !r.src.AlertOnBaseline
	w, err := r.sink.Begin(ctx, r.src.Name, archive.RunOptions{Quiet: r.quiet,
		Rules: extractionID(r.src, r.opts.Location), Reextract: r.reextract(r.src),
		BatchDocs: r.opts.BatchDocs, BatchWait: r.opts.BatchWait})
	if err != nil {
		return err
	}
	r.w = w
	if r.wrapRecorder != nil {
		r.w = r.wrapRecorder(w)
	}
	docs, err := r.sink.Known(ctx, r.src.Name)
	if err != nil {
		return err
	}
	for _, d := range docs {
		r.known[d.URL] = d
		for _, a := range d.Aliases {
			r.known[a] = d
		}
	}
	f, err := r.newFetcher(ctx)
	if err != nil {
		return err
	}
	r.f = f
	// Documents are fetched while the list pages are still being walked;
	// only the documents missing from the lists wait for the walk's end.
	// The walk fetches and parses the next list page while the fetchers
	// work through the documents of the last one: with an unbuffered
	// hand-over they sat idle through every list page's parse (0.74 s of a
	// 4.8 s first crawl of 10,000 documents at parallel 1 on loopback). It
	// stays one page ahead, no more: a page-end mark follows each page's
	// documents, and the walk passes a page's end only once the fetchers
	// have taken the previous page's mark. So a stopped run leaves no more
	// walked pages unfinished than before, and a resumed backfill reads no
	// more list pages again.
	jobs := make(chan job, jobBuffer)
	ahead := make(chan struct{}, 1)
	docsDone := make(chan struct{})
	go func() {
		defer close(docsDone)
		r.fetchDocs(ctx, jobs, ahead)
	}()
	planned := map[uint64]bool{}
	emit := func(j job) {
		if j.known != nil {
			planned[j.known.ID] = true
		}
		if j.pageEnd {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
		}
	}
	err = r.walkLists(ctx, emit)
	if err == nil {
		n := r.planUnlisted(planned, emit)
		r.log.Debug("documents missing from the lists", "fetch", n, "complete_list", r.full)
	}
	close(jobs)
	<-docsDone
	r.mu.Lock()
	if r.capLogged && r.stats.Stopped == "" {
		r.stats.Stopped = stopMaxDocs
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if r.bf != nil {
		r.bf.end(ctx)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("crawl %s: %w", r.src.Name, err)
	}
	return nil
}

// jobBuffer holds a list page's documents while the walk reads the next
// page (a job is a URL and its listing).
const jobBuffer = 256

func (r *run) newFetcher(ctx context.Context) (*fetcher, error) {
	sc, err := newScope(r.src.Start, r.src.Hosts)
	if err != nil {
		return nil, err
	}
	transport := scopedTransport{scope: sc, next: r.opts.Transport}
	c := colly.NewCollector(colly.StdlibContext(ctx))
	// Set after construction: COLLY_* environment variables would
	// otherwise override these.
	c.UserAgent = r.opts.UserAgent
	c.IgnoreRobotsTxt = true // enforced by the fetcher's robots (see robots.go)
	c.AllowURLRevisit = true // "seen" state lives in the archive, per run here
	c.DetectCharset = false
	c.MaxBodySize = int(r.src.MaxBody) + 1 // one more byte tells a cut body
	// Host names only (colly ignores ports): the scope checks host, port
	// and scheme before every request, redirects included.
	for hp := range sc {
		h, _, _ := net.SplitHostPort(hp)
		if !slices.Contains(c.AllowedDomains, h) {
			c.AllowedDomains = append(c.AllowedDomains, h)
		}
	}
	// Politeness is the shared Hosts' job, not a colly LimitRule: a rule
	// is per collector, and two sources on one host would each get the
	// full rate.
	own := Politeness{Delay: r.src.Delay, Parallel: r.src.Parallel}
	var joined []string
	for hp := range sc {
		h, _, _ := net.SplitHostPort(hp)
		joined = append(joined, h)
	}
	r.leave = r.opts.Hosts.Join(joined, own)
	c.WithTransport(rawTransport{next: transport})
	c.SetRequestTimeout(r.src.Timeout)
	f := &fetcher{c: c, scope: sc, hosts: r.opts.Hosts, own: own, retries: max(r.src.Retries, 1), maxBody: r.src.MaxBody, backoff: r.opts.Backoff, now: r.opts.Now, log: r.log}
	if r.src.Robots {
		f.robots = &robots{client: &http.Client{Transport: transport, Timeout: r.src.Timeout, CheckRedirect: sameHost},
			limit: r.opts.Hosts, own: own,
			agent: r.opts.UserAgent, scope: sc, hosts: map[string]*robotstxt.RobotsData{}}
	}
	f.install()
	return f, nil
}

func (r *run) progress() {
	if r.opts.Progress != nil {
		r.mu.Lock()
		s := r.stats
		r.mu.Unlock()
		r.opts.Progress(r.src.Name, s)
	}
}

func listingChanged(d archive.Doc, e discover.Entry) bool {
	return e.Title != "" && d.ListTitle != "" && normTitle(e.Title) != normTitle(d.ListTitle) ||
		e.Date != "" && d.ListDate != "" && e.Date != d.ListDate
}

func normTitle(s string) string { return strings.Join(strings.Fields(s), " ") }

// job is one document to fetch and why.
type job struct {
	url    string
	entry  discover.Entry
	known  *archive.Doc
	reason string  // "new", "listing changed", "vanished", "revisit", "withdrawn listed"
	quiet  bool    // found by a backfill: old documents, recorded without alerts
	ticket *ticket // the backfill list page it came from
	// pageEnd marks the end of a list page's documents; it is no document.
	pageEnd bool
}

// planListed decides whether a document seen on a list page is fetched
// this run: new, withdrawn but listed again, its list entry changed, or
// due for a re-check.
func (r *run) planListed(e discover.Entry) (job, bool) {
	d, ok := r.known[e.URL]
	switch {
	case !ok:
		return job{url: e.URL, entry: e, reason: "new"}, true
	case d.Status == archive.StatusWithdrawn:
		return job{url: d.URL, entry: e, known: &d, reason: "withdrawn but listed"}, true
	case listingChanged(d, e):
		return job{url: d.URL, entry: e, known: &d, reason: "listing changed"}, true
	case r.opts.Now().Sub(d.LastChecked) >= r.src.Revisit:
		return job{url: d.URL, entry: e, known: &d, reason: "revisit"}, true
	}
	r.add(func(s *archive.RunStats) { s.Skipped++ })
	return job{}, false
}

// planUnlisted emits the known documents the lists did not show that need
// a fetch: vanished ones (the walk covered where they should be: a 404
// then withdraws them) and ones due for a re-check. It returns how many.
func (r *run) planUnlisted(planned map[uint64]bool, emit func(job)) int {
	now := r.opts.Now()
	n := 0
	for u, d := range r.known {
		if _, listed := r.listed[u]; listed || planned[d.ID] || u != d.URL {
			continue
		}
		vanished := d.Status == archive.StatusLive && r.full ||
			d.Status == archive.StatusLive && d.ListDate != "" && r.oldest != "" && d.ListDate > r.oldest
		due := now.Sub(d.LastChecked) >= r.src.Revisit
		reason := ""
		switch {
		case vanished:
			reason = "vanished"
		case due && len(r.listed) > 0:
			reason = "revisit"
		default:
			continue
		}
		if !r.takeDoc() {
			r.add(func(s *archive.RunStats) { s.Capped++ })
			continue
		}
		planned[d.ID] = true
		emit(job{url: d.URL, known: &d, reason: reason})
		n++
	}
	return n
}

// fetched is a document response on its way from a fetcher to a processor.
type fetched struct {
	job job
	res *fetchResult
}

// fetchDocs runs the document stage: Source.Parallel fetchers (the
// politeness limit) hand responses over the fetched channel to processors
// (one per fetch slot up to the CPUs, at least two) that decode, extract and store them. A fetcher never waits
// for extraction or the archive's commit, so the fetch slots stay busy on a
// slow server and the CPUs stay busy on a fast one.
func (r *run) fetchDocs(ctx context.Context, work <-chan job, ahead <-chan struct{}) {
	parallel := max(r.src.Parallel, 1)
	// Responses fetched while the processors are busy wait in a buffer, so
	// that the fetcher seldom waits for a processor. When it did (a buffer
	// of 2), the processor that took a response woke it onto its own CPU
	// slot, where it ran only once that processor had finished its
	// document: 565 ms of a 3.7 s crawl on loopback (runtime trace). A
	// buffer of 16 gave medians of 48-57% of bare colly's rate against
	// 49-53% (alternated runs of the crawl bench). It is bounded in bytes
	// too (queueBytes), since each response holds a whole page, up to
	// max_body; a kill loses what it holds: the next poll fetches those
	// documents again.
	out := make(chan fetched, 16*parallel)
	queued := newByteBudget(queueBytes)
	var fetchers, processors sync.WaitGroup
	for range parallel {
		fetchers.Add(1)
		go func() {
			defer fetchers.Done()
			for j := range work {
				if j.pageEnd {
					<-ahead
					continue
				}
				res := &fetchResult{err: errors.New("fetch aborted")}
				r.guard("document", j.url, func() { res = r.fetchDoc(ctx, j) })
				queued.take(int64(len(res.body)))
				out <- fetched{j, res}
			}
		}()
	}
	// At least two processors, even at parallel 1: while one waits for
	// the archive's commit (an fsync), the other decodes and extracts the
	// next response, and the fetcher is not held up by either.
	for range max(min(runtime.GOMAXPROCS(0), parallel), 2) {
		processors.Add(1)
		go func() {
			defer processors.Done()
			for f := range out {
				queued.give(int64(len(f.res.body)))
				r.guard("document", f.job.url, func() { r.processDoc(ctx, f.job, f.res) })
				if f.job.ticket != nil {
					r.bf.done(ctx, f.job.ticket, ctx.Err() == nil)
				}
				r.progress()
			}
		}()
	}
	fetchers.Wait()
	close(out)
	processors.Wait()
}

// queueBytes bounds the bytes of the responses waiting for a processor.
const queueBytes = 8 << 20

// byteBudget bounds the bytes held by a queue. A take that would exceed it
// waits for gives, unless the queue is empty: a page larger than the whole
// budget still goes through, alone.
type byteBudget struct {
	mu        sync.Mutex
	freed     *sync.Cond
	used, max int64
}

func newByteBudget(max int64) *byteBudget {
	b := &byteBudget{max: max}
	b.freed = sync.NewCond(&b.mu)
	return b
}

func (b *byteBudget) take(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.max {
		b.freed.Wait()
	}
	b.used += n
}

func (b *byteBudget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	b.freed.Broadcast()
}

// softNotFound matches the body of "200 OK" error pages.
var softNotFound = regexp.MustCompile(`页面不存在|页面未找到|您访问的页面不存在|您所访问的页面不存在|信息不存在|文章不存在|已被删除|404 Not Found|Page Not Found`)

// fetchDoc fetches one document, conditionally when the archive has
// validators for it.
func (r *run) fetchDoc(ctx context.Context, j job) *fetchResult {
	hdr := http.Header{}
	if j.known != nil && j.known.Status == archive.StatusLive {
		if j.known.ETag != "" {
			hdr.Set("If-None-Match", j.known.ETag)
		}
		if j.known.LastModified != "" {
			hdr.Set("If-Modified-Since", j.known.LastModified)
		}
	}
	res := r.f.get(ctx, discover.Request{URL: j.url}, hdr)
	r.add(func(s *archive.RunStats) { s.Fetched++ })
	return res
}

// processDoc turns one response into the archive's record of it: a
// version, an unchanged check, a withdrawal, or a counted error.
func (r *run) processDoc(ctx context.Context, j job, res *fetchResult) {
	log := r.log.With("url", j.url, "reason", j.reason)
	listing := archive.Listing{Title: j.entry.Title, Date: j.entry.Date}
	// A response received whole before the run was stopped is still
	// archived (else the next run fetches it again); one cut off is not.
	runCtx := ctx
	ctx = context.WithoutCancel(ctx)
	switch {
	case runCtx.Err() != nil && (res.status == 0 || errors.Is(res.err, context.Canceled)):
		return
	case res.status == http.StatusNotModified && j.known != nil:
		if err := r.w.NotModified(ctx, j.url, listing, res.at); err != nil {
			r.countErr("document", j.url, err)
			return
		}
		r.add(func(s *archive.RunStats) { s.Unchanged++ })
		return
	case res.status == http.StatusNotFound || res.status == http.StatusGone:
		if j.known == nil {
			r.countErr("document", j.url, fmt.Errorf("listed but HTTP %d", res.status))
			return
		}
		r.withdraw(ctx, j, fmt.Sprintf("HTTP %d", res.status), res.at)
		return
	case errors.Is(res.err, errRobots):
		r.add(func(s *archive.RunStats) { s.Fetched--; s.Skipped++ })
		log.Info("document disallowed by robots.txt")
		return
	case res.err != nil:
		r.fail("document", j.url, res)
		if j.known != nil {
			_ = r.w.Failed(ctx, j.url, res.at)
		}
		return
	}
	pageURL := res.finalURL
	if pageURL == "" {
		pageURL = j.url
	}
	var doc extract.Document
	mt, isPage := mediaType(res)
	if !isPage {
		doc = fileDocument(j, pageURL, mt, res.body)
	} else {
		body, err := r.f.decode(res)
		if err != nil {
			r.countErr("document", j.url, err)
			return
		}
		if discover.Challenge(body) {
			r.countErr("document", j.url, errors.New("anti-bot challenge page instead of the document; not archived"))
			return
		}
		if doc, err = extract.Extract(body, pageURL, extract.Options{Location: r.opts.Location, Fields: r.src.Fields}); err != nil {
			r.countErr("document", j.url, err)
			return
		}
	}
	if strings.TrimSpace(doc.Body) == "" && strings.TrimSpace(doc.Title) == "" {
		r.countErr("document", j.url, errors.New("empty page: no title and no body; not archived"))
		return
	}
	if isSoftNotFound(doc) {
		if j.known != nil && j.reason == "vanished" {
			r.withdraw(ctx, j, "error page: "+firstLine(doc.Body), res.at)
			return
		}
		r.countErr("document", j.url, fmt.Errorf("the server answered 200 with an error page (%q); not archived", firstLine(doc.Title+" "+doc.Body)))
		return
	}
	out, err := r.w.Record(ctx, archive.Observation{URL: j.url, Doc: doc,
		Capture: res.capture(http.MethodGet, j.url), Listing: listing, Quiet: j.quiet})
	if err != nil {
		r.countErr("document", j.url, err)
		return
	}
	r.add(func(s *archive.RunStats) {
		switch out.Kind {
		case archive.EventNew:
			s.New++
		case archive.EventChanged:
			s.Changed++
		default:
			s.Unchanged++
		}
		if out.Restored {
			s.Restored++
		}
		if out.Kind == archive.EventNew && isPage {
			countFields(s, doc)
		}
	})
	if out.Kind != archive.Unchanged || out.Restored {
		log.Info("document", "outcome", out.Kind, "version", out.Version, "restored", out.Restored, "title", doc.Title)
	}
	if r.src.Attachments {
		r.fetchAttachments(runCtx, out, doc.Attachments)
	}
}

// countFields notes which fields a new page had, for source health: a
// field every earlier document had and no new one has means the site (or
// its template) changed under the extractor.
func countFields(s *archive.RunStats, d extract.Document) {
	if s.Fields == nil {
		s.Fields = map[string]int{}
	}
	s.NewFields++
	for _, f := range extract.Fields() {
		if strings.TrimSpace(f.Value(d)) != "" {
			s.Fields[f.Key]++
		}
	}
}

// fetchAttachments downloads a document's attachments (attachments: true):
// those of a new or changed version, and any not stored yet. They obey the
// same hosts, robots.txt and max_body as pages.
func (r *run) fetchAttachments(ctx context.Context, out archive.Outcome, files []extract.Attachment) {
	for _, a := range files {
		if ctx.Err() != nil {
			return
		}
		if out.Kind == archive.Unchanged {
			if has, err := r.sink.HasFile(ctx, a.URL); err != nil || has {
				continue
			}
		}
		res := r.f.get(ctx, discover.Request{URL: a.URL}, nil)
		switch {
		case errors.Is(res.err, errRobots):
			r.log.Info("attachment disallowed by robots.txt", "url", a.URL)
			continue
		case res.err != nil:
			r.fail("attachment", a.URL, res)
			continue
		}
		if _, err := r.w.RecordFile(ctx, out.Doc, res.capture(http.MethodGet, a.URL)); err != nil {
			r.countErr("attachment", a.URL, err)
			continue
		}
		r.add(func(s *archive.RunStats) { s.Files++ })
	}
}

// sameHost stops the robots.txt request from following a redirect to
// another host: the crawl never leaves its hosts, not even for that. The
// last response (a 3xx) then counts as "no robots.txt".
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// mediaType reports a response's media type and whether it is a page the
// extractor reads (HTML, XML, JSON, text) rather than a file.
func mediaType(res *fetchResult) (string, bool) { return mediaTypeOf(res.header, res.body) }

func mediaTypeOf(h http.Header, body []byte) (string, bool) {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "" || mt == "application/octet-stream" {
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(sniffable(h, body)))
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.Contains(mt, "html"), strings.Contains(mt, "xml"), strings.Contains(mt, "json"):
		return mt, true
	}
	return mt, false
}

// sniffable is the start of a body to sniff its type from: inflated when
// the server gzipped it (Content-Encoding), since the capture keeps it as
// received.
func sniffable(h http.Header, body []byte) []byte {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if enc != "gzip" && enc != "x-gzip" {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	head, _ := io.ReadAll(io.LimitReader(zr, 512))
	return head
}

// fileDocument is the record of a file (a PDF, a Word document) a list
// links to as a document: it cannot be extracted, so its body names the
// file by type, size and SHA-256. A changed file is then a changed
// version, and the raw bytes are kept in the capture.
func fileDocument(j job, u, mt string, body []byte) extract.Document {
	sum := sha256.Sum256(body)
	title := strings.TrimSpace(j.entry.Title)
	if title == "" {
		title = path.Base(u)
	}
	return extract.Document{
		Title:       title,
		Published:   j.entry.Date,
		Body:        fmt.Sprintf("（文件 file）%s, %d bytes, SHA-256 %s", mt, len(body), hex.EncodeToString(sum[:])),
		Attachments: []extract.Attachment{{Name: title, URL: u}},
		Sources:     map[string]string{"title": "list", "published": "list", "body": "file"},
	}
}

func isSoftNotFound(d extract.Document) bool {
	// The length first: the text is only put together for short pages,
	// and runes are only counted in bodies that may be short (a rune is at
	// most 4 bytes).
	return len(d.Body) < 4*300 && utf8.RuneCountInString(d.Body) < 300 && softNotFound.MatchString(d.Title+"\n"+d.Body)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

func (r *run) withdraw(ctx context.Context, j job, reason string, at time.Time) {
	changed, err := r.w.Withdraw(ctx, j.url, reason, at)
	if err != nil {
		r.countErr("document", j.url, err)
		return
	}
	if changed {
		r.add(func(s *archive.RunStats) { s.Withdrawn++ })
		r.log.Info("document withdrawn", "url", j.url, "reason", reason)
	}
}

func (r *run) add(fn func(*archive.RunStats)) {
	r.mu.Lock()
	fn(&r.stats)
	r.mu.Unlock()
}

// fail counts a request that ended in an error, with its status if any.
func (r *run) fail(what, u string, res *fetchResult) {
	err := res.err
	if res.status != 0 {
		err = fmt.Errorf("HTTP %d: %w", res.status, err)
	}
	r.countErr(what, u, err)
}

func (r *run) countErr(what, u string, err error) {
	r.mu.Lock()
	r.stats.Errors++
	r.lastErr = err
	r.mu.Unlock()
	r.log.Warn(what+" skipped", "url", u, "err", err)
}

// guard runs one document's step in a worker and turns a panic in it (a
// parser or the archive meeting something it never expected) into a
// counted, logged error: the other documents of the run go on.
func (r *run) guard(what, u string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			r.countErr(what, u, fmt.Errorf("internal error (recovered panic): %v", v))
			r.log.Error("panic in crawler worker", "url", u, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

func (r *run) lastErrText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lastErr == nil {
		return "no error recorded"
	}
	return r.lastErr.Error()
}
