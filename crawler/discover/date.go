package discover

import (
	"strings"
	"time"

	"github.com/gongkai/gongkai/extract"
)

// findDate returns the first date in list text as YYYY-MM-DD or
// YYYY-MM-DD HH:MM (list entries keep minutes: that is what lists show, and
// what is compared between polls), using the extractor's date rules.
func findDate(s string) string { return toMinutes(extract.FindDate(s)) }

// epochDate formats an API's epoch seconds or milliseconds in loc.
func epochDate(v int64, loc *time.Location) string { return toMinutes(extract.EpochDate(v, loc)) }

func toMinutes(d string) string {
	if len(d) > len("2006-01-02 15:04") {
		return d[:len("2006-01-02 15:04")]
	}
	return d
}

// cleanText collapses runs of whitespace (including U+3000 and no-break
// spaces) into one space and trims the ends.
func cleanText(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u3000', '\u200b', '\ufeff':
		return true
	}
	return false
}
