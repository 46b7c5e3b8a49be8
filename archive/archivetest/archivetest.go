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
	Source string
	URL    string
	Doc    extract.Document
	At     time.Time // zero = now
	Quiet  bool      // baseline: no outbox entry
}

// Record stores p as if the crawler had fetched it, with a small HTML capture.
func Record(t testing.TB, s *archive.Store, p Page) archive.Outcome {
	t.Helper()
	if p.Source == "" {
		p.Source = "test"
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	body := []byte("<html><head><title>" + p.Doc.Title + "</title></head><body><h1>" + p.Doc.Title +
		"</h1><div id=\"zoom\">" + p.Doc.Body + "</div></body></html>")
	out, err := s.Record(context.Background(), archive.Observation{
		Source: p.Source, URL: p.URL, Doc: p.Doc, Quiet: p.Quiet,
		Capture: archive.Capture{URL: p.URL, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body, FetchedAt: p.At},
	})
	if err != nil {
		t.Fatalf("archivetest: record %s: %v", p.URL, err)
	}
	return out
}
