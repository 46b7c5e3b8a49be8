package crawler_test

import (
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// nDocs documents over three list pages of four.
const nDocs = 10

// site is a small Hanweb-like disclosure column served by httptest: a
// two-page list, documents with view counters, clocks and tokens that
// change on every request, a robots.txt, and knobs for faults.
type site struct {
	mu      sync.Mutex
	docs    []*page // in list order, newest first
	perPage int
	hits    map[string]int
	flaky   map[string]int // path → number of 503s still to answer
	srv     *httptest.Server
}

type page struct {
	id      int
	title   string
	date    string
	body    string
	gbk     bool
	etag    bool
	removed bool
}

func newSite(t *testing.T) *site {
	s := &site{perPage: 4, hits: map[string]int{}, flaky: map[string]int{}}
	for i := 1; i <= nDocs; i++ {
		s.docs = append(s.docs, &page{id: i, title: fmt.Sprintf("宁海县公安局2024年第%d号通告", i),
			date: fmt.Sprintf("2025-01-%02d", 30-i),
			body: fmt.Sprintf("为进一步加强社会治安管理，现将第%d号通告内容公布如下。\n一、依法开展专项整治。\n二、欢迎群众监督举报。", i)})
	}
	s.docs[nDocs-1].gbk = true
	s.docs[nDocs-1].title = "刘䶮纪念馆周边交通管制的通告" // 䶮 is a 4-byte GB18030 character
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) listURL() string { return s.srv.URL + "/col/col100/index.html" }

func (s *site) docPath(p *page) string {
	return fmt.Sprintf("/art/2025/1/%d/art_100_%d.html", p.id, p.id)
}

func (s *site) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *site) resetHits() {
	s.mu.Lock()
	s.hits = map[string]int{}
	s.mu.Unlock()
}

func (s *site) edit(fn func(s *site)) {
	s.mu.Lock()
	fn(s)
	s.mu.Unlock()
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[r.URL.Path]++
	if n := s.flaky[r.URL.Path]; n > 0 {
		s.flaky[r.URL.Path] = n - 1
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.URL.Path == "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		return
	case r.URL.Path == "/col/col100/index.html":
		s.list(w, 0)
		return
	case strings.HasPrefix(r.URL.Path, "/col/col100/index_"):
		var n int
		fmt.Sscanf(r.URL.Path, "/col/col100/index_%d.html", &n)
		s.list(w, n)
		return
	case strings.HasPrefix(r.URL.Path, "/private/"):
		fmt.Fprint(w, "<html><body>secret</body></html>")
		return
	}
	for _, p := range s.docs {
		if r.URL.Path != s.docPath(p) {
			continue
		}
		if p.removed {
			http.NotFound(w, r)
			return
		}
		tag := fmt.Sprintf(`"v-%x"`, len(p.body)+len(p.title))
		if p.etag {
			w.Header().Set("ETag", tag)
			if r.Header.Get("If-None-Match") == tag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		s.detail(w, p)
		return
	}
	http.NotFound(w, r)
}

const chrome = `<div class="top"><a href="/">首页</a> <a href="/col/col1/index.html">政务公开</a> <a href="/col/col2/index.html">政策文件</a></div>`

func (s *site) list(w http.ResponseWriter, n int) {
	var live []*page
	for _, p := range s.docs {
		if !p.removed {
			live = append(live, p)
		}
	}
	from, to := n*s.perPage, min((n+1)*s.perPage, len(live))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><head><title>通知公告</title></head><body>%s<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 通知公告</div><ul class=\"list\">", chrome)
	for _, p := range live[min(from, len(live)):max(to, min(from, len(live)))] {
		fmt.Fprintf(w, `<li><a href="%s" title="%s">%s</a><span>%s</span></li>`, s.docPath(p), html.EscapeString(p.title), html.EscapeString(p.title), p.date)
	}
	if n == 0 {
		fmt.Fprint(w, `<li><a href="/private/art_100_99.html">内部资料</a><span>2025-01-01</span></li>`)
	}
	fmt.Fprint(w, "</ul>")
	if to < len(live) {
		fmt.Fprintf(w, `<div class="page"><a href="/col/col100/index_%d.html">下一页</a></div>`, n+1)
	}
	fmt.Fprintf(w, `<div class="foot">版权所有 © 2026 宁海县人民政府 网站标识码：3302260001 浙ICP备05003088号 访问量：%d</div></body></html>`, rand.IntN(1e6))
}

func (s *site) detail(w http.ResponseWriter, p *page) {
	var b strings.Builder
	charset := "utf-8"
	if p.gbk {
		charset = "gb2312"
	}
	fmt.Fprintf(&b, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s"><title>%s_宁海县人民政府</title>
<meta name="ArticleTitle" content="%s"><script>var token="%x";</script></head><body>%s
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 通知公告</div>
<table class="xxgk_table"><tr><td>索引号</td><td>002966124/2025-%05d</td><td>发布机构</td><td>宁海县公安局</td></tr>
<tr><td>发布日期</td><td>%s</td><td>公开方式</td><td>主动公开</td></tr></table>
<h1 class="title">%s</h1>
<div class="info">发布日期:%s 10:00 信息来源:宁海县公安局 浏览次数:%d 当前时间:%s</div>
<div id="zoom">`, charset, html.EscapeString(p.title), html.EscapeString(p.title), rand.Uint64(), chrome, p.id, p.date,
		html.EscapeString(p.title), p.date, rand.IntN(1e5), time.Now().Format("15:04:05.000000"))
	for _, para := range strings.Split(p.body, "\n") {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(para))
	}
	fmt.Fprintf(&b, `</div><div class="share">分享到：微信 微博</div><div>【打印本页】【关闭窗口】</div>
<div class="related">相关阅读：<a href="%s">%s</a></div>
<div class="foot">版权所有 © 2026 网站标识码：3302260001 浙公网安备 33022602000101号</div></body></html>`, s.docPath(s.docs[rand.IntN(len(s.docs))]), "随机推荐")
	out := []byte(b.String())
	if p.gbk {
		enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes(out)
		if err != nil {
			panic(err)
		}
		out = enc
		w.Header().Set("Content-Type", "text/html") // charset only in the meta tag
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write(out)
}
