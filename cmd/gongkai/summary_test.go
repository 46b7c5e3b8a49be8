package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// The summary line of `gongkai crawl` says when a walk stopped short of
// the column's end, why, what is left and what happens next.
func TestSummaryTellsHowTheWalkEnded(t *testing.T) {
	base := archive.RunStats{ListPages: 50, Fetched: 1000, New: 1000, Duration: time.Minute}
	with := func(fn func(*archive.RunStats)) archive.RunStats { s := base; fn(&s); return s }
	for _, tc := range []struct {
		name  string
		stats archive.RunStats
		err   error
		want  []string
		not   []string
	}{
		{"poll", base, nil, nil, []string{"stopped", "continues", "walked to its end"}},
		{"backfill complete", with(func(s *archive.RunStats) { s.Backfill = true }), nil, []string{"the column was walked to its end"}, []string{"stopped"}},
		{"max_pages, size declared", with(func(s *archive.RunStats) {
			s.Backfill, s.Stopped, s.LeftPages, s.LeftDocs, s.Continues = true, "max_pages", 100, 2000, true
		}), nil, []string{"stopped early at max_pages; 100 list pages (about 2000 documents) left; continues at the next poll"}, []string{"walked to its end"}},
		{"run_budget, size unknown", with(func(s *archive.RunStats) {
			s.Backfill, s.Stopped, s.LeftPages, s.Continues = true, "run_budget", 1, true
		}), nil, []string{"stopped early at run_budget; 1 list pages known to be left; continues at the next poll"}, nil},
		{"max_docs on a poll", with(func(s *archive.RunStats) { s.Stopped, s.Capped = "max_docs", 1500 }), nil,
			[]string{"stopped early at max_docs, 1500 links not fetched (max_docs/max_page_docs)"}, nil},
		{"list page errors", with(func(s *archive.RunStats) {
			s.Backfill, s.Stopped, s.LeftPages, s.Continues = true, "list page errors", 2, true
		}), nil, []string{"some list pages could not be read; 2 list pages known to be left; continues at the next poll"}, nil},
		{"interrupted", with(func(s *archive.RunStats) { s.Backfill, s.Stopped, s.Continues = true, "interrupted", true }),
			context.Canceled, []string{"interrupted; continues at the next poll"}, []string{"FAILED"}},
		{"failed", base, errors.New("no list page could be fetched"), []string{"FAILED: no list page"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := summary("src", tc.stats, tc.err)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("summary = %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("summary = %q, want no %q", got, w)
				}
			}
		})
	}
}
