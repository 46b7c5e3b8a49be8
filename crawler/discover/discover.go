// Package discover reads list pages of disclosure sites: which links on a
// page lead to documents, and which requests fetch the next list pages. It
// knows the common government CMS platforms (Hanweb, TRS, Guangdong NFCMS
// and gkmlpt, gov.cn, Lonsun) and falls back to generic next-page links; each
// platform is one type in the ordered registry of platform.go. It also finds
// the column pages a directory page links to (Columns). It is pure: bytes
// in, links out; the crawler does the fetching.
package discover

// Entry is one document as a list page shows it. Title and Date are what the
// list says (they are compared between polls to spot edits); URL is absolute.
type Entry struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Date  string `json:"date,omitempty"`
}

// Request is a list page to fetch: usually a GET of URL, but Hanweb's
// dataproxy.jsp needs a POST with a form body.
type Request struct {
	Method string // "" means GET
	URL    string
	Body   string // form-encoded body for POST
}

// Key identifies a request for "fetched once per run" bookkeeping.
func (r Request) Key() string {
	if r.Method == "" || r.Method == "GET" {
		return r.URL
	}
	return r.Method + " " + r.URL + "\n" + r.Body
}

// Result is what one list page yields.
type Result struct {
	Platform string    // "hanweb", "trs", "nfcms", "gkmlpt", "govcn", "generic"
	Entries  []Entry   // document links, in page order, deduplicated
	Next     []Request // further list pages this page points to
	Pages    int       // page count the page declares (0 if unknown)
	Total    int       `json:",omitempty"` // document count the list declares (0 if unknown)
}
