package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web/api"
)

// Fixture documents. The report has two versions: v2 changes one digit of
// a long sentence, adds a sentence, drops one, and changes 发布日期.
const (
	reportURL    = "https://www.ninghai.gov.cn/art/2025/1/23/art_1229_5678.html"
	noticeURL    = "https://www.ninghai.gov.cn/art/2025/2/3/art_1229_5690.html"
	oldNoticeURL = "https://www.ninghai.gov.cn/art/2019/3/1/art_1229_1001.html"
	cixiURL      = "https://www.cixi.gov.cn/art/2023/3/1/art_1229_777.html"

	reportTitle    = "宁海县公安局2024年法治政府建设年度报告"
	noticeTitle    = "关于开展春季安全生产大检查的通知"
	oldNoticeTitle = "关于调整办公时间的公告"
	cixiTitle      = "慈溪市公安局2022年法治政府建设工作情况"
)

var (
	reportV1 = extract.Document{
		Title: reportTitle, IndexNo: "002966124/2025-41880", Published: "2025-01-23", Written: "2025-01-20",
		Publisher: "宁海县公安局", Topic: "计划总结", Access: "主动公开",
		Body: "2024年以来，宁海县公安局坚持以习近平新时代中国特色社会主义思想为指导，全面推进单位法治建设。\n" +
			"一、2024年推进法治政府建设的总体情况及成效\n" +
			"宁海县公安局以试点改革为契机，通过优化考评体系、推动警力下沉、落实负面清单，持续推动“派出所主防”走深走实，全县警情同比下降14.83%。" +
			"一是优化考评体系。二是推动警力下沉。\n" +
			"二、存在的不足\n" +
			"执法规范化水平仍需提升。",
		Attachments: []extract.Attachment{{Name: "年度报告.pdf", URL: "https://www.ninghai.gov.cn/module/download/1.pdf"}},
	}
	reportV2 = func() extract.Document {
		d := reportV1
		d.Published = "2025-01-24"
		d.Body = strings.Replace(reportV1.Body, "14.83%", "14.88%", 1)
		d.Body = strings.Replace(d.Body, "二是推动警力下沉。", "二是推动警力下沉。三是落实负面清单制度。", 1)
		d.Body = strings.Replace(d.Body, "执法规范化水平仍需提升。", "", 1)
		return d
	}()
	notice = extract.Document{
		Title: noticeTitle, IndexNo: "002966124/2025-42001", Published: "2025-02-03", Publisher: "宁海县应急管理局",
		DocNo: "宁应急〔2025〕5号", Body: "各乡镇（街道）：为切实做好春季安全生产工作，现就开展大检查有关事项通知如下。",
	}
	oldNotice = extract.Document{Title: oldNoticeTitle, Published: "2019-03-01", Body: "自即日起，办公时间调整为上午九点至下午五点。"}
	cixi      = extract.Document{Title: cixiTitle, Published: "2023-03-01", Body: "2022年，市公安局坚持依法行政，推进法治政府建设。"}
)

// fixture is an archive with two sources and the documents above.
type fixture struct {
	store                  *archive.Store
	report, notice, cixi   uint64
	oldNotice              uint64
	t1, t2                 time.Time
	rawWithScript          []byte
	nextRun                time.Time
	reportCaptureMediaType string
	t                      *testing.T
	index                  *search.Index // opened by the first server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s := archivetest.Open(t)
	f := &fixture{store: s, t: t,
		t1:      time.Date(2025, 1, 23, 2, 0, 0, 0, time.UTC), // 10:00 in Shanghai
		t2:      time.Date(2025, 1, 24, 2, 0, 0, 0, time.UTC),
		nextRun: time.Date(2025, 1, 25, 1, 30, 0, 0, time.UTC),
	}
	// The raw capture of the report carries a script, as real pages do: it
	// must never run in the UI's origin.
	f.rawWithScript = []byte(`<html><head><meta charset="gbk"><title>x</title></head><body><script>document.cookie="stolen"</script><div id="zoom">正文</div></body></html>`)
	f.reportCaptureMediaType = "text/html; charset=gbk"
	rec := func(source, u string, d extract.Document, at time.Time, body []byte, ct string) uint64 {
		run := archivetest.Run(t, s, archivetest.Page{Source: source})
		out, err := run.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archive.Capture{
			URL: u, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
			Header: http.Header{"Content-Type": {ct}}, Body: body, FetchedAt: at,
		}})
		if err != nil {
			t.Fatalf("record %s: %v", u, err)
		}
		if err := run.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		return out.Doc
	}
	f.report = rec("ninghai", reportURL, reportV1, f.t1, f.rawWithScript, f.reportCaptureMediaType)
	rec("ninghai", reportURL, reportV2, f.t2, append([]byte("<!-- v2 -->"), f.rawWithScript...), f.reportCaptureMediaType)
	f.notice = archivetest.Record(t, s, archivetest.Page{Source: "ninghai", URL: noticeURL, Doc: notice, At: f.t1}).Doc
	f.oldNotice = archivetest.Record(t, s, archivetest.Page{Source: "ninghai", URL: oldNoticeURL, Doc: oldNotice, At: f.t1}).Doc
	archivetest.Withdraw(t, s, archivetest.Page{Source: "ninghai", URL: oldNoticeURL, At: f.t2}, "gone from the list")
	f.cixi = archivetest.Record(t, s, archivetest.Page{Source: "cixi", URL: cixiURL, Doc: cixi, At: f.t1}).Doc
	archivetest.EndRun(t, s, "ninghai", archive.RunStats{Started: f.t2, Duration: 42 * time.Second, ListPages: 3, Fetched: 4, New: 2, Changed: 1, Unchanged: 1, Withdrawn: 1}, nil)
	archivetest.EndRun(t, s, "cixi", archive.RunStats{Started: f.t2, Duration: time.Second, Errors: 1}, errors.New("list page: HTTP 412"))
	return f
}

func (f *fixture) server(o Options) *Server {
	if o.Schedule == nil {
		o.Schedule = func(source string) (time.Time, bool) { return f.nextRun, source == "ninghai" }
	}
	if o.Search == nil {
		o.Search = f.searchIndex()
	}
	return New(f.store, o)
}

// searchIndex indexes the fixture's archive, once.
func (f *fixture) searchIndex() *search.Index {
	if f.index == nil {
		ix, err := search.Open(filepath.Join(f.t.TempDir(), "search"), f.store, search.Options{})
		if err != nil {
			f.t.Fatal(err)
		}
		f.t.Cleanup(func() { ix.Close() })
		if _, err := ix.CatchUp(context.Background()); err != nil {
			f.t.Fatal(err)
		}
		f.index = ix
	}
	return f.index
}

type response struct {
	code   int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, target string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return response{code: w.Code, header: w.Header(), body: w.Body.String()}
}

func (r response) mustContain(t *testing.T, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Errorf("%s: body lacks %q", what, w)
		}
	}
}

func (r response) mustNotContain(t *testing.T, what string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(r.body, w) {
			t.Errorf("%s: body contains %q", what, w)
		}
	}
}

func docPath(id uint64, rest string) string {
	return "/docs/" + itoa(id) + rest
}

func itoa(id uint64) string { return strconv.FormatUint(id, 10) }

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func TestSourcesPage(t *testing.T) {
	f := newFixture(t)
	r := get(t, f.server(Options{}), "/")
	if r.code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", r.code)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET / Content-Type = %q", ct)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("GET / CSP = %q, want a default-src 'none' policy", csp)
	}
	r.mustContain(t, "sources page",
		`href="/sources/ninghai"`, `href="/sources/cixi"`,
		"2025-01-24 10:00",    // last run, in Shanghai time
		"2025-01-25 09:30",    // next run from Options.Schedule
		"list page: HTTP 412", // cixi's last error
		"2 new", "1 changed",  // ninghai's last run stats
		"42s",
	)
	// ninghai has three documents, one withdrawn.
	if !regexpMatch(`(?s)/sources/ninghai".*?<td class="num">3</td>\s*<td class="num">1</td>`, r.body) {
		t.Errorf("sources page does not show 3 documents, 1 withdrawn for ninghai:\n%s", r.body)
	}
}

func TestSourcePageSearchAndFilters(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	tests := []struct {
		name    string
		target  string
		want    []string
		notWant []string
	}{
		{"all documents", "/sources/ninghai", []string{reportTitle, noticeTitle, oldNoticeTitle, "3 个文件"}, []string{cixiTitle}},
		{"two-character Chinese title term", "/sources/ninghai?q=" + url.QueryEscape("安全"), []string{"关于开展春季<mark>安全</mark>生产大检查的通知", "1 个文件"}, []string{reportTitle, oldNoticeTitle}},
		{"body text", "/sources/ninghai?q=" + url.QueryEscape("警情"), []string{reportTitle}, []string{noticeTitle}},
		{"index number", "/sources/ninghai?q=" + url.QueryEscape("2025-42001"), []string{noticeTitle}, []string{reportTitle}},
		{"withdrawn only", "/sources/ninghai?status=withdrawn", []string{oldNoticeTitle, "1 个文件"}, []string{reportTitle, noticeTitle}},
		{"date range", "/sources/ninghai?from=2025-02-01&to=2025-12-31", []string{noticeTitle}, []string{reportTitle, oldNoticeTitle}},
		{"no match", "/sources/ninghai?q=" + url.QueryEscape("不存在的词"), []string{"No matching documents"}, []string{reportTitle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, h, tt.target)
			if r.code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", tt.target, r.code)
			}
			r.mustContain(t, tt.target, tt.want...)
			r.mustNotContain(t, tt.target, tt.notWant...)
		})
	}
}

func TestSourcePagePagination(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{PageSize: 2})
	r := get(t, h, "/sources/ninghai")
	r.mustContain(t, "page 1", "3 个文件", noticeTitle, reportTitle, `rel="next"`)
	r.mustNotContain(t, "page 1", oldNoticeTitle, "第一页 First")
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(r.body)
	if next == nil {
		t.Fatalf("page 1 has no next link:\n%s", r.body)
	}
	if !strings.HasPrefix(next[1], "/sources/ninghai?after=") {
		t.Errorf("next link = %s, want a cursor link", next[1])
	}
	r = get(t, h, html.UnescapeString(next[1]))
	r.mustContain(t, "page 2", oldNoticeTitle, `href="/sources/ninghai"`, "第一页 First")
	r.mustNotContain(t, "page 2", reportTitle, noticeTitle, `rel="next"`)
}

func TestAPIDocsPagesEveryDocumentOnce(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	seen := map[uint64]int{}
	after := ""
	for range 10 {
		var p api.DocsPage
		getJSON(t, h, "/api/docs?limit=1&after="+url.QueryEscape(after), &p)
		if p.Total != 4 {
			t.Errorf("docs total = %d, want 4", p.Total)
		}
		for _, d := range p.Docs {
			seen[d.ID]++
		}
		if after = p.Next; after == "" {
			break
		}
	}
	for _, id := range []uint64{f.report, f.notice, f.oldNotice, f.cixi} {
		if seen[id] != 1 {
			t.Errorf("doc %d seen %d times paging /api/docs, want once", id, seen[id])
		}
	}
}

func TestSearchAcrossSources(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	r := get(t, h, "/search?q="+url.QueryEscape("法治"))
	if r.code != http.StatusOK {
		t.Fatalf("search = %d", r.code)
	}
	markedCixi := "慈溪市公安局2022年<mark>法治</mark>政府建设工作情况"
	r.mustContain(t, "search 法治", markedCixi, "2 个文件", `value="法治"`,
		"宁海县公安局2024年<mark>法治</mark>政府建设年度报告",
		`<p class="snippet" lang="zh-CN">2022年，市公安局坚持依法行政，推进<mark>法治</mark>政府建设。</p>`)
	r.mustNotContain(t, "search 法治", noticeTitle)

	r = get(t, h, "/search?q="+url.QueryEscape(`"依法行政"`))
	r.mustContain(t, "phrase search", cixiTitle, "1 个文件", "<mark>依法行政</mark>")

	r = get(t, h, "/search?q="+url.QueryEscape("法治")+"&source=cixi")
	r.mustContain(t, "search 法治 in cixi", markedCixi)
	r.mustNotContain(t, "search 法治 in cixi", reportTitle)

	r = get(t, h, "/search")
	r.mustContain(t, "empty search", "shortest term")
	r.mustNotContain(t, "empty search", reportTitle)
}

// A search matching more documents than the index's window says it ranks
// within spans of dates and links to a ranking of the whole archive, which
// the API answers without a span.
func TestSearchInSpans(t *testing.T) {
	f := newFixture(t)
	ix, err := search.Open(filepath.Join(t.TempDir(), "search"), f.store, search.Options{Window: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := f.server(Options{Search: ix})
	r := get(t, h, "/search?q="+url.QueryEscape("法治"))
	r.mustContain(t, "search in spans", "按发布日期分段排序", "ranked within those published", "rank=all")
	r = get(t, h, "/search?q="+url.QueryEscape("法治")+"&rank=all")
	r.mustNotContain(t, "search over everything", "按发布日期分段排序")
	r.mustContain(t, "search over everything", "2 个文件")
	r = get(t, h, "/api/search?q="+url.QueryEscape("法治"))
	r.mustContain(t, "api search in spans", `"span"`, `"older"`)
	r = get(t, h, "/api/search?q="+url.QueryEscape("法治")+"&rank=all")
	r.mustNotContain(t, "api search over everything", `"span"`)
}

func TestDocPage(t *testing.T) {
	f := newFixture(t)
	r := get(t, f.server(Options{}), docPath(f.report, ""))
	if r.code != http.StatusOK {
		t.Fatalf("doc page = %d", r.code)
	}
	id := itoa(f.report)
	r.mustContain(t, "doc page",
		"<h1>"+reportTitle+"</h1>",
		"索引号 Index No.", "002966124/2025-41880",
		"发布日期 Published", "2025-01-24", // the latest version's value
		"成文日期 Written", "2025-01-20",
		"发布机构 Publisher", "宁海县公安局",
		"主题分类 Topic", "计划总结",
		"公开方式 Access", "主动公开",
		reportURL,
		"在线 live",
		"2025-01-23 10:00", // first seen
		"三是落实负面清单制度。",      // the latest body
		"年度报告.pdf",
		// the timeline: both versions, a diff link, raw links
		`href="/docs/`+id+`/v/1"`, `href="/docs/`+id+`/v/2"`,
		`href="/docs/`+id+`/diff?a=1&amp;b=2"`,
		`href="/docs/`+id+`/v/2/raw"`, `href="/docs/`+id+`/v/1/raw"`,
		"发布日期 Published</span>", // the timeline names the changed field
	)
	r.mustNotContain(t, "doc page", "执法规范化水平仍需提升", "<iframe", "<script", "stolen")
	for _, fl := range extract.Fields() { // the metadata table is the field table
		if fl.Meta {
			r.mustContain(t, "doc page", "<th>"+fl.Label()+"</th>")
		}
	}
}

func TestVersionPage(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	r := get(t, h, docPath(f.report, "/v/1"))
	if r.code != http.StatusOK {
		t.Fatalf("version page = %d", r.code)
	}
	r.mustContain(t, "v1", "version 1 of 2", "14.83%", "执法规范化水平仍需提升", "2025-01-23")
	r.mustNotContain(t, "v1", "三是落实负面清单制度", "<script")

	r = get(t, h, docPath(f.report, "/v/2"))
	r.mustContain(t, "v2", "latest version", "14.88%", `/diff?a=1&amp;b=2`)
}

func TestDiffPage(t *testing.T) {
	f := newFixture(t)
	r := get(t, f.server(Options{}), docPath(f.report, "/diff?a=1&b=2"))
	if r.code != http.StatusOK {
		t.Fatalf("diff page = %d: %s", r.code, r.body)
	}
	r.mustContain(t, "diff page",
		"v1 → v2",
		// the one changed character inside the long sentence, highlighted
		"全县警情同比下降14.8<del>3</del>%", "全县警情同比下降14.8<ins>8</ins>%",
		// whole sentences added and removed
		"<ins>三是落实负面清单制度。</ins>", "<del>执法规范化水平仍需提升。</del>",
		// the field change table
		"字段变化 Field changes", "发布日期 Published", "<del>2025-01-23</del>", "<ins>2025-01-24</ins>",
		"1 changed, 1 added, 1 removed sentences",
	)
	// Unchanged metadata is not listed as a field change.
	if strings.Contains(r.body, "<del>宁海县公安局</del>") {
		t.Error("diff page lists an unchanged field")
	}

	// Defaults: b = latest, a = the one before.
	r2 := get(t, f.server(Options{}), docPath(f.report, "/diff"))
	if r2.code != http.StatusOK || !strings.Contains(r2.body, "v1 → v2") {
		t.Errorf("diff without a/b = %d, want v1 → v2", r2.code)
	}
}

func TestRawPage(t *testing.T) {
	f := newFixture(t)
	r := get(t, f.server(Options{}), docPath(f.report, "/v/1/raw"))
	if r.code != http.StatusOK {
		t.Fatalf("raw = %d", r.code)
	}
	want := map[string]string{
		"Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
		"X-Content-Type-Options":  "nosniff",
		"Content-Type":            f.reportCaptureMediaType, // charset kept
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("raw %s = %q, want %q", k, got, v)
		}
	}
	if r.body != string(f.rawWithScript) {
		t.Errorf("raw body = %q, want the captured bytes %q", r.body, f.rawWithScript)
	}
	r2 := get(t, f.server(Options{}), docPath(f.report, "/v/2/raw"))
	if !strings.HasPrefix(r2.body, "<!-- v2 -->") {
		t.Errorf("raw v2 body = %q, want the second capture", r2.body)
	}
}

func TestNotFoundAndBadRequest(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	tests := []struct {
		target string
		code   int
		json   bool
	}{
		{"/docs/999", http.StatusNotFound, false},
		{"/docs/abc", http.StatusNotFound, false},
		{docPath(f.report, "/v/9"), http.StatusNotFound, false},
		{docPath(f.report, "/v/0"), http.StatusNotFound, false},
		{docPath(f.report, "/v/9/raw"), http.StatusNotFound, false},
		{docPath(f.report, "/diff?a=1&b=7"), http.StatusNotFound, false},
		{docPath(f.report, "/diff?a=x&b=2"), http.StatusBadRequest, false},
		{docPath(f.notice, "/diff"), http.StatusBadRequest, false}, // one version: nothing to compare
		{"/sources/nowhere", http.StatusNotFound, false},
		{"/sources/ninghai?from=2025-13-01", http.StatusBadRequest, false},
		{"/sources/ninghai?status=deleted", http.StatusBadRequest, false},
		{"/search?q=x&after=bogus", http.StatusBadRequest, false},
		{"/api/search?q=" + url.QueryEscape("，"), http.StatusBadRequest, true},
		{"/sources/ninghai?from=2025-02-01&to=2025-01-01", http.StatusBadRequest, false},
		{"/events?before=x", http.StatusBadRequest, false},
		{"/no/such/page", http.StatusNotFound, false},
		{"/feed.atom", http.StatusNotFound, false}, // no Options.Feed
		{"/api/docs/999", http.StatusNotFound, true},
		{"/api/docs/abc", http.StatusNotFound, true},
		{"/api" + docPath(f.report, "/versions/3"), http.StatusNotFound, true},
		{"/api/docs?status=nope", http.StatusBadRequest, true},
		{"/api/docs?limit=-5", http.StatusBadRequest, true},
		{"/api/lookup", http.StatusBadRequest, true},
		{"/api/lookup?ref=" + url.QueryEscape("https://example.org/nothing.html"), http.StatusNotFound, true},
		{"/api/export?format=csv", http.StatusBadRequest, true},
		{"/api/export?since=yesterday", http.StatusBadRequest, true},
		{"/api/nothing", http.StatusNotFound, true},
		// 2^32+1 and 2^32+2 would wrap onto versions 1 and 2 of the 32-bit keys.
		{docPath(f.report, "/v/4294967297"), http.StatusNotFound, false},
		{docPath(f.report, "/v/4294967298/raw"), http.StatusNotFound, false},
		{"/api" + docPath(f.report, "/versions/4294967297"), http.StatusNotFound, true},
		{"/api" + docPath(f.report, "/versions/-1"), http.StatusNotFound, true},
		{"/api" + docPath(f.report, "/versions/18446744073709551617"), http.StatusNotFound, true},
		{docPath(f.report, "/diff?a=4294967297&b=2"), http.StatusNotFound, false},
		{"/api" + docPath(f.report, "/diff?a=-4294967295&b=2"), http.StatusBadRequest, true},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := get(t, h, tt.target)
			if r.code != tt.code {
				t.Fatalf("GET %s = %d, want %d", tt.target, r.code, tt.code)
			}
			if tt.json {
				var e map[string]string
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e["error"] == "" {
					t.Errorf("GET %s body = %s, want {\"error\": ...}", tt.target, r.body)
				}
				return
			}
			if !strings.Contains(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, "HTTP "+itoa(uint64(tt.code))) {
				t.Errorf("GET %s: want an HTML error page, got %s: %.200s", tt.target, r.header.Get("Content-Type"), r.body)
			}
		})
	}
}

func TestEventsPage(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	r := get(t, h, "/events")
	r.mustContain(t, "events", "变更 changed", "撤下 withdrawn", reportTitle, oldNoticeTitle,
		`/diff?a=1&amp;b=2`, "published") // the changed event's summary
	r = get(t, h, "/events?source=cixi")
	r.mustContain(t, "cixi events", cixiTitle)
	r.mustNotContain(t, "cixi events", reportTitle)
}

func TestFeed(t *testing.T) {
	f := newFixture(t)
	var gotEvents []archive.Event
	var gotOpts FeedOptions
	h := f.server(Options{BaseURL: "https://archive.example.org/", Feed: func(ev []archive.Event, o FeedOptions) ([]byte, error) {
		gotEvents, gotOpts = ev, o
		return []byte("<feed/>"), nil
	}})
	r := get(t, h, "/sources/ninghai/feed.atom")
	if r.code != http.StatusOK || r.body != "<feed/>" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed = %d %q %q", r.code, r.header.Get("Content-Type"), r.body)
	}
	if gotOpts.SelfURL != "https://archive.example.org/sources/ninghai/feed.atom" || gotOpts.BaseURL != "https://archive.example.org" {
		t.Errorf("feed options = %+v", gotOpts)
	}
	if len(gotEvents) == 0 {
		t.Fatal("feed got no events")
	}
	for _, e := range gotEvents {
		if e.Source != "ninghai" || e.Baseline {
			t.Errorf("feed got event %+v, want non-baseline ninghai events", e)
		}
	}
	if r := get(t, h, "/sources/nowhere/feed.atom"); r.code != http.StatusNotFound {
		t.Errorf("feed of unknown source = %d, want 404", r.code)
	}
}

func getJSON(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	r := get(t, h, target)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, r.code, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s Content-Type = %q", target, ct)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, r.body)
	}
}

func TestAPI(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})

	t.Run("health", func(t *testing.T) {
		var v struct {
			Status  string `json:"status"`
			Sources int    `json:"sources"`
		}
		getJSON(t, h, "/api/health", &v)
		if v.Status != "ok" || v.Sources != 2 {
			t.Errorf("health = %+v", v)
		}
	})
	t.Run("sources", func(t *testing.T) {
		var v struct {
			Sources []map[string]any `json:"sources"`
		}
		getJSON(t, h, "/api/sources", &v)
		if len(v.Sources) != 2 || v.Sources[1]["name"] != "ninghai" || v.Sources[1]["docs"] != 3.0 || v.Sources[1]["withdrawn"] != 1.0 {
			t.Fatalf("sources = %v", v.Sources)
		}
		if v.Sources[1]["next_run"] != "2025-01-25T01:30:00Z" {
			t.Errorf("ninghai next_run = %v", v.Sources[1]["next_run"])
		}
		if _, ok := v.Sources[0]["next_run"]; ok {
			t.Errorf("cixi has a next_run though the schedule does not know it: %v", v.Sources[0])
		}
		if v.Sources[0]["last_error"] != "list page: HTTP 412" {
			t.Errorf("cixi last_error = %v", v.Sources[0]["last_error"])
		}
	})
	t.Run("docs", func(t *testing.T) {
		var v api.DocsPage
		getJSON(t, h, "/api/docs?source=ninghai&status=live", &v)
		if v.Total != 2 || len(v.Docs) != 2 || v.Docs[0].ID != f.notice || v.Next != "" {
			t.Errorf("docs?source=ninghai&status=live = %+v", v)
		}
		var raw map[string]any
		getJSON(t, h, "/api/docs?from=2030-01-01", &raw)
		if docs, ok := raw["docs"].([]any); !ok || len(docs) != 0 {
			t.Errorf("empty docs = %v, want an empty array", raw["docs"])
		}
	})
	t.Run("search", func(t *testing.T) {
		var v api.SearchPage
		getJSON(t, h, "/api/search?source=ninghai&q="+url.QueryEscape("安全"), &v)
		if v.Total != 1 || len(v.Hits) != 1 || v.Hits[0].Doc.ID != f.notice || !strings.Contains(v.Hits[0].Snippet, "<mark>安全</mark>") {
			t.Errorf("search?q=安全 = %+v", v)
		}
		var raw map[string]any
		getJSON(t, h, "/api/search?q="+url.QueryEscape("没有这个"), &raw)
		if hits, ok := raw["hits"].([]any); !ok || len(hits) != 0 {
			t.Errorf("no hits = %v, want an empty array", raw["hits"])
		}
	})
	t.Run("doc", func(t *testing.T) {
		var v struct {
			Doc      archive.Doc      `json:"doc"`
			Versions []map[string]any `json:"versions"`
		}
		getJSON(t, h, "/api/docs/"+itoa(f.report), &v)
		if v.Doc.Title != reportTitle || v.Doc.URL != reportURL || len(v.Versions) != 2 {
			t.Fatalf("doc = %+v", v)
		}
		if v.Versions[1]["version"] != 2.0 || len(v.Versions[1]["sha256"].(string)) != 64 || v.Versions[0]["fetched_at"] != "2025-01-23T02:00:00Z" {
			t.Errorf("versions = %v", v.Versions)
		}
		if _, ok := v.Versions[0]["record"]; ok {
			t.Error("version list carries records")
		}
	})
	t.Run("lookup by URL and id", func(t *testing.T) {
		for _, ref := range []string{reportURL, itoa(f.report)} {
			var v struct {
				Doc archive.Doc `json:"doc"`
			}
			getJSON(t, h, "/api/lookup?ref="+url.QueryEscape(ref), &v)
			if v.Doc.ID != f.report {
				t.Errorf("lookup %s = doc %d, want %d", ref, v.Doc.ID, f.report)
			}
		}
	})
	t.Run("version", func(t *testing.T) {
		var v archive.Version
		getJSON(t, h, "/api/docs/"+itoa(f.report)+"/versions/1", &v)
		if v.N != 1 || v.Record.Published != "2025-01-23" || !strings.Contains(v.Record.Body, "14.83%") {
			t.Errorf("version 1 = %+v", v)
		}
	})
	t.Run("diff", func(t *testing.T) {
		var v map[string]any
		getJSON(t, h, "/api/docs/"+itoa(f.report)+"/diff?a=1&b=2", &v)
		if v["a"] != 1.0 || v["b"] != 2.0 || v["changed"] != 1.0 || v["added"] != 1.0 || v["removed"] != 1.0 {
			t.Errorf("diff counts = a %v b %v changed %v added %v removed %v", v["a"], v["b"], v["changed"], v["added"], v["removed"])
		}
		fields, _ := v["fields"].([]any)
		if len(fields) != 1 || fields[0].(map[string]any)["field"] != "published" {
			t.Errorf("diff fields = %v", v["fields"])
		}
		var change map[string]any
		for _, op := range v["body"].([]any) {
			if m := op.(map[string]any); m["kind"] == "change" {
				change = m
			}
		}
		if change == nil || !strings.Contains(change["new"].(string), "14.88%") || len(change["spans"].([]any)) < 3 {
			t.Errorf("diff change op = %v", change)
		}
	})
	t.Run("events", func(t *testing.T) {
		var v struct {
			Events []archive.Event `json:"events"`
		}
		getJSON(t, h, "/api/events?source=ninghai&limit=2", &v)
		if len(v.Events) != 2 {
			t.Fatalf("events = %d, want 2", len(v.Events))
		}
		if v.Events[0].Kind != archive.EventWithdrawn || v.Events[0].Doc != f.oldNotice {
			t.Errorf("newest event = %+v, want the withdrawal", v.Events[0])
		}
		var older struct {
			Events []archive.Event `json:"events"`
		}
		getJSON(t, h, "/api/events?source=ninghai&limit=100&before="+itoa(v.Events[1].Seq), &older)
		for _, e := range older.Events {
			if e.Seq >= v.Events[1].Seq {
				t.Errorf("before=%d returned seq %d", v.Events[1].Seq, e.Seq)
			}
		}
	})
}

func TestAPIExport(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	r := get(t, h, "/api/export?format=jsonl")
	if r.code != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("export = %d %s", r.code, r.header.Get("Content-Type"))
	}
	wantKeys := []string{"url", "source", "version", "fetched_at", "sha256", "status", "title", "index_no", "published", "written", "publisher", "doc_no", "topic", "body", "attachments"}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		for _, k := range wantKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("export line lacks %q: %v", k, m)
			}
		}
		lines = append(lines, m)
	}
	if len(lines) != 5 { // report ×2, notice, old notice, cixi
		t.Fatalf("export has %d lines, want 5", len(lines))
	}
	if lines[1]["version"] != 2.0 || lines[1]["published"] != "2025-01-24" || lines[1]["fetched_at"] != "2025-01-24T02:00:00Z" {
		t.Errorf("export line 2 = %v", lines[1])
	}

	r = get(t, h, "/api/export?since=2025-01-24T00:00:00Z")
	if n := strings.Count(r.body, "\n"); n != 1 {
		t.Errorf("export since the second fetch has %d lines, want 1:\n%s", n, r.body)
	}
}

func TestAPIBackup(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.server(Options{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/backup")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!regexpMatch(`^attachment; filename="gongkai-\d{8}T\d{6}Z\.db"$`, resp.Header.Get("Content-Disposition")) {
		t.Fatalf("backup = %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	copyStore, err := archive.Open(path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer copyStore.Close()
	d, err := copyStore.Lookup(context.Background(), reportURL)
	if err != nil || d.Versions != 2 {
		t.Errorf("backup lookup = %+v, %v; want the report with 2 versions", d, err)
	}
}

func TestStaticCSS(t *testing.T) {
	f := newFixture(t)
	r := get(t, f.server(Options{}), "/static/style.css")
	if r.code != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || !strings.Contains(r.body, ".sdiff") {
		t.Errorf("style.css = %d %q", r.code, r.header.Get("Content-Type"))
	}
}
