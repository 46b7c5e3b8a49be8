package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"
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
