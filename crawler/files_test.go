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

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

// A list that links a PDF as a document: it is archived as a file record
// (its bytes in the capture), and a changed file is a changed version.
func TestFileListedAsDocument(t *testing.T) {
	var pdf atomic.Value
	pdf.Store("%PDF-1.4 first edition")
	mux := http.NewServeMux()
	mux.HandleFunc("/col/col1/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul class="list"><li><a href="/art/2025/1/23/art_1_1.pdf">2024年度报告（PDF）</a><span>2025-01-23</span></li></ul></body></html>`)
	})
	mux.HandleFunc("/art/2025/1/23/art_1_1.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, pdf.Load().(string))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	st := archivetest.Open(t)
	src := config.Source{Name: "a", Start: []string{srv.URL + "/col/col1/index.html"}, Retries: 1, Robots: true}
	c := crawler.New(st, crawler.Options{Backoff: time.Millisecond})
	if _, err := c.Crawl(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	docs := archivetest.All(t, st)
	if len(docs) != 1 {
		t.Fatalf("%d documents, want the PDF as one", len(docs))
	}
	v, _ := st.Version(context.Background(), docs[0].ID, 1)
	if v.Record.Title != "2024年度报告（PDF）" || !strings.Contains(v.Record.Body, "application/pdf, 22 bytes, SHA-256 ") {
		t.Errorf("file record = %+v", v.Record)
	}
	if c, _ := st.Capture(context.Background(), docs[0].ID, 1); string(c.Body) != "%PDF-1.4 first edition" {
		t.Errorf("capture = %q, want the file's bytes", c.Body)
	}
	pdf.Store("%PDF-1.4 second edition")
	stats, err := c.Crawl(context.Background(), src)
	if err != nil || stats.Changed != 1 {
		t.Errorf("after the file changed: %+v, %v; want 1 changed", stats, err)
	}
}

// robots.txt that redirects to another host is not followed there.
func TestRobotsRedirectOffHostNotFollowed(t *testing.T) {
	var offHost atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offHost.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
	}))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/robots.txt", http.StatusFound)
	})
	mux.HandleFunc("/col/col1/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul><li><a href="/art/2025/1/23/art_1_1.html">通告</a><span>2025-01-23</span></li></ul></body></html>`)
	})
	mux.HandleFunc("/art/2025/1/23/art_1_1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>通告</title></head><body><h1>通告</h1><div id="zoom"><p>通告正文内容。</p></div></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	st := archivetest.Open(t)
	src := config.Source{Name: "a", Start: []string{srv.URL + "/col/col1/index.html"}, Retries: 1, Robots: true}
	if _, err := crawler.New(st, crawler.Options{Backoff: time.Millisecond}).Crawl(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if offHost.Load() != 0 {
		t.Errorf("the robots.txt redirect was followed to another host %d times", offHost.Load())
	}
}
