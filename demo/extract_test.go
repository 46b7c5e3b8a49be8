package demo

import (
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler/discover"
	"github.com/gongkai/gongkai/extract"
)

const base = "http://127.0.0.1:8080"

// TestDiscoverFollows checks the list pages with the crawler's own list
// reader: both pages, every document and the /private/ link are found.
func TestDiscoverFollows(t *testing.T) {
	s := New()
	_, page1 := get(t, s, ColumnPath)
	r, err := discover.Parse(s.ListURL(base), "text/html; charset=utf-8", []byte(page1), discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Next) != 1 || r.Next[0].URL != base+ColumnPath+"?uid=4983627&pageNum=2" {
		t.Fatalf("discover.Parse(page 1).Next = %+v, want page 2", r.Next)
	}
	_, page2 := get(t, s, ColumnPath+"?uid=4983627&pageNum=2")
	r2, err := discover.Parse(r.Next[0].URL, "text/html; charset=utf-8", []byte(page2), discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Next) != 0 {
		t.Errorf("discover.Parse(page 2).Next = %+v, want none", r2.Next)
	}
	got := map[string]discover.Entry{}
	for _, e := range append(r.Entries, r2.Entries...) {
		got[e.URL] = e
	}
	for _, page := range crawl(t, s) {
		for _, e := range page {
			d, ok := got[base+e.path]
			if !ok {
				t.Errorf("discover missed %s", e.path)
				continue
			}
			if d.Title != e.title || d.Date != e.date {
				t.Errorf("discover read %s as %q %q, want %q %q", e.path, d.Title, d.Date, e.title, e.date)
			}
		}
	}
	if _, ok := got[base+privateAt]; !ok {
		t.Errorf("discover does not see the /private/ link, so robots compliance is not exercised")
	}
}

// TestExtractIgnoresNoise is the demo's point: fetching every page twice
// gives different bytes but the same fingerprints, and after Edit exactly
// one fingerprint changes and one document is new.
func TestExtractIgnoresNoise(t *testing.T) {
	s := New()
	fingerprints := func() map[string]string {
		out := map[string]string{}
		for _, page := range crawl(t, s) {
			for _, e := range page {
				_, body := get(t, s, e.path)
				d, err := extract.Extract([]byte(body), base+e.path, extract.Options{})
				if err != nil {
					t.Fatalf("Extract(%s): %v", e.path, err)
				}
				if d.Title != e.title {
					t.Errorf("Extract(%s).Title = %q, want %q", e.path, d.Title, e.title)
				}
				if len([]rune(d.Body)) < 100 {
					t.Errorf("Extract(%s).Body = %q, want the document text", e.path, d.Body)
				}
				out[e.path] = archive.Fingerprint(d)
			}
		}
		return out
	}
	first, second := fingerprints(), fingerprints()
	for p, fp := range first {
		if second[p] != fp {
			t.Errorf("%s: fingerprint changed between two fetches of an unchanged page (noise leaked into the record)", p)
		}
	}
	s.Edit()
	third := fingerprints()
	changed, added := 0, 0
	for p, fp := range third {
		old, ok := first[p]
		switch {
		case !ok:
			added++
		case old != fp:
			changed++
		}
	}
	if changed != 1 || added != 1 {
		t.Errorf("after Edit: %d changed, %d new; want 1 and 1", changed, added)
	}
}

func TestExtractMetadata(t *testing.T) {
	s := New()
	tests := []struct {
		path string
		want extract.Document
	}{
		{"/art/2025/1/23/art_1229104585_5826411.html", extract.Document{IndexNo: "002966124/2025-41880", Written: "2025-01-26", Publisher: "宁海县公安局", Access: "主动公开"}},
		{"/art/2025/2/7/art_1229104585_5829630.html", extract.Document{IndexNo: "001008003001008/2025-52138", Publisher: "区公安分局", Topic: "计划总结", Access: "主动公开"}},
		{"/art/2023/1/16/art_1229104585_5367719.html", extract.Document{IndexNo: "11330600002577508J/2023-236878", Written: "2023-01-13", Publisher: "市公安局", Topic: "公安", Access: "主动公开"}},
		{"/art/2025/12/30/art_1229104585_5898812.html", extract.Document{IndexNo: "113300000000000000/2025-00100", Publisher: "示例市公安局", DocNo: "示公告〔2025〕12号"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, body := get(t, s, tt.path)
			d, err := extract.Extract([]byte(body), base+tt.path, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("Extract(%s).%s = %q, want %q", tt.path, field, got, want)
				}
			}
			check("IndexNo", d.IndexNo, tt.want.IndexNo)
			check("Written", d.Written, tt.want.Written)
			check("Publisher", d.Publisher, tt.want.Publisher)
			check("Topic", d.Topic, tt.want.Topic)
			check("Access", d.Access, tt.want.Access)
			check("DocNo", d.DocNo, tt.want.DocNo)
			if d.Published == "" {
				t.Errorf("Extract(%s).Published is empty", tt.path)
			}
		})
	}
}
