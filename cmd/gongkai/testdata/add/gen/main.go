//go:build ignore

// Command gen writes the directory fixture sites `gongkai add` is tested
// on: a Hanweb and a TRS 政府信息公开 directory page, each linking to
// columns that list documents, a column that lists none, menu links that
// lead nowhere (404), and the documents themselves. Each site is laid out
// by URL path like crawler/testdata/sites (a path ending in / is served
// index.html); expect.json lists the columns `add` must offer.
//
//	cd cmd/gongkai/testdata/add && go run gen/main.go
package main

import (
	"encoding/json"
	"fmt"
	"html"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type column struct {
	Name      string   `json:"name"`
	URL       string   `json:"url"` // as the directory links it, resolved to a path
	Documents []string `json:"documents"`
	Platform  string   `json:"platform"`
}

type expect struct {
	Directory string   `json:"directory"`
	Columns   []column `json:"columns"`
}

type doc struct {
	path, title, indexNo, docNo, publisher string
	date                                   time.Time
}

func write(dir, p, content string) {
	p = strings.TrimPrefix(p, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		log.Fatal(err)
	}
}

func head(title string) string {
	return fmt.Sprintf(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="SiteName" content="示例县人民政府">
<title>%s</title></head><body>
<div class="top"><a href="/">示例县人民政府门户网站</a> <a href="javascript:void(0)">加入收藏</a> <a href="http://english.example.gov.cn/">English</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/col/col11/index.html">政务动态</a></li><li><a href="/col/col14/index.html">互动交流</a></li></ul></div>
`, html.EscapeString(title))
}

const foot = `<div class="foot">版权所有 © 2026 示例县人民政府 <a href="https://beian.miit.gov.cn/">浙ICP备00000000号</a> <a href="mailto:web@example.gov.cn">联系我们</a></div></body></html>
`

func detail(d doc, column string) string {
	return head(d.title) + fmt.Sprintf(`<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; %s</div>
<table class="xxgk_table">
<tr><td>索 引 号：</td><td>%s</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>%s</td><td>发布日期：</td><td>%s</td></tr>
<tr><td>标　　题：</td><td colspan="3">%s</td></tr>
<tr><td>文　　号：</td><td>%s</td><td>成文日期：</td><td>%s</td></tr>
</table>
<h1>%s</h1>
<div id="zoom"><p>各乡镇人民政府、街道办事处，县政府各部门：</p><p>现将《%s》印发给你们，请结合实际认真贯彻执行。</p><p>%s</p><p>%s</p></div>
`, column, d.indexNo, d.publisher, d.date.Format("2006-01-02"), html.EscapeString(d.title), d.docNo,
		d.date.AddDate(0, 0, -2).Format("2006年1月2日"), html.EscapeString(d.title), html.EscapeString(d.title), d.publisher,
		d.date.AddDate(0, 0, -2).Format("2006年1月2日")) + foot
}

var topics = []string{"安全生产工作", "农村人居环境整治", "优化营商环境", "防汛防台工作", "义务教育招生", "医疗保障", "老旧小区改造", "森林防火"}

func makeDocs(n, seq int, col string, path func(i int, d time.Time) string) []doc {
	var out []doc
	for i := range n {
		d := time.Date(2025, 3, 28-i*3, 0, 0, 0, 0, time.UTC)
		out = append(out, doc{
			path:      path(seq+i, d),
			title:     fmt.Sprintf("示例县人民政府办公室关于做好%s的通知（%s第%d号）", topics[(seq+i)%len(topics)], col, i+1),
			indexNo:   fmt.Sprintf("11330226002966124X/2025-%05d", seq+i),
			docNo:     fmt.Sprintf("示政办发〔2025〕%d号", seq+i),
			publisher: "示例县人民政府办公室",
			date:      d,
		})
	}
	return out
}

func paths(ds []doc) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.path)
	}
	return out
}

func writeJSON(dir string, e expect) {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	write(dir, "expect.json", string(b)+"\n")
}

// hanweb: /col/col3000/index.html links 通知公告 (col3001, 7 documents),
// 政策文件 (col3002, 5), 规划计划 (col3003, 3), 机构概况 (col3004, a page
// with no list) and the menu's columns (404).
func genHanweb() {
	const dir = "hanweb"
	os.RemoveAll(dir)
	cols := []struct {
		id   int
		name string
		n    int
	}{{3001, "通知公告", 7}, {3002, "政策文件", 5}, {3003, "规划计划", 3}}
	var e expect
	e.Directory = "/col/col3000/index.html"
	var b strings.Builder
	b.WriteString(head("信息公开目录_示例县人民政府"))
	b.WriteString(`<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政府信息公开</div>
<div class="xxgk_nav"><h3>信息公开目录</h3><ul>
`)
	for _, c := range cols {
		fmt.Fprintf(&b, "<li><a href=\"/col/col%d/index.html\" target=\"_blank\">%s</a></li>\n", c.id, c.name)
	}
	b.WriteString(`<li><a href="/col/col3004/index.html">机构概况</a></li>
<li><a href="/col/col3000/index.html?uid=9&pageNum=2">2</a></li>
</ul></div>
`)
	b.WriteString(foot)
	write(dir, e.Directory, b.String())
	write(dir, "/col/col3004/index.html", head("机构概况_示例县人民政府")+`<div class="crumb">当前位置：<a href="/">首页</a> &gt; 机构概况</div>
<div id="zoom"><p>示例县人民政府办公室是县政府的办事机构。</p><p>地址：示例县人民路1号。</p></div>
`+foot)
	for i, c := range cols {
		col := fmt.Sprintf("col%d", c.id)
		ds := makeDocs(c.n, 100*(i+1), col, func(k int, d time.Time) string {
			return fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", d.Year(), int(d.Month()), d.Day(), c.id, 6000+k)
		})
		var l strings.Builder
		l.WriteString(head(c.name + "_示例县人民政府"))
		fmt.Fprintf(&l, `<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col3000/index.html">政府信息公开</a> &gt; %s</div>
<div id="4%d"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=%d&unitid=4%d&webname=示例县&permissiontype=0"></a>]]></nextgroup>
<recordset>
`, c.name, c.id, c.id, c.id)
		for _, d := range ds {
			fmt.Fprintf(&l, "<record><![CDATA[<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><span>%s</span></li>]]></record>\n",
				d.path, html.EscapeString(d.title), html.EscapeString(d.title), d.date.Format("2006-01-02"))
			write(dir, d.path, detail(d, c.name))
		}
		fmt.Fprintf(&l, "</recordset></datastore></script></div>\n<script>$('#4%d').jpage({totalRecord:%d, perPage:15});</script>\n", c.id, c.n)
		l.WriteString(foot)
		u := fmt.Sprintf("/col/col%d/index.html", c.id)
		write(dir, u, l.String())
		e.Columns = append(e.Columns, column{Name: c.name, URL: u, Documents: paths(ds), Platform: "hanweb"})
	}
	writeJSON(dir, e)
}

// trs: /xxgk/index.html links ./tzgg/ (通知公告, two pages: 5 + 3),
// ./zcwj/ (政策文件, 4), ./ghjh/index.html (规划计划, 3), ./jgzn/ (机构职能,
// no list) and the menu's columns (404).
func genTRS() {
	const dir = "trs"
	os.RemoveAll(dir)
	cols := []struct {
		slug, href, name string
		pages            []int
	}{{"tzgg", "./tzgg/", "通知公告", []int{5, 3}}, {"zcwj", "./zcwj/", "政策文件", []int{4}}, {"ghjh", "./ghjh/index.html", "规划计划", []int{3}}}
	var e expect
	e.Directory = "/xxgk/index.html"
	var b strings.Builder
	b.WriteString(head("政府信息公开_示例县人民政府"))
	b.WriteString(`<div class="crumb">当前位置：<a href="../">首页</a> &gt; 政府信息公开</div>
<div class="gkml"><h3>信息公开目录</h3><ul>
`)
	for _, c := range cols {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", c.href, c.name)
	}
	b.WriteString(`<li><a href="./jgzn/">机构职能</a></li>
</ul></div>
<script>createPageHTML(1, 0, "index", "html");</script>
`)
	b.WriteString(foot)
	write(dir, e.Directory, b.String())
	write(dir, "/xxgk/jgzn/", head("机构职能_示例县人民政府")+`<div class="TRS_Editor"><p>示例县人民政府办公室负责处理县政府日常工作。</p></div>
`+foot)
	for i, c := range cols {
		total := 0
		for _, n := range c.pages {
			total += n
		}
		ds := makeDocs(total, 100*(i+1), c.slug, func(k int, d time.Time) string {
			return fmt.Sprintf("/xxgk/%s/%s/t%s_%d.html", c.slug, d.Format("200601"), d.Format("20060102"), 7000+k)
		})
		rest := ds
		for p, n := range c.pages {
			var l strings.Builder
			l.WriteString(head(c.name + "_示例县人民政府"))
			fmt.Fprintf(&l, "<div class=\"crumb\">当前位置：<a href=\"../../\">首页</a> &gt; <a href=\"../\">政府信息公开</a> &gt; %s</div>\n<ul class=\"list\">\n", c.name)
			for _, d := range rest[:n] {
				rel := "." + strings.TrimPrefix(d.path, "/xxgk/"+c.slug)
				fmt.Fprintf(&l, "<li><a href=\"%s\" title=\"%s\">%s</a><span>%s</span></li>\n", rel, html.EscapeString(d.title), html.EscapeString(d.title), d.date.Format("2006-01-02"))
				write(dir, d.path, detail(d, c.name))
			}
			rest = rest[n:]
			fmt.Fprintf(&l, "</ul>\n<script>createPageHTML(%d, %d, \"index\", \"html\");</script>\n", len(c.pages), p)
			l.WriteString(foot)
			name := "index.html"
			if p > 0 {
				name = fmt.Sprintf("index_%d.html", p)
			}
			write(dir, "/xxgk/"+c.slug+"/"+name, l.String())
		}
		u := "/xxgk/" + strings.TrimPrefix(c.href, "./")
		e.Columns = append(e.Columns, column{Name: c.name, URL: u, Documents: paths(ds), Platform: "trs"})
	}
	writeJSON(dir, e)
}

func main() {
	genHanweb()
	genTRS()
}
