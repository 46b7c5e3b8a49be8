package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkExtract runs Extract over every fixture page (the corpus: real
// templates and the shapes written for them), already decoded.
func BenchmarkExtract(b *testing.B) {
	benchPages(b, func(f fixture) bool { return true })
}

// BenchmarkExtractReports runs Extract over the full-size report pages
// (testdata/seeds: the five seed reports as their sites serve them).
func BenchmarkExtractReports(b *testing.B) {
	benchPages(b, func(f fixture) bool { return strings.HasPrefix(f.name, "seeds/") })
}

// BenchmarkExtractChrome runs Extract over the seed reports wrapped in the
// chrome a crawl meets on every page (see chromePage): pages of 26–35 KB,
// 12 KB of it navigation, style, scripts and footer added to the seed's own.
func BenchmarkExtractChrome(b *testing.B) {
	var fx []fixture
	for _, f := range fixtures(b) {
		if strings.HasPrefix(f.name, "seeds/") {
			f.raw = chromePage(b, f.raw)
			fx = append(fx, f)
		}
	}
	benchFixtures(b, fx)
}

// chromePage wraps a page in the chrome of the templates the crawler meets
// (as in the bench command's generated site): an inline style sheet and
// scripts in the head, a menu of 60 links before the content, a footer
// with links and a counter script after it.
func chromePage(t testing.TB, raw []byte) []byte {
	head := bytes.Index(raw, []byte("</head>"))
	body := bytes.Index(raw, []byte("<body>"))
	end := bytes.LastIndex(raw, []byte("</body>"))
	if head < 0 || body < 0 || end < 0 {
		t.Fatal("chromePage: no head or body")
	}
	body += len("<body>")
	words := []string{"政务动态", "信息公开", "政务服务", "互动交流", "走进本市", "专题专栏", "通知公告", "政策解读", "部门动态", "乡镇动态", "人事信息", "财政资金"}
	var b bytes.Buffer
	b.Write(raw[:head])
	b.WriteString("<style>\n")
	for i := range 30 {
		fmt.Fprintf(&b, ".c%d{margin:%dpx auto;padding:%dpx;font-size:%dpx;color:#%06x}\n", i, i%20, i%9, 12+i%6, i*40503%(1<<24))
	}
	b.WriteString("</style>\n<script type=\"text/javascript\">\nvar _hmt = _hmt || [];\n(function() {\n  var hm = document.createElement(\"script\");\n  hm.src = \"https://hm.example.com/hm.js?0123456789abcdef\";\n  var s = document.getElementsByTagName(\"script\")[0];\n  s.parentNode.insertBefore(hm, s);\n})();\nfunction AddFavorite(){try{window.external.addFavorite(location.href,document.title)}catch(e){alert(\"请使用Ctrl+D收藏\")}}\n</script>\n")
	b.Write(raw[head:body])
	b.WriteString(`<div class="top"><div class="top-links"><a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a> | <a href="/wza/">无障碍</a> | <a href="/m/">手机版</a></div><ul class="nav">`)
	for i := range 60 {
		fmt.Fprintf(&b, `<li class="nav-item"><a href="/col/col12290%05d/index.html" title="%s%s" target="_blank">%s</a></li>`, i*37, words[i%len(words)], words[(i*5+1)%len(words)], words[(i*7+3)%len(words)])
		if i%10 == 9 {
			b.WriteString("\n")
		}
	}
	b.WriteString("</ul></div>\n")
	b.Write(raw[body:end])
	b.WriteString(`<div class="footer"><div class="links">`)
	for i := range 12 {
		fmt.Fprintf(&b, `<a href="https://www.example%d.gov.cn/" target="_blank">%s网站</a> `, i, words[i])
	}
	b.WriteString("</div><p>主办：本市人民政府办公室 承办：本市大数据发展管理局</p><p>版权所有 © 2026 本市人民政府 网站标识码：3302260001 浙ICP备05003088号 浙公网安备 33022602000101号</p><p>访问量：<span id=\"count\">1234567</span></p></div>\n")
	b.WriteString(`<script>var _token="9f8e7d6c5b4a3210";var _ts=1767225600000;(function(){var s=document.createElement("script");s.src="/module/js/count.js?t="+_ts;document.body.appendChild(s);})();</script>` + "\n")
	b.Write(raw[end:])
	return b.Bytes()
}

// benchPages reports throughput and, since benchmarks here often share a
// machine, also the process CPU time per op (cpu-ns/op): wall time grows
// with the neighbours' load, CPU time much less.
func benchPages(b *testing.B, keep func(fixture) bool) {
	var fx []fixture
	for _, f := range fixtures(b) {
		if keep(f) {
			fx = append(fx, f)
		}
	}
	benchFixtures(b, fx)
}

func benchFixtures(b *testing.B, fixtures []fixture) {
	var fx []fixture
	var pages [][]byte
	total := 0
	for _, f := range fixtures {
		p, _, err := Decode(f.raw, "")
		if err != nil {
			b.Fatal(err)
		}
		fx = append(fx, f)
		pages = append(pages, p)
		total += len(p)
	}
	if len(pages) == 0 {
		b.Fatal("no pages")
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		for i, p := range pages {
			if _, err := Extract(p, fx[i].url, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	if cpu := cpuTime() - start; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
