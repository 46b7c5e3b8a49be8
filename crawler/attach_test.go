package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

func TestAttachmentsDownloadedWhenAsked(t *testing.T) {
	var pdfHits, bigHits atomic.Int32
	pdf := "%PDF-1.4 宁海县公安局年度报告附件"
	mux := http.NewServeMux()
	mux.HandleFunc("/col/col1/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul class="list"><li><a href="/art/2025/1/23/art_1_1.html">年度报告</a><span>2025-01-23</span></li></ul></body></html>`)
	})
	mux.HandleFunc("/art/2025/1/23/art_1_1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>年度报告</title></head><body><h1>年度报告</h1>
<table><tr><td>索引号</td><td>002966124/2025-41880</td><td>发布日期</td><td>2025-01-23</td></tr></table>
<div id="zoom"><p>现将2024年法治政府建设情况报告如下。</p>
<p>附件：<a href="/files/report.pdf">年度报告全文.pdf</a> <a href="/files/big.zip">原始数据.zip</a></p></div></body></html>`)
	})
	mux.HandleFunc("/files/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		pdfHits.Add(1)
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, pdf)
	})
	mux.HandleFunc("/files/big.zip", func(w http.ResponseWriter, r *http.Request) {
		bigHits.Add(1)
		w.Write([]byte(strings.Repeat("x", 64<<10))) // over max_body: skipped, never stored truncated
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	run := func(attachments bool) (int, int) {
		st := archivetest.Open(t)
		src := config.Source{Name: "a", Start: []string{srv.URL + "/col/col1/index.html"}, MaxPages: 5, PollPages: 2,
			Retries: 1, Timeout: 5 * time.Second, MaxBody: 32 << 10, Attachments: attachments}
		c := crawler.New(st, crawler.Options{Backoff: time.Millisecond})
		first, err := c.Crawl(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		second, err := c.Crawl(context.Background(), src) // revisit 0: the document is re-checked
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		st.ForEachFile(context.Background(), time.Time{}, func(f archive.File) error {
			stored++
			if string(f.Capture.Body) != pdf || f.Capture.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("stored attachment %s = %q", f.Capture.URL, f.Capture.Body)
			}
			return nil
		})
		return first.Files + second.Files, stored
	}
	if files, stored := run(false); files != 0 || stored != 0 || pdfHits.Load() != 0 {
		t.Fatalf("attachments off: %d downloaded, %d stored, %d requests; want none", files, stored, pdfHits.Load())
	}
	files, stored := run(true)
	if files != 1 || stored != 1 {
		t.Errorf("attachments on: %d downloaded, %d stored; want the PDF once", files, stored)
	}
	if pdfHits.Load() != 1 {
		t.Errorf("PDF fetched %d times over two polls, want 1 (unchanged documents keep their stored files)", pdfHits.Load())
	}
}
