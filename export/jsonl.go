package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Line is one document version as a JSON line. The field names are the
// export schema shared with the web API: do not rename them. Every field is
// always present so that consumers (jq, spreadsheets) see a fixed shape.
type Line struct {
	URL         string               `json:"url"`
	Source      string               `json:"source"`
	Version     int                  `json:"version"`    // 1-based
	FetchedAt   string               `json:"fetched_at"` // RFC 3339, UTC
	SHA256      string               `json:"sha256"`     // the version's content fingerprint
	Status      string               `json:"status"`     // of the document now: live or withdrawn
	Title       string               `json:"title"`
	IndexNo     string               `json:"index_no"`
	Published   string               `json:"published"`
	Written     string               `json:"written"`
	Publisher   string               `json:"publisher"`
	DocNo       string               `json:"doc_no"`
	Topic       string               `json:"topic"`
	Body        string               `json:"body"`
	Attachments []extract.Attachment `json:"attachments"`
}

// NewLine builds the line for version v of document d.
func NewLine(d archive.Doc, v archive.Version) Line {
	r := v.Record
	atts := r.Attachments
	if atts == nil {
		atts = []extract.Attachment{} // "[]", not null
	}
	return Line{
		URL:         d.URL,
		Source:      d.Source,
		Version:     v.N,
		FetchedAt:   v.FetchedAt.UTC().Format(time.RFC3339),
		SHA256:      v.SHA256,
		Status:      d.Status,
		Title:       r.Title,
		IndexNo:     r.IndexNo,
		Published:   r.Published,
		Written:     r.Written,
		Publisher:   r.Publisher,
		DocNo:       r.DocNo,
		Topic:       r.Topic,
		Body:        r.Body,
		Attachments: atts,
	}
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
