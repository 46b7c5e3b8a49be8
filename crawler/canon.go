package crawler

import (
	"net/url"
	"strings"

	"github.com/gongkai/gongkai/crawler/discover"
)

// documentURL drops the query string of a static document page of a known
// CMS (Hanweb art_…html, TRS t20250123_….html, NFCMS/gkmlpt post_….html,
// gov.cn content_….htm): these are files the CMS wrote out, the server
// ignores the query, and tracking or cache-busting parameters would
// otherwise turn one document into thousands. Dynamic pages (.jsp, .php,
// .aspx, ?id=…) keep their query: there it names the document.
func documentURL(canon string) string {
	u, err := url.Parse(canon)
	if err != nil || u.RawQuery == "" && !u.ForceQuery {
		return canon
	}
	if !discover.IsDocumentURL(canon) || !staticPage(u.Path) {
		return canon
	}
	u.RawQuery, u.ForceQuery = "", false
	return u.String()
}

func staticPage(p string) bool {
	p = strings.ToLower(p)
	return strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".htm") || strings.HasSuffix(p, ".shtml")
}
