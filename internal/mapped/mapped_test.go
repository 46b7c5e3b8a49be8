package mapped

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

type countingReleaser struct {
	n   atomic.Int32
	err error
}

func (c *countingReleaser) ReleaseMapped() error { c.n.Add(1); return c.err }

// TestLimiterReleasesOverBudget: the releasers run when the resident file
// memory passes the budget, after a request of a wrapped handler, and not
// below it.
func TestLimiterReleasesOverBudget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		resident int64
		want     bool
	}{
		{"under budget", 100 << 20, false},
		{"at budget", 128 << 20, false},
		{"over budget", 129 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := &countingReleaser{}, &countingReleaser{err: errors.New("boom")}
			l := &Limiter{Release: []Releaser{b, a}, Every: time.Hour,
				resident: func() (int64, bool) { return tc.resident, true }}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { l.Run(ctx); close(done) }()
			h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			deadline := time.Now().Add(2 * time.Second)
			for tc.want && a.n.Load() == 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if !tc.want {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			<-done
			if got := a.n.Load() > 0; got != tc.want {
				t.Errorf("released = %v, want %v", got, tc.want)
			}
			// One releaser failing does not stop the others.
			if a.n.Load() != b.n.Load() {
				t.Errorf("releasers ran %d and %d times, want the same", a.n.Load(), b.n.Load())
			}
		})
	}
}

// TestLimiterWithoutResident: where the resident memory is unknown, Run
// returns at once and Kick never blocks.
func TestLimiterWithoutResident(t *testing.T) {
	l := &Limiter{resident: func() (int64, bool) { return 0, false }}
	done := make(chan struct{})
	go func() { l.Run(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return")
	}
	for range 3 {
		l.Kick()
	}
}
