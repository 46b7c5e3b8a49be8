package extract

import (
	"bytes"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// walkHTML walks a page straight from the tokenizer, without building a
// tree: the page is parsed once and walked once. A stack of open elements
// stands in for the tree; it closes elements the way an HTML parser
// implies (a block closes an open <p>, a cell the previous cell, an end
// tag every element opened after its own) so that the walker sees the
// same elements end as in a parsed tree. What the stack does not model
// (text moved out of tables, the reopening of formatting elements) only
// moves text within a line or across lines of one block.
func (w *walker) walkHTML(src []byte) {
	s := streamer{w: w, z: newLexer(src)}
	s.run()
	w.flush()
}

// frame is an open element.
type frame struct {
	a       atom.Atom
	name    string // tag name when a is 0 (o:p, custom tags)
	id      int
	quiet   bool // its content is not reported (hidden, skipped, or inside such)
	entered bool // the walker saw its start, so it sees its end
}

type streamer struct {
	w      *walker
	z      *lexer
	stack  []frame
	attrs  []html.Attribute // reused for each start tag
	name   []byte           // reused for each tag name
	head   bool             // a <head> was opened
	inHead bool
	body   bool // <body> or body content seen
}

func (s *streamer) run() {
	z := s.z
	for {
		switch z.Next() {
		case html.ErrorToken:
			for len(s.stack) > 0 {
				s.pop()
			}
			return
		case html.TextToken:
			if !s.quiet() {
				s.text(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			s.start()
		case html.EndTagToken:
			s.end()
		}
	}
}

func (s *streamer) quiet() bool {
	return len(s.stack) > 0 && s.stack[len(s.stack)-1].quiet
}

// text takes a text token's content, outside quiet elements.
func (s *streamer) text(b []byte) {
	w := s.w
	if w.capture != 0 {
		captureText(w, b)
		return
	}
	if allSpace(b) {
		if len(b) > 0 && w.suppress == 0 {
			w.space = true
		}
		return
	}
	if s.inHead {
		s.closeHead()
	}
	s.body = true
	if w.suppress == 0 {
		appendText(w, b)
	}
}

func allSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' {
			return false
		}
	}
	return true
}

// wantedAttr returns the walker's name for an attribute it reads, or "".
func wantedAttr(k []byte) string {
	if len(k) < 2 || len(k) > 11 {
		return ""
	}
	var low [11]byte
	for i, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(k)]) {
	case "class":
		return "class"
	case "id":
		return "id"
	case "style":
		return "style"
	case "hidden":
		return "hidden"
	case "aria-hidden":
		return "aria-hidden"
	case "href":
		return "href"
	case "title":
		return "title"
	case "name":
		return "name"
	case "property":
		return "property"
	case "content":
		return "content"
	}
	return ""
}

func (s *streamer) start() {
	name, attrs := s.readTag(true)
	s.attrs = attrs
	a := atom.Lookup(name)
	tag := ""
	if a == 0 {
		tag = string(name)
	}

	if s.inHead && !inHead(a) {
		s.closeHead()
	}
	switch a {
	case atom.Html:
		if len(s.stack) > 0 {
			return // a second <html>: its attributes would merge
		}
	case atom.Head:
		if s.head || s.body {
			return
		}
		s.head, s.inHead = true, true
	case atom.Body:
		if s.body && s.has(atom.Body) {
			return
		}
		s.body = true
	case atom.Image:
		a = atom.Img
	}
	if a != atom.Head && !inHead(a) {
		s.body = true
	}
	s.implyEnds(a)
	if isVoid(a) {
		s.void(a, attrs)
		return
	}
	s.push(a, tag, attrs)
}

// implyEnds closes the elements a start tag a implies the end of.
func (s *streamer) implyEnds(a atom.Atom) {
	if closesP(a) {
		if i := s.inScope(atom.P, buttonScope); i >= 0 {
			s.popTo(i)
		}
	}
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if k := len(s.stack); k > 0 && isHeading(s.stack[k-1].a) {
			s.pop()
		}
	case atom.Li:
		s.closeItem(func(b atom.Atom) bool { return b == atom.Li })
	case atom.Dd, atom.Dt:
		s.closeItem(func(b atom.Atom) bool { return b == atom.Dd || b == atom.Dt })
	case atom.Td, atom.Th:
		if i := s.inScopeAny(isCell, tableScope); i >= 0 {
			s.popTo(i)
		}
	case atom.Tr:
		if i := s.inScope(atom.Tr, tableScope); i >= 0 {
			s.popTo(i)
		}
	case atom.Tbody, atom.Thead, atom.Tfoot:
		if i := s.inScopeAny(isSection, tableScope); i >= 0 {
			s.popTo(i)
		}
	case atom.A:
		if i := s.inScope(atom.A, tableScope); i >= 0 {
			s.popTo(i)
		}
	case atom.Option:
		if k := len(s.stack); k > 0 && s.stack[k-1].a == atom.Option {
			s.pop()
		}
	}
}

// closeItem closes an open list item (li, or dd/dt) unless a special
// element other than address, div or p stands between.
func (s *streamer) closeItem(match func(atom.Atom) bool) {
	for i := len(s.stack) - 1; i >= s.floor(); i-- {
		b := s.stack[i].a
		if match(b) {
			s.popTo(i)
			return
		}
		if isSpecial(b) && b != atom.Address && b != atom.Div && b != atom.P {
			return
		}
	}
}

func (s *streamer) end() {
	name, _ := s.readTag(false)
	a := atom.Lookup(name)
	switch a {
	case atom.Html, atom.Body:
		return // content after </body> still belongs to the body
	case atom.Head:
		if s.inHead {
			s.closeHead()
		}
		return
	case atom.Br:
		s.void(atom.Br, nil)
		return
	case atom.P:
		if i := s.inScope(atom.P, buttonScope); i >= 0 {
			s.popTo(i)
		} else {
			s.void(atom.P, nil) // </p> alone makes an empty paragraph
		}
		return
	case atom.Li:
		if i := s.inScope(atom.Li, listScope); i >= 0 {
			s.popTo(i)
		}
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if i := s.inScopeAny(isHeading, defaultScope); i >= 0 {
			s.popTo(i)
		}
		return
	case atom.Td, atom.Th, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Table, atom.Caption:
		if i := s.inScope(a, tableScope); i >= 0 {
			s.popTo(i)
		}
		return
	}
	if a != 0 && isSpecial(a) {
		if i := s.inScope(a, defaultScope); i >= 0 {
			s.popTo(i)
		}
		return
	}
	// Any other end tag closes the nearest open element of its name,
	// unless a special element stands between (then it is ignored).
	for i := len(s.stack) - 1; i >= s.floor(); i-- {
		f := &s.stack[i]
		if f.a == a && (a != 0 || f.name == string(name)) {
			s.popTo(i)
			return
		}
		if isSpecial(f.a) {
			return
		}
	}
}

// readTag returns the current tag's lower-cased name and, with withAttrs,
// the attributes the walker uses, from the spans the lexer recorded: the
// Tokenizer's own accessors copy every name, key and value; this copies
// only the values kept. Keys are ASCII lower-cased, values have their
// entities decoded; the first of two equal attributes wins.
func (s *streamer) readTag(withAttrs bool) ([]byte, []html.Attribute) {
	z := s.z
	name := z.src[z.dataStart:z.dataEnd]
	for _, c := range name {
		if 'A' <= c && c <= 'Z' { // lower-case a copy: the page is not ours
			s.name = append(s.name[:0], name...)
			lowerBytes(s.name)
			name = s.name
			break
		}
	}
	if !withAttrs {
		return name, nil
	}
	attrs := s.attrs[:0]
	for _, a := range z.attrs {
		k := wantedAttr(z.src[a.key:a.keyEnd])
		if k == "" || hasAttr(attrs, k) {
			continue
		}
		val := z.src[a.val:a.valEnd]
		v := string(val)
		if bytes.IndexByte(val, '&') >= 0 {
			v = html.UnescapeString(v)
		}
		attrs = append(attrs, html.Attribute{Key: k, Val: v})
	}
	return name, attrs
}

func lowerBytes(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

func hasAttr(attrs []html.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

func (s *streamer) push(a atom.Atom, tag string, attrs []html.Attribute) {
	if s.quiet() {
		s.stack = append(s.stack, frame{a: a, name: tag, quiet: true})
		return
	}
	w := s.w
	w.nextID++
	e := elem{a: a, id: w.nextID, attrs: attrs}
	descend := w.enter(&e)
	s.stack = append(s.stack, frame{a: a, name: tag, id: e.id, quiet: !descend, entered: true})
}

// void reports an element without content.
func (s *streamer) void(a atom.Atom, attrs []html.Attribute) {
	if s.quiet() {
		return
	}
	w := s.w
	w.nextID++
	e := elem{a: a, id: w.nextID, attrs: attrs}
	w.enter(&e)
	w.exit(&e)
}

func (s *streamer) pop() {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if f.entered {
		s.w.exit(&elem{a: f.a, id: f.id})
	}
}

// popTo closes stack[i] and everything opened after it.
func (s *streamer) popTo(i int) {
	for len(s.stack) > i {
		s.pop()
	}
}

func (s *streamer) closeHead() {
	s.inHead = false
	for i := len(s.stack) - 1; i >= s.floor(); i-- {
		if s.stack[i].a == atom.Head {
			s.popTo(i)
			return
		}
	}
}

func (s *streamer) has(a atom.Atom) bool {
	for i := s.floor(); i < len(s.stack); i++ {
		if s.stack[i].a == a {
			return true
		}
	}
	return false
}

// maxSearch bounds how deep below the top of the stack an open element is
// looked for, so that absurd nesting costs linear time; a parser refuses
// stacks this deep anyway.
const maxSearch = 512

func (s *streamer) floor() int { return max(0, len(s.stack)-maxSearch) }

// Scopes: the elements that stop the search for an open element.
const (
	defaultScope = iota
	buttonScope
	listScope
	tableScope
)

func isScopeEnd(a atom.Atom, scope int) bool {
	switch a {
	case atom.Html, atom.Table, atom.Template:
		return true
	}
	if scope == tableScope {
		return false
	}
	switch a {
	case atom.Applet, atom.Caption, atom.Td, atom.Th, atom.Marquee, atom.Object:
		return true
	case atom.Button:
		return scope == buttonScope
	case atom.Ol, atom.Ul:
		return scope == listScope
	}
	return false
}

// inScope returns the index of the innermost open a in scope, or -1.
func (s *streamer) inScope(a atom.Atom, scope int) int {
	// inScopeAny with b == a, without a call per open element: every block
	// start looks for an open <p> down to <html>.
	for i := len(s.stack) - 1; i >= s.floor(); i-- {
		b := s.stack[i].a
		if b == a {
			return i
		}
		if isScopeEnd(b, scope) {
			return -1
		}
	}
	return -1
}

func (s *streamer) inScopeAny(match func(atom.Atom) bool, scope int) int {
	for i := len(s.stack) - 1; i >= s.floor(); i-- {
		b := s.stack[i].a
		if match(b) {
			return i
		}
		if isScopeEnd(b, scope) {
			return -1
		}
	}
	return -1
}

func isCell(a atom.Atom) bool    { return a == atom.Td || a == atom.Th }
func isSection(a atom.Atom) bool { return a == atom.Tbody || a == atom.Thead || a == atom.Tfoot }
func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// inHead reports the elements that stay in <head>.
func inHead(a atom.Atom) bool {
	switch a {
	case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Noframes,
		atom.Script, atom.Style, atom.Template, atom.Title, atom.Noscript, atom.Head, atom.Html:
		return true
	}
	return false
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Basefont, atom.Bgsound, atom.Br, atom.Col, atom.Embed,
		atom.Frame, atom.Hr, atom.Img, atom.Input, atom.Keygen, atom.Link, atom.Meta,
		atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// closesP reports start tags that close an open <p>.
func closesP(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset,
		atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr,
		atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section,
		atom.Summary, atom.Table, atom.Ul, atom.Li, atom.Dd, atom.Dt, atom.Listing,
		atom.Xmp, atom.Plaintext, atom.Search:
		return true
	}
	return false
}

// isSpecial reports the HTML "special" elements: an end tag of another
// element does not close them.
func isSpecial(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base,
		atom.Basefont, atom.Bgsound, atom.Blockquote, atom.Body, atom.Br, atom.Button,
		atom.Caption, atom.Center, atom.Col, atom.Colgroup, atom.Dd, atom.Details,
		atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Embed, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.Frame, atom.Frameset, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Hr,
		atom.Html, atom.Iframe, atom.Img, atom.Input, atom.Keygen, atom.Li, atom.Link,
		atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta, atom.Nav,
		atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P,
		atom.Param, atom.Plaintext, atom.Pre, atom.Script, atom.Search, atom.Section,
		atom.Select, atom.Source, atom.Style, atom.Summary, atom.Table, atom.Tbody,
		atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead,
		atom.Title, atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp:
		return true
	}
	return false
}
