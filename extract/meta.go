package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
	bodyLines := 0          // body lines seen before the body text started
	tables := map[int]int{} // table id → metadata tokens in it
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
		if t.body {
			bodyLines++
		}
		source := "line"
		if t.cell {
			source = "table"
		}
		if l, ok := lookupLabel(t.text); ok {
			// A label on its own: the value is the next cell or line,
			// unless that is itself a label (an empty value) or, for a
			// label that is no date, a lone byline date.
			j := i + 1
			hasValue := j < len(tokens) && valueFollows(tokens[j], *t) &&
				(isDateField(l.field) || dateOnly(tokens[j].text, loc) == "")
			if l.suffix {
				// Inside the document: the line stays, and only a value
				// of the right shape counts.
				if hasValue && looksDocNo(tokens[j].text) {
					add(l, tokens[j].text, source)
				}
				continue
			}
			t.meta = true
			value := ""
			if hasValue {
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
		if d := bylineDate(tokens, i, loc); d != "" {
			add(bylineLabel, d, "byline")
			continue
		}
		if t.body && bodyLines <= 2 && isDocNoLine(t.text) {
			// 公文 layout: the document number alone on the first line
			// of the body, which keeps it.
			add(label{field: FieldDocNo, rank: 3}, t.text, "body")
			continue
		}
		if strings.IndexByte(t.text, ':') < 0 && !strings.Contains(t.text, "：") {
			if t.body && isProse(t.text, t.runes) {
				bodyStarted = true
			}
			continue
		}
		rs := []rune(t.text)
		pairs := scanInline(rs, t.marks)
		if len(pairs) > 0 {
			if pairs[0].start > 0 {
				// "2024-02-21 10:30 来源：…": a byline led by its date.
				if d := dateOnly(strings.TrimSpace(string(rs[:pairs[0].start])), loc); d != "" {
					add(bylineLabel, d, "byline")
				}
			}
			for _, p := range pairs {
				if p.label.suffix && !looksDocNo(p.value) {
					continue
				}
				src := source
				if p.label == bylineLabel {
					src = "byline"
				}
				add(p.label, p.value, src)
			}
			if pairs[0].start == 0 && !pairs[0].label.suffix {
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
		if tb := tokens[i].table; tb != 0 && tables[tb] >= 2 {
			tokens[i].meta = true
		}
	}
	return best
}

// bylineLabel stands for an unlabelled date in the byline: the weakest
// source of the publication date on the page.
var bylineLabel = label{field: FieldPublished, rank: 4}

// bylineDate reads an unlabelled date in the header zone and marks what it
// consumed: a line that is only a date beside a labelled byline item
// (<li>来源：新华社</li><li>2023-12-01 14:43</li>), or a day and a
// year-month in sibling elements (<div class="day">21</div><div
// class="year">2024年02月</div>).
func bylineDate(tokens []token, i int, loc *time.Location) string {
	t := &tokens[i]
	if d := dateOnly(t.text, loc); d != "" {
		for j := max(0, i-2); j <= min(len(tokens)-1, i+2); j++ {
			if j != i && tokens[j].body == t.body && tokens[j].runes <= maxScanRunes && startsWithLabel(tokens[j].text) {
				t.meta = true
				return d
			}
		}
		return ""
	}
	if i+1 >= len(tokens) || tokens[i+1].body != t.body || t.cell || tokens[i+1].cell {
		return ""
	}
	u := &tokens[i+1]
	day, ym := t.text, u.text
	if !isDayNumber(day) {
		day, ym = ym, day
	}
	if !isDayNumber(day) {
		return ""
	}
	y, m, ok := yearMonth(ym)
	if !ok {
		return ""
	}
	d := normalizeDateIn(fmt.Sprintf("%04d-%02d-%s", y, m, day), loc)
	if d != "" {
		t.meta, u.meta = true, true
	}
	return d
}

// isDayNumber reports "1" … "31".
func isDayNumber(s string) bool {
	if len(s) == 0 || len(s) > 2 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n >= 1 && n <= 31
}

// yearMonth reads "2024年02月", "2024-02", "2024/2" or "2024.02".
func yearMonth(s string) (int, int, bool) {
	d := dateScanner{s: strings.TrimSpace(s)}
	y, ok := d.number(4, 4)
	if !ok || y < 1949 || y > 2199 {
		return 0, 0, false
	}
	sep := d.next()
	if sep != '年' && sep != '-' && sep != '/' && sep != '.' {
		return 0, 0, false
	}
	m, ok := d.number(1, 2)
	if !ok || m < 1 || m > 12 {
		return 0, 0, false
	}
	if sep == '年' && d.peek() == '月' {
		d.next()
	}
	if d.pos != len(d.s) {
		return 0, 0, false
	}
	return y, m, true
}

// docNoLineRe is a document number alone on a line: issuer abbreviation,
// year in brackets, serial and 号 (闽岚综实管综〔2011〕37号).
var docNoLineRe = regexp.MustCompile(`^[\p{Han}A-Za-z0-9]{1,20}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,6}\s*号$`)

func isDocNoLine(s string) bool {
	return len(s) <= 96 && docNoLineRe.MatchString(s)
}

// looksDocNo reports a value shaped like a document number: a year in
// brackets or a number ending in 号.
func looksDocNo(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return false
	}
	if isDocNoLine(s) {
		return true
	}
	return strings.HasSuffix(s, "号") && strings.IndexFunc(s, unicode.IsDigit) >= 0
}

func countTable(tables map[int]int, t *token) {
	if t.table != 0 {
		tables[t.table]++
	}
}

// maxLabelBytes: a collapsed line longer than this cannot be a lone label
// (five characters, the spaces between them and a colon).
const maxLabelBytes = 48

// lookupLabel reports whether the whole line is one label.
func lookupLabel(s string) (label, bool) {
	if len(s) > maxLabelBytes || s == "" {
		return label{}, false
	}
	if r, _ := utf8.DecodeRuneInString(s); labelsByFirst[r] == nil && !strings.Contains(s, "文") {
		return label{}, false
	}
	norm := normalizeLabel(s)
	if l, ok := labelByText[norm]; ok {
		return l, true
	}
	return suffixLabel(norm)
}

// suffixLabel recognises a label by its ending: 3 to 12 Han characters
// ending in 文号 (行政处罚决定书文号, 处罚决定书文号).
func suffixLabel(norm string) (label, bool) {
	if !strings.HasSuffix(norm, "文号") {
		return label{}, false
	}
	n := 0
	for _, r := range norm {
		if !unicode.Is(unicode.Han, r) {
			return label{}, false
		}
		n++
	}
	if n < 3 || n > 12 {
		return label{}, false
	}
	return label{text: norm, field: FieldDocNo, rank: 1, suffix: true}, true
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
	if l.table != 0 {
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
	if r, _ := utf8.DecodeRuneInString(s); labelsByFirst[r] == nil {
		return false
	}
	if len(s) > 96 { // far longer than any label with spaces and a colon
		s = s[:96]
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
// the next label, known or not ("来源：某局 文章类型：原创" gives 某局). A label
// needs a colon after it, and must start the line or follow a space or
// punctuation, unless it is three or more characters long (a label glued
// to the previous value). A date closing a non-date value ("来源：新华社
// 2023-12-01") is a byline date of its own.
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
		start := i
		boundary := i == 0 || !(unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1])) || slices.Contains(marks, i)
		if !boundary && l.text == "文号" {
			// 行政处罚决定书文号：a label known by its ending.
			k := i
			for k > 0 && i-k < 10 && unicode.Is(unicode.Han, rs[k-1]) {
				k--
			}
			if k == 0 || !(unicode.IsLetter(rs[k-1]) || unicode.IsDigit(rs[k-1])) || slices.Contains(marks, k) {
				if sl, ok := suffixLabel(string(rs[k:end])); ok {
					l, start, boundary = sl, k, true
				}
			}
		}
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
		hits = append(hits, hit{l: l, start: start, val: j + 1})
		i = j
	}
	if len(hits) == 0 {
		return nil
	}
	pairs := make([]pair, 0, len(hits))
	for k, h := range hits {
		end := len(rs)
		if k+1 < len(hits) {
			end = hits[k+1].start
		}
		end = unknownLabelAt(rs, h.val, end, marks)
		v := strings.TrimSpace(string(rs[h.val:end]))
		var byline string
		if !isDateField(h.l.field) {
			v, byline = splitTrailingDate(v)
		}
		pairs = append(pairs, pair{label: h.l, start: h.start, value: v})
		if byline != "" {
			pairs = append(pairs, pair{label: bylineLabel, start: h.start, value: byline})
		}
	}
	return pairs
}

// unknownLabelAt returns where a value in rs[from:to] meets a label the
// table does not know: after a space or an element boundary, two to six
// Han characters and a colon. It returns to when there is none.
func unknownLabelAt(rs []rune, from, to int, marks []int) int {
	for i := from + 1; i < to; i++ {
		if !isSpaceRune(rs[i-1]) && !slices.Contains(marks, i) {
			continue
		}
		j := i
		for j < to && j-i <= 6 && unicode.Is(unicode.Han, rs[j]) {
			j++
		}
		if n := j - i; n >= 2 && n <= 6 && j < to && isColon(rs[j]) {
			return i
		}
	}
	return to
}

// splitTrailingDate splits "新华社 2023-12-01 14:43" into the value and the
// date that ends it.
func splitTrailingDate(v string) (string, string) {
	for i := 1; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' && v[i-1] == ' ' {
			if d := dateOnly(v[i:], shanghai()); d != "" {
				return strings.TrimSpace(v[:i]), v[i:]
			}
		}
	}
	return v, ""
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
	if isToolbar(s) { // 来源：<span id="sourceName"></span> 【打印】
		return ""
	}
	switch s {
	case "无", "-", "--", "—", "——", "/", "暂无", "null", "undefined":
		return ""
	}
	return s
}

// toolbarWords are the page tools that sit after a value script fills in
// later; a value made of them only is no value.
var toolbarWords = []string{"打印本页", "关闭窗口", "打印", "关闭", "收藏", "分享", "字号", "字体", "大", "中", "小", "返回", "纠错"}

// isToolbar reports a value made only of toolbar words, brackets and
// separators: 【打印】, [关闭], 【打印】【关闭】.
func isToolbar(s string) bool { return onlyWords(s, toolbarWords) }
