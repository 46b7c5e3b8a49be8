package api_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
	"github.com/gongkai/gongkai/web/api"
)

// TestClientRoundTrip reads a served archive through the client and gets
// what the archive and the index hold.
func TestClientRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := archivetest.Open(t)
	at := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	var ids []uint64
	for i, title := range []string{"关于推进法治政府建设的意见", "关于调整办公时间的公告", "法治政府建设年度报告"} {
		out := archivetest.Record(t, st, archivetest.Page{Source: "city", URL: "https://www.example.gov.cn/" + string(rune('a'+i)) + ".html",
			Doc: extract.Document{Title: title, Published: "2025-03-0" + string(rune('1'+i)), Body: title + "。正文<b>不是标签</b>。"}, At: at})
		ids = append(ids, out.Doc)
	}
	ix, err := search.Open(filepath.Join(t.TempDir(), "search"), st, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(st, web.Options{Search: ix}))
	defer srv.Close()
	c := api.NewClient(srv.URL, api.Options{})

	if h, err := c.Health(ctx); err != nil || h.Status != "ok" || h.Sources != 1 {
		t.Errorf("Health = %+v, %v", h, err)
	}
	if rows, err := c.Sources(ctx); err != nil || len(rows) != 1 || rows[0].Name != "city" || rows[0].Docs != 3 {
		t.Errorf("Sources = %+v, %v", rows, err)
	}
	// Page through every document by cursor, one at a time: newest first.
	var got []uint64
	q := archive.ListQuery{Limit: 1}
	for range 5 {
		p, err := c.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Docs {
			got = append(got, d.ID)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if want := []uint64{ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("List pages = %v, want %v", got, want)
	}
	res, err := c.Search(ctx, search.Query{Text: `"法治政府建设"`})
	if err != nil || res.Total != 2 || len(res.Hits) != 2 {
		t.Fatalf("Search = %+v, %v", res, err)
	}
	for _, h := range res.Hits {
		if !strings.Contains(h.Snippet, "<mark>法治政府建设</mark>") || !strings.Contains(h.Snippet, "&lt;b&gt;不是标签&lt;/b&gt;") {
			t.Errorf("Search snippet = %q, want the phrase marked and the rest escaped", h.Snippet)
		}
	}
	if _, err := c.Search(ctx, search.Query{Text: "法治", After: "bogus"}); !errors.Is(err, api.ErrBadRequest) {
		t.Errorf("Search with a bad cursor = %v, want ErrBadRequest", err)
	}
	d, err := c.Lookup(ctx, "https://www.example.gov.cn/b.html")
	if err != nil || d.Doc.ID != ids[1] || len(d.Versions) != 1 || d.Versions[0].Title != "关于调整办公时间的公告" {
		t.Errorf("Lookup = %+v, %v", d, err)
	}
	if _, err := c.Doc(ctx, 999); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("Doc(999) = %v, want ErrNotFound", err)
	}
	v, err := c.Version(ctx, ids[0], 1)
	if err != nil || v.Record.Title != "关于推进法治政府建设的意见" {
		t.Errorf("Version = %+v, %v", v, err)
	}
	ev, err := c.Events(ctx, archive.EventQuery{Limit: 2, IncludeBaseline: true})
	if err != nil || len(ev.Events) != 2 || ev.Next == "" {
		t.Errorf("Events = %+v, %v", ev, err)
	}
	var buf bytes.Buffer
	if n, err := c.Export(ctx, &buf, time.Time{}); err != nil || n == 0 || strings.Count(buf.String(), "\n") != 3 {
		t.Errorf("Export = %d bytes, %v:\n%s", n, err, buf.String())
	}
}
