// Package api holds the JSON API's response types and a client for it, so
// the server (package web) and the programs reading a running daemon (the
// CLI) share one declaration of each answer.
//
// Lists page by cursor: a response's "next" goes into the next request's
// after= parameter; no "next" means the last page.
package api

import (
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
)

// Health is GET /api/health.
type Health struct {
	Status  string `json:"status"` // "ok" or "error"
	Sources int    `json:"sources"`
	Error   string `json:"error,omitempty"`
	// PID is the daemon's process id (gongkai add signals it to reload).
	PID int `json:"pid,omitempty"`
}

// SourceRow is a source in GET /api/sources, with its next scheduled run.
type SourceRow struct {
	archive.SourceState
	NextRun time.Time `json:"next_run,omitzero"`
}

// Sources is GET /api/sources.
type Sources struct {
	Sources []SourceRow `json:"sources"`
}

// DocsPage is GET /api/docs: a page of documents, newest published first.
type DocsPage struct {
	Docs  []archive.Doc `json:"docs"`
	Next  string        `json:"next,omitempty"`
	Total int           `json:"total"` // matching documents, -1 when not known
}

// SearchPage is GET /api/search: a page of hits, best first, each with a
// snippet (HTML: escaped text, matches in <mark>).
type SearchPage struct {
	Hits  []search.Hit `json:"hits"`
	Total int          `json:"total"`
	// TotalIsBound says Total is an upper bound: the index checks a phrase
	// only on the hits it returns.
	TotalIsBound bool `json:"total_is_bound,omitempty"`
	// Span is set when the search matched so many documents that its hits
	// are ranked within spans of publication dates, newest first (?rank=all
	// ranks over the whole archive).
	Span *search.Span `json:"span,omitempty"`
	Next string       `json:"next,omitempty"`
}

// VersionInfo is a version in a document's version list: everything but
// the extracted record, which GET /api/docs/ID/versions/N returns.
type VersionInfo struct {
	N         int       `json:"version"`
	FetchedAt time.Time `json:"fetched_at"`
	SHA256    string    `json:"sha256"`
	RawSHA256 string    `json:"raw_sha256"`
	RawSize   int       `json:"raw_size"`
	Title     string    `json:"title"`
}

// Doc is GET /api/docs/ID and GET /api/lookup.
type Doc struct {
	Doc      archive.Doc   `json:"doc"`
	Versions []VersionInfo `json:"versions"`
}

// Events is GET /api/events: events newest first; Next is the before=
// cursor of the following page.
type Events struct {
	Events []archive.Event `json:"events"`
	Next   string          `json:"next,omitempty"`
}

// Error is the body of every error answer.
type Error struct {
	Error string `json:"error"`
}
