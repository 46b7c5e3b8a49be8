package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
)

// TestScaleBuild builds a small scale archive and checks what the
// benchmark's figures rest on: every document written, 5% with 2–3
// versions, text unique per document, and the index finding a document
// by a phrase of its own body.
func TestScaleBuild(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "gongkai.db")
	const docs = 60
	raw, text, versions, err := buildScale(ctx, db, docs, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	// ids 7, 27 and 47 change: 1 or 2 more versions each.
	if versions < docs+3 || versions > docs+6 {
		t.Errorf("versions = %d, want %d documents plus 3 to 6 changes", versions, docs)
	}
	if avg := raw / int64(versions); avg < 20<<10 || avg > 40<<10 {
		t.Errorf("average page = %d bytes, want real-size pages of 20–40 KB", avg)
	}
	if text <= 0 || text >= raw/2 {
		t.Errorf("body text %d bytes of %d raw, want chrome to dominate", text, raw)
	}
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, a, _ := st.Current(ctx, 5)
	_, b, _ := st.Current(ctx, 6)
	if a.Body == "" || a.Body == b.Body || strings.Contains(b.Body, a.Body[:60]) {
		t.Errorf("bodies of documents 5 and 6 are not unique text:\n%.60s\n%.60s", a.Body, b.Body)
	}
	if d, _ := st.Doc(ctx, 7); d.Versions < 2 {
		t.Errorf("document 7 has %d versions, want 2 or 3", d.Versions)
	}
	dir := search.Dir(db)
	if err := search.Rebuild(ctx, dir, st, search.Options{}, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenExisting(dir, st, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rs := []rune(a.Body)
	phrase := string(rs[20:30])
	res, err := ix.Search(ctx, search.Query{Text: `"` + phrase + `"`, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range res.Hits {
		found = found || h.Doc.ID == 5
	}
	if !found {
		t.Errorf("search for %q from document 5's body did not find it: %d hits", phrase, len(res.Hits))
	}
}
