package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
)

const (
	warcVersion    = "WARC/1.1"
	warcConformsTo = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
	revisitProfile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	warcDateLayout = "2006-01-02T15:04:05Z"
)

// FileSource is a Source that also holds downloaded attachments
// (*archive.Store does); WARC exports them after the pages.
type FileSource interface {
	ForEachFile(ctx context.Context, since time.Time, fn func(archive.File) error) error
}

// WARC writes a WARC/1.1 file: a warcinfo record, then for every version
// fetched at or after o.Since a response record (or a revisit record when an
// earlier record in the same file had the same payload) and the request
// record that produced it. Each record is its own gzip member, so the output
// is a seekable .warc.gz. Attachments follow when src is a FileSource. It
// returns how many captures it wrote.
func WARC(ctx context.Context, src Source, w io.Writer, o Options) (int, error) {
	ww := newWARCWriter(w, o)
	if err := ww.warcinfo(o); err != nil {
		return 0, fmt.Errorf("export warc: %w", err)
	}
	n := 0
	err := src.ForEachVersion(ctx, o.Since, func(d archive.Doc, v archive.Version) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := src.Capture(ctx, d.ID, v.N)
		if errors.Is(err, archive.ErrNotFound) {
			// A version without its raw exchange (never expected, but an
			// archive repaired by hand may have one) must not sink the export.
			o.logger().Warn("export warc: version has no capture", "doc", d.ID, "version", v.N, "url", d.URL)
			return nil
		}
		if err != nil {
			return err
		}
		if err := ww.capture(c); err != nil {
			return fmt.Errorf("document %d version %d: %w", d.ID, v.N, err)
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export warc: %w", err)
	}
	if fs, ok := src.(FileSource); ok {
		err = fs.ForEachFile(ctx, o.Since, func(f archive.File) error {
			if err := ww.capture(f.Capture); err != nil {
				return fmt.Errorf("attachment %s: %w", f.Capture.URL, err)
			}
			n++
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("export warc: %w", err)
		}
	}
	if err := ww.bw.Flush(); err != nil {
		return n, fmt.Errorf("export warc: %w", err)
	}
	return n, nil
}

// warcWriter writes gzip-member-per-record WARC records.
type warcWriter struct {
	bw      *bufio.Writer
	zw      *gzip.Writer
	newUUID func() string
	// seen maps a payload digest to the first response that carried it.
	seen map[string]original
}

type original struct {
	id, uri, date string
}

type field struct{ name, value string }

func newWARCWriter(w io.Writer, o Options) *warcWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	nu := o.NewUUID
	if nu == nil {
		nu = randomUUID
	}
	return &warcWriter{bw: bw, zw: gzip.NewWriter(bw), newUUID: nu, seen: map[string]original{}}
}

func (ww *warcWriter) recordID() string { return "<urn:uuid:" + ww.newUUID() + ">" }

func (ww *warcWriter) warcinfo(o Options) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "software: %s\r\n", clean(o.software()))
	b.WriteString("format: WARC File Format 1.1\r\n")
	fmt.Fprintf(&b, "conformsTo: %s\r\n", warcConformsTo)
	if o.Hostname != "" {
		fmt.Fprintf(&b, "hostname: %s\r\n", clean(o.Hostname))
	}
	if o.Operator != "" {
		fmt.Fprintf(&b, "operator: %s\r\n", clean(o.Operator))
	}
	fields := []field{
		{"WARC-Type", "warcinfo"},
		{"WARC-Record-ID", ww.recordID()},
		{"WARC-Date", warcDate(o.now())},
	}
	if o.Filename != "" {
		fields = append(fields, field{"WARC-Filename", clean(o.Filename)})
	}
	fields = append(fields, field{"Content-Type", "application/warc-fields"})
	return ww.record(fields, b.Bytes())
}

// capture writes a response (or revisit) record and its request record.
func (ww *warcWriter) capture(c archive.Capture) error {
	target, requestURI, host := targetURI(c.URL)
	date := warcDate(c.FetchedAt)
	respID, reqID := ww.recordID(), ww.recordID()

	head := responseHead(c)
	payloadDigest := digest(c.Body)

	if orig, ok := ww.seen[payloadDigest]; ok {
		err := ww.record([]field{
			{"WARC-Type", "revisit"},
			{"WARC-Record-ID", respID},
			{"WARC-Date", date},
			{"WARC-Target-URI", target},
			{"WARC-Concurrent-To", reqID},
			{"WARC-Profile", revisitProfile},
			{"WARC-Refers-To", orig.id},
			{"WARC-Refers-To-Target-URI", orig.uri},
			{"WARC-Refers-To-Date", orig.date},
			{"WARC-Payload-Digest", payloadDigest},
			{"Content-Type", "application/http;msgtype=response"},
		}, head)
		if err != nil {
			return err
		}
	} else {
		ww.seen[payloadDigest] = original{id: respID, uri: target, date: date}
		err := ww.record([]field{
			{"WARC-Type", "response"},
			{"WARC-Record-ID", respID},
			{"WARC-Date", date},
			{"WARC-Target-URI", target},
			{"WARC-Concurrent-To", reqID},
			{"WARC-Payload-Digest", payloadDigest},
			{"Content-Type", "application/http;msgtype=response"},
		}, head, c.Body)
		if err != nil {
			return err
		}
	}

	return ww.record([]field{
		{"WARC-Type", "request"},
		{"WARC-Record-ID", reqID},
		{"WARC-Date", date},
		{"WARC-Target-URI", target},
		{"WARC-Concurrent-To", respID},
		{"Content-Type", "application/http;msgtype=request"},
	}, requestHead(c, requestURI, host))
}

// record writes one record as its own gzip member, adding the block digest
// and length computed over the block parts.
func (ww *warcWriter) record(fields []field, block ...[]byte) error {
	h := sha1.New()
	size := 0
	for _, p := range block {
		h.Write(p)
		size += len(p)
	}
	fields = append(fields,
		field{"WARC-Block-Digest", "sha1:" + b32.EncodeToString(h.Sum(nil))},
		field{"Content-Length", strconv.Itoa(size)},
	)

	ww.zw.Reset(ww.bw)
	var head bytes.Buffer
	head.WriteString(warcVersion + "\r\n")
	for _, f := range fields {
		head.WriteString(f.name + ": " + f.value + "\r\n")
	}
	head.WriteString("\r\n")
	if _, err := ww.zw.Write(head.Bytes()); err != nil {
		return err
	}
	for _, p := range block {
		if _, err := ww.zw.Write(p); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(ww.zw, "\r\n\r\n"); err != nil {
		return err
	}
	return ww.zw.Close()
}

// responseHead renders the status line and headers of a capture so that
// they agree with the stored body: Go's client has already removed any
// transfer coding (and, unless the crawler asked for it, the content coding),
// so a stale Transfer-Encoding, Content-Encoding or Content-Length would make
// replay tools decode the body wrongly.
func responseHead(c archive.Capture) []byte {
	var b bytes.Buffer
	proto := c.Proto
	if !strings.HasPrefix(proto, "HTTP/") {
		proto = "HTTP/1.1"
	}
	status := c.Status
	if status == 0 {
		status = http.StatusOK
	}
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, status, http.StatusText(status))

	for _, kv := range sortedHeader(c.Header) {
		switch kv.name {
		case "Transfer-Encoding", "Content-Length":
			continue
		case "Content-Encoding":
			if !stillGzipped(kv.value, c.Body) {
				continue
			}
		}
		b.WriteString(kv.name + ": " + kv.value + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(c.Body))
	return b.Bytes()
}

// stillGzipped reports whether a Content-Encoding header still describes the
// body: only a gzip body that the crawler chose not to decode qualifies.
func stillGzipped(encoding string, body []byte) bool {
	e := strings.ToLower(strings.TrimSpace(encoding))
	return (e == "gzip" || e == "x-gzip") && len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b
}

// requestHead synthesizes the HTTP request that fetched a capture.
func requestHead(c archive.Capture, requestURI, host string) []byte {
	var b bytes.Buffer
	method := c.Method
	if method == "" {
		method = http.MethodGet
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", clean(method), requestURI)
	if host != "" {
		b.WriteString("Host: " + host + "\r\n")
	}
	for _, kv := range sortedHeader(c.RequestHeader) {
		if kv.name == "Host" {
			continue
		}
		b.WriteString(kv.name + ": " + kv.value + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// sortedHeader flattens h in a stable order (by canonical name, values in
// their stored order), with line breaks removed from values.
func sortedHeader(h http.Header) []field {
	var out []field
	for k, vs := range h {
		name := textproto.CanonicalMIMEHeaderKey(clean(k))
		for _, v := range vs {
			out = append(out, field{name, clean(v)})
		}
	}
	slices.SortStableFunc(out, func(a, b field) int { return strings.Compare(a.name, b.name) })
	return out
}

// targetURI returns the URI for WARC-Target-URI (percent-encoded, as the
// standard requires), the request-target and the Host header value.
func targetURI(raw string) (target, requestURI, host string) {
	u, err := url.Parse(raw)
	if err != nil {
		return clean(raw), "/", ""
	}
	return u.String(), u.RequestURI(), u.Host
}

var b32 = base32.StdEncoding

func digest(p []byte) string {
	sum := sha1.Sum(p)
	return "sha1:" + b32.EncodeToString(sum[:])
}

func warcDate(t time.Time) string { return t.UTC().Format(warcDateLayout) }

// clean keeps a header value on one line.
func clean(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}

func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
