package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// TestBenchCorrectness runs the benchmark's phases in-process on a small
// site and checks the figures that must hold exactly whatever the speed:
// every document archived, an unchanged poll with revisit 168h costs one
// list page and adds no version, and a full re-check finds exactly the 10
// new and 10 edited documents.
func TestBenchCorrectness(t *testing.T) {
	const docs = 120
	s := newSite(docs, 25)
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "gongkai.db")
	phase := func(revisit time.Duration) crawlResult {
		t.Helper()
		s.ResetCounters()
		res := runPhase(ctx, crawlArgs{Kind: "gongkai", DB: db, Start: srv.URL + listPath(0), Parallel: 2, Revisit: revisit, MaxPages: 20})
		if res.Err != "" {
			t.Fatalf("crawl: %s", res.Err)
		}
		return res
	}

	if r := phase(168 * time.Hour); r.Stats.New != docs || r.Stats.Errors != 0 || r.Stats.ListPages != s.Pages() {
		t.Fatalf("first crawl: %+v, want %d new from %d list pages", r.Stats, docs, s.Pages())
	}
	size := fileSize(db)
	r := phase(168 * time.Hour)
	if got := r.Stats.New + r.Stats.Changed; got != 0 || s.listReqs.Load() != 1 || s.docReqs.Load() != 0 {
		t.Errorf("unchanged poll, revisit 168h: %d versions, %d list + %d document requests; want 0, 1 + 0",
			got, s.listReqs.Load(), s.docReqs.Load())
	}
	r = phase(0)
	if got := r.Stats.New + r.Stats.Changed; got != 0 || r.Stats.Unchanged != docs || s.docReqs.Load() != docs {
		t.Errorf("unchanged poll, revisit 0s: %+v after %d document requests; want all %d unchanged, no version", r.Stats, s.docReqs.Load(), docs)
	}
	if grown := fileSize(db) - size; grown > 1<<20 {
		t.Errorf("unchanged polls grew the archive by %d bytes", grown)
	}

	if n := len(s.Edit(10)); n != 10 {
		t.Fatalf("edited %d documents", n)
	}
	s.Publish(10)
	r = phase(0)
	if r.Stats.New != 10 || r.Stats.Changed != 10 || r.Stats.Errors != 0 {
		t.Errorf("poll after 10 new and 10 edits: %+v, want exactly 10 new and 10 changed", r.Stats)
	}

	st, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.Verify(ctx)
	if err != nil || !v.OK() || v.Docs != docs+10 || v.Versions != docs+20 {
		t.Errorf("verify: %+v, %v; want %d documents, %d versions, no problems", v, err, docs+10, docs+20)
	}
}

// TestSitePages checks the generated site looks like the benchmark says:
// 20–60 KB document pages whose noise changes on every request.
func TestSitePages(t *testing.T) {
	s := newSite(200, 25)
	var total int
	for _, d := range s.docs {
		a, b := httptest.NewRecorder(), httptest.NewRecorder()
		s.ServeHTTP(a, httptest.NewRequest("GET", docPath(d), nil))
		s.ServeHTTP(b, httptest.NewRequest("GET", docPath(d), nil))
		n := a.Body.Len()
		if n < 20<<10 || n > 64<<10 {
			t.Errorf("%s is %d bytes, want 20–64 KB", docPath(d), n)
		}
		if a.Body.String() == b.Body.String() {
			t.Errorf("%s is byte-identical on two requests; the noise is missing", docPath(d))
		}
		total += n
	}
	if avg := total / len(s.docs); avg < 22<<10 || avg > 40<<10 {
		t.Errorf("average page %d bytes", avg)
	}
}

// TestPutSection: a rerun replaces its own section and keeps the rest of
// the results file (the hand-written reading, the other benchmark's
// sections).
func TestPutSection(t *testing.T) {
	const b, e = "<!-- x: begin -->", "<!-- x: end -->"
	for _, tc := range []struct {
		name, file string
		top        bool
		want       string
	}{
		{"replaced in place", "head\n" + b + "\nold\n" + e + "\ntail\n", false, "head\n" + b + "\nnew\n" + e + "\ntail\n"},
		{"new at the top", "notes\n", true, b + "\nnew\n" + e + "\n\nnotes\n"},
		{"new at the end", "notes\n", false, "notes\n\n" + b + "\nnew\n" + e + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "RESULTS.md")
			if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := putSection(path, b, e, b+"\nnew\n"+e+"\n", tc.top); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
