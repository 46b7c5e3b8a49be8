package web

import (
	"context"
	"github.com/gongkai/gongkai/archive/archivetest"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// A source whose backfill is unfinished shows how far it got, on the
// sources page and in the API, and its last run says why it stopped and
// what happens next.
func TestSourcesShowBackfill(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fr := archive.Frontier{Queue: []archive.FrontierPage{{URL: "http://www.ninghai.gov.cn/col/col1/index_50.html"}},
		Pages: 50, Total: 150, Docs: 1000, Started: f.t1, Updated: f.t2}
	if err := f.store.SaveFrontier(ctx, "ninghai", fr); err != nil {
		t.Fatal(err)
	}
	stats := archive.RunStats{Started: f.t2.Add(time.Hour), ListPages: 50, Fetched: 1000, New: 1000, Backfill: true,
		Stopped: "max_pages", BackfillPages: 50, PagesTotal: 150, LeftPages: 100, LeftDocs: 2000, Continues: true}
	archivetest.EndRun(t, f.store, "ninghai", stats, nil)
	h := f.server(Options{})
	get(t, h, "/").mustContain(t, "sources page", "backfill 50/150 list pages",
		"stopped early at max_pages; 100 list pages (about 2000 documents) left; continues at the next poll")
	get(t, h, "/sources/ninghai").mustContain(t, "source page", "backfill 50/150 list pages",
		"continues at the next poll")
	var v struct {
		Sources []struct {
			Name     string
			Backfill *archive.Backfill
			Last     archive.RunStats `json:"last_stats"`
		}
	}
	getJSON(t, h, "/api/sources", &v)
	for _, s := range v.Sources {
		if s.Name != "ninghai" {
			continue
		}
		if b := s.Backfill; b == nil || b.Pages != 50 || b.Total != 150 || b.Queued != 1 || b.Docs != 1000 {
			t.Errorf("/api/sources backfill = %+v, want 50 of 150 pages, 1 queued, 1000 documents", b)
		}
		if l := s.Last; l.Stopped != "max_pages" || l.LeftDocs != 2000 || !l.Continues {
			t.Errorf("/api/sources last_stats = %+v, want stopped at max_pages, 2000 left, continuing", l)
		}
		return
	}
	t.Errorf("/api/sources lacks ninghai: %+v", v)
}
