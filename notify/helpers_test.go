package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// fakeOutbox is an in-memory Outbox that records marks and acks.
type fakeOutbox struct {
	mu    sync.Mutex
	items []archive.OutboxItem
	acked []uint64
	marks map[uint64][]string // seq → target keys, in marking order
}

func newOutbox(events ...archive.Event) *fakeOutbox {
	b := &fakeOutbox{marks: map[uint64][]string{}}
	for _, e := range events {
		b.items = append(b.items, archive.OutboxItem{Event: e, Delivered: map[string]time.Time{}})
	}
	return b
}

func (b *fakeOutbox) Outbox(ctx context.Context, limit int) ([]archive.OutboxItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []archive.OutboxItem
	for _, it := range b.items {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, archive.OutboxItem{Event: it.Event, Delivered: maps.Clone(it.Delivered)})
	}
	return out, nil
}

func (b *fakeOutbox) MarkDelivered(ctx context.Context, seq uint64, target string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.items {
		if b.items[i].Event.Seq == seq {
			b.items[i].Delivered[target] = time.Now()
			b.marks[seq] = append(b.marks[seq], target)
			return nil
		}
	}
	return fmt.Errorf("outbox item %d not found", seq)
}

func (b *fakeOutbox) Ack(ctx context.Context, seq uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items = slices.DeleteFunc(b.items, func(it archive.OutboxItem) bool { return it.Event.Seq == seq })
	b.acked = append(b.acked, seq)
	return nil
}

func (b *fakeOutbox) pending() []uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var seqs []uint64
	for _, it := range b.items {
		seqs = append(seqs, it.Event.Seq)
	}
	return seqs
}

// request is what a receiver saw.
type request struct {
	Header http.Header
	Body   []byte
}

// receiver is an httptest server answering with the scripted statuses in
// turn (then 200) and recording every request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []request
	script   []int
	header   http.Header // added to scripted error answers
	fallback int         // status after the script; 0 = 200
}

func newReceiver(t *testing.T, script ...int) *receiver {
	t.Helper()
	r := &receiver{script: script, header: http.Header{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, request{Header: req.Header.Clone(), Body: body})
		status := http.StatusOK
		if r.fallback != 0 {
			status = r.fallback
		}
		if len(r.script) > 0 {
			status, r.script = r.script[0], r.script[1:]
		}
		r.mu.Unlock()
		if status >= 300 {
			maps.Copy(w.Header(), r.header)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// ids decodes every request as a Payload and returns the event ids.
func (r *receiver) ids(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, req := range r.requests() {
		var p Payload
		if err := json.Unmarshal(req.Body, &p); err != nil {
			t.Fatalf("receiver got a body that is not a Payload: %v\n%s", err, req.Body)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// sleeps records the retry waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

// syncBuffer is a log sink safe to read while handlers write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logRecords decodes the JSON log lines.
func (s *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s.String())))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("decode log: %v", err)
		}
		out = append(out, m)
	}
	return out
}

var testNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// harness builds a Notifier with recorded sleeps and a JSON log.
type harness struct {
	n      *Notifier
	sleeps *sleeps
	log    *syncBuffer
}

func newHarness(t *testing.T, box Outbox, opts Options) harness {
	t.Helper()
	h := harness{sleeps: &sleeps{}, log: &syncBuffer{}}
	opts.sleep = h.sleeps.sleep
	opts.Logger = slog.New(slog.NewJSONHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	n, err := New(box, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.n = n
	return h
}

func event(seq uint64, kind, source, title string) archive.Event {
	return archive.Event{
		Seq:       seq,
		ID:        "ev-" + string(rune('a'+seq-1)),
		Kind:      kind,
		Source:    source,
		Doc:       seq + 40,
		URL:       "https://www.ninghai.gov.cn/art/2024/" + string(rune('a'+seq-1)) + ".html",
		Title:     title,
		IndexNo:   "001008003/2024-0" + string(rune('0'+seq)),
		Published: "2024-12-3" + string(rune('0'+seq%2)),
		Version:   int(seq%3) + 1,
		FetchedAt: testNow.Add(-time.Hour),
	}
}
