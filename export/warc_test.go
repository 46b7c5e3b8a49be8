package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"

	"github.com/gongkai/gongkai/internal/golden"
)

func fixedOptions() Options {
	return Options{
		Software: "gongkai/0.0-test",
		Operator: "档案室",
		Filename: "demo.warc.gz",
		Now:      func() time.Time { return time.Date(2026, 2, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)) },
		NewUUID:  counter(),
	}
}

func writeWARC(t *testing.T, src Source, o Options) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := WARC(context.Background(), src, &buf, o)
	if err != nil {
		t.Fatalf("WARC: %v", err)
	}
	return buf.Bytes(), n
}

func TestWARCRecords(t *testing.T) {
	src := sampleSource()
	data, n := writeWARC(t, src, fixedOptions())
	if n != 3 {
		t.Errorf("WARC wrote %d captures, want 3", n)
	}
	recs := readWARC(t, data)

	var types []string
	for _, r := range recs {
		types = append(types, r.get("WARC-Type"))
	}
	want := []string{"warcinfo", "response", "request", "response", "request", "revisit", "request"}
	if !slices.Equal(types, want) {
		t.Fatalf("record types = %v, want %v", types, want)
	}

	ids := map[string]bool{}
	for i, r := range recs {
		for _, h := range []string{"WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Type", "Content-Length", "WARC-Block-Digest"} {
			if r.get(h) == "" {
				t.Errorf("record %d (%s): missing %s", i, types[i], h)
			}
		}
		id := r.get("WARC-Record-ID")
		if !strings.HasPrefix(id, "<urn:uuid:") || !strings.HasSuffix(id, ">") {
			t.Errorf("record %d: WARC-Record-ID %q is not <urn:uuid:…>", i, id)
		}
		if ids[id] {
			t.Errorf("record %d: duplicate WARC-Record-ID %s", i, id)
		}
		ids[id] = true
		if _, err := time.Parse(warcDateLayout, r.get("WARC-Date")); err != nil {
			t.Errorf("record %d: WARC-Date %q: %v", i, r.get("WARC-Date"), err)
		}
	}

	info := string(recs[0].Block)
	for _, s := range []string{"software: gongkai/0.0-test\r\n", "format: WARC File Format 1.1\r\n", "conformsTo: " + warcConformsTo + "\r\n", "operator: 档案室\r\n"} {
		if !strings.Contains(info, s) {
			t.Errorf("warcinfo block lacks %q:\n%s", s, info)
		}
	}
	if got := recs[0].get("WARC-Date"); got != "2026-02-01T00:00:00Z" {
		t.Errorf("warcinfo WARC-Date = %q, want Options.Now in UTC", got)
	}

	// Every response/revisit pairs with the request that follows it.
	for i := 1; i < len(recs); i += 2 {
		resp, req := recs[i], recs[i+1]
		if got := resp.all("WARC-Concurrent-To"); !slices.Equal(got, []string{req.get("WARC-Record-ID")}) {
			t.Errorf("record %d: WARC-Concurrent-To %v, want the request %s", i, got, req.get("WARC-Record-ID"))
		}
		if got := req.get("WARC-Concurrent-To"); got != resp.get("WARC-Record-ID") {
			t.Errorf("record %d: request WARC-Concurrent-To %q, want %s", i+1, got, resp.get("WARC-Record-ID"))
		}
		if resp.get("WARC-Target-URI") != req.get("WARC-Target-URI") || resp.get("WARC-Date") != req.get("WARC-Date") {
			t.Errorf("records %d/%d: target or date differ", i, i+1)
		}
		if got := req.get("Content-Type"); got != "application/http;msgtype=request" {
			t.Errorf("request Content-Type = %q", got)
		}
		if got := resp.get("Content-Type"); got != "application/http;msgtype=response" {
			t.Errorf("%s Content-Type = %q", resp.get("WARC-Type"), got)
		}
	}

	// Responses: the payload is the stored body, byte for byte, and the HTTP
	// headers agree with it.
	for i, n := range map[int]int{1: 1, 3: 2} { // record index → version of document 1
		c, _ := src.Capture(context.Background(), 1, n)
		resp, body := httpResponse(t, recs[i])
		if !bytes.Equal(body, c.Body) {
			t.Errorf("record %d: payload differs from the stored body", i)
		}
		if got, want := recs[i].get("WARC-Payload-Digest"), sha1Base32(c.Body); got != want {
			t.Errorf("record %d: WARC-Payload-Digest %q, want %q", i, got, want)
		}
		if resp.StatusCode != 200 || resp.Proto != "HTTP/1.1" {
			t.Errorf("record %d: status line %s %d", i, resp.Proto, resp.StatusCode)
		}
		if resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != int64(len(c.Body)) {
			t.Errorf("record %d: Content-Encoding %q, Content-Length %d; want none and %d", i, resp.Header.Get("Content-Encoding"), resp.ContentLength, len(c.Body))
		}
		if got := resp.Header.Get("Server"); got != "nginx" {
			t.Errorf("record %d: Server header %q, want kept", i, got)
		}
	}

	req := string(recs[2].Block)
	if !strings.HasPrefix(req, "GET /art/2025/1/23/art_1229104585_1.html HTTP/1.1\r\nHost: example.gov.cn\r\n") || !strings.Contains(req, "User-Agent: gongkai-test\r\n") || !strings.HasSuffix(req, "\r\n\r\n") {
		t.Errorf("request block:\n%s", req)
	}
	if !strings.HasPrefix(string(recs[6].Block), "GET /art/2025/1/24/art_1229104585_2.html?a=1 HTTP/1.1\r\n") {
		t.Errorf("request line keeps the query: %q", strings.SplitN(string(recs[6].Block), "\r\n", 2)[0])
	}
}

func TestWARCRevisit(t *testing.T) {
	recs := readWARC(t, func() []byte { d, _ := writeWARC(t, sampleSource(), Options{}); return d }())
	orig, rev := recs[1], recs[5]
	if rev.get("WARC-Type") != "revisit" {
		t.Fatalf("record 5 is %q, want revisit", rev.get("WARC-Type"))
	}
	checks := []struct{ header, want string }{
		{"WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"},
		{"WARC-Refers-To", orig.get("WARC-Record-ID")},
		{"WARC-Refers-To-Target-URI", orig.get("WARC-Target-URI")},
		{"WARC-Refers-To-Date", orig.get("WARC-Date")},
		{"WARC-Payload-Digest", orig.get("WARC-Payload-Digest")},
		{"WARC-Target-URI", "http://example.gov.cn/art/2025/1/24/art_1229104585_2.html?a=1"},
		{"WARC-Date", "2025-01-26T06:48:26Z"},
	}
	for _, c := range checks {
		if got := rev.get(c.header); got != c.want {
			t.Errorf("revisit %s = %q, want %q", c.header, got, c.want)
		}
	}
	resp, _ := httpResponse(t, rev)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("revisit HTTP headers: %d %v", resp.StatusCode, resp.Header)
	}
	if !bytes.HasSuffix(rev.Block, []byte("\r\n\r\n")) || bytes.Contains(rev.Block, []byte("<html")) {
		t.Errorf("revisit block must hold headers only, got %q", rev.Block)
	}
}

func TestWARCGolden(t *testing.T) {
	data, _ := writeWARC(t, sampleSource(), fixedOptions())
	recs := readWARC(t, data)
	var got bytes.Buffer
	for _, r := range recs {
		got.Write(r.Raw)
	}
	path := filepath.Join("testdata", "sample.warc")
	if want := golden.Read(t, path, got.Bytes()); !bytes.Equal(got.Bytes(), want) {
		t.Errorf("WARC output differs from %s (run go test ./export -update after checking the change):\n%s", path, firstDiff(string(want), got.String()))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, w, g)
		}
	}
	return ""
}

func TestResponseHead(t *testing.T) {
	gz := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}
	tests := []struct {
		name    string
		capture archive.Capture
		want    []string // lines that must appear
		absent  []string // header names that must not
	}{
		{
			name:    "decoded gzip body drops Content-Encoding and fixes length",
			capture: archive.Capture{Proto: "HTTP/1.1", Status: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {"77"}}, Body: []byte("hello")},
			want:    []string{"HTTP/1.1 200 OK", "Content-Length: 5"},
			absent:  []string{"Content-Encoding"},
		},
		{
			name:    "body still gzipped keeps Content-Encoding",
			capture: archive.Capture{Proto: "HTTP/1.1", Status: 200, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: gz},
			want:    []string{"Content-Encoding: gzip", "Content-Length: 8"},
		},
		{
			name:    "chunked transfer is gone from the stored body",
			capture: archive.Capture{Proto: "HTTP/1.1", Status: 200, Header: http.Header{"Transfer-Encoding": {"chunked"}}, Body: []byte("abc")},
			want:    []string{"Content-Length: 3"},
			absent:  []string{"Transfer-Encoding"},
		},
		{
			name:    "brotli cannot be verified and the client decodes it",
			capture: archive.Capture{Proto: "HTTP/2.0", Status: 404, Header: http.Header{"Content-Encoding": {"br"}}, Body: []byte("x")},
			want:    []string{"HTTP/2.0 404 Not Found", "Content-Length: 1"},
			absent:  []string{"Content-Encoding"},
		},
		{
			name:    "missing proto and status default to HTTP/1.1 200",
			capture: archive.Capture{Body: nil},
			want:    []string{"HTTP/1.1 200 OK", "Content-Length: 0"},
		},
		{
			name:    "header values cannot break lines",
			capture: archive.Capture{Status: 200, Header: http.Header{"X-Evil": {"a\r\nInjected: 1"}}},
			want:    []string{"X-Evil: a Injected: 1"},
			absent:  []string{"Injected"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := string(responseHead(tt.capture))
			if !strings.HasSuffix(head, "\r\n\r\n") {
				t.Errorf("head does not end with an empty line: %q", head)
			}
			lines := strings.Split(strings.TrimSuffix(head, "\r\n\r\n"), "\r\n")
			for _, w := range tt.want {
				if !slices.Contains(lines, w) {
					t.Errorf("responseHead lacks line %q:\n%s", w, head)
				}
			}
			for _, a := range tt.absent {
				for _, l := range lines {
					if strings.HasPrefix(l, a+":") {
						t.Errorf("responseHead has %q", l)
					}
				}
			}
		})
	}
}

func TestWARCSince(t *testing.T) {
	o := fixedOptions()
	o.Since = t0.Add(time.Hour)
	data, n := writeWARC(t, sampleSource(), o)
	if n != 2 {
		t.Fatalf("WARC since %v wrote %d captures, want 2", o.Since, n)
	}
	recs := readWARC(t, data)
	// The first version is not in this file, so the identical capture of
	// document 2 must be a full response, not a revisit of a record that
	// is not there.
	if got := recs[3].get("WARC-Type"); got != "response" {
		t.Errorf("record 3 is %q, want response", got)
	}
}

type failingSource struct {
	*fakeSource
	err error
}

func (f failingSource) Capture(ctx context.Context, id uint64, n int) (archive.Capture, error) {
	return archive.Capture{}, f.err
}

func TestWARCErrors(t *testing.T) {
	boom := errors.New("boom")
	_, err := WARC(context.Background(), failingSource{sampleSource(), boom}, &bytes.Buffer{}, Options{})
	if !errors.Is(err, boom) {
		t.Errorf("WARC with a failing Capture = %v, want it wrapped", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WARC(ctx, sampleSource(), &bytes.Buffer{}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("WARC with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestWARCMissingCapture(t *testing.T) {
	src := sampleSource()
	delete(src.captures, [2]uint64{1, 2})
	var logs bytes.Buffer
	o := fixedOptions()
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	data, n := writeWARC(t, src, o)
	if n != 2 {
		t.Errorf("WARC wrote %d captures, want 2 (one version has no capture)", n)
	}
	if got := len(readWARC(t, data)); got != 5 {
		t.Errorf("WARC wrote %d records, want 5", got)
	}
	if !strings.Contains(logs.String(), "version has no capture") || !strings.Contains(logs.String(), "version=2") {
		t.Errorf("no warning logged for the missing capture: %q", logs.String())
	}
}
