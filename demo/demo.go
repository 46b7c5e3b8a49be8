// Package demo is the sample disclosure site behind `gongkai demo`: a small
// Hanweb-style column (政府信息公开 › 法治政府建设年度报告) with five real
// annual reports and a few notices, two list pages, detail pages with the
// metadata tables real sites use, and the chrome that makes pages differ on
// every request (a view counter, a clock, a form token) without the content
// changing. Site.Edit then plays the publisher: it silently corrects one
// report and publishes one notice, so the next crawl finds exactly one
// changed and one new document.
package demo

import (
	"bytes"
	"crypto/rand"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/chinatime"
)

//go:embed site/pages.html site/seeds/*.txt
var siteFS embed.FS

// Site is the sample disclosure site, an http.Handler. Its zero value is not
// usable; call New.
type Site struct {
	tmpl *template.Template
	now  func() time.Time

	// hits counts requests: the 浏览次数 every page shows.
	hits atomic.Int64

	mu     sync.Mutex
	docs   []*doc // newest first, as the list shows them
	byPath map[string]*doc
	files  map[string]attachment // attachment path → file
	edited bool
}

// ColumnPath is the first list page of the demo column.
const ColumnPath = "/col/col1229104585/index.html"

const (
	columnID  = "1229104585"
	unitID    = "4983627"
	perPage   = 5
	privateAt = "/private/art/2025/1/23/art_1229104585_9999999.html"
	robotsTxt = "User-agent: *\nDisallow: /private/\n"
)

// doc is one published document.
type doc struct {
	ID          int
	Title       string
	Published   string // "2025-01-23 14:48:26" as the page prints it
	Written     string // 成文日期
	IndexNo     string
	Publisher   string // 发布机构 in the table
	Source      string // 信息来源 in the date line
	DocNo       string
	Topic       string
	Access      string
	Layout      string // vertical, line, none, pairs, colon4, xxgk
	Paras       []para
	Attachments []attachment
}

type para struct {
	Text string
	Sign bool // a right-aligned signature or date line
}

type attachment struct {
	Name string
	Path string
	Data []byte
}

// PubDay is the date part of Published.
func (d *doc) PubDay() string { return d.Published[:10] }

// PubDate is the value of the PubDate meta tag (minutes, like Hanweb).
func (d *doc) PubDate() string {
	if len(d.Published) >= 16 {
		return d.Published[:16]
	}
	return d.Published
}

// Path is the document's Hanweb article path, dated by its publication.
func (d *doc) Path() string {
	t, err := time.Parse("2006-01-02", d.PubDay())
	if err != nil {
		panic("demo: bad date " + d.Published) // the content below is fixed
	}
	return fmt.Sprintf("/art/%d/%d/%d/art_%s_%d.html", t.Year(), int(t.Month()), t.Day(), columnID, d.ID)
}

// New returns the site as it is before Edit.
func New() *Site {
	s := &Site{
		tmpl: template.Must(template.ParseFS(siteFS, "site/pages.html")),
		now:  time.Now,
	}
	s.docs = initialDocs()
	s.index()
	return s
}

// index rebuilds the path maps; callers hold mu (or own s exclusively).
func (s *Site) index() {
	s.byPath = map[string]*doc{}
	s.files = map[string]attachment{}
	for _, d := range s.docs {
		s.byPath[d.Path()] = d
		for _, a := range d.Attachments {
			s.files[a.Path] = a
		}
	}
}

// ListURL is the column's first list page on a server at base (for
// example an httptest server's URL): the start URL of the demo source.
func (s *Site) ListURL(base string) string {
	return strings.TrimRight(base, "/") + ColumnPath
}

// Edit plays the publisher between two crawls: one report gets a corrected
// sentence (its title, dates and list entry stay the same, as with real
// silent corrections) and one new notice appears at the top of page 1.
// Calling it again does nothing.
func (s *Site) Edit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edited {
		return
	}
	s.edited = true
	for _, d := range s.docs {
		if d.ID == editedID {
			d.Paras = correct(d.Paras)
		}
	}
	s.docs = append([]*doc{newNotice(s.now().In(chinatime.Location()))}, s.docs...)
	s.index()
}

// ServeHTTP serves the site: /, robots.txt, the two list pages, the
// documents, their attachments and one page robots.txt forbids.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hits := s.hits.Add(1)
	w.Header().Set("Server", "nginx")
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(robotsTxt))
		return
	case p == "/" || p == "/index.html":
		s.render(w, http.StatusOK, "home", s.page("示例市公安局", hits, nil))
		return
	case p == ColumnPath || p == path.Dir(ColumnPath)+"/":
		s.serveList(w, r, hits)
		return
	case p == privateAt:
		s.render(w, http.StatusOK, "private", s.page("内部工作通报", hits, nil))
		return
	}

	s.mu.Lock()
	d := s.byPath[p]
	a, isFile := s.files[p]
	var view *doc
	if d != nil {
		cp := *d // render outside the lock from a snapshot
		view = &cp
	}
	s.mu.Unlock()
	switch {
	case view != nil:
		s.render(w, http.StatusOK, "detail", s.page(view.Title+"_法治政府建设年度报告_示例市公安局", hits, view))
	case isFile:
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
		_, _ = w.Write(a.Data)
	default:
		s.render(w, http.StatusNotFound, "notfound", s.page("页面不存在", hits, nil))
	}
}

// pageData is what every template sees.
type pageData struct {
	PageTitle string
	Clock     string
	Token     string
	Hits      int64
	Doc       *doc
	listData
}

type listData struct {
	Entries            []entry
	Total, Page, Pages int
}

type entry struct{ Path, Title, Date string }

func (l listData) Prev() int { return l.Page - 1 }
func (l listData) Next() int { return l.Page + 1 }

// PageURL is the Hanweb browser form of page n of the column.
func (l listData) PageURL(n int) string {
	if n <= 1 {
		return ColumnPath
	}
	return fmt.Sprintf("%s?uid=%s&pageNum=%d", ColumnPath, unitID, n)
}

func (s *Site) page(title string, hits int64, d *doc) pageData {
	return pageData{
		PageTitle: title,
		Clock:     s.now().In(chinatime.Location()).Format("2006年01月02日 15:04:05"),
		Token:     rand.Text(),
		Hits:      hits,
		Doc:       d,
	}
}

func (s *Site) serveList(w http.ResponseWriter, r *http.Request, hits int64) {
	n := 1
	if v := r.URL.Query().Get("pageNum"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			n = 0
		}
	}
	s.mu.Lock()
	total := len(s.docs)
	pages := (total + perPage - 1) / perPage
	var entries []entry
	if n >= 1 && n <= pages {
		for _, d := range s.docs[(n-1)*perPage : min(n*perPage, total)] {
			entries = append(entries, entry{d.Path(), d.Title, d.PubDay()})
		}
	}
	s.mu.Unlock()
	if entries == nil {
		s.render(w, http.StatusNotFound, "notfound", s.page("页面不存在", hits, nil))
		return
	}
	data := s.page("法治政府建设年度报告_示例市公安局", hits, nil)
	data.listData = listData{Entries: entries, Total: total, Page: n, Pages: pages}
	s.render(w, http.StatusOK, "list", data)
}

func (s *Site) render(w http.ResponseWriter, status int, name string, data pageData) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
