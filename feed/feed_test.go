package feed

import (
	"encoding/json"
	"encoding/xml"
	"github.com/gongkai/gongkai/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/archive"

	"github.com/gongkai/gongkai/internal/golden"
)

var fetched = time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func sampleEvents() []archive.Event {
	return []archive.Event{
		{Seq: 9, ID: "7f3a-9", Kind: archive.EventChanged, Source: "ninghai-police", Doc: 41, Version: 2,
			URL: "https://www.ninghai.gov.cn/art/2025/1/15/art_1229106470_4187.html", Title: "宁海县公安局2024年法治政府建设年度报告",
			IndexNo: "001008003/2025-00012", Published: "2025-01-15", FetchedAt: fetched, Summary: "正文: +12 −3 字 <附件>"},
		{Seq: 8, ID: "7f3a-8", Kind: archive.EventWithdrawn, Source: "xiangshan", Doc: 7, Version: 1,
			URL: "http://www.xiangshan.gov.cn/art/2023/5/6/art_1229_77.html?a=1&b=2", Title: "象山县关于R&D经费的通知",
			FetchedAt: fetched.Add(-time.Hour), Summary: "404"},
		{Seq: 7, ID: "7f3a-7", Kind: archive.EventNew, Source: "ninghai-police", Doc: 40, Version: 1,
			URL: "https://www.ninghai.gov.cn/art/2025/1/2/art_1229106470_4100.html", Title: "关于调整交通管制措施的通告",
			Published: "2025-01-02", FetchedAt: fetched.Add(-2 * time.Hour)},
		{Seq: 6, ID: "7f3a-6", Kind: archive.EventRestored, Source: "xiangshan", Doc: 5, Version: 3,
			URL: "http://www.xiangshan.gov.cn/art/2022/1/1/art_1229_5.html", Title: "象山县人民政府信息公开指南",
			FetchedAt: fetched.Add(-3 * time.Hour)},
	}
}

var sampleOptions = Options{
	Title:   "gongkai: 政府信息公开变动",
	SelfURL: "https://archive.example.org/feed.atom",
	BaseURL: "https://archive.example.org/",
}

func TestAtomGolden(t *testing.T) {
	got, err := Atom(sampleEvents(), sampleOptions)
	if err != nil {
		t.Fatalf("Atom: %v", err)
	}
	golden.Equal(t, filepath.Join("testdata", "sample.atom"), got)
}

// atomDoc is the part of Atom the tests read back.
type atomDoc struct {
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Summary   struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func parse(t *testing.T, b []byte) atomDoc {
	t.Helper()
	var d atomDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("feed is not XML: %v\n%s", err, b)
	}
	return d
}

func TestAtomEntries(t *testing.T) {
	b, err := Atom(sampleEvents(), sampleOptions)
	if err != nil {
		t.Fatalf("Atom: %v", err)
	}
	d := parse(t, b)
	if d.ID != sampleOptions.SelfURL || len(d.Links) != 1 || d.Links[0].Rel != "self" {
		t.Errorf("feed id %q, links %v; want id and one self link %s", d.ID, d.Links, sampleOptions.SelfURL)
	}
	if d.Updated != "2025-03-14T09:30:00+08:00" {
		t.Errorf("feed updated = %q, want the newest event's time", d.Updated)
	}
	if len(d.Entries) != 4 {
		t.Fatalf("%d entries, want 4", len(d.Entries))
	}
	e := d.Entries[0]
	tests := []struct{ field, got, want string }{
		{"id", e.ID, "tag:gongkai,2025:event/7f3a-9"},
		{"title", e.Title, "[changed 已更新] 宁海县公安局2024年法治政府建设年度报告"},
		{"updated", e.Updated, "2025-03-14T09:30:00+08:00"},
		{"published", e.Published, "2025-03-14T09:30:00+08:00"},
		{"summary type", e.Summary.Type, "text"},
		{"summary", e.Summary.Text, "来源 source: ninghai-police\n索引号 index no.: 001008003/2025-00012\n发布日期 published: 2025-01-15\n版本 version: 2\n变化 change: 正文: +12 −3 字 <附件>"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("entry 0 %s = %q, want %q", tc.field, tc.got, tc.want)
		}
	}
	links := map[string]string{}
	for _, l := range e.Links {
		links[l.Rel] = l.Href
	}
	wantLinks := map[string]string{
		"alternate": "https://www.ninghai.gov.cn/art/2025/1/15/art_1229106470_4187.html",
		"related":   "https://archive.example.org/docs/41/v/2",
	}
	if diff := cmp.Diff(wantLinks, links); diff != "" {
		t.Errorf("entry 0 links (-want +got):\n%s", diff)
	}
	for i, want := range []string{"[withdrawn 已撤回] 象山县关于R&D经费的通知", "[new 新发布] 关于调整交通管制措施的通告", "[restored 已恢复] 象山县人民政府信息公开指南"} {
		if got := d.Entries[i+1].Title; got != want {
			t.Errorf("entry %d title = %q, want %q", i+1, got, want)
		}
	}
}

func TestAtomIDsStable(t *testing.T) {
	a, err := Atom(sampleEvents(), sampleOptions)
	if err != nil {
		t.Fatal(err)
	}
	other := sampleOptions
	other.SelfURL, other.BaseURL = "http://localhost:8080/sources/xiangshan/feed.atom", ""
	b, err := Atom(sampleEvents()[1:2], other)
	if err != nil {
		t.Fatal(err)
	}
	da, db := parse(t, a), parse(t, b)
	if da.Entries[1].ID != db.Entries[0].ID {
		t.Errorf("the same event has ids %q and %q in two feeds", da.Entries[1].ID, db.Entries[0].ID)
	}
	if n := len(db.Entries[0].Links); n != 1 {
		t.Errorf("without BaseURL an entry has %d links, want only the original", n)
	}
}

func TestAtomMissingURL(t *testing.T) {
	e := sampleEvents()[0]
	e.URL = ""
	for _, tc := range []struct {
		base  string
		links int
	}{{"", 0}, {"http://archive.local", 1}} {
		b, err := Atom([]archive.Event{e}, Options{BaseURL: tc.base})
		if err != nil {
			t.Fatalf("Atom: %v", err)
		}
		if got := parse(t, b).Entries[0].Links; len(got) != tc.links {
			t.Errorf("BaseURL %q: entry without a URL has links %v, want %d", tc.base, got, tc.links)
		}
	}
}

func TestAtomZeroOptions(t *testing.T) {
	b, err := Atom(nil, Options{})
	if err != nil {
		t.Fatalf("Atom: %v", err)
	}
	d := parse(t, b)
	if d.ID == "" || d.Updated == "" || len(d.Entries) != 0 || len(d.Links) != 0 {
		t.Errorf("empty feed: id %q, updated %q, %d entries, links %v; want an id and a date, nothing else", d.ID, d.Updated, len(d.Entries), d.Links)
	}
	if !strings.Contains(string(b), "<title>gongkai</title>") {
		t.Errorf("empty feed lacks the default title:\n%s", b)
	}
}

// python finds a Python that has feedparser, preferring the system one
// (Debian's python3-feedparser) over any pyenv shim earlier in PATH.
func python(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import feedparser").Run() == nil {
			return p
		}
	}
	testenv.Missing(t, "no python3 with feedparser (apt-get install python3-feedparser); CI installs it")
	return ""
}

// TestAtomFeedparser reads the feed back with a real feed reader library.
func TestAtomFeedparser(t *testing.T) {
	py := python(t)
	events := sampleEvents()
	b, err := Atom(events, sampleOptions)
	if err != nil {
		t.Fatalf("Atom: %v", err)
	}
	type link struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	}
	type entry struct {
		ID       string   `json:"id"`
		Title    string   `json:"title"`
		Links    []link   `json:"links"`
		Contains []string `json:"summary_contains,omitempty"`
	}
	want := struct {
		Title   string  `json:"title"`
		ID      string  `json:"id"`
		Entries []entry `json:"entries"`
	}{Title: sampleOptions.Title, ID: sampleOptions.SelfURL}
	for _, e := range events {
		want.Entries = append(want.Entries, entry{
			ID:       EntryID(e),
			Title:    Label(e.Kind) + " " + e.Title,
			Links:    []link{{"alternate", e.URL}, {"related", ArchiveURL(sampleOptions.BaseURL, e)}},
			Contains: []string{e.Source, e.Summary},
		})
	}
	dir := t.TempDir()
	feedPath, wantPath := filepath.Join(dir, "feed.atom"), filepath.Join(dir, "want.json")
	if err := os.WriteFile(feedPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	wj, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wantPath, wj, 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join("..", "scripts", "feedcheck", "check.py")
	out, err := exec.Command(py, script, feedPath, wantPath).CombinedOutput()
	if err != nil {
		t.Fatalf("feedcheck rejected the feed: %v\n%s", err, out)
	}

	// The checker must also catch a wrong expectation, or this test proves nothing.
	want.Entries[2].Title = "[new 新发布] 不存在的标题"
	want.Entries = want.Entries[:3]
	wj, _ = json.Marshal(want)
	if err := os.WriteFile(wantPath, wj, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(py, script, feedPath, wantPath).CombinedOutput()
	if err == nil {
		t.Fatalf("feedcheck accepted a wrong expectation:\n%s", out)
	}
	for _, s := range []string{"entry count", "不存在的标题"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("feedcheck output lacks %q:\n%s", s, out)
		}
	}
}

func BenchmarkAtom(b *testing.B) {
	var events []archive.Event
	for range 125 {
		events = append(events, sampleEvents()...)
	}
	for b.Loop() {
		if _, err := Atom(events, sampleOptions); err != nil {
			b.Fatal(err)
		}
	}
}
