package archive_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

var genV2 = flag.Bool("gen-v2", false, "write testdata/v2.db with this (schema 2) release")

// TestGenV2 writes the schema-2 fixture the migration test opens: captures
// compressed with a trained dictionary and without one, and version records
// compressed against their captures. It only runs with -gen-v2, and only
// meant anything on a schema-2 release.
func TestGenV2(t *testing.T) {
	if !*genV2 {
		t.Skip("run with -gen-v2")
	}
	path := filepath.Join("testdata", "v2.db")
	os.Remove(path)
	s, err := archive.Open(path, archive.Options{DictAfter: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2025, 9, 1, 2, 0, 0, 0, time.UTC)
	var nav strings.Builder
	for i := range 40 {
		fmt.Fprintf(&nav, "<li><a href=\"/col/col%d/index.html\">政务公开栏目%d</a></li>", 1000+i*7, i)
	}
	page := func(d extract.Document, views int) []byte {
		var b strings.Builder
		b.WriteString("<html><head><meta charset=utf-8><title>" + d.Title + "</title></head><body><ul class=nav>" + nav.String() + "</ul>")
		b.WriteString("<table class=xxgk><tr><td>索引号：</td><td>" + d.IndexNo + "</td><td>发布机构：</td><td>" + d.Publisher + "</td></tr>")
		b.WriteString("<tr><td>发布日期：</td><td>" + d.Published + "</td><td>文号：</td><td>" + d.DocNo + "</td></tr></table>")
		b.WriteString("<h1>" + d.Title + "</h1><div id=zoom><p>" + strings.ReplaceAll(d.Body, "\n", "</p><p>") + "</p></div>")
		fmt.Fprintf(&b, "<div class=foot>浏览次数：%d</div><ul class=nav>%s</ul></body></html>", views, nav.String())
		return []byte(b.String())
	}
	doc := func(i int, body string) extract.Document {
		return extract.Document{Title: fmt.Sprintf("关于第%d号事项的通知", i), IndexNo: fmt.Sprintf("11330226002966120T/2025-%05d", 100+i),
			Published: fmt.Sprintf("2025-0%d-%02d", 1+i%8, 1+i), Publisher: "宁海县人民政府办公室", DocNo: fmt.Sprintf("宁政办发〔2025〕%d号", i),
			Topic: "综合政务", Body: body}
	}
	para := func(i, n int) string {
		var ps []string
		for p := range n {
			ps = append(ps, fmt.Sprintf("第%d条：为贯彻落实第%d号事项的部署，编号%d的工作于%d月前完成，各乡镇人民政府、县政府各部门遵照执行。", p+1, i, i*37+p, 1+p%12))
		}
		return strings.Join(ps, "\n")
	}
	var run *archive.Run
	begin := func(source string, quiet bool) {
		var err error
		if run, err = s.Begin(ctx, source, archive.RunOptions{Quiet: quiet}); err != nil {
			t.Fatal(err)
		}
	}
	end := func(stats archive.RunStats) {
		if err := run.End(ctx, stats, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(u string, d extract.Document, at time.Time, views int) {
		_, err := run.Record(ctx, archive.Observation{URL: u, Doc: d,
			Listing: archive.Listing{Title: d.Title, Date: d.Published},
			Capture: archive.Capture{URL: u, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
				Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: page(d, views), FetchedAt: at}})
		if err != nil {
			t.Fatal(err)
		}
	}
	// 16 documents of ninghai: the dictionary is trained from the first 12, which are
	// then stored again with it; 13–16 are compressed with it directly.
	u := func(i int) string { return fmt.Sprintf("https://www.ninghai.gov.cn/art/2025/%d.html", i) }
	begin("ninghai", true)
	for i := 1; i <= 16; i++ {
		rec(u(i), doc(i, para(i, 3+i%5)), t0, i)
	}
	end(archive.RunStats{Started: t0, Duration: time.Minute, ListPages: 1, Fetched: 16, New: 16})
	t1 := t0.Add(24 * time.Hour)
	begin("ninghai", false)
	rec(u(2), doc(2, para(2, 5)+"\n补充：本通知自发布之日起施行。"), t1, 100)
	rec(u(14), doc(14, strings.Replace(para(14, 7), "遵照执行", "认真遵照执行", 1)), t1, 200)
	end(archive.RunStats{Started: t1, Duration: time.Minute, ListPages: 1, Fetched: 2, Changed: 2})
	// A source too small for a dictionary: its captures are plain zstd.
	begin("cixi", true)
	for i := 1; i <= 3; i++ {
		rec(fmt.Sprintf("https://www.cixi.gov.cn/art/%d.html", i), doc(100+i, para(100+i, 4)), t0, i)
	}
	end(archive.RunStats{Started: t0, Duration: time.Minute, ListPages: 1, Fetched: 3, New: 3})
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() || r.Versions != 21 {
		t.Fatalf("verify %+v %v", r, err)
	}
	t.Logf("fixture: %+v", r)
	// What the migration test must find again, written by this release.
	var want v2Want
	for _, d := range archivetest.All(t, s) {
		for n := 1; n <= d.Versions; n++ {
			v, err := s.Version(ctx, d.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			want.Versions = append(want.Versions, v2Version{Doc: d.ID, N: n, Title: v.Record.Title, Body: v.Record.Body, SHA256: v.SHA256, RawSHA256: v.RawSHA256})
		}
	}
	b, _ := json.MarshalIndent(want, "", "  ")
	if err := os.WriteFile(filepath.Join("testdata", "v2.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// v2Want is what testdata/v2.json holds: every version of the fixture
// archive testdata/v2.db as the schema-2 release that wrote it read it.
type v2Want struct {
	Versions []v2Version `json:"versions"`
}

type v2Version struct {
	Doc       uint64 `json:"doc"`
	N         int    `json:"n"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	SHA256    string `json:"sha256"`
	RawSHA256 string `json:"raw_sha256"`
}
