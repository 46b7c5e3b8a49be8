package discover

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

var (
	gkSIDRe  = regexp.MustCompile(`\bSID\s*:\s*["']?([\w-]+)`)
	gkTreeRe = regexp.MustCompile(`\bTREE\s*:\s*\[`)
	gkIDRe   = regexp.MustCompile(`["']?\bid["']?\s*:\s*["']?(\d+)`)
	gkCatRe  = regexp.MustCompile(`^\d+$`)
)

// gkmlptPlatform is Guangdong's gkmlpt disclosure platform.
type gkmlptPlatform struct{}

func (gkmlptPlatform) name() string               { return PlatformGkmlpt }
func (gkmlptPlatform) docPaths() []*regexp.Regexp { return nil } // post_N.html, listed by nfcms

// score: window._CONFIG with a SID is decisive, above every other marker.
func (gkmlptPlatform) score(pg *page) int {
	if gkmlptSID(pg.raw) != "" {
		return 3 * scoreMarker
	}
	return 0
}

func (gkmlptPlatform) parse(p *parser, pg *page) { p.gkmlptPage(pg.doc, pg.raw) }

// gkmlptPage reads a gkmlpt index page, whose list the browser loads from
// /gkmlpt/api/all/<cat>?page=1&sid=<SID>. The category is the page's
// fragment (#2001) or cat parameter when given, else the first TREE node.
func (p *parser) gkmlptPage(doc *goquery.Document, raw string) {
	p.genericEntries(doc.Selection)
	sid := gkmlptSID(raw)
	if sid == "" {
		return
	}
	cat := ""
	switch {
	case gkCatRe.MatchString(p.fragment):
		cat = p.fragment
	case gkCatRe.MatchString(p.res.page.Query().Get("cat")):
		cat = p.res.page.Query().Get("cat")
	default:
		if loc := gkTreeRe.FindStringIndex(raw); loc != nil {
			if id := gkIDRe.FindStringSubmatch(raw[loc[1]:]); id != nil {
				cat = id[1]
			}
		}
	}
	if cat == "" {
		cat = "0"
	}
	api := p.res.resolve("/gkmlpt/api/all/" + cat + "?page=1&sid=" + sid)
	if api != nil {
		p.addNext(Request{URL: api.String()})
	}
}

// gkmlptSID returns the SID of a page's window._CONFIG, or "".
func gkmlptSID(raw string) string {
	i := strings.Index(raw, "window._CONFIG")
	if i < 0 {
		return ""
	}
	rest := raw[i:]
	if end := strings.Index(rest, "</script"); end > 0 {
		rest = rest[:end]
	}
	if m := gkSIDRe.FindStringSubmatch(rest); m != nil {
		return m[1]
	}
	return ""
}

// flexInt accepts a JSON number or a numeric string; anything else is 0.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(n)
		return nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > -1e18 && v < 1e18 {
		*f = flexInt(v)
		return nil
	}
	*f = 0
	return nil
}

// flexString accepts a JSON string or number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	*f = flexString(strings.Trim(string(b), `"`))
	return nil
}

type gkArticle struct {
	ID                 flexInt    `json:"id"`
	Title              string     `json:"title"`
	URL                string     `json:"url"`
	Date               flexInt    `json:"date"`
	CreatedAt          flexString `json:"created_at"`
	DisplayPublishTime flexString `json:"display_publish_time"`
}

type apiAnswer struct {
	Total    flexInt `json:"total"`
	Classify struct {
		PostCount flexInt `json:"post_count"`
	} `json:"classify"`
	Articles *[]gkArticle `json:"articles"`
	Success  any          `json:"success"`
	Data     *struct {
		HTML      string  `json:"html"`
		Total     flexInt `json:"total"`
		TotalPage flexInt `json:"totalPage"`
	} `json:"data"`
}

// parseJSON reads a gkmlpt list API answer or a jpaas list API answer.
func (p *parser) parseJSON(body []byte) error {
	var a apiAnswer
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&a); err != nil {
		return fmt.Errorf("parse json list: %w", err)
	}
	switch {
	case a.Articles != nil || strings.Contains(p.res.page.Path, "/gkmlpt/api/"):
		p.out.Platform = PlatformGkmlpt
		p.gkmlptAnswer(a)
	case a.Data != nil:
		p.out.Platform = PlatformHanweb
		p.jpaasAnswer(a.Data.HTML, int(a.Data.Total), int(a.Data.TotalPage))
	default:
		return fmt.Errorf("parse json list: neither a gkmlpt nor a jpaas answer")
	}
	return nil
}

func (p *parser) gkmlptAnswer(a apiAnswer) {
	var arts []gkArticle
	if a.Articles != nil {
		arts = *a.Articles
	}
	for _, art := range arts {
		u := p.res.resolve(art.URL)
		if u == nil {
			continue
		}
		date := epochDate(int64(art.Date), p.loc)
		for _, alt := range []flexString{art.DisplayPublishTime, art.CreatedAt} {
			if date != "" {
				break
			}
			if n, err := strconv.ParseInt(string(alt), 10, 64); err == nil {
				date = epochDate(n, p.loc)
			} else {
				date = findDate(string(alt))
			}
		}
		p.addEntry(u, art.Title, date)
	}
	total := int(a.Classify.PostCount)
	if total <= 0 {
		total = int(a.Total)
	}
	p.out.Total = max(total, 0)
	self := p.res.page
	page := 1
	if v := self.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return
		}
		page = n
	}
	if len(arts) == 0 {
		return
	}
	if page == 1 && total > 0 {
		// Only page 1 surely has the full page size (unless it is the
		// only page, and then the count is 1 either way).
		p.setPages((total + len(arts) - 1) / len(arts))
	}
	if total > 0 && page*len(arts) >= total {
		return
	}
	next := *self
	next.RawQuery = setQueryParam(self.RawQuery, "page", strconv.Itoa(page+1))
	p.addNext(Request{URL: next.String()})
}
