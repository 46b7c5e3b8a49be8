package archive

import (
	"net/http"
	"time"

	"github.com/gongkai/gongkai/extract"
)

// Document status values.
const (
	StatusLive      = "live"
	StatusWithdrawn = "withdrawn"
)

// Event kinds.
const (
	EventNew       = "new"
	EventChanged   = "changed"
	EventWithdrawn = "withdrawn"
	EventRestored  = "restored"
)

// Doc is one archived document: its identity (the canonical URL) and what
// the listings need. The full record lives in its Versions.
type Doc struct {
	ID        uint64 `json:"id"`
	URL       string `json:"url"`
	Source    string `json:"source"`
	Status    string `json:"status"`
	Title     string `json:"title"`
	IndexNo   string `json:"index_no,omitempty"`
	Published string `json:"published,omitempty"`
	Versions  int    `json:"versions"`
	// SHA256 is the latest version's fingerprint, so an unchanged fetch is
	// recognised from this record alone, without reading version pages.
	SHA256      string    `json:"sha256,omitempty"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`    // last successful fetch (200 or 304)
	LastChecked time.Time `json:"last_checked"` // last fetch attempt
	Checks      int       `json:"checks"`       // fetches that found the content unchanged or changed
	Aliases     []string  `json:"aliases,omitempty"`

	// What the list page last showed for it; a change triggers a re-fetch.
	ListTitle string `json:"list_title,omitempty"`
	ListDate  string `json:"list_date,omitempty"`

	// HTTP validators of the last capture, for conditional re-fetches.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`

	WithdrawnAt     time.Time `json:"withdrawn_at,omitzero"`
	WithdrawnReason string    `json:"withdrawn_reason,omitempty"`
}

// Version is one distinct content of a document. N counts from 1.
type Version struct {
	Doc       uint64           `json:"doc"`
	N         int              `json:"version"`
	FetchedAt time.Time        `json:"fetched_at"`
	SHA256    string           `json:"sha256"` // Fingerprint(Record)
	Record    extract.Document `json:"record"`
	RawSHA256 string           `json:"raw_sha256"` // digest of Capture.Body, for fixity checks
	RawSize   int              `json:"raw_size"`
}

// Capture is the raw HTTP exchange that produced a version, kept so it can be
// exported as WARC and re-extracted later.
type Capture struct {
	URL           string      `json:"url"`
	Method        string      `json:"method"`
	RequestHeader http.Header `json:"request_header,omitempty"`
	Proto         string      `json:"proto,omitempty"`
	Status        int         `json:"status"`
	Header        http.Header `json:"header,omitempty"`
	Body          []byte      `json:"-"` // raw bytes as received (not decoded)
	FetchedAt     time.Time   `json:"fetched_at"`
}

// Event is a change worth telling watchers about. Every event is kept in the
// event log; only non-baseline events enter the outbox for delivery.
type Event struct {
	Seq       uint64    `json:"seq"`
	ID        string    `json:"id"` // stable across retries and restarts; receivers dedupe on it
	Kind      string    `json:"event"`
	Source    string    `json:"source"`
	Doc       uint64    `json:"doc"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	IndexNo   string    `json:"index_no,omitempty"`
	Published string    `json:"published,omitempty"`
	Version   int       `json:"version,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
	Summary   string    `json:"summary,omitempty"`
	Baseline  bool      `json:"baseline,omitempty"` // recorded during a source's quiet first crawl
}

// OutboxItem is an event still owed to at least one notification target.
type OutboxItem struct {
	Event     Event
	Delivered map[string]time.Time // target key → when it was delivered
}

// SourceState is what the archive knows of a source's crawls.
type SourceState struct {
	Name      string    `json:"name"`
	Baselined bool      `json:"baselined"` // a first crawl completed
	LastRun   time.Time `json:"last_run,omitzero"`
	LastOK    time.Time `json:"last_ok,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	Last      RunStats  `json:"last_stats"`
	Docs      int       `json:"docs"`
	Withdrawn int       `json:"withdrawn"`
	Backfill  *Backfill `json:"backfill,omitempty"` // an unfinished walk to the column's end (frontier.go)
}

// RunStats counts what one crawl of a source did.
type RunStats struct {
	Started   time.Time     `json:"started"`
	Duration  time.Duration `json:"duration"`
	Platform  string        `json:"platform,omitempty"`
	ListPages int           `json:"list_pages"`
	Fetched   int           `json:"fetched"` // document requests made
	New       int           `json:"new"`
	Changed   int           `json:"changed"`
	Unchanged int           `json:"unchanged"`
	Withdrawn int           `json:"withdrawn"`
	Restored  int           `json:"restored"`
	Errors    int           `json:"errors"`
	Skipped   int           `json:"skipped"` // known documents not due for a re-check
	Files     int           `json:"files"`   // attachments downloaded (attachments: true)

	// Why the list walk ended before the column's end, "" when it did not
	// ("max_pages", "run_budget", "max_docs", "list page errors",
	// "interrupted", "robots.txt"), and what is left: list pages, documents left behind
	// (estimated from the size the column declares; 0 = not known), and
	// whether the next poll continues the walk.
	Stopped       string `json:"stopped,omitempty"`
	LeftPages     int    `json:"left_pages,omitempty"`
	LeftDocs      int    `json:"left_docs,omitempty"`
	Continues     bool   `json:"continues,omitempty"`
	Capped        int    `json:"capped,omitempty"`         // links left unfetched by max_docs / max_page_docs
	Backfill      bool   `json:"backfill,omitempty"`       // the run walked (part of) the column's backfill
	BackfillPages int    `json:"backfill_pages,omitempty"` // list pages the backfill has walked, all runs
	PagesTotal    int    `json:"pages_total,omitempty"`    // list pages the column declares
}
