package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gongkai/gongkai/archive"
)

// timelineDiffs bounds how many consecutive-version diffs a document page
// computes for its timeline; older entries just link to their diff.
const timelineDiffs = 30

// timelineEntry is one version in a document's timeline, newest first.
type timelineEntry struct {
	archive.Version
	Prev    int      // previous version number, 0 for the first
	Fields  []string // fields that changed from Prev
	Counts  string   // sentence counts of the change from Prev
	Current bool     // the version the page shows
}

type docData struct {
	Doc      archive.Doc
	Version  archive.Version // the one shown: the latest on a document page
	Latest   int
	Timeline []timelineEntry
}

// loadDoc reads a document and all its versions.
func (s *Server) loadDoc(r *http.Request) (archive.Doc, []archive.Version, error) {
	id, err := pathDoc(r)
	if err != nil {
		return archive.Doc{}, nil, err
	}
	d, err := s.r.Doc(r.Context(), id)
	if err != nil {
		return archive.Doc{}, nil, err
	}
	vs, err := s.r.Versions(r.Context(), id)
	if err != nil {
		return archive.Doc{}, nil, err
	}
	if len(vs) == 0 {
		return archive.Doc{}, nil, fmt.Errorf("document %d has no versions: %w", id, archive.ErrNotFound)
	}
	return d, vs, nil
}

func (s *Server) timeline(doc uint64, vs []archive.Version, current int) []timelineEntry {
	out := make([]timelineEntry, len(vs))
	for i, v := range vs {
		e := timelineEntry{Version: v, Current: v.N == current}
		if i > 0 {
			e.Prev = vs[i-1].N
			if len(vs)-i <= timelineDiffs {
				sum := s.summary(doc, vs[i-1], v)
				e.Fields, e.Counts = sum.fields, sum.counts
			}
		}
		out[i] = e
	}
	slices.Reverse(out)
	return out
}

func (s *Server) docPage(w http.ResponseWriter, r *http.Request) {
	d, vs, err := s.loadDoc(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	latest := vs[len(vs)-1]
	data := docData{Doc: d, Version: latest, Latest: latest.N, Timeline: s.timeline(d.ID, vs, latest.N)}
	s.html(w, r, http.StatusOK, "doc", page{Title: d.Title, Data: data})
}

func (s *Server) versionPage(w http.ResponseWriter, r *http.Request) {
	d, vs, err := s.loadDoc(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	n, err := pathVersion(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	i := slices.IndexFunc(vs, func(v archive.Version) bool { return v.N == n })
	if i < 0 {
		s.errorPage(w, r, fmt.Errorf("version %d of document %d: %w", n, d.ID, archive.ErrNotFound))
		return
	}
	v := vs[i]
	data := docData{Doc: d, Version: v, Latest: vs[len(vs)-1].N, Timeline: s.timeline(d.ID, vs, n)}
	s.html(w, r, http.StatusOK, "version", page{Title: fmt.Sprintf("%s (v%d)", v.Record.Title, n), Data: data})
}
