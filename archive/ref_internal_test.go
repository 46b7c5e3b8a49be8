package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

// refPage is a capture with navigation chrome before and after a body of
// paragraphs, and the record extracted from it.
func refPage(i int) (capture []byte, rec extract.Document) {
	var chrome strings.Builder
	for n := 0; chrome.Len() < 12000; n++ {
		fmt.Fprintf(&chrome, "<li class=\"nav-%d\"><a href=\"/col/col%d/index.html\">政务公开栏目%d</a></li>\n", n, 1000+n*7, n)
	}
	var paras []string
	for p := range 12 {
		paras = append(paras, fmt.Sprintf("第%d段：为深入贯彻落实党中央、国务院关于法治政府建设的决策部署，编号%d，进一步提升依法行政水平。", p, i*31+p))
	}
	rec = extract.Document{Title: fmt.Sprintf("关于第%d号事项的通知", i), IndexNo: fmt.Sprintf("11330000002482162T/2024-%05d", i),
		Publisher: "市司法局", Body: strings.Join(paras, "\n")}
	capture = fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>%s</title></head><body>%s"+
		"<h1>%s</h1><table><tr><td>索引号：</td><td>%s</td></tr><tr><td>发布机构：</td><td>%s</td></tr></table><div id=\"zoom\"><p>%s</p></div>%s</body></html>",
		rec.Title, chrome.String(), rec.Title, rec.IndexNo, rec.Publisher, strings.Join(paras, "</p>\n<p>"), chrome.String())
	return capture, rec
}

// TestCompressRefFromTheBody: a record compressed against the part of its
// capture from refStart on decodes with the whole capture, as stored
// records are read, and costs no more bytes than one compressed against
// the whole capture; when the body is not in the capture, the whole
// capture is used.
func TestCompressRefFromTheBody(t *testing.T) {
	c := newCodec()
	capture, rec := refPage(7)
	for _, tc := range []struct {
		name    string
		rec     extract.Document
		capture []byte
		found   bool
	}{
		{"body in the page", rec, capture, true},
		{"body not in the page", extract.Document{Title: "x", Body: "这段文字不在网页里出现过，无法定位。"}, capture, false},
		{"short body", extract.Document{Body: "短"}, capture, false},
		{"body at the very start", rec, []byte(rec.Body + string(capture)), true},
		{"empty capture", rec, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			from := refStart(tc.capture, tc.rec.Body)
			if got := from > 0 || bytes.HasPrefix(tc.capture, []byte(tc.rec.Body)); got != tc.found {
				t.Errorf("refStart = %d, found %v, want found %v", from, got, tc.found)
			}
			z, err := c.compressRef(tc.capture, from, data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.decompressRef(tc.capture, z)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("decompressRef with the whole capture: %v, equal %v", err, bytes.Equal(got, data))
			}
			whole, err := c.compressRef(tc.capture, 0, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(z) > len(whole)+len(whole)/20 {
				t.Errorf("compressed from %d: %d bytes, from 0: %d bytes", from, len(z), len(whole))
			}
		})
	}
}

func FuzzCompressRef(f *testing.F) {
	capture, rec := refPage(3)
	f.Add(capture, rec.Body, 100)
	f.Add([]byte("abc"), "abc", 0)
	c := newCodec()
	f.Fuzz(func(t *testing.T, capture []byte, body string, cut int) {
		from := refStart(capture, body)
		if from < 0 || from > len(capture) {
			t.Fatalf("refStart = %d of %d bytes", from, len(capture))
		}
		data := []byte(body)
		z, err := c.compressRef(capture, from, data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.decompressRef(capture, z)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// BenchmarkCompressRef: a version record compressed against its capture,
// indexed whole and from refStart.
func BenchmarkCompressRef(b *testing.B) {
	c := newCodec()
	capture, rec := refPage(1)
	data, err := json.Marshal(rec)
	if err != nil {
		b.Fatal(err)
	}
	for _, from := range []struct {
		name string
		at   int
	}{{"whole", 0}, {"refStart", refStart(capture, rec.Body)}} {
		b.Run(from.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				z, err := c.compressRef(capture, from.at, data)
				if err != nil {
					b.Fatal(err)
				}
				n = len(z)
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
