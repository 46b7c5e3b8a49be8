package crawler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

var ctx = context.Background()

func source(s *site) config.Source {
	return config.Source{Name: "ninghai", Start: []string{s.listURL()}, Revisit: 0, MaxPages: 50, PollPages: 3,
		Parallel: 1, Retries: 3, Timeout: 5 * time.Second, MaxBody: 1 << 20, Robots: true}
}

func newCrawler(st *archive.Store) *crawler.Crawler {
	return crawler.New(st, crawler.Options{Backoff: time.Millisecond})
}

func crawl(t *testing.T, c *crawler.Crawler, src config.Source) archive.RunStats {
	t.Helper()
	stats, err := c.Crawl(ctx, src)
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	return stats
}

func versions(t *testing.T, st *archive.Store) int {
	t.Helper()
	docs, err := archivetest.All(t, st), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range docs {
		n += d.Versions
	}
	return n
}

func TestCrawlTwoPageListCompletely(t *testing.T) {
	s := newSite(t)
	s.flaky["/art/2025/1/5/art_100_5.html"] = 2 // 503, 503, then 200
	st := archivetest.Open(t)
	stats := crawl(t, newCrawler(st), source(s))
	if stats.New != nDocs || stats.ListPages != 3 || stats.Errors != 0 {
		t.Fatalf("first crawl: %+v, want %d new from 3 list pages, no errors", stats, nDocs)
	}
	if n := s.hit("/private/art_100_99.html"); n != 0 {
		t.Errorf("robots.txt disallows /private/ but it was fetched %d times", n)
	}
	if n := s.hit("/art/2025/1/5/art_100_5.html"); n != 3 {
		t.Errorf("flaky page fetched %d times, want 3 (two 503s retried)", n)
	}
	for _, p := range []string{"/col/col100/index.html", "/col/col100/index_1.html", "/col/col100/index_2.html"} {
		if n := s.hit(p); n != 1 {
			t.Errorf("list page %s fetched %d times, want 1", p, n)
		}
	}
	d, err := st.Lookup(ctx, s.srv.URL+"/art/2025/1/1/art_100_1.html")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.Version(ctx, d.ID, 1)
	if v.Record.IndexNo != "002966124/2025-00001" || !strings.HasPrefix(v.Record.Published, "2025-01-29") || !strings.Contains(v.Record.Body, "依法开展专项整治") {
		t.Errorf("extracted record = %+v", v.Record)
	}
	if strings.Contains(v.Record.Body, "浏览次数") || strings.Contains(v.Record.Body, "分享到") {
		t.Errorf("chrome in body: %q", v.Record.Body)
	}
	c, _ := st.Capture(ctx, d.ID, 1)
	if c.Status != 200 || !strings.Contains(string(c.Body), "xxgk_table") || c.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("capture: status %d, content type %q", c.Status, c.Header.Get("Content-Type"))
	}
}

func TestGBKPageUnderGB2312Meta(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	crawl(t, newCrawler(st), source(s))
	d, err := st.Lookup(ctx, s.srv.URL+"/art/2025/1/10/art_100_10.html")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "刘䶮纪念馆周边交通管制的通告" {
		t.Errorf("GBK page title = %q, want 刘䶮纪念馆周边交通管制的通告", d.Title)
	}
	c, _ := st.Capture(ctx, d.ID, 1)
	if strings.Contains(string(c.Body), "䶮") {
		t.Error("raw capture was re-encoded; it must keep the bytes as served")
	}
}

func TestUnchangedRecrawlAddsNoVersion(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, source(s))
	before := versions(t, st)
	for range 3 {
		stats := crawl(t, c, source(s)) // revisit 0s: every document is re-fetched
		if stats.Unchanged != nDocs || stats.New+stats.Changed != 0 {
			t.Fatalf("re-crawl with fresh counters/clocks/tokens: %+v, want all unchanged", stats)
		}
	}
	if after := versions(t, st); after != before {
		t.Errorf("versions grew from %d to %d on unchanged re-crawls", before, after)
	}
}

func TestBodyEditAddsExactlyOneVersion(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, source(s))
	s.edit(func(s *site) { s.docs[1].body = strings.Replace(s.docs[1].body, "专项整治", "专项治理", 1) })
	stats := crawl(t, c, source(s))
	if stats.Changed != 1 || stats.Unchanged != nDocs-1 {
		t.Fatalf("after one edit: %+v, want 1 changed, the rest unchanged", stats)
	}
	d, _ := st.Lookup(ctx, s.srv.URL+"/art/2025/1/2/art_100_2.html")
	if d.Versions != 2 {
		t.Errorf("edited doc has %d versions, want 2", d.Versions)
	}
	evs, _ := st.Events(ctx, archive.EventQuery{Doc: d.ID})
	if len(evs) != 1 || evs[0].Kind != archive.EventChanged || !strings.Contains(evs[0].Summary, "专项治理") {
		t.Errorf("events = %+v, want one changed event naming the edit", evs)
	}
}

func TestRemovedPageBecomesWithdrawn(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, source(s))
	s.edit(func(s *site) { s.docs[2].removed = true })
	stats := crawl(t, c, source(s))
	if stats.Withdrawn != 1 {
		t.Fatalf("after removal: %+v, want 1 withdrawn", stats)
	}
	d, _ := st.Lookup(ctx, s.srv.URL+"/art/2025/1/3/art_100_3.html")
	vs, _ := st.Versions(ctx, d.ID)
	if d.Status != archive.StatusWithdrawn || len(vs) != 1 {
		t.Errorf("removed doc: status %s with %d versions, want withdrawn with 1", d.Status, len(vs))
	}
	stats = crawl(t, c, source(s))
	if stats.Withdrawn != 0 {
		t.Errorf("withdrawn again on the next poll: %+v", stats)
	}
}

func TestBaselineIsQuietThenAlerts(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, source(s))
	if items, _ := st.Outbox(ctx, 0); len(items) != 0 {
		t.Fatalf("first crawl put %d events in the outbox, want 0 (baseline)", len(items))
	}
	s.edit(func(s *site) {
		s.docs = append([]*page{{id: 11, title: "关于2025年春节期间烟花爆竹燃放管理的通告", date: "2025-01-30", body: "春节期间禁止在城区燃放烟花爆竹。"}}, s.docs...)
	})
	crawl(t, c, source(s))
	items, _ := st.Outbox(ctx, 0)
	if len(items) != 1 || items[0].Event.Kind != archive.EventNew || !strings.Contains(items[0].Event.Title, "烟花爆竹") {
		t.Fatalf("outbox after a new document = %+v, want one new event", items)
	}
}

func TestIncrementalPollFetchesOnlyWhatChanged(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	c := newCrawler(st)
	src := source(s)
	src.Revisit = 24 * time.Hour
	crawl(t, c, src)
	s.resetHits()
	s.edit(func(s *site) {
		s.docs = append([]*page{{id: 11, title: "新发布的通告", date: "2025-01-30", body: "新通告正文。"}}, s.docs...)
	})
	stats := crawl(t, c, src)
	if stats.New != 1 || stats.Fetched != 1 {
		t.Errorf("poll after one new document: %+v, want 1 fetched, 1 new", stats)
	}
	if n := s.hit("/col/col100/index_2.html"); n != 0 {
		t.Errorf("page 3 fetched %d times; a poll should stop at the first page with nothing new", n)
	}
	if n := s.hit("/col/col100/index.html"); n != 1 {
		t.Errorf("page 1 fetched %d times, want 1", n)
	}
	// A changed list date triggers a re-fetch of that document only.
	s.resetHits()
	s.edit(func(s *site) {
		s.docs[1].date = "2025-01-31"
		s.docs[1].body += "\n三、本通告自发布之日起施行。"
	})
	stats = crawl(t, c, src)
	if stats.Fetched != 1 || stats.Changed != 1 {
		t.Errorf("poll after a list date change: %+v, want 1 fetched, 1 changed", stats)
	}
}

func TestNotModifiedCountsAsUnchanged(t *testing.T) {
	s := newSite(t)
	s.edit(func(s *site) {
		for _, p := range s.docs {
			p.etag = true
		}
	})
	st := archivetest.Open(t)
	c := newCrawler(st)
	crawl(t, c, source(s))
	stats := crawl(t, c, source(s))
	if stats.Unchanged != nDocs || stats.Errors != 0 {
		t.Errorf("re-crawl with ETags: %+v, want all unchanged (304)", stats)
	}
	d, _ := st.Lookup(ctx, s.srv.URL+"/art/2025/1/1/art_100_1.html")
	if d.Checks != 2 || d.Versions != 1 {
		t.Errorf("after a 304: checks %d versions %d, want 2 and 1", d.Checks, d.Versions)
	}
}

func TestDeadSourceFails(t *testing.T) {
	st := archivetest.Open(t)
	src := config.Source{Name: "dead", Start: []string{"http://127.0.0.1:1/col/col1/index.html"}, MaxPages: 5, Retries: 2, Timeout: time.Second, MaxBody: 1 << 20, Robots: false}
	_, err := newCrawler(st).Crawl(ctx, src)
	if err == nil || !strings.Contains(err.Error(), "no list page could be fetched") {
		t.Fatalf("Crawl of a dead server: %v, want ErrNoListPage", err)
	}
	state, _ := st.Source(ctx, "dead")
	if state.Baselined || state.LastError == "" {
		t.Errorf("source state after a failed crawl: %+v", state)
	}
}
