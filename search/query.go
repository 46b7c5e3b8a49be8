package search

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/width"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Query is a search. Text holds terms and "quoted phrases": a phrase
// matches only those characters in that order; a term matches documents
// holding all its character pairs in one field. Every part must match.
type Query struct {
	Text           string
	Source, Status string // "" = all
	From, To       string // published YYYY-MM-DD inclusive, "" = open
	After          string // cursor from Result.Next; "" = first page
	Limit          int    // default 20
	// All ranks every match over the whole archive, however many: see
	// span.go for what a search matching more than Options.Window does.
	All bool
}

// Hit is one matching document, best first.
type Hit struct {
	Doc   archive.Doc `json:"doc"`
	Score float64     `json:"score"`
	// Snippet is a fragment of the body around the first match, HTML:
	// escaped text with the matches inside <mark>. Title is the title
	// marked the same way.
	Snippet string `json:"snippet"`
	Title   string `json:"title_html"`
}

// Result is a page of hits.
type Result struct {
	Hits  []Hit `json:"hits"`
	Total int   `json:"total"` // documents matching
	// TotalIsBound is set when Total counts the candidates of a phrase
	// (documents holding all its character pairs), an upper bound of the
	// documents holding the phrase: an index without positions checks the
	// phrase only on the hits it returns.
	TotalIsBound bool `json:"total_is_bound,omitempty"`
	// Span is set when the hits were ranked within spans of publication
	// dates (span.go): from the newest span's To to the oldest span's From
	// of this page.
	Span *Span         `json:"span,omitempty"`
	Next string        `json:"next,omitempty"`
	Took time.Duration `json:"took_ns"`
}

// ErrBadQuery marks a query the index cannot run (an empty text, a
// malformed cursor).
var ErrBadQuery = errors.New("bad search query")

// part is a piece of the query text.
type part struct {
	text   string
	phrase bool
}

// parse splits text into "phrases" (straight or curly quotes) and
// whitespace-separated terms. Parts without a letter or digit are dropped:
// they analyse to nothing and would match nothing.
func parse(text string) []part {
	var out []part
	add := func(rs []rune, phrase bool) {
		p := strings.TrimSpace(string(rs))
		if strings.IndexFunc(p, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, part{p, phrase})
		}
	}
	rs := []rune(text)
	for i := 0; i < len(rs); {
		switch {
		case unicode.IsSpace(rs[i]):
			i++
		case isQuote(rs[i]):
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			add(rs[i+1:j], true)
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !isQuote(rs[j]) {
				j++
			}
			add(rs[i:j], false)
			i = j
		}
	}
	return out
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// bleveQuery builds the query: every part must match some text field, and
// the filters must hold. Without positions a phrase is queried like a term
// (all its character pairs in one field) and checked on the hits.
func bleveQuery(q Query, parts []part, positions bool) query.Query {
	var must []query.Query
	for _, p := range parts {
		var any []query.Query
		for _, f := range textFields {
			if p.phrase && positions {
				m := bleve.NewMatchPhraseQuery(p.text)
				m.SetField(f.name)
				m.SetBoost(f.boost)
				any = append(any, m)
			} else {
				m := bleve.NewMatchQuery(p.text)
				m.SetField(f.name)
				m.SetBoost(f.boost)
				m.SetOperator(query.MatchQueryOperatorAnd)
				any = append(any, m)
			}
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	for field, v := range map[string]string{fSource: q.Source, fStatus: q.Status} {
		if v != "" {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			must = append(must, t)
		}
	}
	if q.From != "" || q.To != "" {
		yes := true
		to := q.To
		if to == "" {
			to = "9999-12-31"
		}
		from := q.From
		if from == "" {
			from = "0000" // below any date, above the empty string of undated documents
		}
		r := bleve.NewTermRangeInclusiveQuery(from, to, &yes, &yes)
		r.SetField(fPublished)
		must = append(must, r)
	}
	if len(must) == 1 {
		return must[0] // a conjunction of one is a layer more per match
	}
	return bleve.NewConjunctionQuery(must...)
}

// Hits are sorted by score alone (bleve's default), ties in the order the
// index meets them. A second sort key such as "-_id" made bleve load the
// stored id of every matching document, not only of the hits returned: a
// common term's search read most of the index (at 100k documents 340 MB of
// it mapped for 40 searches) and took twice as long. The order of tied
// hits can change when bleve merges segments in the background; the cursor
// carries the ids of the page's trailing tie (see cursor), so paging stays
// exact while the index's content is unchanged.

// maxRounds bounds how many batches of candidates one page checks for
// phrases; a page that runs out of rounds is shorter, with a Next.
const maxRounds = 10

// Search runs q and returns a page of hits with snippets, best first.
// Documents the archive no longer has are skipped. A query whose matches
// the index's term counts put above Options.Window is ranked within spans
// of publication dates, newest first (see span.go), unless q.All.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	parts := parse(q.Text)
	if len(parts) == 0 {
		return Result{}, fmt.Errorf("%w: nothing to search for", ErrBadQuery)
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	var cur cursor
	if q.After != "" {
		var err error
		if cur, err = decodeCursor(q.After); err != nil {
			return Result{}, err
		}
	}
	// The order of tied hits may change between two reads of the index
	// (between pages, or between the rounds of one page) when bleve merges
	// segments: so every read starts at the rank where the trailing tie of
	// the candidates consumed so far begins, and skips its members.
	t := newTie(cur)
	check := !ix.layout.Positions && slices.ContainsFunc(parts, func(p part) bool { return p.phrase })
	r := ranking{ix: ix, q: q, parts: parts, check: check, batch: q.Limit, out: Result{Hits: []Hit{}, TotalIsBound: check}}
	if check {
		r.batch = max(2*q.Limit, 20)
	}
	bq := bleveQuery(q, parts, ix.layout.Positions)
	sp, err := ix.spans(ctx, q, parts, cur)
	if err != nil {
		return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	if sp == nil {
		done, err := r.rank(ctx, bq, t)
		if err != nil {
			return Result{}, err
		}
		r.out.Total = int(r.total)
		if !done {
			r.out.Next = t.cursor().encode()
		}
	} else {
		r.out.Total, r.out.TotalIsBound = int(sp.estimate), true
		for span := sp.current; ; {
			done, err := r.rank(ctx, spanQuery(bq, span), t)
			if err != nil {
				return Result{}, err
			}
			if r.out.Span == nil {
				r.out.Span = &Span{From: span.From, To: span.To}
			}
			r.out.Span.From = span.From
			next, more := sp.next(span)
			r.out.Span.Older = more
			if !done {
				c := t.cursor()
				c.span = &span
				r.out.Next = c.encode()
				break
			}
			if !more || len(r.out.Hits) == q.Limit || r.rounds >= maxRounds {
				if more {
					r.out.Next = cursor{span: &next}.encode()
				}
				break
			}
			span, t = next, newTie(cursor{})
		}
	}
	r.out.Took = time.Since(start)
	return r.out, nil
}

// ranking is one page of a search being filled.
type ranking struct {
	ix     *Index
	q      Query
	parts  []part
	check  bool
	batch  int
	out    Result
	total  uint64
	rounds int
}

// rank reads candidates of bq from t's place until the page is full or bq
// has no more (done).
func (r *ranking) rank(ctx context.Context, bq query.Query, t *tie) (done bool, err error) {
	for len(r.out.Hits) < r.q.Limit && r.rounds < maxRounds {
		r.rounds++
		from, size := t.from, r.batch+len(t.order)
		res, err := r.ix.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bq, size, from, false))
		if err != nil {
			return false, fmt.Errorf("search %q: %w", r.q.Text, err)
		}
		r.total, t.total = res.Total, res.Total
		for i, h := range res.Hits {
			if len(r.out.Hits) == r.q.Limit {
				break
			}
			if len(t.order) > 0 && h.Score == t.score && t.ids[h.ID] {
				continue // consumed on an earlier page or round
			}
			if len(t.order) == 0 || h.Score != t.score {
				t.reset(from+i, h.Score)
			}
			t.add(h.ID)
			if err := r.consider(ctx, h.ID, h.Score); err != nil {
				return false, err
			}
		}
		if len(res.Hits) < size {
			break // no more candidates
		}
	}
	return uint64(t.from+len(t.order)) >= t.total, nil
}

// consider adds the candidate id to the page if the archive still has it
// and it holds the query's phrases.
func (r *ranking) consider(ctx context.Context, hid string, score float64) error {
	id, err := strconv.ParseUint(hid, 10, 64)
	if err != nil {
		return nil
	}
	d, rec, err := r.ix.src.Current(ctx, id)
	if errors.Is(err, archive.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search %q: %w", r.q.Text, err)
	}
	if r.check && !holdsPhrases(d, rec, r.parts) {
		return nil
	}
	title := rec.Title
	if title == "" {
		title = d.Title
	}
	r.out.Hits = append(r.out.Hits, Hit{Doc: d, Score: score,
		Snippet: snippet(rec.Body, r.parts, snippetRunes), Title: mark(title, r.parts)})
	return nil
}

// holdsPhrases reports whether every phrase of the query occurs in one of
// the document's searched fields, compared as the analyzer compares them
// (full-width forms folded, Latin letters in lower case).
func holdsPhrases(d archive.Doc, rec extract.Document, parts []part) bool {
	fields := fieldsOf(d, rec)
	for _, p := range parts {
		if !p.phrase {
			continue
		}
		want := fold(p.text)
		found := false
		for _, f := range textFields {
			if s, _ := fields[f.name].(string); strings.Contains(fold(s), want) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func fold(s string) string { return strings.ToLower(width.Fold.String(s)) }

// A search cursor is the rank of the next candidate: relevance order has
// no key to seek to (bleve cannot search after a score without sorting on
// a stored field, see above), and result sets are bounded by what a person
// pages through. With it go the score of the page's last candidate and the
// ids of the candidates that end the page with that score, up to maxTie of
// them, so the next page re-reads the tie and skips them, whatever order
// the index gives tied hits then. It stays opaque so that can change.
type cursor struct {
	next  int
	score float64
	tie   []string
	span  *Span // the span of dates being read, for a windowed search
}

// tie is the trailing run of consumed candidates with one score: it
// begins at rank from.
type tie struct {
	from  int
	score float64
	ids   map[string]bool
	order []string
	total uint64 // candidates of the query being read
}

func newTie(c cursor) *tie {
	t := &tie{from: c.next - len(c.tie), score: c.score, ids: map[string]bool{}}
	for _, id := range c.tie {
		t.add(id)
	}
	return t
}

// cursor is where the next page goes on from t.
func (t *tie) cursor() cursor {
	c := cursor{next: t.from + len(t.order)}
	if len(t.order) <= maxTie {
		c.score, c.tie = t.score, t.order
	}
	return c
}

func (t *tie) reset(from int, score float64) {
	t.from, t.score, t.order = from, score, t.order[:0]
	clear(t.ids)
}

func (t *tie) add(id string) { t.ids[id], t.order = true, append(t.order, id) }

// maxTie bounds the ids a cursor carries; a longer tie pages by rank alone.
const maxTie = 64

func (c cursor) encode() string {
	s := "r" + strconv.Itoa(c.next)
	if len(c.tie) > 0 {
		s += ":" + strconv.FormatUint(math.Float64bits(c.score), 16) + ":" + strings.Join(c.tie, ",")
	}
	if c.span != nil {
		s += "|" + url.QueryEscape(c.span.From) + "|" + url.QueryEscape(c.span.To)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string) (cursor, error) {
	bad := fmt.Errorf("%w: malformed cursor %q", ErrBadQuery, s)
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(data) < 2 || data[0] != 'r' {
		return cursor{}, bad
	}
	var c cursor
	rank, span, hasSpan := strings.Cut(string(data[1:]), "|")
	if hasSpan {
		from, to, ok := strings.Cut(span, "|")
		var err1, err2 error
		from, err1 = url.QueryUnescape(from)
		to, err2 = url.QueryUnescape(to)
		if !ok || err1 != nil || err2 != nil || !validSpanDate(from) || !validSpanDate(to) {
			return cursor{}, bad
		}
		c.span = &Span{From: from, To: to}
	}
	parts := strings.SplitN(rank, ":", 3)
	if c.next, err = strconv.Atoi(parts[0]); err != nil || c.next < 0 {
		return cursor{}, bad
	}
	if len(parts) == 1 {
		return c, nil
	}
	if len(parts) != 3 {
		return cursor{}, bad
	}
	bits, err := strconv.ParseUint(parts[1], 16, 64)
	if err != nil {
		return cursor{}, bad
	}
	c.score, c.tie = math.Float64frombits(bits), strings.Split(parts[2], ",")
	if len(c.tie) > maxTie || len(c.tie) > c.next {
		return cursor{}, bad
	}
	return c, nil
}
