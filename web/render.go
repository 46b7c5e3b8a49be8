package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/diff"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/chinatime"
	"github.com/gongkai/gongkai/internal/termsafe"
)

// uiCSP locks the UI pages down: no scripts at all, styles and images only
// from this server. Raw archived pages get a stricter policy of their own.
const uiCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var funcs = template.FuncMap{
	"date":       formatTime,
	"day":        func(t time.Time) string { return formatTimeLayout(t, "2006-01-02") },
	"short":      shortHash,
	"paragraphs": paragraphs,
	"duration":   formatDuration,
	"field":      diff.FieldLabel,
	"fields":     extract.Fields, // the one field table: templates loop over it
	"status":     statusLabel,
	"event":      eventLabel,
	"skipped":    diff.SkippedText,
	"add":        func(a, b int) int { return a + b },
	// markup passes the search index's snippets, which it built escaped
	// with only <mark> added, into the page as HTML.
	"markup":     func(s string) template.HTML { return template.HTML(s) },
	"docURL":     func(id uint64) string { return "/docs/" + strconv.FormatUint(id, 10) },
	"versionURL": func(id uint64, n int) string { return fmt.Sprintf("/docs/%d/v/%d", id, n) },
	"rawURL":     func(id uint64, n int) string { return fmt.Sprintf("/docs/%d/v/%d/raw", id, n) },
	"diffURL":    func(id uint64, a, b int) string { return fmt.Sprintf("/docs/%d/diff?a=%d&b=%d", id, a, b) },
	"sourceURL":  func(name string) string { return "/sources/" + url.PathEscape(name) },
}

// partials are the templates every page is parsed with: the layout and the
// blocks pages share.
var partials = []string{"templates/layout.html", "templates/doclist.html", "templates/docparts.html"}

// parsePages parses every page template together with the partials. The
// templates are embedded, so a parse error is a build defect: panic.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if slices.Contains(partials, n) {
			continue
		}
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(assets, append(slices.Clone(partials), n)...))
	}
	return pages
}

// page is what every template gets: the page's own data plus the title and
// the search box value the layout shows.
type page struct {
	Title string
	Query string // current search, echoed in the header's search box
	Nav   string // which top-level section is current
	Data  any
}

func (s *Server) html(w http.ResponseWriter, r *http.Request, code int, name string, p page) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

type errorData struct {
	Status  int
	Heading string
	Message string
}

// errorPage answers a page request that failed. Server faults are logged
// here, once; client errors are not.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := err.Error()
	if code >= 500 && !errors.Is(err, errNoSearch) {
		s.log.Error("web page", "path", r.URL.Path, "err", err)
		msg = "The archive could not answer this request. The error has been logged."
	}
	heading := map[int]string{
		http.StatusBadRequest:         "请求有误 Bad request",
		http.StatusNotFound:           "未找到 Not found",
		http.StatusServiceUnavailable: "暂不可用 Unavailable",
	}[code]
	if heading == "" {
		heading = "出错了 Error"
	}
	s.html(w, r, code, "error", page{Title: heading, Data: errorData{Status: code, Heading: heading, Message: msg}})
}

func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, fmt.Errorf("no page at %s: %w", r.URL.Path, archive.ErrNotFound))
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, code int, v any) {
	// Archived text from a hostile page must not drive the terminal of
	// whoever pipes curl into it (see termsafe).
	body, err := termsafe.Marshal(v)
	if err != nil {
		s.log.Error("encode json", "err", err)
		code = http.StatusInternalServerError
		body = []byte(`{"error": "internal error"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(body)
}

// jsonError answers {"error": "..."} with the status err deserves.
func (s *Server) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := err.Error()
	if code >= 500 && !errors.Is(err, errNoSearch) {
		s.log.Error("web api", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	s.writeJSON(w, code, map[string]string{"error": msg})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.jsonError(w, r, fmt.Errorf("no API endpoint %s %s: %w", r.Method, r.URL.Path, archive.ErrNotFound))
}

func formatTime(t time.Time) string { return formatTimeLayout(t, "2006-01-02 15:04") }

func formatTimeLayout(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinatime.Location()).Format(layout)
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// paragraphs splits an extracted body into its paragraphs.
func paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func statusLabel(s string) string {
	switch s {
	case archive.StatusLive:
		return "在线 live"
	case archive.StatusWithdrawn:
		return "已撤下 withdrawn"
	}
	return s
}

func eventLabel(kind string) string {
	switch kind {
	case archive.EventNew:
		return "新增 new"
	case archive.EventChanged:
		return "变更 changed"
	case archive.EventWithdrawn:
		return "撤下 withdrawn"
	case archive.EventRestored:
		return "恢复 restored"
	case archive.EventSourceFailed:
		return "监测失败 source failing"
	case archive.EventSourceRecovered:
		return "监测恢复 source recovered"
	}
	return kind
}
