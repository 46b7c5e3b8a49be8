package export

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// benchSource has 200 documents of about 40 KB of HTML each.
func benchSource() *fakeSource {
	f := &fakeSource{}
	para := strings.Repeat("宁海县公安局坚持以习近平新时代中国特色社会主义思想为指导，全面推进法治建设。", 30)
	for i := 1; i <= 200; i++ {
		u := fmt.Sprintf("http://demo.test/art/2025/1/23/art_1229104585_%d.html", i)
		body := []byte(fmt.Sprintf("<html><body><div id=\"zoom\">%d%s</div></body></html>", i, strings.Repeat("<p>"+para+"</p>", 15)))
		f.add(archive.Doc{ID: uint64(i), URL: u, Source: "bench", Status: archive.StatusLive},
			archive.Version{FetchedAt: t0, Record: extract.Document{Title: "t", Body: para}},
			archive.Capture{URL: u, Method: "GET", Proto: "HTTP/1.1", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: body, FetchedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	return f
}

func BenchmarkWARC(b *testing.B) {
	src := benchSource()
	var size int64
	for _, c := range src.captures {
		size += int64(len(c.Body))
	}
	b.SetBytes(size)
	for b.Loop() {
		if _, err := WARC(context.Background(), src, io.Discard, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONL(b *testing.B) {
	src := benchSource()
	for b.Loop() {
		if _, err := JSONL(context.Background(), src, io.Discard, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
