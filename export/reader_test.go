package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// warcRecord is one record as read back by readWARC.
type warcRecord struct {
	Version string
	Fields  []field // in file order
	Block   []byte
	Raw     []byte // the whole decompressed member
}

func (r warcRecord) get(name string) string {
	for _, f := range r.Fields {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

func (r warcRecord) all(name string) []string {
	var out []string
	for _, f := range r.Fields {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// readWARC reads a .warc.gz one gzip member at a time and checks that every
// member holds exactly one well-formed record whose Content-Length and
// WARC-Block-Digest match its block.
func readWARC(t *testing.T, data []byte) []warcRecord {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(data))
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	var recs []warcRecord
	for i := 0; ; i++ {
		zr.Multistream(false)
		member, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("member %d: gunzip: %v", i, err)
		}
		recs = append(recs, parseRecord(t, i, member))
		if err := zr.Reset(br); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("member %d: gzip reset: %v", i+1, err)
		}
	}
	return recs
}

func parseRecord(t *testing.T, i int, member []byte) warcRecord {
	t.Helper()
	rec := warcRecord{Raw: member}
	end := bytes.Index(member, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("record %d: no end of headers", i)
	}
	lines := strings.Split(string(member[:end]), "\r\n")
	rec.Version = lines[0]
	if rec.Version != "WARC/1.1" {
		t.Errorf("record %d: version line %q, want WARC/1.1", i, rec.Version)
	}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("record %d: malformed header line %q", i, l)
		}
		rec.Fields = append(rec.Fields, field{name, value})
	}
	n, err := strconv.Atoi(rec.get("Content-Length"))
	if err != nil {
		t.Fatalf("record %d: Content-Length %q: %v", i, rec.get("Content-Length"), err)
	}
	rest := member[end+4:]
	if len(rest) != n+4 {
		t.Fatalf("record %d: %d bytes after headers, want Content-Length %d + 4 (member holds more than one record?)", i, len(rest), n)
	}
	if !bytes.HasSuffix(rest, []byte("\r\n\r\n")) {
		t.Errorf("record %d: block not followed by CRLF CRLF", i)
	}
	rec.Block = rest[:n]
	if got, want := digest(rec.Block), rec.get("WARC-Block-Digest"); got != want {
		t.Errorf("record %d: WARC-Block-Digest %q, recomputed %q", i, want, got)
	}
	return rec
}

// httpResponse parses a response or revisit block.
func httpResponse(t *testing.T, rec warcRecord) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rec.Block)), nil)
	if err != nil {
		t.Fatalf("%s record: parse HTTP response: %v", rec.get("WARC-Type"), err)
	}
	var body []byte
	if rec.get("WARC-Type") == "response" {
		if body, err = io.ReadAll(resp.Body); err != nil {
			t.Fatalf("response record: read body: %v", err)
		}
	}
	return resp, body
}

func sha1Base32(p []byte) string {
	s := sha1.Sum(p)
	return "sha1:" + b32.EncodeToString(s[:])
}
