package crawler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/crawler"
)

// sleeps records the waits a Hosts asks for, without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return nil
}

// hosts is a Hosts on the real clock without jitter that records its waits
// in s instead of sleeping.
func (s *sleeps) hosts() *crawler.Hosts {
	return crawler.NewTestHosts(time.Now, s.sleep, func(int64) int64 { return 0 })
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// delay: 0s means no delay at all: the crawl never waits for politeness.
// With delay 200ms every request after the first waits its turn.
func TestDelayZeroMakesNoDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		delay time.Duration
	}{{"0s", 0}, {"200ms", 200 * time.Millisecond}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newColumn(t, 3, 3, false)
			st := archivetest.Open(t)
			var s sleeps
			hosts := s.hosts()
			src := columnSource(c, "fff")
			src.Delay = tc.delay
			stats := crawl(t, crawler.New(st, crawler.Options{Backoff: time.Millisecond, Hosts: hosts}), src)
			if stats.New != c.docs() {
				t.Fatalf("crawl = %+v, want %d new", stats, c.docs())
			}
			waits := s.all()
			requests := c.count("/")
			switch {
			case tc.delay == 0 && len(waits) != 0:
				t.Errorf("delay 0s: %d politeness waits (%v), want none", len(waits), waits)
			case tc.delay > 0 && len(waits) != requests-1:
				t.Errorf("delay %s: %d waits for %d requests, want one before every request but the first", tc.delay, len(waits), requests)
			}
			for _, w := range waits {
				if w < tc.delay-10*time.Millisecond {
					t.Errorf("wait of %s, want about %s or more", w, tc.delay)
				}
			}
		})
	}
}

// The strictest politeness registered on a host wins, across ports, and
// the jitter only lengthens the wait, by at most delay/2.
func TestHostsStrictestWins(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var s sleeps
	jitter := int64(0)
	h := crawler.NewTestHosts(clock, s.sleep, func(n int64) int64 { return min(jitter, n-1) })
	leaveA := h.Join([]string{"www.example.gov.cn"}, crawler.Politeness{Delay: time.Second, Parallel: 4})
	leaveB := h.Join([]string{"www.example.gov.cn"}, crawler.Politeness{Delay: 200 * time.Millisecond, Parallel: 1})

	done1, err := h.Wait(ctx, "www.example.gov.cn:8080", crawler.Politeness{})
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan func(), 1)
	go func() {
		done, err := h.Wait(ctx, "WWW.example.gov.cn", crawler.Politeness{Parallel: 8})
		if err != nil {
			t.Error(err)
		}
		second <- done
	}()
	done1() // parallel is 1 (B's): the second request starts only now
	done2 := <-second
	if w := s.all(); len(w) != 1 || w[0] != time.Second {
		t.Errorf("waits %v, want one of 1s (A's delay, the strictest)", w)
	}
	done2()
	leaveA()
	leaveB()

	// Alone on the host with delay 200ms and the largest jitter: 300ms.
	jitter = 1 << 62
	leave := h.Join([]string{"other.gov.cn"}, crawler.Politeness{Delay: 200 * time.Millisecond})
	defer leave()
	d, _ := h.Wait(ctx, "other.gov.cn", crawler.Politeness{Delay: 200 * time.Millisecond})
	mu.Lock()
	now = now.Add(50 * time.Millisecond) // the response took 50ms
	mu.Unlock()
	d()
	d, _ = h.Wait(ctx, "other.gov.cn", crawler.Politeness{Delay: 200 * time.Millisecond})
	d()
	if w := s.all(); len(w) != 2 || w[1] != 250*time.Millisecond {
		t.Errorf("waits %v, want the second 250ms: 200ms + the 100ms jitter from the first start, 50ms of it passed", w)
	}
}

// One host is one server to be polite to, whatever the port or case.
func TestHostsKeyIgnoresPortAndCase(t *testing.T) {
	t.Parallel()
	var s sleeps
	h := s.hosts()
	for _, tc := range []struct{ join, request string }{
		{"www.example.gov.cn", "WWW.Example.gov.cn:8080"},
		{"::1", "[::1]:8080"},
		{"127.0.0.1", "127.0.0.1:443"},
	} {
		leave := h.Join([]string{tc.join}, crawler.Politeness{Delay: time.Hour})
		for range 2 {
			done, err := h.Wait(ctx, tc.request, crawler.Politeness{})
			if err != nil {
				t.Fatal(err)
			}
			done()
		}
		leave()
	}
	if w := s.all(); len(w) != 3 {
		t.Errorf("waits %v, want one hour-long wait per host (the second request of each)", w)
	}
}

// A source that releases the host and asks again at once does not
// overtake a request already waiting: turns go in order of arrival, so
// two sources on one host (or the walk's next list page behind the
// fetcher's documents) interleave instead of one waiting until the other
// runs out of work.
func TestHostsTurnGoesToTheWaiter(t *testing.T) {
	t.Parallel()
	var s sleeps
	h, host, own := s.hosts(), "www.example.gov.cn", crawler.Politeness{Parallel: 1}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("10 s without %s", what)
			}
		}
	}
	for range 50 {
		doneA, err := h.Wait(ctx, host, own)
		if err != nil {
			t.Fatal(err)
		}
		b := make(chan func(), 1)
		go func() {
			d, err := h.Wait(ctx, host, own)
			if err != nil {
				t.Error(err)
			}
			b <- d
		}()
		waitFor("the second request queued", func() bool { _, n, _ := h.Gate(host); return n == 1 })
		doneA()
		a := make(chan func(), 1)
		go func() { // A again, at once
			d, err := h.Wait(ctx, host, own)
			if err != nil {
				t.Error(err)
			}
			a <- d
		}()
		var doneB func()
		select {
		case doneB = <-b:
		case doneA = <-a:
			t.Fatal("the source that released the host took it back before the request waiting for it")
		case <-time.After(10 * time.Second):
			t.Fatal("the waiting request never got its turn")
		}
		select {
		case <-a:
			t.Fatal("two requests in flight at parallel 1")
		default:
		}
		doneB()
		(<-a)()
	}
	if in, n, w := h.Gate(host); in != 0 || n != 0 || w != 0 {
		t.Errorf("after the rounds: %d in flight, %d waiting, %d woken; want none", in, n, w)
	}
}

// Requests given up while waiting (their run stopped) leave no turn
// behind: after many, some given up as they are woken, the host is free.
func TestHostsGivenUpTurnsAreNotLost(t *testing.T) {
	t.Parallel()
	var s sleeps
	h, host, own := s.hosts(), "www.example.gov.cn", crawler.Politeness{Parallel: 2}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			if i%3 == 0 {
				go func() { time.Sleep(time.Duration(i%7) * 50 * time.Microsecond); cancel() }()
			}
			if done, err := h.Wait(c, host, own); err == nil {
				time.Sleep(20 * time.Microsecond)
				done()
			}
		}()
	}
	wg.Wait()
	if in, n, w := h.Gate(host); in != 0 || n != 0 || w != 0 {
		t.Fatalf("after every request ended: %d in flight, %d waiting, %d woken; want none", in, n, w)
	}
	done, err := h.Wait(ctx, host, own)
	if err != nil {
		t.Fatal(err)
	}
	done()
}
