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

	exact := []string{tableTitle, articleTitle, detailTitle}
	exact = append(exact, parts...)
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
		if h.beforeBody && !h.inBody && runeLen(h.text) >= 6 {
			pick = h.text
		}
	}
	if pick == "" {
		for _, h := range w.heads {
			if h.inBody && runeLen(h.text) >= 6 && runeLen(h.text) <= 100 {
				pick = h.text
				break
			}
		}
	}
	if pick != "" {
		return pick, "headline"
	}
	if longest != "" {
		return longest, "title"
	}
	if articleTitle != "" {
		return articleTitle, "meta:ArticleTitle"
	}
	return "", ""
}
