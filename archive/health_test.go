package archive_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
)

// poll is one finished run as the crawler reports it to EndRun.
type poll struct {
	entries    int            // list entries found (list pages read: 1)
	newDocs    int            // new documents whose fields were counted
	fields     map[string]int // field key → new documents that had it
	err        error
	alertAfter int
}

func (p poll) stats(at time.Time) archive.RunStats {
	return archive.RunStats{Started: at, Duration: time.Second, ListPages: 1, ListEntries: p.entries,
		NewFields: p.newDocs, Fields: p.fields, AlertAfter: p.alertAfter}
}

func withIndexNo(n int) poll {
	return poll{entries: 20, newDocs: n, fields: map[string]int{"title": n, "index_no": n, "body": n}}
}

func withoutIndexNo(n int) poll {
	return poll{entries: 20, newDocs: n, fields: map[string]int{"title": n, "body": n}}
}

// Which sequences of polls make a source fail and recover, and how often.
func TestHealthEvents(t *testing.T) {
	down := poll{err: errors.New("crawl x: no list page could be fetched: HTTP 500")}
	empty := poll{entries: 0}
	ok := poll{entries: 20}
	mixed := poll{entries: 20, newDocs: 2, fields: map[string]int{"title": 2, "index_no": 1, "body": 2}}
	for _, tc := range []struct {
		name              string
		polls             []poll
		failed, recovered int
		reason            string // in source_failed's reason
		failing           bool   // at the end
	}{
		{"one failure is not an alert", []poll{ok, down, ok}, 0, 0, "", false},
		{"two failures alert once", []poll{ok, down, down, down}, 1, 0, "HTTP 500", true},
		{"recovery after an alert", []poll{ok, down, down, down, ok, ok}, 1, 1, "HTTP 500", false},
		{"alert_after_failures 3", []poll{ok, withAfter(down, 3), withAfter(down, 3), withAfter(ok, 3), withAfter(down, 3), withAfter(down, 3), withAfter(down, 3)}, 1, 0, "HTTP 500", true},
		{"empty list after a listing one", []poll{ok, empty, empty, ok}, 1, 1, "listed no documents (the last good poll listed 20)", false},
		{"a source that never listed anything is not failing", []poll{empty, empty, empty}, 0, 0, "", false},
		{"cancelled runs say nothing", []poll{ok, down, {err: context.Canceled}, ok}, 0, 0, "", false},
		{"a field every document had is gone", []poll{withIndexNo(3), withIndexNo(3), withoutIndexNo(2), withoutIndexNo(1)}, 1, 0,
			"index_no missing on all 1 new documents (all 6 earlier documents had it)", true},
		{"the field comes back", []poll{withIndexNo(6), withoutIndexNo(2), withoutIndexNo(1), withIndexNo(1)}, 1, 1, "index_no", false},
		{"too few earlier documents prove nothing", []poll{withIndexNo(2), withoutIndexNo(2), withoutIndexNo(2)}, 0, 0, "", false},
		{"a field some documents lacked is no loss", []poll{withIndexNo(6), mixed, withoutIndexNo(2), withoutIndexNo(2)}, 0, 0, "", false},
		{"polls without new documents keep the field history", []poll{withIndexNo(6), ok, ok, withoutIndexNo(1), withoutIndexNo(1)}, 1, 0, "index_no", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := archivetest.Open(t)
			at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
			for i, p := range tc.polls {
				archivetest.EndRun(t, st, "src", p.stats(at.Add(time.Duration(i)*time.Hour)), p.err)
			}
			events, err := st.Events(context.Background(), archive.EventQuery{Source: "src"})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, e := range events {
				count[e.Kind]++
				if e.Kind == archive.EventSourceFailed && !strings.Contains(e.Reason, tc.reason) {
					t.Errorf("source_failed reason = %q, want it to contain %q", e.Reason, tc.reason)
				}
				if e.Doc != 0 || e.Since.IsZero() || e.Polls == 0 || e.Baseline {
					t.Errorf("%s event = doc %d, since %v, polls %d, baseline %v; want doc 0, a since, polls, delivered",
						e.Kind, e.Doc, e.Since, e.Polls, e.Baseline)
				}
			}
			if count[archive.EventSourceFailed] != tc.failed || count[archive.EventSourceRecovered] != tc.recovered {
				t.Errorf("events = %v, want %d source_failed and %d source_recovered", count, tc.failed, tc.recovered)
			}
			s, err := st.Source(context.Background(), "src")
			if err != nil {
				t.Fatal(err)
			}
			if s.Health.Failing() != tc.failing {
				t.Errorf("Health.Failing() = %v (%+v), want %v", s.Health.Failing(), s.Health, tc.failing)
			}
			if tc.failing && (s.LastError == "" || s.Health.Reason == "") {
				t.Errorf("failing source: last_error %q, reason %q; want both set", s.LastError, s.Health.Reason)
			}
		})
	}
}

func withAfter(p poll, n int) poll {
	p.alertAfter = n
	return p
}

// The failing poll's "since" is the start of the first failed poll of the
// streak, and source_recovered repeats it with the number of failed polls.
func TestHealthSince(t *testing.T) {
	st := archivetest.Open(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, p := range []poll{{entries: 3}, {err: fmt.Errorf("down")}, {err: fmt.Errorf("down")}, {err: fmt.Errorf("down")}, {entries: 3}} {
		archivetest.EndRun(t, st, "src", p.stats(at.Add(time.Duration(i)*time.Hour)), p.err)
	}
	events, err := st.Events(context.Background(), archive.EventQuery{Source: "src"})
	if err != nil || len(events) != 2 {
		t.Fatalf("events = %v, %v; want 2", events, err)
	}
	rec, failed := events[0], events[1] // newest first
	want := at.Add(time.Hour)
	if !failed.Since.Equal(want) || failed.Polls != 2 || !rec.Since.Equal(want) || rec.Polls != 3 {
		t.Errorf("failed since %v polls %d, recovered since %v polls %d; want since %v, polls 2 then 3",
			failed.Since, failed.Polls, rec.Since, rec.Polls, want)
	}
}
