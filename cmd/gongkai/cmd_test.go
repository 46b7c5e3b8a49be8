package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/demo"
)

// gongkai runs the command line in-process and returns its output.
func gongkai(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, args, &out, &errb)
	return out.String(), errb.String(), err
}

// demoConfig writes a config for the bundled demo site served by httptest.
func demoConfig(t *testing.T, extra string) (string, *demo.Site) {
	t.Helper()
	site := demo.New()
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`db: %s
web: {listen: %s}
sources:
  - name: demo
    start: [%s]
    delay: 1ms
    revisit: 0s
%s`, filepath.Join(dir, "gongkai.db"), freeAddr(t), site.ListURL(srv.URL), extra)
	path := filepath.Join(dir, "gongkai.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, site
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestUsage(t *testing.T) {
	out, _, err := gongkai(t, "-h")
	if err != nil || !strings.Contains(out, "notify-test") || !strings.Contains(out, "demo") {
		t.Errorf("gongkai -h: %v\n%s", err, out)
	}
	_, stderr, err := gongkai(t, "crawl", "-h")
	if !strings.Contains(stderr, "-source") || !strings.Contains(stderr, "--config") && !strings.Contains(stderr, "-config") {
		t.Errorf("gongkai crawl -h: %v\n%s", err, stderr)
	}
	if _, _, err := gongkai(t, "frobnicate"); err != errUsage {
		t.Errorf("unknown command: %v, want usage error", err)
	}
}

func TestValidateNamesTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gongkai.yaml")
	os.WriteFile(path, []byte("sources:\n  - name: a\n    start: http://a.gov.cn/\n    schedule: TZ=Asia/Shanghai\n    delay: soon\n  - name: a\n    start: http://b.gov.cn/\n    fields: {body: \"div[\"}\n"), 0o644)
	out, _, err := gongkai(t, "validate", "--config", path)
	if err == nil {
		t.Fatal("validate accepted a bad config")
	}
	for _, want := range []string{"line 4: sources[0].schedule", "line 5: sources[0].delay", "line 6: sources[1].name"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	good, _ := demoConfig(t, "")
	if out, _, err := gongkai(t, "validate", "-config", good); err != nil || !strings.Contains(out, "ok") {
		t.Errorf("validate of a good config: %v\n%s", err, out)
	}
	// The selector check needs the extract package; it runs on a config that parses.
	sel := filepath.Join(t.TempDir(), "sel.yaml")
	os.WriteFile(sel, []byte("sources:\n  - name: a\n    start: http://a.gov.cn/\n    fields: {body: \"div[\"}\n"), 0o644)
	if out, _, err := gongkai(t, "validate", "-config", sel); err == nil || !strings.Contains(out, "sources[0].fields") {
		t.Errorf("a bad CSS override was not reported: %v\n%s", err, out)
	}
}

func TestCrawlThenRead(t *testing.T) {
	cfg, site := demoConfig(t, "")
	out, _, err := gongkai(t, "crawl", "-config", cfg)
	if err != nil {
		t.Fatalf("crawl: %v\n%s", err, out)
	}
	if !strings.Contains(out, "9 new") {
		t.Errorf("crawl summary: %s", out)
	}
	site.Edit()
	out, _, err = gongkai(t, "crawl", "-config", cfg, "-source", "demo")
	if err != nil || !strings.Contains(out, "1 new, 1 changed") {
		t.Fatalf("second crawl: %v\n%s", err, out)
	}

	out, _, err = gongkai(t, "docs", "-config", cfg, "-json")
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		ID       uint64 `json:"id"`
		URL      string `json:"url"`
		Title    string `json:"title"`
		Versions int    `json:"versions"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 10 {
		t.Fatalf("docs -json: %d docs, %v", len(docs), err)
	}
	var edited string
	for _, d := range docs {
		if d.Versions == 2 {
			edited = d.URL
		}
	}
	if edited == "" {
		t.Fatal("no document with two versions")
	}
	out, _, err = gongkai(t, "show", "-config", cfg, edited)
	if err != nil || !strings.Contains(out, "v2") || !strings.Contains(out, "索引号 Index No.") {
		t.Errorf("show: %v\n%s", err, out)
	}
	out, _, err = gongkai(t, "diff", "-config", cfg, "-color", "never", edited)
	if err != nil || !strings.Contains(out, "v1") || !strings.Contains(out, "+") {
		t.Errorf("diff: %v\n%s", err, out)
	}
	out, _, err = gongkai(t, "export", "-config", cfg, "-format", "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 11 {
		t.Errorf("jsonl export: %d lines, want 11 (10 documents, one with 2 versions)", len(lines))
	}
	var line map[string]any
	json.Unmarshal([]byte(lines[0]), &line)
	for _, k := range []string{"url", "source", "version", "fetched_at", "sha256", "status", "title", "index_no", "published", "written", "publisher", "doc_no", "topic", "body", "attachments"} {
		if _, ok := line[k]; !ok {
			t.Errorf("jsonl line lacks %q: %v", k, line)
		}
	}
	warc := filepath.Join(t.TempDir(), "out.warc.gz")
	if _, _, err := gongkai(t, "export", "-config", cfg, "-format", "warc", "-o", warc); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(warc); err != nil || fi.Size() == 0 {
		t.Errorf("warc export: %v", err)
	}
	out, _, err = gongkai(t, "verify", "-config", cfg)
	if err != nil || !strings.Contains(out, "ok: no damage found") || !strings.Contains(out, "search index: 10 documents, in step") {
		t.Errorf("verify: %v\n%s", err, out)
	}
	// The crawl indexed as it went; docs -q searches that index.
	out, stderr, err := gongkai(t, "docs", "-config", cfg, "-q", `"法治政府建设"`)
	if err != nil || !strings.Contains(out, "宁海县公安局2024年【法治政府建设】年度报告") || !strings.Contains(stderr, "5 of at most 5 match(es)") {
		t.Errorf("docs -q: %v\n%s\n%s", err, out, stderr)
	}
	out, _, err = gongkai(t, "reindex", "-config", cfg)
	if err != nil || !strings.Contains(out, "reindexed 10 documents") {
		t.Errorf("reindex: %v\n%s", err, out)
	}
	out, _, err = gongkai(t, "reindex", "-config", cfg, "-check")
	if err != nil || !strings.Contains(out, "in step") {
		t.Errorf("reindex -check: %v\n%s", err, out)
	}
	out, _, err = gongkai(t, "docs", "-config", cfg, "-q", "出入境", "-json")
	if err != nil || !strings.Contains(out, `"snippet"`) || !strings.Contains(out, "<mark>出入境</mark>") {
		t.Errorf("docs -q -json after reindex: %v\n%s", err, out)
	}
}

func TestReadsGoThroughTheDaemon(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	defer runDaemon(t, cfg)()

	// The daemon holds the bbolt lock: a second writer fails clearly (how
	// fast is TestSecondWriterGivesUpWithinASecond's business).
	_, _, err := gongkai(t, "crawl", "-config", cfg)
	if err == nil || !strings.Contains(err.Error(), "in use by another gongkai") {
		t.Errorf("crawl while the daemon runs: %v", err)
	}
	out, _, err := gongkai(t, "docs", "-config", cfg)
	if err != nil || !strings.Contains(out, "宁海县公安局2024年法治政府建设年度报告") {
		t.Errorf("docs through the daemon: %v\n%s", err, out)
	}
	out, stderr, err := gongkai(t, "docs", "-config", cfg, "-q", `"法治政府建设"`, "-n", "2")
	if err != nil || !strings.Contains(out, "【法治政府建设】") || !strings.Contains(stderr, "2 of at most 5 match(es)") {
		t.Errorf("docs -q through the daemon: %v\n%s\n%s", err, out, stderr)
	}
	out, _, err = gongkai(t, "export", "-config", cfg)
	if err != nil || strings.Count(out, "\n") != 9 {
		t.Errorf("export through the daemon: %v, %d lines", err, strings.Count(out, "\n"))
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := gongkai(t, "backup", "-config", cfg, backup); err != nil {
		t.Fatalf("backup through the daemon: %v", err)
	}
	if out, _, err := gongkai(t, "verify", "-config", cfg, "-db", backup); err != nil {
		t.Errorf("verify of the backup: %v\n%s", err, out)
	}
}

func TestDemoOnce(t *testing.T) {
	out, _, err := gongkai(t, "demo", "-once")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"9 new", "1 new, 1 changed, 8 unchanged"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestMissingConfigSaysWhatToDo(t *testing.T) {
	_, _, err := gongkai(t, "crawl", "-config", filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "gongkai demo") {
		t.Errorf("crawl without a config: %v", err)
	}
}

// lockedBuffer is a bytes.Buffer a daemon goroutine writes while the test
// reads; every write wakes the tests waiting on it.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// next returns the output so far and a channel closed at the next write.
func (l *lockedBuffer) next() (string, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.b.String(), l.changed
}

// runDaemon starts "gongkai run -config cfg" in this process and returns
// once it says its web UI is up; stop ends it and fails the test if it
// ended with an error.
func runDaemon(t *testing.T, cfg string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var dout, derr lockedBuffer
	go func() { done <- run(ctx, []string{"run", "-config", cfg}, &dout, &derr) }()
	dout.waitFor(t, done, "readiness line", func(s string) bool { return strings.Contains(s, "web UI on") })
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v\n%s", err, derr.String())
		}
	}
}

// readyCap bounds waits for a readiness signal. It is generous on purpose:
// the wait ends at the signal, so only a broken command ever reaches it.
const readyCap = 2 * time.Minute

// waitFor waits until what a command wrote satisfies ready (its readiness
// line), failing the test if the command ended first (done receives its
// error; it is put back for the caller) or readyCap passes.
func (l *lockedBuffer) waitFor(t *testing.T, done chan error, what string, ready func(string) bool) string {
	t.Helper()
	timeout := time.After(readyCap)
	for {
		out, changed := l.next()
		if ready(out) {
			return out
		}
		select {
		case <-changed:
		case err := <-done:
			done <- err
			t.Fatalf("the command ended (%v) before %s:\n%s", err, what, l.String())
		case <-timeout:
			t.Fatalf("no %s after %s:\n%s", what, readyCap, l.String())
		}
	}
}
