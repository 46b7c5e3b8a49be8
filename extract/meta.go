package extract

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
)

// candidate is one labelled value found on the page.
type candidate struct {
	value  string
	rank   int
	source string
	order  int
}

// maxScanRunes: lines longer than this are prose, never a metadata line.
const maxScanRunes = 400

// bodyStartRunes: a body line this long ends the part of the body
// container where a metadata block may still sit.
const bodyStartRunes = 60

// scanMetadata finds labelled values in the tokens, marks the tokens it
// consumed, and returns the best candidate per field (plus the title label).
// Within a field a non-empty value beats an empty one, a canonical label
// beats a synonym, and the first on the page beats later ones.
func scanMetadata(tokens []token, loc *time.Location) map[string]candidate {
	best := map[string]candidate{}
	order := 0
	add := func(l label, raw, source string) {
		if l.field == fieldOther {
			return
		}
		order++
		v := raw
		if isDateField(l.field) {
			v = normalizeDateIn(raw, loc)
		} else {
			v = cleanValue(l.field, raw)
		}
		c := candidate{value: v, rank: l.rank, source: source, order: order}
		old, ok := best[l.field]
		switch {
		case !ok:
			best[l.field] = c
		case old.value == "" && c.value != "":
			best[l.field] = c
		case old.value != "" && c.value == "":
		case c.rank < old.rank:
			best[l.field] = c
		case isDateField(l.field) && c.rank == old.rank && len(c.value) > len(old.value) && strings.HasPrefix(c.value, old.value):
			// Same day, now with the time of day ("2025-01-23" then
			// "2025-01-23 14:48:26"): keep the more precise one.
			best[l.field] = c
		}
	}

	bodyStarted := false
	tables := map[*html.Node]int{} // table → metadata tokens in it
	for i := 0; i < len(tokens); i++ {
		t := &tokens[i]
		if t.body && bodyStarted {
			continue
		}
		if t.runes > maxScanRunes || t.runes == 0 {
			if t.body && t.runes > 0 {
				bodyStarted = true
			}
			continue
		}
		if t.body && isProse(t.text, t.runes) && !startsWithLabel(t.text) {
			bodyStarted = true
			continue
		}
		source := "line"
		if t.cell {
			source = "table"
		}
		if l, ok := lookupLabel(t.text); ok {
			// A label on its own: the value is the next cell or line,
			// unless that is itself a label (an empty value).
			t.meta = true
			value := ""
			if j := i + 1; j < len(tokens) && valueFollows(tokens[j], *t) {
				value = tokens[j].text
				tokens[j].meta = true
				i = j
			}
			if !t.cell && source == "line" {
				source = "block"
			}
			add(l, value, source)
			countTable(tables, t)
			continue
		}
		if !strings.ContainsAny(t.text, ":：") {
			if t.body && isProse(t.text, t.runes) {
				bodyStarted = true
			}
			continue
		}
		pairs := scanInline([]rune(t.text), t.marks)
		if len(pairs) > 0 {
			for _, p := range pairs {
				add(p.label, p.value, source)
			}
			if pairs[0].start == 0 {
				t.meta = true
				countTable(tables, t)
			}
			continue
		}
		if t.body && !t.meta && isProse(t.text, t.runes) {
			bodyStarted = true
		}
	}
	// A table holding two or more labels is the metadata block: none of it
	// is body (title rows, 有效性 and the like included).
	for i := range tokens {
		if tb := tokens[i].table; tb != nil && tables[tb] >= 2 {
			tokens[i].meta = true
		}
	}
	return best
}

func countTable(tables map[*html.Node]int, t *token) {
	if t.table != nil {
		tables[t.table]++
	}
}

// maxLabelBytes: a collapsed line longer than this cannot be a lone label
// (five characters, the spaces between them and a colon).
const maxLabelBytes = 48

// lookupLabel reports whether the whole line is one label.
func lookupLabel(s string) (label, bool) {
	if len(s) > maxLabelBytes {
		return label{}, false
	}
	l, ok := labelByText[normalizeLabel(s)]
	return l, ok
}

// isProse reports a line of running text: long, or a sentence (it ends
// like one). A headline does neither.
func isProse(text string, runes int) bool {
	if runes >= bodyStartRunes {
		return true
	}
	return strings.HasSuffix(text, "。") || strings.HasSuffix(text, "：") || strings.HasSuffix(text, "；") || strings.HasSuffix(text, ":")
}

// valueFollows reports whether v can be the value of the label token l.
func valueFollows(v, l token) bool {
	if startsWithLabel(v.text) {
		return false
	}
	if l.table != nil {
		return v.table == l.table
	}
	return v.runes <= 200 && v.body == l.body
}

// startsWithLabel reports a token that is a label or begins "label：".
func startsWithLabel(s string) bool {
	if s == "" {
		return false
	}
	if _, ok := lookupLabel(s); ok {
		return true
	}
	rs := []rune(s)
	_, end, ok := labelAt(rs, 0)
	if !ok {
		return false
	}
	for end < len(rs) && isSpaceRune(rs[end]) {
		end++
	}
	return end < len(rs) && isColon(rs[end])
}

type pair struct {
	label label
	start int
	value string
}

// scanInline finds "label：value" pairs inside one line, such as
// "发布日期:2025-01-23 14:48:26 信息来源:宁海县公安局 浏览次数:". A value runs to
// the next label. A label needs a colon after it, and must start the line
// or follow a space or punctuation, unless it is three or more characters
// long (a label glued to the previous value).
func scanInline(rs []rune, marks []int) []pair {
	type hit struct {
		l          label
		start, val int
	}
	var hits []hit
	for i := 0; i < len(rs); i++ {
		l, end, ok := labelAt(rs, i)
		if !ok {
			continue
		}
		boundary := i == 0 || !(unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1])) || slices.Contains(marks, i)
		if !boundary && len([]rune(l.text)) < 3 {
			continue
		}
		j := end
		for j < len(rs) && isSpaceRune(rs[j]) {
			j++
		}
		if j >= len(rs) || !isColon(rs[j]) {
			continue
		}
		hits = append(hits, hit{l: l, start: i, val: j + 1})
		i = j
	}
	if len(hits) == 0 {
		return nil
	}
	pairs := make([]pair, len(hits))
	for k, h := range hits {
		end := len(rs)
		if k+1 < len(hits) {
			end = hits[k+1].start
		}
		pairs[k] = pair{label: h.l, start: h.start, value: strings.TrimSpace(string(rs[h.val:end]))}
	}
	return pairs
}

// cleanValue tidies a labelled text value: separators and trailing chrome
// are cut, and placeholders meaning "none" become empty.
func cleanValue(field, s string) string {
	s = collapse(s)
	for _, cut := range []string{"【", "打印本页", "关闭窗口", "字号：", "字体：", "分享到"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimFunc(s, func(r rune) bool {
		return isSpaceRune(r) || strings.ContainsRune("|丨│;；,，、:：", r)
	})
	if field == FieldIndexNo {
		if i := strings.IndexFunc(s, isSpaceRune); i > 0 {
			s = s[:i]
		}
	}
	if strings.Contains(s, "{{") { // an unrendered template placeholder
		return ""
	}
	switch s {
	case "无", "-", "--", "—", "——", "/", "暂无", "null", "undefined":
		return ""
	}
	return s
}
