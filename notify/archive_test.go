package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/notify"
)

// hook is a webhook receiver that can be switched down (500) and records
// the payloads it accepted and the ids it was offered.
type hook struct {
	*httptest.Server
	mu      sync.Mutex
	down    bool
	offered []string
	got     []notify.Payload
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p notify.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook body is not a Payload: %v", err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.offered = append(h.offered, r.Header.Get(notify.HeaderEventID))
		if h.down {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		h.got = append(h.got, p)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) setDown(v bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = v
}

func (h *hook) payloads() []notify.Payload {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

func kinds(ps []notify.Payload) []string {
	var ks []string
	for _, p := range ps {
		ks = append(ks, p.Event+" "+p.Title)
	}
	return ks
}

// TestArchiveOutbox runs the notifier against a real archive: events
// written by Record and Withdraw are delivered, baseline events never are,
// and a target that was down when the process stopped gets its events from
// the next process while the other target gets nothing twice.
func TestArchiveOutbox(t *testing.T) {
	ctx := context.Background()
	store := archivetest.Open(t)
	const src = "ninghai-police"
	base := "https://www.ninghai.gov.cn/art/2024/"
	// The source's first crawl is a quiet baseline.
	archivetest.Record(t, store, archivetest.Page{Source: src, URL: base + "old.html", Quiet: true,
		Doc: extract.Document{Title: "宁海县公安局2023年法治政府建设年度报告", Published: "2024-01-20", Body: "二〇二三年，我局……"}})
	// Later crawls: a new report, then a change to it, then the old one withdrawn.
	report := extract.Document{Title: "宁海县公安局2024年法治政府建设年度报告", IndexNo: "001008003/2025-00012", Published: "2025-01-15", Body: "二〇二四年，我局坚持……"}
	archivetest.Record(t, store, archivetest.Page{Source: src, URL: base + "new.html", Doc: report})
	report.Body += "\n附件：工作台账。"
	archivetest.Record(t, store, archivetest.Page{Source: src, URL: base + "new.html", Doc: report})
	if !archivetest.Withdraw(t, store, archivetest.Page{Source: src, URL: base + "old.html"}, "404") {
		t.Fatal("Withdraw changed nothing")
	}

	all, changes := newHook(t), newHook(t)
	targets := []notify.Target{
		{Name: "all", Webhook: all.URL},
		{Name: "changes", Webhook: changes.URL, Events: []string{archive.EventChanged, archive.EventWithdrawn}},
	}
	opts := notify.Options{Targets: targets, BaseURL: "http://archive.local", Backoff: notify.Backoff{Min: time.Millisecond, Max: time.Millisecond, Attempts: 2}}

	// First process: the changes target is down.
	changes.setDown(true)
	first, err := notify.New(store, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := first.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	wantAll := []string{
		"new 宁海县公安局2024年法治政府建设年度报告",
		"changed 宁海县公安局2024年法治政府建设年度报告",
		"withdrawn 宁海县公安局2023年法治政府建设年度报告",
	}
	if got := kinds(all.payloads()); !slices.Equal(got, wantAll) {
		t.Fatalf("target all received %q, want %q", got, wantAll)
	}
	pending, err := store.Outbox(ctx, 0)
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	if len(pending) != 2 {
		t.Fatalf("outbox holds %d items after the down target failed, want 2 (changed, withdrawn)", len(pending))
	}

	changes.mu.Lock()
	refused := slices.Clone(changes.offered)
	changes.mu.Unlock()

	// Next process: the target is back.
	changes.setDown(false)
	second, err := notify.New(store, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := second.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if got := len(all.payloads()); got != 3 {
		t.Errorf("target all received %d payloads after restart, want still 3", got)
	}
	got := changes.payloads()
	if want := wantAll[1:]; !slices.Equal(kinds(got), want) {
		t.Fatalf("target changes received %q, want %q", kinds(got), want)
	}
	// Same ids as the first attempts, so a receiver can drop duplicates.
	gotIDs := []string{got[0].ID, got[1].ID}
	if len(refused) == 0 {
		t.Fatalf("the down target was offered nothing before the restart")
	}
	for _, id := range refused {
		if id == "" || !slices.Contains(gotIDs, id) {
			t.Errorf("id %q refused before the restart was not delivered after it (got %v)", id, gotIDs)
		}
	}
	if p := got[0]; p.Summary == "" || p.Version != 2 || p.ArchiveURL == "" {
		t.Errorf("changed payload = %+v, want a summary, version 2 and an archive_url", p)
	}
	ids := map[string]bool{}
	for _, p := range all.payloads() {
		if ids[p.ID] {
			t.Errorf("event id %q used twice", p.ID)
		}
		ids[p.ID] = true
	}
	if pending, err := store.Outbox(ctx, 0); err != nil || len(pending) != 0 {
		t.Errorf("outbox after delivery = %d items, %v; want empty", len(pending), err)
	}
	// Delivered events stay in the log.
	evs, err := store.Events(ctx, archive.EventQuery{Source: src})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(evs) != 3 {
		t.Errorf("event log holds %d non-baseline events, want 3", len(evs))
	}
}
