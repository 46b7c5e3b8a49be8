package crawler_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/crawler/discover"
)

// The hostile-server tests: a response that inflates far past max_body,
// links that point at other servers or other ports, a header flood, and a
// panic while recording. Each must end in a counted, logged outcome with
// nothing oversized archived and no request outside the source's hosts.

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is a detail page padded with spaces to size bytes, gzip-compressed.
func bomb(t testing.TB, size int) []byte {
	page := detailPage(badTitle, badBody)
	head, tail, _ := strings.Cut(page, "</div><div class=\"foot\">")
	pad := bytes.Repeat([]byte(" "), size-len(page))
	return gzipped(t, []byte(head+string(pad)+"</div><div class=\"foot\">"+tail))
}

func TestCompressedBodies(t *testing.T) {
	t.Parallel()
	const maxBody = 1 << 20
	for _, tc := range []struct {
		name    string
		header  map[string]string
		archive bool // the bad document is archived
	}{
		{"x-gzip bomb", map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "x-gzip"}, false},
		{"gzip bomb", map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, false},
		// A .gz file is a file: kept as the bytes received, never inflated.
		{"gzip file", map[string]string{"Content-Type": "application/x-gzip"}, true},
		{"unasked gzip bomb", map[string]string{"Content-Type": "text/html; charset=utf-8"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newFaultSite(t)
			body := bomb(t, 16<<20)
			if len(body) > maxBody/8 {
				t.Fatalf("the bomb is %d bytes compressed; it must pass max_body as received", len(body))
			}
			s.bad = func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Write(body)
			}
			st := archivetest.Open(t)
			var logs logBuffer
			src := s.source()
			src.MaxBody = maxBody
			stats, err := crawlBounded(t, faultCrawler(st, s, &logs), src)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := lookup(t, st, badPath)
			if tc.archive {
				c, err := st.Capture(context.Background(), d.ID, 1)
				if !ok || err != nil || !bytes.Equal(c.Body, body) {
					t.Errorf("gzip file: archived %v, capture %d bytes (%v); want the %d bytes received", ok, len(c.Body), err, len(body))
				}
				return
			}
			if ok {
				t.Errorf("a body inflating to 16 MiB was archived with max_body %d", maxBody)
			}
			if stats.Errors != 1 || !strings.Contains(logs.String(), "once inflated") {
				t.Errorf("stats %+v; want one error giving the inflated size as the reason:\n%s", stats, logs.String())
			}
		})
	}
}

// A page the server gzips is archived exactly as received: compressed,
// with its Content-Encoding, and extracted from the inflated text.
func TestGzipPageCapturedAsReceived(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	sent := gzipped(t, []byte(detailPage(badTitle, badBody)))
	var asked string
	s.bad = func(w http.ResponseWriter, r *http.Request) {
		asked = r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(sent)
	}
	st := archivetest.Open(t)
	var logs logBuffer
	if _, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source()); err != nil {
		t.Fatal(err)
	}
	d, ok := lookup(t, st, badPath)
	if !ok {
		t.Fatalf("gzip page not archived:\n%s", logs.String())
	}
	c, err := st.Capture(context.Background(), d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Body, sent) || c.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("capture body %d bytes (Content-Encoding %q), want the %d gzip bytes as sent", len(c.Body), c.Header.Get("Content-Encoding"), len(sent))
	}
	v, err := st.Version(context.Background(), d.ID, 1)
	if err != nil || v.Record.Title != badTitle {
		t.Errorf("version 1 title %q (%v), want %q", v.Record.Title, err, badTitle)
	}
	if asked != "gzip" {
		t.Errorf("Accept-Encoding %q, want gzip", asked)
	}
}

// Links to another host or to another port of the start host are never
// requested, robots.txt and redirects included.
func TestNoRequestOutsideTheSourceHosts(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	const (
		otherPortDoc  = "/art/2025/1/4/art_100_3.html"
		otherPortFile = "/files/other-port.pdf"
	)
	const redirected, moved = "/art/2025/1/5/art_100_9.html", "/art/moved.html"
	s.links = []string{"http://" + siteHost + ":8081" + otherPortDoc}
	s.listed = append(s.listed, redirected)
	s.front = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != redirected {
			return false
		}
		http.Redirect(w, r, "http://"+siteHost+":8082"+moved, http.StatusFound)
		return true
	}
	s.bad = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := detailPage(badTitle, badBody)
		page = strings.Replace(page, "</div><div class=\"foot\">", fmt.Sprintf(`<p>附件：<a href="http://%s/files/evil.pdf">附件1.pdf</a>
<a href="http://%s:8080%s">附件2.pdf</a> <a href="ftp://%s/files/c.pdf">附件3.pdf</a></p></div><div class="foot">`, otherHost, siteHost, otherPortFile, siteHost), 1)
		fmt.Fprint(w, page)
	}
	st := archivetest.Open(t)
	var logs logBuffer
	src := s.source()
	src.Attachments = true
	stats, err := crawlBounded(t, faultCrawler(st, s, &logs), src)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.otherHits(); n != 0 {
		t.Errorf("%d requests reached %s (its robots.txt included)", n, otherHost)
	}
	if n := s.hit(otherPortFile) + s.hit(otherPortDoc) + s.hit(moved); n != 0 {
		t.Errorf("%d requests reached other ports of %s", n, siteHost)
	}
	if stats.New != 2 {
		t.Errorf("stats %+v, want both on-host documents archived", stats)
	}
}

func TestHeaderFloodNotArchived(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = func(w http.ResponseWriter, r *http.Request) {
		for i := range 200 {
			w.Header().Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("a", 4<<10))
		}
		serveBad(w, r)
	}
	st := archivetest.Open(t)
	var logs logBuffer
	stats, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lookup(t, st, badPath); ok {
		t.Error("a response with 800 KiB of headers was archived")
	}
	if stats.New != 1 || stats.Errors != 1 || !strings.Contains(logs.String(), "response header larger than the limit") {
		t.Errorf("stats %+v, want the good page archived and the flood counted as an error:\n%s", stats, logs.String())
	}
}

// panicRun is an archive run whose Record panics on one URL.
type panicRun struct {
	crawler.Recorder
	url string
}

func (p panicRun) Record(ctx context.Context, o archive.Observation) (archive.Outcome, error) {
	if o.URL == p.url {
		panic("record: unexpected state")
	}
	return p.Recorder.Record(ctx, o)
}

func TestPanicWhileRecordingIsRecovered(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	st := archivetest.Open(t)
	var logs logBuffer
	cr := faultCrawler(st, s, &logs)
	crawler.WrapRecorder(cr, func(w crawler.Recorder) crawler.Recorder {
		return panicRun{Recorder: w, url: "http://" + siteHost + badPath}
	})
	stats, err := crawlBounded(t, cr, s.source())
	if err != nil {
		t.Fatal(err)
	}
	if stats.New != 1 || stats.Errors != 1 {
		t.Errorf("stats %+v, want the other document archived and the panic counted as one error", stats)
	}
	if !strings.Contains(logs.String(), "panic in crawler worker") || !strings.Contains(logs.String(), "record: unexpected state") {
		t.Errorf("the panic is not logged:\n%s", logs.String())
	}
}

// A list page that makes the parser panic is that page's error: the run
// ends, its writes are committed (the archive is not left locked) and the
// process goes on.
func TestPanicWhileParsingListIsRecovered(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	s.bad = serveBad
	st := archivetest.Open(t)
	var logs logBuffer
	cr := faultCrawler(st, s, &logs)
	crawler.ParseListWith(cr, func(string, string, []byte, discover.Options) (discover.Result, error) {
		panic("list: unexpected markup")
	})
	stats, err := crawlBounded(t, cr, s.source())
	if err == nil && stats.Errors == 0 {
		t.Errorf("crawl: %+v, %v; want the list page counted as an error", stats, err)
	}
	if !strings.Contains(logs.String(), "panic while reading a list page") || !strings.Contains(logs.String(), "list: unexpected markup") {
		t.Errorf("the panic is not logged:\n%s", logs.String())
	}
	// The run ended: the archive takes writes again.
	ctx := context.Background()
	if err := st.SaveFrontier(ctx, "other", archive.Frontier{}); err != nil {
		t.Errorf("archive after the run: %v", err)
	}
}

// A gzipped page without a Content-Type is sniffed from its inflated start:
// a page, not a .gz file.
func TestGzipPageWithoutContentType(t *testing.T) {
	t.Parallel()
	s := newFaultSite(t)
	sent := gzipped(t, []byte(detailPage(badTitle, badBody)))
	s.bad = func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = nil
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(sent)
	}
	st := archivetest.Open(t)
	var logs logBuffer
	if _, err := crawlBounded(t, faultCrawler(st, s, &logs), s.source()); err != nil {
		t.Fatal(err)
	}
	d, ok := lookup(t, st, badPath)
	if !ok {
		t.Fatalf("page not archived:\n%s", logs.String())
	}
	v, err := st.Version(context.Background(), d.ID, 1)
	if err != nil || v.Record.Title != badTitle {
		t.Errorf("version 1 title %q (%v), want %q (read as a page, not a file)", v.Record.Title, err, badTitle)
	}
}
