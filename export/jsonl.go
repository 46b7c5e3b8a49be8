package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Line is one document version as a JSON line. The keys are the export
// schema shared with the web API: url, source, version, fetched_at, sha256,
// status, then every field of extract.Fields() under its key in the table's
// order (title … access, body), then attachments. Every key is always
// present so that consumers (jq, spreadsheets) see a fixed shape; a field
// added to the table appears here without a change to this package.
type Line struct {
	URL         string
	Source      string
	Version     int    // 1-based
	FetchedAt   string // RFC 3339, UTC
	SHA256      string // the version's content fingerprint
	Status      string // of the document now: live or withdrawn
	Fields      map[string]string
	Attachments []extract.Attachment
}

// NewLine builds the line for version v of document d.
func NewLine(d archive.Doc, v archive.Version) Line {
	r := v.Record
	atts := r.Attachments
	if atts == nil {
		atts = []extract.Attachment{} // "[]", not null
	}
	fields := map[string]string{}
	for _, f := range extract.Fields() {
		fields[f.Key] = f.Value(r)
	}
	return Line{
		URL:         d.URL,
		Source:      d.Source,
		Version:     v.N,
		FetchedAt:   v.FetchedAt.UTC().Format(time.RFC3339),
		SHA256:      v.SHA256,
		Status:      d.Status,
		Fields:      fields,
		Attachments: atts,
	}
}

// MarshalJSON writes the keys in schema order, HTML left unescaped (bodies
// quote 《》 and <a> text; an encoder asking for escaping still gets it).
func (l Line) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	var err error
	put := func(key string, v any) {
		if err != nil {
			return
		}
		if b.Len() == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(key) + ":")
		err = enc.Encode(v) // its trailing newline is white space JSON allows
	}
	put("url", l.URL)
	put("source", l.Source)
	put("version", l.Version)
	put("fetched_at", l.FetchedAt)
	put("sha256", l.SHA256)
	put("status", l.Status)
	for _, f := range extract.Fields() {
		put(f.Key, l.Fields[f.Key])
	}
	atts := l.Attachments
	if atts == nil {
		atts = []extract.Attachment{}
	}
	put("attachments", atts)
	b.WriteByte('}')
	return b.Bytes(), err
}

// UnmarshalJSON reads a line back, rejecting keys outside the schema.
func (l *Line) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*l = Line{Fields: map[string]string{}}
	targets := map[string]any{"url": &l.URL, "source": &l.Source, "version": &l.Version, "fetched_at": &l.FetchedAt,
		"sha256": &l.SHA256, "status": &l.Status, "attachments": &l.Attachments}
	for key, raw := range m {
		if dst, ok := targets[key]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Errorf("export line %s: %w", key, err)
			}
			continue
		}
		if _, ok := extract.FieldByKey(key); !ok {
			return fmt.Errorf("export line: unknown key %q", key)
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("export line %s: %w", key, err)
		}
		l.Fields[key] = v
	}
	return nil
}

// JSONL writes one Line per version fetched at or after o.Since, in document
// then version order, and returns how many lines it wrote.
func JSONL(ctx context.Context, src Source, w io.Writer, o Options) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // bodies quote 《》 and <a> text; keep them readable
	n := 0
	err := src.ForEachVersion(ctx, o.Since, func(d archive.Doc, v archive.Version) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(NewLine(d, v)); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export jsonl: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export jsonl: %w", err)
	}
	return n, nil
}
