package crawler_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
)

// A watch that goes blind must say so, once, and say so again, once, when
// it sees again: a list page answering 500, or answering 200 with no
// document after a redesign, fails the source after two polls (the
// default alert_after_failures), and the first good poll recovers it.
func TestSourceHealthEvents(t *testing.T) {
	for _, tc := range []struct {
		name   string
		broken http.HandlerFunc
		reason string
	}{
		{"list page 500", status(http.StatusInternalServerError, ""), "no list page could be fetched"},
		{"redesign lists nothing", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>通知公告</title></head><body><div class="new-layout">栏目改版中，敬请期待。</div></body></html>`)
		}, "listed no documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newFaultSite(t)
			site.set(func(s *faultSite) { s.bad = serveBad })
			st := archivetest.Open(t)
			c := faultCrawler(st, site, &logBuffer{})
			src := site.source()
			src.Retries = 1
			poll := func() { crawlBounded(t, c, src) }
			broken := func(on bool) {
				site.set(func(s *faultSite) {
					s.front = nil
					if on {
						s.front = func(w http.ResponseWriter, r *http.Request) bool {
							if r.URL.Path != listPath {
								return false
							}
							tc.broken(w, r)
							return true
						}
					}
				})
			}

			poll() // baseline
			broken(true)
			for range 4 {
				poll()
			}
			state, err := st.Source(ctx, src.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !state.Health.Failing() || state.Health.Failures != 4 || state.Health.FailingSince.IsZero() {
				t.Errorf("health after 4 failed polls = %+v, want failing for 4 polls", state.Health)
			}
			broken(false)
			for range 3 {
				poll()
			}

			events, err := st.Events(ctx, archive.EventQuery{Source: src.Name})
			if err != nil {
				t.Fatal(err)
			}
			var failed, recovered []archive.Event
			for _, e := range events {
				switch e.Kind {
				case archive.EventSourceFailed:
					failed = append(failed, e)
				case archive.EventSourceRecovered:
					recovered = append(recovered, e)
				}
			}
			if len(failed) != 1 || len(recovered) != 1 {
				t.Fatalf("got %d source_failed and %d source_recovered events, want exactly 1 of each", len(failed), len(recovered))
			}
			f, r := failed[0], recovered[0]
			if f.Doc != 0 || f.Polls != 2 || f.Since.IsZero() || !strings.Contains(f.Reason, tc.reason) {
				t.Errorf("source_failed = doc %d, polls %d, since %v, reason %q; want doc 0, 2 polls, a since, a reason with %q",
					f.Doc, f.Polls, f.Since, f.Reason, tc.reason)
			}
			if r.Polls != 4 || !r.Since.Equal(f.Since) || r.Seq <= f.Seq {
				t.Errorf("source_recovered = polls %d, since %v, seq %d; want 4 polls since %v, after seq %d", r.Polls, r.Since, r.Seq, f.Since, f.Seq)
			}
			box, err := st.Outbox(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			inBox := map[string]int{}
			for _, it := range box {
				inBox[it.Event.Kind]++
			}
			if inBox[archive.EventSourceFailed] != 1 || inBox[archive.EventSourceRecovered] != 1 {
				t.Errorf("outbox holds %v, want one source_failed and one source_recovered to deliver", inBox)
			}
			if state, _ := st.Source(ctx, src.Name); state.Health.Failing() || state.Health.Failures != 0 {
				t.Errorf("health after recovery = %+v, want healthy", state.Health)
			}
		})
	}
}
