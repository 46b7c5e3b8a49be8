package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/demo"
)

// brokenSite serves the demo site, or, while broken, answers its list page
// the way a site that went blind does.
type brokenSite struct {
	site   *demo.Site
	broken atomic.Bool
	fail   http.HandlerFunc
	srv    *httptest.Server
}

func newBrokenSite(t *testing.T, fail http.HandlerFunc) *brokenSite {
	b := &brokenSite{site: demo.New(), fail: fail}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.broken.Load() && r.URL.String() == b.site.ListURL("") {
			b.fail(w, r)
			return
		}
		b.site.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// The watcher learns, through the notification target, that a watch went
// blind and that it sees again: once each, per source, for a list page
// answering 500 and for a redesign that lists nothing.
func TestCrawlAlertsWhenASourceGoesBlind(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]map[string]any{} // source → health payloads
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		json.NewDecoder(r.Body).Decode(&p)
		if e, _ := p["event"].(string); e == "source_failed" || e == "source_recovered" {
			mu.Lock()
			got[p["source"].(string)] = append(got[p["source"].(string)], p)
			mu.Unlock()
		}
	}))
	defer hook.Close()
	down := newBrokenSite(t, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	})
	redesign := newBrokenSite(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>信息公开</title></head><body><div id="app">网站改版升级中</div></body></html>`)
	})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gongkai.yaml")
	yaml := fmt.Sprintf(`db: %s
web: {listen: %s}
sources:
  - {name: down, start: [%s], delay: 1ms, retries: 1}
  - {name: redesign, start: [%s], delay: 1ms}
notify:
  - webhook: %s
    events: [source_failed, source_recovered]
`, filepath.Join(dir, "gongkai.db"), freeAddr(t), down.site.ListURL(down.srv.URL), redesign.site.ListURL(redesign.srv.URL), hook.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	crawl := func() { gongkai(t, "crawl", "-config", cfg) } // a failing source makes it exit 1: expected
	crawl()                                                 // baseline
	down.broken.Store(true)
	redesign.broken.Store(true)
	for range 3 {
		crawl()
	}
	down.broken.Store(false)
	redesign.broken.Store(false)
	for range 2 {
		crawl()
	}

	mu.Lock()
	defer mu.Unlock()
	for _, source := range []string{"down", "redesign"} {
		events := got[source]
		if len(events) != 2 || events[0]["event"] != "source_failed" || events[1]["event"] != "source_recovered" {
			t.Errorf("%s: the webhook got %v, want one source_failed, then one source_recovered", source, events)
			continue
		}
		failed := events[0]
		since, err := time.Parse(time.RFC3339, fmt.Sprint(failed["since"]))
		if failed["reason"] == "" || failed["reason"] == nil || err != nil || since.IsZero() || failed["polls"] != 2.0 {
			t.Errorf("%s: source_failed payload = %v, want a reason, since and polls 2", source, failed)
		}
		if events[1]["polls"] != 3.0 || events[1]["since"] != failed["since"] {
			t.Errorf("%s: source_recovered payload = %v, want polls 3 and the same since", source, events[1])
		}
	}
}
