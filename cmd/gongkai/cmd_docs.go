package main

import (
	"context"
	"encoding/json"
	"errors"
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
	cfg, err := e.loadConfig(c, log)
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

func cmdShow(ctx context.Context, e *env, args []string) error {
	var c common
	var asJSON bool
	fs := e.flags("show", "[-json] URL|ID", "One document: its metadata, latest body and version history.", &c)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	r, err := e.reader(ctx, c)
	if err != nil {
		return err
	}
	defer r.Close()
	d, vs, latest, err := lookupDoc(ctx, r, fs.Arg(0))
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e.stdout, struct {
			Doc      archive.Doc       `json:"doc"`
			Latest   archive.Version   `json:"latest"`
			Versions []archive.Version `json:"versions"`
		}{d, latest, stripRecords(vs)})
	}
	e, done := e.terminal()
	defer done()
	rec := latest.Record
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	rows := [][2]string{
		{"标题 title", rec.Title}, {"索引号 index_no", rec.IndexNo}, {"发布日期 published", rec.Published},
		{"成文日期 written", rec.Written}, {"发布机构 publisher", rec.Publisher}, {"发文字号 doc_no", rec.DocNo},
		{"主题分类 topic", rec.Topic}, {"公开方式 access", rec.Access},
		{"url", d.URL}, {"source", d.Source}, {"status", status(d)},
		{"first seen", local(d.FirstSeen)}, {"last seen", local(d.LastSeen)}, {"checks", fmt.Sprint(d.Checks)},
	}
	for _, row := range rows {
		if row[1] != "" {
			fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
		}
	}
	for _, a := range rec.Attachments {
		fmt.Fprintf(tw, "附件 attachment\t%s %s\n", a.Name, a.URL)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nVersions:\n")
	for _, v := range vs {
		fmt.Fprintf(e.stdout, "  v%d  %s  sha256 %s  raw %d bytes\n", v.N, local(v.FetchedAt), v.SHA256[:min(12, len(v.SHA256))], v.RawSize)
	}
	fmt.Fprintf(e.stdout, "\n%s\n", rec.Body)
	return nil
}

// lookupDoc finds a document and its versions, with the latest in full.
func lookupDoc(ctx context.Context, r reader, ref string) (archive.Doc, []archive.Version, archive.Version, error) {
	d, err := r.Lookup(ctx, ref)
	if errors.Is(err, archive.ErrNotFound) {
		return d, nil, archive.Version{}, fmt.Errorf("no archived document %q (give an id from \"gongkai docs\" or an archived URL)", ref)
	}
	if err != nil {
		return d, nil, archive.Version{}, err
	}
	vs, err := r.Versions(ctx, d.ID)
	if err != nil {
		return d, nil, archive.Version{}, err
	}
	if len(vs) == 0 {
		return d, nil, archive.Version{}, fmt.Errorf("document %d has no versions", d.ID)
	}
	latest, err := r.Version(ctx, d.ID, vs[len(vs)-1].N)
	return d, vs, latest, err
}

func stripRecords(vs []archive.Version) []archive.Version {
	out := make([]archive.Version, len(vs))
	for i, v := range vs {
		v.Record.Body = "" // the latest body is printed once, in latest
		out[i] = v
	}
	return out
}

func status(d archive.Doc) string {
	if d.Status == archive.StatusWithdrawn {
		return fmt.Sprintf("withdrawn %s (%s)", local(d.WithdrawnAt), d.WithdrawnReason)
	}
	return d.Status
}

func local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinatime.Location()).Format("2006-01-02 15:04:05")
}
