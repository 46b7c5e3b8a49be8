//go:build unix

package main

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// listHits is the number of requests per list page so far.
func (s *slowSite) listHits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for p, h := range s.hits {
		if strings.HasPrefix(p, "/col/") {
			out[p] = h
		}
	}
	return out
}

// A first crawl of a long column stopped halfway — SIGTERM, or kill -9
// with no chance to record anything — is completed by the next crawl,
// which resumes the walk from the saved frontier: no archived document is
// fetched again, and the list pages walked before are not walked again
// (only the first page, polled for news, and the page the frontier was
// at), except, after kill -9, those of the documents lost with the open
// group commit: the frontier is written in the run's batches, as durable
// as the documents it passes.
func TestStoppedBackfillResumes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
	}{{"kill -9", syscall.SIGKILL}, {"SIGTERM", syscall.SIGTERM}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const docs = 120
			site := newSlowSite(t, docs, 20*time.Millisecond)
			site.per = 4 // 30 list pages
			cfg, db := slowConfig(t, site)
			c := startGongkai(t, "crawl", "-config", cfg)
			until(t, time.Minute, "half the documents fetched", func() bool { return site.docHits() >= docs/2 })
			if err := c.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			c.wait(t, 15*time.Second)
			hitsAtStop := site.docHits()
			got := inspect(t, db)
			if got == 0 || got >= docs {
				t.Fatalf("after %s: %d documents archived, want some but not all of %d", tc.name, got, docs)
			}
			before := site.listHits()
			c = startGongkai(t, "crawl", "-config", cfg)
			if code := c.wait(t, 2*time.Minute); code != 0 {
				t.Fatalf("next crawl: exit %d\n%s", code, c.stderr.String())
			}
			if got := inspect(t, db); got != docs {
				t.Errorf("after the next crawl: %d documents, want %d", got, docs)
			}
			if out := c.stdout.String(); !strings.Contains(out, "walked to its end") {
				t.Errorf("summary does not say the column was walked to its end:\n%s", out)
			}
			// Only the documents fetched but not committed at the stop repeat:
			// those in flight and those of the open group commit, which a
			// kill -9 loses.
			if n, m, lost := site.docHits(), site.maxHits(), hitsAtStop-got; n > docs+lost || m > 2 {
				t.Errorf("%d document requests over both runs (at most %d per document), want at most %d (%d not committed at the stop)", n, m, docs+lost, lost)
			}
			again := 0
			for p, n := range site.listHits() {
				if before[p] > 0 && n > before[p] {
					again++
				}
			}
			allowed := 3
			if lost := hitsAtStop - got; lost > 0 {
				allowed += (lost+site.per-1)/site.per + 1
			}
			if walked := len(before); again > allowed {
				t.Errorf("the next crawl read %d of the %d list pages walked before the stop again, want at most %d (first page, frontier, pages of the %d documents not committed at the stop)", again, walked, allowed, hitsAtStop-got)
			}
		})
	}
}
