//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"html"
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
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

// The process tests run the real command in a child process (this test
// binary, re-executed with childEnv set, so TestMain calls main) and treat
// it the way an unattended host does: kill -9 in the middle of a crawl,
// SIGTERM, a second gongkai on the same file, full and unwritable disks.
// Afterwards the archive must open, verify, hold only whole versions, keep
// the undelivered alerts, and a rerun must finish the work.

const childEnv = "GONGKAI_PROCESS_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main() // exits 1 or 2 itself on error
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// slowSite is a disclosure column whose document pages each take delay to
// answer, so a crawl of it lasts long enough to be interrupted.
type slowSite struct {
	srv   *httptest.Server
	docs  int
	per   int
	delay time.Duration
	mu    sync.Mutex
	hits  map[string]int
}

func newSlowSite(t *testing.T, docs int, delay time.Duration) *slowSite {
	s := &slowSite{docs: docs, per: 10, delay: delay, hits: map[string]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *slowSite) listURL() string { return s.srv.URL + "/col/col200/index.html" }

func (s *slowSite) docPath(i int) string {
	return fmt.Sprintf("/art/2025/2/%d/art_200_%d.html", i%28+1, i)
}

func docTitle(i int) string {
	return fmt.Sprintf("关于公布2025年第%d批行政许可事项的通知", i)
}

// docHits is the number of document requests so far.
func (s *slowSite) docHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, h := range s.hits {
		if strings.HasPrefix(p, "/art/") {
			n += h
		}
	}
	return n
}

func (s *slowSite) maxHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := 0
	for p, h := range s.hits {
		if strings.HasPrefix(p, "/art/") {
			m = max(m, h)
		}
	}
	return m
}

func (s *slowSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.URL.Path == "/col/col200/index.html" {
		s.list(w, 0)
		return
	}
	if page := 0; strings.HasPrefix(r.URL.Path, "/col/col200/index_") {
		fmt.Sscanf(r.URL.Path, "/col/col200/index_%d.html", &page)
		s.list(w, page)
		return
	}
	for i := 1; i <= s.docs; i++ {
		if r.URL.Path != s.docPath(i) {
			continue
		}
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><div class="crumb">首页 &gt; 通知公告</div>
<table class="xxgk_table"><tr><td>索引号</td><td>11330226002966124X/2025-%05d</td><td>发布机构</td><td>宁海县行政审批局</td></tr>
<tr><td>发布日期</td><td>2025-02-%02d</td></tr></table><h1>%s</h1><div id="zoom">
<p>根据《中华人民共和国行政许可法》，现将第%d批行政许可事项公布如下。</p>
<p>一、事项名称、实施机关、设定依据详见附表。</p><p>二、本通知自发布之日起施行。</p><p>（完）</p></div></body></html>`,
			html.EscapeString(docTitle(i)), i, i%28+1, html.EscapeString(docTitle(i)), i)
		return
	}
	http.NotFound(w, r)
}

func (s *slowSite) list(w http.ResponseWriter, page int) {
	fmt.Fprint(w, `<html><head><title>通知公告</title></head><body><ul class="list">`)
	for i := page*s.per + 1; i <= min((page+1)*s.per, s.docs); i++ {
		fmt.Fprintf(w, `<li><a href="%s">%s</a><span>2025-02-%02d</span></li>`, s.docPath(i), html.EscapeString(docTitle(i)), i%28+1)
	}
	fmt.Fprint(w, `</ul>`)
	if (page+1)*s.per < s.docs {
		fmt.Fprintf(w, `<div class="page"><a href="/col/col200/index_%d.html">下一页</a></div>`, page+1)
	}
	fmt.Fprint(w, `</body></html>`)
}

// slowConfig writes a config for s; every document alerts (no quiet
// baseline) so the outbox shows what was written before an interruption.
func slowConfig(t *testing.T, s *slowSite) (cfg, db string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "gongkai.db")
	cfg = filepath.Join(dir, "gongkai.yaml")
	yaml := fmt.Sprintf(`db: %s
web: {listen: %s}
sources:
  - name: slow
    start: [%s]
    delay: 1ms
    revisit: 168h
    parallel: 2
    timeout: 10s
    alert_on_baseline: true
`, db, freePort(t), s.listURL())
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg, db
}

func freePort(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

// child is gongkai running in its own process.
type child struct {
	cmd    *exec.Cmd
	stdout lockedOutput
	stderr lockedOutput
	done   chan struct{}
	err    error
	ended  time.Time
}

type lockedOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startGongkai(t *testing.T, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return startExe(t, exe, args...)
}

// startExe runs exe (the test binary standing in for gongkai, or a real
// gongkai binary) with args.
func startExe(t *testing.T, exe string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(exe, args...), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), childEnv+"=1")
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		c.ended = time.Now()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// wait waits for the child to exit and returns its exit status; a child
// still running after limit fails the test.
func (c *child) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(limit):
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("gongkai %s still running after %s\nstderr:\n%s", strings.Join(c.cmd.Args[1:], " "), limit, c.stderr.String())
	}
	var exit *exec.ExitError
	switch {
	case c.err == nil:
		return 0
	case errors.As(c.err, &exit):
		return exit.ExitCode()
	}
	t.Fatalf("gongkai: %v", c.err)
	return -1
}

// until polls cond until it holds or limit passes.
func until(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// inspect opens the archive after a process ended and checks what must
// hold whatever happened: it opens (the lock died with the process), it
// verifies (bbolt pages, every digest), and every document holds exactly
// one whole version with one alert in the outbox. It returns the number of
// documents.
func inspect(t *testing.T, db string) int {
	t.Helper()
	st, err := archive.Open(db, archive.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("archive after the process ended: %v", err)
	}
	defer st.Close()
	r, err := st.Verify(context.Background())
	if err != nil || !r.OK() {
		t.Fatalf("verify: %v %v", err, r.Problems)
	}
	docs, err := archivetest.All(t, st), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		v, err := st.Version(context.Background(), d.ID, 1)
		if d.Versions != 1 || err != nil || !strings.HasSuffix(v.Record.Body, "（完）") {
			t.Errorf("doc %s: %d versions, version 1 %v, body %q; want one whole version", d.URL, d.Versions, err, v.Record.Body)
		}
	}
	items, err := st.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	alerted := map[uint64]int{}
	for _, it := range items {
		if it.Event.Kind != archive.EventNew || len(it.Delivered) != 0 {
			t.Errorf("outbox item %+v, want an undelivered new-document event", it)
		}
		alerted[it.Event.Doc]++
	}
	for _, d := range docs {
		if alerted[d.ID] != 1 {
			t.Errorf("doc %s has %d alerts in the outbox, want exactly 1", d.URL, alerted[d.ID])
		}
	}
	if len(items) != len(docs) {
		t.Errorf("%d outbox items for %d documents", len(items), len(docs))
	}
	return len(docs)
}

func TestKillDuringCrawlLosesNothing(t *testing.T) {
	t.Parallel()
	const docs = 40
	site := newSlowSite(t, docs, 100*time.Millisecond)
	cfg, db := slowConfig(t, site)

	c := startGongkai(t, "crawl", "-config", cfg)
	// Writes are committed in groups (at the latest 500 ms after a group's
	// first): two dozen documents take longer than that.
	until(t, time.Minute, "two dozen documents fetched", func() bool { return site.docHits() >= 24 })
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.wait(t, 10*time.Second)
	hitsAtKill := site.docHits()
	got := inspect(t, db)
	if got == 0 || got >= docs {
		t.Fatalf("after kill -9: %d documents archived, want some but not all of %d", got, docs)
	}
	t.Logf("kill -9 after %d document requests: %d documents archived", hitsAtKill, got)

	c = startGongkai(t, "crawl", "-config", cfg)
	if code := c.wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("second crawl exit %d\n%s", code, c.stderr.String())
	}
	if got := inspect(t, db); got != docs {
		t.Errorf("after the second crawl: %d documents, want %d", got, docs)
	}
	// What the killed run committed is not fetched again (revisit 168h);
	// only the documents of its open batch are.
	lost := hitsAtKill - got
	if n, m := site.docHits(), site.maxHits(); n > docs+lost || m > 2 {
		t.Errorf("%d document requests over both runs (at most %d per document), want at most %d (%d lost with the open batch)", n, m, docs+lost, lost)
	}
}

func TestTermStopsCleanly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		exit []int // acceptable exit statuses
		msg  string
	}{
		{"run -now", []string{"run", "-now"}, []int{0}, "stopped"},
		{"crawl", []string{"crawl"}, []int{0, 1}, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const docs = 40
			site := newSlowSite(t, docs, 100*time.Millisecond)
			cfg, db := slowConfig(t, site)
			c := startGongkai(t, append(tc.args, "-config", cfg)...)
			until(t, time.Minute, "documents fetched", func() bool { return site.docHits() >= 8 })
			sent := time.Now()
			if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			code := c.wait(t, 15*time.Second)
			t.Logf("%s: exit %d %s after SIGTERM", tc.name, code, c.ended.Sub(sent).Round(time.Millisecond))
			ok := false
			for _, e := range tc.exit {
				ok = ok || e == code
			}
			if !ok || code != 0 && !strings.Contains(c.stderr.String(), tc.msg) {
				t.Errorf("exit %d, want %v (a non-zero exit must say %q)\nstderr:\n%s", code, tc.exit, tc.msg, c.stderr.String())
			}
			if code == 0 && !strings.Contains(c.stderr.String(), tc.msg) {
				t.Errorf("stderr lacks %q:\n%s", tc.msg, c.stderr.String())
			}
			got := inspect(t, db)
			if got >= docs {
				t.Errorf("all %d documents archived: SIGTERM did not stop the crawl", got)
			}
			c = startGongkai(t, "crawl", "-config", cfg)
			if code := c.wait(t, 2*time.Minute); code != 0 {
				t.Fatalf("crawl after SIGTERM: exit %d\n%s", code, c.stderr.String())
			}
			if got := inspect(t, db); got != docs {
				t.Errorf("after the next crawl: %d documents, want %d", got, docs)
			}
		})
	}
}

func TestSecondProcessFailsFast(t *testing.T) {
	t.Parallel()
	site := newSlowSite(t, 5, 0)
	cfg, db := slowConfig(t, site)
	daemon := startGongkai(t, "run", "-config", cfg)
	until(t, time.Minute, "the daemon's web UI", func() bool { return strings.Contains(daemon.stdout.String(), "web UI on") })

	for _, args := range [][]string{{"crawl"}, {"run"}, {"compact"}} {
		start := time.Now()
		c := startGongkai(t, append(args, "-config", cfg)...)
		code := c.wait(t, 15*time.Second)
		took := c.ended.Sub(start)
		t.Logf("gongkai %s while the daemon runs: exit %d after %s", args[0], code, took.Round(time.Millisecond))
		if code == 0 || !strings.Contains(c.stderr.String(), "in use by another gongkai") {
			t.Errorf("gongkai %s while the daemon runs: exit %d, stderr:\n%s\nwant a non-zero exit naming the other gongkai", args[0], code, c.stderr.String())
		}
	}
	if err := daemon.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := daemon.wait(t, 15*time.Second); code != 0 {
		t.Errorf("daemon exit %d after SIGTERM\n%s", code, daemon.stderr.String())
	}
	if _, err := os.Stat(db + ".compact"); err == nil {
		t.Error("a refused compact left its temporary file behind")
	}
}

// diskArchive is an archive file with a few documents and a config naming it.
func diskArchive(t *testing.T) (cfg, db string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "gongkai.db")
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		archivetest.Record(t, st, archivetest.Page{URL: fmt.Sprintf("http://www.example.gov.cn/art/%d.html", i),
			Doc: extract.Document{Title: docTitle(i), Body: strings.Repeat("依法公开政府信息。", 200)}})
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(dir, "gongkai.yaml")
	yaml := fmt.Sprintf("db: %s\nweb: {listen: %s}\nsources:\n  - name: test\n    start: [http://127.0.0.1:1/]\n", db, freePort(t))
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg, db
}

// intact checks that the archive still opens, verifies and holds its five
// documents.
func intact(t *testing.T, db string) {
	t.Helper()
	st, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("archive after the failure: %v", err)
	}
	defer st.Close()
	r, err := st.Verify(context.Background())
	if err != nil || !r.OK() || r.Docs != 5 || r.Versions != 5 {
		t.Errorf("archive after the failure: %+v, %v; want 5 intact documents", r, err)
	}
}

func gongkaiIn(args ...string) (stdout, stderr string, err error) {
	var out, errb lockedOutput
	cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = run(cctx, args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestDiskFailuresLeaveArchiveIntact(t *testing.T) {
	t.Parallel()
	hasDevFull := func(t *testing.T) {
		if _, err := os.Stat("/dev/full"); err != nil {
			t.Skip("no /dev/full on this system")
		}
	}
	t.Run("backup into a path under a file", func(t *testing.T) {
		cfg, db := diskArchive(t)
		notDir := filepath.Join(t.TempDir(), "file")
		os.WriteFile(notDir, nil, 0o644)
		_, _, err := gongkaiIn("backup", "-config", cfg, filepath.Join(notDir, "copy.db"))
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("backup: %v, want a not-a-directory error", err)
		}
		intact(t, db)
	})
	t.Run("backup onto a full disk", func(t *testing.T) {
		hasDevFull(t)
		cfg, db := diskArchive(t)
		// A link to /dev/full: if the backup ever renamed over its target
		// again, only the link would be replaced, never the device.
		full := filepath.Join(t.TempDir(), "full")
		if err := os.Symlink("/dev/full", full); err != nil {
			t.Fatal(err)
		}
		_, _, err := gongkaiIn("backup", "-config", cfg, full)
		if err == nil || !strings.Contains(err.Error(), "no space left on device") {
			t.Errorf("backup to /dev/full: %v, want no space left on device", err)
		}
		if fi, err := os.Lstat(full); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the backup replaced %s instead of writing to it", full)
		}
		intact(t, db)
	})
	t.Run("backup through a writer that runs out of space", func(t *testing.T) {
		_, db := diskArchive(t)
		st, err := archive.Open(db, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Backup(context.Background(), &fullWriter{room: 8 << 10})
		st.Close()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("Backup: %v, want ENOSPC", err)
		}
		intact(t, db)
	})
	t.Run("export to a full stdout", func(t *testing.T) {
		hasDevFull(t)
		cfg, db := diskArchive(t)
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		err = run(context.Background(), []string{"export", "-config", cfg, "-format", "jsonl"}, f, &lockedOutput{})
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("export to /dev/full: %v, want ENOSPC", err)
		}
		intact(t, db)
	})
	t.Run("export into a path under a file", func(t *testing.T) {
		cfg, db := diskArchive(t)
		notDir := filepath.Join(t.TempDir(), "file")
		os.WriteFile(notDir, nil, 0o644)
		_, _, err := gongkaiIn("export", "-config", cfg, "-format", "warc", "-o", filepath.Join(notDir, "out.warc.gz"))
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("export: %v, want a not-a-directory error", err)
		}
		intact(t, db)
	})
	t.Run("record into a read-only store", func(t *testing.T) {
		_, db := diskArchive(t)
		st, err := archive.Open(db, archive.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		run, err := st.Begin(context.Background(), "test", archive.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = run.Record(context.Background(), archive.Observation{URL: "http://www.example.gov.cn/art/9.html",
			Doc: extract.Document{Title: "新文件", Body: "正文"}, Capture: archive.Capture{Status: 200, Body: []byte("<html></html>")}})
		st.Close()
		if err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("Record into a read-only store: %v, want a read-only error", err)
		}
		intact(t, db)
	})
	t.Run("archive in a directory that does not exist", func(t *testing.T) {
		cfg, _ := diskArchive(t)
		_, _, err := gongkaiIn("crawl", "-config", cfg, "-db", filepath.Join(t.TempDir(), "gone", "gongkai.db"))
		if err == nil || !strings.Contains(err.Error(), "open archive") || !strings.Contains(err.Error(), "no such file or directory") {
			t.Errorf("crawl with the archive in a missing directory: %v", err)
		}
	})
	t.Run("archive file that refuses writes, even to root", func(t *testing.T) {
		_, db := diskArchive(t)
		// The store gets a descriptor opened read-only whatever it asks
		// for: every write fails as on a disk remounted read-only, and
		// unlike file permissions this holds for root (CI runs as root).
		readOnlyFD := func(name string, _ int, _ os.FileMode) (*os.File, error) { return os.OpenFile(name, os.O_RDONLY, 0) }
		// Opening for writing already writes (the store's bookkeeping), so
		// the failure may come from Open or from the first Record.
		st, err := archive.Open(db, archive.Options{OpenFile: readOnlyFD})
		if err == nil {
			ctx := context.Background()
			var run *archive.Run
			if run, err = st.Begin(ctx, "test", archive.RunOptions{BatchDocs: 1}); err == nil {
				_, err = run.Record(ctx, archive.Observation{URL: "http://www.example.gov.cn/art/9.html",
					Doc: extract.Document{Title: "新文件", Body: "正文"}, Capture: archive.Capture{Status: 200, Body: []byte("<html></html>")}})
				if err == nil {
					err = run.Commit(ctx)
				}
			}
			st.Close()
		}
		if !errors.Is(err, syscall.EBADF) {
			t.Errorf("writing to an archive file that refuses writes: %v, want the write error (EBADF)", err)
		}
		intact(t, db)
	})
	t.Run("read-only archive file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: file permissions do not stop root; the subtest \"archive file that refuses writes, even to root\" covers unwritable disks")
		}
		cfg, db := diskArchive(t)
		if err := os.Chmod(db, 0o400); err != nil {
			t.Fatal(err)
		}
		_, _, err := gongkaiIn("crawl", "-config", cfg)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("crawl into a read-only archive: %v, want permission denied", err)
		}
		intact(t, db)
	})
}

// fullWriter accepts room bytes, then fails like a full disk.
type fullWriter struct{ room int }

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n := w.room
		w.room = 0
		return n, &os.PathError{Op: "write", Path: "backup", Err: syscall.ENOSPC}
	}
	w.room -= len(p)
	return len(p), nil
}
