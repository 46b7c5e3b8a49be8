package web

import (
	"net/http"
)

type searchData struct {
	docList
	Searched bool
	Sources  []string
}

// searchPage searches every source's documents through the search index:
// terms and "quoted phrases" in the title, index number, document number,
// publisher, topic, body and attachment names, best matches first, each
// with a highlighted snippet.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q, err := docQuery(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	q.Source = r.URL.Query().Get("source")
	data := searchData{Searched: q.Text != "" || q.From != "" || q.To != "" || q.Status != "" || q.Source != ""}
	if data.Searched {
		if data.docList, err = s.listDocs(r, q, "/search"); err != nil {
			s.errorPage(w, r, err)
			return
		}
	} else {
		data.docList = docList{Query: q, Action: "/search"}
	}
	states, err := s.r.Sources(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	for _, st := range states {
		data.Sources = append(data.Sources, st.Name)
	}
	title := "搜索 Search"
	if q.Text != "" {
		title = q.Text + " – " + title
	}
	s.html(w, r, http.StatusOK, "search", page{Title: title, Nav: "search", Query: q.Text, Data: data})
}
