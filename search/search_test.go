package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// fakeArchive is an archive's change log and current records in memory.
type fakeArchive struct {
	mu      sync.Mutex
	docs    map[uint64]archive.Doc
	recs    map[uint64]extract.Document
	changes []archive.Change
}

func newFake() *fakeArchive {
	return &fakeArchive{docs: map[uint64]archive.Doc{}, recs: map[uint64]extract.Document{}}
}

// put adds or changes a document and logs the change.
func (f *fakeArchive) put(d archive.Doc, rec extract.Document) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.Status == "" {
		d.Status = archive.StatusLive
	}
	if d.Title == "" {
		d.Title = rec.Title
	}
	d.Published = rec.Published
	f.docs[d.ID], f.recs[d.ID] = d, rec
	f.changes = append(f.changes, archive.Change{Seq: uint64(len(f.changes) + 1), Doc: d.ID})
}

func (f *fakeArchive) Changes(ctx context.Context, after uint64, limit int) ([]archive.Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []archive.Change
	for _, c := range f.changes {
		if c.Seq > after && (limit <= 0 || len(out) < limit) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeArchive) Current(ctx context.Context, id uint64) (archive.Doc, extract.Document, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.docs[id]
	if !ok {
		return d, extract.Document{}, fmt.Errorf("doc %d: %w", id, archive.ErrNotFound)
	}
	return d, f.recs[id], nil
}

func (f *fakeArchive) Sources(ctx context.Context) ([]archive.SourceState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	by := map[string]int{}
	for _, d := range f.docs {
		by[d.Source]++
	}
	var out []archive.SourceState
	for name, n := range by {
		out = append(out, archive.SourceState{Name: name, Docs: n})
	}
	return out, nil
}

// corpus is a small archive of Chinese notices.
func corpus() *fakeArchive {
	f := newFake()
	docs := []struct {
		id     uint64
		source string
		status string
		rec    extract.Document
	}{
		{1, "city", "", extract.Document{Title: "关于推进法治政府建设的实施意见", Published: "2025-03-01", Publisher: "市人民政府办公室",
			Body: "为深入推进法治政府建设，现提出如下意见。各区要把法治政府建设摆在全局工作的重要位置。"}},
		{2, "city", "", extract.Document{Title: "2024年政府工作报告", Published: "2025-01-15",
			Body: "过去一年，我们坚持法治思维，政府效能不断提升，重点项目建设全面提速。"}},
		{3, "county", "", extract.Document{Title: "关于印发<安全生产>工作方案的通知", Published: "2024-06-30", DocNo: "县府办〔2024〕12号",
			Body:        "各乡镇：现将<安全生产>工作方案印发给你们，请结合实际认真贯彻执行。 & 附件见下。",
			Attachments: []extract.Attachment{{Name: "安全生产检查表.xlsx", URL: "http://x/a.xlsx"}}}},
		{4, "county", archive.StatusWithdrawn, extract.Document{Title: "已撤回的法治政府建设通知", Published: "2024-02-02",
			Body: "本通知涉及法治政府建设考核，已经废止。"}},
		{5, "city", "", extract.Document{Title: "城市更新计划", Published: "2025-05-05",
			Body: "本计划围绕法治政策和政府建设展开一批公共设施。"}},
	}
	for _, d := range docs {
		f.put(archive.Doc{ID: d.id, Source: d.source, Status: d.status, URL: fmt.Sprintf("http://example.gov.cn/%d.html", d.id)}, d.rec)
	}
	return f
}

func openIndex(t *testing.T, src Archive) *Index {
	t.Helper()
	return openIndexWith(t, src, Options{Batch: 2})
}

func openIndexWith(t *testing.T, src Archive, o Options) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "gongkai.db.search"), src, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(r Result) []uint64 {
	var out []uint64
	for _, h := range r.Hits {
		out = append(out, h.Doc.ID)
	}
	return out
}

func sorted(x []uint64) []uint64 {
	x = slices.Clone(x)
	slices.Sort(x)
	return x
}

// layouts are the index layouts every query test runs under: phrases
// checked on the hits (the default) and matched in the index.
var layouts = []struct {
	name string
	l    Layout
}{{"no positions", Layout{}}, {"positions", Layout{Positions: true}}}

func TestSearch(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) { testSearch(t, openIndexWith(t, corpus(), Options{Batch: 2, Layout: l.l})) })
	}
}

func testSearch(t *testing.T, ix *Index) {
	tests := []struct {
		name string
		q    Query
		want []uint64 // sorted
	}{
		{"phrase matches the phrase only", Query{Text: `"法治政府建设"`}, []uint64{1, 4}},
		{"curly quotes are phrases too", Query{Text: `“法治政府建设”`}, []uint64{1, 4}},
		// 5 holds every character pair of 法治政府建设 but not the phrase.
		{"term matches all its pairs anywhere in a field", Query{Text: `法治政府建设`}, []uint64{1, 4, 5}},
		{"two terms must both match", Query{Text: `法治 报告`}, []uint64{2}},
		{"title only", Query{Text: `城市更新`}, []uint64{5}},
		{"doc number", Query{Text: `县府办〔2024〕12号`}, []uint64{3}},
		{"attachment name", Query{Text: `检查表`}, []uint64{3}},
		{"source filter", Query{Text: `"法治政府建设"`, Source: "city"}, []uint64{1}},
		{"status filter", Query{Text: `"法治政府建设"`, Status: archive.StatusWithdrawn}, []uint64{4}},
		{"from filter", Query{Text: `政府`, From: "2025-01-01"}, []uint64{1, 2, 5}},
		{"to filter", Query{Text: `政府`, To: "2024-12-31"}, []uint64{4}},
		{"range filter", Query{Text: `政府`, From: "2025-01-15", To: "2025-03-01"}, []uint64{1, 2}},
		{"no match", Query{Text: `"政府法治"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := sorted(ids(res)); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
			if res.Total != len(tt.want) && !res.TotalIsBound || res.Total < len(tt.want) {
				t.Errorf("Search(%+v).Total = %d, want %d", tt.q, res.Total, len(tt.want))
			}
		})
	}
}

func TestSearchRanksTitleFirst(t *testing.T) {
	f := newFake()
	f.put(archive.Doc{ID: 1, Source: "s"}, extract.Document{Title: "年度报告", Body: "关于乡村振兴的说明。" + strings.Repeat("其他内容。", 20)})
	f.put(archive.Doc{ID: 2, Source: "s"}, extract.Document{Title: "乡村振兴实施方案", Body: "方案全文。" + strings.Repeat("其他内容。", 20)})
	ix := openIndex(t, f)
	res, err := ix.Search(context.Background(), Query{Text: `"乡村振兴"`})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []uint64{2, 1}) {
		t.Errorf("Search(乡村振兴) order = %v, want the title match first [2 1]", got)
	}
}

func TestSnippetsAreEscapedAndMarked(t *testing.T) {
	ix := openIndex(t, corpus())
	res, err := ix.Search(context.Background(), Query{Text: `"安全生产"`})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("Search(安全生产) = %v, want one hit", ids(res))
	}
	h := res.Hits[0]
	wantSnippet := "各乡镇：现将&lt;<mark>安全生产</mark>&gt;工作方案印发给你们，请结合实际认真贯彻执行。 &amp; 附件见下。"
	if h.Snippet != wantSnippet {
		t.Errorf("Snippet = %q, want %q", h.Snippet, wantSnippet)
	}
	if want := "关于印发&lt;<mark>安全生产</mark>&gt;工作方案的通知"; h.Title != want {
		t.Errorf("Title = %q, want %q", h.Title, want)
	}
}

func TestSnippetCutsAroundTheMatch(t *testing.T) {
	body := strings.Repeat("前文内容。", 60) + "此处提到法治政府建设。" + strings.Repeat("后文内容。", 60)
	got := snippet(body, parse(`"法治政府建设"`), 40)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "<mark>法治政府建设</mark>") {
		t.Errorf("snippet = %q, want a cut fragment with the phrase marked", got)
	}
	if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got))); n != 42 {
		t.Errorf("snippet has %d runes, want 40 and two ellipses", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []part
	}{
		{`法治 "政府 建设" 通知`, []part{{"法治", false}, {"政府 建设", true}, {"通知", false}}},
		{`“法治政府”建设`, []part{{"法治政府", true}, {"建设", false}}},
		{`"未闭合`, []part{{"未闭合", true}}},
		{`， 。 ""`, nil},
	}
	for _, tt := range tests {
		if got := parse(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSearchPagesByCursor(t *testing.T) {
	for _, text := range []string{"公开", `"信息公开"`} {
		t.Run(text, func(t *testing.T) { testPaging(t, text) })
	}
}

// testPaging pages through 23 matches of text, 5 at a time. Documents
// with an even id hold the phrase's pairs apart, not the phrase: a phrase
// search must skip them on every page.
func testPaging(t *testing.T, text string) {
	f := newFake()
	for i := uint64(1); i <= 23; i++ {
		f.put(archive.Doc{ID: i, Source: "s"}, extract.Document{Title: fmt.Sprintf("通知%d", i),
			Body: strings.Repeat("公开", int(i%5)+1) + "信息公开目录"})
	}
	for i := uint64(24); i <= 60; i += 2 {
		f.put(archive.Doc{ID: i, Source: "s"}, extract.Document{Title: "无关", Body: "信息，公开，息公"})
	}
	ix := openIndex(t, f)
	seen := map[uint64]int{}
	q := Query{Text: text, Limit: 5}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("cursor paging does not end")
		}
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids(res) {
			seen[id]++
		}
		if res.Next == "" {
			break
		}
		q.After = res.Next
	}
	want := 23
	if text == "公开" {
		want = 23 + 19 // the unrelated ones hold 公开 too
	}
	if len(seen) != want {
		t.Errorf("paging saw %d documents, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("doc %d seen %d times, want once", id, n)
		}
	}
	if _, err := ix.Search(context.Background(), Query{Text: text, After: "not-a-cursor"}); err == nil {
		t.Error("Search with a malformed cursor succeeded, want ErrBadQuery")
	}
}

// everything lists every document the index finds for a query, sorted.
func everything(t *testing.T, ix *Index, text string) []uint64 {
	t.Helper()
	res, err := ix.Search(context.Background(), Query{Text: text, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return sorted(ids(res))
}

func TestRebuildFindsWhatIncrementalFinds(t *testing.T) {
	ctx := context.Background()
	f := corpus()
	dir := t.TempDir()
	inc, err := Open(filepath.Join(dir, "inc"), f, Options{Batch: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer inc.Close()
	// Index as the crawl goes: catch up after every change, and change
	// documents already indexed.
	if _, err := inc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	f.put(archive.Doc{ID: 2, Source: "city"}, extract.Document{Title: "2024年政府工作报告（修订）", Published: "2025-01-15", Body: "修订后的报告提到数字政府。"})
	if _, err := inc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	f.put(archive.Doc{ID: 6, Source: "county"}, extract.Document{Title: "数字政府建设方案", Published: "2025-06-01", Body: "推进数字政府。"})
	f.put(archive.Doc{ID: 3, Source: "county", Status: archive.StatusWithdrawn}, f.recs[3])
	if _, err := inc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "full")
	var calls, last int
	err = Rebuild(ctx, path, f, Options{Batch: 4}, func(done, total int) { calls++; last = done })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != 6 {
		t.Errorf("Rebuild progress: %d calls, last %d, want calls ending at 6", calls, last)
	}
	full, err := Open(path, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	for _, q := range []string{`"数字政府"`, `"法治政府建设"`, `报告`, `政府`, `安全生产`, `"工作报告"`} {
		a, b := everything(t, inc, q), everything(t, full, q)
		if !slices.Equal(a, b) {
			t.Errorf("Search(%s): incremental %v, rebuilt %v", q, a, b)
		}
	}
	if got := everything(t, full, `"数字政府"`); !slices.Equal(got, []uint64{2, 6}) {
		t.Errorf("rebuilt Search(数字政府) = %v, want [2 6]", got)
	}
	// The rebuild merges its segments into one.
	if n, err := full.segments(); err != nil || n != 1 {
		t.Errorf("rebuilt index has %d segments, want 1", n)
	}
	// Releasing the mapped segments changes nothing a search sees.
	before := everything(t, full, `政府`)
	if err := full.ReleaseMapped(); err != nil {
		t.Fatalf("ReleaseMapped: %v", err)
	}
	if after := everything(t, full, `政府`); !slices.Equal(before, after) {
		t.Errorf("Search(政府) after ReleaseMapped = %v, before %v", after, before)
	}
	res, _ := full.Search(ctx, Query{Text: "安全生产", Status: archive.StatusWithdrawn})
	if got := ids(res); !slices.Equal(got, []uint64{3}) {
		t.Errorf("withdrawn document 3: Search(status=withdrawn) = %v, want [3]", got)
	}
	if full.Watermark() != inc.Watermark() || full.Watermark() != uint64(len(f.changes)) {
		t.Errorf("watermarks: rebuilt %d, incremental %d, want %d", full.Watermark(), inc.Watermark(), len(f.changes))
	}
}

func TestCatchUpAfterCrash(t *testing.T) {
	ctx := context.Background()
	f := corpus()
	path := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(path, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// The archive commits more changes, then the process dies before the
	// index applies them.
	f.put(archive.Doc{ID: 7, Source: "city"}, extract.Document{Title: "应急预案", Body: "防汛应急预案全文。"})
	f.put(archive.Doc{ID: 1, Source: "city"}, extract.Document{Title: "关于推进法治政府建设的实施意见（废止）", Body: "已废止。"})
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix, err = Open(path, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.Watermark(); got != 5 {
		t.Fatalf("watermark after reopening = %d, want 5 (what was applied before the crash)", got)
	}
	d, err := ix.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.OK() || d.Pending != 2 || d.Archived != 6 || d.Indexed != 5 {
		t.Errorf("Check before catch-up = %+v, want drift: 2 pending, 5 of 6 indexed", d)
	}
	if !strings.Contains(d.String(), "DRIFT") {
		t.Errorf("Drift.String() = %q, want it to say DRIFT", d.String())
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- ix.Run(runCtx) }()
	// Run catches up at start; wait for it through the watermark.
	for ix.Watermark() != 7 {
		ix.Notify()
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	if got := everything(t, ix, "应急预案"); !slices.Equal(got, []uint64{7}) {
		t.Errorf("after catch-up Search(应急预案) = %v, want [7]", got)
	}
	if got := everything(t, ix, `"实施意见"`); !slices.Equal(got, []uint64{1}) {
		t.Errorf("after catch-up Search(实施意见) = %v, want [1]", got)
	}
	if got := everything(t, ix, `"摆在全局"`); got != nil {
		t.Errorf("old body of doc 1 still found: %v", got)
	}
	if d, _ := ix.Check(ctx); !d.OK() {
		t.Errorf("Check after catch-up = %+v, want in step", d)
	}
}

func TestSearchNeedsText(t *testing.T) {
	ix := openIndex(t, corpus())
	for _, text := range []string{"", "  ", "，"} {
		if _, err := ix.Search(context.Background(), Query{Text: text}); err == nil {
			t.Errorf("Search(%q) succeeded, want ErrBadQuery", text)
		}
	}
}

func TestRunReportsLag(t *testing.T) {
	ctx := context.Background()
	f := corpus()
	var mu sync.Mutex
	var lags []uint64
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), f, Options{Lag: func(n uint64) {
		mu.Lock()
		lags = append(lags, n)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- ix.Run(runCtx) }()
	for ix.Watermark() != 5 {
		time.Sleep(time.Millisecond)
	}
	for {
		mu.Lock()
		n := len(lags)
		mu.Unlock()
		if n >= 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if lags[0] != 5 || lags[1] != 0 {
		t.Errorf("Lag reports = %v, want 5 pending before the catch-up, then 0", lags)
	}
}

func TestPhraseWithoutPositionsChecksTheHits(t *testing.T) {
	ix := openIndex(t, corpus())
	res, err := ix.Search(context.Background(), Query{Text: `"法治政府建设"`})
	if err != nil {
		t.Fatal(err)
	}
	// 5 holds every pair of the phrase but not the phrase: a candidate the
	// check drops, counted in the bound.
	if got := sorted(ids(res)); !slices.Equal(got, []uint64{1, 4}) || res.Total != 3 || !res.TotalIsBound {
		t.Errorf("Search(\"法治政府建设\") = %v, total %d (bound %v), want [1 4] of at most 3", got, res.Total, res.TotalIsBound)
	}
	res, err = ix.Search(context.Background(), Query{Text: `法治政府建设`})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalIsBound || res.Total != 3 {
		t.Errorf("term search: total %d (bound %v), want exactly 3", res.Total, res.TotalIsBound)
	}
}
