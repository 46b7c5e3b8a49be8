package web

// The JSON API. Every endpoint answers GET with application/json (except
// export and backup, which stream), and errors as {"error": "..."} with a
// 400 (bad parameter), 404 (unknown document, version or endpoint) or 500.
//
//	GET /api/health                         {"status": "ok", "sources": N, "reload": {...} (daemon, after a reload)}
//	GET /api/sources                        {"sources": [SourceState + "next_run"]}
//	GET /api/docs?source=&status=&from=&to=&limit=&after=
//	                                        {"docs": [Doc], "next": CURSOR, "total": N}
//	                                        newest published first; total -1 when not known
//	GET /api/search?q=&source=&status=&from=&to=&limit=&after=
//	                                        {"hits": [{"doc": Doc, "score": S, "snippet": HTML, "title_html": HTML}],
//	                                         "total": N, "total_is_bound": true, "next": CURSOR} best first;
//	                                        total_is_bound: N counts phrase candidates, an upper bound
//	GET /api/docs/ID                        {"doc": Doc, "versions": [VersionInfo]}
//	GET /api/lookup?ref=URL|ID              the same, for the document with that URL or id
//	GET /api/docs/ID/versions/N             Version, with its extracted record
//	GET /api/docs/ID/diff?a=&b=             {"doc": ID, "a": N, "b": N} + diff.Result
//	GET /api/events?source=&doc=&before=&limit=&baseline=1
//	                                        {"events": [Event], "next": SEQ} newest first; before=SEQ pages
//	GET /api/export?format=jsonl&since=     JSON Lines, one export.Line per version
//	GET /api/backup                         a consistent copy of the database file
//
// Doc, Version, Event and SourceState are the archive package's types with
// their JSON tags; the response types are in package web/api, with a
// client. Lists page by cursor: pass a response's "next" as after= (before=
// for events); no "next" means the last page. limit defaults to 50 and is
// capped at 1000. Snippets are HTML: escaped text, the matches in <mark>.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/diff"
	"github.com/gongkai/gongkai/export"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web/api"
)

// apiDefaultLimit is the page size of /api/docs and /api/events when no
// limit is given.
const apiDefaultLimit = 50

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) {
	states, err := s.r.Sources(r.Context())
	if err != nil {
		s.log.Error("health check", "err", err)
		s.writeJSON(w, http.StatusServiceUnavailable, api.Health{Status: "error", Error: "archive unreadable"})
		return
	}
	out := map[string]any{"status": "ok", "sources": len(states)}
	if s.o.Health != nil {
		for k, v := range s.o.Health() {
			out[k] = v
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	rows, err := s.sourceRows(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, api.Sources{Sources: rows})
}

// apiMaxLimit caps limit= on the lists.
const apiMaxLimit = 1000

// apiLimit reads limit=, defaulting to apiDefaultLimit and capped.
func apiLimit(r *http.Request) (int, error) {
	n, err := intParam(r, "limit", apiDefaultLimit)
	if n == 0 {
		n = apiDefaultLimit
	}
	return min(n, apiMaxLimit), err
}

func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) {
	q, err := docQuery(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if q.Text != "" {
		s.jsonError(w, r, badRequest{"q= is for /api/search; /api/docs lists by date"})
		return
	}
	limit, err := apiLimit(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	q.Source = r.URL.Query().Get("source")
	p, err := s.r.List(r.Context(), q.list(limit))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if p.Docs == nil {
		p.Docs = []archive.Doc{}
	}
	s.writeJSON(w, http.StatusOK, api.DocsPage{Docs: p.Docs, Next: p.Next, Total: p.Total})
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, err := docQuery(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	limit, err := apiLimit(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if s.o.Search == nil {
		s.jsonError(w, r, errNoSearch)
		return
	}
	q.Source = r.URL.Query().Get("source")
	res, err := s.o.Search.Search(r.Context(), q.search(limit))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []search.Hit{}
	}
	s.writeJSON(w, http.StatusOK, api.SearchPage{Hits: res.Hits, Total: res.Total, TotalIsBound: res.TotalIsBound, Span: res.Span, Next: res.Next})
}

// VersionInfo is a version in a document's version list (see api.VersionInfo).
type VersionInfo = api.VersionInfo

func (s *Server) docResponse(r *http.Request, d archive.Doc) (api.Doc, error) {
	vs, err := s.r.Versions(r.Context(), d.ID)
	if err != nil {
		return api.Doc{}, err
	}
	out := api.Doc{Doc: d, Versions: make([]VersionInfo, len(vs))}
	for i, v := range vs {
		out.Versions[i] = VersionInfo{N: v.N, FetchedAt: v.FetchedAt, SHA256: v.SHA256,
			RawSHA256: v.RawSHA256, RawSize: v.RawSize, Title: v.Record.Title}
	}
	return out, nil
}

func (s *Server) apiDoc(w http.ResponseWriter, r *http.Request) {
	id, err := pathDoc(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	d, err := s.r.Doc(r.Context(), id)
	s.writeDoc(w, r, d, err)
}

// writeDoc answers with a document and its version list, or the error.
func (s *Server) writeDoc(w http.ResponseWriter, r *http.Request, d archive.Doc, err error) {
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	resp, err := s.docResponse(r, d)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiLookup(w http.ResponseWriter, r *http.Request) {
	ref := strings.TrimSpace(r.URL.Query().Get("ref"))
	if ref == "" {
		s.jsonError(w, r, badRequest{"ref is required: a document URL or id"})
		return
	}
	d, err := s.r.Lookup(r.Context(), ref)
	s.writeDoc(w, r, d, err)
}

func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	id, err := pathDoc(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	n, err := pathVersion(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	v, err := s.r.Version(r.Context(), id, n)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

type diffResponse struct {
	Doc uint64 `json:"doc"`
	A   int    `json:"a"`
	B   int    `json:"b"`
	diff.Result
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	data, err := s.compare(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	res := data.Result
	if res.Fields == nil {
		res.Fields = []diff.FieldChange{}
	}
	if res.Body == nil {
		res.Body = []diff.Op{}
	}
	s.writeJSON(w, http.StatusOK, diffResponse{Doc: data.Doc.ID, A: data.A.N, B: data.B.N, Result: res})
}

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) {
	q, err := eventQuery(r, apiDefaultLimit)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	events, err := s.r.Events(r.Context(), q)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := api.Events{Events: events}
	if events == nil {
		out.Events = []archive.Event{}
	}
	if len(events) == q.Limit {
		out.Next = strconv.FormatUint(events[len(events)-1].Seq, 10)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// apiExport streams the JSON Lines export, the same lines `gongkai export`
// writes, so the CLI can export while the daemon holds the database. Once
// the first line is sent the status cannot change: a failure midway is
// logged and the response ends early.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	if f := r.URL.Query().Get("format"); f != "" && f != "jsonl" {
		s.jsonError(w, r, badRequest{fmt.Sprintf("format must be jsonl, not %q", f)})
		return
	}
	since, err := sinceParam(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	n, err := export.JSONL(r.Context(), s.r, newStreamWriter(r.Context(), w), export.Options{Since: since})
	if err != nil && !errors.Is(err, r.Context().Err()) {
		s.log.Error("export over http", "lines", n, "err", err)
	}
}

// apiBackup streams a consistent copy of the database, for backups taken
// while the daemon holds the file lock. The copy is first written to a
// temporary file, so a slow client never holds a read transaction open
// (one that long keeps bbolt from growing the file and stalls every writer).
func (s *Server) apiBackup(w http.ResponseWriter, r *http.Request) {
	f, size, err := s.snapshot(r.Context(), s.o.TempDir)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	defer f.Close()
	name := "gongkai-" + time.Now().UTC().Format("20060102T150405Z") + ".db"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	n, err := io.Copy(newStreamWriter(r.Context(), w), f)
	if err != nil && !errors.Is(err, r.Context().Err()) {
		s.log.Error("backup over http", "bytes", n, "size", size, "err", err)
	}
}
