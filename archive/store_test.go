package archive_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

var ctx = context.Background()

func report(body string) extract.Document {
	return extract.Document{
		Title: "宁海县公安局2024年法治政府建设年度报告", IndexNo: "002966124/2025-41880",
		Published: "2025-01-23", Publisher: "宁海县公安局", Body: body,
	}
}

const u1 = "https://www.ninghai.gov.cn/art/2025/1/23/art_1229104585_1.html"

func TestRecordDeduplicatesVersions(t *testing.T) {
	s := archivetest.Open(t)
	body := "2024年以来，宁海县公安局坚持依法行政。\n全县警情同比下降14.83%。"
	steps := []struct {
		name        string
		url         string
		doc         extract.Document
		wantKind    string
		wantVersion int
	}{
		{"first fetch", u1, report(body), archive.EventNew, 1},
		{"same content", u1, report(body), archive.Unchanged, 1},
		{"reflowed white space", u1 + "#top", report(" 2024年以来，宁海县公安局坚持依法行政。\n\n全县警情同比下降14.83%。  "), archive.Unchanged, 1},
		{"corrected sentence", u1, report(strings.Replace(body, "14.83%", "14.38%", 1)), archive.EventChanged, 2},
		{"same again", "HTTPS://WWW.NINGHAI.GOV.CN:443/art/2025/1/23/art_1229104585_1.html", report(strings.Replace(body, "14.83%", "14.38%", 1)), archive.Unchanged, 2},
	}
	for _, st := range steps {
		doc := st.doc
		doc.Sources = map[string]string{"title": "h1 " + st.name} // provenance is not content
		out := archivetest.Record(t, s, archivetest.Page{URL: st.url, Doc: doc})
		if out.Kind != st.wantKind || out.Version != st.wantVersion {
			t.Errorf("%s: Record = %s v%d, want %s v%d", st.name, out.Kind, out.Version, st.wantKind, st.wantVersion)
		}
	}
	// Releasing the mapped file changes nothing a read sees.
	if err := s.ReleaseMapped(); err != nil {
		t.Fatalf("ReleaseMapped: %v", err)
	}
	d, err := s.Lookup(ctx, u1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Versions != 2 || d.Checks != 5 {
		t.Errorf("doc versions=%d checks=%d, want 2 and 5", d.Versions, d.Checks)
	}
	evs, err := s.Events(ctx, archive.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Kind != archive.EventChanged || evs[1].Kind != archive.EventNew {
		t.Fatalf("events = %+v, want changed then new", evs)
	}
	if !strings.Contains(evs[0].Summary, "14.38%") {
		t.Errorf("changed summary %q does not name the edit", evs[0].Summary)
	}
	if evs[0].ID == evs[1].ID || evs[0].ID == "" {
		t.Errorf("event ids not unique: %q %q", evs[0].ID, evs[1].ID)
	}
}

func TestUnchangedPollsDoNotGrowTheFile(t *testing.T) {
	s := archivetest.Open(t)
	report := func(body string) extract.Document {
		d := report(body)
		d.IndexNo = "002966124/2025-" + body[len(body)-1:]
		return d
	}
	for i := range 20 {
		archivetest.Record(t, s, archivetest.Page{URL: strings.Replace(u1, "_1.", "_"+string(rune('a'+i))+".", 1), Doc: report(strings.Repeat("正文内容。", 400) + string(rune('a'+i)))})
	}
	size := func() int64 {
		fi, err := os.Stat(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	poll := func() {
		for i := range 20 {
			out := archivetest.Record(t, s, archivetest.Page{URL: strings.Replace(u1, "_1.", "_"+string(rune('a'+i))+".", 1), Doc: report(strings.Repeat("正文内容。", 400) + string(rune('a'+i)))})
			if out.Kind != archive.Unchanged {
				t.Fatalf("poll: %s, want unchanged", out.Kind)
			}
		}
	}
	poll() // let bbolt's freelist settle
	before := size()
	for range 10 {
		poll()
	}
	if after := size(); after != before {
		t.Errorf("10 unchanged polls grew the archive from %d to %d bytes", before, after)
	}
}

func TestMovedDocumentKeepsIdentity(t *testing.T) {
	s := archivetest.Open(t)
	a := archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。")})
	moved := "https://www.ninghai.gov.cn/col/col1229104585/art/2025/art_0123456789abcdef0123456789abcdef.html"
	b := archivetest.Record(t, s, archivetest.Page{URL: moved, Doc: report("正文。")})
	if b.Doc != a.Doc || b.MovedFrom != u1 || b.Kind != archive.Unchanged {
		t.Fatalf("moved page: %+v, want doc %d unchanged moved from %s", b, a.Doc, u1)
	}
	for _, ref := range []string{u1, moved} {
		d, err := s.Lookup(ctx, ref)
		if err != nil || d.ID != a.Doc {
			t.Errorf("Lookup(%s) = %d, %v; want doc %d", ref, d.ID, err, a.Doc)
		}
	}
	other := report("另一篇。")
	other.IndexNo = "无"
	c := archivetest.Record(t, s, archivetest.Page{URL: u1 + "?x=1", Doc: other})
	if c.Kind != archive.EventNew {
		t.Errorf("a placeholder index number merged two documents: %+v", c)
	}
}

func TestWithdrawKeepsVersionsAndRestores(t *testing.T) {
	s := archivetest.Open(t)
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。")})
	if changed := archivetest.Withdraw(t, s, archivetest.Page{URL: u1}, "HTTP 404"); !changed {
		t.Fatalf("Withdraw = %v", changed)
	}
	if again := archivetest.Withdraw(t, s, archivetest.Page{URL: u1}, "HTTP 404"); again {
		t.Fatalf("second Withdraw = %v; want no change", again)
	}
	d, _ := s.Lookup(ctx, u1)
	vs, _ := s.Versions(ctx, d.ID)
	if d.Status != archive.StatusWithdrawn || len(vs) != 1 {
		t.Fatalf("after withdraw: status %s, %d versions", d.Status, len(vs))
	}
	out := archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。")})
	if !out.Restored {
		t.Errorf("refetch of a withdrawn doc: %+v, want restored", out)
	}
	evs, _ := s.Events(ctx, archive.EventQuery{})
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, ","); got != "restored,withdrawn,new" {
		t.Errorf("events = %s, want restored,withdrawn,new", got)
	}
}

func TestOutboxSkipsBaselineAndTracksTargets(t *testing.T) {
	s := archivetest.Open(t)
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。"), Quiet: true})
	archivetest.Record(t, s, archivetest.Page{URL: u1 + "?2", Doc: report("第二篇。")})
	items, err := s.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Event.URL != u1+"?2" {
		t.Fatalf("outbox = %+v, want only the non-baseline event", items)
	}
	seq := items[0].Event.Seq
	if err := s.MarkDelivered(ctx, seq, "hook-a"); err != nil {
		t.Fatal(err)
	}
	items, _ = s.Outbox(ctx, 0)
	if _, ok := items[0].Delivered["hook-a"]; !ok {
		t.Errorf("delivery to hook-a not recorded: %+v", items[0].Delivered)
	}
	if err := s.Ack(ctx, seq); err != nil {
		t.Fatal(err)
	}
	if items, _ = s.Outbox(ctx, 0); len(items) != 0 {
		t.Errorf("outbox after ack = %d items", len(items))
	}
	all, _ := s.Events(ctx, archive.EventQuery{IncludeBaseline: true})
	if len(all) != 2 || !all[1].Baseline {
		t.Errorf("event log = %+v, want 2 events, the first baseline", all)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gongkai.db")
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = archive.Open(path, archive.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, archive.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by another gongkai") {
		t.Errorf("error %q does not say the archive is in use", err)
	}
}

func TestVerifyDetectsFlippedByte(t *testing.T) {
	dir := t.TempDir()
	s, err := archive.Open(filepath.Join(dir, "a.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report(strings.Repeat("全面推进法治建设。", 300))})
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := s.BackupFile(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() || r.Versions != 1 || r.Captures != 1 {
		t.Fatalf("verify of a good archive: %+v, %v", r, err)
	}
	s.Close()

	// Find the document record's title in the copy and flip one byte of it.
	data, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(`"status":"live","title":"宁海县公安局`))
	if i < 0 {
		t.Fatal("document record not found in the file")
	}
	data[i+len(`"status":"live","title":"`)+3] ^= 0x01
	if err := os.WriteFile(copyPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := archive.Open(copyPath, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatal("verify found nothing wrong with a flipped byte")
	}
	t.Logf("problems: %v", r.Problems)
}

func TestVerifyDetectsDamagedCapture(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report(strings.Repeat("全面推进法治建设。", 300))})
	s.Close()
	// Locate the compressed capture's bytes and flip one in the middle.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	db.View(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("raw")).ForEach(func(k, v []byte) error { raw = append([]byte(nil), v...); return nil })
		return nil
	})
	db.Close()
	data, _ := os.ReadFile(path)
	i := bytes.Index(data, raw)
	if i < 0 {
		t.Fatal("capture not found in file")
	}
	data[i+len(raw)/2] ^= 0x40
	os.WriteFile(path, data, 0o600)
	s, err = archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _ := s.Verify(ctx)
	if r.OK() {
		t.Fatal("verify found nothing wrong with a damaged capture")
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://Example.GOV.cn:80/a/b.html#x", "http://example.gov.cn/a/b.html"},
		{"https://example.gov.cn:443", "https://example.gov.cn/"},
		{"https://example.gov.cn:8443/a?b=1", "https://example.gov.cn:8443/a?b=1"},
	}
	for _, tt := range tests {
		got, err := archive.CanonicalURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := archive.CanonicalURL("/relative/path"); err == nil {
		t.Error("CanonicalURL accepted a relative URL")
	}
}

func TestCompact(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.db")
	s, _ := archive.Open(src, archive.Options{})
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。")})
	s.Close()
	dst := filepath.Join(dir, "b.db")
	if err := archive.Compact(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	c, err := archive.Open(dst, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if d, err := c.Lookup(ctx, u1); err != nil || d.Versions != 1 {
		t.Errorf("compacted archive lost the document: %+v %v", d, err)
	}
}

// An archive written before the crawl bucket existed gets it on open.
func TestCrawlStateBuiltForOlderArchives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	archivetest.Record(t, s, archivetest.Page{URL: u1, Doc: report("正文。")})
	archivetest.Withdraw(t, s, archivetest.Page{URL: u1, Quiet: true}, "HTTP 404")
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1")); err != nil {
			return err
		}
		return tx.DeleteBucket([]byte("crawl"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	known, err := s.Known(ctx, "test")
	if err != nil || len(known) != 1 || known[0].URL != u1 || known[0].Status != archive.StatusWithdrawn {
		t.Fatalf("Known after rebuild = %+v, %v", known, err)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("verify after rebuild: %+v %v", r, err)
	}
}

// A new archive is created at the current schema: nothing to migrate, no
// backup beside it.
func TestNewArchiveTakesNoBackup(t *testing.T) {
	dir := t.TempDir()
	s, err := archive.Open(filepath.Join(dir, "gongkai.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = archive.Open(filepath.Join(dir, "gongkai.db"), archive.Options{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Errorf("files beside a new archive: %v", files)
	}
}
