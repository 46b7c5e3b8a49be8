package main

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/diff"
	"github.com/gongkai/gongkai/internal/termsafe"
)

// Archived text comes from third-party pages. Printed raw, an ESC sequence
// in a title or body could move the cursor, retitle the window, rewrite
// what was printed before or (on some terminals) answer back as typed
// input. Everything the read commands print of it goes through termSafe.

// termSafe replaces the control characters of s, except newline and tab,
// with visible stand-ins: C0 controls and DEL with their Unicode control
// pictures (ESC → ␛), C1 controls and bidirectional overrides with U+FFFD.
func termSafe(s string) string {
	if !strings.ContainsFunc(s, termsafe.Unsafe) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case !termsafe.Unsafe(r):
			return r
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return '␡'
		}
		return utf8.RuneError
	}, s)
}

// safeWriter passes text through termSafe, keeping a UTF-8 sequence split
// across writes whole.
type safeWriter struct {
	w       io.Writer
	pending []byte
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

func (s *safeWriter) Write(p []byte) (int, error) {
	buf := append(s.pending, p...)
	cut := len(buf)
	// Hold back an incomplete rune at the end for the next write.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	s.pending = append([]byte(nil), buf[cut:]...)
	if _, err := io.WriteString(s.w, termSafe(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held-back incomplete sequence (as U+FFFD).
func (s *safeWriter) Flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(s.w, termSafe(strings.ToValidUTF8(string(s.pending), "\uFFFD")))
	s.pending = nil
	return err
}

// safeResult is r with every archived text passed through termSafe, for
// diff.WriteTerminal, which adds its own color sequences around them.
func safeResult(r diff.Result) diff.Result {
	out := r
	out.Fields = make([]diff.FieldChange, len(r.Fields))
	for i, f := range r.Fields {
		out.Fields[i] = diff.FieldChange{Field: f.Field, Old: termSafe(f.Old), New: termSafe(f.New)}
	}
	out.Body = make([]diff.Op, len(r.Body))
	for i, op := range r.Body {
		op.Old, op.New = termSafe(op.Old), termSafe(op.New)
		spans := make([]diff.Span, len(op.Spans))
		for j, sp := range op.Spans {
			spans[j] = diff.Span{Kind: sp.Kind, Text: termSafe(sp.Text)}
		}
		op.Spans = spans
		out.Body[i] = op
	}
	return out
}

// terminal returns a copy of e whose stdout neutralizes control characters
// (see termSafe), and a func that flushes it. For text output only: JSON
// output goes through termsafe.JSON.
func (e *env) terminal() (*env, func()) {
	w := newSafeWriter(e.stdout)
	return &env{stdout: w, stderr: e.stderr}, func() { w.Flush() }
}
