// Package archivetest opens throwaway archives for tests of the packages that
// read or write one.
package archivetest

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Open opens a new archive in t.TempDir() and, on cleanup, verifies it and
// fails the test if anything is inconsistent.
func Open(t testing.TB) *archive.Store {
	t.Helper()
	s, err := archive.Open(filepath.Join(t.TempDir(), "gongkai.db"), archive.Options{})
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	t.Cleanup(func() {
		r, err := s.Verify(context.Background())
		if err != nil {
			t.Errorf("archivetest: verify: %v", err)
		} else if !r.OK() {
			t.Errorf("archivetest: archive damaged: %v", r.Problems)
		}
		if err := s.Close(); err != nil {
			t.Errorf("archivetest: close: %v", err)
		}
	})
	return s
}

// Page is a fetched document for Record.
type Page struct {
	Source string // default "test"
	URL    string
	Doc    extract.Document
	At     time.Time // zero = now
	Quiet  bool      // baseline: no outbox entry
	Rules  string    // the run's extraction id
}

// Run begins a run of p's source with p's options; the test must End or
// Commit it.
func Run(t testing.TB, s *archive.Store, p Page) *archive.Run {
	t.Helper()
	if p.Source == "" {
		p.Source = "test"
	}
	r, err := s.Begin(context.Background(), p.Source, archive.RunOptions{Quiet: p.Quiet, Rules: p.Rules})
	if err != nil {
		t.Fatalf("archivetest: begin: %v", err)
	}
	return r
}

// Capture is the small HTML capture Record stores for a page.
func Capture(p Page) archive.Capture {
	if p.At.IsZero() {
		p.At = time.Now()
	}
	body := []byte("<html><head><title>" + p.Doc.Title + "</title></head><body><h1>" + p.Doc.Title +
		"</h1><div id=\"zoom\">" + p.Doc.Body + "</div></body></html>")
	return archive.Capture{URL: p.URL, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body, FetchedAt: p.At}
}

// Record stores p as if the crawler had fetched it, with a small HTML
// capture, in a run of its own that is committed before it returns.
func Record(t testing.TB, s *archive.Store, p Page) archive.Outcome {
	t.Helper()
	ctx := context.Background()
	r := Run(t, s, p)
	out, err := r.Record(ctx, archive.Observation{URL: p.URL, Doc: p.Doc, Capture: Capture(p)})
	if err != nil {
		t.Fatalf("archivetest: record %s: %v", p.URL, err)
	}
	if err := r.Commit(ctx); err != nil {
		t.Fatalf("archivetest: commit: %v", err)
	}
	return out
}

// Withdraw marks p.URL withdrawn in a run of its own and reports whether
// its status changed.
func Withdraw(t testing.TB, s *archive.Store, p Page, reason string) bool {
	t.Helper()
	if p.At.IsZero() {
		p.At = time.Now()
	}
	ctx := context.Background()
	r := Run(t, s, p)
	changed, err := r.Withdraw(ctx, p.URL, reason, p.At)
	if err != nil {
		t.Fatalf("archivetest: withdraw %s: %v", p.URL, err)
	}
	if err := r.Commit(ctx); err != nil {
		t.Fatalf("archivetest: commit: %v", err)
	}
	return changed
}

// EndRun records a run of source that did nothing but end with stats and
// runErr.
func EndRun(t testing.TB, s *archive.Store, source string, stats archive.RunStats, runErr error) {
	t.Helper()
	r := Run(t, s, Page{Source: source})
	if err := r.End(context.Background(), stats, runErr); err != nil {
		t.Fatalf("archivetest: end run: %v", err)
	}
}

// All lists every document, newest published first, page by page.
func All(t testing.TB, s *archive.Store) []archive.Doc {
	t.Helper()
	var out []archive.Doc
	q := archive.ListQuery{Limit: 1000}
	for {
		p, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatalf("archivetest: list: %v", err)
		}
		out = append(out, p.Docs...)
		if p.Next == "" {
			return out
		}
		q.After = p.Next
	}
}
