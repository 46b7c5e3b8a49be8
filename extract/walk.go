package extract

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// token is one visual line of the page: the text of a block element (or of a
// table cell, or between two <br>), whitespace collapsed.
type token struct {
	text  string
	runes int
	table int   // id of the innermost enclosing table, 0 outside tables
	cell  bool  // the text of one td/th
	body  bool  // inside the chosen body container
	link  bool  // mostly link text
	meta  bool  // consumed as metadata; never body
	marks []int // rune offsets where an inline element starts or ends
}

// maxMarks bounds the element boundaries remembered per token; only short
// metadata lines need them.
const maxMarks = 32

// headline is a candidate for the visible title.
type headline struct {
	text       string
	beforeBody bool // seen before the first body token
	inBody     bool
	minor      bool // h4–h6: a headline only when nothing better names the page
	inline     bool // a span, b, strong or font
}

// pageLink is an <a href> with its text.
type pageLink struct {
	href, text, title string
	chrome            bool // inside a nav, header or footer
}

// walker turns a page (its token stream, or a parsed tree) into tokens and
// collects what Extract needs besides: meta tags, <title>, headline
// candidates, links, script variables, and the boxes the body may be.
type walker struct {
	tokens []token

	buf       []byte // reused between tokens
	space     bool   // a space is pending before the next rune
	bufRunes  int
	linkRunes int
	marks     []int
	markBuf   []int // backing store of the tokens' marks

	inLink   int
	suppress int   // inside <head>: text is not page text
	chrome   int   // inside nav/header/footer
	chromes  []int // ids of the open chrome elements
	inBody   int
	tables   []int // ids of the open tables
	cellMark []int // token count when each open td/th started

	// Body candidates are recorded as token ranges during the one walk;
	// the body is chosen afterwards (see extraction.run).
	track     bool                // record container boxes and markers
	boxes     []box               // known body containers, in document order
	openBoxes []int               // indexes into boxes of the open ones
	spanNodes map[*html.Node]bool // override selector matches: recorded as boxes too
	textRunes int                 // text runes seen outside links and chrome, ASCII whitespace excluded
	markers   bool                // Hanweb ContentStart seen
	markStart int                 // token index at ContentStart, -1 if none
	markEnd   int                 // token index at the first ContentEnd, -1 if none
	skipped   int                 // id of the hidden element whose exit must be ignored
	nextID    int                 // last element id handed out
	capture   atom.Atom           // Script or Title while their text is being captured
	capBuf    []byte              // the captured text
	openHeads []openSpan          // headline elements being walked
	openLinks []openSpan          // links being walked

	metas      map[string]string // lower-cased name → content (first wins)
	titleTag   string
	baseHref   string
	heads      []headline
	headToks   []int // token index where each headline starts
	links      []pageLink
	vars       map[string]string
	varScripts []string // scripts with assignments, not yet scanned: see script
	collect    bool     // collect metas, title, headlines and links
	bodyTotal  int      // runes emitted as body
}

// box is a known body container met during the walk: its tokens are
// tokens[start:end] and score counts its non-link text runes.
type box struct {
	id         int        // element id
	parent     int        // index of the enclosing box, -1 for none
	n          *html.Node // the element, in tree walks only
	name       string
	weak       bool
	override   bool
	start, end int
	textStart  int
	score      int
}

// openSpan remembers where an element's text began: a headline's or link's
// text is then read from the walker's own output instead of walking the
// element's subtree again.
type openSpan struct {
	id       int // element id
	idx      int // index into heads or links
	tokStart int
	bufStart int
}

func newWalker(collect bool) *walker {
	return &walker{
		metas:     map[string]string{},
		vars:      map[string]string{},
		collect:   collect,
		markStart: -1,
		markEnd:   -1,
	}
}

// walkTree visits root's subtree in document order without recursion, so a
// pathologically deep tree cannot exhaust the stack. enter returns whether
// to descend; exit is called for every entered node.
func walkTree(root *html.Node, enter func(*html.Node) bool, exit func(*html.Node)) {
	n := root
	for n != nil {
		if enter(n) && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		exit(n)
		for n != root && n.NextSibling == nil {
			n = n.Parent
			exit(n)
		}
		if n == root {
			return
		}
		n = n.NextSibling
	}
}

// isBlock reports elements that start a new line of text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body,
		atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Dialog,
		atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Header, atom.Hr, atom.Html,
		atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Thead,
		atom.Tfoot, atom.Td, atom.Th, atom.Tr, atom.Ul, atom.Menu:
		return true
	}
	return false
}

// isSkipped reports elements whose content is not page text.
func isSkipped(a atom.Atom) bool {
	switch a {
	case atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Select,
		atom.Textarea, atom.Object, atom.Svg, atom.Button, atom.Math,
		atom.Embed, atom.Canvas, atom.Video, atom.Audio:
		return true
	}
	return false
}

// elem is an element as the walker sees it, from a parsed tree or from the
// token stream.
type elem struct {
	a     atom.Atom
	id    int // unique within one walk, > 0
	attrs []html.Attribute
	node  *html.Node // nil when streaming
}

func (e *elem) attr(key string) string {
	for _, a := range e.attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// walkNodes walks a parsed tree.
func (w *walker) walkNodes(root *html.Node) {
	var stack []elem // one entry per entered node; id 0 for non-elements
	walkTree(root, func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			w.text(n.Data)
			stack = append(stack, elem{})
			return false
		case html.ElementNode:
			w.nextID++
			stack = append(stack, elem{a: n.DataAtom, id: w.nextID, attrs: n.Attr, node: n})
			return w.enter(&stack[len(stack)-1])
		case html.DocumentNode:
			stack = append(stack, elem{})
			return true
		}
		stack = append(stack, elem{})
		return false
	}, func(*html.Node) {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.id != 0 {
			w.exit(&e)
		}
	})
	w.flush()
}

// text takes a text node's content.
func (w *walker) text(s string) {
	if w.capture != 0 {
		captureText(w, s)
		return
	}
	if w.suppress == 0 {
		appendText(w, s)
	}
}

// enter handles an element's start and reports whether its content is
// to be walked.
func (w *walker) enter(e *elem) bool {
	class, id, hidden := elemAttrs(e.attrs)
	if hidden {
		// Hidden elements never carry a field or body text: templates
		// keep unused headers, print copies and empty xxgk blocks there.
		if isBlock(e.a) {
			w.flush()
		}
		w.skipped = e.id
		return false
	}
	if w.track && w.suppress == 0 {
		parent := -1
		if k := len(w.openBoxes); k > 0 {
			parent = w.openBoxes[k-1]
		}
		if e.node != nil && w.spanNodes[e.node] {
			w.flush()
			w.openBoxes = append(w.openBoxes, len(w.boxes))
			w.boxes = append(w.boxes, box{id: e.id, parent: parent, n: e.node, override: true, start: len(w.tokens), textStart: w.textRunes})
		} else if name, weak, ok := matchContainer(e.a, class, id); ok {
			w.flush()
			w.openBoxes = append(w.openBoxes, len(w.boxes))
			w.boxes = append(w.boxes, box{id: e.id, parent: parent, n: e.node, name: name, weak: weak, start: len(w.tokens), textStart: w.textRunes})
		}
	}
	switch e.a {
	case atom.Script:
		w.capture, w.capBuf = atom.Script, w.capBuf[:0]
		return true
	case atom.Title:
		if w.collect && w.titleTag == "" {
			w.capture, w.capBuf = atom.Title, w.capBuf[:0]
			return true
		}
		return false
	case atom.Meta:
		w.meta(e)
		return false
	case atom.Head:
		w.suppress++
		return true
	case atom.Base:
		if w.collect && w.baseHref == "" {
			w.baseHref = e.attr("href")
		}
		return false
	case atom.Br:
		w.flush()
		return false
	case atom.Img, atom.Input:
		return false
	case atom.A:
		w.inLink++
		w.mark()
		if w.collect {
			if href := strings.TrimSpace(e.attr("href")); href != "" {
				w.openLinks = append(w.openLinks, openSpan{id: e.id, idx: len(w.links), tokStart: len(w.tokens), bufStart: len(w.buf)})
				w.links = append(w.links, pageLink{href: href, title: e.attr("title"), chrome: w.chrome > 0})
			}
		}
		return true
	}
	if isSkipped(e.a) {
		return false
	}
	if isChromeElement(e.a, class, id) {
		w.chrome++
		w.chromes = append(w.chromes, e.id)
	}
	block := isBlock(e.a)
	if !block {
		w.mark()
	} else {
		w.flush()
		switch e.a {
		case atom.Table:
			w.tables = append(w.tables, e.id)
		case atom.Td, atom.Th:
			w.cellMark = append(w.cellMark, len(w.tokens))
		}
	}
	if w.collect && w.inLink == 0 && w.chrome == 0 && isHeadlineElement(e.a, class, id) {
		// The text is read at exit from what the element produced.
		w.openHeads = append(w.openHeads, openSpan{id: e.id, idx: len(w.heads), tokStart: len(w.tokens), bufStart: len(w.buf)})
		w.heads = append(w.heads, headline{minor: e.a == atom.H4 || e.a == atom.H5 || e.a == atom.H6, inline: !block})
		w.headToks = append(w.headToks, len(w.tokens))
	}
	return true
}

// spanText is the text an element produced since o was taken: the rest of
// the line it started in, the lines after, and the open line; about max
// bytes at most.
func (w *walker) spanText(o openSpan, max int) string {
	if len(w.tokens) == o.tokStart {
		if o.bufStart > len(w.buf) {
			return ""
		}
		b := w.buf[o.bufStart:]
		if len(b) > max {
			return collapse(string(cutRunes(b, max)))
		}
		return trimSpace(string(b))
	}
	var b strings.Builder
	for i := o.tokStart; i < len(w.tokens) && b.Len() < max; i++ {
		t := w.tokens[i].text
		if i == o.tokStart && o.bufStart <= len(t) {
			t = t[o.bufStart:]
		}
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if b.Len() < max {
		b.WriteByte(' ')
		b.Write(w.buf)
	}
	return collapse(b.String())
}

func validHeadline(t string) bool {
	if t == "" || strings.Contains(t, "{{") {
		return false
	}
	r := utf8.RuneCountInString(t)
	return r >= 4 && r <= 200
}

// headlineText joins the lines a headline element produced, stopping at a
// byline (来源：…, 作者：…, a lone date) that the element also wraps.
func headlineText(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && (startsWithLabel(t.text) || isDateLine(t.text)) {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		if b.Len() > 600 {
			break
		}
	}
	return b.String()
}

// exit handles an element's end.
func (w *walker) exit(e *elem) {
	if w.skipped == e.id && e.id != 0 {
		w.skipped = 0
		return
	}
	switch e.a {
	case atom.Script:
		if w.capture == atom.Script {
			w.capture = 0
			w.script(w.capBuf)
		}
	case atom.Title:
		if w.capture == atom.Title {
			w.capture = 0
			w.titleTag = collapse(string(cutRunes(w.capBuf, 1000)))
		}
	case atom.A:
		w.inLink--
		if k := len(w.openLinks); k > 0 && w.openLinks[k-1].id == e.id {
			o := w.openLinks[k-1]
			w.openLinks = w.openLinks[:k-1]
			w.links[o.idx].text = w.spanText(o, 400)
		}
	case atom.Head:
		w.suppress--
	}
	if k := len(w.chromes); k > 0 && w.chromes[k-1] == e.id {
		w.chromes = w.chromes[:k-1]
		w.chrome--
	}
	if !isBlock(e.a) {
		w.mark()
	} else {
		switch e.a {
		case atom.Td, atom.Th:
			emptyCell := false
			if k := len(w.cellMark); k > 0 {
				emptyCell = w.cellMark[k-1] == len(w.tokens)
				w.cellMark = w.cellMark[:k-1]
			}
			w.flushCell(emptyCell)
		default:
			w.flush()
		}
		if e.a == atom.Table && len(w.tables) > 0 {
			w.tables = w.tables[:len(w.tables)-1]
		}
	}
	if k := len(w.openHeads); k > 0 && w.openHeads[k-1].id == e.id {
		o := w.openHeads[k-1]
		w.openHeads = w.openHeads[:k-1]
		if w.heads[o.idx].inline {
			w.heads[o.idx].text = w.spanText(o, 600)
		} else {
			w.heads[o.idx].text = headlineText(w.tokens[o.tokStart:])
		}
	}
	if k := len(w.openBoxes); k > 0 && w.boxes[w.openBoxes[k-1]].id == e.id {
		w.flush()
		b := &w.boxes[w.openBoxes[k-1]]
		b.end = len(w.tokens)
		b.score = w.textRunes - b.textStart
		w.openBoxes = w.openBoxes[:k-1]
	}
}

// appendText adds text, collapsing every run of whitespace (including U+3000
// and NBSP) to one space, dropping zero-width characters and replacing
// bytes that are not UTF-8. It also counts the text for the container
// scores. A well-formed three-byte character that is no space is stepped
// over without decoding (see plainRune3).
func appendText[S string | []byte](w *walker, s S) {
	count := w.inLink == 0 && w.chrome == 0
	start, runes := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		size, brk, space := 1, false, false
		switch {
		case c < utf8.RuneSelf:
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
				brk, space = true, true
			}
		case c >= 0xE4 && c <= 0xEE && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// Most Han characters, never a space: step over the run.
			i += 3
			runes++
			for ; i+2 < len(s); i += 3 {
				b := s[i : i+3] // one bounds check for the three bytes
				if b[0]-0xE4 > 0xEE-0xE4 || b[0] == 0xED || b[1]&0xC0 != 0x80 || b[2]&0xC0 != 0x80 {
					break
				}
				runes++
			}
			continue
		case c >= 0xE1 && plainRune3(s, i):
			size = 3 // CJK and full-width punctuation, other scripts
		default:
			var r rune
			r, size = decodeRune(s[i:min(i+utf8.UTFMax, len(s))])
			switch {
			case r == utf8.RuneError && size == 1:
				// Not UTF-8 although the page said so: a replacement
				// character, so that every field stays valid UTF-8.
				if i > start {
					appendRun(w, s[start:i], runes, count)
				}
				appendRun(w, S("\uFFFD"), 1, count)
				i++
				start, runes = i, 0
				continue
			case r == '\u200b' || r == '\ufeff' || r == '\u200c' || r == '\u200d':
				brk = true
			case r >= 0x80 && isSpaceRune(r):
				brk, space = true, true
			}
		}
		if !brk {
			i += size
			runes++
			continue
		}
		if i > start {
			appendRun(w, s[start:i], runes, count)
		}
		if space {
			w.space = true
		}
		i += size
		start, runes = i, 0
	}
	if start < len(s) {
		appendRun(w, s[start:], runes, count)
	}
}

// plainRune3 reports whether s[i:] starts with a well-formed three-byte
// UTF-8 sequence (U+1000–U+CFFF, U+E000–U+FFFF) that is neither a space
// (unicode.IsSpace) nor a zero-width character (U+200B–U+200D, U+FEFF):
// Han characters and the CJK and full-width punctuation that fills Chinese
// text (、。《》，：, lead bytes E3 and EF), which would otherwise each be
// decoded and looked up in the space table.
func plainRune3[S string | []byte](s S, i int) bool {
	c := s[i]
	if c < 0xE1 || c == 0xED || i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
		return false
	}
	c1, c2 := s[i+1], s[i+2]
	switch c {
	case 0xE1:
		return c1 != 0x9A || c2 != 0x80 // U+1680
	case 0xE2:
		switch c1 {
		case 0x80: // U+2000–U+200D, U+2028, U+2029, U+202F
			return c2 > 0x8D && c2 != 0xA8 && c2 != 0xA9 && c2 != 0xAF
		case 0x81:
			return c2 != 0x9F // U+205F
		}
	case 0xE3:
		return c1 != 0x80 || c2 != 0x80 // U+3000
	case 0xEF:
		return c1 != 0xBB || c2 != 0xBF // U+FEFF
	}
	return c <= 0xEF
}

// decodeRune is utf8.DecodeRune for either form of text; given at most
// utf8.UTFMax bytes, the conversion of a []byte is not allocated.
func decodeRune[S string | []byte](s S) (rune, int) {
	return utf8.DecodeRuneInString(string(s))
}

// appendRun adds a run of non-space text of n runes.
func appendRun[S string | []byte](w *walker, run S, n int, count bool) {
	if w.space && w.bufRunes > 0 {
		w.buf = append(w.buf, ' ')
		w.bufRunes++
		if w.inLink > 0 {
			w.linkRunes++
		}
	}
	w.space = false
	w.buf = append(w.buf, run...)
	w.bufRunes += n
	if w.inLink > 0 {
		w.linkRunes += n
	}
	if count {
		w.textRunes += n
	}
}

// mark remembers an inline element boundary at the current position, where
// "09:30:12</span><span>来源：" lets a label start even though no space
// separates it from the previous value.
func (w *walker) mark() {
	if w.bufRunes == 0 || len(w.marks) >= maxMarks {
		return
	}
	if k := len(w.marks); k > 0 && w.marks[k-1] == w.bufRunes+boolInt(w.space) {
		return
	}
	if w.marks == nil {
		// Marks of all tokens share one backing array; each token keeps
		// its own window of it.
		w.marks = w.markBuf[len(w.markBuf):len(w.markBuf)]
	}
	w.marks = append(w.marks, w.bufRunes+boolInt(w.space))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (w *walker) flushCell(emptyCell bool) {
	if w.bufRunes == 0 && !emptyCell {
		return
	}
	w.emit(true)
}

func (w *walker) flush() {
	if w.bufRunes == 0 {
		w.space = false
		w.marks = nil
		return
	}
	w.emit(false)
}

func (w *walker) emit(cell bool) {
	t := token{
		text:  string(w.buf),
		runes: w.bufRunes,
		cell:  cell,
		body:  w.inBody > 0,
		link:  w.bufRunes > 0 && w.linkRunes*2 > w.bufRunes,
		marks: w.marks,
	}
	if len(w.marks) > 0 {
		if cap(w.markBuf)-len(w.markBuf) >= len(w.marks) && &w.markBuf[:len(w.markBuf)+1][len(w.markBuf)] == &w.marks[0] {
			w.markBuf = w.markBuf[:len(w.markBuf)+len(w.marks)]
		} else {
			// w.marks outgrew the store and has an array of its own.
			w.markBuf = make([]int, 0, max(256, 2*cap(w.markBuf)))
		}
		t.marks = w.marks[:len(w.marks):len(w.marks)]
	}
	if k := len(w.tables); k > 0 {
		t.table = w.tables[k-1]
	}
	if t.body {
		w.bodyTotal += t.runes
	}
	w.tokens = append(w.tokens, t)
	w.buf = w.buf[:0]
	w.bufRunes, w.linkRunes, w.space = 0, 0, false
	w.marks = nil
}

func (w *walker) meta(e *elem) {
	name := strings.ToLower(strings.TrimSpace(e.attr("name")))
	if name == "" {
		name = strings.ToLower(strings.TrimSpace(e.attr("property")))
	}
	switch name {
	case "contentstart":
		if w.track && !w.markers {
			w.flush()
			w.markStart = len(w.tokens)
			w.markers = true
		}
		return
	case "contentend":
		if w.markers && w.markEnd < 0 {
			w.flush()
			w.markEnd = len(w.tokens)
		}
		return
	}
	if !w.collect || name == "" {
		return
	}
	if _, seen := w.metas[name]; !seen {
		w.metas[name] = strings.TrimSpace(e.attr("content"))
	}
}

var (
	scriptVarRe   = regexp.MustCompile(`(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')`)
	scriptWriteRe = regexp.MustCompile(`document\.write(?:ln)?\(\s*(?:([A-Za-z_$][\w$]*)|"([^"<\n]*)"|'([^'<\n]*)')\s*\)`)
)

// maxScriptScan bounds the scripts searched for variables and
// document.write calls; the ones that matter are tiny.
const maxScriptScan = 16 << 10

// script records `var x = '…'` assignments and replays document.write(x) as
// page text, the way some templates print 文号 (var fileNum='…').
//
// Variables are only read by a document.write, which most pages never
// call: a script that only assigns is kept aside and scanned when a later
// script writes (the variable regexp over every analytics and menu script
// was a tenth of Extract's CPU on BenchmarkExtractChrome).
func (w *walker) script(text []byte) {
	if len(text) == 0 || len(text) > maxScriptScan {
		return
	}
	hasVar := bytes.Contains(text, []byte("var ")) || bytes.Contains(text, []byte("let ")) || bytes.Contains(text, []byte("const "))
	hasWrite := bytes.Contains(text, []byte("document.write"))
	switch {
	case hasWrite:
		for _, src := range w.varScripts {
			w.scriptEvents(src, true, false)
		}
		w.varScripts = w.varScripts[:0]
		w.scriptEvents(string(text), hasVar, true)
	case hasVar:
		w.varScripts = append(w.varScripts, string(text))
	}
}

// scriptEvents replays a script's assignments (with vars) and writes (with
// writes) in source order.
func (w *walker) scriptEvents(src string, vars, writes bool) {
	type event struct {
		pos  int
		name string
		val  string
		ok   bool
	}
	var evs []event
	if vars {
		for _, m := range scriptVarRe.FindAllStringSubmatchIndex(src, -1) {
			var v string // the double- or the single-quoted group
			if m[4] >= 0 {
				v = src[m[4]:m[5]]
			} else if m[6] >= 0 {
				v = src[m[6]:m[7]]
			}
			evs = append(evs, event{pos: m[0], name: src[m[2]:m[3]], val: v, ok: true})
		}
	}
	if writes {
		for _, m := range scriptWriteRe.FindAllStringSubmatchIndex(src, -1) {
			switch {
			case m[2] >= 0:
				evs = append(evs, event{pos: m[0], name: src[m[2]:m[3]]})
			case m[4] >= 0:
				evs = append(evs, event{pos: m[0], val: src[m[4]:m[5]]})
			case m[6] >= 0:
				evs = append(evs, event{pos: m[0], val: src[m[6]:m[7]]})
			}
		}
	}
	// Replay in source order: a variable is written after it is set.
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].pos < evs[j-1].pos; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
	for _, e := range evs {
		switch {
		case e.ok:
			w.vars[e.name] = e.val
		case e.name != "":
			if v, ok := w.vars[e.name]; ok && w.suppress == 0 {
				appendText(w, v)
			}
		default:
			if w.suppress == 0 {
				appendText(w, e.val)
			}
		}
	}
}

// nodeText is the text of n's subtree (scripts and styles skipped), cut
// after about max bytes.
func nodeText(n *html.Node, max int) string {
	var b strings.Builder
	walkTree(n, func(c *html.Node) bool {
		if b.Len() >= max {
			return false
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			return false
		case html.ElementNode:
			if c.DataAtom == atom.Script || isSkipped(c.DataAtom) {
				return false
			}
			if c.DataAtom == atom.Br || isBlock(c.DataAtom) {
				b.WriteByte(' ')
			}
		}
		return true
	}, func(*html.Node) {})
	return b.String()
}

// collapse trims s and folds whitespace runs to one space.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '\u200b' || r == '\ufeff' {
			continue
		}
		if isSpaceRune(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func classID(n *html.Node) (class, id string) {
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			class = a.Val
		case "id":
			id = a.Val
		}
	}
	return class, id
}

var chromeWords = []string{"nav", "menu", "footer", "foot", "header", "banner", "breadcrumb", "crumb", "dqwz", "location", "share", "bdshare", "copyright", "bottom", "sidebar", "related", "xgxx", "xglj", "banquan", "mianze", "disclaimer"}

// lowerASCII lower-cases s, allocating only when it has upper case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// isChromeElement reports navigation, header and footer blocks: headlines
// and attachment links inside them do not belong to the document.
func isChromeElement(a atom.Atom, class, id string) bool {
	switch a {
	case atom.Nav, atom.Footer, atom.Header:
		return true
	case atom.Div, atom.Ul, atom.Section, atom.Aside, atom.Table, atom.Td, atom.P, atom.Span:
	default:
		return false
	}
	if class == "" && id == "" {
		return false
	}
	class, id = lowerASCII(class), lowerASCII(id)
	has := func(w string) bool { return strings.Contains(class, w) || strings.Contains(id, w) }
	for _, w := range chromeWords {
		if has(w) {
			// "header" also names article headers (article-header) that
			// hold the headline; only page-level ones are chrome.
			if w == "header" && (has("article") || has("detail") || has("content")) {
				continue
			}
			return true
		}
	}
	return false
}

// isHeadlineElement reports elements that usually hold a page's headline.
func isHeadlineElement(a atom.Atom, class, id string) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	case atom.Div, atom.P, atom.Td, atom.Span, atom.Strong, atom.B, atom.Font:
	default:
		return false
	}
	if class == "" && id == "" {
		return false
	}
	hit := false
	test := func(f string) bool {
		switch {
		case f == "title", f == "tit", f == "bt", f == "biaoti", f == "headline", f == "dbt",
			strings.HasSuffix(f, "-title"), strings.HasSuffix(f, "_title"), strings.HasPrefix(f, "title"),
			strings.HasPrefix(f, "article-tit"), strings.HasPrefix(f, "article_tit"), f == "wzbt", f == "xxgk_title":
			hit = true
			return false
		}
		return true
	}
	eachField(lowerASCII(class), test)
	if !hit {
		eachField(lowerASCII(id), test)
	}
	return hit
}

// markBody marks tokens[start:end] as body (end < 0: to the last token).
func (w *walker) markBody(start, end int) {
	if end < 0 || end > len(w.tokens) {
		end = len(w.tokens)
	}
	for i := start; i < end; i++ {
		if !w.tokens[i].body {
			w.tokens[i].body = true
			w.bodyTotal += w.tokens[i].runes
		}
	}
}

// runesIn counts the runes of tokens[start:end] (end < 0: to the end).
func (w *walker) runesIn(start, end int) int {
	if end < 0 || end > len(w.tokens) {
		end = len(w.tokens)
	}
	n := 0
	for i := start; i < end; i++ {
		n += w.tokens[i].runes
	}
	return n
}

// placeHeads drops empty headline candidates and tells each whether it
// came before the body or inside it, now that the body is known.
func (w *walker) placeHeads() {
	first, last := -1, -1
	for i, t := range w.tokens {
		if t.body && t.runes > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	out := w.heads[:0]
	for i, h := range w.heads {
		if !validHeadline(h.text) {
			continue
		}
		at := w.headToks[i]
		h.beforeBody = first < 0 || at <= first
		h.inBody = first >= 0 && at >= first && at <= last && at < len(w.tokens) && w.tokens[at].body
		out = append(out, h)
	}
	w.heads = out
	w.headToks = nil
}

// captureText keeps the text of a <script> or <title>, no more than is
// ever read of it (a longer script is not scanned at all).
func captureText[S string | []byte](w *walker, s S) {
	if len(w.capBuf) <= maxScriptScan {
		w.capBuf = append(w.capBuf, s[:min(len(s), maxScriptScan+1)]...)
	}
}

// cutRunes cuts b to at most max bytes on a rune boundary.
func cutRunes(b []byte, max int) []byte {
	if len(b) <= max {
		return b
	}
	for max > 0 && !utf8.RuneStart(b[max]) {
		max--
	}
	return b[:max]
}
