package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/gongkai/gongkai/extract"
)

// fingerprintRecord is the normalized record a version's digest is computed
// over. Its encoding is part of the archive format: changing it would make
// every stored digest fail verification, so add a new version of it instead.
type fingerprintRecord struct {
	Title       string               `json:"title"`
	IndexNo     string               `json:"index_no"`
	Published   string               `json:"published"`
	Written     string               `json:"written"`
	Publisher   string               `json:"publisher"`
	DocNo       string               `json:"doc_no"`
	Topic       string               `json:"topic"`
	Access      string               `json:"access"`
	Body        string               `json:"body"`
	Attachments []extract.Attachment `json:"attachments"`
}

// Fingerprint is the SHA-256 (hex) of a document's normalized extracted
// content. It never covers raw HTML, so view counters, clocks and tokens in
// the page chrome do not make a new version; where each field came from
// (Document.Sources) is not content and is left out too.
func Fingerprint(d extract.Document) string {
	r := fingerprintRecord{
		Title:     normSpace(d.Title),
		IndexNo:   normSpace(d.IndexNo),
		Published: normSpace(d.Published),
		Written:   normSpace(d.Written),
		Publisher: normSpace(d.Publisher),
		DocNo:     normSpace(d.DocNo),
		Topic:     normSpace(d.Topic),
		Access:    normSpace(d.Access),
		Body:      normBody(d.Body),
	}
	for _, a := range d.Attachments {
		r.Attachments = append(r.Attachments, extract.Attachment{Name: normSpace(a.Name), URL: strings.TrimSpace(a.URL)})
	}
	b, _ := json.Marshal(r) // cannot fail: strings and slices only
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// normSpace collapses every run of white space (including U+3000 and NBSP,
// which strings.Fields treats as space) into one ASCII space.
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// normBody normalizes each line and drops empty ones: re-flowed white space is
// not an edit, a changed character is.
func normBody(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = normSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
