package extract

import (
	"strings"
	"testing"
	"time"
)

// page wraps a fragment in a minimal page with a body container.
func page(meta, body string) string {
	return `<html><head><title>测试标题 - 某某县人民政府</title></head><body><div class="nav"><a href="/">首页</a></div>` +
		meta + `<h1>测试标题</h1><div id="zoom">` + body + `</div><div class="footer">版权所有 © 2025 某某县人民政府 浙ICP备12345678号</div></body></html>`
}

const para = "<p>为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》规定，现将有关事项通知如下，请各单位认真贯彻落实。</p>"

func TestExtractLayouts(t *testing.T) {
	tests := []struct {
		name string
		html string
		opts Options
		want Document // only the non-empty fields are compared, plus DocNo always
		body string   // substring the body must contain; "" skips
		not  string   // substring the body must not contain; "" skips
	}{
		{
			name: "empty doc_no does not swallow the next label",
			html: page(`<table><tr><td>发文字号：</td><td></td><td>发布日期：</td><td>2025-01-23</td></tr></table>`, para),
			want: Document{Published: "2025-01-23"},
			not:  "发文字号",
		},
		{
			name: "empty doc_no in a line",
			html: page(`<div>索引号：000125014/2020-00025 发文字号： 发布日期：2020年3月16日</div>`, para),
			want: Document{IndexNo: "000125014/2020-00025", Published: "2020-03-16"},
		},
		{
			name: "label and value in one span, label in b",
			html: page(`<p><span>索引号：000125014/2020-00025</span> <b>主题分类：</b>公安</p>`, para),
			want: Document{IndexNo: "000125014/2020-00025", Topic: "公安"},
		},
		{
			name: "labels with nbsp, U+3000 and inner spaces",
			html: page(`<table><tr><th>索&nbsp;引&nbsp;号</th><td>SY310107202603028</td></tr><tr><th>发　布　机　构</th><td>普陀区人民政府</td></tr><tr><th>文 号</th><td>普府〔2026〕3号</td></tr></table>`, para),
			want: Document{IndexNo: "SY310107202603028", Publisher: "普陀区人民政府", DocNo: "普府〔2026〕3号"},
		},
		{
			name: "value split over nodes",
			html: page(`<table><tr><td>文号</td><td>桂政干〔<span>2020</span>〕<span>68号</span></td><td>发布日期</td><td><span>2026-</span><span>01-</span><span>23</span></td></tr></table>`, para),
			want: Document{DocNo: "桂政干〔2020〕68号", Published: "2026-01-23"},
		},
		{
			name: "document.write of a variable",
			html: page(`<script>var fileNum='浙公通字〔2025〕7号';</script><table><tr><td>文号：</td><td><script>document.write(fileNum)</script></td></tr></table>`, para),
			want: Document{DocNo: "浙公通字〔2025〕7号"},
		},
		{
			name: "meta tags when there is no visible block",
			html: `<html><head><meta name="PubDate" content="2026.09.19"><meta name="ContentSource" content="市公安局"><meta name="ArticleTitle" content="通知标题"></head><body><div class="TRS_Editor">` + para + `</div></body></html>`,
			want: Document{Title: "通知标题", Published: "2026-09-19", Publisher: "市公安局"},
		},
		{
			name: "visible block wins over meta tags",
			html: `<html><head><meta name="PubDate" content="2026-07-19 07:16"><meta name="ContentSource" content="网站"></head><body><div>发布日期：2026-07-18　来源：市公安局</div><div class="TRS_Editor">` + para + `</div></body></html>`,
			want: Document{Published: "2026-07-18", Publisher: "市公安局"},
		},
		{
			name: "index number parts and copyright years are not dates",
			html: page(`<div>索引号：001008003001008/2025-52138</div>`, para),
			want: Document{IndexNo: "001008003001008/2025-52138"},
		},
		{
			name: "a signing date ending the body stays body",
			html: page(`<div>发布日期：2023-03-01</div>`, para+`<p style="text-align:right">2023年2月28日</p>`),
			want: Document{Published: "2023-03-01"},
			body: "\n2023年2月28日",
		},
		{
			name: "a 时间 line inside the body text is not metadata",
			html: page(``, para+`<p>时间：2025年3月5日上午9时</p><p>地点：县政府三楼会议室</p>`),
			want: Document{},
			body: "时间：2025年3月5日上午9时\n地点：县政府三楼会议室",
		},
		{
			name: "metadata inside the container does not leak into the body",
			html: page(``, `<table><tr><td>索引号：</td><td>000125014/2020-00025</td><td>公开方式：</td><td>主动公开</td></tr></table>`+para),
			want: Document{IndexNo: "000125014/2020-00025", Access: "主动公开"},
			not:  "主动公开",
		},
		{
			name: "chrome lines are cut",
			html: page(``, para+`<p>【字体：大 中 小】</p><p>扫一扫在手机打开当前页</p><p>【返回顶部】【打印本稿】【关闭本页】</p><p>网站标识码：3302260001</p><p>这一行在页脚之后</p>`),
			not:  "字体",
		},
		{
			name: "override wins",
			html: page(`<div class="x">索引号：AAA/2025-1</div><span id="idx">BBB/2025-2</span><span id="pub">发布日期：2025-05-06</span>`, para),
			opts: Options{Fields: map[string]string{"index_no": "#idx", "published": "#pub", "body": "#zoom p"}},
			want: Document{IndexNo: "BBB/2025-2", Published: "2025-05-06"},
			body: "为进一步做好",
		},
		{
			name: "override matching nothing leaves the heuristics",
			html: page(`<div>索引号：AAA/2025-1</div>`, para),
			opts: Options{Fields: map[string]string{"index_no": "#missing"}},
			want: Document{IndexNo: "AAA/2025-1"},
		},
		{
			name: "gkmlpt epoch in another zone",
			html: `<script>window._CONFIG = {SID:'1', DETAIL: {"title":"标题","content":"<p>正文内容。</p>","date":1736870400,"display_publish_time":1736994600}, TREE: []};</script>`,
			opts: Options{Location: time.UTC},
			want: Document{Title: "标题", Published: "2025-01-16 02:30:00", Written: "2025-01-14 16:00:00"},
			body: "正文内容。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract([]byte(tt.html), "https://www.example.gov.cn/art/2025/1/23/art_1_2.html", tt.opts)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			check := func(field, g, w string, always bool) {
				if (w != "" || always) && g != w {
					t.Errorf("Extract(%s).%s = %q, want %q", tt.name, field, g, w)
				}
			}
			check("Title", got.Title, tt.want.Title, false)
			check("IndexNo", got.IndexNo, tt.want.IndexNo, false)
			check("Published", got.Published, tt.want.Published, true)
			check("Written", got.Written, tt.want.Written, false)
			check("Publisher", got.Publisher, tt.want.Publisher, false)
			check("DocNo", got.DocNo, tt.want.DocNo, true)
			check("Topic", got.Topic, tt.want.Topic, false)
			check("Access", got.Access, tt.want.Access, false)
			if !strings.Contains(got.Body, "为进一步做好") && !strings.Contains(got.Body, "正文内容") {
				t.Errorf("Extract(%s).Body = %q, lost the text", tt.name, got.Body)
			}
			if tt.body != "" && !strings.Contains(got.Body, tt.body) {
				t.Errorf("Extract(%s).Body = %q, want it to contain %q", tt.name, got.Body, tt.body)
			}
			if tt.not != "" && strings.Contains(got.Body, tt.not) {
				t.Errorf("Extract(%s).Body = %q, want it without %q", tt.name, got.Body, tt.not)
			}
			if strings.Contains(got.Body, "\n\n") {
				t.Errorf("Extract(%s).Body has a blank line: %q", tt.name, got.Body)
			}
		})
	}
}

func TestExtractChromeCut(t *testing.T) {
	html := page(``, para+`<p>【字体：大 中 小】</p><p>扫一扫在手机打开当前页</p><p>【返回顶部】【打印本稿】【关闭本页】</p><p>分享到：</p><p>浏览次数：123</p><p>网站标识码：3302260001</p><p>这一行在页脚之后</p>`)
	got, err := Extract([]byte(html), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(strings.TrimPrefix(para, "<p>"), "</p>")
	if got.Body != want {
		t.Errorf("Extract().Body = %q, want %q", got.Body, want)
	}
}

func TestExtractAttachments(t *testing.T) {
	html := `<html><head><base href="/xxgk/"></head><body><div class="TRS_Editor">` + para + `
<p><a href="./P0202501.pdf">附件1.pdf</a> <a href="//cdn.example.gov.cn/f/a.OFD">附件2</a> <a href="P0202501.pdf#page=2">重复</a>
<a href="/module/download/downfile.jsp?classid=0&amp;filename=abc.docx"></a> <a href="x.html">网页</a> <a href="javascript:void(0)">js.pdf</a></p></div>
<div class="footer"><a href="/guide.pdf">公开指南</a></div></body></html>`
	got, err := Extract([]byte(html), "https://www.example.gov.cn/a/b/c.html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Attachment{
		{Name: "附件1.pdf", URL: "https://www.example.gov.cn/xxgk/P0202501.pdf"},
		{Name: "附件2", URL: "https://cdn.example.gov.cn/f/a.OFD"},
		{Name: "abc.docx", URL: "https://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=abc.docx"},
	}
	if len(got.Attachments) != len(want) {
		t.Fatalf("Extract().Attachments = %+v, want %+v", got.Attachments, want)
	}
	for i := range want {
		if got.Attachments[i] != want[i] {
			t.Errorf("Extract().Attachments[%d] = %+v, want %+v", i, got.Attachments[i], want[i])
		}
	}
}

func TestExtractEmptyAndMalformed(t *testing.T) {
	for _, in := range []string{"", "<", "<html><body><table><tr><td>索引号", "<div><div><p>未闭合", "\x00\xff\xfe", strings.Repeat("<div>", 100000)} {
		got, err := Extract([]byte(in), "http://example.gov.cn/", Options{})
		if err != nil {
			t.Errorf("Extract(%.20q) error = %v", in, err)
		}
		if strings.Contains(got.Body, "\n\n") {
			t.Errorf("Extract(%.20q).Body has a blank line", in)
		}
	}
}

// TestExtractFallbacks covers pages without a known body container: the
// readability fallback, and names that only say "content" or "body".
func TestExtractFallbacks(t *testing.T) {
	const text = "1月8日，某某县召开村级组织换届工作推进会，总结前一阶段换届工作，部署下一阶段重点任务，要求各乡镇严肃换届纪律。"
	tests := []struct {
		name, html, source string
	}{
		{
			name:   "no named container",
			html:   `<html><head><title>推进会 - 某某县</title></head><body><div class="menu"><a href="/">首页</a></div><div class="main"><div class="wz"><p>` + text + `</p><p>` + text + `</p></div></div><div class="foot">版权所有 某某县</div></body></html>`,
			source: "readability",
		},
		{
			name:   "a box named after its body",
			html:   `<html><body><div class="page-body"><div class="side"><a href="/a">栏目一</a></div><div class="news_body"><p>` + text + `</p></div></div></body></html>`,
			source: "container:div.news_body",
		},
		{
			name:   "a box named after its content, camelCase",
			html:   `<html><body><div class="detailContent"><p>` + text + `</p></div><div class="pic-content-l">图片</div></body></html>`,
			source: "container:div.detailContent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract([]byte(tt.html), "https://www.example.gov.cn/a.html", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.Body, text) {
				t.Errorf("Extract(%s).Body = %q, want it to start with the text", tt.name, got.Body)
			}
			if got.Sources[FieldBody] != tt.source {
				t.Errorf("Extract(%s).Sources[body] = %q, want %q", tt.name, got.Sources[FieldBody], tt.source)
			}
		})
	}
}

// TestExtractValueShapes covers the variants of the label and byline
// mechanisms that the fixture pages do not show.
func TestExtractValueShapes(t *testing.T) {
	tests := []struct {
		name, meta, body            string
		publisher, published, docNo string
	}{
		{
			name:      "a value ends at a label the table does not know",
			meta:      `<div>来源：某某局 责任处室：办公室</div>`,
			publisher: "某某局",
		},
		{
			name:      "a toolbar word is no value",
			meta:      `<div>发布日期：2024-01-02　来源：【打印】【关闭】</div>`,
			published: "2024-01-02",
		},
		{
			name:      "a date closing the source is the byline date",
			meta:      `<div>来源：新华社 2023-12-01 14:43</div>`,
			publisher: "新华社", published: "2023-12-01 14:43",
		},
		{
			name:      "year-month before the day",
			meta:      `<div class="date"><span class="ym">2024-02</span><div class="d">21</div></div>`,
			published: "2024-02-21",
		},
		{
			name:  "a label ending in 文号 inside a line",
			body:  `<p>行政处罚决定书文号：某罚决字〔2024〕3号</p>` + para,
			docNo: "某罚决字〔2024〕3号",
		},
		{
			name: "a 文号 column header has no value",
			body: `<table><tr><td>序号</td><td>处罚决定书文号</td><td>当事人</td></tr><tr><td>1</td><td>某罚〔2024〕9号</td><td>张某</td></tr></table>` + para,
		},
		{
			name: "a document number in prose is not the 文号",
			body: `<p>根据《关于做好防汛工作的通知》（某防〔2011〕5号）精神，结合我区实际，现就进一步加强防汛工作有关事项通知如下。</p>` + para,
		},
		{
			name: "a date beside no label is no byline",
			meta: `<ul class="list"><li>2023-12-01</li><li>其他栏目的链接文字</li></ul>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract([]byte(page(tt.meta, tt.body+para)), "https://www.example.gov.cn/a.html", Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ field, got, want string }{
				{"Publisher", got.Publisher, tt.publisher},
				{"Published", got.Published, tt.published},
				{"DocNo", got.DocNo, tt.docNo},
			} {
				if c.got != c.want {
					t.Errorf("Extract(%s).%s = %q, want %q", tt.name, c.field, c.got, c.want)
				}
			}
		})
	}
}
