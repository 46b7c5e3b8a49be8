package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

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
	var rows [][2]string
	for _, f := range extract.Fields() {
		if f.Meta {
			rows = append(rows, [2]string{f.Label(), f.Value(rec)})
		}
	}
	rows = append(rows, [2]string{"url", d.URL}, [2]string{"source", d.Source}, [2]string{"status", status(d)},
		[2]string{"first seen", local(d.FirstSeen)}, [2]string{"last seen", local(d.LastSeen)}, [2]string{"checks", fmt.Sprint(d.Checks)})
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
