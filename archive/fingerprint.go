package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/extract"
)

// A fingerprint scheme is one way of turning a record into the digest that
// decides "same content". Every version stores the scheme of its digest, and
// Verify checks each version against its own scheme, so a new scheme never
// invalidates stored digests. Schemes are kept forever; add one, never edit
// one.
var fingerprintSchemes = map[int]func(extract.Document) string{
	1: fingerprintV1,
	2: fingerprintV2,
}

// FingerprintScheme is the scheme new versions are written with.
const FingerprintScheme = 2

// Fingerprint is the SHA-256 (hex) of a document's normalized extracted
// content under the current scheme. It never covers raw HTML, so view
// counters, clocks and tokens in the page chrome do not make a new version;
// where each field came from (Document.Sources) is not content and is left
// out too.
func Fingerprint(d extract.Document) string { return fingerprintV2(d) }

// FingerprintWith computes d's fingerprint under scheme (0 means 1: versions
// written before schemes were recorded).
func FingerprintWith(scheme int, d extract.Document) (string, error) {
	if scheme == 0 {
		scheme = 1
	}
	fn, ok := fingerprintSchemes[scheme]
	if !ok {
		return "", fmt.Errorf("unknown fingerprint scheme %d", scheme)
	}
	return fn(d), nil
}

// fingerprintV2 loops over the field table: a field added to it changes no
// stored digest of a document where the field is empty.
// Each field is normalized into one reused buffer that the hash reads
// directly: no string per field, no copy into the hash.
func fingerprintV2(d extract.Document) string {
	h := sha256.New()
	buf := make([]byte, 0, len(d.Body))
	for _, f := range extract.Fields() {
		if buf = appendCollapse(buf[:0], f.Value(d), f.Key == extract.FieldBody); len(buf) > 0 {
			field(h, f.Key, buf)
		}
	}
	for _, a := range d.Attachments {
		field(h, extract.FieldAttachments, appendCollapse(buf[:0], a.Name, false))
		field(h, extract.FieldAttachments, append(buf[:0], strings.TrimSpace(a.URL)...))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// field writes one length-prefixed key and value: no escaping rule (which
// could change with Unicode tables) decides what is digested.
func field(w io.Writer, key string, v []byte) {
	// What fmt.Fprintf(w, "%s %d\n%s\n", key, len(v), v) writes, without
	// copying the body through fmt's buffer.
	var head [64]byte
	w.Write(append(strconv.AppendInt(append(append(head[:0], key...), ' '), int64(len(v)), 10), '\n'))
	w.Write(v)
	w.Write(newline)
}

var newline = []byte{'\n'}

// fingerprintRecord is scheme 1's normalized record. Its encoding is frozen:
// every version written by schema 1 was digested with it.
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

func fingerprintV1(d extract.Document) string {
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
func normSpace(s string) string { return collapse(s, false) }

// normBody normalizes each line and drops empty ones: re-flowed white space is
// not an edit, a changed character is.
func normBody(s string) string { return collapse(s, true) }

func collapse(s string, lines bool) string { return string(appendCollapse(nil, s, lines)) }

// appendCollapse appends strings.Join(strings.Fields(s), " ") to b, in one
// pass without the slice of words, and with lines when it keeps them: then
// each line is collapsed alone and empty lines are dropped. The digests of
// stored versions depend on it: its output must never change
// (TestCollapseMatchesFields). One pass was a third of the fingerprint's
// CPU on 27 KB pages.
func appendCollapse(b []byte, s string, lines bool) []byte {
	start := len(b)
	word, space, line := false, false, false // in a word; a space is due; a line break is due
	for i := 0; i < len(s); {
		c := s[i]
		size, isSpace := 1, false
		switch {
		case c == '\n' && lines:
			line, space, word = len(b) > start, false, false
			i++
			continue
		case c < utf8.RuneSelf:
			isSpace = asciiSpace[c]
		case spaceLead[c]:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		if isSpace {
			space = space || word
			word = false
			i += size
			continue
		}
		switch {
		case line:
			b = append(b, '\n')
		case space:
			b = append(b, ' ')
		}
		line, space, word = false, false, true
		// The bytes up to the next one that may start white space are
		// copied at once: a byte that is no space's first (a Han
		// character's, a continuation byte, an invalid one) is copied as
		// it is, as decoding rune by rune would.
		j := i + size
		for j < len(s) && !maySpace[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		i = j
	}
	return b
}

// spaceLead holds the first bytes of the UTF-8 encodings of the white
// space runes above ASCII (unicode.IsSpace): U+0085 and U+00A0 (C2),
// U+1680 (E1), U+2000–U+200A, U+2028, U+2029, U+202F and U+205F (E2),
// U+3000 (E3). maySpace adds ASCII white space.
var spaceLead, maySpace = func() (lead, may [256]bool) {
	for _, c := range []byte{0xc2, 0xe1, 0xe2, 0xe3} {
		lead[c], may[c] = true, true
	}
	for c, sp := range asciiSpace {
		may[c] = sp
	}
	return lead, may
}()

// asciiSpace is strings.Fields's set of ASCII white space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
