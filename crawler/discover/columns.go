package discover

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// Column is a link from a directory page (a county's 政府信息公开 index,
// a department's 信息公开目录) to a page that may list documents.
type Column struct {
	URL  string `json:"url"`
	Name string `json:"name"` // the link's text
}

// pagedRe matches the second and later pages of a list (index_2.html).
var pagedRe = regexp.MustCompile(`_\d+\.[a-z]+$`)

// maxColumnName bounds a column link's text: longer texts are headlines of
// documents or banners, not column names.
const maxColumnName = 30

// Columns returns the candidate column pages a directory page links to, in
// page order: same-host links to column, list or index pages, named by
// their text. Pager links (index_2.html, ?page=2, 下一页), the page itself
// and the site's home page are left out. Which candidates really list
// documents the caller learns by fetching and parsing each one.
func Columns(pageURL string, body []byte) ([]Column, error) {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("columns: %q is not an absolute http(s) url", pageURL)
	}
	u.Fragment, u.RawFragment = "", ""
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("columns: parse html: %w", err)
	}
	res := newResolver(u)
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		res.setBase(href)
	}
	var out []Column
	seen := map[string]bool{}
	for _, a := range anchorsIn(doc.Selection.Nodes[0]) {
		c := res.resolve(attr(a, "href"))
		if c == nil || res.isSelf(c) || seen[c.String()] || !isColumnURL(c) {
			continue
		}
		name := cleanText(nodeText(a))
		if name == "" {
			name = cleanText(attr(a, "title"))
		}
		if name == "" || isPagerText(name) || len([]rune(name)) > maxColumnName {
			continue
		}
		seen[c.String()] = true
		out = append(out, Column{URL: c.String(), Name: name})
	}
	return out, nil
}

// isColumnURL reports whether u looks like the first page of a column: a
// list or index page that is neither a document, a later page of a list,
// nor the site's home page.
func isColumnURL(u *url.URL) bool {
	p := u.Path
	switch {
	case isDocPath(p), !isNavURL(u), pageParam(u) != "" && u.Query().Get(pageParam(u)) != "1":
		return false
	case pagedRe.MatchString(path.Base(p)):
		return false
	}
	dir := p
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir(dir)
	}
	return strings.Trim(dir, "/") != "" // the home page lists no column of its own
}
