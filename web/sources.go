package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// sourceRow is a source with its next scheduled run.
type sourceRow struct {
	archive.SourceState
	NextRun time.Time `json:"next_run,omitzero"`
}

func (s *Server) sourceRows(r *http.Request) ([]sourceRow, error) {
	states, err := s.r.Sources(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]sourceRow, len(states))
	for i, st := range states {
		rows[i].SourceState = st
		if s.o.Schedule != nil {
			if next, ok := s.o.Schedule(st.Name); ok {
				rows[i].NextRun = next
			}
		}
	}
	return rows, nil
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) {
	rows, err := s.sourceRows(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.html(w, r, http.StatusOK, "sources", page{Title: "来源 Sources", Nav: "sources", Data: rows})
}

// docList is a page of documents with the filters that chose them.
type docList struct {
	Source string
	Query  archive.Query
	Docs   []archive.Doc
	Total  int
	Page   int
	Pages  int
	First  int // 1-based position of the first row shown
	Prev   string
	Next   string
	Action string         // where the filter form submits
	Health archive.Health // the source's, on a source page
	// State is the source's crawl state on a source's page (its backfill
	// progress, how its last walk ended); nil elsewhere.
	State *archive.SourceState
}

// listDocs runs a paginated document query for a page.
func (s *Server) listDocs(r *http.Request, q archive.Query, action string) (docList, error) {
	pageNo, err := intParam(r, "page", 1)
	if err != nil {
		return docList{}, err
	}
	pageNo = max(pageNo, 1)
	q.Limit, q.Offset = s.o.PageSize, (pageNo-1)*s.o.PageSize
	docs, total, err := s.r.Docs(r.Context(), q)
	if err != nil {
		return docList{}, err
	}
	l := docList{Source: q.Source, Query: q, Docs: docs, Total: total, Page: pageNo,
		Pages: (total + s.o.PageSize - 1) / s.o.PageSize, First: q.Offset + 1, Action: action}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range r.URL.Query() {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return action + "?" + v.Encode()
	}
	if pageNo > 1 {
		l.Prev = link(pageNo - 1)
	}
	if pageNo < l.Pages {
		l.Next = link(pageNo + 1)
	}
	return l, nil
}

func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	st, err := s.knownSource(r, name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	q, err := docQuery(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	q.Source = name
	l, err := s.listDocs(r, q, "/sources/"+url.PathEscape(name))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	l.Health = st.Health
	l.State = &st
	s.html(w, r, http.StatusOK, "source", page{Title: name, Nav: "sources", Query: q.Text, Data: l})
}

// knownSource returns a source's state, or ErrNotFound for a source the
// archive has never seen.
func (s *Server) knownSource(r *http.Request, name string) (archive.SourceState, error) {
	states, err := s.r.Sources(r.Context())
	if err != nil {
		return archive.SourceState{}, err
	}
	for _, st := range states {
		if st.Name == name {
			return st, nil
		}
	}
	return archive.SourceState{}, fmt.Errorf("source %q: %w", name, archive.ErrNotFound)
}
