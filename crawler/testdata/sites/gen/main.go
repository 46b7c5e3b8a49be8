//go:build ignore

// Command gen writes the fixture sites under crawler/testdata/sites: one
// small static site per list platform, laid out by URL path (see
// ../README.md), with an expect.json listing its list pages and documents.
//
//	cd crawler/testdata/sites && go run gen/main.go
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type listPage struct {
	URL    string `json:"url"`
	Method string `json:"method,omitempty"`
}

type expect struct {
	Platform  string     `json:"platform"`
	Start     string     `json:"start"`
	Lists     []listPage `json:"lists"`
	Documents []string   `json:"documents"`
}

type doc struct {
	Path    string
	Title   string
	Date    time.Time
	IndexNo string
	DocNo   string
	Pub     string
}

type site struct {
	dir string
	exp expect
}

// fileName maps a URL (path and query) to the fixture file that answers it.
func fileName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		log.Fatal(err)
	}
	p := strings.TrimPrefix(u.Path, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	if u.RawQuery != "" {
		p += "@" + u.Query().Encode()
	}
	return p
}

func (s *site) write(rawURL, content string) {
	name := filepath.Join(s.dir, filepath.FromSlash(fileName(rawURL)))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		log.Fatal(err)
	}
}

func (s *site) list(rawURL, method, content string) {
	s.exp.Lists = append(s.exp.Lists, listPage{URL: rawURL, Method: method})
	s.write(rawURL, content)
}

func (s *site) finish() {
	s.write("/robots.txt", "User-agent: *\nDisallow: /admin/\nDisallow: /search/\n")
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.exp); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "expect.json"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func newSite(name, platform, start string) *site {
	dir := filepath.Join(".", name)
	if err := os.RemoveAll(dir); err != nil {
		log.Fatal(err)
	}
	return &site{dir: dir, exp: expect{Platform: platform, Start: start}}
}

var subjects = []string{
	"关于印发《示例市重点工作任务分解方案（%d）》的通知",
	"示例市人民政府办公室关于做好第%d批防汛防台工作的通知",
	"关于公布示例市第%d批行政许可事项清单的公告",
	"示例市关于进一步优化营商环境的若干措施（第%d号）",
	"关于开展%d号安全生产专项检查的通知",
	"示例市财政局%d号政府信息公开工作年度报告",
}

// docs makes n documents, newest first, dated back from 2025-03-31.
func docs(n, first int, path func(i, id int, d time.Time) string) []doc {
	var out []doc
	base := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		id := first + i
		d := base.AddDate(0, 0, -2*i)
		out = append(out, doc{
			Path:    path(i, id, d),
			Title:   fmt.Sprintf(subjects[i%len(subjects)], id),
			Date:    d,
			IndexNo: fmt.Sprintf("002966124/%d-%05d", d.Year(), id),
			DocNo:   fmt.Sprintf("示政办发〔%d〕%d号", d.Year(), i+1),
			Pub:     "示例市人民政府办公室",
		})
	}
	return out
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }

// header is the chrome above every page: site title, a menu of column
// links, a breadcrumb.
func header(title, crumb string) string {
	return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府">
<meta name="SiteDomain" content="www.example.gov.cn">
<meta name="SiteIDCode" content="4401000001">
<title>` + title + `</title>
<link rel="stylesheet" href="/css/main.css">
<script src="/js/jquery.min.js"></script>
</head><body>
<div class="top"><a href="/">示例市人民政府门户网站</a> <a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a> <a href="http://english.example.gov.cn/">English</a> <a href="/search/">搜索</a></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li>
<li><a href="/col/col11/index.html">政务动态</a></li>
<li><a href="/col/col12/index.html">政府信息公开</a></li>
<li><a href="/col/col13/index.html">政务服务</a></li>
<li><a href="/col/col14/index.html">互动交流</a></li>
<li><a href="/zwgk/">走进示例</a></li>
</ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col12/index.html">政府信息公开</a> &gt; <span>` + crumb + `</span></div>
`
}

func footer() string {
	return `<div class="related"><h3>相关链接</h3><ul>
<li><a href="https://www.gov.cn/" target="_blank">中国政府网</a></li>
<li><a href="http://www.gd.gov.cn/" target="_blank">省人民政府</a></li>
<li><a href="https://www.gov.cn/zhengce/content/202501/content_6999999.htm" target="_blank">国务院关于示例工作的意见</a></li>
</ul></div>
<div class="footer">
<p><a href="/col/col99/index.html">网站地图</a> | <a href="/col/col98/index.html">联系我们</a> | <a href="mailto:webmaster@example.gov.cn">意见反馈</a></p>
<p>主办：示例市人民政府办公室 版权所有 网站标识码：4401000001</p>
<p><a href="https://beian.miit.gov.cn/">粤ICP备05012345号</a> <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44010402000001">粤公网安备 44010402000001号</a></p>
</div>
</body></html>
`
}

// detail is a document page: title, a metadata table, a body paragraph.
func detail(d doc, column string) string {
	return header(d.Title, column) + `<div class="article">
<table class="xxgk_table">
<tr><td>索 引 号：</td><td>` + d.IndexNo + `</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>` + d.Pub + `</td><td>发布日期：</td><td>` + ymd(d.Date) + `</td></tr>
<tr><td>标　　题：</td><td colspan="3">` + d.Title + `</td></tr>
<tr><td>文　　号：</td><td>` + d.DocNo + `</td><td>成文日期：</td><td>` + ymd(d.Date.AddDate(0, 0, -1)) + `</td></tr>
</table>
<h1>` + d.Title + `</h1>
<div class="zoom" id="zoom">
<p>各区人民政府，市政府各部门、各直属机构：</p>
<p>` + d.Title + `已经市人民政府同意，现印发给你们，请认真组织实施。实施中遇到的问题，请径向市有关部门反映。</p>
<p style="text-align:right">` + d.Pub + `</p>
<p style="text-align:right">` + d.Date.Format("2006年1月2日") + `</p>
</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
` + footer()
}

func main() {
	genTRS()
	genHanweb()
	genJpaas()
	genNFCMS()
	genGkmlpt()
	genGovCN()
	genGeneric()
}

func chunk(ds []doc, sizes ...int) [][]doc {
	var out [][]doc
	for _, n := range sizes {
		n = min(n, len(ds))
		out = append(out, ds[:n])
		ds = ds[n:]
	}
	return out
}

// genTRS: /xxgk/index.html, index_1.html, index_2.html paged by
// createPageHTML; documents /xxgk/YYYYMM/tYYYYMMDD_<id>.html linked
// relatively.
func genTRS() {
	s := newSite("trs", "trs", "/xxgk/index.html")
	ds := docs(28, 1001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/xxgk/%s/t%s_%d.html", d.Format("200601"), d.Format("20060102"), id)
	})
	pages := chunk(ds, 10, 10, 8)
	for pi, page := range pages {
		var b strings.Builder
		b.WriteString(header("政府信息公开_示例市人民政府", "通知公告"))
		b.WriteString(`<meta name="ColumnName" content="通知公告">` + "\n")
		b.WriteString(`<div class="side"><h3>栏目导航</h3><ul><li><a href="../zcwj/">政策文件</a></li><li><a href="../ghjh/">规划计划</a></li><li><a href="./">通知公告</a></li></ul></div>` + "\n")
		b.WriteString(`<div class="list"><ul>` + "\n")
		for _, d := range page {
			rel := "." + strings.TrimPrefix(d.Path, "/xxgk")
			fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a><span>%s</span></li>\n", rel, d.Title, d.Title, ymd(d.Date))
			s.exp.Documents = append(s.exp.Documents, d.Path)
			s.write(d.Path, detail(d, "通知公告"))
		}
		b.WriteString("</ul></div>\n")
		fmt.Fprintf(&b, "<div class=\"page\"><script type=\"text/javascript\">createPageHTML(%d, %d, \"index\", \"html\");</script></div>\n", len(pages), pi)
		b.WriteString(footer())
		name := "/xxgk/index.html"
		if pi > 0 {
			name = fmt.Sprintf("/xxgk/index_%d.html", pi)
		}
		s.list(name, "", b.String())
	}
	s.finish()
}

// genHanweb: a JCMS column page embedding 15 records (jpage perPage 5,
// groupSize 3), then two dataproxy.jsp windows answered as datastore XML.
func genHanweb() {
	s := newSite("hanweb", "hanweb", "/col/col1001/index.html")
	ds := docs(35, 5001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/art/%d/%d/%d/art_1001_%d.html", d.Year(), int(d.Month()), d.Day(), id)
	})
	for _, d := range ds {
		s.exp.Documents = append(s.exp.Documents, d.Path)
		page := strings.Replace(detail(d, "通知公告"), `<div class="zoom" id="zoom">`, `<meta name="ContentStart"><div class="zoom" id="zoom">`, 1)
		page = strings.Replace(page, "</div>\n<div class=\"tools\">", "</div><meta name=\"ContentEnd\">\n<div class=\"tools\">", 1)
		s.write(d.Path, page)
	}
	record := func(i int, d doc) string {
		date := ymd(d.Date)
		switch i % 4 {
		case 0:
			date = "<span>" + date + "</span>"
		case 1:
			date = "<b>" + date + "</b>"
		case 2:
			date = "<i>[" + date + "]</i>"
		default:
			date = `<span class="time">` + d.Date.Format("2006年01月02日") + "</span>"
		}
		return fmt.Sprintf("<record><![CDATA[\n<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a>%s</li>\n]]></record>\n", d.Path, d.Title, d.Title, date)
	}
	const webname = "示例市"
	ng := "/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=1001&unitid=2001&webname=" + url.QueryEscape(webname) + "&permissiontype=0"
	var b strings.Builder
	b.WriteString(header("通知公告 示例市人民政府", "通知公告"))
	b.WriteString(`<div class="side"><ul><li><a href="/col/col1002/index.html">政策解读</a></li><li><a href="/col/col1003/index.html">人事信息</a></li></ul></div>` + "\n")
	b.WriteString(`<div class="main"><div id="2001"><script type="text/xml"><datastore>` + "\n")
	b.WriteString("<nextgroup><![CDATA[<a href=\"" + ng + "\"></a>]]></nextgroup>\n<recordset>\n")
	for i, d := range ds[:15] {
		b.WriteString(record(i, d))
	}
	b.WriteString("</recordset></datastore></script></div>\n")
	b.WriteString("<script type=\"text/javascript\">$('#2001').jpage({dataStore:dataStore, dataBefore:'<ul>', dataAfter:'</ul>', totalRecord:35, perPage:5, groupSize:3, proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script></div>\n")
	b.WriteString(footer())
	s.list("/col/col1001/index.html", "", b.String())

	form := "col=1&appid=1&webid=1&path=/&columnid=1001&unitid=2001&sourceContentType=1&webname=" + url.QueryEscape(webname) + "&permissiontype=0"
	for start := 16; start <= 35; start += 15 {
		end := start + 14
		var x strings.Builder
		x.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datastore>\n<totalrecord>35</totalrecord>\n<totalpage>7</totalpage>\n<recordset>\n")
		for i := start - 1; i < min(end, len(ds)); i++ {
			x.WriteString(record(i, ds[i]))
		}
		x.WriteString("</recordset>\n</datastore>\n")
		u := fmt.Sprintf("/module/web/jpage/dataproxy.jsp?startrecord=%d&endrecord=%d&perpage=5&%s", start, end, form)
		s.list(u, "POST", x.String())
	}
	s.finish()
}

// genJpaas: a Zhejiang column page with the first 10 entries and a pager
// div naming the list API, which serves pages 2 and 3 as JSON.
func genJpaas() {
	s := newSite("jpaas", "hanweb", "/col/col1229567/index.html")
	ds := docs(26, 7001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/col/col1229567/art/%d/art_%032x.html", d.Year(), 0xabc000+id)
	})
	for _, d := range ds {
		s.exp.Documents = append(s.exp.Documents, d.Path)
		s.write(d.Path, detail(d, "通知公告"))
	}
	items := func(page []doc) string {
		var b strings.Builder
		b.WriteString("<ul class=\"list\">\n")
		for _, d := range page {
			fmt.Fprintf(&b, "<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><span class=\"time\">%s</span></li>\n", d.Path, d.Title, d.Title, ymd(d.Date))
		}
		b.WriteString("</ul>\n")
		return b.String()
	}
	pages := chunk(ds, 10, 10, 6)
	var b strings.Builder
	b.WriteString(header("通知公告 示例市人民政府", "通知公告"))
	b.WriteString(`<div class="main" id="list">` + "\n" + items(pages[0]))
	b.WriteString(`<div class="pagination" id="pagination" data-webid="3185" data-pageid="1229567" data-tagid="list_1229567" data-tplsetid="5a2d3f9c" data-rows="10" data-total="26"></div>` + "\n")
	b.WriteString(`<script src="/jpaas/js/pagination.js"></script></div>` + "\n")
	b.WriteString(footer())
	s.list("/col/col1229567/index.html", "", b.String())
	for pi := 1; pi < len(pages); pi++ {
		u := fmt.Sprintf("/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185&pageId=1229567&parseType=bulidstatic&pageType=column&tagId=list_1229567&tplSetId=5a2d3f9c&rows=10&pageNo=%d", pi+1)
		ans := map[string]any{"success": true, "code": 200, "message": "操作成功", "data": map[string]any{"html": items(pages[pi]), "total": 26}}
		j, err := json.Marshal(ans)
		if err != nil {
			log.Fatal(err)
		}
		s.list(u, "", string(j)+"\n")
	}
	s.finish()
}

// genNFCMS: Guangdong list pages index.html, index_2.html, index_3.html
// with 下一页 links; documents …/content/post_<id>.html.
func genNFCMS() {
	s := newSite("nfcms", "nfcms", "/zwgk/tzgg/index.html")
	ds := docs(30, 3001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/zwgk/tzgg/content/post_%d.html", id)
	})
	pages := chunk(ds, 12, 12, 6)
	name := func(i int) string {
		if i == 0 {
			return "/zwgk/tzgg/index.html"
		}
		return fmt.Sprintf("/zwgk/tzgg/index_%d.html", i+1)
	}
	for pi, page := range pages {
		var b strings.Builder
		b.WriteString(header("通知公告-示例市人民政府门户网站", "通知公告"))
		b.WriteString(`<div class="side"><ul><li><a href="/zwgk/zcjd/index.html">政策解读</a></li><li><a href="/zwgk/tzgg/index.html">通知公告</a></li></ul></div>` + "\n")
		b.WriteString(`<div class="viewList"><ul>` + "\n")
		for _, d := range page {
			fmt.Fprintf(&b, "<li><span class=\"wh\">%s</span><a href=\"%s\" target=\"_blank\">%s</a><span class=\"date\">%s</span></li>\n", d.DocNo, d.Path, d.Title, ymd(d.Date))
			s.exp.Documents = append(s.exp.Documents, d.Path)
			s.write(d.Path, strings.Replace(detail(d, "通知公告"), `class="zoom" id="zoom"`, `class="zw"`, 1))
		}
		b.WriteString("</ul></div>\n<div class=\"page\">")
		if pi > 0 {
			fmt.Fprintf(&b, "<a href=\"%s\">首页</a> <a href=\"%s\">上一页</a> ", name(0), name(pi-1))
		}
		for i := range pages {
			if i == pi {
				fmt.Fprintf(&b, "<span class=\"current\">%d</span> ", i+1)
			} else {
				fmt.Fprintf(&b, "<a href=\"%s\">%d</a> ", name(i), i+1)
			}
		}
		if pi < len(pages)-1 {
			fmt.Fprintf(&b, "<a class=\"next\" href=\"%s\">下一页</a> <a href=\"%s\">尾页</a>", name(pi+1), name(len(pages)-1))
		}
		b.WriteString("</div>\n")
		b.WriteString(footer())
		s.list(name(pi), "", b.String())
	}
	s.finish()
}

// genGkmlpt: /gkmlpt/index with window._CONFIG, the JSON list API
// (10 a page, 25 posts, an empty page 4) and detail pages with DETAIL JSON.
func genGkmlpt() {
	s := newSite("gkmlpt", "gkmlpt", "/gkmlpt/index")
	ds := docs(25, 4001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/gkmlpt/content/%d/%d/post_%d.html", id/10000, id/1000, id)
	})
	var b strings.Builder
	b.WriteString(header("政府信息公开目录", "政府信息公开目录"))
	b.WriteString(`<div id="app" class="gkml"><div class="loading">正在加载……</div></div>` + "\n")
	b.WriteString(`<script>window._CONFIG = {SID:'200001', SITE_NAME:'示例市人民政府', TREE:[{id:2001,name:'通知公告',parent:0,children:[{id:2002,name:'政策文件',parent:2001}]},{id:2010,name:'规划计划',parent:0}], DETAIL_URL:'/gkmlpt/content'};</script>` + "\n")
	b.WriteString(`<script src="/gkmlpt/static/js/app.js"></script>` + "\n")
	b.WriteString(footer())
	s.list("/gkmlpt/index", "", b.String())
	for page := 1; page <= 4; page++ {
		var arts []map[string]any
		for i := (page - 1) * 10; i < min(page*10, len(ds)); i++ {
			d := ds[i]
			epoch := time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).Unix()
			if i%3 == 1 {
				epoch += 9*3600 + 30*60 // published at 09:30
			}
			arts = append(arts, map[string]any{
				"id": 4001 + i, "title": d.Title, "identifier": d.IndexNo, "document_number": d.DocNo,
				"publisher": d.Pub, "date": epoch, "created_at": epoch, "display_publish_time": epoch,
				"url": d.Path, "post_type": 1,
			})
		}
		if arts == nil {
			arts = []map[string]any{}
		}
		ans := map[string]any{"total": 25, "page": page, "classify": map[string]any{"id": 2001, "name": "通知公告", "post_count": 25}, "articles": arts}
		j, err := json.Marshal(ans)
		if err != nil {
			log.Fatal(err)
		}
		s.list(fmt.Sprintf("/gkmlpt/api/all/2001?page=%d&sid=200001", page), "", string(j)+"\n")
	}
	for i, d := range ds {
		detailJSON, err := json.Marshal(map[string]any{
			"id": 4001 + i, "title": d.Title, "identifier": d.IndexNo, "document_number": d.DocNo,
			"publisher": d.Pub, "date": d.Date.Unix(),
			"content": "<p>" + d.Title + "已经市人民政府同意，现印发给你们，请认真组织实施。</p>",
		})
		if err != nil {
			log.Fatal(err)
		}
		page := detail(d, "政府信息公开目录")
		page = strings.Replace(page, "</body>", "<script>window._CONFIG = {SID:'200001', DETAIL:"+string(detailJSON)+", TREE:[{id:2001,name:'通知公告'}]};</script>\n</body>", 1)
		s.exp.Documents = append(s.exp.Documents, d.Path)
		s.write(d.Path, page)
	}
	s.finish()
}

// genGovCN: gov.cn style policy list pages home.htm, home_1.htm, home_2.htm
// linking /zhengce/content/YYYYMM/content_<id>.htm.
func genGovCN() {
	s := newSite("govcn", "govcn", "/zhengce/zuixin/home.htm")
	ds := docs(25, 7000101, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/zhengce/content/%s/content_%d.htm", d.Format("200601"), id)
	})
	pages := chunk(ds, 10, 10, 5)
	name := func(i int) string {
		if i == 0 {
			return "/zhengce/zuixin/home.htm"
		}
		return fmt.Sprintf("/zhengce/zuixin/home_%d.htm", i)
	}
	for pi, page := range pages {
		var b strings.Builder
		b.WriteString(header("最新政策_中国政府网", "最新政策"))
		b.WriteString(`<div class="news_box"><div class="list list_1 list_2"><ul>` + "\n")
		for _, d := range page {
			fmt.Fprintf(&b, "<li><h4><a href=\"%s\" target=\"_blank\">%s</a><span class=\"date\">%s</span></h4></li>\n", d.Path, d.Title, ymd(d.Date))
			s.exp.Documents = append(s.exp.Documents, d.Path)
			s.write(d.Path, govcnDetail(d))
		}
		b.WriteString("</ul></div>\n<div class=\"pages\">")
		if pi > 0 {
			fmt.Fprintf(&b, "<a href=\"%s\">上一页</a> ", strings.TrimPrefix(name(pi-1), "/zhengce/zuixin/"))
		}
		if pi < len(pages)-1 {
			fmt.Fprintf(&b, "<a href=\"%s\">下一页</a>", strings.TrimPrefix(name(pi+1), "/zhengce/zuixin/"))
		}
		fmt.Fprintf(&b, " 共%d页</div></div>\n", len(pages))
		b.WriteString(footer())
		s.list(name(pi), "", b.String())
	}
	s.finish()
}

func govcnDetail(d doc) string {
	return header(d.Title+"_国务院文件_中国政府网", "国务院文件") + `<table class="bd1">
<tr><td><b>索 引 号：</b></td><td>` + d.IndexNo + `</td><td><b>主题分类：</b></td><td>综合政务\其他</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>` + d.Date.AddDate(0, 0, -3).Format("2006年01月02日") + `</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">` + d.Title + `</td></tr>
<tr><td><b>发文字号：</b></td><td>国发〔2025〕` + fmt.Sprint(d.Date.Day()) + `号</td><td><b>发布日期：</b></td><td>` + d.Date.Format("2006年01月02日") + `</td></tr>
</table>
<table><tr><td id="UCAP-CONTENT"><p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p><p>` + d.Title + `，请认真贯彻执行。</p></td></tr></table>
` + footer()
}

// genGeneric: a custom CMS with ?page=N lists (共3页, 下一页, numbered
// links) and documents at /news/detail.jsp?id=N, which no platform shape
// knows: only the dated list container tells them apart.
func genGeneric() {
	s := newSite("generic", "generic", "/news/list.jsp?cat=12&page=1")
	ds := docs(22, 8001, func(i, id int, d time.Time) string {
		return fmt.Sprintf("/news/detail.jsp?id=%d", id)
	})
	pages := chunk(ds, 8, 8, 6)
	name := func(i int) string { return fmt.Sprintf("/news/list.jsp?cat=12&page=%d", i+1) }
	for pi, page := range pages {
		var b strings.Builder
		b.WriteString(header("通知公告", "通知公告"))
		b.WriteString(`<div class="left"><h3>信息公开</h3><ul><li><a href="/news/list.jsp?cat=11">机构概况</a></li><li><a href="/news/list.jsp?cat=12">通知公告</a></li><li><a href="/news/list.jsp?cat=13">政策法规</a></li></ul></div>` + "\n")
		b.WriteString(`<table class="right" width="760"><tbody>` + "\n")
		for _, d := range page {
			fmt.Fprintf(&b, "<tr><td class=\"dot\">·</td><td><a href=\"%s\" target=\"_blank\">%s</a></td><td class=\"date\">[%s]</td></tr>\n", strings.TrimPrefix(d.Path, "/news/"), d.Title, d.Date.Format("2006/01/02"))
			s.exp.Documents = append(s.exp.Documents, d.Path)
			s.write(d.Path, detail(d, "通知公告"))
		}
		b.WriteString("</tbody></table>\n<div class=\"pager\">")
		fmt.Fprintf(&b, "共%d条 第%d/%d页 ", len(ds), pi+1, len(pages))
		for i := range pages {
			if i == pi {
				fmt.Fprintf(&b, "<b>%d</b> ", i+1)
			} else {
				fmt.Fprintf(&b, "<a href=\"list.jsp?cat=12&amp;page=%d\">%d</a> ", i+1, i+1)
			}
		}
		if pi < len(pages)-1 {
			fmt.Fprintf(&b, "<a href=\"list.jsp?cat=12&amp;page=%d\">下一页</a>", pi+2)
		}
		b.WriteString("</div>\n")
		b.WriteString(footer())
		s.list(name(pi), "", b.String())
	}
	s.finish()
}
