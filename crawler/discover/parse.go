package discover

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Parse reads a list page (body already decoded to UTF-8; contentType from
// the response) fetched from pageURL. It accepts HTML list pages of every
// platform and the API answers they lead to: Hanweb dataproxy XML, gkmlpt
// and Zhejiang jpaas JSON. Links to other hosts, script and mail links are
// never returned.
func Parse(pageURL string, contentType string, body []byte, opts Options) (Result, error) {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		return Result{}, fmt.Errorf("parse page url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Result{}, fmt.Errorf("parse page url %q: not an absolute http(s) url", pageURL)
	}
	fragment := u.Fragment
	u.Fragment, u.RawFragment = "", ""
	if opts.Platform != "" && !knownPlatform(opts.Platform) {
		return Result{}, fmt.Errorf("%w %q", ErrPlatform, opts.Platform)
	}
	linkSel, err := compileSelector(opts.Link)
	if err != nil {
		return Result{}, fmt.Errorf("link selector: %w", err)
	}
	nextSel, err := compileSelector(opts.Next)
	if err != nil {
		return Result{}, fmt.Errorf("next selector: %w", err)
	}
	p := &parser{
		res:      newResolver(u),
		fragment: fragment,
		loc:      opts.location(),
		linkSel:  linkSel,
		nextSel:  nextSel,
		entries:  map[string]int{},
		nexts:    map[string]bool{},
	}
	switch sniff(contentType, body) {
	case kindJSON:
		err = p.parseJSON(body)
	case kindDatastore:
		p.out.Platform = PlatformHanweb
		p.dataproxyAnswer(string(body))
	default:
		err = p.parseHTML(body, opts.Platform)
	}
	if err != nil {
		return Result{}, err
	}
	return p.out, nil
}

type bodyKind int

const (
	kindHTML bodyKind = iota
	kindJSON
	kindDatastore
)

// sniff tells API answers from HTML pages. Servers label JSON as text/html
// and XML as text/plain often enough that the body decides when it is clear.
func sniff(contentType string, body []byte) bodyKind {
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	ct := strings.ToLower(contentType)
	if len(b) > 0 && (b[0] == '{' || (b[0] == '[' && strings.Contains(ct, "json"))) {
		return kindJSON
	}
	if strings.Contains(ct, "json") && len(b) > 0 && b[0] != '<' {
		return kindJSON
	}
	head := b
	if len(head) > 512 {
		head = head[:512]
	}
	lh := bytes.ToLower(head)
	if bytes.HasPrefix(lh, []byte("<datastore")) {
		return kindDatastore
	}
	xmlish := bytes.HasPrefix(lh, []byte("<?xml")) ||
		(strings.Contains(ct, "xml") && !strings.Contains(ct, "html"))
	if xmlish && !bytes.Contains(lh, []byte("<html")) && bytes.Contains(bytes.ToLower(b), []byte("<datastore")) {
		return kindDatastore
	}
	return kindHTML
}

// parser accumulates one page's result.
type parser struct {
	res      *resolver
	fragment string // the page URL's fragment (gkmlpt names categories there)
	loc      *time.Location
	linkSel  goquery.Matcher
	nextSel  goquery.Matcher
	out      Result
	entries  map[string]int  // URL → index in out.Entries
	nexts    map[string]bool // Request.Key() seen
}

// addEntry records a document link; a repeated URL keeps its first place
// but fills in a title or date the first occurrence lacked.
func (p *parser) addEntry(u *url.URL, title, date string) {
	if u == nil {
		return
	}
	key := u.String()
	title = cleanText(title)
	if i, ok := p.entries[key]; ok {
		e := &p.out.Entries[i]
		if e.Title == "" {
			e.Title = title
		}
		if e.Date == "" {
			e.Date = date
		}
		return
	}
	p.entries[key] = len(p.out.Entries)
	p.out.Entries = append(p.out.Entries, Entry{URL: key, Title: title, Date: date})
}

// addNext records a list page to fetch; the page itself is never added.
func (p *parser) addNext(r Request) {
	if r.URL == "" {
		return
	}
	if r.Method == "" || r.Method == "GET" {
		r.Method = ""
		if u, err := url.Parse(r.URL); err == nil && p.res.isSelf(u) {
			return
		}
	}
	k := r.Key()
	if p.nexts[k] {
		return
	}
	p.nexts[k] = true
	p.out.Next = append(p.out.Next, r)
}

func (p *parser) addNextURL(u *url.URL) {
	if u == nil || isDocPath(u.Path) {
		return
	}
	p.addNext(Request{URL: u.String()})
}

func (p *parser) setPages(n int) {
	if n > 0 && p.out.Pages == 0 {
		p.out.Pages = n
	}
}

func (p *parser) parseHTML(body []byte, platform string) error {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("parse html: %w", err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		p.res.setBase(href)
	}
	pg := &page{doc: doc, raw: string(body)}
	pl, ok := lookupPlatform(platform)
	if !ok {
		for _, a := range anchorsIn(doc.Selection.Nodes[0]) {
			if u := p.res.resolve(attr(a, "href")); u != nil {
				pg.links = append(pg.links, u)
			}
		}
		pl = detect(pg)
	}
	p.out.Platform = pl.name()
	pl.parse(p, pg)
	return nil
}
