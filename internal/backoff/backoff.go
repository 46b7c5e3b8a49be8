// Package backoff is the project's one retry timing: exponential backoff
// with jitter, and the server's Retry-After header. The crawler uses it
// between attempts at a page, the notifier between deliveries.
package backoff

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy spaces retries: the n-th retry waits about Min·2ⁿ⁻¹, at most Max,
// randomly shortened by up to half so that retries of many clients (or
// many documents) spread out.
type Policy struct {
	Min, Max time.Duration
}

// Delay is the wait before retry n (n ≥ 1). It never overflows, however
// large n is, and is never negative.
func (p Policy) Delay(n int) time.Duration {
	d := max(p.Min, 0)
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	if p.Max > 0 {
		d = min(d, p.Max)
	}
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// RetryAfter reads a Retry-After header value, delay-seconds or an HTTP
// date, as a wait from now; 0 when absent, malformed or in the past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
