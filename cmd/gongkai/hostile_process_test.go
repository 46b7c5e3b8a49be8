//go:build linux

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/internal/testenv"
)

// A crawl meets a ~200 MB x-gzip bomb: the child process must stay under
// 150 MB peak RSS and archive nothing larger than max_body.
func TestGzipBombCrawlStaysSmall(t *testing.T) {
	t.Parallel()
	const (
		inflated = 200 << 20
		maxBody  = 1 << 20
		rssLimit = 150 << 20
	)
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
	io.WriteString(zw, "<html><head><title>附件</title></head><body><div id=\"zoom\">")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range inflated >> 20 {
		zw.Write(chunk)
	}
	io.WriteString(zw, "</div></body></html>")
	zw.Close()
	bombBytes := zb.Bytes()

	site := newSlowSite(t, 3, 0)
	var bombHits int
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.Handle("/", site)
	bombPath := site.docPath(2)
	mux.HandleFunc(bombPath, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		bombHits++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "x-gzip")
		w.Write(bombBytes)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	db := filepath.Join(dir, "gongkai.db")
	cfg := filepath.Join(dir, "gongkai.yaml")
	yaml := fmt.Sprintf(`db: %s
web: {listen: %s}
sources:
  - name: bomb
    start: [%s/col/col200/index.html]
    delay: 1ms
    max_body: %d
    timeout: 30s
`, db, freePort(t), srv.URL, maxBody)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	// Memory is measured on a real gongkai binary: the test binary under
	// -race keeps shadow memory that users' binaries do not have. It is
	// read from the child's VmHWM while it runs: rusage's maxrss of a child
	// Go started with vfork+exec begins at the parent's own peak.
	c := startExe(t, buildGongkai(t), "crawl", "-config", cfg)
	hwm := make(chan int64, 1)
	go func() {
		var peak int64
		for {
			if n := vmHWM(c.cmd.Process.Pid); n > peak {
				peak = n
			}
			select {
			case <-c.done:
				hwm <- peak
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	code := c.wait(t, 3*time.Minute)
	rss := <-hwm
	t.Logf("crawl of a %d-byte x-gzip body inflating to %d MiB: exit %d, peak RSS %.1f MiB", len(bombBytes), inflated>>20, code, float64(rss)/(1<<20))
	mu.Lock()
	hits := bombHits
	mu.Unlock()
	if hits == 0 {
		t.Fatal("the bomb was never requested")
	}
	if rss > rssLimit {
		t.Errorf("peak RSS %d MiB, want under %d MiB", rss>>20, rssLimit>>20)
	}
	if code != 0 || !strings.Contains(c.stdout.String(), "2 new") || !strings.Contains(c.stderr.String(), "once inflated") {
		t.Errorf("exit %d; want the two other documents archived and the bomb skipped\nstdout:\n%s\nstderr:\n%s", code, c.stdout.String(), c.stderr.String())
	}
	st, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.ForEachVersion(context.Background(), time.Time{}, func(d archive.Doc, v archive.Version) error {
		cp, err := st.Capture(context.Background(), d.ID, v.N)
		if err != nil {
			return err
		}
		if len(cp.Body) > maxBody || len(v.Record.Body) > maxBody {
			t.Errorf("%s archived with %d capture bytes, %d body bytes; max_body is %d", d.URL, len(cp.Body), len(v.Record.Body), maxBody)
		}
		if strings.HasSuffix(d.URL, bombPath) {
			t.Errorf("the bomb was archived")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hookReceiver records the event ids a webhook target receives.
type hookReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	urls map[string]bool
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{urls: map[string]bool{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct {
			URL string `json:"url"`
		}
		json.NewDecoder(r.Body).Decode(&p)
		h.mu.Lock()
		h.urls[p.URL] = true
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.urls)
}

// The daemon with a mail server that accepts connections and never greets,
// plus a webhook: every alert reaches the webhook, and SIGTERM ends the
// daemon within 10 s.
func TestSilentMailServerDaemon(t *testing.T) {
	t.Parallel()
	smtpAddr, dialled := testenv.SilentServer(t)
	hook := newHookReceiver(t)
	a, b := newSlowSite(t, 3, 0), newSlowSite(t, 4, 0)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gongkai.yaml")
	yaml := fmt.Sprintf(`db: %s
web: {listen: %s}
sources:
  - {name: a, start: [%s], delay: 1ms, alert_on_baseline: true}
  - {name: b, start: [%s], delay: 1ms, alert_on_baseline: true}
notify:
  - url: smtp://%s/?from=gongkai@example.org&to=watch@example.org&auth=None&encryption=None&usestarttls=No
  - webhook: %s
`, filepath.Join(dir, "gongkai.db"), freePort(t), a.listURL(), b.listURL(), smtpAddr, hook.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startGongkai(t, "run", "-now", "-config", cfg)
	until(t, 3*time.Minute, "all 7 alerts at the webhook", func() bool { return hook.count() >= 7 })
	if dialled() == 0 {
		t.Error("the mail server was never contacted")
	}
	sent := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := c.wait(t, 10*time.Second)
	t.Logf("alerts at the webhook: %d; mail connections: %d; exit %d %s after SIGTERM", hook.count(), dialled(), code, c.ended.Sub(sent).Round(time.Millisecond))
	if code != 0 {
		t.Errorf("exit %d\n%s", code, c.stderr.String())
	}
}

// buildGongkai builds the command as users build it (no race detector,
// no test hooks) into a temporary directory.
func buildGongkai(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "gongkai")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// vmHWM is a running process's peak resident set (VmHWM) in bytes; 0 when
// it can no longer be read.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
