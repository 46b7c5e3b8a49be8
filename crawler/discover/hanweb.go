package discover

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

var (
	hrefRe     = regexp.MustCompile(`(?i)href\s*=\s*["']([^"']+)["']`)
	cdataRe    = regexp.MustCompile(`(?s)^\s*<!\[CDATA\[(.*?)\]\]>\s*$`)
	totalTagRe = regexp.MustCompile(`<totalrecord>\s*(\d+)\s*</totalrecord>`)
	totalRecRe = regexp.MustCompile(`totalRecord["']?\s*:\s*["']?(\d+)`)
	perPageRe  = regexp.MustCompile(`perPage["']?\s*:\s*["']?(\d+)`)
)

// hanwebPlatform is Hanweb 大汉 JCMS and its Zhejiang jpaas flavour.
type hanwebPlatform struct{}

var hanwebDocRes = []*regexp.Regexp{
	// /art/2025/1/23/art_33718_5678.html (also under /jcms/…)
	regexp.MustCompile(`/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.s?html?$`),
	// Zhejiang: /col/col1229567/art/2025/art_<32 hex>.html
	regexp.MustCompile(`/col/col\d+/art/\d{4}/art_[0-9a-fA-F]{32}\.s?html?$`),
}

func (hanwebPlatform) name() string               { return PlatformHanweb }
func (hanwebPlatform) docPaths() []*regexp.Regexp { return hanwebDocRes }

// score: the datastore XML, the jpage pager, the jpaas API or pager and the
// legacy xxgk rows are decisive; otherwise the count of article links.
func (hanwebPlatform) score(pg *page) int {
	raw := pg.raw
	if strings.Contains(raw, "<datastore>") || strings.Contains(raw, ".jpage(") ||
		strings.Contains(raw, "jpaas-publish-server") || strings.Contains(raw, "tr_main_value_") || hasJpaasPager(raw) {
		return 2 * scoreMarker
	}
	return scoreLinks * (countPaths(pg.links, hanwebDocRes[0]) + countPaths(pg.links, hanwebDocRes[1]))
}

func (hanwebPlatform) parse(p *parser, pg *page) { p.hanwebPage(pg.doc, pg.raw) }

// Hanweb's jpage loads older records in windows of groupSize pages.
const hanwebGroupSize = 3

// hanwebPage reads a Hanweb column page: records embedded as datastore XML,
// the dataproxy window that follows them, or the Zhejiang jpaas list API,
// or the legacy xxgk module's table rows.
func (p *parser) hanwebPage(doc *goquery.Document, raw string) {
	if store, ok := element(raw, "datastore"); ok {
		n := p.records(store)
		total := firstInt(raw, totalTagRe, totalRecRe)
		perPage := firstInt(raw, perPageRe)
		p.out.Total = total
		if total > 0 && perPage > 0 {
			p.setPages((total + perPage - 1) / perPage)
		}
		if params, path, ok := nextgroup(store, p.res); ok && n > 0 {
			window := n
			if perPage > 0 {
				window = perPage * hanwebGroupSize
			}
			if total == 0 || n < total {
				p.addNext(dataproxyRequest(path, params, n+1, n+window, max(perPage, 1)))
			}
		}
		return
	}
	if p.jpaasPage(doc, raw) {
		return
	}
	p.genericPage(doc.Selection, raw)
}

// dataproxyAnswer reads the XML dataproxy.jsp answers with: the records of
// one window, and the next window until totalrecord is reached. The form
// fields travel in the request URL's query too (the servlet reads both), so
// the next window can be built from the page URL alone.
func (p *parser) dataproxyAnswer(raw string) {
	store, ok := element(raw, "datastore")
	if !ok {
		store = raw
	}
	n := p.records(store)
	q := p.res.page.Query()
	start, err1 := strconv.Atoi(q.Get("startrecord"))
	end, err2 := strconv.Atoi(q.Get("endrecord"))
	perPage, _ := strconv.Atoi(q.Get("perpage"))
	total := firstInt(raw, totalTagRe)
	if total > 0 && perPage > 0 {
		p.setPages((total + perPage - 1) / perPage)
	}
	if n == 0 || err1 != nil || err2 != nil || start < 1 || end < start {
		return
	}
	window := end - start + 1
	if total > 0 && end >= total || total == 0 && n < window {
		return
	}
	params := formParams(q)
	if g, _, ok := nextgroup(store, p.res); ok {
		params = g
	}
	u := *p.res.page
	u.RawQuery = ""
	p.addNext(dataproxyRequest(u.String(), params, end+1, end+window, max(perPage, 1)))
}

// records adds the entries of a datastore's <record> elements and returns
// how many records there were.
func (p *parser) records(store string) int {
	n := 0
	for {
		i := strings.Index(store, "<record>")
		if i < 0 {
			break
		}
		store = store[i+len("<record>"):]
		j := strings.Index(store, "</record>")
		if j < 0 {
			break
		}
		frag := store[:j]
		store = store[j:]
		n++
		if c := cdataRe.FindStringSubmatch(frag); c != nil {
			frag = c[1]
		} else {
			frag = html.UnescapeString(frag)
		}
		p.record(frag)
	}
	return n
}

// element returns the content of the first <name>…</name> in raw; an
// unclosed element runs to the end (answers get cut off).
func element(raw, name string) (string, bool) {
	i := strings.Index(raw, "<"+name+">")
	if i < 0 {
		return "", false
	}
	rest := raw[i+len(name)+2:]
	if j := strings.Index(rest, "</"+name+">"); j >= 0 {
		rest = rest[:j]
	}
	return rest, true
}

// record reads one record fragment: its document link (the document-shaped
// one if there are several), title and date.
func (p *parser) record(frag string) {
	t := strings.TrimSpace(frag)
	lt := strings.ToLower(t)
	if strings.HasPrefix(lt, "<tr") || strings.HasPrefix(lt, "<td") {
		t = "<table>" + t + "</table>"
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(t))
	if err != nil {
		return
	}
	if p.linkSel != nil {
		p.genericEntries(doc.Selection)
		return
	}
	var best, first *link
	for _, a := range anchorsIn(doc.Selection.Nodes[0]) {
		l := p.readLink(a)
		if l.url == nil || isNavURL(l.url) {
			continue
		}
		if first == nil {
			first = &l
		}
		if isDocPath(l.url.Path) {
			best = &l
			break
		}
	}
	if best == nil {
		best = first
	}
	if best == nil {
		return
	}
	date := best.date
	if date == "" {
		date = findDate(strings.Replace(doc.Text(), nodeText(best.node), " ", 1))
	}
	p.addEntry(best.url, best.title, date)
}

// dataproxyFields are the form fields jpage posts, in its order.
var dataproxyFields = []struct{ name, def string }{
	{"col", "1"}, {"appid", "1"}, {"webid", ""}, {"path", "/"}, {"columnid", ""},
	{"unitid", ""}, {"sourceContentType", "1"}, {"webname", ""}, {"permissiontype", "0"},
}

// nextgroup reads the dataproxy link of a datastore: its path and the form
// parameters it carries.
func nextgroup(store string, r *resolver) (url.Values, string, bool) {
	inner, ok := element(store, "nextgroup")
	if !ok {
		return nil, "", false
	}
	if c := cdataRe.FindStringSubmatch(inner); c != nil {
		inner = c[1]
	}
	h := hrefRe.FindStringSubmatch(inner)
	if h == nil {
		return nil, "", false
	}
	u := r.resolve(html.UnescapeString(h[1]))
	if u == nil {
		return nil, "", false
	}
	params := formParams(u.Query())
	u.RawQuery = ""
	return params, u.String(), true
}

// formParams keeps the form fields of a dataproxy query, dropping the
// window and page parameters.
func formParams(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		switch strings.ToLower(k) {
		case "startrecord", "endrecord", "perpage", "page":
			continue
		}
		out[k] = v
	}
	return out
}

// dataproxyRequest builds the POST jpage sends for records start..end.
func dataproxyRequest(path string, params url.Values, start, end, perPage int) Request {
	var form bytes.Buffer
	done := map[string]bool{}
	add := func(k, v string) {
		if form.Len() > 0 {
			form.WriteByte('&')
		}
		form.WriteString(url.QueryEscape(k))
		form.WriteByte('=')
		form.WriteString(strings.ReplaceAll(url.QueryEscape(v), "%2F", "/"))
		done[k] = true
	}
	for _, f := range dataproxyFields {
		v := f.def
		if vs, ok := params[f.name]; ok && len(vs) > 0 {
			v = vs[0]
		}
		add(f.name, v)
	}
	var rest []string
	for k := range params {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		add(k, params.Get(k))
	}
	body := form.String()
	q := "startrecord=" + strconv.Itoa(start) + "&endrecord=" + strconv.Itoa(end) + "&perpage=" + strconv.Itoa(perPage)
	return Request{Method: "POST", URL: path + "?" + q + "&" + body, Body: body}
}

func firstInt(raw string, res ...*regexp.Regexp) int {
	for _, re := range res {
		if m := re.FindStringSubmatch(raw); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}
