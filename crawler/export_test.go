package crawler

import (
	"context"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler/discover"
)

// Recorder is recorder, for tests outside the package.
type Recorder = recorder

// WrapRecorder makes every run of c write through wrap(run).
func WrapRecorder(c *Crawler, wrap func(Recorder) Recorder) { c.wrapRecorder = wrap }

var _ Recorder = (*archive.Run)(nil)

// ParseListWith makes c read list pages with parse.
func ParseListWith(c *Crawler, parse func(pageURL, contentType string, body []byte, o discover.Options) (discover.Result, error)) {
	c.parseList = parse
}

// NewTestHosts is NewHosts with its clock, sleep and jitter source replaced.
func NewTestHosts(now func() time.Time, sleep func(context.Context, time.Duration) error, rnd func(int64) int64) *Hosts {
	h := NewHosts()
	h.now, h.sleep, h.rand = now, sleep, rnd
	return h
}

// Wait exposes the limiter's wait to tests.
func (h *Hosts) Wait(ctx context.Context, host string, own Politeness) (func(), error) {
	return h.wait(ctx, host, own)
}

// Gate reports a host's requests in flight, waiting, and woken but not
// started yet.
func (h *Hosts) Gate(host string) (inFlight, waiting, woken int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := h.gate(host)
	return g.inFlight, len(g.waiters), g.woken
}
