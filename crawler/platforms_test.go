package crawler_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

// fixtureSite serves crawler/testdata/sites/<name> as its README describes
// and records every request.
type fixtureSite struct {
	root string
	mu   sync.Mutex
	hits map[string]int // "METHOD path?query" → count
}

func (f *fixtureSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.Query().Encode()
	}
	if r.Method != http.MethodGet {
		key = r.Method + " " + key
	}
	f.mu.Lock()
	f.hits[key]++
	f.mu.Unlock()
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if r.URL.RawQuery != "" {
		name += "@" + r.URL.Query().Encode()
	}
	body, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	b := bytes.TrimSpace(body)
	switch {
	case bytes.HasPrefix(b, []byte("{")):
		w.Header().Set("Content-Type", "application/json")
	case bytes.HasPrefix(b, []byte("<?xml")):
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write(body)
}

type expectation struct {
	Platform string `json:"platform"`
	Start    string `json:"start"`
	Lists    []struct {
		URL    string `json:"url"`
		Method string `json:"method"`
	} `json:"lists"`
	Documents []string `json:"documents"`
}

// normalize re-encodes a path's query the way the fixture server keys hits.
func normalize(t *testing.T, p string) string {
	u, err := url.Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	if u.RawQuery == "" {
		return u.Path
	}
	return u.Path + "?" + u.Query().Encode()
}

// TestPlatformSites crawls each fixture platform site through the real
// crawler (colly, robots, discovery, extraction, archive) and checks that
// every document is found, no navigation page is taken for a document,
// and no list page is fetched twice.
func TestPlatformSites(t *testing.T) {
	dirs, err := filepath.Glob("testdata/sites/*/expect.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixture sites: %v", err)
	}
	for _, exp := range dirs {
		name := filepath.Base(filepath.Dir(exp))
		t.Run(name, func(t *testing.T) {
			var want expectation
			data, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			site := &fixtureSite{root: filepath.Dir(exp), hits: map[string]int{}}
			srv := httptest.NewServer(site)
			defer srv.Close()
			st := archivetest.Open(t)
			src := config.Source{Name: name, Start: []string{srv.URL + want.Start}, MaxPages: 50, PollPages: 3,
				Parallel: 2, Retries: 2, Timeout: 5 * time.Second, MaxBody: 1 << 20, Robots: true}
			stats, err := crawler.New(st, crawler.Options{Backoff: time.Millisecond}).Crawl(ctx, src)
			if err != nil {
				t.Fatalf("Crawl: %v", err)
			}
			if stats.Platform != want.Platform {
				t.Errorf("platform = %q, want %q", stats.Platform, want.Platform)
			}
			docs := archivetest.All(t, st)
			var got []string
			for _, d := range docs {
				u, _ := url.Parse(d.URL)
				got = append(got, normalize(t, u.RequestURI()))
				if strings.TrimSpace(d.Title) == "" {
					t.Errorf("%s archived without a title", d.URL)
				}
			}
			var wantDocs []string
			for _, d := range want.Documents {
				wantDocs = append(wantDocs, normalize(t, d))
			}
			slices.Sort(got)
			slices.Sort(wantDocs)
			if !slices.Equal(got, wantDocs) {
				t.Errorf("documents found:\n%v\nwant:\n%v", got, wantDocs)
			}
			if stats.New != len(want.Documents) || stats.Errors != 0 {
				t.Errorf("stats = %+v, want %d new and no errors", stats, len(want.Documents))
			}
			lists := map[string]bool{}
			for _, l := range want.Lists {
				key := normalize(t, l.URL)
				if l.Method != "" && l.Method != http.MethodGet {
					key = l.Method + " " + key
				}
				lists[key] = true
				if n := site.hits[key]; n != 1 {
					t.Errorf("list request %s made %d times, want once", key, n)
				}
			}
			docSet := map[string]bool{}
			for _, d := range wantDocs {
				docSet[d] = true
			}
			for key, n := range site.hits {
				if !lists[key] && !docSet[key] && key != "/robots.txt" {
					t.Errorf("fetched %s (%d times): neither a list page nor a document", key, n)
				}
			}
		})
	}
}
