package crawler_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

// The fault tests serve a one-page column from "www.ninghai.gov.cn" with a
// good document and a faulty one, and check that every fault ends in a
// clear, logged outcome: retried then archived, or skipped with the reason.
// Never a panic, a hung crawl, a truncated body archived as a version, or a
// request to another host. Host names are routed to loopback servers by the
// test transport, so "another host" really is another server.

const (
	siteHost  = "www.ninghai.gov.cn"
	otherHost = "evil.example.com"
	listPath  = "/col/col100/index.html"
	okPath    = "/art/2025/1/2/art_100_1.html"
	badPath   = "/art/2025/1/3/art_100_2.html"
	okTitle   = "宁海县人民政府关于做好2025年春节期间安全工作的通知"
	badTitle  = "宁海县公安局关于道路交通管制的通告"
)

// routes sends each host name to a loopback server; any other host fails.
func routes(addrs map[string]string) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		real, ok := addrs[host]
		if !ok {
			return nil, fmt.Errorf("test transport: no server for %s", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, real)
	}
	return t
}

// faultSite is the column with one document whose handler each case sets.
type faultSite struct {
	mu     sync.Mutex
	hits   map[string]int
	times  map[string][]time.Time
	listed []string // doc paths on the list page
	links  []string // extra absolute links on the list page
	bad    http.HandlerFunc
	front  func(w http.ResponseWriter, r *http.Request) bool // answers first when set; true = handled
	srv    *httptest.Server
	other  *httptest.Server // evil.example.com
	oHits  int
}

func newFaultSite(t *testing.T) *faultSite {
	t.Helper()
	s := &faultSite{hits: map[string]int{}, times: map[string][]time.Time{}, listed: []string{okPath, badPath}}
	s.srv = httptest.NewServer(s)
	s.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.oHits++
		s.mu.Unlock()
		fmt.Fprint(w, detailPage("外站页面", "不应被抓取的外站内容。"))
	}))
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.other.Close)
	return s
}

func (s *faultSite) transport() http.RoundTripper {
	return routes(map[string]string{siteHost: s.srv.Listener.Addr().String(), otherHost: s.other.Listener.Addr().String()})
}

func (s *faultSite) source() config.Source {
	return config.Source{Name: "faults", Start: []string{"http://" + siteHost + listPath}, MaxPages: 5, PollPages: 3,
		Parallel: 1, Retries: 3, Timeout: 5 * time.Second, MaxBody: 1 << 20, Robots: true}
}

func (s *faultSite) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *faultSite) otherHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oHits
}

func (s *faultSite) set(fn func(s *faultSite)) {
	s.mu.Lock()
	fn(s)
	s.mu.Unlock()
}

func (s *faultSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.times[r.URL.Path] = append(s.times[r.URL.Path], time.Now())
	listed, links, bad, front := s.listed, s.links, s.bad, s.front
	s.mu.Unlock()
	if front != nil && front(w, r) {
		return
	}
	switch r.URL.Path {
	case "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	case listPath:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		b.WriteString(`<html><head><title>通知公告</title></head><body><div class="crumb">当前位置：首页 &gt; 通知公告</div><ul class="list">`)
		for _, p := range listed {
			title, date := okTitle, "2025-01-02"
			if p == badPath {
				title, date = badTitle, "2025-01-03"
			}
			fmt.Fprintf(&b, `<li><a href="%s" title="%s">%s</a><span>%s</span></li>`, p, title, title, date)
		}
		for i, l := range links {
			fmt.Fprintf(&b, `<li><a href="%s">外站转载的通知%d</a><span>2025-01-01</span></li>`, l, i)
		}
		b.WriteString(`</ul><div class="foot">版权所有 © 2026 宁海县人民政府</div></body></html>`)
		fmt.Fprint(w, b.String())
	case okPath:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, detailPage(okTitle, "各乡镇、街道，县政府各部门：\n春节将至，为切实做好节日期间安全工作，现就有关事项通知如下。\n一、压实安全责任。\n二、加强值班值守。"))
	case badPath:
		if bad == nil {
			http.NotFound(w, r)
			return
		}
		bad(w, r)
	default:
		http.NotFound(w, r)
	}
}

// detailPage is a Hanweb-style document page.
func detailPage(title, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<html><head><meta charset="utf-8"><title>%s_宁海县人民政府</title><meta name="ArticleTitle" content="%s"></head><body>
<div class="crumb">当前位置：首页 &gt; 通知公告</div>
<table class="xxgk_table"><tr><td>索引号</td><td>002966124/2025-00042</td><td>发布机构</td><td>宁海县公安局</td></tr>
<tr><td>发布日期</td><td>2025-01-03</td><td>公开方式</td><td>主动公开</td></tr></table>
<h1 class="title">%s</h1><div class="info">发布日期:2025-01-03 10:00 信息来源:宁海县公安局</div><div id="zoom">`,
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(title))
	for _, p := range strings.Split(body, "\n") {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</div><div class="foot">版权所有 © 2026 宁海县人民政府 浙ICP备05003088号</div></body></html>`)
	return b.String()
}

var badBody = "为保障道路交通安全畅通，决定对以下路段实施交通管制。\n一、管制时间：2025年1月5日8时至18时。\n二、管制路段：跃龙路全线。"

func serveBad(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, detailPage(badTitle, badBody))
}

func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

// failFirst answers with fail n times, then with ok.
func failFirst(n int, fail, ok http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n--
		failing := n >= 0
		mu.Unlock()
		if failing {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

// resetMidBody sends the headers and half the page, then drops the
// connection with a TCP reset.
func resetMidBody(chunked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		page := detailPage(badTitle, badBody)
		half := len(page) / 2
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if chunked {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", half, page[:half])
		} else {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(page), page[:half])
		}
		buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // close with RST, like a crashed upstream
		}
		conn.Close()
	}
}

// drip never finishes its response: a paragraph every 20ms until the
// client goes away.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><head><title>%s</title></head><body><div id=\"zoom\">", badTitle)
	for {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(20 * time.Millisecond):
			fmt.Fprint(w, "<p>正在加载……</p>")
			w.(http.Flusher).Flush()
		}
	}
}

func bigPage(size int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		page := detailPage(badTitle, badBody)
		head, tail, _ := strings.Cut(page, "</div><div class=\"foot\">")
		tail = "</div><div class=\"foot\">" + tail
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(size))
		fmt.Fprint(w, head)
		pad := size - len(head) - len(tail)
		chunk := bytes.Repeat([]byte("<p>附表数据</p>\n"), 4096) // 20 bytes × 4096
		for pad > 0 {
			n, err := w.Write(chunk[:min(pad, len(chunk))])
			if err != nil {
				return
			}
			pad -= n
		}
		fmt.Fprint(w, tail) // a reader cut at max_body never sees the end
	}
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) }
}

func raw(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing: really no header
		}
		w.Write(body)
	}
}

func gbk(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logBuffer collects slog output; the handler writes from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func faultCrawler(st *archive.Store, s *faultSite, logs *logBuffer) *crawler.Crawler {
	return crawler.New(st, crawler.Options{Transport: s.transport(), Backoff: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
}

// crawlBounded runs one crawl that must end on its own well before the guard.
func crawlBounded(t *testing.T, c *crawler.Crawler, src config.Source) (archive.RunStats, error) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	stats, err := c.Crawl(cctx, src)
	if cctx.Err() != nil {
		t.Fatalf("crawl hung: still running after the 1 minute guard (%+v)", stats)
	}
	return stats, err
}

func lookup(t *testing.T, st *archive.Store, path string) (archive.Doc, bool) {
	t.Helper()
	d, err := st.Lookup(ctx, "http://"+siteHost+path)
	if errors.Is(err, archive.ErrNotFound) {
		return d, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return d, true
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	const retries = 3
	cases := []struct {
		name     string
		bad      http.HandlerFunc
		src      func(*config.Source)
		archived bool     // the faulty document ends archived (after retries)
		hits     int      // requests for it; 0 = not checked
		minGap   float64  // seconds the crawler must wait between the first two attempts
		log      []string // one of these must be in the log
	}{
		{name: "500 then ok", bad: failFirst(2, status(500, ""), serveBad), archived: true, hits: 3, log: []string{retried(500)}},
		{name: "502 then ok", bad: failFirst(1, status(502, ""), serveBad), archived: true, hits: 2, log: []string{retried(502)}},
		{name: "503 then ok", bad: failFirst(2, status(503, ""), serveBad), archived: true, hits: 3, log: []string{retried(503)}},
		{name: "503 retry-after then ok", bad: failFirst(1, status(503, "1"), serveBad), archived: true, hits: 2, minGap: 1, log: []string{retried(503)}},
		{name: "429 then ok", bad: failFirst(2, status(429, ""), serveBad), archived: true, hits: 3, log: []string{retried(429)}},
		{name: "429 retry-after then ok", bad: failFirst(1, status(429, "1"), serveBad), archived: true, hits: 2, minGap: 1, log: []string{retried(429)}},
		{name: "500 for good", bad: status(500, ""), hits: retries, log: []string{"HTTP 500: Internal Server Error"}},
		{name: "503 retry-after for good", bad: status(503, "0"), hits: retries, log: []string{"HTTP 503: Service Unavailable"}},
		{name: "reset mid-body then ok", bad: failFirst(1, resetMidBody(false), serveBad), archived: true, hits: 2, log: []string{"request retried"}},
		{name: "reset mid-body for good", bad: resetMidBody(false), hits: retries, log: []string{"unexpected EOF", "connection reset"}},
		{name: "chunked reset mid-body for good", bad: resetMidBody(true), hits: retries, log: []string{"unexpected EOF", "connection reset"}},
		{name: "never-ending response", bad: drip, src: func(s *config.Source) { s.Timeout = 300 * time.Millisecond; s.Retries = 2 },
			hits: 2, log: []string{"Client.Timeout", "deadline exceeded"}},
		{name: "larger than max_body", bad: bigPage(100 << 10), src: func(s *config.Source) { s.MaxBody = 64 << 10 },
			hits: 1, log: []string{"page larger than max_body"}},
		{name: "redirect loop", bad: redirectTo(badPath), log: []string{"HTTP 302: Found"}},
		{name: "redirect off-host", bad: redirectTo("http://" + otherHost + "/art/x.html"), hits: 1, log: []string{"Not following redirect"}},
		{name: "200 error page", bad: func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, detailPage("页面不存在", "对不起，您访问的页面不存在或已被删除。"))
		}, hits: 1, log: []string{"the server answered 200 with an error page"}},
		{name: "empty body", bad: raw("text/html; charset=utf-8", nil), hits: 1, log: []string{"empty page: no title and no body"}},
		{name: "malformed html", bad: raw("text/html", []byte(`<html><head><title>`+badTitle+`</title><body><div id=zoom><p>`+
			strings.ReplaceAll(badBody, "\n", "<p><table><tr><td>")+`<div></span></td></b><<>><!-- unterminated`)), archived: true, hits: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newFaultSite(t)
			s.bad = tc.bad
			st := archivetest.Open(t)
			var logs logBuffer
			src := s.source()
			src.Retries = retries
			if tc.src != nil {
				tc.src(&src)
			}
			stats, err := crawlBounded(t, faultCrawler(st, s, &logs), src)
			if err != nil {
				t.Fatalf("Crawl: %v (one bad document must not fail the run)\n%s", err, logs.String())
			}
			wantNew, wantErr := 1, 1
			if tc.archived {
				wantNew, wantErr = 2, 0
			}
			if stats.New != wantNew || stats.Errors != wantErr || stats.Fetched != 2 {
				t.Errorf("stats = %+v, want 2 fetched, %d new, %d errors\n%s", stats, wantNew, wantErr, logs.String())
			}
			if _, ok := lookup(t, st, okPath); !ok {
				t.Errorf("the good document was not archived")
			}
			d, ok := lookup(t, st, badPath)
			switch {
			case ok != tc.archived:
				t.Errorf("faulty document archived = %v, want %v", ok, tc.archived)
			case ok && d.Versions != 1:
				t.Errorf("faulty document has %d versions, want 1", d.Versions)
			case ok:
				v, err := st.Version(ctx, d.ID, 1)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(v.Record.Body, "跃龙路") || v.Record.Title != badTitle {
					t.Errorf("archived record = %q / %q, want the whole page", v.Record.Title, v.Record.Body)
				}
			}
			if tc.hits > 0 && s.hit(badPath) != tc.hits {
				t.Errorf("faulty document requested %d times, want %d", s.hit(badPath), tc.hits)
			}
			if n := s.otherHits(); n != 0 {
				t.Errorf("%d requests reached %s; the crawl must stay on its hosts", n, otherHost)
			}
			if tc.minGap > 0 {
				s.mu.Lock()
				ts := s.times[badPath]
				s.mu.Unlock()
				if len(ts) >= 2 && ts[1].Sub(ts[0]).Seconds() < tc.minGap*0.95 {
					t.Errorf("retried after %s, want Retry-After's %gs honoured", ts[1].Sub(ts[0]), tc.minGap)
				}
			}
			if len(tc.log) > 0 && !containsAny(logs.String(), tc.log) {
				t.Errorf("log does not say why (want one of %q):\n%s", tc.log, logs.String())
			}
			if !tc.archived && !strings.Contains(logs.String(), "url=http://"+siteHost+badPath) {
				t.Errorf("log does not name the skipped URL:\n%s", logs.String())
			}
		})
	}
}

// retried is the log of the first retry of the faulty document.
func retried(status int) string {
	return fmt.Sprintf(`msg="request retried" source=faults url=http://%s%s attempt=1 status=%d`, siteHost, badPath, status)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// A page one byte over the real default limit is skipped whole, not cut.
func TestDefaultMaxBodySkipsTwentyMegabytePage(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = bigPage(config.DefaultMaxBody + 1)
	st := archivetest.Open(t)
	var logs logBuffer
	src := s.source()
	src.MaxBody = config.DefaultMaxBody
	stats, err := crawlBounded(t, faultCrawler(st, s, &logs), src)
	if err != nil {
		t.Fatal(err)
	}
	if stats.New != 1 || stats.Errors != 1 || s.hit(badPath) != 1 {
		t.Errorf("stats = %+v after %d requests, want the 20 MB page skipped once and the other archived", stats, s.hit(badPath))
	}
	if _, ok := lookup(t, st, badPath); ok {
		t.Error("a page over max_body was archived")
	}
	if !strings.Contains(logs.String(), fmt.Sprintf("page larger than max_body (%d bytes)", config.DefaultMaxBody)) {
		t.Errorf("log does not give the reason:\n%s", logs.String())
	}
}

// An off-host link on a list page is never requested.
func TestOffHostListLinkNotFetched(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	s.links = []string{"http://" + otherHost + "/art/2025/1/1/art_1_1.html"}
	st := archivetest.Open(t)
	var logs logBuffer
	stats, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
	if err != nil {
		t.Fatal(err)
	}
	if n := s.otherHits(); n != 0 {
		t.Errorf("%d requests reached %s", n, otherHost)
	}
	if stats.New != 2 {
		t.Errorf("stats = %+v, want the two on-host documents archived", stats)
	}
	if _, err := st.Lookup(ctx, s.links[0]); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("off-host document in the archive (err %v)", err)
	}
}

// Faults on a document already archived never add a version: a cut body, an
// error page, a 5xx, a page grown over max_body.
func TestFaultsOnKnownDocumentAddNoVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		bad  http.HandlerFunc
		src  func(*config.Source)
		log  string
	}{
		{"reset mid-body", resetMidBody(false), nil, "document skipped"},
		{"chunked reset", resetMidBody(true), nil, "document skipped"},
		{"error page", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, detailPage("页面不存在", "您访问的页面不存在。"))
		}, nil, "error page"},
		{"503", status(503, ""), nil, "HTTP 503"},
		{"grown over max_body", bigPage(100 << 10), func(s *config.Source) { s.MaxBody = 64 << 10 }, "page larger than max_body"},
		{"empty", raw("text/html", nil), nil, "empty page"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newFaultSite(t)
			s.bad = serveBad
			st := archivetest.Open(t)
			var logs logBuffer
			c := faultCrawler(st, s, &logs)
			src := s.source() // revisit 0: every poll re-fetches both
			if tc.src != nil {
				tc.src(&src)
			}
			if stats, err := crawlBounded(t, c, src); err != nil || stats.New != 2 {
				t.Fatalf("first crawl: %+v, %v", stats, err)
			}
			s.set(func(s *faultSite) { s.bad = tc.bad })
			stats, err := crawlBounded(t, c, src)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Changed != 0 || stats.New != 0 || stats.Errors != 1 || stats.Unchanged != 1 || stats.Withdrawn != 0 {
				t.Errorf("poll with the fault: %+v, want 1 error, 1 unchanged, nothing new, changed or withdrawn", stats)
			}
			d, _ := lookup(t, st, badPath)
			if d.Versions != 1 || d.Status != archive.StatusLive {
				t.Errorf("faulty known document: %d versions, %s; want 1, live", d.Versions, d.Status)
			}
			if !strings.Contains(logs.String(), tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, logs.String())
			}
		})
	}
}

// A known document that vanished from the list and now answers 200 with an
// error page is withdrawn, its versions kept.
func TestVanishedDocumentErrorPageIsWithdrawn(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	st := archivetest.Open(t)
	var logs logBuffer
	c := faultCrawler(st, s, &logs)
	src := s.source()
	src.Revisit = 24 * time.Hour
	if stats, err := crawlBounded(t, c, src); err != nil || stats.New != 2 {
		t.Fatalf("first crawl: %+v, %v", stats, err)
	}
	s.set(func(s *faultSite) {
		s.listed = []string{okPath}
		s.bad = func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `<html><head><title>页面不存在</title></head><body><div class="err">对不起，您访问的页面不存在！</div></body></html>`)
		}
	})
	stats, err := crawlBounded(t, c, src)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Withdrawn != 1 || stats.New+stats.Changed != 0 {
		t.Errorf("poll after removal: %+v, want 1 withdrawn and no version", stats)
	}
	d, _ := lookup(t, st, badPath)
	if d.Status != archive.StatusWithdrawn || d.Versions != 1 || !strings.Contains(d.WithdrawnReason, "error page") {
		t.Errorf("vanished document: status %s, %d versions, reason %q; want withdrawn, 1, an error page reason", d.Status, d.Versions, d.WithdrawnReason)
	}
	if !strings.Contains(logs.String(), "document withdrawn") {
		t.Errorf("withdrawal not logged:\n%s", logs.String())
	}
}

// Charsets: missing everywhere, or named wrongly by the server. The raw
// bytes are kept exactly as served whatever the decoder made of them.
func TestCharsetFaults(t *testing.T) {
	t.Parallel()
	page := detailPage(badTitle, badBody)
	noMeta := strings.Replace(page, `<meta charset="utf-8">`, "", 1)
	gbMeta := strings.Replace(page, `<meta charset="utf-8">`, `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`, 1)
	cases := []struct {
		name   string
		ctype  string
		body   []byte
		decode bool // the text must come out right
	}{
		{"GBK, no charset anywhere", "text/html", gbk(t, noMeta), true},
		{"GBK, no Content-Type header", "", gbk(t, noMeta), true},
		{"UTF-8, no charset anywhere", "text/html", []byte(noMeta), true},
		{"GBK, header says gb2312, meta says gbk", "text/html; charset=gb2312", gbk(t, gbMeta), true},
		{"GBK, unknown charset label", "text/html; charset=x-chinese-bogus", gbk(t, noMeta), true},
		// The HTTP header wins over the page, as in browsers: what the
		// decoder makes of a lying header is kept, and the raw bytes with it.
		{"GBK, header says utf-8", "text/html; charset=utf-8", gbk(t, gbMeta), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newFaultSite(t)
			s.bad = raw(tc.ctype, tc.body)
			st := archivetest.Open(t)
			var logs logBuffer
			stats, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
			if err != nil {
				t.Fatal(err)
			}
			if stats.New != 2 || stats.Errors != 0 {
				t.Fatalf("stats = %+v, want both archived\n%s", stats, logs.String())
			}
			d, _ := lookup(t, st, badPath)
			v, _ := st.Version(ctx, d.ID, 1)
			if tc.decode && (v.Record.Title != badTitle || !strings.Contains(v.Record.Body, "跃龙路全线")) {
				t.Errorf("decoded record = %q / %q, want the Chinese text", v.Record.Title, v.Record.Body)
			}
			c, err := st.Capture(ctx, d.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.Body, tc.body) {
				t.Errorf("raw capture differs from the bytes served (%d vs %d bytes)", len(c.Body), len(tc.body))
			}
		})
	}
}

// List pages: a flaky one is retried, a dead one fails the run with the reason.
func TestListPageFaults(t *testing.T) {
	t.Parallel()
	t.Run("503 retry-after then ok", func(t *testing.T) {
		t.Parallel()
		s := newFaultSite(t)
		s.bad = serveBad
		s.front = func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != listPath || s.hit(listPath) > 1 {
				return false
			}
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		st := archivetest.Open(t)
		var logs logBuffer
		stats, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
		if err != nil || stats.New != 2 || stats.Errors != 0 {
			t.Errorf("crawl: %+v, %v; want both documents after one retry\n%s", stats, err, logs.String())
		}
	})
	t.Run("500 for good", func(t *testing.T) {
		t.Parallel()
		s := newFaultSite(t)
		s.front = func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path == "/robots.txt" {
				return false
			}
			status(500, "")(w, r)
			return true
		}
		st := archivetest.Open(t)
		var logs logBuffer
		_, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
		if !errors.Is(err, crawler.ErrNoListPage) || !strings.Contains(err.Error(), "HTTP 500") {
			t.Errorf("Crawl = %v, want ErrNoListPage naming HTTP 500", err)
		}
		state, _ := st.Source(ctx, "faults")
		if state.Baselined || !strings.Contains(state.LastError, "HTTP 500") {
			t.Errorf("source state = %+v, want not baselined with the error recorded", state)
		}
	})
}

// robots.txt answering 5xx blocks the whole host for the run ("disallow
// all"): the run fails with the reason instead of ending as an empty,
// successful baseline (which would make the next poll alert on every
// document as new).
func TestRobotsServerErrorFailsRun(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	s.front = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/robots.txt" {
			return false
		}
		status(503, "")(w, r)
		return true
	}
	st := archivetest.Open(t)
	var logs logBuffer
	_, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
	if !errors.Is(err, crawler.ErrNoListPage) || !strings.Contains(err.Error(), "robots.txt answered HTTP 503") {
		t.Errorf("Crawl = %v, want ErrNoListPage naming robots.txt's HTTP 503", err)
	}
	if n := s.hit(listPath) + s.hit(okPath); n != 0 {
		t.Errorf("%d requests for pages robots.txt (down) blocks", n)
	}
	if state, _ := st.Source(ctx, "faults"); state.Baselined {
		t.Errorf("source baselined by a run that read nothing: %+v", state)
	}
}

// Binary content behind a document link (a PDF listed directly) does not
// break the crawl; its raw bytes are kept exactly and a re-fetch of the same
// bytes adds no version.
func TestBinaryDocumentKeptRaw(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	body := bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0xfe, 0x81}, 1000)
	s.bad = raw("application/pdf", body)
	st := archivetest.Open(t)
	var logs logBuffer
	c := faultCrawler(st, s, &logs)
	for i := range 2 {
		stats, err := crawlBounded(t, c, s.source())
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && (stats.Unchanged != 2 || stats.New+stats.Changed != 0) {
			t.Errorf("re-crawl: %+v, want both unchanged", stats)
		}
	}
	if d, ok := lookup(t, st, badPath); ok {
		c, err := st.Capture(ctx, d.ID, 1)
		if err != nil || !bytes.Equal(c.Body, body) {
			t.Errorf("raw capture of the binary document differs from what was served (%v)", err)
		}
	} else if !strings.Contains(logs.String(), "url=http://"+siteHost+badPath) {
		t.Errorf("binary document neither archived nor logged as skipped:\n%s", logs.String())
	}
}

// A cancelled crawl (the daemon stopping) ends promptly and records the run.
func TestCancelDuringSlowCrawl(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = drip
	st := archivetest.Open(t)
	var logs logBuffer
	src := s.source()
	src.Timeout = time.Hour // only the context can end it
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := faultCrawler(st, s, &logs).Crawl(cctx, src)
		done <- err
	}()
	for s.hit(badPath) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Crawl = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Crawl did not return after its context was cancelled")
	}
	if _, ok := lookup(t, st, badPath); ok {
		t.Error("the interrupted document was archived")
	}
	if state, _ := st.Source(ctx, "faults"); state.LastRun.IsZero() || state.Baselined {
		t.Errorf("source state after a cancelled crawl = %+v, want the run recorded, not baselined", state)
	}
}

// A Source built in code with its limits left zero still crawls, with the
// documented defaults (no hang, no one-byte bodies, list pages read).
func TestZeroSourceLimitsUseDefaults(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	st := archivetest.Open(t)
	var logs logBuffer
	src := config.Source{Name: "faults", Start: []string{"http://" + siteHost + listPath}}
	stats, err := crawlBounded(t, faultCrawler(st, s, &logs), src)
	if err != nil || stats.New != 2 || stats.Errors != 0 {
		t.Errorf("crawl of a zero-limit source: %+v, %v; want both documents\n%s", stats, err, logs.String())
	}
}
