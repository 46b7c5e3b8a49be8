package crawler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Hosts is the politeness of a whole process: every request to a host —
// list pages, documents, attachments, robots.txt — of every source and
// run that shares a Hosts waits its turn here. Create one per
// daemon (or crawl command) and pass it in Options.Hosts; a Crawler
// without one makes its own, shared by its runs.
//
// For each host, the sources crawling it at the moment each register their
// delay and parallel; the strictest wins: the longest delay, the smallest
// parallel. A request may start when
//   - fewer than parallel requests to the host are in flight, and
//   - delay has passed since the previous request to the host started, and
//     since the last response from it ended.
//
// Jitter: each gap is lengthened by a random 0 to delay/2, so a fleet of
// sources does not fall into lockstep with a server's rate window. The
// jitter only ever adds: two requests to one host never start less than
// delay apart. Delay 0 means no wait and no jitter.
//
// A host is a lower-cased host name without the port: two ports of one
// machine are one server to be polite to.
type Hosts struct {
	mu    sync.Mutex
	hosts map[string]*hostGate
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	rand  func(n int64) int64
}

// NewHosts returns an empty per-host limiter.
func NewHosts() *Hosts {
	return &Hosts{hosts: map[string]*hostGate{}, now: time.Now, sleep: sleepCtx, rand: rand.Int64N}
}

// Politeness is what one source asks of the hosts it crawls.
type Politeness struct {
	Delay    time.Duration
	Parallel int // < 1 counts as 1
}

type hostGate struct {
	users    map[*Politeness]int // registered politeness → registrations
	inFlight int
	next     time.Time       // earliest start of the next request
	waiters  []chan struct{} // FIFO of requests waiting for a slot
	// woken counts waiters woken for a free slot that have not taken it
	// yet: a request arriving meanwhile queues behind them instead of
	// taking the slot first. Without it a source requesting in a loop
	// took the host back at every release, and another source (or the
	// walk's list page behind the fetcher's documents) waited until it
	// ran out of work.
	woken int
}

// hostKey is host (as in a URL, or a bare name or IPv6 address) lower-cased
// without its port.
func hostKey(host string) string {
	h := strings.ToLower(host)
	switch {
	case strings.HasPrefix(h, "["): // [::1]:8080
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
	case strings.Count(h, ":") == 1: // example.gov.cn:8080
		return h[:strings.IndexByte(h, ':')]
	}
	return h
}

func (h *Hosts) gate(host string) *hostGate {
	key := hostKey(host)
	g := h.hosts[key]
	if g == nil {
		g = &hostGate{users: map[*Politeness]int{}}
		h.hosts[key] = g
	}
	return g
}

// Join registers p on hosts for as long as a run lasts; the returned
// function withdraws it. A host's delay and parallel are the strictest of
// those registered (and of the request's own, see wait).
func (h *Hosts) Join(hosts []string, p Politeness) (leave func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pp := &p
	for _, host := range hosts {
		h.gate(host).users[pp]++
	}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, host := range hosts {
			g := h.gate(host)
			if g.users[pp]--; g.users[pp] <= 0 {
				delete(g.users, pp)
			}
		}
	}
}

// rule is the strictest of the registered politeness and own.
func (g *hostGate) rule(own Politeness) (time.Duration, int) {
	delay, parallel := own.Delay, max(own.Parallel, 1)
	for p := range g.users {
		delay = max(delay, p.Delay)
		parallel = min(parallel, max(p.Parallel, 1))
	}
	return delay, parallel
}

// wait blocks until a request to host may start under own (and every
// registered politeness), and returns the function to call when its
// response has been read. It returns ctx's error if ctx ends first.
func (h *Hosts) wait(ctx context.Context, host string, own Politeness) (done func(), err error) {
	h.mu.Lock()
	g := h.gate(host)
	woken := false
	for {
		_, parallel := g.rule(own)
		if g.inFlight < parallel && (woken || len(g.waiters) == 0 && g.woken == 0) {
			break
		}
		// Wait in line; a request woken but still without a slot (the
		// rule got stricter meanwhile) keeps its place at the front.
		ch := make(chan struct{})
		if woken {
			g.waiters = append([]chan struct{}{ch}, g.waiters...)
		} else {
			g.waiters = append(g.waiters, ch)
		}
		h.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			h.mu.Lock()
			if !g.dropWaiter(ch) { // woken as well: pass the turn on
				g.woken--
				g.wakeOne()
			}
			h.mu.Unlock()
			return nil, ctx.Err()
		}
		h.mu.Lock()
		g.woken--
		woken = true
	}
	g.inFlight++
	if _, parallel := g.rule(own); g.inFlight < parallel {
		g.wakeOne() // more slots free: the next in line need not wait for a release
	}
	delay, _ := g.rule(own)
	now := h.now()
	start := now
	if g.next.After(now) {
		start = g.next
	}
	g.next = start.Add(delay + h.jitter(delay))
	h.mu.Unlock()

	release := func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		g.inFlight--
		delay, _ := g.rule(own)
		if end := h.now().Add(delay); end.After(g.next) {
			g.next = end
		}
		g.wakeOne()
	}
	if wait := start.Sub(now); wait > 0 {
		if err := h.sleep(ctx, wait); err != nil {
			release()
			return nil, err
		}
	}
	var once sync.Once
	return func() { once.Do(release) }, nil
}

func (h *Hosts) jitter(delay time.Duration) time.Duration {
	if delay <= 0 {
		return 0
	}
	return time.Duration(h.rand(int64(delay)/2 + 1))
}

func (g *hostGate) wakeOne() {
	if len(g.waiters) > 0 {
		close(g.waiters[0])
		g.waiters = g.waiters[1:]
		g.woken++
	}
}

// dropWaiter removes ch from the queue; false means it was already woken.
func (g *hostGate) dropWaiter(ch chan struct{}) bool {
	for i, w := range g.waiters {
		if w == ch {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			return true
		}
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// turn waits for a request to rawURL's host (see wait). It is taken
// before the HTTP client is called, not inside its transport: a turn may
// take long to come with many sources on one host, and the client's
// timeout must not run while a request only waits. A redirect followed
// within a request shares its turn.
func (h *Hosts) turn(ctx context.Context, rawURL string, own Politeness) (func(), error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("politeness: %w", err)
	}
	return h.wait(ctx, u.Host, own)
}
