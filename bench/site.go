package main

import (
	"bytes"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// site is a generated Hanweb-style disclosure column: docs documents, newest
// first, perPage to a list page (index.html, index_2.html, …), detail pages
// of 20–60 KB (about 20 KB of the chrome real sites carry — menus, inline
// style, scripts, footer — a metadata table and 2–40 KB of Chinese notice
// text) and noise that differs on every request (a view counter, a clock,
// a form token) without changing any document. Documents have no ETag or
// Last-Modified, like the dynamic pages of most such sites.
type site struct {
	perPage int

	mu    sync.RWMutex
	docs  []*sdoc // list order, newest first
	byID  map[int]*sdoc
	next  int // id of the next new document
	views atomic.Int64
	// latency is how long every list and document request takes to
	// answer (nanoseconds): a server that is not on the same machine.
	latency atomic.Int64

	// Counters, reset between phases.
	listReqs, docReqs, otherReqs atomic.Int64
	listBytes, docBytes          atomic.Int64
}

type sdoc struct {
	id    int
	title string
	date  string
	body  string // paragraphs separated by \n
}

const column = "/col/col1229104585/"

func newSite(docs, perPage int) *site {
	s := &site{perPage: perPage, byID: map[int]*sdoc{}, next: 1}
	for range docs {
		s.addLocked()
	}
	return s
}

// addLocked publishes one document at the top of the list.
func (s *site) addLocked() *sdoc {
	id := s.next
	s.next++
	r := rand.New(rand.NewPCG(uint64(id), 7))
	// Most notices are short, a few are long reports: 2 KB plus an
	// exponential tail averaging 6 KB, at most 40 KB of text.
	size := 2<<10 + min(int(r.ExpFloat64()*6*1024), 38<<10)
	d := &sdoc{id: id, title: title(r, id), date: date(id), body: body(r, size)}
	s.docs = append([]*sdoc{d}, s.docs...)
	s.byID[id] = d
	return d
}

// Publish adds n new documents at the top of the list.
func (s *site) Publish(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.addLocked()
	}
}

// Edit silently corrects n documents spread over the column (the list
// shows no change).
func (s *site) Edit(n int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	step := max(len(s.docs)/n, 1)
	for i := step / 2; i < len(s.docs) && len(ids) < n; i += step {
		d := s.docs[i]
		d.body = strings.Replace(d.body, "。", "；经复核予以更正。", 1)
		ids = append(ids, d.id)
	}
	return ids
}

func (s *site) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.docs)
}

func (s *site) Pages() int { return (s.Len() + s.perPage - 1) / s.perPage }

func (s *site) ResetCounters() {
	s.listReqs.Store(0)
	s.docReqs.Store(0)
	s.otherReqs.Store(0)
	s.listBytes.Store(0)
	s.docBytes.Store(0)
}

func listPath(n int) string {
	if n == 0 {
		return column + "index.html"
	}
	return fmt.Sprintf("%sindex_%d.html", column, n+1) // index_2.html is page 2
}

func docPath(d *sdoc) string {
	return fmt.Sprintf("/art/%s/art_1229104585_%d.html", strings.ReplaceAll(d.date[:7], "-", "/"), d.id)
}

// URLs lists every list page and document URL of the current site.
func (s *site) URLs(base string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for n := 0; n*s.perPage < len(s.docs); n++ {
		out = append(out, base+listPath(n))
	}
	for _, d := range s.docs {
		out = append(out, base+docPath(d))
	}
	return out
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if d := s.latency.Load(); d > 0 && p != "/robots.txt" {
		time.Sleep(time.Duration(d))
	}
	var buf bytes.Buffer
	switch {
	case p == "/robots.txt":
		s.otherReqs.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /module/\n")
		return
	case p == column+"index.html":
		s.list(&buf, 0)
	case strings.HasPrefix(p, column+"index_"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, column+"index_"), ".html"))
		if err != nil || n < 2 || !s.list(&buf, n-1) {
			s.otherReqs.Add(1)
			http.NotFound(w, r)
			return
		}
	case strings.HasPrefix(p, "/art/"):
		i := strings.LastIndexByte(p, '_')
		id, err := strconv.Atoi(strings.TrimSuffix(p[i+1:], ".html"))
		s.mu.RLock()
		d := s.byID[id]
		if err == nil && d != nil && docPath(d) == p {
			s.detail(&buf, d)
		}
		s.mu.RUnlock()
		if buf.Len() == 0 {
			s.otherReqs.Add(1)
			http.NotFound(w, r)
			return
		}
		s.docReqs.Add(1)
		s.docBytes.Add(int64(buf.Len()))
	case p == "/":
		s.otherReqs.Add(1)
		fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title>宁海县人民政府</title></head><body><a href="%s">政府信息公开</a></body></html>`, column+"index.html")
		return
	default:
		s.otherReqs.Add(1)
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

func (s *site) list(b *bytes.Buffer, n int) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	from := n * s.perPage
	if from >= len(s.docs) && n > 0 {
		return false
	}
	to := min(from+s.perPage, len(s.docs))
	pages := (len(s.docs) + s.perPage - 1) / s.perPage
	head(b, "政府信息公开_通知公告")
	b.WriteString(`<div class="main"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="` + column + `index.html">政府信息公开</a> &gt; 通知公告</div><ul class="list">`)
	for _, d := range s.docs[from:to] {
		fmt.Fprintf(b, "<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><span class=\"date\">%s</span></li>\n",
			docPath(d), html.EscapeString(d.title), html.EscapeString(d.title), d.date)
	}
	b.WriteString(`</ul><div class="page">`)
	fmt.Fprintf(b, `共%d条 第%d/%d页 `, len(s.docs), n+1, pages)
	if n > 0 {
		fmt.Fprintf(b, `<a href="%s">上一页</a> `, listPath(n-1))
	}
	if to < len(s.docs) {
		fmt.Fprintf(b, `<a href="%s">下一页</a>`, listPath(n+1))
	}
	b.WriteString(`</div></div>`)
	s.foot(b)
	s.listReqs.Add(1)
	s.listBytes.Add(int64(b.Len()))
	return true
}

func (s *site) detail(b *bytes.Buffer, d *sdoc) {
	head(b, d.title+"_宁海县人民政府")
	fmt.Fprintf(b, `<div class="main"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="%sindex.html">政府信息公开</a> &gt; 通知公告</div>
<table class="xxgk_table" width="100%%"><tr><td class="t">索引号</td><td>11330226002966124X/%s-%05d</td><td class="t">发布机构</td><td>宁海县人民政府办公室</td></tr>
<tr><td class="t">发文字号</td><td>宁政办发〔%s〕%d号</td><td class="t">成文日期</td><td>%s</td></tr>
<tr><td class="t">发布日期</td><td>%s</td><td class="t">公开方式</td><td>主动公开</td></tr></table>
<h1 class="title">%s</h1>
<div class="info">发布日期：%s 16:30 信息来源：宁海县人民政府办公室 浏览次数：<span id="views">%d</span> 当前时间：%s</div>
<div id="zoom">`, column, d.date[:4], d.id, d.date[:4], d.id%200+1, d.date, d.date, html.EscapeString(d.title), d.date,
		s.views.Add(1), time.Now().Format("2006-01-02 15:04:05.000"))
	for _, p := range strings.Split(d.body, "\n") {
		b.WriteString("<p style=\"text-indent:2em\">")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>\n")
	}
	fmt.Fprintf(b, `</div><div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div><div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div></div>`)
	s.foot(b)
}

func head(b *bytes.Buffer, title string) {
	fmt.Fprintf(b, `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>%s</title>
<meta name="SiteName" content="宁海县人民政府"><meta name="ColumnName" content="通知公告">
<link rel="stylesheet" href="/module/css/style.css"><script src="/module/js/jquery.js"></script>
<style>`, html.EscapeString(title))
	b.WriteString(styleSheet)
	b.WriteString(`</style></head><body><div class="top"><div class="logo">宁海县人民政府</div><ul class="nav">`)
	b.WriteString(navMenu)
	b.WriteString(`</ul></div>`)
}

func (s *site) foot(b *bytes.Buffer) {
	fmt.Fprintf(b, `<div class="foot"><p>主办：宁海县人民政府办公室 承办：宁海县大数据发展中心</p><p>版权所有 © 2026 宁海县人民政府 网站标识码：3302260001 浙ICP备05003088号 浙公网安备 33022602000101号</p>
<p>访问量：%d</p></div><script>var _token="%016x";var _ts=%d;(function(){var s=document.createElement("script");s.src="/module/js/count.js?t="+_ts;})();</script></body></html>`,
		s.views.Add(1), rand.Uint64(), time.Now().UnixNano())
}

var navMenu, styleSheet = func() (string, string) {
	var nav strings.Builder
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 140 {
		fmt.Fprintf(&nav, `<li><a href="/" title="%s">%s</a></li>`, phrase(r, 3), phrase(r, 2))
		if i%12 == 11 {
			nav.WriteString("\n")
		}
	}
	var css strings.Builder
	for i := range 100 {
		fmt.Fprintf(&css, ".c%d{margin:%dpx auto;padding:%dpx;font-size:%dpx;color:#%06x;line-height:1.%d}\n", i, i%20, i%9, 12+i%6, r.IntN(1<<24), i%9)
	}
	return nav.String(), css.String()
}()

// Word lists for generated text: enough variety that it compresses about
// like real notices, not like a repeated sentence.
var (
	subjects = strings.Fields(`各乡镇人民政府 各街道办事处 县政府各部门 各直属单位 县发展和改革局 县财政局 县自然资源和规划局 县住房和城乡建设局 县交通运输局 县农业农村局 县商务局 县文化和广电旅游体育局 县卫生健康局 县应急管理局 县市场监督管理局 县医疗保障局 县行政审批局 县生态环境分局 县公安局 县教育局 县民政局 县人力资源和社会保障局 县水利局 县统计局`)
	verbs    = strings.Fields(`要进一步加强 应当切实做好 须严格落实 要统筹推进 应及时组织 要全面开展 须认真贯彻 要持续深化 应依法规范 要着力提升 须扎实推进 应主动公开 要加快完善 须定期报送 要扎实做好`)
	objects  = strings.Fields(`安全生产监督管理工作 政府信息公开工作 行政审批制度改革 优化营商环境各项措施 城乡居民医疗保险参保 农村人居环境整治 防汛防台各项准备 重大项目建设 耕地保护和粮食安全 生态环境保护督察整改 公共卫生应急体系建设 基层社会治理 数字政府建设 财政预算执行 民生实事项目 安置房建设和分配 企业减负降本政策 就业创业扶持 义务教育均衡发展 养老服务体系建设 文化遗产保护 旅游市场秩序整治 消防安全隐患排查 食品药品安全监管 森林防火工作`)
	tails    = strings.Fields(`确保各项任务按期完成 并于每季度末报送进展情况 具体要求详见附件 对工作不力的予以通报 相关经费由县财政统筹安排 实施过程中遇到的问题请及时反馈 本通知自印发之日起施行 请结合实际认真贯彻执行 由县政府办公室负责解释 各地要建立工作台账`)
	places   = strings.Fields(`跃龙街道 桃源街道 梅林街道 桥头胡街道 长街镇 力洋镇 一市镇 岔路镇 前童镇 桑洲镇 黄坛镇 大佳何镇 强蛟镇 西店镇 深甽镇 胡陈乡 茶院乡 越溪乡`)
)

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

func phrase(r *rand.Rand, words int) string {
	var b strings.Builder
	for range words {
		b.WriteString(pick(r, objects)[:6])
	}
	return b.String()
}

func title(r *rand.Rand, id int) string {
	return fmt.Sprintf("宁海县人民政府办公室关于%s%s的通知（第%d号）", pick(r, places), pick(r, objects), id)
}

func date(id int) string {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(100000-id) * 2 * time.Hour)
	return t.Format("2006-01-02")
}

// body is about size bytes of notice text in paragraphs.
func body(r *rand.Rand, size int) string {
	var b strings.Builder
	b.WriteString(pick(r, subjects) + "：\n")
	for b.Len() < size {
		for range 2 + r.IntN(4) {
			fmt.Fprintf(&b, "%s%s%s，%s，截至%d年%d月底已完成%d项、投入资金%d.%d万元。", pick(r, subjects), pick(r, verbs), pick(r, objects),
				pick(r, tails), 2024+r.IntN(2), 1+r.IntN(12), 1+r.IntN(300), r.IntN(9000), r.IntN(100))
		}
		b.WriteString("\n")
	}
	b.WriteString("宁海县人民政府办公室\n2025年12月31日")
	return b.String()
}
