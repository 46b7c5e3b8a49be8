package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
)

// ErrBadRequest is returned for a 400 answer: the server refused a parameter.
var ErrBadRequest = errors.New("bad request")

// Options configure a Client. The zero value works.
type Options struct {
	// HTTP sends the requests; nil means a client with a 5 minute timeout.
	HTTP *http.Client
	// Authorize adds credentials to each request (web.auth); nil adds none.
	Authorize func(*http.Request)
	// UnauthorizedHint is appended to the message of a 401 answer, to say
	// which credential to check.
	UnauthorizedHint string
}

// Client reads a running daemon's API.
type Client struct {
	base string
	o    Options
}

// NewClient returns a client of the API at base (e.g. "http://127.0.0.1:8080").
func NewClient(base string, o Options) *Client {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 5 * time.Minute}
	}
	return &Client{base: strings.TrimRight(base, "/"), o: o}
}

// do sends a GET and returns the response of a 200; other statuses become
// errors (404 wraps archive.ErrNotFound, 400 ErrBadRequest).
func (c *Client) do(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if c.o.Authorize != nil {
		c.o.Authorize(req)
	}
	res, err := c.o.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("daemon API: %w", err)
	}
	if res.StatusCode == http.StatusOK {
		return res, nil
	}
	defer res.Body.Close()
	var e Error
	json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&e)
	switch res.StatusCode {
	case http.StatusNotFound:
		return nil, fmt.Errorf("%s: %w", e.Error, archive.ErrNotFound)
	case http.StatusBadRequest:
		return nil, fmt.Errorf("%s: %w", e.Error, ErrBadRequest)
	case http.StatusUnauthorized:
		e.Error += c.o.UnauthorizedHint
	}
	return nil, fmt.Errorf("daemon API %s: HTTP %d: %s", path, res.StatusCode, e.Error)
}

func (c *Client) get(ctx context.Context, path string, v any) error {
	res, err := c.do(ctx, path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return fmt.Errorf("daemon API %s: %w", path, err)
	}
	return nil
}

// values encodes the non-empty parameters.
func values(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v.Encode()
}

func itoa(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Health asks whether the daemon can read its archive.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	return h, c.get(ctx, "/api/health", &h)
}

// Sources lists the sources with their counts and next runs.
func (c *Client) Sources(ctx context.Context) ([]SourceRow, error) {
	var s Sources
	return s.Sources, c.get(ctx, "/api/sources", &s)
}

// List returns a page of documents, like archive.Store.List.
func (c *Client) List(ctx context.Context, q archive.ListQuery) (archive.Page, error) {
	var p DocsPage
	err := c.get(ctx, "/api/docs?"+values("source", q.Source, "status", q.Status, "from", q.From, "to", q.To,
		"after", q.After, "limit", itoa(q.Limit)), &p)
	return archive.Page{Docs: p.Docs, Next: p.Next, Total: p.Total}, err
}

// Search runs a full-text search, like search.Index.Search.
func (c *Client) Search(ctx context.Context, q search.Query) (search.Result, error) {
	var p SearchPage
	rank := ""
	if q.All {
		rank = "all"
	}
	err := c.get(ctx, "/api/search?"+values("q", q.Text, "source", q.Source, "status", q.Status, "from", q.From, "to", q.To,
		"after", q.After, "limit", itoa(q.Limit), "rank", rank), &p)
	return search.Result{Hits: p.Hits, Total: p.Total, TotalIsBound: p.TotalIsBound, Span: p.Span, Next: p.Next}, err
}

// Doc returns a document and its version list.
func (c *Client) Doc(ctx context.Context, id uint64) (Doc, error) {
	var d Doc
	return d, c.get(ctx, fmt.Sprintf("/api/docs/%d", id), &d)
}

// Lookup finds a document by id or by any URL it was archived under.
func (c *Client) Lookup(ctx context.Context, ref string) (Doc, error) {
	var d Doc
	return d, c.get(ctx, "/api/lookup?"+values("ref", ref), &d)
}

// Version returns one version with its extracted record.
func (c *Client) Version(ctx context.Context, id uint64, n int) (archive.Version, error) {
	var v archive.Version
	return v, c.get(ctx, fmt.Sprintf("/api/docs/%d/versions/%d", id, n), &v)
}

// Events returns a page of events, newest first.
func (c *Client) Events(ctx context.Context, q archive.EventQuery) (Events, error) {
	var e Events
	before := ""
	if q.Before > 0 {
		before = strconv.FormatUint(q.Before, 10)
	}
	doc := ""
	if q.Doc > 0 {
		doc = strconv.FormatUint(q.Doc, 10)
	}
	baseline := ""
	if q.IncludeBaseline {
		baseline = "1"
	}
	return e, c.get(ctx, "/api/events?"+values("source", q.Source, "doc", doc, "before", before,
		"limit", itoa(q.Limit), "baseline", baseline), &e)
}

// Export copies the JSON Lines export (one line per version fetched at or
// after since; zero = all) to w and returns the bytes copied.
func (c *Client) Export(ctx context.Context, w io.Writer, since time.Time) (int64, error) {
	path := "/api/export?format=jsonl"
	if !since.IsZero() {
		path += "&since=" + url.QueryEscape(since.Format(time.RFC3339))
	}
	return c.copy(ctx, path, w)
}

// Backup copies a consistent copy of the database to w.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	return c.copy(ctx, "/api/backup", w)
}

func (c *Client) copy(ctx context.Context, path string, w io.Writer) (int64, error) {
	res, err := c.do(ctx, path)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(w, res.Body)
	if err != nil {
		return n, fmt.Errorf("daemon API %s: %w", path, err)
	}
	return n, nil
}
