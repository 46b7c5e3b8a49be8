package archive

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

// A first crawl is one long run: the source's dictionary is trained during
// it, once DictAfter documents are stored, so the rest of the run's
// captures use it; after End every capture of the source does, and the
// version records are compressed against their captures.
func TestDictionaryDuringRun(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "gongkai.db"), Options{DictAfter: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewSource(1))
	var chrome strings.Builder
	for i := range 300 {
		fmt.Fprintf(&chrome, `<li class="nav-%d"><a href="/col/col%d/index.html">栏目%d</a></li>`, i, 1000+i*7, i)
	}
	hanzi := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经")
	page := func(i int) (string, []byte) {
		var b strings.Builder
		for range 600 {
			b.WriteRune(hanzi[rng.Intn(len(hanzi))])
		}
		body := b.String()
		return body, []byte(fmt.Sprintf("<html><body>%s<h1>第%d号</h1><div id=\"zoom\"><p>%s</p></div>%s</body></html>", chrome.String(), i, body, chrome.String()))
	}
	run, err := s.Begin(ctx, "ninghai", RunOptions{BatchDocs: 5})
	if err != nil {
		t.Fatal(err)
	}
	record := func(from, to int) {
		for i := from; i < to; i++ {
			u := fmt.Sprintf("https://www.ninghai.gov.cn/art/%d.html", i)
			body, html := page(i)
			_, err := run.Record(ctx, Observation{URL: u, Doc: extract.Document{Title: fmt.Sprintf("第%d号", i), Body: body},
				Capture: Capture{URL: u, Method: "GET", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: html}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	record(1, 16)
	if err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The training runs in the background; wait for it (a sync point, not
	// a timing assertion).
	for deadline := time.Now().Add(30 * time.Second); !s.codec.hasDict("ninghai"); {
		if time.Now().After(deadline) {
			t.Fatal("no dictionary 30 s after the run stored 15 documents with DictAfter 10")
		}
		time.Sleep(10 * time.Millisecond)
	}
	record(16, 31)
	if err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if id := dictOf(t, s, 25); id == 0 {
		t.Errorf("capture 25, stored in the run after the dictionary was trained, has none")
	}
	if err := run.End(ctx, RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
	for id := uint64(1); id <= 30; id++ {
		if dictOf(t, s, id) == 0 {
			t.Errorf("capture %d has no dictionary after the run ended", id)
		}
	}
	// The version record is stored in its capture's frame, which a
	// recompression keeps.
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, id := range []uint64{5, 20} {
			key := versionKey(id, 1)
			if z := tx.Bucket(bucketVersions).Get(key); !bytes.Equal(z, recordInCapture) {
				t.Errorf("version record of doc %d is not stored with its capture: %q", id, z)
			}
			var v Version
			if err := s.getVersion(tx, id, 1, &v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() || r.Captures != 30 || r.Versions != 30 {
		t.Fatalf("verify: %+v %v", r, err)
	}
}

func dictOf(t *testing.T, s *Store, id uint64) uint32 {
	t.Helper()
	var h zstd.Header
	err := s.db.View(func(tx *bolt.Tx) error {
		sv, err := splitStored(tx.Bucket(bucketRaw).Get(versionKey(id, 1)))
		if err != nil {
			return err
		}
		return h.Decode(sv.frame)
	})
	if err != nil {
		t.Fatal(err)
	}
	return h.DictionaryID
}
