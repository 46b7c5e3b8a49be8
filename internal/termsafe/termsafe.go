// Package termsafe keeps archived text from driving a terminal. Archived
// text comes from third-party pages: printed raw, an ESC sequence in a
// title or body could move the cursor, retitle the window, rewrite what
// was printed before or (on some terminals) answer back as typed input,
// and a bidi override could make a line read as something else. JSON
// escapes some of these (C0 controls) but encoding/json leaves DEL, the C1
// controls and the bidi overrides raw.
package termsafe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Unsafe reports whether r is a character a terminal acts on rather than
// shows: a control character other than newline and tab (C0, DEL, C1), or
// a bidirectional embedding, override or isolate.
func Unsafe(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	}
	return false
}

// JSON escapes, in encoded JSON, the Unsafe characters encoding/json
// leaves raw (DEL, C1 controls, bidirectional overrides) as \uXXXX: the
// same strings for a program that reads the JSON, nothing that drives a
// terminal that shows it. Only strings hold characters outside printable
// ASCII in encoded JSON, so escaping them anywhere is valid. b is returned
// as it is when it holds none.
func JSON(b []byte) []byte {
	if !bytes.ContainsFunc(b, Unsafe) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if Unsafe(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// Marshal is v as indented JSON, "<", ">" and "&" left as they are, with
// a final newline, through JSON: what the CLI's -json output and the web
// API send.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return JSON(b.Bytes()), nil
}
