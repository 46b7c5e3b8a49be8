package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/termsafe"
)

// Text archived from a hostile page (a C1 CSI, DEL, a bidi override; C0
// controls encoding/json escapes itself) reaches an API client exact but
// escaped: nothing in the response drives the terminal of whoever pipes
// curl into it.
func TestAPIEscapesTerminalControls(t *testing.T) {
	const hostile = "公告\x1b[2J标题\u009b31m红\x7f覆盖\u202e倒"
	s := archivetest.Open(t)
	doc := extract.Document{Title: hostile, Published: "2025-01-02", Body: "第一句。" + hostile}
	id := archivetest.Record(t, s, archivetest.Page{Source: "s", URL: "https://www.example.gov.cn/art/1.html", Doc: doc}).Doc
	h := New(s, Options{})
	for _, target := range []string{"/api/docs", "/api/docs/" + itoa(id)} {
		r := get(t, h, target)
		if r.code != 200 {
			t.Fatalf("GET %s = %d", target, r.code)
		}
		if i := strings.IndexFunc(r.body, termsafe.Unsafe); i >= 0 {
			t.Errorf("GET %s sends %U raw", target, []rune(r.body[i:])[0])
		}
		if !strings.Contains(r.body, `\u009b31m`) || !strings.Contains(r.body, `\u202e倒`) {
			t.Errorf("GET %s: the title is not escaped:\n%s", target, r.body)
		}
		var v struct {
			Docs []struct{ Title string } `json:"docs"` // the list
			Doc  struct{ Title string }   `json:"doc"`  // one document
		}
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			t.Fatal(err)
		}
		got := v.Doc.Title
		if len(v.Docs) > 0 {
			got = v.Docs[0].Title
		}
		if got != hostile {
			t.Errorf("GET %s: title decodes to %q, want %q", target, got, hostile)
		}
	}
}
