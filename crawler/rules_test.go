package crawler_test

import (
	"testing"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

func TestExtractionID(t *testing.T) {
	plain := crawler.ExtractionID(config.Source{Name: "a"})
	withFields := crawler.ExtractionID(config.Source{Name: "a", Fields: map[string]string{"topic": "h1"}})
	other := crawler.ExtractionID(config.Source{Name: "b", Fields: map[string]string{"topic": "h2"}})
	if plain == withFields || withFields == other || len(withFields) != len(plain)+9 || withFields[:len(plain)+1] != plain+"+" {
		t.Errorf("ExtractionID: %q, %q, %q", plain, withFields, other)
	}
	if again := crawler.ExtractionID(config.Source{Name: "c", Fields: map[string]string{"topic": "h1"}}); again != withFields {
		t.Errorf("the same overrides give %q and %q", withFields, again)
	}
}

// A changed `fields:` override is not an edit of the documents: the next poll
// re-extracts the stored captures, finds them equal to the new fetches, and
// moves the current records without a version or an alert.
func TestFieldsOverrideChangeIsNotAnEdit(t *testing.T) {
	s := newSite(t)
	st := archivetest.Open(t)
	src := source(s)
	crawl(t, newCrawler(st), src) // baseline
	stats := crawl(t, newCrawler(st), src)
	if stats.Changed != 0 {
		t.Fatalf("second crawl under the same rules: %+v", stats)
	}
	before := versions(t, st)
	items0, _ := st.Outbox(ctx, 0)

	src.Fields = map[string]string{"topic": "h1"}
	stats = crawl(t, newCrawler(st), src)
	if stats.Changed != 0 || stats.New != 0 || stats.Unchanged == 0 {
		t.Errorf("poll after a fields override change: %+v, want only unchanged", stats)
	}
	if after := versions(t, st); after != before {
		t.Errorf("%d versions after the override change, want %d", after, before)
	}
	if items, _ := st.Outbox(ctx, 0); len(items) != len(items0) {
		t.Errorf("%d outbox items after the override change, want %d", len(items), len(items0))
	}
	moved := 0
	for _, d := range archivetest.All(t, st) {
		_, rec, err := st.Current(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		xs, _ := st.Reextractions(ctx, d.ID)
		if rec.Topic != "" && rec.Topic == rec.Title && len(xs) == 1 && xs[0].Rules == crawler.ExtractionID(src) {
			moved++
		}
	}
	if moved == 0 {
		t.Error("no current record took the new override's topic")
	}
	if stats := crawl(t, newCrawler(st), src); stats.Changed != 0 {
		t.Errorf("third crawl: %+v", stats)
	}
}
