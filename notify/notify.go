// Package notify owns alert delivery: it drains the archive's outbox of
// new, changed, withdrawn and restored events (and source_failed /
// source_recovered: a watch going blind and seeing again) and delivers
// each to every configured target whose filters keep it — a JSON webhook (optionally
// HMAC-signed) or any shoutrrr service URL, with a readable Chinese
// message — at least once, marking each delivery so that a restart resends
// nothing already delivered and loses nothing not yet delivered.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"

	"github.com/gongkai/gongkai/internal/backoff"
)

// Outbox is the archive's queue of undelivered events; *archive.Store
// satisfies it.
type Outbox interface {
	// Outbox returns up to limit pending items, oldest first.
	Outbox(ctx context.Context, limit int) ([]archive.OutboxItem, error)
	// MarkDelivered records that target (a Target.Key) got the event.
	MarkDelivered(ctx context.Context, seq uint64, target string) error
	// Ack removes the item: delivered to every target, or given up on.
	Ack(ctx context.Context, seq uint64) error
}

// Backoff bounds retries: the n-th retry waits about Min·2ⁿ⁻¹, at most
// Max, randomly shortened by up to half so that retries spread out.
type Backoff struct {
	Min, Max time.Duration
	// Attempts caps tries per delivery within one pass, the first
	// included. Run ignores it.
	Attempts int
}

// delay is the wait before retry n (n ≥ 1).
func (b Backoff) delay(n int) time.Duration {
	return backoff.Policy{Min: b.Min, Max: b.Max}.Delay(n)
}

// Options configure a Notifier. The zero value works: no targets, every
// event is acknowledged unsent.
type Options struct {
	Targets []Target
	// Logger receives delivery failures and expiries; nil discards.
	Logger *slog.Logger
	// HTTPClient sends webhooks and shoutrrr HTTP requests; nil means a
	// client with a 30 s timeout.
	HTTPClient *http.Client
	// MaxAge is how long an event may wait for a target before it is given
	// up on and dropped from the outbox (logged); 0 means 7 days.
	MaxAge time.Duration
	// BaseURL is the web UI's base; when set, messages link to the archived
	// version (archive_url in webhooks).
	BaseURL string
	// Backoff spaces retries of one delivery within a pass; zero fields
	// mean Min 1 s, Max 30 s, 4 attempts. A Retry-After longer than Max
	// ends the target's pass and holds it off until then.
	Backoff Backoff
	// Retry spaces the passes Run makes while deliveries remain pending;
	// zero fields mean Min 1 min, Max 30 min.
	Retry Backoff
	// BatchSize is how many outbox items one read takes; 0 means 1000.
	BatchSize int
	// SendTimeout is the hard deadline of one send to one target, dial,
	// greeting and answer included; 0 means 30 s. A send that misses it
	// ends the target's pass (its events wait for a later one), and a
	// shoutrrr send that ignores its deadline (an SMTP server that never
	// greets) is abandoned: the target is skipped until it returns.
	SendTimeout time.Duration
	// Now is the clock for expiry and Retry-After dates; nil means
	// time.Now.
	Now func() time.Time
	// Delivered, if set, is told how each delivery ended (after its
	// retries) for the metrics: the target's display name, err nil when
	// delivered.
	Delivered func(target string, err error)

	// send and sleep replace the network and the retry waits in tests.
	send  sendFunc
	sleep func(ctx context.Context, d time.Duration) error
	// passWait is how long a pass of Run waits for slow targets before
	// leaving them to finish in the background; 0 means 5 s.
	passWait time.Duration
}

// Notifier delivers outbox events to targets. Create it with New; Flush
// and Run must not be called concurrently with each other.
type Notifier struct {
	box     Outbox
	opts    Options
	targets []*target
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	sendFn  sendFunc
	sleep   func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	notBefore map[string]time.Time // target key → no attempt before; guarded by mu
	bg        sync.WaitGroup       // deliveries, possibly outliving their pass
}

// TestResult is the outcome of sending a sample message to one target.
type TestResult struct {
	Target string // the target's DisplayName
	Err    error  // nil when the target accepted the message
}

// New checks every target and returns a Notifier draining box.
func New(box Outbox, opts Options) (*Notifier, error) {
	if box == nil {
		return nil, errors.New("new notifier: nil outbox")
	}
	n := &Notifier{box: box, opts: opts, notBefore: map[string]time.Time{}}
	seen := map[string]string{}
	var errs []error
	for _, t := range opts.Targets {
		c, err := compile(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := seen[c.key]; dup {
			errs = append(errs, fmt.Errorf("notify target %s: same endpoint as %s", c.name, other))
			continue
		}
		seen[c.key] = c.name
		n.targets = append(n.targets, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if n.opts.MaxAge <= 0 {
		n.opts.MaxAge = 7 * 24 * time.Hour
	}
	n.opts.Backoff = withDefaults(n.opts.Backoff, Backoff{Min: time.Second, Max: 30 * time.Second, Attempts: 4})
	n.opts.Retry = withDefaults(n.opts.Retry, Backoff{Min: time.Minute, Max: 30 * time.Minute, Attempts: 1})
	if n.opts.BatchSize <= 0 {
		n.opts.BatchSize = 1000
	}
	if n.opts.SendTimeout <= 0 {
		n.opts.SendTimeout = 30 * time.Second
	}
	if n.opts.passWait <= 0 {
		n.opts.passWait = 5 * time.Second
	}
	n.client = opts.HTTPClient
	if n.client == nil {
		n.client = &http.Client{Timeout: 30 * time.Second}
	}
	n.log = opts.Logger
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	n.now = opts.Now
	if n.now == nil {
		n.now = time.Now
	}
	n.sendFn = opts.send
	if n.sendFn == nil {
		n.sendFn = n.send
	}
	n.sleep = opts.sleep
	if n.sleep == nil {
		n.sleep = sleep
	}
	return n, nil
}

func withDefaults(b, def Backoff) Backoff {
	if b.Min <= 0 {
		b.Min = def.Min
	}
	if b.Max <= 0 {
		b.Max = def.Max
	}
	b.Max = max(b.Max, b.Min)
	if b.Attempts <= 0 {
		b.Attempts = def.Attempts
	}
	return b
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// passResult counts what a Flush did.
type passResult struct {
	delivered int // (event, target) deliveries made
	pending   int // (event, target) deliveries still owed
	acked     int // items removed from the outbox
	expired   int // items given up on
}

// Flush makes one delivery pass: every pending event goes to every
// matching target that has not had it yet, with bounded retries; each
// delivery is marked at once, and an item is acknowledged when all its
// matching targets have it, when none matches, or when it is older than
// MaxAge. Digest targets get one message with all their pending events. A
// failing target keeps its events for a later pass without holding up the
// others. Delivery failures are logged, not returned: the error is about
// the outbox itself or ctx.
func (n *Notifier) Flush(ctx context.Context) error {
	_, err := n.flush(ctx, 0)
	return err
}

// flush makes one delivery pass; wait bounds how long it waits for each
// batch's deliveries (0 = until they end).
func (n *Notifier) flush(ctx context.Context, wait time.Duration) (passResult, error) {
	var total passResult
	seen := map[uint64]bool{}
	for {
		items, err := n.box.Outbox(ctx, n.opts.BatchSize)
		if err != nil {
			return total, err // the store names the operation
		}
		fresh := items[:0:0]
		for _, it := range items {
			if !seen[it.Event.Seq] {
				seen[it.Event.Seq] = true
				fresh = append(fresh, it)
			}
		}
		res, err := n.pass(ctx, fresh, wait)
		total.delivered += res.delivered
		total.pending += res.pending
		total.acked += res.acked
		total.expired += res.expired
		// A full batch with progress may hide more items behind it; items
		// still owed come back first, so seen keeps them to one try a pass.
		if err != nil || len(items) < n.opts.BatchSize || res.acked == 0 || len(fresh) == 0 {
			return total, err
		}
	}
}

// pass delivers one batch of outbox items.
func (n *Notifier) pass(ctx context.Context, items []archive.OutboxItem, wait time.Duration) (passResult, error) {
	var res passResult
	now := n.now()
	var ack []uint64
	owed := map[uint64]int{} // seq → targets still owed
	perTarget := make([][]archive.OutboxItem, len(n.targets))
	for _, it := range items {
		e := it.Event
		if e.Baseline { // never announced; the archive should not queue these
			ack = append(ack, e.Seq)
			continue
		}
		var to []int
		for i, t := range n.targets {
			if _, done := it.Delivered[t.key]; !done && t.wants(e) {
				to = append(to, i)
			}
		}
		if len(to) == 0 {
			ack = append(ack, e.Seq)
			continue
		}
		if age := now.Sub(e.FetchedAt); !e.FetchedAt.IsZero() && age > n.opts.MaxAge {
			for _, i := range to {
				n.log.Warn("notification expired undelivered", "event_id", e.ID, "target", n.targets[i].name, "age", age.Round(time.Second), "source", e.Source, "url", e.URL)
			}
			ack = append(ack, e.Seq)
			res.expired++
			continue
		}
		for _, i := range to {
			perTarget[i] = append(perTarget[i], it)
		}
		owed[e.Seq] = len(to)
	}

	// One delivery per target at a time, each in a goroutine the Notifier
	// owns. The pass waits for them all, or for wait when it is positive:
	// a target still sending then finishes in the background (its marks
	// land as it goes), is skipped by later passes until it does, and its
	// events are acknowledged by the first pass after. So a stuck target
	// never holds up the others, nor the next pass for longer than wait.
	type delivery struct {
		i    int
		done []uint64
		err  error
	}
	results := make(chan delivery, len(n.targets))
	started := 0
	for i, t := range n.targets {
		if len(perTarget[i]) == 0 {
			continue
		}
		select {
		case t.running <- struct{}{}:
		default:
			n.log.Debug("notification target still busy with an earlier pass", "target", t.name)
			continue
		}
		started++
		n.bg.Add(1)
		go func() {
			defer n.bg.Done()
			d := delivery{i: i}
			d.done, d.err = n.deliverTarget(ctx, t, perTarget[i])
			<-t.running
			results <- d
		}()
	}
	var timeout <-chan time.Time
	if wait > 0 && started > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		timeout = timer.C
	}
	done := make([][]uint64, len(n.targets))
	var errs []error
collect:
	for range started {
		select {
		case d := <-results:
			done[d.i] = d.done
			if d.err != nil {
				errs = append(errs, d.err)
			}
		case <-timeout:
			break collect
		}
	}

	for _, seqs := range done {
		for _, seq := range seqs {
			res.delivered++
			if owed[seq]--; owed[seq] == 0 {
				ack = append(ack, seq)
			}
		}
	}
	for _, left := range owed {
		res.pending += left
	}
	// Acks go through even when ctx ends: what was delivered stays delivered.
	keep := context.WithoutCancel(ctx)
	for _, seq := range ack {
		if err := n.box.Ack(keep, seq); err != nil {
			errs = append(errs, err)
			continue
		}
		res.acked++
	}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	return res, ctx.Err()
}

// deliverTarget sends a target its pending items and returns the seqs
// delivered. A failure that retries did not cure ends the target's pass
// unless the receiver refused only that event (a 4xx).
func (n *Notifier) deliverTarget(ctx context.Context, t *target, items []archive.OutboxItem) ([]uint64, error) {
	if until := n.heldUntil(t.key); n.now().Before(until) {
		n.log.Debug("notification target held off", "target", t.name, "until", until)
		return nil, nil
	}
	// A successful send is always marked, even during shutdown.
	keep := context.WithoutCancel(ctx)
	var delivered []uint64
	mark := func(seq uint64) error {
		if err := n.box.MarkDelivered(keep, seq, t.key); err != nil {
			return err
		}
		delivered = append(delivered, seq)
		return nil
	}
	if t.Digest {
		events := make([]archive.Event, len(items))
		for i, it := range items {
			events[i] = it.Event
		}
		if err := n.attempt(ctx, t, events); err != nil {
			return nil, nil
		}
		for _, it := range items {
			if err := mark(it.Event.Seq); err != nil {
				return delivered, err
			}
		}
		return delivered, nil
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		if err := n.attempt(ctx, t, []archive.Event{it.Event}); err != nil {
			if retryable(err) {
				break // the target is down; the rest waits for the next pass
			}
			continue
		}
		if err := mark(it.Event.Seq); err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

// attempt sends events to t, retrying with backoff, and logs a failure
// it gives up on.
func (n *Notifier) attempt(ctx context.Context, t *target, events []archive.Event) error {
	b := n.opts.Backoff
	for try := 1; ; try++ {
		err := n.sendOnce(ctx, t, events)
		if err == nil {
			n.observe(t, nil)
			n.log.Debug("notification delivered", "event_id", events[0].ID, "events", len(events), "target", t.name, "attempts", try)
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		wait := b.delay(try)
		if ra := retryAfter(err); ra > 0 {
			wait = ra
		}
		if !retryable(err) || try >= b.Attempts || wait > b.Max || errors.Is(err, ErrSendTimeout) || errors.Is(err, ErrTargetBusy) {
			if ra := retryAfter(err); ra > 0 {
				n.holdOff(t.key, n.now().Add(ra))
			}
			n.observe(t, err)
			n.log.Warn("notification delivery failed", "event_id", events[0].ID, "events", len(events), "target", t.name, "attempts", try, "err", err)
			return err
		}
		n.log.Debug("notification delivery retry", "event_id", events[0].ID, "target", t.name, "attempt", try, "wait", wait, "err", err)
		if err := n.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func (n *Notifier) observe(t *target, err error) {
	if n.opts.Delivered != nil {
		n.opts.Delivered(t.name, err)
	}
}

// sendOnce is one send under the hard deadline.
func (n *Notifier) sendOnce(ctx context.Context, t *target, events []archive.Event) error {
	sctx, cancel := context.WithTimeout(ctx, n.opts.SendTimeout)
	defer cancel()
	err := n.sendFn(sctx, t, events)
	if err != nil && ctx.Err() == nil && errors.Is(sctx.Err(), context.DeadlineExceeded) && !errors.Is(err, ErrSendTimeout) {
		err = fmt.Errorf("%w (%s): %w", ErrSendTimeout, n.opts.SendTimeout, err)
	}
	return err
}

func (n *Notifier) heldUntil(key string) time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.notBefore[key]
}

func (n *Notifier) holdOff(key string, until time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notBefore[key] = until
}

// Run owns the delivery loop: a pass at start (resuming whatever a crash
// left in the outbox), one on every wake (a crawl finished), and retries
// on a backoff timer while deliveries remain pending. It returns nil once
// ctx is done. A closed wake channel is treated as never waking again.
func (n *Notifier) Run(ctx context.Context, wake <-chan struct{}) error {
	// Deliveries left running by a pass observe ctx, so this returns soon
	// after it ends.
	defer n.bg.Wait()
	failures := 0
	for {
		res, err := n.flush(ctx, n.opts.passWait)
		if ctx.Err() != nil {
			return nil
		}
		var retry <-chan time.Time
		var timer *time.Timer
		if err != nil || res.pending > 0 {
			if err != nil {
				n.log.Error("notification pass failed", "err", err)
			}
			failures++
			timer = time.NewTimer(n.opts.Retry.delay(failures))
			retry = timer.C
		} else {
			failures = 0
		}
		select {
		case <-ctx.Done():
		case _, ok := <-wake:
			if !ok {
				wake = nil
			}
		case <-retry:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// Test sends a sample event to every target, once and without retries, and
// reports each outcome in target order. Nothing touches the outbox.
func (n *Notifier) Test(ctx context.Context) []TestResult {
	now := n.now()
	sample := archive.Event{
		ID:        fmt.Sprintf("test-%d", now.UnixNano()),
		Kind:      archive.EventNew,
		Source:    "gongkai",
		URL:       n.opts.BaseURL,
		Title:     "gongkai 通知测试 (test notification)",
		Published: now.Format(time.DateOnly),
		FetchedAt: now,
		Summary:   "这是一条测试消息，收到即表示配置正确。",
	}
	results := make([]TestResult, len(n.targets))
	var wg sync.WaitGroup
	for i, t := range n.targets {
		results[i].Target = t.name
		wg.Go(func() { results[i].Err = n.sendOnce(ctx, t, []archive.Event{sample}) })
	}
	wg.Wait()
	return results
}
