package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler/discover"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/backoff"
)

// rawContentType carries the server's Content-Type past colly: colly
// converts a body whose Content-Type names a charset (with a GBK decoder
// that loses 4-byte GB18030 characters) and the archive must keep the
// bytes exactly as received, so the transport hides the charset from it.
const rawContentType = "X-Gongkai-Content-Type"

// It also keeps colly from decoding a content encoding: colly inflates a
// gzip body (Content-Encoding gzip or x-gzip, a Content-Type naming gzip, a
// .xml.gz path) after its size cap, without limit, so a small "gzip bomb"
// would take gigabytes. Marking the response Uncompressed turns that off;
// the capture keeps the bytes as received and decoding is left to
// extract.Decode behind the fetcher's own inflated-size check (see
// fetcher.decode).
type rawTransport struct{ next http.RoundTripper }

func (t rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	res.Uncompressed = true
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

// maxHeaderBytes bounds the response header a capture may keep. The
// transport built by New refuses larger ones while reading them
// (MaxResponseHeaderBytes); this also covers a transport passed in Options.
const maxHeaderBytes = 256 << 10

// errHeaderTooLarge marks a response whose header exceeds maxHeaderBytes: it
// is not archived.
var errHeaderTooLarge = errors.New("response header larger than the limit")

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// decode turns a response body into UTF-8 text for the extractor. A gzip
// body (the server's Content-Encoding, or gzip nobody asked for) is first
// inflated into nothing to measure it: what it expands to counts against
// max_body like the bytes received, so a small "gzip bomb" is refused
// before extract.Decode inflates it for real.
func (f *fetcher) decode(res *fetchResult) ([]byte, error) {
	if len(res.body) >= 2 && res.body[0] == 0x1f && res.body[1] == 0x8b && f.maxBody > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(res.body))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(zr, f.maxBody+1))
		if n > f.maxBody {
			return nil, fmt.Errorf("%w (%d bytes once inflated)", errTooLarge, f.maxBody)
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
	}
	body, _, err := extract.Decode(res.body, res.header.Get("Content-Type"))
	return body, err
}

// fetcher wraps one colly collector for one source run.
type fetcher struct {
	c       *colly.Collector
	scope   scope
	hosts   *Hosts
	own     Politeness
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
	if u, err := url.Parse(req.URL); err != nil {
		return &fetchResult{at: f.now(), err: fmt.Errorf("%s: %w", req.URL, err)}
	} else if err := f.scope.check(u); err != nil {
		return &fetchResult{at: f.now(), err: err}
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
		if h.Get("Accept-Encoding") == "" {
			// Asked for explicitly, so net/http does not inflate the body
			// on its own: the capture keeps the bytes as received.
			h.Set("Accept-Encoding", "gzip")
		}
		done, err := f.hosts.turn(ctx, req.URL, f.own)
		if err != nil {
			res.err = err
			return res
		}
		err = f.c.Request(method, req.URL, body, cctx, h)
		done()
		if res.err == nil {
			res.err = err
		}
		if res.err == nil && f.maxBody > 0 && int64(len(res.body)) > f.maxBody {
			res.err = fmt.Errorf("%w (%d bytes)", errTooLarge, f.maxBody)
			return res
		}
		if res.err == nil && headerSize(res.header) > maxHeaderBytes {
			res.err = fmt.Errorf("%w (%d bytes)", errHeaderTooLarge, maxHeaderBytes)
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
	case errors.Is(err, errRobots), errors.Is(err, colly.ErrForbiddenDomain), errors.Is(err, errOffScope),
		errors.Is(err, context.Canceled), errors.Is(err, errTooLarge), errors.Is(err, errHeaderTooLarge):
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
