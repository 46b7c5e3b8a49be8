package archive_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
)

// v1Want is what testdata/v1.json holds: the fixture archive testdata/v1.db
// as the schema-1 release that wrote it saw it.
type v1Want struct {
	Docs []struct {
		ID        uint64   `json:"id"`
		URL       string   `json:"url"`
		Source    string   `json:"source"`
		Status    string   `json:"status"`
		Title     string   `json:"title"`
		Published string   `json:"published"`
		Versions  int      `json:"versions"`
		Aliases   []string `json:"aliases"`
		SHA256    []string `json:"sha256"`
		RawSHA256 []string `json:"raw_sha256"`
	} `json:"docs"`
	Events []struct {
		Seq      uint64 `json:"seq"`
		ID       string `json:"id"`
		Kind     string `json:"event"`
		Doc      uint64 `json:"doc"`
		Version  int    `json:"version"`
		Baseline bool   `json:"baseline"`
	} `json:"events"`
	Outbox  []uint64              `json:"outbox"`
	Sources []archive.SourceState `json:"sources"`
}

func copyFixture(t *testing.T) string { t.Helper(); return copyFixtureOf(t, "v1.db") }

// copyFixtureOf copies testdata/name to a temporary archive path.
func copyFixtureOf(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gongkai.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrateV1Fixture(t *testing.T) {
	var want v1Want
	data, err := os.ReadFile(filepath.Join("testdata", "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	path := copyFixture(t)
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	backups, _ := filepath.Glob(path + ".v1-backup-*")
	if len(backups) != 1 {
		t.Errorf("backups next to the archive: %v, want one", backups)
	}

	page, err := s.List(ctx, archive.ListQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Docs) != len(want.Docs) || page.Total != len(want.Docs) {
		t.Fatalf("List after migration: %d docs (total %d), want %d", len(page.Docs), page.Total, len(want.Docs))
	}
	for i, w := range want.Docs {
		d := page.Docs[i] // same order: newest published first
		if d.ID != w.ID || d.URL != w.URL || d.Status != w.Status || d.Title != w.Title || d.Versions != w.Versions || !slices.Equal(d.Aliases, w.Aliases) {
			t.Errorf("doc %d: %+v, want %+v", i, d, w)
		}
		for n := 1; n <= w.Versions; n++ {
			v, err := s.Version(ctx, w.ID, n)
			if err != nil {
				t.Errorf("doc %d version %d: %v", w.ID, n, err)
				continue
			}
			if v.SHA256 != w.SHA256[n-1] || v.RawSHA256 != w.RawSHA256[n-1] {
				t.Errorf("doc %d version %d: digests changed", w.ID, n)
			}
			if _, err := s.Capture(ctx, w.ID, n); err != nil {
				t.Errorf("doc %d capture %d: %v", w.ID, n, err)
			}
		}
		if _, rec, err := s.Current(ctx, w.ID); err != nil || rec.Title != w.Title {
			t.Errorf("Current(%d) = %q, %v", w.ID, rec.Title, err)
		}
	}
	evs, err := s.Events(ctx, archive.EventQuery{IncludeBaseline: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(want.Events) {
		t.Fatalf("%d events, want %d", len(evs), len(want.Events))
	}
	for i, w := range want.Events {
		e := evs[i]
		if e.Seq != w.Seq || e.ID != w.ID || e.Kind != w.Kind || e.Doc != w.Doc || e.Version != w.Version || e.Baseline != w.Baseline {
			t.Errorf("event %d: %+v, want %+v", i, e, w)
		}
	}
	items, err := s.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, it := range items {
		seqs = append(seqs, it.Event.Seq)
	}
	if !slices.Equal(seqs, want.Outbox) {
		t.Errorf("outbox %v, want %v", seqs, want.Outbox)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want.Sources {
		if srcs[i].Name != w.Name || srcs[i].Docs != w.Docs || srcs[i].Withdrawn != w.Withdrawn || srcs[i].Baselined != w.Baselined || srcs[i].LastError != w.LastError {
			t.Errorf("source %s: %+v, want %+v", w.Name, srcs[i], w)
		}
	}
	changes, err := s.Changes(ctx, 0, 0)
	if err != nil || len(changes) != len(want.Docs) {
		t.Errorf("change log: %d entries, %v; want one per document (%d)", len(changes), err, len(want.Docs))
	}
	has, err := s.HasFile(ctx, "https://www.ninghai.gov.cn/files/1.pdf")
	if err != nil || !has {
		t.Errorf("attachment lost: %v %v", has, err)
	}
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("verify after migration: %+v %v", r, err)
	}
	if r.Docs != len(want.Docs) || r.Versions != 14 || r.Captures != 14 || r.Events != len(want.Events) || r.Files != 1 {
		t.Errorf("verify counted %+v", r)
	}
	// The uncompressed search text is gone, and the schema says so.
	s.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("text")) != nil {
			t.Error("text bucket kept")
		}
		if v := string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); v != "3" {
			t.Errorf("schema %q after migration", v)
		}
		return nil
	})
}

// v2Want is what testdata/v2.json holds: every version of the fixture
// archive testdata/v2.db (written by the schema-2 release, whose version
// records are compressed against their captures) as that release read it.
type v2Want struct {
	Versions []struct {
		Doc       uint64 `json:"doc"`
		N         int    `json:"n"`
		Title     string `json:"title"`
		Body      string `json:"body"`
		SHA256    string `json:"sha256"`
		RawSHA256 string `json:"raw_sha256"`
	} `json:"versions"`
}

// Schema 3 stores a version's record in its capture's frame; schema 2's
// records, compressed against their captures, are read as they are. The
// migration rewrites nothing (and so takes no backup), a new version is
// written in the new form next to the old ones, and verify passes on the
// mix.
func TestMigrateV2Fixture(t *testing.T) {
	var want v2Want
	data, err := os.ReadFile(filepath.Join("testdata", "v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil || len(want.Versions) != 21 {
		t.Fatalf("v2.json: %d versions, %v", len(want.Versions), err)
	}
	path, orig := copyFixtureOf(t, "v2.db"), copyFixtureOf(t, "v2.db")
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if backups, _ := filepath.Glob(path + ".v2-backup-*"); len(backups) != 0 {
		t.Errorf("backups %v of an archive the migration rewrites nothing of", backups)
	}
	check := func(when string) {
		t.Helper()
		for _, w := range want.Versions {
			v, err := s.Version(ctx, w.Doc, w.N)
			if err != nil {
				t.Errorf("%s: doc %d version %d: %v", when, w.Doc, w.N, err)
				continue
			}
			if v.Record.Title != w.Title || v.Record.Body != w.Body || v.SHA256 != w.SHA256 || v.RawSHA256 != w.RawSHA256 {
				t.Errorf("%s: doc %d version %d reads differently from the release that wrote it", when, w.Doc, w.N)
			}
			c, err := s.Capture(ctx, w.Doc, w.N)
			if sum := sha256.Sum256(c.Body); err != nil || hex.EncodeToString(sum[:]) != w.RawSHA256 {
				t.Errorf("%s: doc %d capture %d: %v, digest differs", when, w.Doc, w.N, err)
			}
		}
		if r, err := s.Verify(ctx); err != nil || !r.OK() {
			t.Fatalf("%s: verify %+v %v", when, r, err)
		}
	}
	check("after migration")
	// A new version of a schema-2 document, and a new document of the
	// source with a dictionary: both in schema 3's form.
	u := "https://www.ninghai.gov.cn/art/2025/3.html"
	d, err := s.Lookup(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := s.Version(ctx, d.ID, d.Versions)
	if err != nil {
		t.Fatal(err)
	}
	rec := cur.Record
	rec.Body += "\n补充：本通知自2025年10月1日起施行。"
	if out := archivetest.Record(t, s, archivetest.Page{Source: "ninghai", URL: u, Doc: rec}); out.Kind != archive.EventChanged {
		t.Fatalf("edit of a schema-2 document: %+v", out)
	}
	rec.Title, rec.IndexNo = "关于第99号事项的通知", "11330226002966120T/2025-00199"
	if out := archivetest.Record(t, s, archivetest.Page{Source: "ninghai", URL: "https://www.ninghai.gov.cn/art/2025/99.html", Doc: rec}); out.Kind != archive.EventNew {
		t.Fatalf("new document: %+v", out)
	}
	check("after new versions")
	if v, err := s.Version(ctx, d.ID, d.Versions+1); err != nil || v.Record.Body != rec.Body {
		t.Errorf("new version of doc %d: %v", d.ID, err)
	}
	s.Close()
	// The schema says 3: the schema-2 release refuses the archive instead
	// of reading the new records as captures.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	old, err := bolt.Open(orig, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); v != "3" {
			t.Errorf("schema %q after migration", v)
		}
		// Not one stored capture or record of schema 2 was rewritten.
		return old.View(func(otx *bolt.Tx) error {
			for _, name := range []string{"raw", "versions", "dicts"} {
				n := 0
				otx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
					n++
					if !bytes.Equal(tx.Bucket([]byte(name)).Get(k), v) {
						t.Errorf("%s %x rewritten", name, k)
					}
					return nil
				})
				if n == 0 {
					t.Errorf("fixture bucket %s empty", name)
				}
			}
			return nil
		})
	})
	old.Close()
	db.Close()
	if s, err = archive.Open(path, archive.Options{}); err != nil {
		t.Fatal(err)
	}
	check("reopened")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := copyFixture(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("99")) })
	db.Close()
	_, err = archive.Open(path, archive.Options{})
	if !errors.Is(err, archive.ErrNewerSchema) || !strings.Contains(err.Error(), "written by a newer gongkai (schema 99); this release reads up to 3") {
		t.Fatalf("Open of a schema-99 archive: %v", err)
	}
}

func TestReadOnlyOpenOfV1AsksForMigration(t *testing.T) {
	_, err := archive.Open(copyFixture(t), archive.Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "needs a migration") {
		t.Fatalf("read-only Open of a schema-1 archive: %v", err)
	}
}

// A migration checks whether the archive needs it: running the registry
// again over a migrated archive (as after a crash before the schema was
// recorded) changes nothing.
func TestMigrationsAreIdempotent(t *testing.T) {
	path := copyFixture(t)
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Verify(ctx)
	ch1, _ := s.Changes(ctx, 0, 0)
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1")) })
	db.Close()
	s, err = archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after, err := s.Verify(ctx)
	if err != nil || !after.OK() || after.Docs != before.Docs || after.Versions != before.Versions || after.Events != before.Events {
		t.Errorf("verify after migrating twice: %+v %v, want %+v", after, err, before)
	}
	if ch2, _ := s.Changes(ctx, 0, 0); !slices.Equal(ch1, ch2) {
		t.Errorf("the change log was rebuilt: %v, then %v", ch1, ch2)
	}
}
