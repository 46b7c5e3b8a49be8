package main

// The index layout measurement behind the README's table: the same
// generated documents indexed under each search.Layout, with the index's
// size against the body text, the indexing rate, and query latency.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/search"
)

// memArchive serves generated documents to the index: one change each.
type memArchive struct {
	docs []archive.Doc
	recs []extract.Document
}

func (m *memArchive) Changes(ctx context.Context, after uint64, limit int) ([]archive.Change, error) {
	var out []archive.Change
	for id := after + 1; id <= uint64(len(m.docs)) && len(out) < limit; id++ {
		out = append(out, archive.Change{Seq: id, Doc: id})
	}
	return out, nil
}

func (m *memArchive) Current(ctx context.Context, id uint64) (archive.Doc, extract.Document, error) {
	if id == 0 || id > uint64(len(m.docs)) {
		return archive.Doc{}, extract.Document{}, archive.ErrNotFound
	}
	return m.docs[id-1], m.recs[id-1], nil
}

func (m *memArchive) Sources(ctx context.Context) ([]archive.SourceState, error) {
	return []archive.SourceState{{Name: "all", Docs: len(m.docs)}}, nil
}

func runIndexOptions(ctx context.Context, n int, w io.Writer) error {
	g := &gen{m: trainModel(), site: newSite(0, 25), docs: n}
	m := &memArchive{}
	var text int64
	for id := 1; id <= n; id++ {
		d := g.doc(id)[0]
		m.docs = append(m.docs, archive.Doc{ID: uint64(id), URL: d.url, Source: d.source, Status: archive.StatusLive, Title: d.rec.Title, Published: d.rec.Published, Versions: 1})
		m.recs = append(m.recs, d.rec)
		text += int64(len(d.rec.Body))
	}
	dir, err := os.MkdirTemp("", "gongkai-indexopts-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	layouts := []struct {
		name string
		l    search.Layout
	}{
		{"positions, no _all, no doc values, no stored fields (default)", search.Layout{}},
		{"+ _all", search.Layout{All: true}},
		{"+ doc values", search.Layout{DocValues: true}},
		{"+ stored fields", search.Layout{Store: true}},
		{"+ _all + doc values + stored fields (bleve's defaults)", search.Layout{All: true, DocValues: true, Store: true}},
		{"no positions (phrases then match nothing)", search.Layout{NoPositions: true}},
	}
	queries := map[string][]string{
		"phrase": {`"法治政府建设"`, `"高质量发展"`, `"人民群众"`, `"安全生产"`},
		"term":   {"工作", "发展", "法治建设", "社会治理"},
	}
	fmt.Fprintf(w, "%d documents, %s of body text.\n\n", n, mb(text))
	fmt.Fprintln(w, "| layout | index / body text | indexing (wall) | indexing (per CPU second) | phrase p50 / p95 | term p50 / p95 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for i, l := range layouts {
		path := filepath.Join(dir, fmt.Sprint(i))
		t0, c0 := time.Now(), cpuTime()
		if err := search.Rebuild(ctx, path, m, search.Options{Layout: l.l}, nil); err != nil {
			return err
		}
		wall, cpu := time.Since(t0), cpuTime()-c0
		size, _ := dirSize(path)
		ix, err := search.OpenExisting(path, m, search.Options{Layout: l.l})
		if err != nil {
			return err
		}
		lat := map[string]string{}
		for kind, qs := range queries {
			var ds []float64
			hits := 0
			for r := range 40 {
				t := time.Now()
				res, err := ix.Search(ctx, search.Query{Text: qs[r%len(qs)], Limit: 20})
				if err != nil {
					ix.Close()
					return err
				}
				ds = append(ds, ms(time.Since(t)))
				hits += res.Total
			}
			slices.Sort(ds)
			lat[kind] = fmt.Sprintf("%.1f / %.1f ms (%d matches a query)", pctl(ds, 50), pctl(ds, 95), hits/40)
		}
		ix.Close()
		mbText := float64(text) / (1 << 20)
		fmt.Fprintf(w, "| %s | %.2f× (%s) | %.1f MB/s | %.1f MB/s | %s | %s |\n", l.name, float64(size)/float64(text), mb(size),
			mbText/wall.Seconds(), mbText/cpu.Seconds(), lat["phrase"], lat["term"])
		os.RemoveAll(path)
	}
	return nil
}
