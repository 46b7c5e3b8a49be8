package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/archive"
)

func TestFlushFilters(t *testing.T) {
	events := []archive.Event{
		event(1, archive.EventNew, "ninghai-police", "宁海县公安局2024年法治政府建设年度报告"),
		event(2, archive.EventChanged, "ninghai-police", "关于调整交通管制措施的通告"),
		event(3, archive.EventWithdrawn, "xiangshan", "象山县2024年政府信息公开工作年度报告"),
		event(4, archive.EventRestored, "xiangshan", "象山县人民政府关于印发若干措施的通知"),
	}
	tests := []struct {
		name   string
		target Target
		want   []string
	}{
		{"all", Target{}, []string{"ev-a", "ev-b", "ev-c", "ev-d"}},
		{"sources", Target{Sources: []string{"xiangshan"}}, []string{"ev-c", "ev-d"}},
		{"events", Target{Events: []string{archive.EventChanged, archive.EventWithdrawn}}, []string{"ev-b", "ev-c"}},
		{"match", Target{Match: "年度报告"}, []string{"ev-a", "ev-c"}},
		{"exclude", Target{Exclude: "年度报告$"}, []string{"ev-b", "ev-d"}},
		{"combined", Target{Sources: []string{"ninghai-police"}, Events: []string{archive.EventNew}, Match: "法治"}, []string{"ev-a"}},
		{"nothing", Target{Sources: []string{"elsewhere"}}, nil},
	}
	box := newOutbox(events...)
	var targets []Target
	receivers := make([]*receiver, len(tests))
	for i, tc := range tests {
		receivers[i] = newReceiver(t)
		tg := tc.target
		tg.Name = tc.name
		tg.Webhook = receivers[i].URL + "/" + tc.name
		targets = append(targets, tg)
	}
	h := newHarness(t, box, Options{Targets: targets})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	// A second pass must send nothing more: everything was delivered.
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, receivers[i].ids(t)); diff != "" {
				t.Errorf("target %s received (-want +got):\n%s", tc.name, diff)
			}
		})
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v after every target got its events", got)
	}
	if got := box.marks[1]; len(got) != 3 { // all, match, combined
		t.Errorf("event 1 marked for %d targets (%v), want 3", len(got), got)
	}
}

func TestWebhookBody(t *testing.T) {
	r := newReceiver(t)
	e := event(1, archive.EventChanged, "ninghai-police", "宁海县公安局2024年法治政府建设年度报告")
	e.Summary = "正文: +12 −3 字"
	box := newOutbox(e)
	h := newHarness(t, box, Options{
		Targets: []Target{{Webhook: r.URL + "/hook", Secret: "s3cret"}},
		BaseURL: "https://archive.example.org/",
	})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	reqs := r.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	var got map[string]any
	if err := json.Unmarshal(reqs[0].Body, &got); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	want := map[string]any{
		"id":          "ev-a",
		"event":       "changed",
		"source":      "ninghai-police",
		"url":         "https://www.ninghai.gov.cn/art/2024/a.html",
		"title":       "宁海县公安局2024年法治政府建设年度报告",
		"index_no":    "001008003/2024-01",
		"published":   "2024-12-31",
		"version":     float64(2),
		"fetched_at":  "2025-03-14T08:30:00Z",
		"summary":     "正文: +12 −3 字",
		"archive_url": "https://archive.example.org/docs/41/v/2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("webhook body (-want +got):\n%s", diff)
	}
	hd := reqs[0].Header
	if got := hd.Get(HeaderEventID); got != "ev-a" {
		t.Errorf("%s = %q, want ev-a", HeaderEventID, got)
	}
	if got := hd.Get(HeaderEvent); got != "changed" {
		t.Errorf("%s = %q, want changed", HeaderEvent, got)
	}
	if !strings.HasPrefix(hd.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type = %q, want application/json", hd.Get("Content-Type"))
	}
	if !validSignature("s3cret", reqs[0]) {
		t.Errorf("%s = %q does not verify", HeaderSignature, hd.Get(HeaderSignature))
	}
	if validSignature("other", reqs[0]) {
		t.Errorf("signature verifies with the wrong secret")
	}
}

// validSignature checks a request the way a receiver would.
func validSignature(secret string, r request) bool {
	sig, ok := strings.CutPrefix(r.Header.Get(HeaderSignature), "sha256=")
	if !ok {
		return false
	}
	raw, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(r.Body)
	return hmac.Equal(raw, m.Sum(nil))
}

func TestRetryUntilDelivered(t *testing.T) {
	r := newReceiver(t, http.StatusInternalServerError, http.StatusBadGateway)
	box := newOutbox(event(1, archive.EventNew, "ninghai-police", "年度报告"))
	h := newHarness(t, box, Options{
		Targets: []Target{{Webhook: r.URL, Secret: "k"}},
		Backoff: Backoff{Min: 2 * time.Second, Max: time.Minute, Attempts: 5},
	})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	reqs := r.requests()
	if len(reqs) != 3 {
		t.Fatalf("receiver got %d requests, want 3 (two failures, one success)", len(reqs))
	}
	for i, req := range reqs {
		if got := req.Header.Get(HeaderEventID); got != "ev-a" {
			t.Errorf("attempt %d: %s = %q, want ev-a", i+1, HeaderEventID, got)
		}
		if string(req.Body) != string(reqs[0].Body) {
			t.Errorf("attempt %d body differs from the first:\n%s\n%s", i+1, req.Body, reqs[0].Body)
		}
		if !validSignature("k", req) {
			t.Errorf("attempt %d: signature does not verify", i+1)
		}
	}
	waits := h.sleeps.all()
	if len(waits) != 2 {
		t.Fatalf("slept %d times (%v), want 2", len(waits), waits)
	}
	// Jitter shortens each wait by up to half of 2 s, then 4 s.
	for i, bound := range []time.Duration{2 * time.Second, 4 * time.Second} {
		if waits[i] < bound/2 || waits[i] > bound {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, waits[i], bound/2, bound)
		}
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v after delivery", got)
	}
	if got := box.marks[1]; len(got) != 1 {
		t.Errorf("event marked %d times, want once", len(got))
	}
}

func TestRetryAfter(t *testing.T) {
	t.Run("short wait is honoured", func(t *testing.T) {
		r := newReceiver(t, http.StatusTooManyRequests)
		r.header.Set("Retry-After", "7")
		box := newOutbox(event(1, archive.EventNew, "s", "t"))
		h := newHarness(t, box, Options{Targets: []Target{{Webhook: r.URL}}})
		if err := h.n.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second}, h.sleeps.all()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
		if got := len(r.requests()); got != 2 {
			t.Errorf("receiver got %d requests, want 2", got)
		}
	})
	t.Run("long wait holds the target off", func(t *testing.T) {
		r := newReceiver(t, http.StatusServiceUnavailable)
		r.header.Set("Retry-After", testNow.Add(2*time.Hour).Format(http.TimeFormat))
		box := newOutbox(event(1, archive.EventNew, "s", "t"), event(2, archive.EventNew, "s", "u"))
		now := testNow
		h := newHarness(t, box, Options{Targets: []Target{{Webhook: r.URL}}, Now: func() time.Time { return now }})
		if err := h.n.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if got := len(r.requests()); got != 1 {
			t.Fatalf("first pass: receiver got %d requests, want 1 (no retry before Retry-After)", got)
		}
		now = testNow.Add(time.Hour)
		if err := h.n.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if got := len(r.requests()); got != 1 {
			t.Errorf("pass before Retry-After: receiver got %d requests, want still 1", got)
		}
		now = testNow.Add(2*time.Hour + time.Second)
		if err := h.n.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if diff := cmp.Diff([]string{"ev-a", "ev-a", "ev-b"}, r.ids(t)); diff != "" {
			t.Errorf("requests after Retry-After (-want +got):\n%s", diff)
		}
		if got := box.pending(); len(got) != 0 {
			t.Errorf("outbox still holds %v", got)
		}
		if len(h.sleeps.all()) != 0 {
			t.Errorf("slept %v within a pass, want no in-pass wait longer than Backoff.Max", h.sleeps.all())
		}
	})
}

func TestResumeAfterCrash(t *testing.T) {
	a, b := newReceiver(t), newReceiver(t)
	targets := []Target{{Name: "a", Webhook: a.URL}, {Name: "b", Webhook: b.URL}}
	box := newOutbox(event(1, archive.EventNew, "s", "年度报告"))
	// The previous process sent to a and marked it, then died before b.
	box.items[0].Delivered[targets[0].Key()] = testNow.Add(-time.Minute)

	h := newHarness(t, box, Options{Targets: targets})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if got := a.ids(t); len(got) != 0 {
		t.Errorf("a got %v again, want nothing (already delivered)", got)
	}
	if diff := cmp.Diff([]string{"ev-a"}, b.ids(t)); diff != "" {
		t.Errorf("b received (-want +got):\n%s", diff)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}
}

func TestFailingTargetDoesNotHoldOthers(t *testing.T) {
	down, up := newReceiver(t), newReceiver(t)
	down.fallback = http.StatusInternalServerError
	box := newOutbox(event(1, archive.EventNew, "s", "a"), event(2, archive.EventChanged, "s", "b"))
	h := newHarness(t, box, Options{
		Targets: []Target{{Name: "down", Webhook: down.URL}, {Name: "up", Webhook: up.URL}},
		Backoff: Backoff{Attempts: 2},
	})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if diff := cmp.Diff([]string{"ev-a", "ev-b"}, up.ids(t)); diff != "" {
		t.Errorf("up received (-want +got):\n%s", diff)
	}
	// The down target is tried on its first event only: two attempts, then
	// the rest waits for the next pass.
	if diff := cmp.Diff([]string{"ev-a", "ev-a"}, down.ids(t)); diff != "" {
		t.Errorf("down received (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint64{1, 2}, box.pending()); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
	// Next pass: down recovered; up must not get anything twice.
	down.mu.Lock()
	down.fallback = 0
	down.mu.Unlock()
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	if diff := cmp.Diff([]string{"ev-a", "ev-a", "ev-a", "ev-b"}, down.ids(t)); diff != "" {
		t.Errorf("down after recovery (-want +got):\n%s", diff)
	}
	if got := up.ids(t); len(got) != 2 {
		t.Errorf("up got %v, want its two events once each", got)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}
	if !strings.Contains(h.log.String(), `"msg":"notification delivery failed"`) {
		t.Errorf("delivery failure not logged:\n%s", h.log.String())
	}
}

func TestRefusedEventDoesNotBlockTarget(t *testing.T) {
	r := newReceiver(t, http.StatusBadRequest)
	box := newOutbox(event(1, archive.EventNew, "s", "a"), event(2, archive.EventNew, "s", "b"))
	h := newHarness(t, box, Options{Targets: []Target{{Webhook: r.URL}}})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if diff := cmp.Diff([]string{"ev-a", "ev-b"}, r.ids(t)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint64{1}, box.pending()); diff != "" {
		t.Errorf("pending (-want +got): a refused event stays, the next is delivered\n%s", diff)
	}
	if len(h.sleeps.all()) != 0 {
		t.Errorf("retried a 400 within the pass: waits %v", h.sleeps.all())
	}
}

func TestExpiry(t *testing.T) {
	r := newReceiver(t)
	r.fallback = http.StatusInternalServerError
	old := event(1, archive.EventNew, "s", "old")
	old.FetchedAt = testNow.Add(-8 * 24 * time.Hour)
	young := event(2, archive.EventNew, "s", "young")
	young.FetchedAt = testNow.Add(-6 * 24 * time.Hour)
	box := newOutbox(old, young)
	h := newHarness(t, box, Options{Targets: []Target{{Name: "hook", Webhook: r.URL}}, Backoff: Backoff{Attempts: 1}})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if diff := cmp.Diff([]uint64{1}, box.acked); diff != "" {
		t.Errorf("acked (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ev-b"}, r.ids(t)); diff != "" {
		t.Errorf("sent (-want +got): the expired event is not sent\n%s", diff)
	}
	var found bool
	for _, rec := range h.log.records(t) {
		if rec["msg"] == "notification expired undelivered" {
			found = true
			if rec["event_id"] != "ev-a" || rec["target"] != "hook" || rec["age"] != float64(8*24*time.Hour) {
				t.Errorf("expiry log = %v, want event_id ev-a, target hook, age 192h", rec)
			}
		}
	}
	if !found {
		t.Errorf("expiry not logged:\n%s", h.log.String())
	}
}

func TestUnmatchedAndBaselineAcked(t *testing.T) {
	r := newReceiver(t)
	base := event(2, archive.EventNew, "s", "first crawl")
	base.Baseline = true
	box := newOutbox(event(1, archive.EventNew, "other", "x"), base)
	h := newHarness(t, box, Options{Targets: []Target{{Webhook: r.URL, Sources: []string{"s"}}}})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if got := r.requests(); len(got) != 0 {
		t.Errorf("receiver got %d requests, want none", len(got))
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}

	// No targets at all: the zero Options drain the outbox too.
	box = newOutbox(event(1, archive.EventNew, "s", "x"))
	n, err := New(box, Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("with no targets the outbox still holds %v", got)
	}
}

func TestDigest(t *testing.T) {
	r := newReceiver(t)
	single := newReceiver(t)
	events := []archive.Event{
		event(1, archive.EventNew, "ninghai-police", "宁海县公安局2024年法治政府建设年度报告"),
		event(2, archive.EventChanged, "ninghai-police", "关于调整交通管制措施的通告"),
		event(3, archive.EventWithdrawn, "xiangshan", "象山县通知"),
	}
	box := newOutbox(events...)
	h := newHarness(t, box, Options{Targets: []Target{
		{Webhook: r.URL, Digest: true},
		{Webhook: single.URL},
	}})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	reqs := r.requests()
	if len(reqs) != 1 {
		t.Fatalf("digest target got %d requests, want 1", len(reqs))
	}
	var d Digest
	if err := json.Unmarshal(reqs[0].Body, &d); err != nil {
		t.Fatalf("digest body: %v", err)
	}
	var ids []string
	for _, p := range d.Events {
		ids = append(ids, p.ID)
	}
	if !d.Digest || d.Count != 3 || !slices.Equal(ids, []string{"ev-a", "ev-b", "ev-c"}) {
		t.Errorf("digest = {digest %v, count %d, ids %v}, want {true, 3, [ev-a ev-b ev-c]}", d.Digest, d.Count, ids)
	}
	if reqs[0].Header.Get(HeaderEventID) != d.ID || d.ID == "" {
		t.Errorf("%s = %q, want the digest id %q", HeaderEventID, reqs[0].Header.Get(HeaderEventID), d.ID)
	}
	if got := len(single.requests()); got != 3 {
		t.Errorf("per-event target got %d requests, want 3", got)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}
}

func TestShoutrrrGeneric(t *testing.T) {
	r := newReceiver(t)
	digest := newReceiver(t)
	e := event(1, archive.EventChanged, "ninghai-police", "宁海县公安局2024年法治政府建设年度报告")
	e.Summary = "正文: +12 −3 字"
	box := newOutbox(e, event(2, archive.EventWithdrawn, "xiangshan", "象山县通知"))
	h := newHarness(t, box, Options{
		Targets: []Target{
			{URL: "generic://" + strings.TrimPrefix(r.URL, "http://") + "/notify?disabletls=yes", Events: []string{archive.EventChanged}},
			{URL: "generic://" + strings.TrimPrefix(digest.URL, "http://") + "/digest?disabletls=yes", Digest: true},
		},
		BaseURL: "https://archive.example.org",
	})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	reqs := r.requests()
	if len(reqs) != 1 {
		t.Fatalf("generic receiver got %d requests, want 1\nlog:\n%s", len(reqs), h.log.String())
	}
	want := "【已更新】宁海县公安局2024年法治政府建设年度报告\n" +
		"来源: ninghai-police\n" +
		"索引号: 001008003/2024-01\n" +
		"发布日期: 2024-12-31\n" +
		"链接: https://www.ninghai.gov.cn/art/2024/a.html\n" +
		"存档: https://archive.example.org/docs/41/v/2\n" +
		"变化: 正文: +12 −3 字"
	if diff := cmp.Diff(want, string(reqs[0].Body)); diff != "" {
		t.Errorf("generic message (-want +got):\n%s", diff)
	}
	dreqs := digest.requests()
	if len(dreqs) != 1 {
		t.Fatalf("digest receiver got %d requests, want 1", len(dreqs))
	}
	wantDigest := "【政府信息公开】本次共 2 条变动\n" +
		"1. 【已更新】宁海县公安局2024年法治政府建设年度报告 (ninghai-police) 2024-12-31 https://www.ninghai.gov.cn/art/2024/a.html\n" +
		"2. 【已撤回】象山县通知 (xiangshan) 2024-12-30 https://archive.example.org/docs/42/v/3"
	if diff := cmp.Diff(wantDigest, string(dreqs[0].Body)); diff != "" {
		t.Errorf("digest message (-want +got):\n%s", diff)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}
}

func TestShoutrrrFailureRetried(t *testing.T) {
	r := newReceiver(t, http.StatusBadGateway)
	box := newOutbox(event(1, archive.EventNew, "s", "t"))
	h := newHarness(t, box, Options{Targets: []Target{
		{URL: "generic://" + strings.TrimPrefix(r.URL, "http://") + "/n?disabletls=yes"},
	}})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if got := len(r.requests()); got != 2 {
		t.Errorf("generic receiver got %d requests, want 2 (one failure, one retry)", got)
	}
	if got := box.pending(); len(got) != 0 {
		t.Errorf("outbox still holds %v", got)
	}
}

func TestLogsHideSecrets(t *testing.T) {
	dead := newReceiver(t)
	dead.Close() // connection refused
	box := newOutbox(event(1, archive.EventNew, "s", "t"))
	h := newHarness(t, box, Options{
		Targets: []Target{
			{Webhook: dead.URL + "/hook/TOPSECRET1?token=TOPSECRET2"},
			{URL: "generic://user:TOPSECRET3@" + strings.TrimPrefix(dead.URL, "http://") + "/TOPSECRET4?disabletls=yes"},
		},
		Backoff: Backoff{Attempts: 1},
	})
	if err := h.n.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	log := h.log.String()
	if !strings.Contains(log, "notification delivery failed") {
		t.Fatalf("failure not logged:\n%s", log)
	}
	if strings.Contains(log, "TOPSECRET") {
		t.Errorf("log leaks a secret:\n%s", log)
	}
	for _, res := range h.n.Test(t.Context()) {
		if res.Err == nil {
			t.Errorf("Test(%s) succeeded against a closed server", res.Target)
		} else if strings.Contains(res.Err.Error()+res.Target, "TOPSECRET") {
			t.Errorf("Test result leaks a secret: %s: %v", res.Target, res.Err)
		}
	}
}

func TestNotifyTest(t *testing.T) {
	ok, bad := newReceiver(t), newReceiver(t)
	bad.fallback = http.StatusForbidden
	box := newOutbox()
	h := newHarness(t, box, Options{Targets: []Target{
		{Name: "ok", Webhook: ok.URL},
		{Name: "bad", Webhook: bad.URL},
		{Name: "generic", URL: "generic+" + ok.URL + "/g"},
	}})
	res := h.n.Test(t.Context())
	if len(res) != 3 {
		t.Fatalf("Test returned %d results, want 3", len(res))
	}
	for _, want := range []struct {
		name string
		ok   bool
	}{{"ok", true}, {"bad", false}, {"generic", true}} {
		i := slices.IndexFunc(res, func(r TestResult) bool { return r.Target == want.name })
		if i < 0 {
			t.Errorf("no result for %s", want.name)
			continue
		}
		if (res[i].Err == nil) != want.ok {
			t.Errorf("Test(%s).Err = %v, want success %v", want.name, res[i].Err, want.ok)
		}
	}
	var se *StatusError
	if i := slices.IndexFunc(res, func(r TestResult) bool { return r.Target == "bad" }); !errors.As(res[i].Err, &se) || se.Code != http.StatusForbidden {
		t.Errorf("Test(bad).Err = %v, want a 403 StatusError", res[i].Err)
	}
	if got := len(ok.requests()); got != 2 {
		t.Errorf("ok receiver got %d requests, want 2 (webhook and generic)", got)
	}
	if got := len(bad.requests()); got != 1 {
		t.Errorf("bad receiver got %d requests, want 1 (no retries in a test send)", got)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name    string
		targets []Target
		want    string
	}{
		{"duplicate endpoint", []Target{{Webhook: "https://h.example/x"}, {Webhook: "https://h.example/x", Digest: true}}, "same endpoint"},
		{"bad target", []Target{{Webhook: "https://h.example/x", Match: "("}}, "match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(newOutbox(), Options{Targets: tc.targets})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%s) = %v, want an error mentioning %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Errorf("New(nil outbox) succeeded")
	}
}

// recordingSender is a sendFunc that fails while failing is set.
type recordingSender struct {
	mu      sync.Mutex
	sent    []string
	failing bool
}

func (s *recordingSender) send(ctx context.Context, t *target, events []archive.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, events[0].ID)
	if s.failing {
		return errors.New("receiver down")
	}
	return nil
}

func (s *recordingSender) get() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

func (s *recordingSender) setFailing(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = v
}

func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		box := newOutbox(event(1, archive.EventNew, "s", "left from before a crash"))
		snd := &recordingSender{}
		n, err := New(box, Options{
			Targets: []Target{{Webhook: "https://hook.example/x"}},
			Backoff: Backoff{Attempts: 1},
			Retry:   Backoff{Min: time.Minute, Max: 4 * time.Minute},
			send:    snd.send,
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		wake := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- n.Run(ctx, wake) }()

		synctest.Wait()
		if diff := cmp.Diff([]string{"ev-a"}, snd.get()); diff != "" {
			t.Fatalf("start-up pass sent (-want +got):\n%s", diff)
		}

		// A crawl finishes while the receiver is down.
		snd.setFailing(true)
		box.mu.Lock()
		box.items = append(box.items, archive.OutboxItem{Event: event(2, archive.EventChanged, "s", "x"), Delivered: map[string]time.Time{}})
		box.mu.Unlock()
		wake <- struct{}{}
		synctest.Wait()
		if got := len(snd.get()); got != 2 {
			t.Fatalf("after wake: %d sends, want 2", got)
		}

		// The retry timer (first delay in [30s, 1m]) brings another pass.
		snd.setFailing(false)
		time.Sleep(time.Minute)
		synctest.Wait()
		if diff := cmp.Diff([]string{"ev-a", "ev-b", "ev-b"}, snd.get()); diff != "" {
			t.Errorf("after retry timer (-want +got):\n%s", diff)
		}
		if got := box.pending(); len(got) != 0 {
			t.Errorf("outbox still holds %v", got)
		}

		// Nothing pending: no more passes without a wake.
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := len(snd.get()); got != 3 {
			t.Errorf("idle hour: %d sends, want still 3", got)
		}

		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v after cancel, want nil", err)
		}
	})
}

func TestDeliveryMarkedDuringShutdown(t *testing.T) {
	box := newOutbox(event(1, archive.EventNew, "s", "a"), event(2, archive.EventNew, "s", "b"))
	ctx, cancel := context.WithCancel(t.Context())
	var sent []string
	n, err := New(box, Options{
		Targets: []Target{{Webhook: "https://hook.example/x"}},
		Now:     func() time.Time { return testNow },
		send: func(_ context.Context, _ *target, events []archive.Event) error {
			sent = append(sent, events[0].ID)
			cancel() // shutdown arrives while the receiver is answering 200
			return nil
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := n.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff([]string{"ev-a"}, sent); diff != "" {
		t.Errorf("sent (-want +got): nothing after shutdown\n%s", diff)
	}
	// The delivered event is recorded and acked, so a restart will not
	// send it again; the other waits.
	if diff := cmp.Diff([]uint64{2}, box.pending()); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
}

// BenchmarkFlush measures a pass over 1000 events and three filtered
// targets, with sends stubbed out: the notifier's own overhead.
func BenchmarkFlush(b *testing.B) {
	var events []archive.Event
	for i := range uint64(1000) {
		e := event(i%20+1, Kinds()[i%4], []string{"ninghai-police", "xiangshan"}[i%2], "宁海县公安局2024年法治政府建设年度报告")
		e.Seq, e.ID = i+1, "ev-"+strings.Repeat("x", int(i%7))+string(rune('0'+i%10))
		events = append(events, e)
	}
	targets := []Target{
		{Webhook: "https://a.example/"},
		{Webhook: "https://b.example/", Sources: []string{"xiangshan"}, Match: "年度报告"},
		{URL: "generic://c.example/", Events: []string{archive.EventChanged}, Digest: true},
	}
	send := func(context.Context, *target, []archive.Event) error { return nil }
	for b.Loop() {
		b.StopTimer()
		box := newOutbox(events...)
		n, err := New(box, Options{Targets: targets, Now: func() time.Time { return testNow }, send: send})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := n.Flush(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
