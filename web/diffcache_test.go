package web

import (
	"math/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/diff"
	"github.com/gongkai/gongkai/extract"
)

// craftedBodies are two ~1.7 MB bodies of short sentences that all differ:
// the worst case for a sentence diff and its pairing.
func craftedBodies() (string, string) {
	r := rand.New(rand.NewSource(7))
	var a, b strings.Builder
	for a.Len() < 1700<<10 {
		rs := make([]rune, 6)
		for i := range rs {
			rs[i] = rune(0x4E00 + r.Intn(2000))
		}
		a.WriteString(string(rs) + "。")
		rs[2] = '改'
		b.WriteString(string(rs) + "。")
	}
	return a.String(), b.String()
}

// A document whose two versions are a crafted pair of 1.7 MB bodies: its
// page and its diff cost a bounded comparison, once, however often viewed.
func TestCraftedDiffIsBoundedAndCached(t *testing.T) {
	f := newFixture(t)
	a, b := craftedBodies()
	const url = "https://www.ninghai.gov.cn/art/2025/5/1/art_1229_9999.html"
	t1 := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	id := archivetest.Record(t, f.store, archivetest.Page{Source: "ninghai", URL: url, At: t1,
		Doc: extract.Document{Title: "超长文件", Published: "2025-05-01", Body: a}}).Doc
	archivetest.Record(t, f.store, archivetest.Page{Source: "ninghai", URL: url, At: t1.Add(time.Hour),
		Doc: extract.Document{Title: "超长文件", Published: "2025-05-01", Body: b}})
	s := f.server(Options{})
	for range 2 {
		if r := get(t, s, docPath(id, "")); r.code != http.StatusOK || !strings.Contains(r.body, "超长文件") {
			t.Fatalf("doc page = %d", r.code)
		}
		r := get(t, s, docPath(id, "/diff?a=1&b=2"))
		if r.code != http.StatusOK || !strings.Contains(r.body, "Diff too large") {
			t.Fatalf("diff page = %d, want 200 with the truncation notice", r.code)
		}
	}
	if s.summaries.misses != 1 || s.diffs.misses != 1 {
		t.Errorf("two views computed %d timeline and %d page comparisons, want 1 each", s.summaries.misses, s.diffs.misses)
	}
	vs, err := f.store.Versions(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	res := s.comparison(id, vs[0], vs[1])
	if c := res.Cost; c.Sentences > 2*diff.MaxSentences || len(res.Body) > diff.MaxSentences+diff.MaxChanges {
		t.Errorf("comparison cost %+v, %d ops; want at most %d sentences compared", c, len(res.Body), 2*diff.MaxSentences)
	}
}

func TestLRUEvicts(t *testing.T) {
	c := newLRU[int](2, 1<<20)
	computed := 0
	get := func(doc uint64) int {
		return c.get(pairKey{doc: doc}, func() (int, int) { computed++; return int(doc), 1 })
	}
	get(1)
	get(2)
	get(1) // 1 is now the most recent
	get(3) // evicts 2
	get(1)
	if computed != 3 {
		t.Errorf("computed %d times, want 3 (1, 2, 3)", computed)
	}
	get(2)
	if computed != 4 {
		t.Errorf("2 was not evicted: computed %d times, want 4", computed)
	}
	big := newLRU[int](10, 80)
	big.get(pairKey{doc: 1}, func() (int, int) { return 1, 11 })
	if big.ll.Len() != 0 {
		t.Error("a value over an eighth of the size bound was cached")
	}
}
