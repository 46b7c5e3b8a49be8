package discover

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// genericPlatform reads any page by its shape: dated rows and pager links.
type genericPlatform struct{}

func (genericPlatform) name() string               { return PlatformGeneric }
func (genericPlatform) docPaths() []*regexp.Regexp { return nil }
func (genericPlatform) score(*page) int            { return 0 }
func (genericPlatform) parse(p *parser, pg *page)  { p.genericPage(pg.doc.Selection, pg.raw) }

// genericPage reads entries and pager links from an HTML page or fragment.
func (p *parser) genericPage(root *goquery.Selection, raw string) {
	p.genericEntries(root)
	p.genericNext(root, raw)
}

// link is one <a href> of a page, with what the heuristics need.
type link struct {
	node  *html.Node
	url   *url.URL // nil when unusable (off-host, script, …)
	text  string
	title string
	date  string
	box   *html.Node // the element holding the row: ul, tbody, div…
}

// genericEntries takes the Link override when set; otherwise document-shaped
// links anywhere and the links of the list container: the elements whose
// rows carry dates, which menus, breadcrumbs and footers do not.
func (p *parser) genericEntries(root *goquery.Selection) {
	if p.linkSel != nil {
		for _, n := range root.FindMatcher(p.linkSel).Nodes {
			for _, a := range anchorsIn(n) {
				l := p.readLink(a)
				p.addEntry(l.url, l.title, l.date)
			}
		}
		return
	}
	var links []link
	for _, n := range root.Nodes {
		for _, a := range anchorsIn(n) {
			links = append(links, p.readLink(a))
		}
	}
	dated := map[*html.Node]int{}
	for _, l := range links {
		if l.url != nil && l.date != "" && l.box != nil && !isNavURL(l.url) {
			dated[l.box]++
		}
	}
	best := 0
	for _, n := range dated {
		best = max(best, n)
	}
	// A list is often split into several blocks of five; take every block
	// with a couple of dated rows, or the best one on a short last page.
	minDated := min(2, best)
	for _, l := range links {
		if l.url == nil || isNavURL(l.url) || isPagerText(l.text) {
			continue
		}
		inList := minDated > 0 && dated[l.box] >= minDated
		if inList || isDocPath(l.url.Path) {
			p.addEntry(l.url, l.title, l.date)
		}
	}
}

// anchorsIn returns n itself when it is an <a href>, else the <a href>
// elements below it, in document order.
func anchorsIn(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A && hasAttr(n, "href") {
			out = append(out, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func (p *parser) readLink(a *html.Node) link {
	l := link{node: a, text: cleanText(nodeText(a))}
	l.url = p.res.resolve(attr(a, "href"))
	l.title = cleanText(attr(a, "title"))
	if mc := cleanText(attr(a, "mc")); mc != "" { // Hanweb xxgk module
		l.title = mc
	}
	if l.title == "" {
		l.title = l.text
	}
	row := rowOf(a)
	if row != nil {
		l.box = row.Parent
	}
	if rq := findDate(attr(a, "rq")); rq != "" {
		l.date = rq
	} else if row != nil {
		l.date = rowDate(row, a)
	}
	return l
}

// rowOf returns the list row holding a: the nearest li, tr, dd, dt or p
// within a few levels, else a's parent.
func rowOf(a *html.Node) *html.Node {
	n := a.Parent
	for depth := 0; n != nil && n.Type == html.ElementNode && depth < 4; depth++ {
		switch n.DataAtom {
		case atom.Li, atom.Tr, atom.Dd, atom.Dt, atom.P:
			return n
		case atom.Ul, atom.Ol, atom.Table, atom.Tbody, atom.Dl, atom.Body:
			return a.Parent
		}
		n = n.Parent
	}
	return a.Parent
}

// rowDate finds the date of a row, ignoring the text of the link itself
// (titles mention dates too). Long rows are layout, not list rows.
func rowDate(row, a *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n == a || b.Len() > 600 {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case html.ElementNode:
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(row)
	if b.Len() > 600 {
		return ""
	}
	return findDate(b.String())
}

var nextTexts = map[string]bool{
	"下一页": true, "下页": true, "后页": true, "后一页": true, "下一頁": true,
	"next": true, "nextpage": true, ">": true, "›": true, "»": true, "＞": true,
	"下一页>": true, "下一页»": true, "下一页>>": true,
}

var lastTexts = map[string]bool{"尾页": true, "末页": true, "最后一页": true, "last": true, ">>": true, "»»": true}

var skipTexts = map[string]bool{
	"上一页": true, "上页": true, "前页": true, "前一页": true, "首页": true, "第一页": true,
	"prev": true, "previous": true, "first": true, "<": true, "‹": true, "«": true, "<<": true, "＜": true,
}

func pagerKey(text string) string {
	return strings.ToLower(strings.ReplaceAll(cleanText(text), " ", ""))
}

func isPagerText(text string) bool {
	k := pagerKey(text)
	if nextTexts[k] || lastTexts[k] || skipTexts[k] {
		return true
	}
	_, err := strconv.Atoi(k)
	return err == nil && len(k) <= 4
}

// genericNext collects pager links: the Next override, or 下一页/next links
// (first), numbered page links and 尾页; plus the following ?page=N page
// when the page declares how many there are.
func (p *parser) genericNext(root *goquery.Selection, raw string) {
	p.setPages(declaredPages(raw))
	if p.nextSel != nil {
		for _, n := range root.FindMatcher(p.nextSel).Nodes {
			for _, a := range anchorsIn(n) {
				p.addNextURL(p.res.resolve(attr(a, "href")))
			}
		}
		return
	}
	var numbered []*url.URL
	foundNext := false
	for _, n := range root.Nodes {
		for _, a := range anchorsIn(n) {
			u := p.res.resolve(attr(a, "href"))
			if u == nil || isDocPath(u.Path) {
				continue
			}
			k := pagerKey(nodeText(a))
			if k == "" {
				k = pagerKey(attr(a, "title"))
			}
			switch {
			case nextTexts[k] || strings.Contains(strings.ToLower(attr(a, "class")), "next"):
				foundNext = true
				p.addNextURL(u)
			case skipTexts[k]:
			case lastTexts[k]:
				numbered = append(numbered, u)
			default:
				if _, err := strconv.Atoi(k); err == nil && len(k) <= 4 {
					numbered = append(numbered, u)
				}
			}
		}
	}
	for _, u := range numbered {
		p.addNextURL(u)
	}
	p.pageParamNext()
	if !foundNext && len(numbered) == 0 {
		p.indexNext()
	}
}

var indexPageRe = regexp.MustCompile(`^(index|default)(?:_(\d{1,5}))?\.(s?html?)$`)

// indexNext adds index_<N+1>.html for pages whose pager a script draws
// from a declared count (Shanghai's .pagination({totalPage:N})): index.html
// is page 1, index_2.html page 2.
func (p *parser) indexNext() {
	self := p.res.page
	m := indexPageRe.FindStringSubmatch(path.Base(self.Path))
	if m == nil || p.out.Pages == 0 || self.RawQuery != "" || len(p.out.Entries) == 0 {
		return
	}
	cur := 1
	if m[2] != "" {
		cur, _ = strconv.Atoi(m[2])
	}
	if cur >= p.out.Pages {
		return
	}
	next := *self
	next.Path = path.Join(path.Dir(self.Path), m[1]+"_"+strconv.Itoa(max(cur+1, 2))+"."+m[3])
	p.addNextURL(&next)
}

// pageParamNext adds page N+1 of a ?page=N style list when the declared
// page count says there is one.
func (p *parser) pageParamNext() {
	self := p.res.page
	name := pageParam(self)
	if name == "" || p.out.Pages == 0 {
		return
	}
	q := self.Query()
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < 0 || n >= p.out.Pages {
		return
	}
	next := *self
	next.RawQuery = setQueryParam(self.RawQuery, name, strconv.Itoa(n+1))
	p.addNextURL(&next)
}

// setQueryParam replaces one parameter's value, keeping the order and
// spelling of the others.
func setQueryParam(rawQuery, name, value string) string {
	if rawQuery == "" {
		return name + "=" + url.QueryEscape(value)
	}
	parts := strings.Split(rawQuery, "&")
	for i, kv := range parts {
		k, _, _ := strings.Cut(kv, "=")
		if k == name {
			parts[i] = k + "=" + url.QueryEscape(value)
			return strings.Join(parts, "&")
		}
	}
	return rawQuery + "&" + name + "=" + url.QueryEscape(value)
}

// pageCountRes read a declared page count; each runs only when its word
// (lower case) is on the page, since case-folding scans are slow.
var pageCountRes = []struct {
	word string
	re   *regexp.Regexp
}{
	{"共", regexp.MustCompile(`共\s*(\d{1,6})\s*页`)},
	{"totalpage", regexp.MustCompile(`(?i)totalPages?["']?\s*[:=]\s*["']?(\d{1,6})`)},
	{"pagecount", regexp.MustCompile(`(?i)pageCount["']?\s*[:=]\s*["']?(\d{1,6})`)},
	{"第", regexp.MustCompile(`第\s*\d{1,6}\s*/\s*(\d{1,6})\s*页`)},
}

// declaredPages reads a page count the page states: 共12页, totalPage:12,
// pageCount=12, 第1/12页.
func declaredPages(raw string) int {
	for _, pc := range pageCountRes {
		if !containsFold(raw, pc.word) {
			continue
		}
		if m := pc.re.FindStringSubmatch(raw); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
