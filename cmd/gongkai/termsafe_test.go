package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/termsafe"
)

// hostile is archived text that tries to drive the terminal: clear the
// screen, set the window title, a C1 CSI, a carriage return that hides
// what came before, a bidi override.
const hostile = "公告\x1b[2J\x1b]0;pwned\x07标题\u009b31m红\r覆盖\u202e倒"

func TestReadCommandsNeutralizeControlCharacters(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gongkai.db")
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://www.example.gov.cn/art/1.html"
	doc := extract.Document{Title: hostile, Published: "2025-01-02", Publisher: hostile, Body: "第一句。" + hostile + "。"}
	id := archivetest.Record(t, st, archivetest.Page{Source: "s", URL: url, Doc: doc}).Doc
	doc.Body += "新增一句" + hostile + "。"
	archivetest.Record(t, st, archivetest.Page{Source: "s", URL: url, Doc: doc})
	st.Close()
	cfg := filepath.Join(dir, "gongkai.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("db: %s\nsources: [{name: s, start: 'https://www.example.gov.cn/'}]\n", db)), 0o644)
	page := filepath.Join(dir, "page.html")
	os.WriteFile(page, []byte("<html><head><title>"+hostile+"</title></head><body><h1>"+hostile+"</h1><div id=\"zoom\"><p>"+hostile+"</p></div></body></html>"), 0o644)

	for _, args := range [][]string{
		{"docs", "-config", cfg},
		{"docs", "-config", cfg, "-json"},
		{"show", "-config", cfg, "-json", fmt.Sprint(id)},
		{"diff", "-config", cfg, "-json", fmt.Sprint(id)},
		{"extract", "-json", page},
		{"show", "-config", cfg, fmt.Sprint(id)},
		{"diff", "-config", cfg, "-color", "never", fmt.Sprint(id)},
		{"diff", "-config", cfg, "-color", "always", fmt.Sprint(id)},
		{"extract", page},
	} {
		out, _, err := gongkai(t, args...)
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		if args[0] == "diff" && args[4] == "always" {
			// The diff's own colors remain; what came from the archive does not.
			out = strings.NewReplacer("\x1b[0m", "", "\x1b[1m", "", "\x1b[2m", "", "\x1b[31m", "", "\x1b[32m", "", "\x1b[1;97;41m", "", "\x1b[1;97;42m", "").Replace(out)
		}
		if i := strings.IndexFunc(out, termsafe.Unsafe); i >= 0 {
			t.Errorf("%v prints control character %U:\n%q", args, []rune(out[i:])[0], out)
		}
		if slices.Contains(args, "-json") {
			// JSON keeps the text exact: escaped, not replaced.
			if !strings.Contains(out, `公告\u001b[2J`) || !strings.Contains(out, `\u009b31m`) || !strings.Contains(out, `\u202e倒`) {
				t.Errorf("%v: the title is not escaped as JSON:\n%s", args, out)
			}
			continue
		}
		if !strings.Contains(out, "公告␛[2J") {
			t.Errorf("%v: the neutralized title is not shown:\n%s", args, out)
		}
	}
}

func TestSafeWriterKeepsSplitRunes(t *testing.T) {
	var b strings.Builder
	w := newSafeWriter(&b)
	in := []byte("中\u009b文\x1b")
	for i := range in {
		w.Write(in[i : i+1])
	}
	w.Flush()
	if got, want := b.String(), "中\uFFFD文␛"; got != want {
		t.Errorf("byte-by-byte writes gave %q, want %q", got, want)
	}
}

// TestJSONSafeRoundTrips: escaped JSON decodes to the same strings.
func TestJSONSafeRoundTrips(t *testing.T) {
	var b strings.Builder
	if err := writeJSON(&b, map[string]string{"title": hostile + "\x7f"}); err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexFunc(b.String(), termsafe.Unsafe); i >= 0 {
		t.Errorf("writeJSON left %U raw: %q", []rune(b.String()[i:])[0], b.String())
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil || got["title"] != hostile+"\x7f" {
		t.Errorf("decoded %q, %v; want %q", got["title"], err, hostile+"\x7f")
	}
}
