package archive

// THROWAWAY: keeps web and cmd (which the search area moves to List and a
// search index) compiling on this branch. Delete at merge.

import (
	"context"
	"strings"
)

// Query is the old listing query, for the shim only.
type Query struct {
	Source, Status, Text, From, To string
	Limit, Offset                  int
}

// Docs is the old listing, over List (and, for Text, a scan of the current
// records); for the shim only.
func (s *Store) Docs(ctx context.Context, q Query) ([]Doc, int, error) {
	var all []Doc
	lq := ListQuery{Source: q.Source, Status: q.Status, From: q.From, To: q.To, Limit: 1000}
	text := strings.ToLower(strings.TrimSpace(q.Text))
	for {
		p, err := s.List(ctx, lq)
		if err != nil {
			return nil, 0, err
		}
		for _, d := range p.Docs {
			if text != "" {
				_, rec, err := s.Current(ctx, d.ID)
				if err != nil {
					return nil, 0, err
				}
				if !strings.Contains(strings.ToLower(rec.Title+"\n"+rec.IndexNo+"\n"+rec.DocNo+"\n"+rec.Body), text) {
					continue
				}
			}
			all = append(all, d)
		}
		if p.Next == "" {
			break
		}
		lq.After = p.Next
	}
	total := len(all)
	all = all[min(q.Offset, len(all)):]
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, total, nil
}
