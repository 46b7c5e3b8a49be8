package extract

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzExtract(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.raw, fx.url)
	}
	f.Add([]byte(`<table><tr><td>发文字号：</td><td></td></tr></table>`), "")
	f.Add([]byte(`<script>window._CONFIG={DETAIL:{"content":"<p>x</p>"}}</script>`), "http://a/")
	f.Fuzz(func(t *testing.T, raw []byte, pageURL string) {
		page, _, err := Decode(raw, "")
		if err != nil {
			return
		}
		doc, err := Extract(page, pageURL, Options{})
		if err != nil {
			return
		}
		if strings.Contains(doc.Body, "\n\n") {
			t.Errorf("Body has a blank line: %q", doc.Body)
		}
		for _, d := range []string{doc.Published, doc.Written} {
			if d != "" && NormalizeDate(d) != d {
				t.Errorf("date %q is not normalized", d)
			}
		}
		if !utf8.ValidString(doc.Title) {
			t.Errorf("Title is not UTF-8: %q", doc.Title)
		}
	})
}

// bigPage builds a page of about size bytes: a real fixture whose body is
// repeated, plus an inline base64 image, the usual cause of huge pages.
func bigPage(t testing.TB, size int) []byte {
	raw, _, err := Decode(mustRead(t, "testdata/seeds/000_ninghai.html"), "")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte(`<meta name="ContentEnd">`))
	var b bytes.Buffer
	b.Write(raw[:i])
	b.WriteString(`<p><img src="data:image/png;base64,`)
	b.Write(bytes.Repeat([]byte("iVBORw0KGgoAAAANSUhEUgAA"), size/2/24))
	b.WriteString(`"></p>`)
	for b.Len() < size {
		b.WriteString("<p>一是优化考评体系。取消一类所的刑侦类打处指标和二、三类所的刑事打处指标，同步提高基层治理相关工作的考核比重。</p>\n")
	}
	b.Write(raw[i:])
	return b.Bytes()
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	fx := fixtures(t)
	for _, f := range fx {
		if f.path == path || strings.HasSuffix(strings.ReplaceAll(f.path, "\\", "/"), path) {
			return f.raw
		}
	}
	t.Fatalf("no fixture %s", path)
	return nil
}

// TestExtractHugePage checks that a 20 MB page extracts, keeps its metadata
// and allocates a bounded multiple of the work cap, not of the input.
func TestExtractHugePage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20 MB page")
	}
	raw := bigPage(t, 20<<20)
	if len(raw) < 20<<20 {
		t.Fatalf("page is %d bytes, want 20 MB", len(raw))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	doc, err := Extract(raw, "https://www.ninghai.gov.cn/art/2025/1/23/art_1229112882_59012345.html", Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("Extract(20 MB) error: %v", err)
	}
	if doc.IndexNo != "002966124/2025-41880" || doc.Title != "宁海县公安局2024年法治政府建设年度报告" {
		t.Errorf("Extract(20 MB) lost the metadata: index_no %q, title %q", doc.IndexNo, doc.Title)
	}
	if !strings.HasPrefix(doc.Body, "2024年以来,宁海县公安局") {
		t.Errorf("Extract(20 MB).Body starts %q", doc.Body[:min(len(doc.Body), 60)])
	}
	const limit = 400 << 20
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > limit {
		t.Errorf("Extract(20 MB) allocated %d MB, want under %d MB", alloc>>20, limit>>20)
	} else {
		t.Logf("Extract(20 MB) allocated %d MB", alloc>>20)
	}
}
