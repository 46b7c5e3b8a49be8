package archive_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

var genV1 = flag.Bool("gen-v1", false, "write testdata/v1.db with this (schema 1) release")

// TestGenV1 writes the schema-1 fixture the migration test opens. It only
// runs with -gen-v1, and only meant anything on a schema-1 release.
func TestGenV1(t *testing.T) {
	if !*genV1 {
		t.Skip("run with -gen-v1")
	}
	path := filepath.Join("testdata", "v1.db")
	os.Remove(path)
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	page := func(d extract.Document) []byte {
		var b strings.Builder
		b.WriteString("<html><head><meta charset=utf-8><title>" + d.Title + "</title></head><body>")
		b.WriteString(strings.Repeat("<div class=nav><a href=/>首页</a><a href=/col>政务公开</a></div>", 20))
		b.WriteString("<h1>" + d.Title + "</h1><div id=zoom>" + d.Body + "</div></body></html>")
		return []byte(b.String())
	}
	rec := func(src, u string, d extract.Document, at time.Time, quiet bool) archive.Outcome {
		out, err := s.Record(ctx, archive.Observation{Source: src, URL: u, Doc: d, Quiet: quiet,
			Listing: archive.Listing{Title: d.Title, Date: d.Published},
			Capture: archive.Capture{URL: u, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
				Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": {fmt.Sprintf("%q", d.Title)}},
				Body:   page(d), FetchedAt: at}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	doc := func(i int, src, body string) extract.Document {
		return extract.Document{Title: fmt.Sprintf("%s关于第%d号事项的通知", src, i), IndexNo: fmt.Sprintf("00296612%d/2025-%05d", len(src), 100+i),
			Published: fmt.Sprintf("2025-0%d-%02d", 1+i%2, 1+i), Publisher: src + "人民政府办公室", DocNo: fmt.Sprintf("宁政办发〔2025〕%d号", i),
			Topic: "综合政务", Body: body}
	}
	// ninghai: baseline of 6 documents, then edits, a withdrawal, a move.
	for i := 1; i <= 6; i++ {
		rec("ninghai", fmt.Sprintf("https://www.ninghai.gov.cn/art/2025/%d.html", i), doc(i, "宁海", fmt.Sprintf("第%d号正文。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下。", i)), t0, true)
	}
	if err := s.EndRun(ctx, "ninghai", archive.RunStats{Started: t0, Duration: time.Minute, ListPages: 1, Fetched: 6, New: 6}, nil); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(24 * time.Hour)
	rec("ninghai", "https://www.ninghai.gov.cn/art/2025/1.html", doc(1, "宁海", "第1号正文（修订）。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下。"), t1, false)
	rec("ninghai", "https://www.ninghai.gov.cn/art/2025/1.html", doc(1, "宁海", "第1号正文（再次修订）。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下，请遵照执行。"), t1.Add(time.Hour), false)
	rec("ninghai", "https://www.ninghai.gov.cn/art/2025/2.html", doc(2, "宁海", "第2号正文，增加一句。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下。"), t1, false)
	rec("ninghai", "https://www.ninghai.gov.cn/art/2025/3.html", doc(3, "宁海", "第3号正文。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下。"), t1, false) // unchanged
	if err := s.NotModified(ctx, "ninghai", "https://www.ninghai.gov.cn/art/2025/4.html", archive.Listing{}, t1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Withdraw(ctx, "ninghai", "https://www.ninghai.gov.cn/art/2025/5.html", "HTTP 404", t1, false); err != nil {
		t.Fatal(err)
	}
	// A moved document: same index number and title under a new URL.
	if out := rec("ninghai", "https://www.ninghai.gov.cn/col/new/6.html", doc(6, "宁海", "第6号正文。\n各乡镇人民政府，县政府各部门：现将有关事项通知如下。"), t1, false); out.MovedFrom == "" {
		t.Fatal("move not recognised")
	}
	rec("ninghai", "https://www.ninghai.gov.cn/art/2025/7.html", doc(7, "宁海", "第7号正文。新发布。"), t1, false)
	if err := s.Failed(ctx, "https://www.ninghai.gov.cn/art/2025/7.html", t1.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordFile(ctx, "ninghai", 1, archive.Capture{URL: "https://www.ninghai.gov.cn/files/1.pdf", Method: http.MethodGet, Proto: "HTTP/1.1",
		Status: 200, Header: http.Header{"Content-Type": {"application/pdf"}}, Body: []byte("%PDF-1.4 fixture\n%%EOF\n"), FetchedAt: t1}); err != nil {
		t.Fatal(err)
	}
	if err := s.EndRun(ctx, "ninghai", archive.RunStats{Started: t1, Duration: time.Minute, ListPages: 1, Fetched: 8, New: 1, Changed: 3, Unchanged: 2, Withdrawn: 1, Files: 1}, nil); err != nil {
		t.Fatal(err)
	}
	// cixi: a quiet first crawl, one later new document, one failed run.
	for i := 1; i <= 3; i++ {
		rec("cixi", fmt.Sprintf("https://www.cixi.gov.cn/art/%d.html", i), doc(i, "慈溪", fmt.Sprintf("慈溪第%d号正文。", i)), t0, true)
	}
	if err := s.EndRun(ctx, "cixi", archive.RunStats{Started: t0, ListPages: 1, Fetched: 3, New: 3}, nil); err != nil {
		t.Fatal(err)
	}
	rec("cixi", "https://www.cixi.gov.cn/art/4.html", doc(4, "慈溪", "慈溪第4号正文。"), t1, false)
	if err := s.EndRun(ctx, "cixi", archive.RunStats{Started: t1, ListPages: 1, Errors: 1}, errors.New("list page: HTTP 412")); err != nil {
		t.Fatal(err)
	}
	// One delivered event leaves the outbox; one is half delivered.
	items, err := s.Outbox(ctx, 0)
	if err != nil || len(items) < 2 {
		t.Fatalf("outbox %d items, %v", len(items), err)
	}
	if err := s.Ack(ctx, items[0].Event.Seq); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDelivered(ctx, items[1].Event.Seq, "webhook:test"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("verify %+v %v", r, err)
	}
	t.Logf("fixture: %+v", r)
	// What the migration test must find again, written by this release.
	var want v1Want
	docs, _, err := s.Docs(ctx, archive.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		w := v1Doc{ID: d.ID, URL: d.URL, Source: d.Source, Status: d.Status, Title: d.Title, Published: d.Published, Versions: d.Versions, Aliases: d.Aliases}
		for n := 1; n <= d.Versions; n++ {
			v, err := s.Version(ctx, d.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			w.SHA256 = append(w.SHA256, v.SHA256)
			w.RawSHA256 = append(w.RawSHA256, v.RawSHA256)
		}
		want.Docs = append(want.Docs, w)
	}
	evs, err := s.Events(ctx, archive.EventQuery{IncludeBaseline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		want.Events = append(want.Events, v1Event{Seq: e.Seq, ID: e.ID, Kind: e.Kind, Doc: e.Doc, Version: e.Version, Baseline: e.Baseline})
	}
	items, _ = s.Outbox(ctx, 0)
	for _, it := range items {
		want.Outbox = append(want.Outbox, it.Event.Seq)
	}
	want.Sources, _ = s.Sources(ctx)
	b, _ := json.MarshalIndent(want, "", "  ")
	if err := os.WriteFile(filepath.Join("testdata", "v1.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// v1Want is what testdata/v1.json holds: the fixture archive as the
// release that wrote it saw it.
type v1Want struct {
	Docs    []v1Doc               `json:"docs"`
	Events  []v1Event             `json:"events"`
	Outbox  []uint64              `json:"outbox"`
	Sources []archive.SourceState `json:"sources"`
}

type v1Doc struct {
	ID        uint64   `json:"id"`
	URL       string   `json:"url"`
	Source    string   `json:"source"`
	Status    string   `json:"status"`
	Title     string   `json:"title"`
	Published string   `json:"published"`
	Versions  int      `json:"versions"`
	Aliases   []string `json:"aliases"`
	SHA256    []string `json:"sha256"`
	RawSHA256 []string `json:"raw_sha256"`
}

type v1Event struct {
	Seq      uint64 `json:"seq"`
	ID       string `json:"id"`
	Kind     string `json:"event"`
	Doc      uint64 `json:"doc"`
	Version  int    `json:"version"`
	Baseline bool   `json:"baseline"`
}
