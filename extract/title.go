package extract

import "strings"

// titleSeparators split a <title> into the document title and site names
// ("宁海县公安局…报告 - 宁海县人民政府", "…_中山市人民政府门户网站").
var titleSeparators = []string{" - ", " — ", " – ", "——", "_", "|", "｜", " -", "- ", "－"}

// titleParts splits a <title> at its separators, longest part first.
func titleParts(t string) []string {
	parts := []string{t}
	for _, sep := range titleSeparators {
		var next []string
		for _, p := range parts {
			for _, q := range strings.Split(p, sep) {
				if q = strings.TrimSpace(q); q != "" {
					next = append(next, q)
				}
			}
		}
		parts = next
	}
	// Longest first; stable for equal lengths.
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && runeLen(parts[j]) > runeLen(parts[j-1]); j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	return parts
}

// chooseTitle prefers the visible headline, recognised by agreeing with the
// <title>, ArticleTitle or the 标题 row; then the 标题 row itself; then the
// headline just above the body; then the <title> without its site name;
// then ArticleTitle.
func (x *extraction) chooseTitle(found map[string]candidate) (string, string) {
	w := x.w
	tableTitle := found[fieldTitleLabel].value
	articleTitle := collapse(w.metas["articletitle"])
	detailTitle := ""
	if x.detail != nil {
		detailTitle = x.detail.title
	}
	parts := titleParts(w.titleTag)
	longest := ""
	if len(parts) > 0 {
		longest = parts[0]
	}

	// A <title> that is only the site name agrees with the logo, not with
	// the document's headline.
	siteTitle := len(parts) == 0 || len(parts) == 1 && x.isSiteName(parts[0])
	if siteTitle {
		longest = ""
	}

	exact := []string{tableTitle, articleTitle, detailTitle}
	if !siteTitle {
		exact = append(exact, parts...)
	}
	bestScore, best := 0, ""
	for _, h := range w.heads {
		key := squeeze(h.text)
		score := 0
		for _, r := range exact {
			if r != "" && squeeze(r) == key {
				score = 3
				break
			}
		}
		if score == 0 && longest != "" {
			lk := squeeze(strings.TrimRight(longest, ".…"))
			hr, lr := runeLen(key), runeLen(lk)
			switch {
			case lr >= 6 && strings.HasPrefix(key, lk) && strings.HasSuffix(longest, "…") || lr >= 6 && strings.HasPrefix(key, lk) && strings.HasSuffix(longest, "..."):
				score = 2
			case hr >= 6 && (strings.Contains(lk, key) && hr*5 >= lr*3 || strings.Contains(key, lk) && lr*5 >= hr*3):
				score = 1
			}
		}
		if score > bestScore {
			bestScore, best = score, h.text
		}
	}
	if best != "" {
		return best, "headline"
	}
	if tableTitle != "" {
		return tableTitle, "table"
	}
	if detailTitle != "" {
		return detailTitle, "json:DETAIL"
	}
	// No agreement: the last headline before the body, else the first in it.
	pick := ""
	for _, h := range w.heads {
		if !h.minor && h.beforeBody && !h.inBody && runeLen(h.text) >= 6 {
			pick = h.text
		}
	}
	if pick == "" {
		for _, h := range w.heads {
			if !h.minor && h.inBody && runeLen(h.text) >= 6 && runeLen(h.text) <= 100 {
				pick = h.text
				break
			}
		}
	}
	if pick != "" {
		return pick, "headline"
	}
	if siteTitle {
		// Nothing names the page: a minor heading before the body, else
		// the line just above it.
		for _, h := range w.heads {
			if h.minor && h.beforeBody && !h.inBody && runeLen(h.text) >= 6 {
				pick = h.text
			}
		}
		if pick != "" {
			return pick, "headline"
		}
		if l := x.lineAboveBody(); l != "" {
			return l, "line"
		}
	}
	if longest != "" {
		return longest, "title"
	}
	if len(parts) > 0 {
		return parts[0], "title"
	}
	if articleTitle != "" {
		return articleTitle, "meta:ArticleTitle"
	}
	return "", ""
}

// isSiteName reports a <title> that names the site rather than the
// document: it equals the SiteName meta tag, a link's text (the logo) or
// sits in the footer (版权所有：某某市人民政府).
func (x *extraction) isSiteName(t string) bool {
	w := x.w
	key := squeeze(t)
	if key == "" {
		return false
	}
	if key == squeeze(w.metas["sitename"]) {
		return true
	}
	for _, l := range w.links {
		if squeeze(l.text) == key {
			return true
		}
	}
	for _, tok := range w.tokens {
		if tok.body || tok.runes > 200 || !strings.Contains(tok.text, t) {
			continue
		}
		if lineKind(tok.text, tok.runes) == lineFooter {
			return true
		}
	}
	return false
}

// lineAboveBody is the last line before the body that can be a headline:
// not metadata, a link, a date, chrome or a sentence.
func (x *extraction) lineAboveBody() string {
	toks := x.w.tokens
	first := -1
	for i, t := range toks {
		if t.body && t.runes > 0 {
			first = i
			break
		}
	}
	for i := first - 1; i >= 0 && i >= first-8; i-- {
		t := toks[i]
		if t.meta || t.link || t.runes < 6 || t.runes > 100 || isDateLine(t.text) || isProse(t.text, t.runes) {
			continue
		}
		if lineKind(t.text, t.runes) != lineText || startsWithLabel(t.text) || strings.ContainsAny(t.text, ":：") {
			continue
		}
		return t.text
	}
	return ""
}
