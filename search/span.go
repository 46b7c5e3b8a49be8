package search

import (
	"context"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Ranking a query bleve must score every match of: its cost grows with
// the archive (at 1M documents a term in most documents took 70–85 ms, ×6
// the cost at 100k), and ranking hundreds of thousands of documents by a
// term they all hold tells little. So a query whose matches the index's
// term counts put above Options.Window (default 20,000) is ranked within
// spans of publication dates, newest first: each span holds about Window
// matches (the archive's documents per date, scaled by the share of them
// the query can match), its hits ranked by relevance, and the next page goes
// on into older spans. Documents without a date come last. A query with
// Query.All, or matching fewer, is ranked over the whole archive.

// Span is the span of publication dates a windowed search ranked within:
// From and To inclusive (YYYY-MM-DD), both "" for the undated documents.
type Span struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Older bool   `json:"older"` // spans of older documents follow
}

// DefaultWindow is Options.Window's default.
const DefaultWindow = 20000

// maxSpanDates bounds the dates of one span: its range query has a clause
// per date, and bleve merges their postings for every candidate (at 1M
// documents, 25 a day, spans of 1,000 dates made a search for a phrase held
// by 2% of the documents take 40 ms, of 200 dates 10 ms).
const maxSpanDates = 200

// dateCount is how many documents carry one published date.
type dateCount struct {
	date string
	n    uint64
}

// spanPlan is how a windowed search walks the dates.
type spanPlan struct {
	estimate uint64      // the query's matches, at most
	dates    []dateCount // newest first; the undated ("") last
	target   uint64      // documents a span should hold
	current  Span
}

// spans plans a windowed search of q, or returns nil when q is ranked over
// the whole archive.
func (ix *Index) spans(ctx context.Context, q Query, parts []part, cur cursor) (*spanPlan, error) {
	window := ix.o.Window
	if window == 0 {
		window = DefaultWindow
	}
	// A later page goes on the way the first page was ranked, whatever
	// the index has become since.
	if q.All || window < 0 || q.After != "" && cur.span == nil {
		return nil, nil
	}
	var p *spanPlan
	err := ix.withSnapshot(func(r *scorch.IndexSnapshot) error {
		est, err := ix.estimate(ctx, r, parts)
		if err != nil || est <= uint64(window) && cur.span == nil {
			return err
		}
		est = max(est, 1)
		dates, total, err := ix.datesIn(r, q.From, q.To)
		if err != nil || len(dates) == 0 {
			return err
		}
		p = &spanPlan{estimate: est, dates: dates, target: max(uint64(window)*total/est, 1)}
		return nil
	})
	if err != nil || p == nil {
		return nil, err
	}
	if cur.span != nil {
		p.current = *cur.span
	} else {
		p.current = p.from(0)
	}
	return p, nil
}

// from is the span that begins (at its newest) with dates[i].
func (p *spanPlan) from(i int) Span {
	if p.dates[i].date == "" {
		return Span{}
	}
	var n uint64
	j := i
	for ; j < len(p.dates) && p.dates[j].date != "" && j-i < maxSpanDates; j++ {
		if n += p.dates[j].n; n >= p.target {
			j++
			break
		}
	}
	return Span{From: p.dates[j-1].date, To: p.dates[i].date}
}

// next is the span after s, if there is one.
func (p *spanPlan) next(s Span) (Span, bool) {
	if s.From == "" {
		return Span{}, false // the undated span is the last
	}
	for i, d := range p.dates {
		if d.date < s.From { // newest first: the first date older than s
			return p.from(i), true
		}
	}
	return Span{}, false
}

// spanQuery restricts bq to the documents published in s.
func spanQuery(bq query.Query, s Span) query.Query {
	var in query.Query
	if s.From == "" {
		t := bleve.NewTermQuery("")
		t.SetField(fPublished)
		in = t
	} else {
		yes := true
		r := bleve.NewTermRangeInclusiveQuery(s.From, s.To, &yes, &yes)
		r.SetField(fPublished)
		in = r
	}
	return bleve.NewConjunctionQuery(bq, in)
}

// estimate bounds the documents that can match parts from the term
// counts: a part matches where all its character pairs occur in one field,
// so in each field at most as many documents as its rarest pair; the query
// matches where every part does.
func (ix *Index) estimate(ctx context.Context, r index.IndexReader, parts []part) (uint64, error) {
	an := ix.idx.Mapping().AnalyzerNamed(cjk.AnalyzerName)
	if an == nil {
		return 0, fmt.Errorf("no %s analyzer", cjk.AnalyzerName)
	}
	docs, err := r.DocCount()
	if err != nil {
		return 0, err
	}
	est := docs
	for _, p := range parts {
		tokens := an.Analyze([]byte(p.text))
		var part uint64
		for _, f := range textFields {
			fewest := docs
			for _, tok := range tokens {
				tfr, err := r.TermFieldReader(ctx, tok.Term, f.name, false, false, false)
				if err != nil {
					return 0, err
				}
				fewest = min(fewest, tfr.Count())
				tfr.Close()
			}
			if len(tokens) == 0 {
				fewest = 0
			}
			part += fewest
		}
		est = min(est, part)
	}
	return est, nil
}

// dateCache keeps the archive's date counts for as long as the index is
// unchanged (the same watermark): reading them walks every date the index
// holds (40,000 at 1M documents).
type dateCache struct {
	mu    sync.Mutex
	water uint64
	ok    bool
	dates []dateCount
	total uint64
}

// datesIn counts the documents per published date in [from, to] ("" =
// open), newest first, the undated last when the range is open, and their
// total. The whole archive's counts are kept until the index changes.
func (ix *Index) datesIn(r index.IndexReader, from, to string) ([]dateCount, uint64, error) {
	if from != "" || to != "" {
		return readDates(r, from, to)
	}
	water := ix.Watermark()
	c := &ix.dates
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.water == water {
		return c.dates, c.total, nil
	}
	dates, total, err := readDates(r, "", "")
	if err == nil {
		c.water, c.ok, c.dates, c.total = water, true, dates, total
	}
	return dates, total, err
}

func readDates(r index.IndexReader, from, to string) ([]dateCount, uint64, error) {
	d, err := r.FieldDict(fPublished)
	if err != nil {
		return nil, 0, err
	}
	defer d.Close()
	var out []dateCount
	var undated, total uint64
	for {
		e, err := d.Next()
		if err != nil {
			return nil, 0, err
		}
		if e == nil {
			break
		}
		switch {
		case e.Term == "":
			undated = e.Count
		case (from == "" || e.Term >= from) && (to == "" || e.Term <= to):
			out = append(out, dateCount{e.Term, e.Count})
			total += e.Count
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if undated > 0 && from == "" && to == "" {
		out = append(out, dateCount{"", undated})
		total += undated
	}
	return out, total, nil
}

// validSpanDate accepts what a cursor's span may hold: a published value
// as the index holds it (normally YYYY-MM-DD, but whatever a page gave;
// the cursor escapes it), of a sane length.
func validSpanDate(s string) bool { return len(s) <= 64 }
