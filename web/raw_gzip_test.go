package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

// A capture kept gzipped as received is served with its Content-Encoding,
// so the browser shows the page, not compressed bytes.
func TestRawPageGzipCapture(t *testing.T) {
	page := []byte(`<html><head><meta charset="utf-8"><title>通知</title></head><body><div id="zoom">正文</div></body></html>`)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(page)
	zw.Close()
	s := archivetest.Open(t)
	u := "https://www.ninghai.gov.cn/art/2025/1/23/art_1_1.html"
	run := archivetest.Run(t, s, archivetest.Page{Source: "ninghai"})
	out, err := run.Record(context.Background(), archive.Observation{URL: u,
		Doc: extract.Document{Title: "通知", Body: "正文"},
		Capture: archive.Capture{URL: u, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200, FetchedAt: time.Now(),
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Content-Encoding": {"gzip"}}, Body: z.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := get(t, New(s, Options{}), docPath(out.Doc, "/v/1/raw"))
	if r.code != http.StatusOK || r.header.Get("Content-Encoding") != "gzip" || r.body != z.String() {
		t.Errorf("raw = %d, Content-Encoding %q, %d bytes; want the %d gzip bytes with Content-Encoding gzip", r.code, r.header.Get("Content-Encoding"), len(r.body), z.Len())
	}
}
