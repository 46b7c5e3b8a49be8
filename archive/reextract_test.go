package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

// rulesN extracts a capture as a release whose rules differ in one field
// would: the topic comes out as topic.
func rulesN(topic string) func(context.Context, archive.Capture) (extract.Document, error) {
	return func(_ context.Context, c archive.Capture) (extract.Document, error) {
		d := report(between(string(c.Body), `<div id="zoom">`, "</div>"))
		d.Topic = topic
		return d, nil
	}
}

func between(s, a, b string) string {
	_, s, _ = strings.Cut(s, a)
	s, _, _ = strings.Cut(s, b)
	return s
}

func pollUnder(t *testing.T, s *archive.Store, rules, topic, body string) archive.Outcome {
	t.Helper()
	run, err := s.Begin(ctx, "test", archive.RunOptions{Rules: rules, Reextract: rulesN(topic)})
	if err != nil {
		t.Fatal(err)
	}
	d := report(body)
	d.Topic = topic
	out, err := run.Record(ctx, archive.Observation{URL: u1, Doc: d, Capture: archivetest.Capture(archivetest.Page{URL: u1, Doc: d})})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRulesChangeIsNotAnEdit(t *testing.T) {
	s := archivetest.Open(t)
	body := "2024年以来，宁海县公安局坚持依法行政。"
	pollUnder(t, s, "r1", "", body)
	items0, _ := s.Outbox(ctx, 0)

	// Rules N+1 extract one more field from the same page.
	out := pollUnder(t, s, "r2", "公安", body)
	if out.Kind != archive.Unchanged || !out.Reextracted || out.Version != 1 {
		t.Fatalf("poll under new rules: %+v, want unchanged and re-extracted, version 1", out)
	}
	if items, _ := s.Outbox(ctx, 0); len(items) != len(items0) {
		t.Errorf("a rules change alerted: %d outbox items, want %d", len(items), len(items0))
	}
	vs, _ := s.Versions(ctx, out.Doc)
	if len(vs) != 1 || vs[0].Rules != "r1" || vs[0].Record.Topic != "" {
		t.Errorf("versions %+v: the original version must stay as it was", vs)
	}
	_, rec, _ := s.Current(ctx, out.Doc)
	if rec.Topic != "公安" {
		t.Errorf("current topic %q, want the new rules' 公安", rec.Topic)
	}
	xs, _ := s.Reextractions(ctx, out.Doc)
	if len(xs) != 1 || xs[0].Rules != "r2" || xs[0].Version != 1 {
		t.Errorf("re-extraction records %+v, want one under r2 of version 1", xs)
	}
	// The next poll under the same rules is the fast unchanged path.
	if out := pollUnder(t, s, "r2", "公安", body); out.Kind != archive.Unchanged || out.Reextracted {
		t.Errorf("second poll under r2: %+v", out)
	}

	// A real edit together with a rules change: one version, one alert, and
	// the summary names the edit, not the rule.
	out = pollUnder(t, s, "r3", "公安机关", body+"全县警情同比下降14.83%。")
	if out.Kind != archive.EventChanged || out.Version != 2 {
		t.Fatalf("edit under new rules: %+v, want changed version 2", out)
	}
	items, _ := s.Outbox(ctx, 0)
	if len(items) != len(items0)+1 {
		t.Fatalf("%d outbox items, want exactly one more than %d", len(items), len(items0))
	}
	if sum := items[len(items)-1].Event.Summary; !strings.Contains(sum, "14.83%") || strings.Contains(sum, "公安机关") {
		t.Errorf("summary %q: want the edit, compared under the same rules", sum)
	}
	if v, _ := s.Version(ctx, out.Doc, 2); v.Rules != "r3" || v.Scheme != archive.FingerprintScheme {
		t.Errorf("version 2 rules %q scheme %d", v.Rules, v.Scheme)
	}
}

// Versions written under fingerprint scheme 1 (schema 1) still verify, next
// to new versions under scheme 2, and a poll after the upgrade compares
// like with like.
func TestVerifyAfterFingerprintSchemeChange(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gongkai.db")
	os.WriteFile(path, data, 0o600)
	s, err := archive.Open(path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v1, err := s.Version(ctx, 1, 3)
	if err != nil || v1.Scheme != 0 {
		t.Fatalf("fixture version: scheme %d, %v", v1.Scheme, err)
	}
	c, _ := s.Capture(ctx, 1, 3)
	run, _ := s.Begin(ctx, "ninghai", archive.RunOptions{Rules: "r9", Reextract: func(context.Context, archive.Capture) (extract.Document, error) {
		return v1.Record, nil
	}})
	// Same content, new scheme and rules: unchanged.
	d, _ := s.Doc(ctx, 1)
	out, err := run.Record(ctx, archive.Observation{URL: d.URL, Doc: v1.Record, Capture: c})
	if err != nil || out.Kind != archive.Unchanged {
		t.Fatalf("poll after the upgrade: %+v %v, want unchanged", out, err)
	}
	edited := v1.Record
	edited.Body += "\n新增一段。"
	if out, err = run.Record(ctx, archive.Observation{URL: d.URL, Doc: edited, Capture: c}); err != nil || out.Kind != archive.EventChanged {
		t.Fatalf("edit after the upgrade: %+v %v", out, err)
	}
	if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(ctx, 1, 4); v.Scheme != archive.FingerprintScheme {
		t.Errorf("new version scheme %d", v.Scheme)
	}
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("verify with versions of both schemes: %+v %v", r, err)
	}
}

func TestReextractCommand(t *testing.T) {
	s := archivetest.Open(t)
	body := "2024年以来，宁海县公安局坚持依法行政。"
	pollUnder(t, s, "r1", "", body)
	u2 := u1 + "?2"
	d2 := report("另一篇。")
	d2.IndexNo = ""
	archivetest.Record(t, s, archivetest.Page{URL: u2, Doc: d2, Rules: "r1"})
	items0, _ := s.Outbox(ctx, 0)
	opts := archive.ReextractOptions{
		Rules: func(string) string { return "r2" },
		Extract: func(ctx context.Context, _ string, c archive.Capture) (extract.Document, error) {
			return rulesN("公安")(ctx, c)
		},
		DryRun: true,
	}
	rep, err := s.Reextract(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Docs != 2 || rep.Changed != 2 || rep.Fields["topic"] != 2 || len(rep.Examples["topic"]) != 2 {
		t.Fatalf("dry run: %+v", rep)
	}
	if _, rec, _ := s.Current(ctx, 1); rec.Topic != "" {
		t.Fatal("a dry run changed the archive")
	}
	opts.DryRun = false
	if rep, err = s.Reextract(ctx, opts); err != nil || rep.Changed != 2 {
		t.Fatalf("reextract: %+v %v", rep, err)
	}
	for _, id := range []uint64{1, 2} {
		if _, rec, _ := s.Current(ctx, id); rec.Topic != "公安" {
			t.Errorf("doc %d topic %q after reextract", id, rec.Topic)
		}
	}
	if items, _ := s.Outbox(ctx, 0); len(items) != len(items0) {
		t.Errorf("reextract alerted: %d outbox items, want %d", len(items), len(items0))
	}
	// Polling under the rules reextract applied finds nothing to do.
	if out := pollUnder(t, s, "r2", "公安", body); out.Kind != archive.Unchanged || out.Reextracted {
		t.Errorf("poll after reextract: %+v", out)
	}
	if rep, _ = s.Reextract(ctx, opts); rep.Changed != 0 {
		t.Errorf("second reextract changed %d", rep.Changed)
	}
}
