package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

// stalledClient is a ResponseWriter whose client stops reading: the first
// Write blocks until release is closed.
type stalledClient struct {
	header  http.Header
	started chan struct{} // closed at the first Write
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	body    bytes.Buffer
}

func newStalledClient() *stalledClient {
	return &stalledClient{header: http.Header{}, started: make(chan struct{}), release: make(chan struct{})}
}

func (c *stalledClient) Header() http.Header { return c.header }
func (c *stalledClient) WriteHeader(int)     {}
func (c *stalledClient) Write(p []byte) (int, error) {
	c.once.Do(func() { close(c.started) })
	<-c.release
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.body.Write(p)
}

// A client that stops reading /api/backup must not stall the archive:
// documents keep being written (enough to make bbolt grow and remap the
// file, which waits for every open read transaction) and /api/health keeps
// answering while the download is stuck.
func TestBackupToAStalledClientStallsNothing(t *testing.T) {
	f := newFixture(t)
	s := f.server(Options{TempDir: t.TempDir()})
	client := newStalledClient()
	backupDone := make(chan struct{})
	go func() {
		defer close(backupDone)
		s.ServeHTTP(client, httptest.NewRequest(http.MethodGet, "/api/backup", nil))
	}()
	<-client.started

	work := make(chan string, 1)
	go func() {
		body := strings.Repeat("各乡镇（街道）：为切实做好春季安全生产工作，现就有关事项通知如下。", 300) // ~30 KB
		for i := range 150 {
			archivetest.Record(t, f.store, archivetest.Page{Source: "ninghai", URL: "https://www.ninghai.gov.cn/art/x/" + itoa(uint64(i)) + ".html",
				Doc: extract.Document{Title: "通知" + itoa(uint64(i)), Published: "2025-03-01", Body: body + itoa(uint64(i))}})
		}
		if r := get(t, s, "/api/health"); r.code != http.StatusOK {
			work <- "health: " + r.body
			return
		}
		work <- ""
	}()
	select {
	case msg := <-work:
		if msg != "" {
			t.Error(msg)
		}
	case <-time.After(time.Minute): // a deadlock guard, not a speed assertion
		close(client.release)
		t.Fatal("writes and /api/health stalled behind a client that stopped reading /api/backup")
	}
	close(client.release)
	<-backupDone

	// The download, once resumed, is the archive as it was when requested.
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, client.body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := client.header.Get("Content-Length"), itoa(uint64(client.body.Len())); got != want {
		t.Errorf("Content-Length %s, body %s bytes", got, want)
	}
	cp, err := archive.Open(path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer cp.Close()
	if d, err := cp.Lookup(context.Background(), reportURL); err != nil || d.Versions != 2 {
		t.Errorf("backup lookup = %+v, %v; want the report with 2 versions", d, err)
	}
	if _, err := cp.Lookup(context.Background(), "https://www.ninghai.gov.cn/art/x/1.html"); err == nil {
		t.Error("the backup holds a document written after it was requested")
	}
	if entries, _ := os.ReadDir(s.o.TempDir); len(entries) != 0 {
		t.Errorf("the snapshot was left behind: %v", entries)
	}
}

func TestHTTPServerHasTimeouts(t *testing.T) {
	srv := HTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("server timeouts: header %v, read %v, write %v, idle %v; want all set",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}
