package discover

import (
	"net/url"
	"path"
	"regexp"
	"strings"
)

// IsDocumentURL reports whether u has the shape of a document page on one
// of the known platforms.
func IsDocumentURL(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return false
	}
	return isDocPath(p.Path)
}

func isDocPath(p string) bool {
	for _, pl := range registry {
		for _, re := range pl.docPaths() {
			if re.MatchString(p) {
				return true
			}
		}
	}
	return false
}

// listPathRe matches paths of list and column pages, which are navigation,
// never documents: /col/col123/index.html, index_2.html, home_1.htm, /list.jsp.
var (
	listBaseRe = regexp.MustCompile(`(?i)^(?:index|default|home|list|main|more)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$`)
	colPathRe  = regexp.MustCompile(`/col/col\d+(?:/|/index\.s?html?|/index_\d+\.s?html?)?$`)
)

// isNavURL reports whether u looks like a column, list or home page.
func isNavURL(u *url.URL) bool {
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		return true
	}
	if colPathRe.MatchString(p) || strings.HasSuffix(p, "/gkmlpt/index") {
		return true
	}
	if listBaseRe.MatchString(path.Base(p)) {
		return true
	}
	return pageParam(u) != ""
}

// pageParams are query parameters that number list pages.
var pageParams = []string{"page", "pagenum", "pageno", "pageindex", "currpage", "curpage", "cur_page", "pn", "pagenow"}

// pageParam returns the name (as written) of u's page-number parameter.
func pageParam(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	for k := range u.Query() {
		lk := strings.ToLower(k)
		for _, p := range pageParams {
			if lk == p {
				return k
			}
		}
	}
	return ""
}

// resolver turns hrefs found on a page into absolute, same-host URLs.
type resolver struct {
	page *url.URL // the page's own URL (host check, self detection)
	base *url.URL // for relative references (<base href> or the page)
	// seen holds the hrefs resolved so far: a page's links are read by
	// more than one pass (entries, pager, platform detection), and parsing
	// them was a fifth of a list page's parse.
	seen map[string]*url.URL
}

func newResolver(pageURL *url.URL) *resolver {
	return &resolver{page: pageURL, base: pageURL}
}

// setBase applies an HTML <base href>, if it is usable.
func (r *resolver) setBase(href string) {
	href = strings.TrimSpace(href)
	if href == "" {
		return
	}
	b, err := r.page.Parse(href)
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") {
		return
	}
	r.base = b
	clear(r.seen)
}

// resolve returns the absolute URL of href, or nil when href is empty, a
// fragment, a script or mail link, not http(s), or on another host.
func (r *resolver) resolve(href string) *url.URL {
	u, ok := r.seen[href]
	if !ok {
		u = r.resolveNew(href)
		if r.seen == nil {
			r.seen = map[string]*url.URL{}
		}
		r.seen[href] = u
	}
	if u == nil {
		return nil
	}
	c := *u // callers may change theirs
	return &c
}

func (r *resolver) resolveNew(href string) *url.URL {
	href = strings.TrimFunc(href, isSpace)
	if href == "" || href[0] == '#' {
		return nil
	}
	if i := strings.IndexByte(href, ':'); i > 0 && i < 12 {
		switch strings.ToLower(href[:i]) {
		case "http", "https":
		default:
			if !strings.ContainsAny(href[:i], "/?#") {
				return nil // javascript:, mailto:, tel:, data:, …
			}
		}
	}
	// Backslashes and stray whitespace appear in hand-edited hrefs.
	href = strings.ReplaceAll(href, `\`, "/")
	u, err := r.base.Parse(href)
	if err != nil {
		return nil
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil
	}
	if !sameHost(u, r.page) {
		return nil
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = strings.ToLower(u.Host)
	if u.Path == "" {
		u.Path = "/"
	}
	return u
}

// isSelf reports whether u is the page itself.
func (r *resolver) isSelf(u *url.URL) bool {
	return u.Path == r.page.Path && u.RawQuery == r.page.RawQuery
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// port returns u's explicit port, "" for none or the scheme's default, so
// that http and https links to one host count as the same host.
func port(u *url.URL) string {
	p := u.Port()
	if (p == "80" && u.Scheme == "http") || (p == "443" && u.Scheme == "https") {
		return ""
	}
	return p
}
