package search

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// spanCorpus: 30 documents holding 政府, one a day (document i published
// on day i of 2025), and 3 undated; 5 documents without it.
func spanCorpus() (*fakeArchive, map[uint64]string) {
	f := newFake()
	dates := map[uint64]string{}
	for i := uint64(1); i <= 38; i++ {
		day := ""
		if i <= 30 || i > 33 {
			day = fmt.Sprintf("2025-01-%02d", min(i, 31))
		}
		if i > 33 {
			day = fmt.Sprintf("2025-02-%02d", i-33)
		}
		body := fmt.Sprintf("第%d号通知：推进数字政府建设，政府信息公开。", i)
		if i > 33 {
			body = "无关的内容。"
		}
		f.put(archive.Doc{ID: i, Source: "s", Status: archive.StatusLive}, extract.Document{Title: fmt.Sprintf("通知%d", i), Published: day, Body: body})
		dates[i] = day
	}
	return f, dates
}

// A search matching more than the window is ranked within spans of dates,
// newest first, the undated last; paging through it returns every match
// once, and each page's hits lie in the span it reports.
func TestSearchRanksWithinSpans(t *testing.T) {
	f, dates := spanCorpus()
	ix := openIndexWith(t, f, Options{Batch: 4, Window: 5})
	ctx := context.Background()
	seen := map[uint64]int{}
	var order []string // dates in the order the hits came
	q := Query{Text: "政府", Limit: 4}
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Span == nil || !res.TotalIsBound {
			t.Fatalf("page %d: span %v, total bound %v; want a windowed search", pages, res.Span, res.TotalIsBound)
		}
		for _, h := range res.Hits {
			seen[h.Doc.ID]++
			d := dates[h.Doc.ID]
			order = append(order, d)
			if d != "" && (d < res.Span.From || d > res.Span.To) || d == "" && res.Span.From != "" {
				t.Errorf("page %d: doc %d of %q outside the span %+v", pages, h.Doc.ID, d, *res.Span)
			}
		}
		if res.Next == "" {
			if res.Span.Older {
				t.Errorf("last page says older spans follow")
			}
			break
		}
		q.After = res.Next
	}
	if len(seen) != 33 {
		t.Errorf("paging saw %d documents, want the 33 holding 政府", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("doc %d seen %d times", id, n)
		}
	}
	// Spans come newest first: a dated hit never follows an older span's
	// hit by more than a span, and the undated come last.
	if last := order[len(order)-1]; last != "" {
		t.Errorf("the last hit is dated %s, want the undated last", last)
	}
	first := slices.Index(order, "")
	for _, d := range order[first:] {
		if d != "" {
			t.Errorf("a dated hit (%s) after the undated ones", d)
		}
	}
	if order[0] < "2025-01-25" {
		t.Errorf("the first hit is of %s, want one of the newest span", order[0])
	}

	// All ranks over the whole archive, as a small search does.
	all, err := ix.Search(ctx, Query{Text: "政府", Limit: 50, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if all.Span != nil || len(all.Hits) != 33 {
		t.Errorf("All: span %v, %d hits; want no span and all 33", all.Span, len(all.Hits))
	}
	few, err := ix.Search(ctx, Query{Text: "无关", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if few.Span != nil || len(few.Hits) != 5 {
		t.Errorf("a search matching no more than the window: span %v, %d hits; want no span, 5 hits", few.Span, len(few.Hits))
	}
	// A date filter holds inside the spans.
	in, err := ix.Search(ctx, Query{Text: "政府", Limit: 50, From: "2025-01-10", To: "2025-01-20"})
	if err != nil {
		t.Fatal(err)
	}
	n := len(in.Hits)
	for in.Next != "" {
		if in, err = ix.Search(ctx, Query{Text: "政府", Limit: 50, From: "2025-01-10", To: "2025-01-20", After: in.Next}); err != nil {
			t.Fatal(err)
		}
		n += len(in.Hits)
	}
	if n != 11 {
		t.Errorf("政府 from 2025-01-10 to 2025-01-20: %d hits, want 11", n)
	}
}

func TestCursorWithSpan(t *testing.T) {
	for _, c := range []cursor{
		{next: 3, span: &Span{From: "2025-01-01", To: "2025-02-01"}},
		{next: 5, score: 1.5, tie: []string{"4", "7"}, span: &Span{}},
		{next: 0},
		{next: 2, span: &Span{From: "2025年|1月", To: "x y%"}},
	} {
		got, err := decodeCursor(c.encode())
		if err != nil || got.next != c.next || (got.span == nil) != (c.span == nil) || c.span != nil && *got.span != *c.span || !slices.Equal(got.tie, c.tie) {
			t.Errorf("cursor %+v → %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"r1|2025-01-01", "r1|" + strings.Repeat("9", 65) + "|2025-01-01", "rx|2025-01-01|2025-01-02"} {
		if _, err := decodeCursor(cursor{}.encode()[:0] + encodeRaw(bad)); err == nil {
			t.Errorf("cursor %q decoded", bad)
		}
	}
}

func encodeRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
