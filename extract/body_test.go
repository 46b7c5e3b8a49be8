package extract

import (
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
