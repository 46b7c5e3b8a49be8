package web

import (
	"fmt"
	"net/http"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/diff"
)

// diffContext is how many unchanged sentences the diff page shows around
// each change before folding the rest.
const diffContext = 2

type diffData struct {
	Doc      archive.Doc
	A, B     archive.Version
	Versions []archive.Version // for the version pickers
	Result   diff.Result
	Chunks   []diff.Chunk
}

// compare reads a document and the two versions ?a= and ?b= name.
func (s *Server) compare(r *http.Request) (diffData, error) {
	d, vs, err := s.loadDoc(r)
	if err != nil {
		return diffData{}, err
	}
	a, b, err := versionPair(r, vs[len(vs)-1].N)
	if err != nil {
		return diffData{}, err
	}
	va, vb := pick(vs, a), pick(vs, b)
	if va.N == 0 || vb.N == 0 {
		return diffData{}, fmt.Errorf("versions %d and %d of document %d: %w", a, b, d.ID, archive.ErrNotFound)
	}
	res := s.comparison(d.ID, va, vb)
	return diffData{Doc: d, A: va, B: vb, Versions: vs, Result: res, Chunks: diff.Collapse(res.Body, diffContext)}, nil
}

func pick(vs []archive.Version, n int) archive.Version {
	for _, v := range vs {
		if v.N == n {
			return v
		}
	}
	return archive.Version{}
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.compare(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	title := fmt.Sprintf("%s: v%d → v%d", data.Doc.Title, data.A.N, data.B.N)
	s.html(w, r, http.StatusOK, "diff", page{Title: title, Data: data})
}
