package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/gongkai/gongkai/archive"

	"github.com/gongkai/gongkai/internal/chinatime"
)

func cmdDocs(ctx context.Context, e *env, args []string) error {
	var c common
	var q archive.Query
	var asJSON bool
	fs := e.flags("docs", "[-source S] [-q TEXT] [-json]", "List archived documents, newest published first.", &c)
	fs.StringVar(&q.Source, "source", "", "only this source")
	fs.StringVar(&q.Text, "q", "", "only documents whose title, index number or body contains TEXT")
	fs.StringVar(&q.Status, "status", "", "only live or withdrawn documents")
	fs.StringVar(&q.From, "from", "", "published on or after YYYY-MM-DD")
	fs.StringVar(&q.To, "to", "", "published on or before YYYY-MM-DD")
	fs.IntVar(&q.Limit, "n", 0, "at most N documents (0 = all)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := e.reader(ctx, c)
	if err != nil {
		return err
	}
	defer r.Close()
	docs, total, err := r.Docs(ctx, q)
	if err != nil {
		return err
	}
	if asJSON {
		if docs == nil {
			docs = []archive.Doc{}
		}
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
	fmt.Fprintf(e.stderr, "%d of %d document(s)\n", len(docs), total)
	return nil
}

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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinatime.Location()).Format("2006-01-02 15:04:05")
}
