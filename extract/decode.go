package extract

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// metaScanLimit is how much of a page is searched for a <meta> charset.
// Browsers look at 1 KB; Chinese CMS templates often put a long <title>,
// keywords and inline scripts first, so look further.
const metaScanLimit = 4 << 10

// maxGunzip bounds what an unasked-for gzip body may expand to.
const maxGunzip = 64 << 20

// Decode converts a raw response body to UTF-8. contentType is the HTTP
// Content-Type header (may be empty).
//
// The charset is taken, in order, from the header (unless it says UTF-8
// and the bytes are not), a byte-order mark, a
// <meta charset> or <meta http-equiv> in the first 4 KB, UTF-8 validity
// (see looksUTF8), and finally GB18030. Every gb2312/gbk/gb18030 label decodes as GB18030: the
// bytes of legacy hosts are often GB18030 whatever the label says, and GBK
// decoders lose its 4-byte characters. Decode returns the charset name used.
// A body that is gzip-compressed although nobody asked for it is inflated
// first.
func Decode(body []byte, contentType string) ([]byte, string, error) {
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		plain, err := gunzip(body)
		if err != nil {
			return nil, "", fmt.Errorf("decode: %w", err)
		}
		body = plain
	}
	if enc, name := encodingFromContentType(contentType); enc != nil {
		// A header claiming UTF-8 over bytes that are not (a server-wide
		// default in front of a GBK page) is wrong: let the page's own
		// label and the bytes decide instead of archiving mojibake.
		if name != "utf-8" || looksUTF8(body) {
			return decodeWith(body, enc, name)
		}
	}
	switch {
	case bytes.HasPrefix(body, []byte{0xef, 0xbb, 0xbf}):
		return decodeWith(body[3:], nil, "utf-8")
	case bytes.HasPrefix(body, []byte{0xff, 0xfe}):
		return decodeWith(body, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le")
	case bytes.HasPrefix(body, []byte{0xfe, 0xff}):
		return decodeWith(body, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be")
	}
	if enc, name := encodingFromMeta(body); enc != nil {
		return decodeWith(body, enc, name)
	}
	if looksUTF8(body) {
		return body, "utf-8", nil
	}
	return decodeWith(body, simplifiedchinese.GB18030, "gb18030")
}

// utf8Evidence is how many bytes of non-ASCII text looksUTF8 reads.
const utf8Evidence = 2 << 10

// looksUTF8 reports whether body is UTF-8 text: its first utf8Evidence
// bytes of non-ASCII text (all of them, in a page with fewer) are valid
// UTF-8. GBK or GB18030 text fails within its first characters (their
// byte pairs are not UTF-8's sequences), so the rest of a page need not
// be read: this was a pass over every page fetched. A stray invalid byte
// further on in a UTF-8 page becomes U+FFFD in the extracted text
// instead of making the whole page decode as GB18030.
func looksUTF8(body []byte) bool {
	const chunk = 4 << 10
	seen := 0
	for start := 0; start < len(body) && seen < utf8Evidence; {
		end := min(start+chunk, len(body))
		for end < len(body) && !utf8.RuneStart(body[end]) && end-start < chunk+utf8.UTFMax {
			end++ // not in the middle of a character
		}
		part := body[start:end]
		if !utf8.Valid(part) {
			return false
		}
		for _, c := range part {
			if c >= utf8.RuneSelf {
				seen++
			}
		}
		start = end
	}
	return true
}

func gunzip(body []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxGunzip+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	if len(out) > maxGunzip {
		return nil, fmt.Errorf("gunzip: body larger than %d bytes", maxGunzip)
	}
	return out, nil
}

// decodeWith decodes body with enc; a nil enc means UTF-8, passed through.
func decodeWith(body []byte, enc encoding.Encoding, name string) ([]byte, string, error) {
	if enc == nil || enc == encoding.Nop || name == "utf-8" {
		return body, "utf-8", nil
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", name, err)
	}
	return out, name, nil
}

// lookupCharset maps a charset label to an encoding and its canonical name.
// Every label of the GB family becomes GB18030, a superset of the others.
func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil, ""
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, ""
	}
	if enc == simplifiedchinese.GBK || enc == simplifiedchinese.GB18030 {
		return simplifiedchinese.GB18030, "gb18030"
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return nil, ""
	}
	if name == "utf-8" {
		return encoding.Nop, "utf-8"
	}
	return enc, name
}

func encodingFromContentType(contentType string) (encoding.Encoding, string) {
	if contentType == "" {
		return nil, ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Servers send things like "text/html;;charset=GBK"; find it by hand.
		i := strings.Index(strings.ToLower(contentType), "charset=")
		if i < 0 {
			return nil, ""
		}
		v := contentType[i+len("charset="):]
		if j := strings.IndexAny(v, "; "); j >= 0 {
			v = v[:j]
		}
		return lookupCharset(v)
	}
	return lookupCharset(params["charset"])
}

// encodingFromMeta finds <meta charset=…> or <meta http-equiv=… content="…;
// charset=…"> in the first metaScanLimit bytes.
func encodingFromMeta(body []byte) (encoding.Encoding, string) {
	head := body
	if len(head) > metaScanLimit {
		head = head[:metaScanLimit]
	}
	for {
		i := indexFold(head, "<meta")
		if i < 0 {
			return nil, ""
		}
		head = head[i+5:]
		end := bytes.IndexByte(head, '>')
		tag := head
		if end >= 0 {
			tag = head[:end]
		}
		if j := indexFold(tag, "charset"); j >= 0 {
			v := bytes.TrimLeft(tag[j+len("charset"):], " \t\r\n")
			if len(v) > 0 && v[0] == '=' {
				v = bytes.TrimLeft(v[1:], " \t\r\n\"'")
				k := 0
				for k < len(v) && (isAlnum(v[k]) || v[k] == '-' || v[k] == '_' || v[k] == ':' || v[k] == '.') {
					k++
				}
				if enc, name := lookupCharset(string(v[:k])); enc != nil {
					return enc, name
				}
			}
		}
		if end < 0 {
			return nil, ""
		}
		head = head[end:]
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// indexFold is bytes.Index for an ASCII lower-case needle, ignoring case.
func indexFold(s []byte, lowerNeedle string) int {
	n := len(lowerNeedle)
	for i := 0; i+n <= len(s); i++ {
		c := s[i] | 0x20
		if c != lowerNeedle[0] {
			continue
		}
		ok := true
		for j := 1; j < n; j++ {
			if s[i+j]|0x20 != lowerNeedle[j] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
