package discover

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateRe finds list dates: 2025-01-23, 2025年1月23日, 2020.03.16, 2025/1/23,
// [2026-01-01], "2019-02-12  16:43", gov.cn's 2025-01-23-10:00:00.
var dateRe = regexp.MustCompile(`(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})(?:\s*日)?(?:(?:\s+|-|T|\s*日\s*)(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?)?`)

// findDate returns the first plausible date in s as YYYY-MM-DD or
// YYYY-MM-DD HH:MM, or "" when there is none. Digit runs that only look like
// dates (index numbers such as 2025-52138 or 2026-02-00018) are skipped.
func findDate(s string) string {
	for _, m := range dateRe.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > 0 && isDigit(s[m[0]-1]) {
			continue
		}
		// A digit right after the day (or the time) means a longer number.
		if m[1] < len(s) && isDigit(s[m[1]]) {
			continue
		}
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if y < 1949 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
			continue
		}
		out := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
		if m[8] >= 0 {
			h, _ := strconv.Atoi(s[m[8]:m[9]])
			mi, _ := strconv.Atoi(s[m[10]:m[11]])
			if h < 24 && mi < 60 {
				out += fmt.Sprintf(" %02d:%02d", h, mi)
			}
		}
		return out
	}
	return ""
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// epochDate formats epoch seconds (or milliseconds) in loc; the time of day
// is kept unless it is midnight, which APIs use for "date only".
func epochDate(v int64, loc *time.Location) string {
	if v <= 0 {
		return ""
	}
	if v > 1e11 { // milliseconds (gov.cn)
		v /= 1000
	}
	t := time.Unix(v, 0).In(loc)
	if t.Hour() == 0 && t.Minute() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
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
