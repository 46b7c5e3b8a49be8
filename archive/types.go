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
	// Source health (health.go): Doc is 0, Reason, Since and Polls are set.
	EventSourceFailed    = "source_failed"
	EventSourceRecovered = "source_recovered"
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
	// SHA256 is the current record's fingerprint (under scheme Scheme), so an
	// unchanged fetch is recognised from this record alone, without reading
	// version pages.
	SHA256 string `json:"sha256,omitempty"`
	Scheme int    `json:"scheme,omitempty"` // 0 = 1 (written by schema 1)
	// Rules is the extraction id the current record was made or confirmed
	// under ("" = unknown: written by schema 1).
	Rules string `json:"rules,omitempty"`
	// Reext counts the document's re-extraction records; the last one is its
	// current record when it was made from the latest version's capture.
	Reext int `json:"reext,omitempty"`
	// Change is the sequence number of the document's entry in the change log.
	Change      uint64    `json:"change,omitempty"`
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
	SHA256    string           `json:"sha256"`           // FingerprintWith(Scheme, Record)
	Scheme    int              `json:"scheme,omitempty"` // fingerprint scheme; 0 = 1 (schema 1)
	Rules     string           `json:"rules,omitempty"`  // extraction id that made Record; "" = unknown
	Record    extract.Document `json:"record"`
	RawSHA256 string           `json:"raw_sha256"` // digest of Capture.Body, for fixity checks
	RawSize   int              `json:"raw_size"`
}

// Reextraction is a stored version's capture extracted again under newer
// rules. It never replaces the version: it says what the rules Rules make of
// the same bytes, and becomes the document's current record while the
// version it was made from is the latest.
type Reextraction struct {
	Doc     uint64           `json:"doc"`
	N       int              `json:"n"`       // counts from 1 per document
	Version int              `json:"version"` // whose capture was extracted
	At      time.Time        `json:"at"`
	Rules   string           `json:"rules"`
	Scheme  int              `json:"scheme"`
	SHA256  string           `json:"sha256"` // FingerprintWith(Scheme, Record)
	Record  extract.Document `json:"record"`
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
	// Source health events only: why the source counts as failing, since
	// when, and how many consecutive polls failed.
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since,omitzero"`
	Polls  int       `json:"polls,omitempty"`
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
	Health    Health    `json:"health"`
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
	// What source health (health.go) judges a poll by: the document
	// entries the list pages yielded, and how many of the poll's new
	// documents had each field (extract field key → count of NewFields).
	ListEntries int            `json:"list_entries"`
	NewFields   int            `json:"new_fields,omitempty"` // new documents whose fields were counted
	Fields      map[string]int `json:"fields,omitempty"`
	// AlertAfter is the source's alert_after_failures (0 = 2); not stored.
	AlertAfter int `json:"-"`

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
