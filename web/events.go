package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongkai/gongkai/archive"
)

// eventsPerPage is how many events the events page shows at once.
const eventsPerPage = 100

type eventsData struct {
	Source   string
	Baseline bool
	Events   []archive.Event
	Sources  []string
	Older    string // link to the next page of older events
}

// eventQuery reads the event filters shared by the page and the API:
// source, doc, before, baseline and limit.
func eventQuery(r *http.Request, defLimit int) (archive.EventQuery, error) {
	q := archive.EventQuery{Source: r.URL.Query().Get("source")}
	before, err := intParam(r, "before", 0)
	if err != nil {
		return q, err
	}
	doc, err := intParam(r, "doc", 0)
	if err != nil {
		return q, err
	}
	if q.Limit, err = intParam(r, "limit", defLimit); err != nil {
		return q, err
	}
	q.Limit = min(max(q.Limit, 1), 1000)
	q.Before, q.Doc = uint64(before), uint64(doc)
	switch b := r.URL.Query().Get("baseline"); b {
	case "", "0", "false":
	case "1", "true":
		q.IncludeBaseline = true
	default:
		return q, badRequest{"baseline must be 1 or 0, not " + strconv.Quote(b)}
	}
	return q, nil
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) {
	q, err := eventQuery(r, eventsPerPage)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	events, err := s.r.Events(r.Context(), q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	states, err := s.r.Sources(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := eventsData{Source: q.Source, Baseline: q.IncludeBaseline, Events: events}
	for _, st := range states {
		data.Sources = append(data.Sources, st.Name)
	}
	if len(events) == q.Limit {
		v := url.Values{}
		for k, vs := range r.URL.Query() {
			v[k] = vs
		}
		v.Set("before", strconv.FormatUint(events[len(events)-1].Seq, 10))
		data.Older = "/events?" + v.Encode()
	}
	s.html(w, r, http.StatusOK, "events", page{Title: "动态 Events", Nav: "events", Data: data})
}
