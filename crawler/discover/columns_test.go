package discover

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestColumns(t *testing.T) {
	const page = "https://www.example.gov.cn/xxgk/index.html"
	tests := []struct {
		name string
		body string
		want []Column
	}{
		{"hanweb and trs column links", `<a href="/col/col3001/index.html">通知公告</a> <a href="./zcwj/">政策文件</a>
			<a href="/xxgk/ghjh/index.shtml"> 规划 计划 </a>`, []Column{
			{URL: "https://www.example.gov.cn/col/col3001/index.html", Name: "通知公告"},
			{URL: "https://www.example.gov.cn/xxgk/zcwj/", Name: "政策文件"},
			{URL: "https://www.example.gov.cn/xxgk/ghjh/index.shtml", Name: "规划 计划"},
		}},
		{"list with a first-page parameter", `<a href="/news/list.jsp?cat=12&page=1">工作动态</a>`, []Column{
			{URL: "https://www.example.gov.cn/news/list.jsp?cat=12&page=1", Name: "工作动态"},
		}},
		{"title when the link has no text", `<a href="/col/col7/index.html" title="人事信息"><img src="x.png"></a>`, []Column{
			{URL: "https://www.example.gov.cn/col/col7/index.html", Name: "人事信息"},
		}},
		{"pagers, documents, home, self and other hosts left out", `<a href="/">首页</a> <a href="/index.html">门户</a>
			<a href="index_2.html">2</a> <a href="/col/col3001/index.html?uid=1&pageNum=3">3</a> <a href="./index_1.html">下一页</a>
			<a href="./202503/t20250301_1.html">关于印发通知的通知</a> <a href="/art/2025/3/1/art_1_2.html">文件</a>
			<a href="index.html">政府信息公开</a> <a href="https://other.gov.cn/col/col1/index.html">外站</a>
			<a href="javascript:void(0)">收藏</a> <a href="/xxgk/tzgg/">` + "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一" + `</a>`, nil},
		{"duplicates keep the first name", `<a href="./tzgg/">通知公告</a><a href="./tzgg/">更多</a>`, []Column{
			{URL: "https://www.example.gov.cn/xxgk/tzgg/", Name: "通知公告"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Columns(page, []byte("<html><body>"+tt.body+"</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Columns(%s) (-want +got):\n%s", tt.name, diff)
			}
		})
	}
	if _, err := Columns("/relative", nil); err == nil {
		t.Error("Columns of a relative page URL: no error")
	}
}

// Every platform in the registry has its own name, and the names are what
// Options.Platform accepts.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range Platforms() {
		if seen[name] {
			t.Errorf("platform %q registered twice", name)
		}
		seen[name] = true
		if err := ValidateOptions(Options{Platform: name}); err != nil {
			t.Errorf("ValidateOptions(%q) = %v", name, err)
		}
	}
	if last := registry[len(registry)-1]; last.name() != PlatformGeneric {
		t.Errorf("last platform %q, want generic (it reads any page)", last.name())
	}
}
