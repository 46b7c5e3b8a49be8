package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// container is a known body container of the platforms in sites.md.
type container struct {
	id, class string // one of them is set
	tag       atom.Atom
	weak      bool // generic name: used only when nothing specific matches
}

var containers = []container{
	{id: "zoom"}, {id: "ucap-content"}, {id: "ivs_content"},
	{class: "trs_editor"}, {class: "trs_ueditor"}, {class: "trs_editor_view"}, {class: "trs_preappend"},
	{class: "article_content"}, {class: "bfr_article_content"}, {class: "main-txt"}, {class: "artile_zw"},
	{class: "article-content"}, {class: "zw"}, {class: "pages_content"}, {class: "article_content", tag: atom.Div},
	{class: "content", tag: atom.Div, weak: true}, {id: "content", tag: atom.Div, weak: true},
}

func (c container) String() string {
	if c.id != "" {
		return "#" + c.id
	}
	if c.tag != 0 {
		return c.tag.String() + "." + c.class
	}
	return "." + c.class
}

// matchContainer returns the container n is, if any, with its selector as
// written on the page, and whether it is a weak one.
func matchContainer(a atom.Atom, class, id string) (string, bool, bool) {
	if class == "" && id == "" {
		return "", false, false
	}
	best, name := -1, ""
	if id != "" {
		if i, ok := containerByID[lowerASCII(id)]; ok && (containers[i].tag == 0 || containers[i].tag == a) {
			best, name = i, "#"+id
		}
	}
	eachField(class, func(f string) bool {
		i, ok := containerByClass[lowerASCII(f)]
		if !ok || best >= 0 && i >= best || containers[i].tag != 0 && containers[i].tag != a {
			return true
		}
		best = i
		if c := containers[i]; c.tag != 0 {
			name = c.tag.String() + "." + f
		} else {
			name = "." + f
		}
		return true
	})
	if best >= 0 {
		return name, containers[best].weak, true
	}
	return contentLike(a, class, id)
}

// containerByID and containerByClass index containers by lower-case name;
// the first of equal names wins, as in a walk over the list.
var containerByID, containerByClass = func() (map[string]int, map[string]int) {
	ids, classes := map[string]int{}, map[string]int{}
	for i, c := range containers {
		m, k := classes, c.class
		if c.id != "" {
			m, k = ids, c.id
		}
		if _, dup := m[k]; !dup {
			m[k] = i
		}
	}
	return ids, classes
}()

// contentLike matches the article wrappers templates name after their
// content (wenzhang-content, news_content, detailContent): a weak
// candidate, so a known container wins, but one that lets the choice move
// into the tightest box holding the article.
func contentLike(a atom.Atom, class, id string) (string, bool, bool) {
	switch a {
	case atom.Div, atom.Td, atom.Section, atom.Article:
	default:
		return "", false, false
	}
	if isContentName(id) {
		return "#" + id, true, true
	}
	f := ""
	eachField(class, func(field string) bool {
		if isContentName(field) {
			f = field
			return false
		}
		return true
	})
	if f != "" {
		return a.String() + "." + f, true, true
	}
	return "", false, false
}

// isContentName reports a name such as wenzhang-content, newsContent or
// wz-body (but not content or body themselves, nor content-header or
// pic-content-l).
func isContentName(s string) bool {
	return hasNameTail(s, "content") || hasNameTail(s, "body")
}

// hasNameTail reports s = prefix + "-" or "_" + tail, or a camelCase
// prefix + Tail.
func hasNameTail(s, tail string) bool {
	if len(s) <= len(tail)+1 || len(s) > 40 {
		return false
	}
	end := s[len(s)-len(tail):]
	if !strings.EqualFold(end, tail) {
		return false
	}
	switch s[len(s)-len(tail)-1] {
	case '-', '_':
		return true
	}
	return end[0] == tail[0]-'a'+'A' // camelCase: detailContent
}

// eachField calls fn for each space-separated field of s until fn returns
// false, without allocating.
func eachField(s string, fn func(string) bool) {
	for len(s) > 0 {
		i := 0
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
			i++
		}
		s = s[i:]
		j := 0
		for j < len(s) && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' || s[j] == '\f') {
			j++
		}
		if j > 0 && !fn(s[:j]) {
			return
		}
		s = s[j:]
	}
}

// textScores counts, in one pass, the non-link text runes (less ASCII
// whitespace) of the subtree of each node in want, or of every element when
// want is nil.
func textScores(root *html.Node, want map[*html.Node]bool) map[*html.Node]int {
	scores := map[*html.Node]int{}
	starts := map[*html.Node]int{}
	total, inLink := 0, 0
	walkTree(root, func(c *html.Node) bool {
		switch c.Type {
		case html.TextNode:
			if inLink == 0 {
				total += utf8.RuneCountInString(c.Data)
				for i := 0; i < len(c.Data); i++ {
					if b := c.Data[i]; b == ' ' || b == '\n' || b == '\t' || b == '\r' {
						total--
					}
				}
			}
			return false
		case html.ElementNode:
			if c.DataAtom == atom.Script || c.DataAtom == atom.Head || isSkipped(c.DataAtom) {
				return false
			}
			if c.DataAtom == atom.A {
				inLink++
			}
			if want == nil || want[c] {
				starts[c] = total
			}
			return true
		case html.DocumentNode:
			return true
		}
		return false
	}, func(c *html.Node) {
		if c.Type != html.ElementNode {
			return
		}
		if c.DataAtom == atom.A {
			inLink--
		}
		if start, ok := starts[c]; ok {
			scores[c] = total - start
		}
	})
	return scores
}

// minBodyRunes: a container with less text than this is taken for an empty
// placeholder.
const minBodyRunes = 10

// bestBox picks, among the known containers, the one with the most
// non-link text, then moves into a nested container that holds at least
// half of that text: the inner one is the more specific (an outer wrapper
// also carries navigation, metadata and tools).
func bestBox(boxes []box) *box {
	pick := -1
	for pass := 0; pass < 2 && pick < 0; pass++ {
		for i, c := range boxes {
			if c.override || c.weak != (pass == 1) || c.score < minBodyRunes {
				continue
			}
			if pick < 0 || c.score > boxes[pick].score {
				pick = i
			}
		}
	}
	if pick < 0 {
		return nil
	}
	for {
		next := -1
		for i, c := range boxes {
			// Boxes nested in the pick follow it in document order and
			// lie within its token range.
			if i <= pick || c.override || c.start > boxes[pick].end {
				continue
			}
			if !boxInside(boxes, i, pick) {
				continue
			}
			if c.score*2 >= boxes[pick].score && (next < 0 || c.score > boxes[next].score) {
				next = i
			}
		}
		if next < 0 {
			break
		}
		pick = next
	}
	return &boxes[pick]
}

// boxInside reports whether box i lies within box outer.
func boxInside(boxes []box, i, outer int) bool {
	for p := boxes[i].parent; p >= 0; p = boxes[p].parent {
		if p == outer {
			return true
		}
	}
	return false
}

// fallbackBody finds the body of a page without a known container: the
// readability algorithm on pages small enough, else the tightest element
// holding most of the page's non-link text.
func (x *extraction) fallbackBody() ([]token, string, error) {
	root, err := x.tree()
	if err != nil {
		return nil, "", err
	}
	if x.srcLen <= maxReadabilityBytes {
		if n := x.readability(root); n != nil {
			w := newWalker(false)
			w.inBody = 1
			w.walkNodes(n)
			if w.bodyTotal >= minBodyRunes {
				return w.tokens, "readability", nil
			}
		}
	}
	n := densest(root)
	if n == nil {
		return nil, "", nil
	}
	w := newWalker(false)
	w.inBody = 1
	w.walkNodes(n)
	return w.tokens, "density", nil
}

// readability runs go-readability on a copy of the tree. It returns nil on
// any failure; a panic inside the library is turned into a failure too, as
// Extract must survive any page.
func (x *extraction) readability(root *html.Node) (n *html.Node) {
	defer func() {
		if r := recover(); r != nil {
			n = nil
		}
	}()
	p := readability.NewParser()
	p.MaxElemsToParse = maxReadabilityElems
	p.DisableJSONLD = true
	art, err := p.ParseDocument(root, x.base)
	if err != nil {
		return nil
	}
	return art.Node
}

// densest walks down from <body> while one child holds at least 70% of the
// text of its parent.
func densest(root *html.Node) *html.Node {
	scores := textScores(root, nil)
	var body *html.Node
	walkTree(root, func(n *html.Node) bool {
		if body != nil {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			body = n
			return false
		}
		return n.Type == html.DocumentNode || n.Type == html.ElementNode && n.DataAtom == atom.Html
	}, func(*html.Node) {})
	if body == nil {
		return nil
	}
	cur := body
	for {
		var best *html.Node
		curScore, bestScore := scores[cur], 0
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if s := scores[c]; best == nil || s > bestScore {
				best, bestScore = c, s
			}
		}
		if best == nil || bestScore*10 < curScore*7 || bestScore < minBodyRunes {
			return cur
		}
		cur = best
	}
}

// cleanBody turns body tokens into the body text: metadata lines, the
// repeated headline and page chrome (share bars, print/close links, view
// counters, breadcrumbs) are dropped; a footer or a related-links list ends
// the body. With onlyBody, the tokens not marked body are passed over.
func cleanBody(tokens []token, onlyBody bool, title string, metaTexts map[string]bool) string {
	var b strings.Builder
	size := 0
	for _, t := range tokens {
		if t.body || !onlyBody {
			size += len(t.text) + 1
		}
	}
	b.Grow(size)
	started := false
	titleKey := squeeze(title)
	for _, t := range tokens {
		if onlyBody && !t.body {
			continue
		}
		// metaTexts matter for the fallbacks, whose tokens come from a copy
		// of the tree: the metadata block precedes the text, while a
		// signature equal to the publisher comes after it.
		if t.meta || !started && metaTexts[t.text] {
			continue
		}
		text := trimSpace(t.text)
		if text == "" {
			continue
		}
		// squeeze only drops bytes: a shorter line cannot equal the title.
		if !started && titleKey != "" && len(text) >= len(titleKey) && squeeze(text) == titleKey {
			continue
		}
		switch lineKind(text, t.runes) {
		case lineFooter, lineRelated:
			if started {
				return b.String()
			}
			continue
		case lineChrome:
			continue
		}
		if isProse(text, t.runes) {
			started = true
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	return b.String()
}

// squeeze drops all whitespace, for comparisons.
func squeeze(s string) string {
	if !maySpace(s) || plainText(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isSpaceRune(r) {
			return -1
		}
		return r
	}, s)
}

type lineClass int

const (
	lineText lineClass = iota
	lineChrome
	lineFooter
	lineRelated
)

var (
	footerMarks  = []string{"版权所有", "网站标识码", "ICP备", "icp备", "公网安备", "主办单位", "承办单位", "主办:", "主办：", "承办:", "承办：", "技术支持", "免责声明", "Copyright", "copyright", "COPYRIGHT", "©"}
	relatedHeads = []string{"附件信息", "附件下载", "相关附件", "相关链接", "相关阅读", "相关文章", "相关新闻", "相关信息", "相关稿件", "相关政策", "相关解读", "延伸阅读", "推荐阅读", "相关文件"}
	chromeWords2 = []string{"关闭窗口", "关闭本页", "关闭页面", "打印本页", "打印本稿", "打印此页", "打印文章", "打印页面", "返回顶部", "返回首页", "返回列表", "加入收藏", "收藏本页", "我要纠错", "保存本页", "下载文字版", "下载图片版", "关闭", "打印", "收藏", "返回", "顶部", "纠错", "分享", "微博", "微信", "QQ空间", "QQ", "更多"}
	locationHead = []string{"当前位置", "您现在的位置", "您当前的位置", "您的位置", "当前的位置", "所在位置", "现在位置"}
	counterWords = []string{"浏览次数", "访问量", "阅读次数", "点击数", "点击量", "点击率", "点击次数", "浏览量", "访问次数", "阅读量"}
)

// lineKind classifies one body line. Only short lines can be chrome, so a
// paragraph that happens to mention 版权所有 stays body.
func lineKind(text string, runes int) lineClass {
	if runes > 200 {
		return lineText
	}
	if hasFooterMark(text) {
		return lineFooter
	}
	if runes > 100 {
		return lineText
	}
	s := squeeze(text)
	if runes <= 12 {
		for _, h := range relatedHeads {
			if strings.HasPrefix(s, h) || strings.HasPrefix(strings.TrimLeft(s, "【[■·●"), h) {
				return lineRelated
			}
		}
	}
	if strings.HasPrefix(s, "分享到") || strings.Contains(s, "扫一扫") || strings.HasPrefix(s, "上一篇") || strings.HasPrefix(s, "下一篇") {
		return lineChrome
	}
	for _, h := range locationHead {
		if strings.HasPrefix(s, h) {
			return lineChrome
		}
	}
	if runes <= 60 && containsAny(s, counterWords, counterFirst) {
		return lineChrome
	}
	if runes <= 30 && (strings.Contains(s, "字号") || strings.Contains(s, "字体")) && strings.Contains(s, "大") && strings.Contains(s, "小") {
		return lineChrome
	}
	if runes <= 40 && onlyWords(s, chromeWords2) {
		return lineChrome
	}
	return lineText
}

// hasFooterMark reports whether text holds one of footerMarks. It stops
// only where a mark can start: an ASCII I, i, C or c, a ©, or a character
// among 版网公主承技免 (lead bytes E4–E7, decoded inline); decoding every
// character with range cost three times as much (TestFooterMarkRunes keeps the
// set in step with the marks).
func hasFooterMark(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == 'I' || c == 'i' || c == 'C' || c == 'c' || c == 0xC2 && i+1 < len(text) && text[i+1] == 0xA9:
		case c >= 0xE4 && c <= 0xE7 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			switch rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F) {
			case '版', '网', '公', '主', '承', '技', '免':
			default:
				i += 2
				continue
			}
		default:
			continue
		}
		for _, m := range footerMarks {
			if strings.HasPrefix(text[i:], m) {
				return true
			}
		}
	}
	return false
}

// firstRunes is the set of runes the words of a list start with.
func firstRunes(words []string) map[rune]bool {
	m := map[rune]bool{}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		m[r] = true
	}
	return m
}

var counterFirst = firstRunes(counterWords)

// containsAny reports whether s contains one of words, whose first runes
// are first.
func containsAny(s string, words []string, first map[rune]bool) bool {
	for i, r := range s {
		if !first[r] {
			continue
		}
		for _, w := range words {
			if strings.HasPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}

// onlyWords reports a line made of words from the list (longest first),
// brackets and separators, with at least one word: 【打印本页】【关闭窗口】.
func onlyWords(s string, words []string) bool {
	found := false
	for i := 0; i < len(s); {
		matched := false
		for _, w := range words {
			if strings.HasPrefix(s[i:], w) {
				i += len(w)
				found, matched = true, true
				break
			}
		}
		if matched {
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
		i += n
	}
	return found
}

// runeLen is utf8.RuneCountInString, named for readability at call sites.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// trimSpace is strings.TrimSpace, which decodes the first and the last
// rune of a line that starts or ends with a non-ASCII byte: answered here
// without decoding when both are plain (see plainRune3), as for most
// Chinese lines and link texts.
func trimSpace(s string) string {
	if n := len(s); n >= 3 && plainEdge(s[0]) && plainEdge(s[n-1]) &&
		(s[0] < utf8.RuneSelf || plainRune3(s, 0)) && (s[n-1] < utf8.RuneSelf || plainRune3(s, n-3)) {
		return s
	}
	return strings.TrimSpace(s)
}

// plainEdge reports a first or last byte of a line that trimSpace may keep:
// non-ASCII, or ASCII that is no space.
func plainEdge(c byte) bool {
	return c >= utf8.RuneSelf || c > ' ' || c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r'
}

// plainText reports whether s is UTF-8 without a space rune: strings.Map
// in squeeze would return it unchanged. Chinese text has lead bytes that
// maySpace must suspect (E3 for 、。, EF for ，：); checking them here saves
// the copy.
func plainText(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0xE1 && plainRune3(s, i) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isSpaceRune(r) {
			return false
		}
		i += n
	}
	return true
}

// maySpace reports whether s may hold a space-like rune: an ASCII space or
// the lead byte of U+0085…U+FEFF spaces. False means it surely has none.
func maySpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '\f', '\v', 0xC2, 0xE1, 0xE2, 0xE3, 0xEF:
			return true
		}
	}
	return false
}
