package discover

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	cases := []struct{ name, site, file, url string }{
		{"trs", "trs", "xxgk/index.html", "http://www.example.gov.cn/xxgk/index.html"},
		{"hanweb", "hanweb", "col/col1001/index.html", "http://www.example.gov.cn/col/col1001/index.html"},
		{"generic", "generic", "news/list.jsp@cat=12&page=1", "http://www.example.gov.cn/news/list.jsp?cat=12&page=1"},
		{"gkmlpt-api", "gkmlpt", "gkmlpt/api/all/2001@page=1&sid=200001", "http://www.example.gov.cn/gkmlpt/api/all/2001?page=1&sid=200001"},
	}
	for _, c := range cases {
		body, err := os.ReadFile(filepath.Join(sitesDir, c.site, filepath.FromSlash(c.file)))
		if err != nil {
			b.Fatal(err)
		}
		ct := contentTypeOf(body)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.url, ct, body, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
