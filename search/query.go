package search

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
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
	TotalIsBound bool          `json:"total_is_bound,omitempty"`
	Next         string        `json:"next,omitempty"`
	Took         time.Duration `json:"took_ns"`
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
	return bleve.NewConjunctionQuery(must...)
}

// Hits are sorted by score alone (bleve's default), ties in the order the
// index meets them, which is stable while the index is unchanged (and pages
// are ranks, see encodeCursor). A second sort key such as "-_id" made bleve
// load the stored id of every matching document, not only of the hits
// returned: a common term's search read most of the index (at 100k documents
// 340 MB of it mapped for 40 searches) and cost time in proportion to the
// matches.

// maxRounds bounds how many batches of candidates one page checks for
// phrases; a page that runs out of rounds is shorter, with a Next.
const maxRounds = 10

// Search runs q and returns a page of hits with snippets, best first.
// Documents the archive no longer has are skipped.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	parts := parse(q.Text)
	if len(parts) == 0 {
		return Result{}, fmt.Errorf("%w: nothing to search for", ErrBadQuery)
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	pos := 0 // rank of the next candidate
	if q.After != "" {
		var err error
		if pos, err = decodeCursor(q.After); err != nil {
			return Result{}, err
		}
	}
	check := !ix.layout.Positions && slices.ContainsFunc(parts, func(p part) bool { return p.phrase })
	batch := q.Limit
	if check {
		batch = max(2*q.Limit, 20)
	}
	bq := bleveQuery(q, parts, ix.layout.Positions)
	out := Result{Hits: []Hit{}, TotalIsBound: check}
	var total uint64
	for round := 0; len(out.Hits) < q.Limit && round < maxRounds; round++ {
		req := bleve.NewSearchRequestOptions(bq, batch, pos, false)
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
		}
		total = res.Total
		for _, h := range res.Hits {
			if len(out.Hits) == q.Limit {
				break
			}
			pos++
			id, err := strconv.ParseUint(h.ID, 10, 64)
			if err != nil {
				continue
			}
			d, rec, err := ix.src.Current(ctx, id)
			if errors.Is(err, archive.ErrNotFound) {
				continue
			}
			if err != nil {
				return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
			}
			if check && !holdsPhrases(d, rec, parts) {
				continue
			}
			title := rec.Title
			if title == "" {
				title = d.Title
			}
			out.Hits = append(out.Hits, Hit{Doc: d, Score: h.Score,
				Snippet: snippet(rec.Body, parts, snippetRunes), Title: mark(title, parts)})
		}
		if len(res.Hits) < batch {
			break // no more candidates
		}
	}
	out.Total = int(total)
	if uint64(pos) < total {
		out.Next = encodeCursor(pos)
	}
	out.Took = time.Since(start)
	return out, nil
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

// A search cursor is the rank of the next hit: relevance order has no key
// to seek to (bleve cannot search after a score), and result sets are
// bounded by what a person pages through. It stays opaque so that can change.
func encodeCursor(next int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r" + strconv.Itoa(next)))
}

func decodeCursor(s string) (int, error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(data) > 1 && data[0] == 'r' {
		if n, err := strconv.Atoi(string(data[1:])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: malformed cursor %q", ErrBadQuery, s)
}
