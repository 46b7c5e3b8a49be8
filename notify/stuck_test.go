package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/internal/testenv"
)

// A mail server that never greets must not hold up the other targets, the
// next pass or notify-test: every send has a hard deadline, and a target
// whose send is stuck is skipped until that send returns.
func TestSilentMailServerDoesNotHang(t *testing.T) {
	addr, _ := testenv.SilentServer(t)
	hook := newReceiver(t)
	box := newOutbox(event(1, archive.EventNew, "s", "a"), event(2, archive.EventChanged, "s", "b"))
	smtpURL := fmt.Sprintf("smtp://%s/?from=gongkai@example.org&to=watch@example.org&auth=None&encryption=None&usestarttls=No", addr)
	h := newHarness(t, box, Options{
		Targets:     []Target{{Name: "mail", URL: smtpURL}, {Name: "hook", Webhook: hook.URL}},
		SendTimeout: 300 * time.Millisecond,
	})
	guard, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := h.n.Flush(guard); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if guard.Err() != nil {
		t.Fatal("the first pass hung on the silent mail server")
	}
	if diff := cmp.Diff([]string{"ev-a", "ev-b"}, hook.ids(t)); diff != "" {
		t.Errorf("webhook received (-want +got):\n%s", diff)
	}
	// The next pass finishes too, and the stuck target is skipped, not
	// dialled again while its first send hangs.
	box.mu.Lock()
	box.items = append(box.items, archive.OutboxItem{Event: event(3, archive.EventNew, "s", "c"), Delivered: map[string]time.Time{}})
	box.mu.Unlock()
	if err := h.n.Flush(guard); err != nil || guard.Err() != nil {
		t.Fatalf("second Flush: %v (guard %v)", err, guard.Err())
	}
	if diff := cmp.Diff([]string{"ev-a", "ev-b", "ev-c"}, hook.ids(t)); diff != "" {
		t.Errorf("webhook after the second pass (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint64{1, 2, 3}, box.pending()); diff != "" {
		t.Errorf("pending for the mail target (-want +got):\n%s", diff)
	}
	res := h.n.Test(guard)
	if guard.Err() != nil {
		t.Fatal("notify-test hung on the silent mail server")
	}
	if res[0].Err == nil || !errors.Is(res[0].Err, ErrSendTimeout) && !errors.Is(res[0].Err, ErrTargetBusy) {
		t.Errorf("Test(mail) = %v, want a timeout or busy error", res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("Test(hook) = %v", res[1].Err)
	}
}

// A target whose send hangs (until its deadline) holds up neither the other
// target nor the next pass of Run: the pass leaves it running in the
// background after passWait, and later passes skip it while it is busy.
func TestStuckTargetDoesNotHoldNextPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		box := newOutbox(event(1, archive.EventNew, "s", "a"))
		var mu sync.Mutex
		var hooked []string
		stuckReturned := 0
		n, err := New(box, Options{
			Targets: []Target{{Name: "stuck", Webhook: "https://stuck.example/"}, {Name: "hook", Webhook: "https://hook.example/"}},
			Backoff: Backoff{Attempts: 1},
			send: func(ctx context.Context, tg *target, events []archive.Event) error {
				if tg.name == "stuck" {
					<-ctx.Done() // the send's deadline (SendTimeout, 30 s) or shutdown
					mu.Lock()
					stuckReturned++
					mu.Unlock()
					return ctx.Err()
				}
				mu.Lock()
				hooked = append(hooked, events[0].ID)
				mu.Unlock()
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		wake := make(chan struct{}, 1)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- n.Run(ctx, wake) }()
		synctest.Wait()

		box.mu.Lock()
		box.items = append(box.items, archive.OutboxItem{Event: event(2, archive.EventChanged, "s", "b"), Delivered: map[string]time.Time{}})
		box.mu.Unlock()
		wake <- struct{}{} // a crawl finished while the first pass waits on the stuck target
		time.Sleep(6 * time.Second)
		synctest.Wait()
		mu.Lock()
		got, returned := slices.Clone(hooked), stuckReturned
		mu.Unlock()
		if diff := cmp.Diff([]string{"ev-a", "ev-b"}, got); diff != "" {
			t.Errorf("hook received (-want +got):\n%s", diff)
		}
		if returned != 0 || time.Since(start) >= n.opts.SendTimeout {
			t.Fatalf("the stuck send already ended (%d) after %s: the test proves nothing", returned, time.Since(start))
		}
		// The stuck target was tried once, not once per pass.
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		if stuckReturned != 1 {
			t.Errorf("%d sends to the stuck target, want 1 (skipped while busy)", stuckReturned)
		}
		if diff := cmp.Diff([]uint64{1, 2}, box.pending()); diff != "" {
			t.Errorf("pending for the stuck target (-want +got):\n%s", diff)
		}
	})
}
