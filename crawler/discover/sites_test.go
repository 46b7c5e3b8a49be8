package discover

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/golden"
)

const sitesDir = "../testdata/sites"

// siteHost stands in for the httptest server the crawler tests use.
const siteHost = "http://www.example.gov.cn"

type siteExpect struct {
	Platform string `json:"platform"`
	Start    string `json:"start"`
	Lists    []struct {
		URL    string `json:"url"`
		Method string `json:"method"`
	} `json:"lists"`
	Documents []string `json:"documents"`
}

// siteFile maps a URL to its fixture file as ../testdata/sites/README.md
// describes.
func siteFile(site, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if u.RawQuery != "" {
		name += "@" + u.Query().Encode()
	}
	return filepath.Join(sitesDir, site, filepath.FromSlash(name)), nil
}

func contentTypeOf(body []byte) string {
	b := bytes.TrimSpace(body)
	switch {
	case bytes.HasPrefix(b, []byte("{")):
		return "application/json"
	case bytes.HasPrefix(b, []byte("<?xml")):
		return "text/xml; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

func pathOf(t *testing.T, abs string) string {
	t.Helper()
	u, err := url.Parse(abs)
	if err != nil {
		t.Fatalf("bad url %q: %v", abs, err)
	}
	if u.Scheme+"://"+u.Host != siteHost {
		t.Errorf("url %q is not on %s", abs, siteHost)
	}
	return u.RequestURI()
}

// TestSites crawls every fixture site breadth-first with Parse alone and
// checks the list requests made and documents found against expect.json;
// each list page's Result is compared with a golden file.
func TestSites(t *testing.T) {
	sites, err := os.ReadDir(sitesDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range sites {
		if !s.IsDir() || s.Name() == "gen" {
			continue
		}
		n++
		site := s.Name()
		t.Run(site, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(sitesDir, site, "expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp siteExpect
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			var lists, wantLists, docs []string
			for _, l := range exp.Lists {
				wantLists = append(wantLists, strings.TrimSpace(l.Method+" "+l.URL))
			}
			queue := []Request{{URL: siteHost + exp.Start}}
			seen := map[string]bool{}
			seenDoc := map[string]bool{}
			for i := 0; i < len(queue); i++ {
				req := queue[i]
				if seen[req.Key()] {
					continue
				}
				seen[req.Key()] = true
				lists = append(lists, strings.TrimSpace(req.Method+" "+pathOf(t, req.URL)))
				file, err := siteFile(site, req.URL)
				if err != nil {
					t.Fatal(err)
				}
				body, err := os.ReadFile(file)
				if err != nil {
					t.Errorf("list request %s %s has no fixture file: %v", req.Method, req.URL, err)
					continue
				}
				res, err := Parse(req.URL, contentTypeOf(body), body, Options{})
				if err != nil {
					t.Fatalf("Parse(%s): %v", req.URL, err)
				}
				if i == 0 && res.Platform != exp.Platform {
					t.Errorf("Parse(%s).Platform = %q, want %q", req.URL, res.Platform, exp.Platform)
				}
				checkGolden(t, filepath.Join("testdata", "golden", site, goldenName(len(lists))), res)
				for _, e := range res.Entries {
					p := pathOf(t, e.URL)
					if e.Title == "" || e.Date == "" {
						t.Errorf("Parse(%s): entry %s has title %q, date %q; want both", req.URL, p, e.Title, e.Date)
					}
					if !seenDoc[p] {
						seenDoc[p] = true
						docs = append(docs, p)
					}
					if f, _ := siteFile(site, e.URL); !fileExists(f) {
						t.Errorf("Parse(%s): entry %s has no fixture file", req.URL, p)
					}
				}
				if req.Method == "POST" && res.Next != nil {
					for _, nx := range res.Next {
						if nx.Body == "" {
							t.Errorf("Parse(%s): POST request %s without a body", req.URL, nx.URL)
						}
					}
				}
				queue = append(queue, res.Next...)
			}
			if diff := cmp.Diff(wantLists, lists); diff != "" {
				t.Errorf("list requests differ from expect.json (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(exp.Documents, docs); diff != "" {
				t.Errorf("documents differ from expect.json (-want +got):\n%s", diff)
			}
		})
	}
	if n < 7 {
		t.Errorf("found %d fixture sites, want at least 7", n)
	}
}

func goldenName(n int) string {
	return "page" + string(rune('0'+n/10)) + string(rune('0'+n%10)) + ".json"
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// checkGolden compares v, as indented JSON, with a golden file; -update
// rewrites the file.
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	golden.JSON(t, name, v)
}
