package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Work bounds: a page is cut to maxParseBytes before parsing (after inline
// data: URIs and oversized scripts are dropped), and the readability
// fallback only runs on pages small enough for its repeated tree passes.
const (
	maxParseBytes       = 6 << 20
	maxReadabilityBytes = 1536 << 10
	maxReadabilityElems = 20000
	maxBigBlob          = 2 << 10
)

// Extract parses an already-decoded (UTF-8) page. pageURL resolves relative
// attachment links. It never panics on malformed input; an error means the
// options are invalid or pageURL cannot be parsed.
func Extract(page []byte, pageURL string, opts Options) (Document, error) {
	loc := opts.Location
	if loc == nil {
		loc = shanghai()
	}
	base, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		return Document{}, fmt.Errorf("extract: parse page url: %w", err)
	}
	overrides, err := compileFields(opts.Fields)
	if err != nil {
		return Document{}, fmt.Errorf("extract: %w", err)
	}

	detail := findDetail(page, loc)
	src := shrink(page)

	x := &extraction{
		src:       src,
		loc:       loc,
		overrides: overrides,
		detail:    detail,
		sources:   map[string]string{},
		srcLen:    len(src),
		base:      base,
	}
	if err := x.run(); err != nil {
		return Document{}, err
	}
	doc := x.doc
	doc.Attachments = attachments(x.w.links, x.detailLinks, base, x.w.baseHref)
	if len(doc.Attachments) > 0 {
		x.sources[FieldAttachments] = "links"
	}
	if len(x.sources) > 0 {
		doc.Sources = x.sources
	}
	return doc, nil
}

// override is a compiled per-source selector.
type override struct {
	sel cascadia.SelectorGroup
	raw string
}

func compileFields(fields map[string]string) (map[string]override, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	if err := ValidateFields(fields); err != nil {
		return nil, err
	}
	out := make(map[string]override, len(fields))
	for k, v := range fields {
		raw := strings.TrimSpace(v)
		sel, err := cascadia.ParseGroup(raw)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", k, err)
		}
		out[k] = override{sel: sel, raw: raw}
	}
	return out, nil
}

// shrink keeps huge pages within maxParseBytes: first inline data: URIs
// (base64 images are what make most government pages huge) and then big
// script and style bodies are dropped; what is still too long is cut.
func shrink(b []byte) []byte {
	if len(b) <= maxParseBytes {
		return b
	}
	b = dropDataURIs(b)
	if len(b) > maxParseBytes {
		b = dropBigBlocks(b, "<script", "</script")
		b = dropBigBlocks(b, "<style", "</style")
	}
	if len(b) > maxParseBytes {
		cut := maxParseBytes
		for cut > 0 && b[cut]&0xc0 == 0x80 { // stay on a rune boundary
			cut--
		}
		b = b[:cut]
	}
	return b
}

func dropDataURIs(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("data:"))
		if j < 0 {
			break
		}
		j += i
		end := j + 5
		if j > 0 && (b[j-1] == '"' || b[j-1] == '\'' || b[j-1] == '(') {
			q := b[j-1]
			if q == '(' {
				q = ')'
			}
			k := bytes.IndexByte(b[j:], q)
			if k < 0 {
				k = len(b) - j
			}
			if k > maxBigBlob {
				if out == nil {
					out = make([]byte, 0, len(b)/2)
				}
				out = append(out, b[last:j]...)
				last = j + k
			}
			end = j + k
		}
		i = end
		if i >= len(b) {
			break
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

func dropBigBlocks(b []byte, open, closeTag string) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		j := indexFold(b[i:], open)
		if j < 0 {
			break
		}
		j += i
		gt := bytes.IndexByte(b[j:], '>')
		if gt < 0 {
			break
		}
		start := j + gt + 1
		k := indexFold(b[start:], closeTag)
		if k < 0 {
			k = len(b) - start
		}
		if k > 64<<10 {
			if out == nil {
				out = make([]byte, 0, len(b)/2)
			}
			out = append(out, b[last:start]...)
			last = start + k
		}
		i = start + k
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// flatten rewrites a page the parser refused into a flat one: its <title>,
// <meta> tags and one paragraph per run of text.
func flatten(src []byte) []byte {
	var b bytes.Buffer
	b.WriteString("<html><head>")
	z := html.NewTokenizer(bytes.NewReader(src))
	inTitle, inScript := false, false
	body := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch tok.DataAtom {
			case atom.Meta:
				b.WriteString(tok.String())
			case atom.Title:
				inTitle = true
				b.WriteString("<title>")
			case atom.Script, atom.Style:
				inScript = true
			}
		case html.EndTagToken:
			switch tok.DataAtom {
			case atom.Title:
				inTitle = false
				b.WriteString("</title>")
			case atom.Script, atom.Style:
				inScript = false
			}
		case html.TextToken:
			if inScript {
				continue
			}
			text := strings.TrimSpace(tok.Data)
			if text == "" {
				continue
			}
			if inTitle {
				b.WriteString(html.EscapeString(text))
				continue
			}
			if !body {
				b.WriteString("</head><body>")
				body = true
			}
			b.WriteString("<p>")
			b.WriteString(html.EscapeString(text))
			b.WriteString("</p>\n")
		}
	}
	return b.Bytes()
}

// extraction holds the state of one Extract call.
type extraction struct {
	src       []byte
	root      *html.Node // parsed only when a tree is needed; see tree
	loc       *time.Location
	overrides map[string]override
	detail    *detail
	srcLen    int
	base      *url.URL

	w           *walker
	doc         Document
	sources     map[string]string
	detailLinks []pageLink
}

// tree parses the page into a tree, once, for what needs one: selector
// overrides and the fallbacks for pages without a known body container.
func (x *extraction) tree() (*html.Node, error) {
	if x.root != nil {
		return x.root, nil
	}
	root, err := html.Parse(bytes.NewReader(x.src))
	if err != nil {
		// The parser gives up on absurd nesting; keep the text.
		if root, err = html.Parse(bytes.NewReader(flatten(x.src))); err != nil {
			return nil, fmt.Errorf("extract: parse html: %w", err)
		}
	}
	x.root = root
	return root, nil
}

func (x *extraction) run() error {
	w := newWalker(true)
	w.track = true
	// Room for the lines and links of most pages, which have one of each
	// per 250 to 2000 bytes (large pages are large for their scripts,
	// styles and inline data): too much room is zeroed and then scanned by
	// every GC cycle, too little is copied as it grows.
	w.tokens = make([]token, 0, min(x.srcLen/256, 1024)+16)
	w.links = make([]pageLink, 0, min(x.srcLen/320, 256)+16)
	overrideBody := ""
	if len(x.overrides) > 0 {
		// Selectors need the tree; walk it instead of the token stream.
		root, err := x.tree()
		if err != nil {
			return err
		}
		if o, ok := x.overrides[FieldBody]; ok {
			if nodes := cascadia.QueryAll(root, o.sel); len(nodes) > 0 {
				m := make(map[*html.Node]bool, len(nodes))
				for _, n := range nodes {
					if !hasAncestorIn(n, m) {
						m[n] = true
					}
				}
				w.spanNodes = m
				overrideBody = "override:" + o.raw
			}
		}
		w.walkNodes(root)
	} else {
		w.walkHTML(x.src)
	}
	x.w = w

	// The body: the override selector, else Hanweb markers around enough
	// text, else the best known container; each is a range of tokens.
	bodySource := ""
	switch {
	case overrideBody != "":
		for _, b := range w.boxes {
			if b.override {
				w.markBody(b.start, b.end)
			}
		}
		bodySource = overrideBody
	case w.markStart >= 0 && w.runesIn(w.markStart, w.markEnd) >= minBodyRunes:
		w.markBody(w.markStart, w.markEnd)
		bodySource = "markers"
	default:
		if b := bestBox(w.boxes); b != nil {
			w.markBody(b.start, b.end)
			bodySource = "container:" + b.name
		}
	}
	w.placeHeads()

	found := scanMetadata(w.tokens, x.loc)

	// Body.
	var bodyTokens []token
	onlyBody := false // bodyTokens are the page's: take those marked body
	switch {
	case x.detail != nil && x.detail.content != "":
		dw := x.detail.walk()
		bodyTokens = dw.tokens
		x.detailLinks = dw.links
		bodySource = "json:DETAIL"
	case bodySource != "":
		bodyTokens, onlyBody = w.tokens, true
	default:
		var err error
		if bodyTokens, bodySource, err = x.fallbackBody(); err != nil {
			return err
		}
	}

	title, titleSource := x.chooseTitle(found)
	x.set(FieldTitle, title, titleSource)

	var metaTexts map[string]bool
	if bodySource == "readability" || bodySource == "density" {
		metaTexts = map[string]bool{}
		for _, t := range w.tokens {
			if t.meta {
				metaTexts[t.text] = true
			}
		}
	}
	body := cleanBody(bodyTokens, onlyBody, title, metaTexts)
	x.set(FieldBody, body, bodySource)

	x.fillFields(found)
	x.applyOverrides()
	return nil
}

func (x *extraction) set(field, value, source string) {
	if f, ok := FieldByKey(field); ok {
		*f.Ptr(&x.doc) = value
	}
	if value == "" {
		delete(x.sources, field)
	} else if source != "" {
		x.sources[field] = source
	}
}

// metaFields maps meta tag names to fields; they count only when the page
// shows no labelled value.
var metaFields = []struct{ name, field string }{
	{"pubdate", FieldPublished},
	{"firstpublishedtime", FieldPublished},
	{"contentsource", FieldPublisher},
}

// fillFields sets the metadata fields from, in order of trust, the visible
// labelled block, the gkmlpt DETAIL JSON and the meta tags.
func (x *extraction) fillFields(found map[string]candidate) {
	for _, fd := range fieldTable {
		f := fd.Key
		if !fd.Meta || f == FieldTitle {
			continue // the title and the body have their own rules
		}
		if c, ok := found[f]; ok && c.value != "" {
			x.set(f, c.value, c.source)
			continue
		}
		if x.detail != nil {
			if v := x.detail.fields[f]; v != "" {
				x.set(f, v, "json:DETAIL")
				continue
			}
		}
		for _, m := range metaFields {
			if m.field != f {
				continue
			}
			v := x.w.metas[m.name]
			if isDateField(f) {
				v = dateFromString(v, x.loc)
			} else {
				v = cleanValue(f, v)
			}
			if v != "" {
				x.set(f, v, "meta:"+metaDisplayName(m.name))
				break
			}
		}
	}
}

func metaDisplayName(lower string) string {
	switch lower {
	case "pubdate":
		return "PubDate"
	case "contentsource":
		return "ContentSource"
	case "articletitle":
		return "ArticleTitle"
	}
	return lower
}

func isDateField(key string) bool {
	f, ok := FieldByKey(key)
	return ok && f.Date
}

// applyOverrides lets per-source selectors win over every heuristic.
func (x *extraction) applyOverrides() {
	for _, fd := range fieldTable {
		f := fd.Key
		o, ok := x.overrides[f]
		if !ok || f == FieldBody {
			continue
		}
		n := cascadia.Query(x.root, o.sel) // x.root is parsed: overrides walk the tree
		if n == nil {
			continue
		}
		text := collapse(nodeText(n, 64<<10))
		v := text
		if f != FieldTitle {
			// "索引号：…" inside the matched element: keep the value only.
			rs := []rune(text)
			for _, p := range scanInline(rs, nil) {
				if p.label.field == f {
					v = p.value
					break
				}
			}
			if l, ok := labelByText[normalizeLabel(text)]; ok && l.field == f {
				v = ""
			}
			if isDateField(f) {
				v = normalizeDateIn(v, x.loc)
			} else {
				v = cleanValue(f, v)
			}
		}
		x.set(f, v, "override:"+o.raw)
	}
}

func hasAncestorIn(n *html.Node, m map[*html.Node]bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if m[p] {
			return true
		}
	}
	return false
}
