package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gongkai/gongkai/archive"

	"github.com/gongkai/gongkai/internal/backoff"
)

// Headers sent with every webhook request.
const (
	HeaderEventID   = "X-Gongkai-Event-Id"
	HeaderEvent     = "X-Gongkai-Event"
	HeaderSignature = "X-Gongkai-Signature"
)

// sendFunc delivers events to one target in one attempt: a single event,
// or for a digest target all of the pass's events at once.
type sendFunc func(ctx context.Context, t *target, events []archive.Event) error

// StatusError is a webhook's non-2xx answer.
type StatusError struct {
	Code       int
	RetryAfter time.Duration // from a Retry-After header, 0 when absent
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("webhook answered %d %s", e.Code, http.StatusText(e.Code))
}

// retryable reports whether trying the same delivery again soon may help:
// transport failures, timeouts, 429 and 5xx. Any other 4xx or 3xx waits
// for the next pass instead of being hammered.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusTooManyRequests || se.Code == http.StatusRequestTimeout || se.Code >= 500
	}
	return true
}

// retryAfter is the delay the receiver asked for, if any.
func retryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// sign is the X-Gongkai-Signature value for body.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// send is the real sendFunc: a webhook POST or a shoutrrr message.
func (n *Notifier) send(ctx context.Context, t *target, events []archive.Event) error {
	if t.Webhook != "" {
		return n.postWebhook(ctx, t, events)
	}
	msg := text(events[0], n.opts.BaseURL)
	if t.Digest {
		msg = digestText(events, n.opts.BaseURL)
	}
	return n.shout(ctx, t, msg)
}

func (n *Notifier) postWebhook(ctx context.Context, t *target, events []archive.Event) error {
	var (
		body      []byte
		err       error
		id, event string
	)
	if t.Digest {
		d := newDigest(events, n.opts.BaseURL)
		id, event = d.ID, "digest"
		body, err = json.Marshal(d)
	} else {
		p := newPayload(events[0], n.opts.BaseURL)
		id, event = p.ID, p.Event
		body, err = json.Marshal(p)
	}
	if err != nil {
		return fmt.Errorf("encode webhook body: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Webhook, bytes.NewReader(body))
	if err != nil {
		return scrub(fmt.Errorf("build webhook request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "gongkai-notify")
	req.Header.Set(HeaderEventID, id)
	req.Header.Set(HeaderEvent, event)
	if t.Secret != "" {
		req.Header.Set(HeaderSignature, sign(t.Secret, body))
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return scrub(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{Code: resp.StatusCode, RetryAfter: backoff.RetryAfter(resp.Header.Get("Retry-After"), n.now())}
	}
	return nil
}

// Errors of a send that did not finish in time.
var (
	// ErrSendTimeout: the send missed its deadline (Options.SendTimeout).
	ErrSendTimeout = errors.New("send timed out")
	// ErrTargetBusy: an earlier send to the target missed its deadline and
	// has not returned yet; the target is skipped until it does.
	ErrTargetBusy = errors.New("an earlier send to this target is still stuck")
)

// shout sends msg through shoutrrr. The service is built per message with
// an HTTP client bound to ctx, because shoutrrr's services issue their
// requests without a context of their own. Some ignore deadlines altogether
// (SMTP waits for the server's greeting forever), so the send runs in a
// goroutine that is abandoned when ctx ends; the target's busy slot bounds
// those to one per target, released when the send finally returns.
func (n *Notifier) shout(ctx context.Context, t *target, msg string) error {
	select {
	case t.busy <- struct{}{}:
	default:
		return ErrTargetBusy
	}
	client := &http.Client{
		Transport:     ctxTransport{ctx: ctx, base: n.client.Transport},
		Timeout:       n.client.Timeout,
		CheckRedirect: n.client.CheckRedirect,
		Jar:           n.client.Jar,
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-t.busy }()
		svc, err := locate(t.URL, client)
		if err == nil {
			err = svc.Send(msg, nil)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return scrub(err)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ErrSendTimeout
		}
		return ctx.Err()
	}
}

// ctxTransport gives every request the delivery's context, so cancelling
// a pass interrupts a shoutrrr send too.
type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (c ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r.WithContext(c.ctx))
}
