package discover

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const host = "https://www.example.gov.cn"

func get(path string) Request { return Request{URL: host + path} }

func entry(path, title, date string) Entry {
	return Entry{URL: host + path, Title: title, Date: date}
}

// chrome wraps a list in the menus, breadcrumbs and footers real pages have;
// none of their links may come out as entries or next pages.
func chrome(list string) string {
	return `<html><head><meta name="ColumnName" content="通知公告"></head><body>
<div class="nav"><a href="/">首页</a><a href="/col/col11/index.html">政务动态</a><a href="/col/col12/">信息公开</a>
<a href="javascript:void(0)">加入收藏</a><a href="http://english.example.gov.cn/">English</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col12/index.html">信息公开</a></div>
` + list + `
<div class="footer"><a href="mailto:web@example.gov.cn">联系我们</a> <a href="/col/col99/index.html">网站地图</a>
<a href="https://www.gov.cn/zhengce/content/202501/content_7000000.htm">国务院文件</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1">粤公网安备 44010402000001号</a> 版权所有 2025</div>
</body></html>`
}

func hanwebRecords(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "<record><![CDATA[<li><a href=\"/art/2025/1/%d/art_33718_%d.html\" title=\"通知%d\">通知%d</a><span>2025-01-%02d</span></li>]]></record>\n", i%28+1, 5000+i, i, i, i%28+1)
	}
	return b.String()
}

const dataproxyForm = "col=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&sourceContentType=1&webname=%E6%B5%99%E6%B1%9F&permissiontype=0"

func dataproxy(start, end, per int) Request {
	return Request{
		Method: "POST",
		URL:    fmt.Sprintf("%s/module/web/jpage/dataproxy.jsp?startrecord=%d&endrecord=%d&perpage=%d&%s", host, start, end, per, dataproxyForm),
		Body:   dataproxyForm,
	}
}

func gkJSON(total int, page int, ids ...int) string {
	var arts []string
	for _, id := range ids {
		epoch := time.Date(2025, 1, 23, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).Unix()
		arts = append(arts, fmt.Sprintf(`{"id":%d,"title":"文件%d","identifier":"007000000/2025-%05d","document_number":"","publisher":"市政府","date":%d,"url":"%s/gkmlpt/content/4/4567/post_%d.html"}`, id, id, id, epoch, host, id))
	}
	return fmt.Sprintf(`{"total":%d,"page":%d,"classify":{"id":2001,"post_count":%d},"articles":[%s]}`, total, page, total, strings.Join(arts, ","))
}

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		url         string
		contentType string
		body        string
		opts        Options
		countOnly   bool // long record lists: check the number of entries, not each one
		want        Result
	}{
		{
			name: "generic list with chrome",
			url:  host + "/news/list.jsp?cat=3&page=1",
			body: chrome(`<ul class="list">
<li><a href="detail.jsp?id=1" title="关于2024年12月31日停电的通知">关于2024年12月31日停电…</a><span>2025-01-23</span></li>
<li><a href="/news/detail.jsp?id=2#top">第二号公告</a> <em>2025年1月2日</em></li>
<li><a href="detail.jsp?id=3">第三号公告</a> [2025/1/3]</li>
<li><a href="javascript:openWin(4)">脚本链接</a> 2025-01-04</li>
<li><a href="mailto:x@example.gov.cn">邮件</a> 2025-01-05</li>
<li><a href="https://other.gov.cn/detail.jsp?id=6">他站文章</a> 2025-01-06</li>
<li><a href="detail.jsp?id=1">重复链接</a> 2025-01-23</li>
</ul>
<div class="pager">共 4 页 <b>1</b> <a href="list.jsp?cat=3&amp;page=2">2</a> <a href="list.jsp?cat=3&amp;page=3">3</a>
<a href="list.jsp?cat=3&amp;page=2">下一页</a> <a href="list.jsp?cat=3&amp;page=4">尾页</a> <a href="javascript:go(2)">&gt;</a></div>`),
			want: Result{
				Platform: "generic",
				Entries: []Entry{
					entry("/news/detail.jsp?id=1", "关于2024年12月31日停电的通知", "2025-01-23"),
					entry("/news/detail.jsp?id=2", "第二号公告", "2025-01-02"),
					entry("/news/detail.jsp?id=3", "第三号公告", "2025-01-03"),
				},
				Next:  []Request{get("/news/list.jsp?cat=3&page=2"), get("/news/list.jsp?cat=3&page=3"), get("/news/list.jsp?cat=3&page=4")},
				Pages: 4,
			},
		},
		{
			name: "generic page param beyond links",
			url:  host + "/list.do?pageNum=3",
			body: `<table><tr><td><a href="/info/a.html">甲</a></td><td>2025-01-01</td></tr>
<tr><td><a href="/info/b.html">乙</a></td><td>2025-01-02</td></tr></table><script>var totalPage = 5;</script>`,
			want: Result{
				Platform: "generic",
				Entries:  []Entry{entry("/info/a.html", "甲", "2025-01-01"), entry("/info/b.html", "乙", "2025-01-02")},
				Next:     []Request{get("/list.do?pageNum=4")},
				Pages:    5,
			},
		},
		{
			name: "lonsun column: a platform added with one file and one line",
			url:  host + "/public/column/6789?type=4&catId=123&action=list",
			body: chrome(`<div class="nav"><a href="/public/column/6789?type=4&catId=100&action=list">机构职能</a></div>
<ul class="clearfix xxgk_nav_list"><li><a href="/public/6789/1003.html" title="关于印发2025年工作要点的通知">关于印发2025年工作要点的通知</a><span class="date">2025-03-03</span></li>
<li><a href="/public/6789/1002.html">关于开展安全生产大检查的通知</a><span class="date">2025-02-14</span></li>
<li><a href="/public/6789/1001.html">2024年政府信息公开工作年度报告</a><span class="date">2025-01-20</span></li></ul>
<div class="pagination"><a href="/public/column/6789?type=4&catId=123&action=list&pageIndex=2">下一页</a></div>`),
			want: Result{
				Platform: "lonsun",
				Entries: []Entry{
					entry("/public/6789/1003.html", "关于印发2025年工作要点的通知", "2025-03-03"),
					entry("/public/6789/1002.html", "关于开展安全生产大检查的通知", "2025-02-14"),
					entry("/public/6789/1001.html", "2024年政府信息公开工作年度报告", "2025-01-20"),
				},
				Next: []Request{get("/public/column/6789?type=4&catId=123&action=list&pageIndex=2")},
			},
		},
		{
			name: "generic document shapes outside the list",
			url:  host + "/zwgk/index.html",
			body: chrome(`<div class="side"><a href="/art/2025/1/23/art_1_2.html">侧栏文章</a></div>
<div class="news"><a href="/zwgk/about.html">关于我们</a></div>`),
			want: Result{
				Platform: "hanweb",
				Entries:  []Entry{entry("/art/2025/1/23/art_1_2.html", "侧栏文章", "")},
			},
		},
		{
			name: "link and next overrides",
			url:  host + "/list/",
			body: `<div class="menu"><a href="/a/1.html">菜单</a> 2025-01-01</div>
<div id="docs"><p><a href="/a/2.html">文件二</a></p><p><a href="/a/3.html">文件三</a></p></div>
<span class="more"><a href="/list/p2/">更多</a></span><a href="/list/p9/">下一页</a>`,
			opts: Options{Link: "#docs p", Next: ".more a"},
			want: Result{
				Platform: "generic",
				Entries:  []Entry{entry("/a/2.html", "文件二", ""), entry("/a/3.html", "文件三", "")},
				Next:     []Request{get("/list/p2/")},
			},
		},
		{
			name: "base href",
			url:  host + "/a/b/list.html",
			body: `<head><base href="/x/"></head><ul><li><a href="t20250101_1.html">一</a>2025-01-01</li></ul>`,
			want: Result{Platform: "trs", Entries: []Entry{entry("/x/t20250101_1.html", "一", "2025-01-01")}},
		},
		{
			name: "hanweb datastore, protocol-relative hrefs and varied date elements",
			url:  host + "/col/col33718/index.html",
			body: chrome(`<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=33718&unitid=212860&webname=%E6%B5%99%E6%B1%9F&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="//www.example.gov.cn/art/2025/1/23/art_33718_5678.html" title="关于A的通知">关于A…</a><span>2025-01-23</span></li>]]></record>
<record><![CDATA[<li><a href="/col/col33718/index.html">[通知公告]</a><a href="//www.example.gov.cn/col/col33718/art/2025/art_0123456789abcdef0123456789abcdef.html">B公告</a><b>2025-01-22</b></li>]]></record>
<record><![CDATA[<tr><td><a href="/art/2025/1/21/art_33718_5676.html">C决定</a></td><td><i>2025年1月21日</i></td></tr>]]></record>
<record><![CDATA[<li><a href="/art/2025/1/20/art_33718_5675.html">2025年1月1日起施行的D办法</a><span class="time">[2025-01-20]</span></li>]]></record>
<record><![CDATA[<li><a href="//evil.example.com/art/2025/1/20/art_1_1.html">他站</a><span>2025-01-20</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#212860').jpage({dataStore:dataStore,totalRecord:4895,perPage:15,groupSize:3});</script>`),
			want: Result{
				Platform: "hanweb",
				Entries: []Entry{
					entry("/art/2025/1/23/art_33718_5678.html", "关于A的通知", "2025-01-23"),
					entry("/col/col33718/art/2025/art_0123456789abcdef0123456789abcdef.html", "B公告", "2025-01-22"),
					entry("/art/2025/1/21/art_33718_5676.html", "C决定", "2025-01-21"),
					entry("/art/2025/1/20/art_33718_5675.html", "2025年1月1日起施行的D办法", "2025-01-20"),
				},
				Next:  []Request{dataproxy(6, 50, 15)},
				Pages: 327, Total: 4895,
			},
		},
		{
			name: "hanweb static page of 45 records",
			url:  host + "/col/col33718/index.html?uid=212860&pageNum=1",
			body: `<div id="212860"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=33718&unitid=212860&webname=%E6%B5%99%E6%B1%9F&permissiontype=0"></a>]]></nextgroup><recordset>` +
				hanwebRecords(45) + `</recordset></datastore></script></div><script>$('#212860').jpage({totalRecord:4895, perPage:15});</script>`,
			countOnly: true,
			want:      Result{Platform: "hanweb", Next: []Request{dataproxy(46, 90, 15)}, Pages: 327, Total: 4895},
		},
		{
			name:        "hanweb dataproxy answer",
			url:         dataproxy(46, 90, 15).URL,
			contentType: "text/xml;charset=UTF-8",
			body:        `<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>4895</totalrecord><totalpage>327</totalpage><recordset>` + hanwebRecords(45) + `</recordset></datastore>`,
			countOnly:   true,
			want:        Result{Platform: "hanweb", Next: []Request{dataproxy(91, 135, 15)}, Pages: 327},
		},
		{
			name:        "hanweb dataproxy last window",
			url:         dataproxy(91, 135, 15).URL,
			contentType: "text/html",
			body:        `<datastore><totalrecord>93</totalrecord><recordset>` + hanwebRecords(3) + `</recordset></datastore>`,
			countOnly:   true,
			want:        Result{Platform: "hanweb", Pages: 7},
		},
		{
			name:        "hanweb dataproxy short window without a total",
			url:         dataproxy(46, 90, 15).URL,
			contentType: "text/xml",
			body:        `<datastore><recordset>` + hanwebRecords(10) + `</recordset></datastore>`,
			countOnly:   true,
			want:        Result{Platform: "hanweb"},
		},
		{
			name:        "hanweb dataproxy empty",
			url:         dataproxy(46, 90, 15).URL,
			contentType: "text/xml",
			body:        `<?xml version="1.0"?><datastore><totalrecord>4895</totalrecord><recordset></recordset></datastore>`,
			want:        Result{Platform: "hanweb", Pages: 327},
		},
		{
			name: "hanweb legacy xxgk module",
			url:  host + "/module/xxgk/search.jsp?infotypeId=&area=&divid=div1&currpage=1",
			body: chrome(`<table class="tb_main"><tr class="tr_main_value_odd"><td>1</td><td><a href="/art/2025/1/23/art_1229_1.html" mc="关于甲的通知（全称）" rq="2025-01-23" wh="甲发〔2025〕1号" target="_blank">关于甲…</a></td><td>2025-01-23</td></tr>
<tr class="tr_main_value_even"><td>2</td><td><a href="/art/2025/1/22/art_1229_2.html" mc="关于乙的批复" rq="2025-01-22" wh="">关于乙的批复</a></td><td>2025-01-22</td></tr></table>
<div>共 5 页 当前第 1 页</div>`),
			want: Result{
				Platform: "hanweb",
				Entries: []Entry{
					entry("/art/2025/1/23/art_1229_1.html", "关于甲的通知（全称）", "2025-01-23"),
					entry("/art/2025/1/22/art_1229_2.html", "关于乙的批复", "2025-01-22"),
				},
				Next:  []Request{get("/module/xxgk/search.jsp?infotypeId=&area=&divid=div1&currpage=2")},
				Pages: 5,
			},
		},
		{
			name: "jpaas column page",
			url:  host + "/col/col1229567/index.html",
			body: `<ul><li><a href="//www.example.gov.cn/col/col1229567/art/2025/art_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.html">甲</a><span>2025-01-23</span></li></ul>
<div id="pager" webid="3185" pageid="1229567" tagid="当前栏目" tplsetid="x1" rows="15" total="40"></div>`,
			want: Result{
				Platform: "hanweb",
				Entries:  []Entry{entry("/col/col1229567/art/2025/art_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.html", "甲", "2025-01-23")},
				Next:     []Request{get("/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185&pageId=1229567&parseType=bulidstatic&pageType=column&tagId=%E5%BD%93%E5%89%8D%E6%A0%8F%E7%9B%AE&tplSetId=x1&rows=15&pageNo=2")},
				Pages:    3, Total: 40,
			},
		},
		{
			name:        "jpaas api last page",
			url:         host + "/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185&pageId=1229567&parseType=bulidstatic&pageType=column&tagId=t&tplSetId=x1&rows=15&pageNo=3",
			contentType: "application/json",
			body:        `{"success":true,"data":{"html":"<ul><li><a href=\"/col/col1229567/art/2025/art_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.html\">乙</a><span>2025-01-02</span></li></ul>","total":40}}`,
			want: Result{
				Platform: "hanweb",
				Entries:  []Entry{entry("/col/col1229567/art/2025/art_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.html", "乙", "2025-01-02")},
				Pages:    3, Total: 40,
			},
		},
		{
			name:        "jpaas api middle page without counts",
			url:         host + "/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1&pageId=2&rows=15&pageNo=2",
			contentType: "application/json",
			body:        `{"success":true,"data":{"html":"<ul><li><a href=\"/col/col2/art/2025/art_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.html\">乙</a><span>2025-01-02</span></li></ul>"}}`,
			want: Result{
				Platform: "hanweb",
				Entries:  []Entry{entry("/col/col2/art/2025/art_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.html", "乙", "2025-01-02")},
				Next:     []Request{get("/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1&pageId=2&parseType=bulidstatic&pageType=column&tagId=&tplSetId=&rows=15&pageNo=3")},
			},
		},
		{
			name: "trs 4 arguments",
			url:  host + "/xxgk/tzgg/",
			body: `<ul><li><a href="./202501/t20250123_12345.html">甲</a><span>2025-01-23</span></li></ul><script>createPageHTML(4, 0, "index", "html");</script>`,
			want: Result{
				Platform: "trs",
				Entries:  []Entry{entry("/xxgk/tzgg/202501/t20250123_12345.html", "甲", "2025-01-23")},
				Next:     []Request{get("/xxgk/tzgg/index_1.html"), get("/xxgk/tzgg/index_2.html"), get("/xxgk/tzgg/index_3.html")},
				Pages:    4,
			},
		},
		{
			name: "trs 5 arguments",
			url:  host + "/xxgk/index_1.shtml",
			body: `<ul><li><a href="../xxgk/202501/t20250123_1.shtml">甲</a>2025-01-23</li></ul><script>createPageHTML(3,1,"index","shtml","45");</script>`,
			want: Result{
				Platform: "trs",
				Entries:  []Entry{entry("/xxgk/202501/t20250123_1.shtml", "甲", "2025-01-23")},
				Next:     []Request{get("/xxgk/index_2.shtml")},
				Pages:    3,
			},
		},
		{
			name: "trs 6 arguments",
			url:  host + "/zwgk/index_2.htm",
			body: `<ul><li><a href="./202401/t20240105_9.htm">甲</a>2024.01.05</li></ul><script>createPageHTML('page_div',5,2,'index','htm',68);</script>`,
			want: Result{
				Platform: "trs",
				Entries:  []Entry{entry("/zwgk/202401/t20240105_9.htm", "甲", "2024-01-05")},
				Next:     []Request{get("/zwgk/index_3.htm"), get("/zwgk/index_4.htm")},
				Pages:    5,
			},
		},
		{
			name: "trs arguments in variables",
			url:  host + "/xxgk/index.html",
			body: `<ul><li><a href="./202501/t20250123_1.html">甲</a>2025-01-23</li></ul><script>var countPage = 3//共多少页
var currentPage = 0;createPageHTML(countPage, currentPage, "index", "html");</script>`,
			want: Result{
				Platform: "trs",
				Entries:  []Entry{entry("/xxgk/202501/t20250123_1.html", "甲", "2025-01-23")},
				Next:     []Request{get("/xxgk/index_1.html"), get("/xxgk/index_2.html")},
				Pages:    3,
			},
		},
		{
			name: "trs with a next override",
			url:  host + "/xxgk/index.html",
			body: `<ul><li><a href="./202501/t20250123_1.html">甲</a>2025-01-23</li></ul><p class="more"><a href="/xxgk/more/">更多</a></p><script>createPageHTML(2,0,"index","html")</script>`,
			opts: Options{Next: "p.more"},
			want: Result{
				Platform: "trs",
				Entries:  []Entry{entry("/xxgk/202501/t20250123_1.html", "甲", "2025-01-23")},
				Next:     []Request{get("/xxgk/more/"), get("/xxgk/index_1.html")},
				Pages:    2,
			},
		},
		{
			name: "trs deep stub page",
			url:  host + "/xxgk/index_37.html",
			body: `<html><head><title>通知公告</title></head><body><div class="list"><ul></ul></div><script>createPageHTML(40, 37, "index", "html");</script></body></html>`,
			want: Result{Platform: "trs", Pages: 40},
		},
		{
			name: "empty stub page",
			url:  host + "/xxgk/index_38.html",
			body: `<html><head></head><body></body></html>`,
			want: Result{Platform: "generic"},
		},
		{
			name: "nfcms list",
			url:  host + "/zwgk/tzgg/index_2.html",
			body: chrome(`<div class="viewList"><ul>
<li><span class="wh">穗府〔2025〕3号</span><a href="/zwgk/tzgg/content/post_1001.html">甲</a><span class="date">2025-01-23</span></li>
<li><span class="wh">穗府〔2025〕2号</span><a href="https://www.example.gov.cn/zwgk/tzgg/content/post_1000.html">乙</a><span class="date">2025-01-20</span></li></ul></div>
<div class="page"><a href="index.html">首页</a><a href="index.html">上一页</a><a href="index_3.html">下一页</a></div>`),
			want: Result{
				Platform: "nfcms",
				Entries:  []Entry{entry("/zwgk/tzgg/content/post_1001.html", "甲", "2025-01-23"), entry("/zwgk/tzgg/content/post_1000.html", "乙", "2025-01-20")},
				Next:     []Request{get("/zwgk/tzgg/index_3.html")},
			},
		},
		{
			name: "govcn policy list",
			url:  host + "/zhengce/zuixin/home.htm",
			body: chrome(`<div class="list"><ul><li><h4><a href="/zhengce/content/202501/content_7000001.htm">国务院关于甲的通知</a><span class="date">2025-01-23</span></h4></li>
<li><h4><a href="../content/202501/content_7000002.htm">国务院办公厅关于乙的意见</a><span class="date">2025-01-22</span></h4></li></ul></div>
<div class="pages"><a href="home_1.htm">下一页</a> 共20页</div>`),
			want: Result{
				Platform: "govcn",
				Entries: []Entry{
					entry("/zhengce/content/202501/content_7000001.htm", "国务院关于甲的通知", "2025-01-23"),
					entry("/zhengce/content/202501/content_7000002.htm", "国务院办公厅关于乙的意见", "2025-01-22"),
				},
				Next:  []Request{get("/zhengce/zuixin/home_1.htm")},
				Pages: 20,
			},
		},
		{
			name: "gkmlpt index page",
			url:  host + "/gkmlpt/index",
			body: `<div id="app"></div><script>window._CONFIG = {SID:'755001', TREE:[{"id":5432,"name":"通知","children":[{"id":5433}]}]};</script>`,
			want: Result{Platform: "gkmlpt", Next: []Request{get("/gkmlpt/api/all/5432?page=1&sid=755001")}},
		},
		{
			name: "gkmlpt index page with a category fragment",
			url:  host + "/gkmlpt/index#5433",
			body: `<script>window._CONFIG = {SID:"755001", TREE:[{id:5432}]};</script>`,
			want: Result{Platform: "gkmlpt", Next: []Request{get("/gkmlpt/api/all/5433?page=1&sid=755001")}},
		},
		{
			name:        "gkmlpt api first page",
			url:         host + "/gkmlpt/api/all/2001?page=1&sid=755001",
			contentType: "application/json;charset=utf-8",
			body:        gkJSON(25, 1, 11, 12),
			want: Result{
				Platform: "gkmlpt",
				Entries: []Entry{
					entry("/gkmlpt/content/4/4567/post_11.html", "文件11", "2025-01-23"),
					entry("/gkmlpt/content/4/4567/post_12.html", "文件12", "2025-01-23"),
				},
				Next:  []Request{get("/gkmlpt/api/all/2001?page=2&sid=755001")},
				Pages: 13, Total: 25,
			},
		},
		{
			name:        "gkmlpt api count reached",
			url:         host + "/gkmlpt/api/all/2001?page=2&sid=755001",
			contentType: "application/json",
			body:        gkJSON(4, 2, 13, 14),
			want: Result{
				Platform: "gkmlpt",
				Entries: []Entry{
					entry("/gkmlpt/content/4/4567/post_13.html", "文件13", "2025-01-23"),
					entry("/gkmlpt/content/4/4567/post_14.html", "文件14", "2025-01-23"),
				},
				Total: 4,
			},
		},
		{
			name:        "gkmlpt api empty last page",
			url:         host + "/gkmlpt/api/all/2001?page=9&sid=755001",
			contentType: "application/json",
			body:        `{"total":0,"classify":{"post_count":0},"articles":[]}`,
			want:        Result{Platform: "gkmlpt"},
		},
		{
			name:        "gkmlpt api with time of day, string numbers and off-host urls",
			url:         host + "/gkmlpt/api/all/0?page=1&sid=2",
			contentType: "application/json",
			body:        `{"total":"3","articles":[{"id":"1","title":"甲","date":1737595800,"url":"/gkmlpt/content/0/1/post_1.html"},{"id":2,"title":"乙","date":"0","display_publish_time":"2025-01-02 10:00:00","url":"http://other.gov.cn/gkmlpt/content/0/2/post_2.html"},{"id":3,"title":"丙","date":null,"display_publish_time":"1735747200","url":"https://www.example.gov.cn/gkmlpt/content/0/3/post_3.html"}]}`,
			want: Result{
				Platform: "gkmlpt",
				Entries: []Entry{
					entry("/gkmlpt/content/0/1/post_1.html", "甲", "2025-01-23 09:30"),
					entry("/gkmlpt/content/0/3/post_3.html", "丙", "2025-01-02"),
				},
				Pages: 1, Total: 3,
			},
		},
		{
			name: "script pager with a declared count",
			url:  host + "/xxgk/zcwj/index_2.html",
			body: `<ul><li><a href="/xxgk/zcwj/20250123/abc.html">甲</a>2025-01-23</li></ul><div id="pager"></div><script>$("#pager").pagination({totalPage:5, currentPage:2});</script>`,
			want: Result{
				Platform: "generic",
				Entries:  []Entry{entry("/xxgk/zcwj/20250123/abc.html", "甲", "2025-01-23")},
				Next:     []Request{get("/xxgk/zcwj/index_3.html")},
				Pages:    5,
			},
		},
		{
			name: "script pager on its last page",
			url:  host + "/xxgk/zcwj/index_5.html",
			body: `<ul><li><a href="/xxgk/zcwj/20250123/abc.html">甲</a>2025-01-23</li></ul><script>$("#pager").pagination({totalPage:5});</script>`,
			want: Result{
				Platform: "generic",
				Entries:  []Entry{entry("/xxgk/zcwj/20250123/abc.html", "甲", "2025-01-23")},
				Pages:    5,
			},
		},
		{
			name: "forced platform",
			url:  host + "/list.html",
			body: `<ul><li><a href="/a/t20250101_1.html">甲</a>2025-01-01</li></ul><script>createPageHTML(2,0,"list","html")</script>`,
			opts: Options{Platform: "generic"},
			want: Result{Platform: "generic", Entries: []Entry{entry("/a/t20250101_1.html", "甲", "2025-01-01")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "text/html; charset=utf-8"
			}
			got, err := Parse(tt.url, ct, []byte(tt.body), tt.opts)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tt.url, err)
			}
			if tt.countOnly {
				if n := strings.Count(tt.body, "<record>"); len(got.Entries) != n {
					t.Errorf("Parse(%s) gave %d entries, want %d", tt.name, len(got.Entries), n)
				}
				got.Entries = nil
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%s) (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		url  string
		ct   string
		body string
		opts Options
		is   error
	}{
		{name: "relative page url", url: "/list.html", body: "<html></html>"},
		{name: "ftp page url", url: "ftp://example.gov.cn/list.html", body: "<html></html>"},
		{name: "unknown platform", url: host + "/", body: "<html></html>", opts: Options{Platform: "wordpress"}, is: ErrPlatform},
		{name: "bad link selector", url: host + "/", body: "<html></html>", opts: Options{Link: "a[href"}},
		{name: "bad next selector", url: host + "/", body: "<html></html>", opts: Options{Next: ">>"}},
		{name: "broken json", url: host + "/gkmlpt/api/all/1?page=1", ct: "application/json", body: `{"articles":[`},
		{name: "unknown json", url: host + "/api/list", ct: "application/json", body: `{"rows":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.url, tt.ct, []byte(tt.body), tt.opts)
			if err == nil {
				t.Fatalf("Parse(%s) succeeded, want an error", tt.name)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Parse(%s) = %v, want %v", tt.name, err, tt.is)
			}
		})
	}
}

func TestValidateOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"every platform", Options{Platform: "gkmlpt", Link: "ul.list li > a", Next: "a.next"}, true},
		{"unknown platform", Options{Platform: "jcms"}, false},
		{"bad link", Options{Link: "ul["}, false},
		{"bad next", Options{Next: "a:nth-child("}, false},
	}
	for _, p := range Platforms() {
		if err := ValidateOptions(Options{Platform: p}); err != nil {
			t.Errorf("ValidateOptions(Platform %q) = %v, want nil", p, err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateOptions(tt.opts)
			if (err == nil) != tt.ok {
				t.Errorf("ValidateOptions(%+v) = %v, want ok=%v", tt.opts, err, tt.ok)
			}
		})
	}
}

func TestIsDocumentURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://www.zj.gov.cn/art/2025/1/23/art_1229019364_2543213.html", true},
		{"//www.hangzhou.gov.cn/col/col1229063387/art/2025/art_0f4cd1bb3c0a4b5a9e6f7e1a2b3c4d5e.html", true},
		{"/jcms/jcms_files/jcms1/web1/site/art/2020/3/16/art_1_2.html", true},
		{"./202501/t20250123_12345.html", true},
		{"http://www.beijing.gov.cn/zhengce/zfwj/202501/t20250123_3999999.shtml", true},
		{"/xxgk/202501/t20250123_12345.htm", true},
		{"https://www.gd.gov.cn/gkmlpt/content/4/4567/post_4567890.html", true},
		{"https://www.gz.gov.cn/zwgk/tzgg/content/post_10101010.html", true},
		{"https://www.gov.cn/zhengce/content/202501/content_6999999.htm", true},
		{"https://www.ah.gov.cn/public/1681/554123456.html", true},
		{"/col/col33718/index.html", false},
		{"/col/col33718/", false},
		{"/xxgk/index_3.html", false},
		{"/gkmlpt/index", false},
		{"/public/column/6790?type=4&action=list", false},
		{"/art/2025/1/23/", false},
		{"mailto:a@b.c", false},
		{"%zz", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsDocumentURL(tt.url); got != tt.want {
			t.Errorf("IsDocumentURL(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestFindDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2025-01-23", "2025-01-23"},
		{"2025年01月23日", "2025-01-23"},
		{"发布于2024年7月25日", "2024-07-25"},
		{"2019-02-12  16:43", "2019-02-12 16:43"},
		{"[2026-01-01]", "2026-01-01"},
		{"2020.03.16", "2020-03-16"},
		{"2025/1/23", "2025-01-23"},
		{"2025-01-23-10:00:00", "2025-01-23 10:00"},
		{"2025年1月23日 9:05", "2025-01-23 09:05"},
		{"002966124/2025-41880", ""},
		{"SY310107202603028 2026-02-00018", ""},
		{"索引号 2025-52138 发布 2025-02-30 成文 2025-02-28", "2025-02-28"},
		{"12025-01-23", ""},
		{"2025-13-01", ""},
		{"1900-01-01", ""},
		{"no date", ""},
	}
	for _, tt := range tests {
		if got := findDate(tt.in); got != tt.want {
			t.Errorf("findDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChallenge(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"wzws", `<html><head><script type="text/javascript">var wzwschallenge="RANDOMSTR";var wzwschallengex="STRRANDOM";function HashString(c){}</script></head></html>`, true},
		{"wzws cookie", `<script>document.cookie="wzws_cid=abc; path=/";location.href="/WZWSREL2NvbC9jb2wxL2luZGV4Lmh0bWw=?wzwschallenge=V1pXU19DT05GSVJNX1BSRUZJWF9MQUJFTDM"</script>`, true},
		{"ruishu", `<html><head><meta id="x" content="{qqqq}" r='m'><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script></head></html>`, true},
		{"list page", chrome(`<ul><li><a href="/a.html">甲</a>2025-01-01</li></ul>`), false},
		{"empty", ``, false},
		{"a page that names the prefixes only", chrome(`<p>wzws 与 $_ts 与 acw_sc 不是挑战页。</p>`), false},
	}
	// Every mark alone in an otherwise ordinary page.
	for _, m := range []string{"wzws_cid", "wzwschallenge", "wzwstemplate", "wzwsconfusion", "/wzwsrel", "$_ts=window", "$_ts = window", "__jsl_clearance", "acw_sc__v2"} {
		tests = append(tests, struct {
			name string
			body string
			want bool
		}{m, chrome(`<script>var x="` + m + `";</script>`), true})
	}
	for _, tt := range tests {
		if got := Challenge([]byte(tt.body)); got != tt.want {
			t.Errorf("Challenge(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEpochDateZone(t *testing.T) {
	ts := time.Date(2025, 1, 22, 17, 0, 0, 0, time.UTC).Unix() // 2025-01-23 01:00 in China
	if got := epochDate(ts, Options{}.location()); got != "2025-01-23 01:00" {
		t.Errorf("epochDate(%d, China) = %q, want 2025-01-23 01:00", ts, got)
	}
	if got := epochDate(ts*1000, time.UTC); got != "2025-01-22 17:00" {
		t.Errorf("epochDate(%d ms, UTC) = %q, want 2025-01-22 17:00", ts*1000, got)
	}
}

// containsFold is strings.Contains over s with its ASCII letters in lower
// case, whatever the word and the text.
func FuzzContainsFold(f *testing.F) {
	f.Add("<div PageID=3 webid='1'>", "pageid=")
	f.Add("ppppppppPpageid", "pageid")
	f.Add("abc", "")
	f.Add("中文tplSetID", "tplsetid")
	f.Fuzz(func(t *testing.T, s, sub string) {
		lower := []byte(s)
		for i, c := range lower {
			if 'A' <= c && c <= 'Z' {
				lower[i] = c + 'a' - 'A'
			}
		}
		if got, want := containsFold(s, sub), strings.Contains(string(lower), sub); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
	})
}
