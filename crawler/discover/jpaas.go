package discover

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

const jpaasAPIPath = "/api-gateway/jpaas-publish-server/front/page/build/unit"

var jpaasURLRe = regexp.MustCompile(`/api-gateway/jpaas-publish-server/front/page/build/unit\?[^"'\s<>]+`)

// jpaasParams are the list API's query parameters in the order the site's
// script writes them, with defaults.
var jpaasParams = []struct{ name, def string }{
	{"webId", ""}, {"pageId", ""}, {"parseType", "bulidstatic"}, {"pageType", "column"},
	{"tagId", ""}, {"tplSetId", ""}, {"rows", "15"},
}

// jpaasPage reads a Zhejiang jpaas column page: the first page's entries
// are in the HTML; the pager element's attributes (or an API URL in a
// script) give the list API that serves page 2 onwards.
func (p *parser) jpaasPage(doc *goquery.Document, raw string) bool {
	params, total, pages := jpaasDeclared(doc, raw)
	if params == nil {
		return false
	}
	p.genericEntries(doc.Selection)
	p.out.Total = total
	p.setPages(jpaasPages(total, pages, params.Get("rows")))
	p.setPages(declaredPages(raw))
	if len(p.out.Entries) > 0 && (p.out.Pages == 0 || p.out.Pages > 1) {
		p.addNext(Request{URL: p.jpaasURL(params, 2)})
	}
	return true
}

// jpaasAnswer reads {success, data:{html}}: the entries of one page and the
// following page, until a page is empty or the declared count is reached.
func (p *parser) jpaasAnswer(fragment string, total, pages int) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(fragment))
	if err != nil {
		return
	}
	q := p.res.page.Query()
	params := url.Values{}
	for k, v := range q {
		if k != "pageNo" {
			params[k] = v
		}
	}
	if declared, t, n := jpaasDeclared(doc, fragment); declared != nil {
		total, pages = max(total, t), max(pages, n)
	}
	p.genericEntries(doc.Selection)
	p.out.Total = total
	p.setPages(jpaasPages(total, pages, params.Get("rows")))
	p.setPages(declaredPages(fragment))
	page, err := strconv.Atoi(q.Get("pageNo"))
	if err != nil || page < 1 || len(p.out.Entries) == 0 {
		return
	}
	if p.out.Pages > 0 && page >= p.out.Pages {
		return
	}
	p.addNext(Request{URL: p.jpaasURL(params, page+1)})
}

func jpaasPages(total, pages int, rows string) int {
	if pages > 0 {
		return pages
	}
	r, err := strconv.Atoi(rows)
	if total > 0 && err == nil && r > 0 {
		return (total + r - 1) / r
	}
	return 0
}

func (p *parser) jpaasURL(params url.Values, page int) string {
	var b strings.Builder
	done := map[string]bool{}
	for _, f := range jpaasParams {
		v := f.def
		if vs, ok := params[f.name]; ok && len(vs) > 0 {
			v = vs[0]
		}
		b.WriteString(f.name + "=" + url.QueryEscape(v) + "&")
		done[f.name] = true
	}
	var extra []string
	for k := range params {
		if !done[k] && k != "pageNo" {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(params.Get(k)) + "&")
	}
	b.WriteString("pageNo=" + strconv.Itoa(page))
	u := p.res.resolve(jpaasAPIPath + "?" + b.String())
	if u == nil {
		return ""
	}
	return u.String()
}

// jpaasDeclared finds the list API parameters a page declares: an API URL
// in a script, or a pager element with webid and pageid attributes (with or
// without a data- prefix). It also returns the record and page counts the
// element states.
func jpaasDeclared(doc *goquery.Document, raw string) (params url.Values, total, pages int) {
	if m := jpaasURLRe.FindString(raw); m != "" {
		if u, err := url.Parse(html.UnescapeString(m)); err == nil {
			params = u.Query()
		}
	}
	for _, n := range doc.Find("[webid],[data-webid]").Nodes {
		get := func(names ...string) string {
			for _, a := range n.Attr {
				k := strings.TrimPrefix(strings.ToLower(a.Key), "data-")
				for _, name := range names {
					if k == name {
						return strings.TrimSpace(a.Val)
					}
				}
			}
			return ""
		}
		if get("pageid") == "" {
			continue
		}
		if params == nil {
			params = url.Values{}
			for _, f := range jpaasParams {
				if v := get(strings.ToLower(f.name)); v != "" {
					params.Set(f.name, v)
				}
			}
			if v := get("pagesize", "perpage"); v != "" && params.Get("rows") == "" {
				params.Set("rows", v)
			}
		}
		total, _ = strconv.Atoi(get("total", "totalrecord", "totalcount"))
		pages, _ = strconv.Atoi(get("totalpage", "pagecount", "pages"))
		break
	}
	return params, total, pages
}
