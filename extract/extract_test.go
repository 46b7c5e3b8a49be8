package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/golden"
)

// savedFromRe reads the page URL a browser records when saving a page.
var savedFromRe = regexp.MustCompile(`<!-- saved from url=\(\d+\)(\S+) -->`)

type fixture struct {
	name, path, url string
	raw             []byte
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := savedFromRe.FindSubmatch(raw)
		if m == nil {
			t.Fatalf("%s: no saved-from URL comment", path)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(path), "testdata/"), ".html")
		out = append(out, fixture{name: name, path: path, url: string(m[1]), raw: raw})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	return out
}

func extractFixture(t testing.TB, f fixture) Document {
	t.Helper()
	page, _, err := Decode(f.raw, "")
	if err != nil {
		t.Fatalf("Decode(%s): %v", f.name, err)
	}
	doc, err := Extract(page, f.url, Options{})
	if err != nil {
		t.Fatalf("Extract(%s): %v", f.name, err)
	}
	return doc
}

func TestExtractGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got := extractFixture(t, f)
			goldenPath := strings.TrimSuffix(f.path, ".html") + ".golden.json"
			out, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b := golden.Read(t, goldenPath, append(out, '\n'))
			var want Document
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("%s: %v", goldenPath, err)
			}
			checks := []struct{ field, got, want string }{
				{"Title", got.Title, want.Title},
				{"IndexNo", got.IndexNo, want.IndexNo},
				{"Published", got.Published, want.Published},
				{"Written", got.Written, want.Written},
				{"Publisher", got.Publisher, want.Publisher},
				{"DocNo", got.DocNo, want.DocNo},
				{"Topic", got.Topic, want.Topic},
				{"Access", got.Access, want.Access},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("Extract(%s).%s = %q, want %q", f.name, c.field, c.got, c.want)
				}
			}
			if got.Body != want.Body {
				t.Errorf("Extract(%s).Body differs (-want +got):\n%s", f.name, cmp.Diff(strings.Split(want.Body, "\n"), strings.Split(got.Body, "\n")))
			}
			if diff := cmp.Diff(want.Attachments, got.Attachments); diff != "" {
				t.Errorf("Extract(%s).Attachments differ (-want +got):\n%s", f.name, diff)
			}
			if diff := cmp.Diff(want.Sources, got.Sources); diff != "" {
				t.Errorf("Extract(%s).Sources differ (-want +got):\n%s", f.name, diff)
			}
		})
	}
}
