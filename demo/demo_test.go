package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/temoto/robotstxt"
)

// get fetches path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(b)
}

var (
	entryRe = regexp.MustCompile(`<li><a href="(/art/[^"]+)" title="([^"]+)"[^>]*>[^<]*</a><span>([0-9-]+)</span></li>`)
	nextRe  = regexp.MustCompile(`<a href="([^"]+)">下一页</a>`)
	hitsRe  = regexp.MustCompile(`浏览次数：<span class="hits">(\d+)</span>`)
	// noiseRes match everything that changes between two requests of an
	// unchanged page.
	noiseRes = []*regexp.Regexp{
		regexp.MustCompile(`<span id="clock">[^<]*</span>`),
		regexp.MustCompile(`name="token" value="[^"]*"`),
		regexp.MustCompile(`<span (?:id|class)="hits">\d+</span>`),
	}
)

func stripNoise(s string) string {
	for _, re := range noiseRes {
		s = re.ReplaceAllString(s, "")
	}
	return s
}

type listEntry struct{ path, title, date string }

func entries(body string) []listEntry {
	var out []listEntry
	for _, m := range entryRe.FindAllStringSubmatch(body, -1) {
		out = append(out, listEntry{m[1], m[2], m[3]})
	}
	return out
}

// crawl walks the list pages through their 下一页 links, as a generic
// crawler would, and returns every listed document.
func crawl(t *testing.T, s *Site) [][]listEntry {
	t.Helper()
	var pages [][]listEntry
	next := s.ListURL("")
	for i := 0; next != "" && i < 10; i++ {
		code, body := get(t, s, strings.ReplaceAll(next, "&amp;", "&"))
		if code != http.StatusOK {
			t.Fatalf("list page %s: status %d", next, code)
		}
		pages = append(pages, entries(body))
		next = ""
		if m := nextRe.FindStringSubmatch(body); m != nil {
			next = m[1]
		}
	}
	return pages
}

// snapshot fetches every listed document, noise removed, by path.
func snapshot(t *testing.T, s *Site) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, page := range crawl(t, s) {
		for _, e := range page {
			code, body := get(t, s, e.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: status %d", e.path, code)
			}
			out[e.path] = stripNoise(body)
		}
	}
	return out
}

func TestListPages(t *testing.T) {
	s := New()
	pages := crawl(t, s)
	if len(pages) != 2 {
		t.Fatalf("following 下一页 from %s reached %d list pages, want 2", s.ListURL(""), len(pages))
	}
	if len(pages[0]) != 5 || len(pages[1]) != 4 {
		t.Errorf("list pages hold %d and %d documents, want 5 and 4", len(pages[0]), len(pages[1]))
	}
	seen := map[string]bool{}
	var dates []string
	for _, p := range pages {
		for _, e := range p {
			if seen[e.path] {
				t.Errorf("%s listed twice", e.path)
			}
			seen[e.path] = true
			dates = append(dates, e.date)
		}
	}
	if !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("list is not newest first: %v", dates)
	}
	if got := s.ListURL("http://127.0.0.1:8080/"); got != "http://127.0.0.1:8080/col/col1229104585/index.html" {
		t.Errorf("ListURL = %q", got)
	}
	// The page-number forms a crawler may build resolve to the same pages.
	for _, p := range []string{"/col/col1229104585/index.html?pageNum=2", "/col/col1229104585/index.html?uid=4983627&pageNum=2"} {
		_, body := get(t, s, p)
		if got := entries(body); !slices.Equal(got, pages[1]) {
			t.Errorf("%s lists %v, want page 2", p, got)
		}
	}
	_, body := get(t, s, "/col/col1229104585/")
	if got := entries(body); !slices.Equal(got, pages[0]) {
		t.Errorf("/col/col1229104585/ is not page 1")
	}
}

func TestDocuments(t *testing.T) {
	s := New()
	docs := snapshot(t, s)
	if len(docs) != 9 {
		t.Errorf("site lists %d documents, want 9 (5 reports, 4 notices)", len(docs))
	}
	tests := []struct {
		name, path string
		want       []string // fragments the page must contain
		absent     []string
	}{
		{"vertical table and date line", "/art/2025/1/23/art_1229104585_5826411.html", []string{
			"<tr><td>索引号</td><td>002966124/2025-41880</td></tr>", "<tr><td>发布单位</td><td>宁海县公安局</td></tr>",
			"<h1>宁海县公安局2024年法治政府建设年度报告</h1>", "发布日期:2025-01-23 14:48:26 信息来源:宁海县公安局 浏览次数:",
			`<div id="zoom">` + "\n<p>2024年以来,宁海县公安局坚持", "全力提升拦截封堵的覆盖面和成功率,不断提高预警信息精准度。</p>\n</div>",
		}, []string{"分享到:</p>"}},
		{"date line only", "/art/2023/3/1/art_1229104585_5391207.html", []string{
			"发布日期:2023-03-01 10:05 信息来源:市公安局</div>", "<p>2022年,市公安局以习近平", `<p class="sign">2023年2月28日</p>`,
		}, []string{"索引号"}},
		{"no metadata block", "/art/2026/1/16/art_1229104585_5901126.html", []string{
			"<h1>中山市公安局2025年法治政府建设年度报告</h1>\n<meta name=\"ContentStart\">", "<p>2025年,中山市公安局坚持",
			`<a href="javascript:window.close()">关闭</a> <a href="javascript:window.print()">打印</a>`,
		}, []string{"<p>关闭</p>", "<p>粤公网安备"}},
		{"two pairs a row", "/art/2025/2/7/art_1229104585_5829630.html", []string{
			`<tr><th>索引号</th><td colspan="3">001008003001008/2025-52138</td></tr>`,
			"<tr><th>组配分类</th><td>计划总结</td><th>发布机构</th><td>区公安分局</td></tr>",
			"<tr><th>生成日期</th><td>2025-02-07</td><th>公开方式</th><td>主动公开</td></tr>", editedBefore, "打印本稿</a>】",
		}, []string{"<p>【返回顶部】"}},
		{"colon labels and an empty 发文字号", "/art/2023/1/16/art_1229104585_5367719.html", []string{
			"<tr><td>主题分类:</td><td>公安</td><td>发文字号:</td><td></td></tr>", "<p>2022年,全市公安机关在市委",
		}, nil},
		{"notice with attachment", "/art/2025/12/30/art_1229104585_5898812.html", []string{
			`<table class="meta xxgk_table">`, "<td>示公告〔2025〕12号</td>", `<a href="/attach/2025/12/30/P020251230390118822301.pdf">出入境接待大厅办公时间调整表.pdf</a>`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, ok := docs[tt.path]
			if !ok {
				t.Fatalf("%s is not listed", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %q", tt.path, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(page, a) {
					t.Errorf("%s has %q", tt.path, a)
				}
			}
		})
	}
	// Every detail page has the chrome an extractor must cut.
	for path, page := range docs {
		for _, chrome := range []string{"当前位置：", "分享到：", "网站标识码：", "ICP备", "版权所有 ©2026", `<div id="zoom">`, `<meta name="PubDate"`} {
			if !strings.Contains(page, chrome) {
				t.Errorf("%s lacks %q", path, chrome)
			}
		}
	}

	code, body := get(t, s, "/attach/2025/12/30/P020251230390118822301.pdf")
	if code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("attachment: status %d, body %.20q", code, body)
	}
}

func TestNotFound(t *testing.T) {
	s := New()
	for _, p := range []string{
		"/nope", "/art/2025/1/23/art_1229104585_1.html", "/col/col1/index.html",
		"/col/col1229104585/index.html?pageNum=3", "/col/col1229104585/index.html?pageNum=0", "/col/col1229104585/index.html?pageNum=x",
		"/attach/missing.pdf",
	} {
		if code, _ := get(t, s, p); code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, code)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, ColumnPath, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST %s: status %d, want 405", ColumnPath, rec.Code)
	}
}

func TestRobots(t *testing.T) {
	s := New()
	code, robots := get(t, s, "/robots.txt")
	if code != http.StatusOK || !strings.Contains(robots, "User-agent: *\nDisallow: /private/\n") {
		t.Fatalf("robots.txt: status %d:\n%s", code, robots)
	}
	_, list := get(t, s, ColumnPath)
	m := regexp.MustCompile(`href="(/private/[^"]+)"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatal("the list page links to no /private/ page")
	}
	// colly reads robots.txt with temoto/robotstxt: check with the same parser.
	rules, err := robotstxt.FromBytes([]byte(robots))
	if err != nil {
		t.Fatal(err)
	}
	if rules.TestAgent(m[1], "gongkai") {
		t.Errorf("robots.txt allows %s", m[1])
	}
	if !rules.TestAgent(ColumnPath, "gongkai") || !rules.TestAgent("/art/2025/1/23/art_1229104585_5826411.html", "gongkai") {
		t.Errorf("robots.txt disallows the public column")
	}
	// The page exists, so only robots compliance keeps it out of an archive.
	if code, _ := get(t, s, m[1]); code != http.StatusOK {
		t.Errorf("GET %s: status %d, want 200", m[1], code)
	}
}

func TestNoiseChangesEveryRequest(t *testing.T) {
	s := New()
	s.now = func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }
	path := "/art/2025/1/23/art_1229104585_5826411.html"
	_, a := get(t, s, path)
	s.now = func() time.Time { return time.Date(2026, 3, 2, 10, 0, 1, 0, time.UTC) }
	_, b := get(t, s, path)
	if a == b {
		t.Fatal("two requests of a page returned identical bytes; the counter/clock noise is missing")
	}
	ha, hb := hitsRe.FindStringSubmatch(a), hitsRe.FindStringSubmatch(b)
	if ha == nil || hb == nil {
		t.Fatal("no 浏览次数 counter on the page")
	}
	na, _ := strconv.Atoi(ha[1])
	nb, _ := strconv.Atoi(hb[1])
	if nb <= na {
		t.Errorf("浏览次数 went from %d to %d, want it to grow", na, nb)
	}
	if !strings.Contains(a, "2026年03月02日 18:00:00") || !strings.Contains(b, "2026年03月02日 18:00:01") {
		t.Errorf("clock does not show China time of each request")
	}
	if stripNoise(a) != stripNoise(b) {
		t.Errorf("the pages differ by more than the counter, clock and token")
	}
	// List pages are noisy too.
	_, l1 := get(t, s, ColumnPath)
	_, l2 := get(t, s, ColumnPath)
	if l1 == l2 || stripNoise(l1) != stripNoise(l2) {
		t.Errorf("list page noise: identical=%v, differ-beyond-noise=%v", l1 == l2, stripNoise(l1) != stripNoise(l2))
	}
}

func TestEdit(t *testing.T) {
	s := New()
	s.now = func() time.Time { return time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC) }
	before := snapshot(t, s)
	pagesBefore := crawl(t, s)
	s.Edit()
	after := snapshot(t, s)
	pagesAfter := crawl(t, s)

	var changed, added []string
	for p, body := range after {
		old, ok := before[p]
		switch {
		case !ok:
			added = append(added, p)
		case old != body:
			changed = append(changed, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s disappeared after Edit", p)
		}
	}
	const editedPath = "/art/2025/2/7/art_1229104585_5829630.html"
	if !slices.Equal(changed, []string{editedPath}) {
		t.Errorf("Edit changed %v, want only %s", changed, editedPath)
	}
	const newPath = "/art/2026/11/20/art_1229104585_5912001.html"
	if !slices.Equal(added, []string{newPath}) {
		t.Errorf("Edit added %v, want %s", added, newPath)
	}
	if got := pagesAfter[0][0]; got.path != newPath || got.date != "2026-11-20" || got.title != "关于冬季道路交通安全管理工作的通告" {
		t.Errorf("first entry of page 1 after Edit = %+v, want the new notice", got)
	}
	// The corrected report keeps its list entry: only its body changed.
	idx := func(pages [][]listEntry, path string) listEntry {
		for _, p := range pages {
			for _, e := range p {
				if e.path == path {
					return e
				}
			}
		}
		return listEntry{}
	}
	if idx(pagesBefore, editedPath) != idx(pagesAfter, editedPath) {
		t.Errorf("the corrected report's list entry changed")
	}
	old, now := before[editedPath], after[editedPath]
	if strings.Contains(now, editedBefore) || !strings.Contains(now, editedAfter) || strings.Replace(old, editedBefore, editedAfter, 1) != now {
		t.Errorf("the corrected report differs by more (or less) than the one sentence")
	}
	if !strings.Contains(after[newPath], `<p class="sign">2026年11月20日</p>`) {
		t.Errorf("the new notice is not signed with the day it appeared")
	}

	s.Edit()
	if again := snapshot(t, s); len(again) != len(after) {
		t.Errorf("a second Edit changed the site: %d documents, want %d", len(again), len(after))
	}
}

func TestConcurrentEdit(t *testing.T) {
	s := New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			for j := 0; j < 20; j++ {
				for _, p := range []string{ColumnPath, ColumnPath + "?pageNum=2", "/art/2025/2/7/art_1229104585_5829630.html"} {
					if code, _ := get(t, s, p); code != http.StatusOK {
						t.Errorf("GET %s during Edit: status %d", p, code)
					}
				}
			}
		})
	}
	wg.Go(s.Edit)
	wg.Wait()
	if _, body := get(t, s, ColumnPath); !strings.Contains(body, "共 10 条") {
		t.Errorf("after Edit the list does not count 10 documents")
	}
}
