package feed

import (
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// Feed readers learn of a blind watch too: the entry says which source,
// why, since when and for how many polls.
func TestAtomSourceHealth(t *testing.T) {
	since := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	got, err := Atom([]archive.Event{{ID: "a-7", Kind: archive.EventSourceFailed, Source: "ninghai",
		Title: "ninghai: failing — no list page could be fetched", Reason: "no list page could be fetched: HTTP 500",
		Since: since, Polls: 2, FetchedAt: since.Add(12 * time.Hour)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[source failing 监测失败] ninghai: failing", "原因 reason: no list page could be fetched: HTTP 500",
		"失败起始 failing since: 2026-03-01T08:00:00Z", "连续失败 failed polls: 2"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("Atom(source_failed) lacks %q:\n%s", want, got)
		}
	}
}
