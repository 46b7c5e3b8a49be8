package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// snippetRunes is about how long a snippet is.
const snippetRunes = 120

// needles are the strings to mark for the query parts: each phrase and term
// as written, and, for a term not found as written, its character pairs
// (a term matches when all its pairs occur, not necessarily together).
func needles(text string, parts []part) []string {
	var out []string
	lower := strings.ToLower(text)
	for _, p := range parts {
		t := strings.ToLower(p.text)
		if p.phrase || strings.Contains(lower, t) {
			out = append(out, t)
			continue
		}
		rs := []rune(t)
		for i := 0; i+1 < len(rs); i++ {
			out = append(out, string(rs[i:i+2]))
		}
		if len(rs) == 1 {
			out = append(out, t)
		}
	}
	return out
}

// match is a marked range of bytes.
type match struct{ start, end int }

// matches finds the non-overlapping occurrences of needles in text (case
// folded for Latin letters), in order.
func matches(text string, ns []string) []match {
	lower := strings.ToLower(text)
	if len(lower) != len(text) { // folding changed byte lengths: match as written
		lower = text
	}
	var ms []match
	for _, n := range ns {
		if n == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(lower[from:], n)
			if i < 0 {
				break
			}
			ms = append(ms, match{from + i, from + i + len(n)})
			from += i + len(n)
		}
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end > ms[j].end
	})
	var out []match
	for _, m := range ms {
		if len(out) > 0 && m.start < out[len(out)-1].end {
			if m.end > out[len(out)-1].end {
				out[len(out)-1].end = m.end
			}
			continue
		}
		out = append(out, m)
	}
	return out
}

// markRange writes text[from:to] escaped, with the matches inside it marked.
func markRange(b *strings.Builder, text string, ms []match, from, to int) {
	at := from
	for _, m := range ms {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		b.WriteString(html.EscapeString(text[at:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		at = e
	}
	b.WriteString(html.EscapeString(text[at:to]))
}

// mark returns text as HTML, escaped, with the query's matches in <mark>.
func mark(text string, parts []part) string {
	var b strings.Builder
	markRange(&b, text, matches(text, needles(text, parts)), 0, len(text))
	return b.String()
}

// snippet returns about size runes of text around its first match of the
// query, as HTML: escaped, matches in <mark>, "…" where it was cut. With no
// match it is the start of the text.
func snippet(text string, parts []part, size int) string {
	text = strings.Join(strings.Fields(text), " ")
	ms := matches(text, needles(text, parts))
	from := 0
	if len(ms) > 0 {
		// Start about a quarter of the snippet before the first match.
		from = ms[0].start
		for back := size / 4; back > 0 && from > 0; back-- {
			_, n := utf8.DecodeLastRuneInString(text[:from])
			from -= n
		}
	}
	to := from
	for n := 0; n < size && to < len(text); n++ {
		_, w := utf8.DecodeRuneInString(text[to:])
		to += w
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	markRange(&b, text, ms, from, to)
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}
