package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web/api"
)

func (s *Server) sourceRows(r *http.Request) ([]api.SourceRow, error) {
	states, err := s.r.Sources(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]api.SourceRow, len(states))
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

// docList is a page of documents, or of search hits, with the filters
// that chose them.
type docList struct {
	Source string
	Query  filter
	Docs   []archive.Doc
	Hits   []search.Hit // when Query.Text is set
	Total  int          // -1 when not known
	// TotalIsBound: Total is an upper bound (a phrase checked on the hits).
	TotalIsBound bool
	// Span: the hits are ranked within these publication dates (a search
	// matching more than the index's window); AllLink ranks over everything.
	Span    *search.Span
	AllLink string
	First   string         // link to the first page, when this is a later one
	Next    string         // link to the next page
	Action  string         // where the filter form submits
	Health  archive.Health // the source's, on a source page
	// State is the source's crawl state on a source's page (its backfill
	// progress, how its last walk ended); nil elsewhere.
	State *archive.SourceState
}

// errNoSearch answers searches when the server has no index.
var errNoSearch = errors.New("search is unavailable: the search index could not be opened (see the daemon's log; gongkai reindex rebuilds it)")

// listDocs reads one page of documents by cursor: a search when the filter
// has text, else the listing newest published first.
func (s *Server) listDocs(r *http.Request, q filter, action string) (docList, error) {
	l := docList{Source: q.Source, Query: q, Action: action}
	var next string
	if q.Text != "" {
		if s.o.Search == nil {
			return docList{}, errNoSearch
		}
		res, err := s.o.Search.Search(r.Context(), q.search(s.o.PageSize))
		if err != nil {
			return docList{}, err
		}
		l.Hits, l.Total, l.TotalIsBound, l.Span, next = res.Hits, res.Total, res.TotalIsBound, res.Span, res.Next
	} else {
		p, err := s.r.List(r.Context(), q.list(s.o.PageSize))
		if err != nil {
			return docList{}, err
		}
		l.Docs, l.Total, next = p.Docs, p.Total, p.Next
	}
	// link is this page's URL with after (and any other key) set, "" values
	// dropped.
	link := func(set ...string) string {
		v := r.URL.Query()
		v.Del("after")
		for i := 0; i+1 < len(set); i += 2 {
			if v.Del(set[i]); set[i+1] != "" {
				v.Set(set[i], set[i+1])
			}
		}
		if len(v) == 0 {
			return action
		}
		return action + "?" + v.Encode()
	}
	if q.After != "" {
		l.First = link()
	}
	if l.Span != nil {
		l.AllLink = link("rank", "all")
	}
	if next != "" {
		l.Next = link("after", next)
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
