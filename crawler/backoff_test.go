package crawler

import (
	"errors"
	"testing"
	"time"
)

// A source with many retries never gets an overflowed (negative, panicking)
// or unbounded wait between attempts.
func TestBackoffCapped(t *testing.T) {
	f := &fetcher{retries: 100, backoff: time.Second, now: time.Now}
	for attempt := 1; attempt < 100; attempt++ {
		wait, retry := f.retryable(&fetchResult{status: 503, err: errors.New("Service Unavailable")}, attempt)
		if !retry || wait <= 0 || wait > maxRetryAfter*3/2 {
			t.Fatalf("attempt %d: wait %s, retry %v; want a positive wait of at most %s", attempt, wait, retry, maxRetryAfter*3/2)
		}
	}
}
