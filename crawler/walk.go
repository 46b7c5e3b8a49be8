package crawler

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler/discover"
)

// Frontiers keeps where a source's unfinished backfill resumes; part of
// Sink. *archive.Store satisfies it.
type Frontiers interface {
	Frontier(ctx context.Context, source string) (archive.Frontier, bool, error)
	SaveFrontier(ctx context.Context, source string, f archive.Frontier) error
}

// Why a walk stopped before the column's end (RunStats.Stopped).
const (
	stopMaxPages    = "max_pages"
	stopRunBudget   = "run_budget"
	stopMaxDocs     = "max_docs"
	stopListErrors  = "list page errors"
	stopInterrupted = "interrupted"
	stopRobots      = "robots.txt"
)

// maxListFails is how many runs a backfill list page may fail in before it
// is given up (logged): a page gone for good must not keep a frontier alive.
const maxListFails = 3

// A source's list pages are walked in up to two parts:
//
//   - the head: a later poll (or a run resuming a backfill) reads the first
//     poll_pages pages and stops at the first one with nothing new or
//     changed: new documents appear at the top;
//   - the backfill: the first crawl walks from the start URLs to the
//     column's natural end, as far as max_pages, run_budget and max_docs
//     let one run go. Its frontier (the pages still to walk) is saved as
//     it advances, and the next poll resumes it after the head.
//
// The frontier passes a list page only once every document the page led
// to has been handed to the archive, so a kill -9 loses no document:
// the resumed walk reads that page again and skips what is archived.
//
// walkLists returns an error only when no list page could be read or ctx
// ended.
func (r *run) walkLists(ctx context.Context, emit func(job)) error {
	fr, resume, err := r.sink.Frontier(ctx, r.src.Name)
	if err != nil {
		return err
	}
	if resume && len(fr.Queue) == 0 { // finished, but the run ended before clearing it
		if err := r.w.ClearFrontier(ctx); err != nil {
			return err
		}
		resume = false
	}
	var start []discover.Request
	for _, s := range r.src.Start {
		start = append(start, discover.Request{URL: s})
	}
	w := &walker{run: r, seen: map[string]bool{}, heads: map[string][]discover.Request{}, headFailed: map[string]bool{}}
	if r.polled || resume {
		head := &walk{queue: start, head: true, budget: max(r.src.PollPages, 1), contiguous: !resume}
		if resume {
			// The documents between the head and the frontier are not
			// listed this run: list dates must not make them look vanished.
			head.frontier = walkedSet(fr)
		}
		w.walk(ctx, head, emit)
		if !resume {
			w.finish(head)
		}
	}
	if !r.polled || resume {
		bf := &walk{backfill: true, budget: r.src.MaxPages, fails: map[string]int{}}
		if r.src.RunBudget > 0 {
			bf.deadline = r.stats.Started.Add(r.src.RunBudget)
		}
		if resume {
			bf.fr = fr
			bf.walked = walkedSet(fr)
			for _, p := range fr.Queue {
				req := discover.Request{Method: p.Method, URL: p.URL, Body: p.Body}
				bf.queue = append(bf.queue, req)
				bf.fails[req.Key()] = p.Fails
			}
		} else {
			bf.fr = archive.Frontier{Started: r.opts.Now()}
			bf.walked = map[uint64]bool{}
			bf.queue = start
			bf.contiguous = true
		}
		r.bf = &backfill{run: r, walk: bf}
		w.walk(ctx, bf, emit)
		w.finish(bf)
	}
	r.mu.Lock()
	st := r.stats
	r.mu.Unlock()
	if w.fetched > 0 && len(r.listed) == 0 && st.Errors+w.blocked >= w.fetched {
		if r.bf != nil && r.bf.walk.fr.Pages == 0 {
			// Not one page read: nothing to resume, the next run starts over.
			if err := r.w.ClearFrontier(ctx); err != nil {
				r.log.Warn("backfill frontier not cleared", "err", err)
			}
		}
		return fmt.Errorf("crawl %s: %w: %s", r.src.Name, ErrNoListPage, r.lastErrText())
	}
	r.log.Info("list pages walked", "platform", st.Platform, "list_pages", st.ListPages, "documents", len(r.order),
		"complete", r.full, "stopped", st.Stopped, "left_pages", st.LeftPages)
	return ctx.Err()
}

// walker is the state the head and backfill walks of one run share.
type walker struct {
	*run
	seen       map[string]bool               // list requests walked this run
	heads      map[string][]discover.Request // the Next of each page the head walked
	headFailed map[string]bool               // pages the head could not read
	fetched    int                           // list pages requested
	blocked    int                           // list pages robots.txt disallowed
}

// walk is one part of the list walk.
type walk struct {
	queue      []discover.Request
	head       bool // stop at the first page with nothing new or changed
	backfill   bool // keeps a frontier
	budget     int  // list pages; 0 = no bound
	deadline   time.Time
	contiguous bool // walks on from the start URLs: list dates bound what it saw

	fr        archive.Frontier
	walked    map[uint64]bool // backfill: list requests walked by earlier runs and this one
	frontier  map[uint64]bool // head of a resumed backfill: pages the backfill walked before
	fails     map[string]int  // backfill: failed runs per queued request
	queued    map[string]bool // requests ever put in queue
	failed    []archive.FrontierPage
	pages     int    // list pages this walk fetched
	forbidden int    // list pages robots.txt disallows
	cut       bool   // a page's further pages were not followed
	stopped   string // why the walk ended early
}

func requestHash(req discover.Request) uint64 {
	h := fnv.New64a()
	h.Write([]byte(req.Key()))
	return h.Sum64()
}

func (w *walker) walk(ctx context.Context, wk *walk, emit func(job)) {
	for len(wk.queue) > 0 && ctx.Err() == nil {
		req := wk.queue[0]
		key := req.Key()
		if wk.backfill && (w.seen[key] || wk.walked[requestHash(req)]) {
			wk.queue = wk.queue[1:]
			if next, ok := w.heads[key]; ok { // the head walked it this run: go on from there
				wk.walked[requestHash(req)] = true
				wk.enqueue(next)
			} else if w.headFailed[key] { // the head could not read it
				delete(w.headFailed, key)
				w.keepFailed(wk, req)
			}
			continue
		}
		if w.seen[key] {
			wk.queue = wk.queue[1:]
			continue
		}
		switch {
		case wk.budget > 0 && wk.pages >= wk.budget:
			wk.stopped = stopMaxPages
		case !wk.deadline.IsZero() && !w.opts.Now().Before(wk.deadline):
			wk.stopped = stopRunBudget
		case w.docsFull():
			wk.stopped = stopMaxDocs
		}
		if wk.stopped != "" {
			if wk.head {
				wk.stopped = "" // a poll reads only its first pages, by design
				wk.cut = true
			}
			break
		}
		wk.queue = wk.queue[1:]
		w.seen[key] = true
		wk.pages++
		w.fetched++
		w.page(ctx, wk, req, emit)
	}
	if ctx.Err() != nil && len(wk.queue) > 0 {
		wk.stopped = stopInterrupted
	}
}

// page walks one list page.
func (w *walker) page(ctx context.Context, wk *walk, req discover.Request, emit func(job)) {
	res := w.f.get(ctx, req, nil)
	w.add(func(s *archive.RunStats) { s.ListPages++ })
	out, err := w.listPage(req, res)
	if err != nil {
		if errors.Is(err, errRobots) {
			// Counted like an error below: a source whose every list page
			// is blocked (robots.txt down answers "disallow all") must fail
			// the run, not end it as a successful, empty baseline.
			w.blocked++
			w.mu.Lock()
			w.lastErr = err
			w.mu.Unlock()
			w.log.Warn("list page skipped", "url", req.URL, "err", err)
		} else {
			w.countErr("list page", req.URL, err)
		}
		// robots.txt that forbids the page is final; one that could not
		// be read (why != "") is a failure to retry like any other.
		forbidden := errors.Is(err, errRobots) && w.f.robots.why(req.URL) == ""
		switch {
		case forbidden:
			wk.forbidden++
		case wk.head:
			w.headFailed[req.Key()] = true
		case wk.backfill:
			w.keepFailed(wk, req)
		}
		if wk.backfill {
			w.bf.walked(ctx, nil)
		}
		return
	}
	w.add(func(s *archive.RunStats) {
		if s.Platform == "" {
			s.Platform = out.Platform
		}
		s.ListEntries += len(out.Entries)
	})
	var t *ticket
	if wk.backfill {
		t = &ticket{}
		wk.fr.Total = max(wk.fr.Total, out.Pages)
	}
	// Documents a backfill finds are old ones: archived without alerts
	// (unless alert_on_baseline), also when the head of a poll reaches
	// pages the backfill has not walked yet.
	quiet := !w.src.AlertOnBaseline && (wk.backfill || wk.frontier != nil && !wk.frontier[requestHash(req)])
	entries := out.Entries
	if n := w.src.MaxPageDocs; n > 0 && len(entries) > n {
		w.log.Warn("list page has more links than max_page_docs; the rest are ignored", "url", req.URL, "links", len(entries), "max_page_docs", n)
		w.add(func(s *archive.RunStats) { s.Capped += len(entries) - n })
		entries = entries[:n]
	}
	fresh, changed, emitted := 0, 0, false
	for _, e := range entries {
		canon, err := archive.CanonicalURL(e.URL)
		if err != nil {
			continue
		}
		canon = documentURL(canon)
		if _, dup := w.listed[canon]; dup {
			continue
		}
		if !w.f.robots.allowed(ctx, canon) {
			w.log.Debug("link disallowed by robots.txt", "url", canon)
			continue
		}
		e.URL = canon
		w.listed[canon] = e
		w.order = append(w.order, canon)
		fresh++
		if wk.contiguous && e.Date != "" && (w.oldest == "" || e.Date < w.oldest) {
			w.oldest = e.Date
		}
		if d, ok := w.known[canon]; !ok || listingChanged(d, e) || d.Status == archive.StatusWithdrawn {
			changed++
		}
		j, ok := w.planListed(e)
		if !ok {
			continue
		}
		if !w.takeDoc() {
			if t != nil {
				t.cut = true // the frontier must not pass this page
			}
			wk.stopped = stopMaxDocs
			w.add(func(s *archive.RunStats) { s.Capped++ })
			continue
		}
		j.quiet, j.ticket = quiet, t
		if t != nil {
			w.bf.add(t)
		}
		emit(j)
		emitted = true
	}
	if emitted {
		emit(job{pageEnd: true})
	}
	w.log.Debug("list page", "url", req.URL, "platform", out.Platform, "entries", len(out.Entries), "new_links", fresh, "unknown_or_changed", changed, "next", len(out.Next))
	switch {
	case fresh == 0 && (len(out.Entries) > 0 || w.fetched > 1):
		// A page with nothing new this run (deep TRS index_N stubs, a
		// pager that loops): further pages would not help.
		wk.cut = wk.cut || len(out.Next) > 0
	case wk.head && changed == 0:
		// New documents appear at the top; a page with nothing new or
		// changed ends the head of the walk.
		wk.cut = wk.cut || len(out.Next) > 0 || len(wk.queue) > 0
		wk.queue = nil
	default:
		wk.enqueue(out.Next)
	}
	if wk.head {
		w.heads[req.Key()] = out.Next
	}
	if wk.backfill {
		wk.walked[requestHash(req)] = true
		wk.fr.Pages++
		wk.fr.Docs += fresh
		w.add(func(s *archive.RunStats) { s.BackfillPages, s.PagesTotal = wk.fr.Pages, wk.fr.Total })
		w.bf.walked(ctx, t)
	}
	w.progress()
}

// listPage reads a fetched list page.
func (w *walker) listPage(req discover.Request, res *fetchResult) (discover.Result, error) {
	if res.err != nil {
		if errors.Is(res.err, errRobots) {
			return discover.Result{}, res.err
		}
		if res.status != 0 {
			return discover.Result{}, fmt.Errorf("HTTP %d: %w", res.status, res.err)
		}
		return discover.Result{}, res.err
	}
	body, err := w.f.decode(res)
	if err != nil {
		return discover.Result{}, err
	}
	if discover.Challenge(body) {
		return discover.Result{}, errChallenge
	}
	pageURL := req.URL
	if res.finalURL != "" && req.Method == "" {
		pageURL = res.finalURL
	}
	return w.parse(pageURL, res.header.Get("Content-Type"), body, discover.Options{
		Platform: w.src.Platform, Link: w.src.Link, Next: w.src.Next, Location: w.opts.Location})
}

// parse reads a list page. A panic in the parser (a page no one foresaw)
// becomes that page's error: the walk runs in the crawl's own goroutine,
// where a panic would leave the run's batch of writes open, holding the
// archive's write lock, or take the process down.
func (w *walker) parse(pageURL, contentType string, body []byte, o discover.Options) (res discover.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			w.log.Error("panic while reading a list page", "url", pageURL, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			res, err = discover.Result{}, fmt.Errorf("internal error reading the list page (recovered panic): %v", v)
		}
	}()
	parse := discover.Parse
	if w.parseList != nil {
		parse = w.parseList
	}
	return parse(pageURL, contentType, body, o)
}

// keepFailed keeps a backfill list page that could not be read in the
// frontier, for the next run, until it has failed maxListFails runs.
func (w *walker) keepFailed(wk *walk, req discover.Request) {
	n := wk.fails[req.Key()] + 1
	if n >= maxListFails {
		w.log.Warn("list page given up after failing in several runs; the backfill goes on without it", "url", req.URL, "runs", n)
		return
	}
	wk.failed = append(wk.failed, archive.FrontierPage{Method: req.Method, URL: req.URL, Body: req.Body, Fails: n})
}

// finish records how a walk ended in the run's statistics.
func (w *walker) finish(wk *walk) {
	if wk.head {
		w.full = !wk.cut && len(wk.queue) == 0
		return
	}
	left := wk.pending()
	switch {
	case wk.stopped == "" && len(wk.failed) > 0:
		wk.stopped = stopListErrors
	case wk.stopped == "" && wk.forbidden > 0:
		wk.stopped = stopRobots // not resumed: the site asks not to
	}
	w.full = wk.contiguous && wk.stopped == "" && !wk.cut && len(left) == 0
	w.add(func(s *archive.RunStats) {
		s.Backfill = true
		s.Stopped = wk.stopped
		s.BackfillPages, s.PagesTotal = wk.fr.Pages, wk.fr.Total
		// A frontier stays when pages are left, and when documents of a
		// walked page were not taken (max_docs) or not archived
		// (interrupted): the next run reads that page again.
		s.Continues = len(left) > 0 || wk.stopped == stopMaxDocs || wk.stopped == stopInterrupted
		if len(left) == 0 {
			return
		}
		s.LeftPages = len(left)
		if wk.fr.Total > wk.fr.Pages {
			s.LeftPages = wk.fr.Total - wk.fr.Pages
			if wk.fr.Pages > 0 {
				s.LeftDocs = s.LeftPages * wk.fr.Docs / wk.fr.Pages
			}
		}
	})
}

// enqueue adds list requests not queued or walked yet: a TRS page names
// every later page, and the queue must not hold each of them once per page.
func (wk *walk) enqueue(reqs []discover.Request) {
	if wk.queued == nil {
		wk.queued = map[string]bool{}
		for _, q := range wk.queue {
			wk.queued[q.Key()] = true
		}
	}
	for _, q := range reqs {
		if k := q.Key(); !wk.queued[k] && !wk.walked[requestHash(q)] {
			wk.queued[k] = true
			wk.queue = append(wk.queue, q)
		}
	}
}

// pending is what a backfill still has to walk: its queue (less what this
// run walked) and the pages that failed.
func (wk *walk) pending() []archive.FrontierPage {
	var out []archive.FrontierPage
	queued := map[string]bool{}
	for _, req := range wk.queue {
		k := req.Key()
		if queued[k] || wk.walked[requestHash(req)] {
			continue
		}
		queued[k] = true
		out = append(out, archive.FrontierPage{Method: req.Method, URL: req.URL, Body: req.Body, Fails: wk.fails[k]})
	}
	return append(out, wk.failed...)
}

// snapshot is the frontier as it stands after the page just walked.
func (wk *walk) snapshot(now time.Time) archive.Frontier {
	f := wk.fr
	f.Queue = wk.pending()
	f.Walked = make([]byte, 0, 8*len(wk.walked))
	for h := range wk.walked {
		f.Walked = binary.BigEndian.AppendUint64(f.Walked, h)
	}
	f.Updated = now
	return f
}

// walkedSet decodes Frontier.Walked.
func walkedSet(f archive.Frontier) map[uint64]bool {
	m := make(map[uint64]bool, len(f.Walked)/8)
	for b := f.Walked; len(b) >= 8; b = b[8:] {
		m[binary.BigEndian.Uint64(b)] = true
	}
	return m
}

// takeDoc counts one more document request against max_docs, false when
// the run has used them all.
func (r *run) takeDoc() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.src.MaxDocs > 0 && r.planned >= r.src.MaxDocs {
		if !r.capLogged {
			r.capLogged = true
			r.log.Warn("max_docs reached: no more documents this run; the rest wait for the next", "max_docs", r.src.MaxDocs)
		}
		return false
	}
	r.planned++
	return true
}

func (r *run) docsFull() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.src.MaxDocs > 0 && r.planned >= r.src.MaxDocs
}

// backfill tracks which documents of each backfill list page are still on
// their way to the archive, and saves the frontier past a page once all of
// them have arrived.
type backfill struct {
	run     *run
	walk    *walk
	mu      sync.Mutex
	tickets []*ticket // walked pages whose frontier is not saved yet, in walk order
	frozen  bool      // a page lost documents (max_docs, interrupted): the frontier stays before it
	saveMu  sync.Mutex
	seq     int // of the newest snapshot taken
	saved   int // of the newest snapshot saved
}

// ticket is one backfill list page on its way into the frontier.
type ticket struct {
	pending int // its documents not yet handed to the archive
	walked  bool
	cut     bool
	seq     int
	snap    archive.Frontier
}

func (b *backfill) add(t *ticket) {
	b.mu.Lock()
	t.pending++
	b.mu.Unlock()
}

// walked is called when the walk is done with a page (t nil: the page
// failed; it is kept in the frontier as a failed page).
func (b *backfill) walked(ctx context.Context, t *ticket) {
	b.mu.Lock()
	if t == nil {
		t = &ticket{}
	}
	b.seq++
	t.walked, t.seq = true, b.seq
	t.snap = b.walk.snapshot(b.run.opts.Now())
	b.tickets = append(b.tickets, t)
	b.mu.Unlock()
	b.advance(ctx)
}

// done is called when a document of t has been handed to the archive (ok)
// or dropped because the run ended (not ok).
func (b *backfill) done(ctx context.Context, t *ticket, ok bool) {
	b.mu.Lock()
	t.pending--
	if !ok {
		t.cut = true
	}
	b.mu.Unlock()
	b.advance(ctx)
}

// advance saves the newest snapshot whose pages, and all before them,
// have every document archived.
func (b *backfill) advance(ctx context.Context) {
	b.mu.Lock()
	var snap *ticket
	for len(b.tickets) > 0 && !b.frozen {
		t := b.tickets[0]
		if !t.walked || t.pending > 0 {
			break
		}
		if t.cut {
			b.frozen = true
			break
		}
		snap = t
		b.tickets = b.tickets[1:]
	}
	b.mu.Unlock()
	if snap == nil || ctx.Err() != nil {
		return
	}
	b.saveMu.Lock()
	defer b.saveMu.Unlock()
	if snap.seq <= b.saved {
		return
	}
	// The frontier may pass a page only once its documents are durable:
	// it is written in the run's batches, after them.
	if err := b.run.w.SaveFrontier(ctx, snap.snap); err != nil {
		b.run.log.Warn("backfill frontier not saved; a restart resumes from an earlier page", "err", err)
		return
	}
	b.saved = snap.seq
}

// end settles the frontier after the run's documents are all processed:
// cleared when the backfill reached the column's end, else left where the
// last complete page put it.
func (b *backfill) end(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	b.mu.Lock()
	finished := !b.frozen && len(b.walk.pending()) == 0 && (b.walk.stopped == "" || b.walk.stopped == stopRobots)
	b.mu.Unlock()
	if !finished {
		return
	}
	if err := b.run.w.ClearFrontier(ctx); err != nil {
		b.run.log.Warn("backfill frontier not cleared", "err", err)
		return
	}
	b.run.log.Info("backfill complete: the column was walked to its end", "list_pages", b.walk.fr.Pages, "documents", b.walk.fr.Docs)
}

// StartBackfill makes src's next runs walk its column to the end again,
// from the start URLs, as a first crawl does: for a source first crawled
// with a page cap, or to look for documents a walk missed. Archived
// documents are not fetched again. It does nothing when a backfill is
// already under way.
func StartBackfill(ctx context.Context, fs Frontiers, src config.Source, now time.Time) error {
	if _, ok, err := fs.Frontier(ctx, src.Name); err != nil || ok {
		return err
	}
	f := archive.Frontier{Started: now, Updated: now}
	for _, s := range src.Start {
		req := discover.Request{URL: s}
		f.Queue = append(f.Queue, archive.FrontierPage{URL: s})
		// The start pages are the head every poll reads (and alerts on);
		// the backfill goes on from the pages they link.
		f.Walked = binary.BigEndian.AppendUint64(f.Walked, requestHash(req))
	}
	return fs.SaveFrontier(ctx, src.Name, f)
}
