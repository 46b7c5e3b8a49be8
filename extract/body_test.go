package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFooterMarkRunes keeps hasFooterMark's rune switch in step with
// footerMarks.
func TestFooterMarkRunes(t *testing.T) {
	for _, m := range footerMarks {
		if !hasFooterMark("正文" + m + "。") {
			r, _ := utf8.DecodeRuneInString(m)
			t.Errorf("hasFooterMark misses %q: add %q to its switch", m, r)
		}
	}
	if hasFooterMark("为进一步做好政府信息公开工作") {
		t.Error("hasFooterMark found a mark in plain text")
	}
}

// TestTrimSpace checks trimSpace against strings.TrimSpace on lines built
// from spaces, Chinese, ASCII and broken UTF-8.
func TestTrimSpace(t *testing.T) {
	parts := []string{"", " ", "\t", "\u3000", "\u00a0", "\u2003", "\u200b", "\ufeff", "a", "中", "，", "。", "\xe4\xb8", "\xad", "\xff", "é", "😀", "\x1f", "\v"}
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				for _, s := range []string{a + b + c, a + "文字" + b + c, a + b + "x" + c} {
					if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
						t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
					}
				}
			}
		}
	}
}
