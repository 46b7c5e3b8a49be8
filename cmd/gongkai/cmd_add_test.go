package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// addSite serves a directory fixture of testdata/add (see gen/main.go) and
// reads its expect.json.
type addSite struct {
	srv *httptest.Server
	exp struct {
		Directory string `json:"directory"`
		Columns   []struct {
			Name      string   `json:"name"`
			URL       string   `json:"url"`
			Documents []string `json:"documents"`
			Platform  string   `json:"platform"`
		} `json:"columns"`
	}
}

func newAddSite(t *testing.T, name string) *addSite {
	t.Helper()
	root := filepath.Join("testdata", "add", name)
	s := &addSite{}
	b, err := os.ReadFile(filepath.Join(root, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s.exp); err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p == "" || strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		body, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil || strings.Contains(p, "..") || p == "expect.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// addConfig is a hand-written config with comments around its sources.
const addConfig = `# gongkai watching 示例县
db: %s
web: {listen: %s}   # the UI

sources:
  # the one watch set up by hand
  - name: existing
    start: [%s/col/col9999/index.html]
    schedule: "0 8 * * *"   # mornings

# China time, said out loud
timezone: Asia/Shanghai
`

func writeAddConfig(t *testing.T, s *addSite) (cfg, db string, text []byte) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "gongkai.db")
	cfg = filepath.Join(dir, "gongkai.yaml")
	text = []byte(fmt.Sprintf(addConfig, db, freeAddr(t), s.srv.URL))
	if err := os.WriteFile(cfg, text, 0o640); err != nil {
		t.Fatal(err)
	}
	return cfg, db, text
}

var addedLineRe = regexp.MustCompile(`(?m)^  line (\d+): (\S+)$`)

// add on a directory fixture lists every column that lists documents (with
// its count, three titles and a sample's fields), appends them all keeping
// the file's comments, and the result validates and crawls every
// document of every column.
func TestAddDirectory(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"hanweb", "trs"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newAddSite(t, name)
			cfg, db, before := writeAddConfig(t, s)
			stdout, stderr, err := gongkai(t, "add", "-config", cfg, "-delay", "0", "-all", s.srv.URL+s.exp.Directory)
			if err != nil {
				t.Fatalf("add: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
			}
			if want := fmt.Sprintf("%d column(s) listing documents", len(s.exp.Columns)); !strings.Contains(stdout, want) {
				t.Errorf("add output lacks %q:\n%s", want, stdout)
			}
			for i, c := range s.exp.Columns {
				head := fmt.Sprintf("%2d. %s — ", i+1, c.Name)
				if !strings.Contains(stdout, head) || !strings.Contains(stdout, s.srv.URL+c.URL) || !strings.Contains(stdout, "(platform "+c.Platform+")") {
					t.Errorf("column %q (%s, %s) not listed as %q:\n%s", c.Name, c.URL, c.Platform, head, stdout)
				}
			}
			if strings.Contains(stdout, ". 机构") || !strings.Contains(stderr, "lists no documents") {
				t.Errorf("a page listing no documents was offered, or its skip not said:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			if n := strings.Count(stdout, "    · 2025-"); n != 9 {
				t.Errorf("%d sample titles, want 3 for each of 3 columns:\n%s", n, stdout)
			}
			if n := strings.Count(stdout, "索引号 11330226002966124X/2025-"); n != 3 {
				t.Errorf("%d samples with their index number, want 3:\n%s", n, stdout)
			}
			after, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			// Every original line is still there, in order.
			rest := string(after)
			for _, l := range strings.SplitAfter(string(before), "\n") {
				i := strings.Index(rest, l)
				if i < 0 {
					t.Fatalf("line %q of the config lost or moved:\n%s", l, after)
				}
				rest = rest[i+len(l):]
			}
			if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o640 {
				t.Errorf("config mode %v (%v), want 0640 kept", fi.Mode(), err)
			}
			lines := strings.Split(string(after), "\n")
			var names []string
			for _, m := range addedLineRe.FindAllStringSubmatch(stdout, -1) {
				n, _ := strconv.Atoi(m[1])
				if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], "- name: "+m[2]) {
					t.Errorf("add said %s is on line %s; that line is %q", m[2], m[1], lines[min(max(n, 1), len(lines))-1])
				}
				names = append(names, m[2])
			}
			if len(names) != len(s.exp.Columns) {
				t.Fatalf("add reported %d new sources, want %d:\n%s\nconfig:\n%s", len(names), len(s.exp.Columns), stdout, after)
			}
			if out, _, err := gongkai(t, "validate", "-config", cfg); err != nil {
				t.Fatalf("validate: %v\n%s\nconfig:\n%s", err, out, after)
			}
			args := []string{"crawl", "-config", cfg}
			for _, n := range names {
				args = append(args, "-source", n)
			}
			var out, errb bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			if err := run(ctx, args, &out, &errb); err != nil {
				t.Fatalf("crawl of the added sources: %v\n%s\n%s", err, out.String(), errb.String())
			}
			st, err := archive.Open(db, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for i, c := range s.exp.Columns {
				for _, d := range c.Documents {
					doc, err := st.Lookup(context.Background(), s.srv.URL+d)
					if errors.Is(err, archive.ErrNotFound) {
						t.Errorf("column %s: %s not archived", c.Name, d)
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
					if doc.Source != names[i] {
						t.Errorf("%s archived under source %q, want %q", d, doc.Source, names[i])
					}
				}
			}
		})
	}
}

func TestAddSelectAndDryRun(t *testing.T) {
	t.Parallel()
	s := newAddSite(t, "hanweb")
	cfg, _, before := writeAddConfig(t, s)
	stdout, stderr, err := gongkai(t, "add", "-config", cfg, "-delay", "0", "-select", "2", "-dry-run", s.srv.URL+s.exp.Directory)
	if err != nil {
		t.Fatalf("add -dry-run: %v\n%s\n%s", err, stdout, stderr)
	}
	if after, _ := os.ReadFile(cfg); !bytes.Equal(after, before) {
		t.Errorf("-dry-run changed the config:\n%s", after)
	}
	if !regexp.MustCompile(`(?m)^ +\d+ +- name: site-col3002 # 政策文件, 5 documents$`).MatchString(stdout) ||
		!strings.Contains(stdout, s.srv.URL+"/col/col3002/index.html") || strings.Contains(stdout, "- name: site-col3001") {
		t.Errorf("-dry-run -select 2 should show only the second column's YAML with line numbers:\n%s", stdout)
	}
	for _, bad := range []string{"0", "4", "x"} {
		if _, _, err := gongkai(t, "add", "-config", cfg, "-delay", "0", "-select", bad, s.srv.URL+s.exp.Directory); err == nil || !strings.Contains(err.Error(), "not a column number") {
			t.Errorf("add -select %s: %v, want a column-number error", bad, err)
		}
	}
	// Not a terminal and no choice: say how to choose, change nothing.
	if _, _, err := gongkai(t, "add", "-config", cfg, "-delay", "0", s.srv.URL+s.exp.Directory); err == nil || !strings.Contains(err.Error(), "-select") {
		t.Errorf("add without -select or -all: %v", err)
	}
	if after, _ := os.ReadFile(cfg); !bytes.Equal(after, before) {
		t.Errorf("a refused add changed the config")
	}
}

func TestAppendSources(t *testing.T) {
	t.Parallel()
	add := []newSource{{name: "x-col1", start: "http://x.gov.cn/col/col1/index.html", comment: "通知公告, 3 documents"}, {name: "x-col2", start: "http://x.gov.cn/a: b/", comment: "政策文件"}}
	for _, tc := range []struct {
		name, in string
		lines    []int // first line of each new source
		keep     bool  // every original line stays, in order
	}{
		{"block list then a key", "db: a.db\nsources:\n  - name: a  # one\n    start: [http://a/]\n\n# zone\ntimezone: Asia/Shanghai\n", []int{5, 8}, true},
		{"compact dashes at the end", "sources:\n- name: a\n  start: [http://a/]\n# trailing", []int{4, 7}, true},
		{"no sources key", "# just a db\ndb: a.db\n", []int{5, 8}, true},
		{"empty file", "", []int{2, 5}, true},
		{"empty flow list", "db: a.db\nsources: []\n", []int{3, 6}, false},
		{"null list with comment", "db: a.db  # here\nsources:\n", []int{3, 6}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, at, err := appendSources([]byte(tc.in), add)
			if err != nil {
				t.Fatalf("appendSources: %v", err)
			}
			var got []int
			lines := strings.Split(string(out), "\n")
			for i, a := range at {
				got = append(got, a.first)
				if l := lines[a.first-1]; !strings.Contains(l, "name: "+add[i].name) || !strings.Contains(l, "# "+add[i].comment) {
					t.Errorf("line %d = %q, want source %s with its comment", a.first, l, add[i].name)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.lines) {
				t.Errorf("new sources at lines %v, want %v:\n%s", got, tc.lines, out)
			}
			if strings.Contains(tc.in, "#") && !strings.Contains(string(out), tc.in[strings.Index(tc.in, "#"):strings.Index(tc.in, "#")+4]) {
				t.Errorf("comment lost:\n%s", out)
			}
			if tc.keep {
				rest := string(out)
				for _, l := range strings.SplitAfter(tc.in, "\n") {
					i := strings.Index(rest, l)
					if i < 0 {
						t.Fatalf("original line %q lost or moved:\n%s", l, out)
					}
					rest = rest[i+len(l):]
				}
			}
			if !strings.Contains(string(out), `"http://x.gov.cn/a: b/"`) && !strings.Contains(string(out), `'http://x.gov.cn/a: b/'`) {
				t.Errorf("a URL with \": \" is not quoted:\n%s", out)
			}
		})
	}
}
