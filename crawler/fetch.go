package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler/discover"

	"github.com/gongkai/gongkai/internal/backoff"
)

// rawContentType carries the server's Content-Type past colly: colly
// converts a body whose Content-Type names a charset (with a GBK decoder
// that loses 4-byte GB18030 characters) and the archive must keep the
// bytes exactly as received, so the transport hides the charset from it.
const rawContentType = "X-Gongkai-Content-Type"

type rawTransport struct{ next http.RoundTripper }

func (t rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if ct := res.Header.Get("Content-Type"); ct != "" {
		res.Header.Set(rawContentType, ct)
		mt, _, _ := strings.Cut(ct, ";")
		res.Header.Set("Content-Type", strings.TrimSpace(mt))
	}
	return res, nil
}

// fetchResult is what one request ended in, filled by colly's callbacks.
type fetchResult struct {
	status   int
	header   http.Header
	body     []byte
	finalURL string
	reqHdr   http.Header
	err      error
	at       time.Time
}

// errTooLarge marks a body cut at max_body: it is never archived, since a
// truncated page would look like an edit.
var errTooLarge = errors.New("page larger than max_body")

// fetcher wraps one colly collector for one source run.
type fetcher struct {
	c       *colly.Collector
	retries int
	maxBody int64
	backoff time.Duration
	now     func() time.Time
	log     *slog.Logger
	robots  *robots // nil = robots.txt not obeyed (source config robots: false)
}

func (f *fetcher) install() {
	f.c.OnResponse(func(r *colly.Response) {
		res, _ := r.Ctx.GetAny("result").(*fetchResult)
		if res == nil {
			return
		}
		res.fill(r)
	})
	f.c.OnError(func(r *colly.Response, err error) {
		res, _ := r.Ctx.GetAny("result").(*fetchResult)
		if res == nil {
			return
		}
		res.fill(r)
		res.err = err
	})
}

func (res *fetchResult) fill(r *colly.Response) {
	res.status = r.StatusCode
	if r.Headers != nil {
		h := r.Headers.Clone()
		if ct := h.Get(rawContentType); ct != "" {
			h.Set("Content-Type", ct)
			h.Del(rawContentType)
		}
		res.header = h
	}
	res.body = r.Body
	if r.Request != nil {
		res.finalURL = r.Request.URL.String()
		if r.Request.Headers != nil {
			res.reqHdr = r.Request.Headers.Clone()
		}
	}
}

// get fetches one request, retrying 5xx, 429, timeouts and connection errors
// with exponential backoff (Retry-After honoured, capped).
func (f *fetcher) get(ctx context.Context, req discover.Request, hdr http.Header) *fetchResult {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !f.robots.allowed(ctx, req.URL) {
		err := fmt.Errorf("%s: %w", req.URL, errRobots)
		if why := f.robots.why(req.URL); why != "" {
			err = fmt.Errorf("%s: %w (%s)", req.URL, errRobots, why)
		}
		return &fetchResult{at: f.now(), err: err}
	}
	var res *fetchResult
	for attempt := 1; ; attempt++ {
		res = &fetchResult{at: f.now()}
		cctx := colly.NewContext()
		cctx.Put("result", res)
		var body io.Reader
		if req.Body != "" {
			body = strings.NewReader(req.Body)
		}
		h := hdr.Clone()
		if h == nil {
			h = http.Header{}
		}
		err := f.c.Request(method, req.URL, body, cctx, h)
		if res.err == nil {
			res.err = err
		}
		if res.err == nil && f.maxBody > 0 && int64(len(res.body)) > f.maxBody {
			res.err = fmt.Errorf("%w (%d bytes)", errTooLarge, f.maxBody)
			return res
		}
		wait, retry := f.retryable(res, attempt)
		if !retry || ctx.Err() != nil {
			return res
		}
		f.log.Info("request retried", "url", req.URL, "attempt", attempt, "status", res.status, "err", res.err, "wait", wait)
		select {
		case <-ctx.Done():
			return res
		case <-time.After(wait):
		}
	}
}

func (f *fetcher) retryable(res *fetchResult, attempt int) (time.Duration, bool) {
	if res.err == nil || attempt >= f.retries {
		return 0, false
	}
	wait := backoff.Policy{Min: f.backoff, Max: maxRetryAfter}.Delay(attempt)
	switch {
	case res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable:
		if ra := backoff.RetryAfter(res.header.Get("Retry-After"), f.now()); ra > 0 {
			wait = min(ra, maxRetryAfter)
		}
		return wait, true
	case res.status >= 500:
		return wait, true
	case res.status == 0:
		return wait, transient(res.err)
	}
	return 0, false
}

// maxRetryAfter caps a server's Retry-After: a crawl run must end.
const maxRetryAfter = 2 * time.Minute

// transient reports whether a transport error may go away on a retry.
func transient(err error) bool {
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, errRobots), errors.Is(err, colly.ErrForbiddenDomain),
		errors.Is(err, context.Canceled), errors.Is(err, errTooLarge):
		return false
	case errors.As(err, &ne) && ne.Timeout():
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection reset", "connection refused", "broken pipe", "EOF", "timeout", "Client.Timeout"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// capture builds the archive's record of an exchange.
func (res *fetchResult) capture(method, requested string) archive.Capture {
	u := res.finalURL
	if u == "" {
		u = requested
	}
	return archive.Capture{URL: u, Method: method, RequestHeader: res.reqHdr, Proto: "HTTP/1.1",
		Status: res.status, Header: res.header, Body: res.body, FetchedAt: res.at}
}
