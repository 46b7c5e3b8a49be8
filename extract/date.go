package extract

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "time/tzdata" // Asia/Shanghai on systems without zoneinfo

	"github.com/gongkai/gongkai/internal/chinatime"
)

// NormalizeDate turns one raw date string into "YYYY-MM-DD", "YYYY-MM-DD HH:MM"
// or "YYYY-MM-DD HH:MM:SS", or "" if it is not a date.
//
// The string must start with the date, optionally inside brackets; trailing
// text after the date (and time) is ignored, so "2025-01-23 14:48:26 信息来源"
// normalizes. Accepted: 2025-01-23, 2025年1月23日, 2025/01/23, 2025.01.23,
// [2026-01-01], gov.cn's 2025-01-23-10:00:00, RFC 3339. Index-number parts
// such as 2025-52138 or 2026-02-00018 and lone years are not dates. Times with
// a zone are converted to China time.
func NormalizeDate(s string) string {
	return normalizeDateIn(s, shanghai())
}

// shanghai is China time, declared once for the project in chinatime.
var shanghai = chinatime.Location

// dateScanner walks a string rune by rune; digits and separators are folded
// to ASCII so full-width forms (２０２５－０１－２３) parse too.
type dateScanner struct {
	s   string
	pos int
}

func (d *dateScanner) peek() rune {
	if d.pos >= len(d.s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(d.s[d.pos:])
	return foldRune(r)
}

func (d *dateScanner) next() rune {
	if d.pos >= len(d.s) {
		return -1
	}
	r, n := utf8.DecodeRuneInString(d.s[d.pos:])
	d.pos += n
	return foldRune(r)
}

// foldRune maps full-width ASCII to ASCII and U+3000 / NBSP to a space.
func foldRune(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		return r - '！' + '!'
	case r == '\u3000' || r == '\u00a0':
		return ' '
	}
	return r
}

// number reads up to max digits; it fails if more digits follow.
func (d *dateScanner) number(minDigits, maxDigits int) (int, bool) {
	start := d.pos
	n, digits := 0, 0
	for {
		r := d.peek()
		if r < '0' || r > '9' {
			break
		}
		if digits == maxDigits {
			d.pos = start
			return 0, false
		}
		d.next()
		n = n*10 + int(r-'0')
		digits++
	}
	if digits < minDigits {
		d.pos = start
		return 0, false
	}
	return n, true
}

func (d *dateScanner) skipSpaces() {
	for {
		r := d.peek()
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return
		}
		d.next()
	}
}

// FindDate returns the first date in running text (a list row, a byline)
// normalized as NormalizeDate does, or "". A date must start a run of
// digits, so the tail of an index number (…/2025-52138) is not one, and
// years before 1949 are skipped: in running text they are placeholders
// (1900-01-01) or history, not when something was published.
func FindDate(s string) string {
	loc := shanghai()
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			continue
		}
		if d := normalizeDateIn(s[i:], loc); d != "" && d[:4] >= "1949" {
			return d
		}
	}
	return ""
}

func normalizeDateIn(s string, loc *time.Location) string {
	d := dateScanner{s: strings.TrimSpace(s)}
	for {
		r := d.peek()
		if r == '[' || r == '(' || r == '【' || r == '〔' || r == ' ' || r == '<' {
			d.next()
			continue
		}
		break
	}
	year, ok := d.number(4, 4)
	if !ok || year < 1900 || year > 2199 {
		return ""
	}
	sep := d.next()
	var dateSep rune
	switch sep {
	case '-', '/', '.', '年':
		dateSep = sep
	default:
		return ""
	}
	d.skipSpaces()
	month, ok := d.number(1, 2)
	if !ok || month < 1 || month > 12 {
		return ""
	}
	s2 := d.next()
	if dateSep == '年' {
		if s2 != '月' {
			return ""
		}
	} else if s2 != dateSep {
		return ""
	}
	d.skipSpaces()
	day, ok := d.number(1, 2)
	if !ok || day < 1 || day > daysIn(year, month) {
		return ""
	}
	if dateSep == '年' {
		if d.peek() == '日' || d.peek() == '号' {
			d.next()
		}
	}
	date := formatDate(year, month, day)

	// An optional time: " 14:48", "T14:48:26", gov.cn's "-10:00:00",
	// "14时48分".
	save := d.pos
	r := d.peek()
	if r == ' ' || r == 'T' || r == '-' || r == '\t' {
		d.next()
		d.skipSpaces()
	}
	hour, ok := d.number(1, 2)
	if !ok {
		d.pos = save
		return date
	}
	c := d.next()
	if c != ':' && c != '时' {
		d.pos = save
		return date
	}
	minute, ok := d.number(2, 2)
	if !ok || hour > 23 || minute > 59 {
		d.pos = save
		return date
	}
	if c == '时' && d.peek() == '分' {
		d.next()
	}
	sec := -1
	if c == ':' && d.peek() == ':' {
		p := d.pos
		d.next()
		if v, ok := d.number(2, 2); ok && v <= 60 {
			sec = v
		} else {
			d.pos = p
		}
	}
	if sec >= 0 && d.peek() == '.' { // fractional seconds
		d.next()
		for r := d.peek(); r >= '0' && r <= '9'; r = d.peek() {
			d.next()
		}
	}
	if off, ok := zoneSuffix(&d); ok {
		t := time.Date(year, time.Month(month), day, hour, minute, max(sec, 0), 0, time.FixedZone("", off)).In(loc)
		if sec >= 0 {
			return t.Format("2006-01-02 15:04:05")
		}
		return t.Format("2006-01-02 15:04")
	}
	if sec >= 0 {
		return string(appendTwo(appendTwo(appendTwo([]byte(date+" "), hour, ':'), minute, ':'), sec, 0))
	}
	return string(appendTwo(appendTwo([]byte(date+" "), hour, ':'), minute, 0))
}

// zoneSuffix reads "Z", "+08:00" or "+0800".
func zoneSuffix(d *dateScanner) (int, bool) {
	save := d.pos
	switch r := d.peek(); r {
	case 'Z':
		d.next()
		return 0, true
	case '+', '-':
		d.next()
		h, ok := d.number(2, 2)
		if !ok {
			d.pos = save
			return 0, false
		}
		if d.peek() == ':' {
			d.next()
		}
		m, ok := d.number(2, 2)
		if !ok {
			d.pos = save
			return 0, false
		}
		off := h*3600 + m*60
		if r == '-' {
			off = -off
		}
		return off, true
	}
	return 0, false
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// epochDate formats epoch seconds or milliseconds in loc.
// EpochDate formats epoch seconds (or milliseconds, as gov.cn's APIs give)
// in loc, as "YYYY-MM-DD" for midnight (APIs' "date only") and with the
// time otherwise; "" for zero or negative values.
func EpochDate(v int64, loc *time.Location) string { return epochDate(v, loc) }

func epochDate(v int64, loc *time.Location) string {
	if v <= 0 {
		return ""
	}
	if v > 1e11 {
		v /= 1000
	}
	t := time.Unix(v, 0).In(loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// dateFromString normalizes a date value that may be epoch seconds written
// as digits (JSON APIs) or a date string.
func dateFromString(s string, loc *time.Location) string {
	s = strings.TrimSpace(s)
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 && len(s) >= 9 {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return epochDate(v, loc)
		}
	}
	return normalizeDateIn(s, loc)
}

// dateOnly returns the normalized date when s is nothing but a date (and
// time), as in a byline item <li>2023-12-01 14:43</li>; else "".
func dateOnly(s string, loc *time.Location) string {
	if len(s) > 48 {
		return ""
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９', isSpaceRune(r):
		case strings.ContainsRune("-/.:年月日时分秒号[]()【】〔〕（）", r):
		default:
			return ""
		}
	}
	return normalizeDateIn(s, loc)
}

// isDateLine reports a line that is only a date.
func isDateLine(s string) bool { return dateOnly(s, shanghai()) != "" }

// formatDate is fmt.Sprintf("%04d-%02d-%02d") without its cost: dates are
// normalized for every candidate line.
func formatDate(year, month, day int) string {
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+year/1000%10), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	b = appendTwo(b, month, '-')
	b = appendTwo(b, day, 0)
	return string(b)
}

// appendTwo appends v as two digits and then sep (none if 0).
func appendTwo(b []byte, v int, sep byte) []byte {
	b = append(b, byte('0'+v/10%10), byte('0'+v%10))
	if sep != 0 {
		b = append(b, sep)
	}
	return b
}
