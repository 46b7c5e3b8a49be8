package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"

	"github.com/gongkai/gongkai/internal/chinatime"
)

// pathDoc reads the {id} path segment. A malformed id names no document, so
// it is a 404 like an unknown one.
func pathDoc(r *http.Request) (uint64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("document %q: %w", raw, archive.ErrNotFound)
	}
	return id, nil
}

// pathVersion reads the {n} path segment. The archive keys versions by 32
// bits, so a larger number must name nothing rather than wrap around onto
// a real version.
func pathVersion(r *http.Request) (int, error) {
	raw := r.PathValue("n")
	n, err := strconv.ParseUint(raw, 10, 32)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("version %q: %w", raw, archive.ErrNotFound)
	}
	return int(n), nil
}

// intParam reads an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, badRequest{fmt.Sprintf("%s must be a non-negative integer, not %q", name, raw)}
	}
	return n, nil
}

// dateParam reads an optional YYYY-MM-DD query parameter.
func dateParam(r *http.Request, name string) (string, error) {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return "", nil
	}
	if _, err := time.Parse("2006-01-02", raw); err != nil {
		return "", badRequest{fmt.Sprintf("%s must be a date like 2025-01-23, not %q", name, raw)}
	}
	return raw, nil
}

// filter is what the document lists and search pages are asked for.
type filter struct {
	Text           string // full-text query; "" = list by date
	Source, Status string
	From, To       string // published YYYY-MM-DD inclusive
	After          string // cursor
	All            bool   // rank=all: rank a large search over the whole archive
}

func (f filter) list(limit int) archive.ListQuery {
	return archive.ListQuery{Source: f.Source, Status: f.Status, From: f.From, To: f.To, After: f.After, Limit: limit}
}

func (f filter) search(limit int) search.Query {
	return search.Query{Text: f.Text, Source: f.Source, Status: f.Status, From: f.From, To: f.To, After: f.After, Limit: limit, All: f.All}
}

// docQuery reads the document filters shared by the pages and the API:
// q, status, from, to, after (and source, which callers set).
func docQuery(r *http.Request) (filter, error) {
	q := filter{Text: strings.TrimSpace(r.URL.Query().Get("q")), After: r.URL.Query().Get("after"), All: r.URL.Query().Get("rank") == "all"}
	switch st := r.URL.Query().Get("status"); st {
	case "", archive.StatusLive, archive.StatusWithdrawn:
		q.Status = st
	default:
		return q, badRequest{fmt.Sprintf("status must be %q or %q, not %q", archive.StatusLive, archive.StatusWithdrawn, st)}
	}
	var err error
	if q.From, err = dateParam(r, "from"); err != nil {
		return q, err
	}
	if q.To, err = dateParam(r, "to"); err != nil {
		return q, err
	}
	if q.From != "" && q.To != "" && q.From > q.To {
		return q, badRequest{fmt.Sprintf("from (%s) is after to (%s)", q.From, q.To)}
	}
	return q, nil
}

// sinceParam reads ?since= as RFC 3339 or as a day in China time.
func sinceParam(r *http.Request) (time.Time, error) {
	raw := strings.TrimSpace(r.URL.Query().Get("since"))
	if raw == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", raw, chinatime.Location()); err == nil {
		return t, nil
	}
	return time.Time{}, badRequest{fmt.Sprintf("since must be RFC 3339 (2025-01-23T08:00:00Z) or a date (2025-01-23), not %q", raw)}
}

// versionPair reads ?a=&b= for a diff of a document with latest versions.
// b defaults to the latest version and a to the one before b.
func versionPair(r *http.Request, latest int) (a, b int, err error) {
	if b, err = intParam(r, "b", latest); err != nil {
		return 0, 0, err
	}
	if a, err = intParam(r, "a", b-1); err != nil {
		return 0, 0, err
	}
	if a < 1 || b < 1 {
		return 0, 0, badRequest{"a and b must be version numbers (1 or more); a document with one version has nothing to compare"}
	}
	if a > latest || b > latest {
		return 0, 0, fmt.Errorf("version %d: the document has %d: %w", max(a, b), latest, archive.ErrNotFound)
	}
	return a, b, nil
}
