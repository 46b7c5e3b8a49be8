package export

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/demo"
	"github.com/gongkai/gongkai/extract"
)

// TestStoreExport exports a real archive: the store must satisfy Source,
// and what it holds must come out in both formats.
func TestStoreExport(t *testing.T) {
	s := archivetest.Open(t)
	at := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	url1 := "http://demo.test/art/2025/1/23/art_1229104585_1001.html"
	url2 := "http://demo.test/art/2025/1/23/art_1229104585_1002.html"
	doc := extract.Document{Title: "宁海县公安局2024年法治政府建设年度报告", IndexNo: "002966124/2025-41880", Published: "2025-01-23", Body: "一、总体情况"}
	archivetest.Record(t, s, archivetest.Page{Source: "demo", URL: url1, Doc: doc, At: at})
	doc.Body = "一、总体情况（修订）"
	archivetest.Record(t, s, archivetest.Page{Source: "demo", URL: url1, Doc: doc, At: at.Add(24 * time.Hour)})
	archivetest.Record(t, s, archivetest.Page{Source: "demo", URL: url2, Doc: extract.Document{Title: "通知", Body: "通知正文"}, At: at.Add(48 * time.Hour)})

	ctx := context.Background()
	var jl bytes.Buffer
	n, err := JSONL(ctx, s, &jl, Options{Since: at.Add(time.Hour)})
	if err != nil || n != 2 {
		t.Fatalf("JSONL(since) = %d, %v; want 2 lines", n, err)
	}
	var first Line
	if err := json.Unmarshal([]byte(strings.SplitN(jl.String(), "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.URL != url1 || first.Version != 2 || first.Fields["body"] != "一、总体情况（修订）" || first.Status != "live" || first.SHA256 == "" {
		t.Errorf("first JSONL line = %+v", first)
	}

	var w bytes.Buffer
	n, err = WARC(ctx, s, &w, Options{Software: "gongkai/test"})
	if err != nil || n != 3 {
		t.Fatalf("WARC = %d, %v; want 3 captures", n, err)
	}
	recs := readWARC(t, w.Bytes())
	if len(recs) != 7 {
		t.Fatalf("WARC wrote %d records, want 7", len(recs))
	}
	for i, n := range map[int]int{1: 1, 3: 2} {
		c, err := s.Capture(ctx, 1, n)
		if err != nil {
			t.Fatal(err)
		}
		_, body := httpResponse(t, recs[i])
		if !bytes.Equal(body, c.Body) || recs[i].get("WARC-Target-URI") != url1 {
			t.Errorf("record %d does not carry version %d of %s", i, n, url1)
		}
	}

	dir := filepath.Join("..", "scripts", "warccheck")
	node, err := exec.LookPath("node")
	if err != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "warcio")); err != nil {
		return
	}
	file := filepath.Join(t.TempDir(), "store.warc.gz")
	if err := os.WriteFile(file, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	runWarccheck(t, node, dir, file, "warcinfo=1,response=3,request=3")
}

// TestDemoSiteExport archives the bundled demo site through real HTTP
// fetches (twice, with the publisher's edit in between) and exports it:
// eleven distinct versions, eleven captures, and a WARC warcio accepts.
func TestDemoSiteExport(t *testing.T) {
	site := demo.New()
	srv := httptest.NewServer(site)
	defer srv.Close()
	s := archivetest.Open(t)
	ctx := context.Background()

	crawl := func(at time.Time) {
		_, list := fetch(t, srv.Client(), site.ListURL(srv.URL))
		_, list2 := fetch(t, srv.Client(), site.ListURL(srv.URL)+"?uid=4983627&pageNum=2")
		for _, m := range demoLinkRe.FindAllStringSubmatch(string(list.Body)+string(list2.Body), -1) {
			u := srv.URL + m[1]
			req, c := fetch(t, srv.Client(), u)
			c.FetchedAt = at
			d, err := extract.Extract(c.Body, u, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			run := archivetest.Run(t, s, archivetest.Page{Source: "demo"})
			if _, err := run.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: c}); err != nil {
				t.Fatalf("record %s: %v", req.URL, err)
			}
			if err := run.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	at := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	crawl(at)
	crawl(at.Add(time.Hour)) // noise only: no new versions
	site.Edit()
	crawl(at.Add(2 * time.Hour))

	var w bytes.Buffer
	n, err := WARC(ctx, s, &w, Options{Software: "gongkai/test"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 11 {
		t.Errorf("WARC of the demo archive wrote %d captures, want 11 (9 documents, 1 correction, 1 new notice)", n)
	}
	recs := readWARC(t, w.Bytes())
	for _, r := range recs {
		if r.get("WARC-Type") == "response" {
			resp, body := httpResponse(t, r)
			if resp.ContentLength != int64(len(body)) || !bytes.Contains(body, []byte(`<div id="zoom">`)) {
				t.Errorf("%s: payload is not the archived page", r.get("WARC-Target-URI"))
			}
		}
	}

	dir := filepath.Join("..", "scripts", "warccheck")
	node, err := exec.LookPath("node")
	if err != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "warcio")); err != nil {
		return
	}
	file := filepath.Join(t.TempDir(), "demo.warc.gz")
	if err := os.WriteFile(file, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	runWarccheck(t, node, dir, file, "warcinfo=1,response=11,request=11")
}

var demoLinkRe = regexp.MustCompile(`<li><a href="(/art/[^"]+)"`)

// fetch GETs u the way the crawler stores it: the raw exchange as a Capture.
func fetch(t *testing.T, client *http.Client, u string) (*http.Request, archive.Capture) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "gongkai-test")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return req, archive.Capture{URL: u, Method: req.Method, RequestHeader: req.Header.Clone(), Proto: resp.Proto,
		Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body, FetchedAt: time.Now()}
}

// TestStoreExportAttachments: downloaded attachments follow the pages in
// the WARC, with their bytes as stored.
func TestStoreExportAttachments(t *testing.T) {
	s := archivetest.Open(t)
	ctx := context.Background()
	page := "http://demo.test/art/2025/1/23/art_1229104585_1001.html"
	archivetest.Record(t, s, archivetest.Page{Source: "demo", URL: page, Doc: extract.Document{Title: "年度报告", Body: "正文"}})
	pdf := []byte("%PDF-1.4 年度报告全文")
	run := archivetest.Run(t, s, archivetest.Page{Source: "demo"})
	if _, err := run.RecordFile(ctx, 1, archive.Capture{URL: "http://demo.test/files/report.pdf", Method: "GET", Proto: "HTTP/1.1",
		Status: 200, Header: http.Header{"Content-Type": {"application/pdf"}}, Body: pdf, FetchedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	n, err := WARC(ctx, s, &w, Options{})
	if err != nil || n != 2 {
		t.Fatalf("WARC = %d, %v; want 2 captures (page and attachment)", n, err)
	}
	recs := readWARC(t, w.Bytes())
	last := recs[len(recs)-2] // the attachment's response, before its request
	if _, body := httpResponse(t, last); !bytes.Equal(body, pdf) || last.get("WARC-Target-URI") != "http://demo.test/files/report.pdf" {
		t.Errorf("attachment record: %s %q", last.get("WARC-Target-URI"), body)
	}
}
