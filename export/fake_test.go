package export

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// fakeSource is an in-memory Source.
type fakeSource struct {
	docs     []archive.Doc       // in ID order
	versions [][]archive.Version // versions[i] belong to docs[i]
	captures map[[2]uint64]archive.Capture
}

func (f *fakeSource) add(d archive.Doc, v archive.Version, c archive.Capture) {
	if f.captures == nil {
		f.captures = map[[2]uint64]archive.Capture{}
	}
	i := len(f.docs) - 1
	if i < 0 || f.docs[i].ID != d.ID {
		f.docs = append(f.docs, d)
		f.versions = append(f.versions, nil)
		i++
	}
	v.Doc = d.ID
	v.N = len(f.versions[i]) + 1
	f.versions[i] = append(f.versions[i], v)
	f.docs[i].Versions = v.N
	f.captures[[2]uint64{d.ID, uint64(v.N)}] = c
}

func (f *fakeSource) ForEachVersion(ctx context.Context, since time.Time, fn func(archive.Doc, archive.Version) error) error {
	for i, d := range f.docs {
		for _, v := range f.versions[i] {
			if v.FetchedAt.Before(since) {
				continue
			}
			if err := fn(d, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *fakeSource) Capture(ctx context.Context, id uint64, n int) (archive.Capture, error) {
	c, ok := f.captures[[2]uint64{id, uint64(n)}]
	if !ok {
		return archive.Capture{}, fmt.Errorf("capture %d/%d: %w", id, n, archive.ErrNotFound)
	}
	return c, nil
}

var t0 = time.Date(2025, 1, 23, 6, 48, 26, 123456789, time.UTC)

func page(title, body string) []byte {
	return []byte("<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><div id=\"zoom\">" + body + "</div></body></html>\n")
}

// sampleSource has two documents: the first with two versions, the second
// re-published at another URL with exactly the first version's bytes (a
// revisit), and one withdrawn document.
func sampleSource() *fakeSource {
	f := &fakeSource{}
	reqHeader := http.Header{"User-Agent": {"gongkai-test"}, "Accept-Encoding": {"gzip"}}
	respHeader := func() http.Header {
		return http.Header{
			"Content-Type":     {"text/html; charset=utf-8"},
			"Content-Encoding": {"gzip"}, // already decoded by the client
			"Content-Length":   {"9999"},
			"Server":           {"nginx"},
		}
	}
	d1 := archive.Doc{ID: 1, URL: "http://example.gov.cn/art/2025/1/23/art_1229104585_1.html", Source: "demo", Status: archive.StatusLive, Title: "年度报告"}
	b1 := page("年度报告", "<p>第一版。</p>")
	f.add(d1, archive.Version{FetchedAt: t0, SHA256: "aa", Record: extract.Document{Title: "年度报告", IndexNo: "002966124/2025-41880", Published: "2025-01-23", Body: "第一版。"}},
		archive.Capture{URL: d1.URL, Method: "GET", RequestHeader: reqHeader, Proto: "HTTP/1.1", Status: 200, Header: respHeader(), Body: b1, FetchedAt: t0})
	t1 := t0.Add(48 * time.Hour)
	f.add(d1, archive.Version{FetchedAt: t1, SHA256: "bb", Record: extract.Document{Title: "年度报告", IndexNo: "002966124/2025-41880", Published: "2025-01-23", Body: "第二版。",
		Attachments: []extract.Attachment{{Name: "附件.pdf", URL: "http://example.gov.cn/a.pdf"}}}},
		archive.Capture{URL: d1.URL, Method: "GET", RequestHeader: reqHeader, Proto: "HTTP/1.1", Status: 200, Header: respHeader(), Body: page("年度报告", "<p>第二版。</p>"), FetchedAt: t1})

	d2 := archive.Doc{ID: 2, URL: "http://example.gov.cn/art/2025/1/24/art_1229104585_2.html?a=1", Source: "demo", Status: archive.StatusWithdrawn, Title: "通知"}
	t2 := t0.Add(72 * time.Hour)
	f.add(d2, archive.Version{FetchedAt: t2, SHA256: "cc", Record: extract.Document{Title: "通知", Body: "第一版。"}},
		archive.Capture{URL: d2.URL, Method: "GET", RequestHeader: reqHeader, Proto: "HTTP/1.1", Status: 200, Header: respHeader(), Body: b1, FetchedAt: t2})
	return f
}

// counter returns a NewUUID seam that counts.
func counter() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}
