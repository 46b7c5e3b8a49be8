package archive_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

func docN(i int) (string, extract.Document) {
	return fmt.Sprintf("https://www.ninghai.gov.cn/art/%d.html", i), extract.Document{
		Title: fmt.Sprintf("第%d号通知", i), Published: fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28), Body: fmt.Sprintf("正文%d。", i)}
}

// A failure between the writes of one change rolls back the whole open
// batch: no document without its event, no event without its outbox entry,
// and nothing half-recorded that the next poll would not fetch again.
func TestGroupCommitIsAllOrNothing(t *testing.T) {
	for _, step := range []string{"version", "outbox"} {
		t.Run(step, func(t *testing.T) {
			s := archivetest.Open(t)
			run := archivetest.Run(t, s, archivetest.Page{})
			u1, d1 := docN(1)
			u2, d2 := docN(2)
			if _, err := run.Record(ctx, archive.Observation{URL: u1, Doc: d1, Capture: archivetest.Capture(archivetest.Page{URL: u1, Doc: d1})}); err != nil {
				t.Fatal(err)
			}
			archive.SetHook(s, func(at string) error {
				if at == step {
					return errors.New("disk full")
				}
				return nil
			})
			_, err := run.Record(ctx, archive.Observation{URL: u2, Doc: d2, Capture: archivetest.Capture(archivetest.Page{URL: u2, Doc: d2})})
			if err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("Record with a failing write: %v", err)
			}
			archive.SetHook(s, nil)
			if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
				t.Fatal(err)
			}
			if docs := archivetest.All(t, s); len(docs) != 0 {
				t.Errorf("%d documents after the batch was rolled back, want 0", len(docs))
			}
			evs, _ := s.Events(ctx, archive.EventQuery{IncludeBaseline: true})
			items, _ := s.Outbox(ctx, 0)
			if len(evs) != 0 || len(items) != 0 {
				t.Errorf("%d events, %d outbox items after the rollback, want none", len(evs), len(items))
			}
			// The next poll records both, once each.
			for _, p := range []archivetest.Page{{URL: u1, Doc: d1}, {URL: u2, Doc: d2}} {
				if out := archivetest.Record(t, s, p); out.Kind != archive.EventNew {
					t.Errorf("next poll of %s: %s, want new", p.URL, out.Kind)
				}
			}
			items, _ = s.Outbox(ctx, 0)
			if len(items) != 2 {
				t.Errorf("%d outbox items after the next poll, want 2", len(items))
			}
		})
	}
}

// Writes of a run become visible at Commit (or when the batch fills), with
// their events and outbox entries.
func TestRunCommitsInGroups(t *testing.T) {
	s := archivetest.Open(t)
	run, err := s.Begin(ctx, "test", archive.RunOptions{BatchDocs: 3, BatchWait: time.Hour, BatchIdle: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		u, d := docN(i)
		if _, err := run.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})}); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := s.List(ctx, archive.ListQuery{})
	items, _ := s.Outbox(ctx, 0)
	if len(p.Docs) != 3 || len(items) != 3 {
		t.Errorf("before Commit: %d docs, %d outbox items; want the full batch of 3", len(p.Docs), len(items))
	}
	if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
	p, _ = s.List(ctx, archive.ListQuery{})
	items, _ = s.Outbox(ctx, 0)
	if len(p.Docs) != 4 || len(items) != 4 || p.Total != 4 {
		t.Errorf("after End: %d docs (total %d), %d outbox items; want 4", len(p.Docs), p.Total, len(items))
	}
	if _, err := run.Record(ctx, archive.Observation{URL: "https://x.gov.cn/a", Doc: extract.Document{Title: "x"}}); !errors.Is(err, archive.ErrRunEnded) {
		t.Errorf("Record after End: %v, want ErrRunEnded", err)
	}
	st, _ := s.Source(ctx, "test")
	if !st.Baselined {
		t.Error("End did not record the run")
	}
}

func TestListQueries(t *testing.T) {
	s := archivetest.Open(t)
	d1 := report("推进法治政府建设。")
	d2 := report("加强反诈宣传。")
	d2.Title, d2.IndexNo, d2.Published = "慈溪市公安局2022年工作情况", "", "2023-03-01"
	d3 := report("无日期。")
	d3.Title, d3.IndexNo, d3.Published = "无日期的通知", "", ""
	archivetest.Record(t, s, archivetest.Page{Source: "a", URL: u1, Doc: d1})
	archivetest.Record(t, s, archivetest.Page{Source: "b", URL: u1 + "?b", Doc: d2})
	archivetest.Record(t, s, archivetest.Page{Source: "b", URL: u1 + "?c", Doc: d3})
	archivetest.Withdraw(t, s, archivetest.Page{Source: "b", URL: u1 + "?c"}, "HTTP 404")
	tests := []struct {
		name  string
		q     archive.ListQuery
		want  string // titles' first runes, in order
		total int
	}{
		{"all, newest first, undated last", archive.ListQuery{}, "宁慈无", 3},
		{"source", archive.ListQuery{Source: "a"}, "宁", 1},
		{"source and status", archive.ListQuery{Source: "b", Status: archive.StatusWithdrawn}, "无", 1},
		{"status", archive.ListQuery{Status: archive.StatusLive}, "宁慈", 2},
		{"date range", archive.ListQuery{From: "2025-01-01", To: "2025-12-31"}, "宁", -1},
		{"to only drops undated", archive.ListQuery{To: "2024-01-01"}, "慈", -1},
		{"from only", archive.ListQuery{From: "2023-03-01"}, "宁慈", -1},
		{"unknown source", archive.ListQuery{Source: "zz"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.List(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, d := range p.Docs {
				got += string([]rune(d.Title)[0])
			}
			if got != tt.want || p.Total != tt.total || p.Next != "" {
				t.Errorf("List(%+v) = %q total %d next %q, want %q total %d", tt.q, got, p.Total, p.Next, tt.want, tt.total)
			}
		})
	}
	if _, err := s.List(ctx, archive.ListQuery{After: "zz"}); !errors.Is(err, archive.ErrBadCursor) {
		t.Errorf("List with a bad cursor: %v", err)
	}
	srcs, _ := s.Sources(ctx)
	if len(srcs) != 2 || srcs[1].Name != "b" || srcs[1].Docs != 2 || srcs[1].Withdrawn != 1 {
		t.Errorf("Sources = %+v", srcs)
	}
}

// Paging by cursor while a crawl adds documents returns every document that
// existed when paging began exactly once, and never one twice.
func TestListPagingUnderConcurrentInserts(t *testing.T) {
	s := archivetest.Open(t)
	run := archivetest.Run(t, s, archivetest.Page{})
	const n = 300
	for i := range n {
		u, d := docN(i)
		if _, err := run.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})}); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := n; i < 2*n; i++ {
			u, d := docN(i)
			if _, err := run.Record(context.Background(), archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})}); err != nil {
				t.Error(err)
				return
			}
			if i%7 == 0 {
				run.Commit(context.Background())
			}
		}
		run.Commit(context.Background())
	}()
	seen := map[uint64]int{}
	q := archive.ListQuery{Limit: 17}
	for {
		p, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Docs {
			seen[d.ID]++
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	wg.Wait()
	for id := uint64(1); id <= n; id++ {
		if seen[id] != 1 {
			t.Errorf("doc %d listed %d times, want once", id, seen[id])
		}
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("doc %d listed %d times", id, c)
		}
	}
	p, _ := s.List(ctx, archive.ListQuery{})
	if p.Total != 2*n {
		t.Errorf("total %d, want %d", p.Total, 2*n)
	}
}

// Verify reports counters and index entries that drifted from the documents.
func TestVerifyReportsIndexDrift(t *testing.T) {
	s := archivetest.Open(t)
	u, d := docN(1)
	archivetest.Record(t, s, archivetest.Page{URL: u, Doc: d})
	archive.Corrupt(t, s, "counts", "\x00*", 7)
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "counter") {
		t.Errorf("verify of a drifted counter: %v", r.Problems)
	}
	archive.Corrupt(t, s, "counts", "\x00*", 1) // repair for archivetest's check
}

// The change log has one entry per document, its latest change.
func TestChangesFollowCurrentRecords(t *testing.T) {
	s := archivetest.Open(t)
	u, d := docN(1)
	u2, d2 := docN(2)
	archivetest.Record(t, s, archivetest.Page{URL: u, Doc: d})
	archivetest.Record(t, s, archivetest.Page{URL: u2, Doc: d2})
	ch, _ := s.Changes(ctx, 0, 0)
	if len(ch) != 2 {
		t.Fatalf("changes %+v, want 2", ch)
	}
	mark := ch[1].Seq
	archivetest.Record(t, s, archivetest.Page{URL: u2, Doc: d2}) // unchanged: no change
	d.Body += "补充。"
	archivetest.Record(t, s, archivetest.Page{URL: u, Doc: d})
	ch, _ = s.Changes(ctx, mark, 0)
	if len(ch) != 1 || ch[0].Doc != 1 {
		t.Fatalf("changes after %d: %+v, want doc 1 once", mark, ch)
	}
	_, rec, err := s.Current(ctx, 1)
	if err != nil || rec.Body != d.Body {
		t.Errorf("Current(1) = %q, %v", rec.Body, err)
	}
	all, _ := s.Changes(ctx, 0, 0)
	if len(all) != 2 {
		t.Errorf("full change log %+v, want one entry per document", all)
	}
}

// The summary of an edit is computed outside any write transaction, on a
// capped window of the bodies: a crafted pair of huge bodies does not hold
// other writers up (issue: 1.7 MB bodies made an unrelated write wait 10 s).
func TestSummaryOutsideTheWriteTransaction(t *testing.T) {
	s := archivetest.Open(t)
	var b strings.Builder
	for i := 0; b.Len() < 1700<<10; i++ {
		fmt.Fprintf(&b, "第%d句各不相同的内容%d。", i, i*7919%104729)
	}
	big := report(b.String())
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: big})
	edited := big
	edited.Body = strings.Replace(big.Body, "第500句", "第五百句", 1)
	other := make(chan archive.Outcome, 1)
	archive.SetHook(s, func(step string) error {
		if step == "summary" {
			archive.SetHook(s, nil)
			go func() {
				u, d := docN(9)
				other <- archivetest.Record(t, s, archivetest.Page{Source: "other", URL: u, Doc: d})
			}()
			select {
			case <-other:
			case <-time.After(30 * time.Second):
				t.Error("another source's write waited for the summary")
			}
		}
		return nil
	})
	out := archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: edited})
	if out.Kind != archive.EventChanged {
		t.Fatalf("edit: %+v", out)
	}
	evs, _ := s.Events(ctx, archive.EventQuery{Doc: out.Doc, Limit: 1})
	if len(evs) != 1 || !strings.Contains(evs[0].Summary, "五百") {
		t.Errorf("summary of the edit in a 1.7 MB body: %+v", evs)
	}
	if v, _ := s.Version(ctx, out.Doc, 2); v.Record.Body != edited.Body {
		t.Error("the stored version is not the whole edited body")
	}
}

// Verify finds a missing list index entry.
func TestVerifyReportsMissingListEntry(t *testing.T) {
	s := archivetest.Open(t)
	u, d := docN(1)
	archivetest.Record(t, s, archivetest.Page{URL: u, Doc: d})
	key := "\x00*\x00" + d.Published + "\x00\x00\x00\x00\x00\x00\x00\x01"
	archive.DeleteKey(t, s, "list", key)
	r, _ := s.Verify(ctx)
	if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "list index drift") {
		t.Errorf("verify with a list entry deleted: %v", r.Problems)
	}
	archive.PutKey(t, s, "list", key)
}

// A run clears its backfill frontier in its open batch, with the documents
// before it: it does not wait for the batch's timer (here an hour), as a
// write of its own would, and a frontier is gone only once they are durable.
func TestRunClearsFrontierInItsBatch(t *testing.T) {
	s := archivetest.Open(t)
	if err := s.SaveFrontier(ctx, "test", archive.Frontier{Pages: 3}); err != nil {
		t.Fatal(err)
	}
	run, err := s.Begin(ctx, "test", archive.RunOptions{BatchDocs: 100, BatchWait: time.Hour, BatchIdle: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	u, d := docN(1)
	if _, err := run.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.ClearFrontier(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ClearFrontier waited for the run's open batch")
	}
	if _, ok, _ := s.Frontier(ctx, "test"); !ok {
		t.Error("the frontier is gone before the batch holding the documents before it is committed")
	}
	if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Frontier(ctx, "test"); ok {
		t.Error("the frontier is still there after End")
	}
}

// A run waiting for its next document does not keep the archive's write
// lock: its open batch is committed BatchIdle after its last write, so
// another source's run (and any other writer) goes on long before the
// batch's BatchWait (here an hour).
func TestIdleBatchLetsOtherRunsWrite(t *testing.T) {
	s := archivetest.Open(t)
	slow, err := s.Begin(ctx, "slow", archive.RunOptions{BatchWait: time.Hour, BatchIdle: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	u, d := docN(1)
	if _, err := slow.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})}); err != nil {
		t.Fatal(err)
	}
	other, err := s.Begin(ctx, "other", archive.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		u, d := docN(2)
		u = strings.Replace(u, "ninghai", "xiangshan", 1)
		_, err := other.Record(ctx, archive.Observation{URL: u, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u, Doc: d})})
		if err == nil {
			err = other.End(ctx, archive.RunStats{}, nil)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		slow.End(ctx, archive.RunStats{}, nil) // lets the other run, and Close, go on
		<-done
		t.Fatal("another run's write waited for the idle run's open batch")
	}
	if p, _ := s.List(ctx, archive.ListQuery{}); p.Total != 2 {
		t.Errorf("%d documents, want both runs' documents", p.Total)
	}
	if err := slow.End(ctx, archive.RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
}
