package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"

	"github.com/gongkai/gongkai/internal/chinatime"
	"github.com/gongkai/gongkai/internal/termsafe"
)

func cmdDocs(ctx context.Context, e *env, args []string) error {
	var c common
	var f search.Query
	var limit int
	var asJSON bool
	fs := e.flags("docs", "[-source S] [-q TEXT] [-json]", "List archived documents, newest published first, or search them (-q), best match first.", &c)
	fs.StringVar(&f.Source, "source", "", "only this source")
	fs.StringVar(&f.Text, "q", "", `search the title, index number, document number, publisher, topic, body and attachment names: terms, and "phrases" in quotes`)
	fs.StringVar(&f.Status, "status", "", "only live or withdrawn documents")
	fs.StringVar(&f.From, "from", "", "published on or after YYYY-MM-DD")
	fs.StringVar(&f.To, "to", "", "published on or before YYYY-MM-DD")
	fs.IntVar(&limit, "n", 0, "at most N documents (0 = all)")
	fs.BoolVar(&f.All, "all", false, "with -q: rank every match over the whole archive, however many (else a search matching very many is ranked within spans of publication dates, newest first)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := e.reader(ctx, c)
	if err != nil {
		return err
	}
	defer r.Close()
	if f.Text != "" {
		return searchDocs(ctx, e, r, f, limit, asJSON)
	}
	q := archive.ListQuery{Source: f.Source, Status: f.Status, From: f.From, To: f.To}
	docs := []archive.Doc{}
	total := -1
	for {
		q.Limit = pageLimit(limit, len(docs))
		p, err := r.List(ctx, q)
		if err != nil {
			return err
		}
		docs, total = append(docs, p.Docs...), p.Total
		if p.Next == "" || limit > 0 && len(docs) >= limit {
			break
		}
		q.After = p.Next
	}
	if asJSON {
		return writeJSON(e.stdout, docs)
	}
	e, done := e.terminal()
	defer done()
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPUBLISHED\tSTATUS\tVERSIONS\tINDEX_NO\tTITLE\tURL")
	for _, d := range docs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", d.ID, dash(d.Published), d.Status, d.Versions, dash(d.IndexNo), d.Title, d.URL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if total >= 0 {
		fmt.Fprintf(e.stderr, "%d of %d document(s)\n", len(docs), total)
	} else {
		fmt.Fprintf(e.stderr, "%d document(s)\n", len(docs))
	}
	return nil
}

// pageLimit is the size of the next page when limit documents are wanted
// (0 = all) and have already been read.
func pageLimit(limit, have int) int {
	const page = 500
	if limit <= 0 {
		return page
	}
	return min(page, limit-have)
}

// searchDocs prints the hits of a search, best first, with their snippets
// as plain text (matches in 【】).
func searchDocs(ctx context.Context, e *env, r reader, q search.Query, limit int, asJSON bool) error {
	hits := []search.Hit{}
	total, bound := 0, false
	var span *search.Span // the first page's
	for {
		q.Limit = pageLimit(limit, len(hits))
		res, err := r.Search(ctx, q)
		if err != nil {
			return err
		}
		hits, total, bound = append(hits, res.Hits...), res.Total, res.TotalIsBound
		if span == nil {
			span = res.Span
		}
		if res.Next == "" || limit > 0 && len(hits) >= limit {
			break
		}
		q.After = res.Next
	}
	if asJSON {
		return writeJSON(e.stdout, hits)
	}
	e, done := e.terminal()
	defer done()
	for _, h := range hits {
		d := h.Doc
		fmt.Fprintf(e.stdout, "%d  %s  %s  %s\n    %s\n", d.ID, dash(d.Published), d.Source, plain(h.Title), plain(h.Snippet))
	}
	if span != nil {
		fmt.Fprintln(e.stderr, "many documents match: ranked within spans of publication dates, newest first (-all ranks them all at once)")
	}
	if bound {
		fmt.Fprintf(e.stderr, "%d of at most %d match(es)\n", len(hits), total)
	} else {
		fmt.Fprintf(e.stderr, "%d of %d match(es)\n", len(hits), total)
	}
	return nil
}

// plain turns a snippet's HTML into text, the matches in 【】.
var plain = strings.NewReplacer("<mark>", "【", "</mark>", "】", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace

// reader loads the config of parsed flags and opens the archive for reading.
func (e *env) reader(ctx context.Context, c common) (reader, error) {
	log := e.logger(c.verbose)
	cfg, err := e.readConfig(c, log)
	if err != nil {
		return nil, err
	}
	return openReader(ctx, cfg, log)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeJSON prints v as indented JSON whose strings hold no raw control
// characters (see termsafe.JSON).
func writeJSON(w io.Writer, v any) error {
	b, err := termsafe.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinatime.Location()).Format("2006-01-02 15:04:05")
}
