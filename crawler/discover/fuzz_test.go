package discover

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds malformed pages, XML and JSON to Parse: it may fail, but
// must not panic, and what it returns must keep its promises.
func FuzzParse(f *testing.F) {
	seeds := []string{
		chrome(`<ul><li><a href="./202501/t20250123_1.html">甲</a>2025-01-23</li></ul><script>createPageHTML(3,0,"index","html")</script>`),
		`<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=2"></a>]]></nextgroup><recordset>` + hanwebRecords(3) + `</recordset></datastore><script>x.jpage({totalRecord:9,perPage:1})</script>`,
		`<?xml version="1.0"?><datastore><totalrecord>99</totalrecord><recordset><record><![CDATA[<tr><td><a href="//www.example.gov.cn/art/2025/1/1/art_1_1.html">x</a>`,
		gkJSON(30, 1, 1, 2, 3),
		`{"success":true,"data":{"html":"<a href='/col/col1/art/2025/art_0123456789abcdef0123456789abcdef.html'>x</a>","total":"x"}}`,
		`<script>window._CONFIG = {SID:'1', TREE:[{id:`,
		`<div webid="1" pageid="2" tplsetid="3" rows="0" total="-5"></div>`,
		`<a href="?page=2">下一页</a><a href="javascript:;">2</a>共999999页`,
		`<script>createPageHTML('d',99999999999999999999,1,'i','h',1)</script><a href="t20250101_1.html">x</a>2025-01-01`,
	}
	for _, s := range seeds {
		f.Add("https://www.example.gov.cn/xxgk/index.html?startrecord=1&endrecord=3&perpage=1&page=1&pageNo=1", "text/html", []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join(sitesDir, "*", "*", "*", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 8000 {
			f.Add("http://www.example.gov.cn/"+filepath.Base(name), "", b)
		}
	}
	f.Fuzz(func(t *testing.T, pageURL, contentType string, body []byte) {
		res, err := Parse(pageURL, contentType, body, Options{})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, e := range res.Entries {
			if seen[e.URL] {
				t.Errorf("entry %q repeated", e.URL)
			}
			seen[e.URL] = true
			if !strings.HasPrefix(e.URL, "http://") && !strings.HasPrefix(e.URL, "https://") {
				t.Errorf("entry %q is not absolute http(s)", e.URL)
			}
		}
		keys := map[string]bool{}
		for _, r := range res.Next {
			if keys[r.Key()] {
				t.Errorf("next request %q repeated", r.Key())
			}
			keys[r.Key()] = true
		}
		if len(res.Next) > maxScriptPages+200 {
			t.Errorf("%d next requests from one page", len(res.Next))
		}
	})
}
