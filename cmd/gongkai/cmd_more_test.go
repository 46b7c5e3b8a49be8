package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestNotifyTestReportsEachTarget(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
	}))
	defer ok.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	cfg, _ := demoConfig(t, "notify:\n  - webhook: "+ok.URL+"/hook\n    name: team\n  - webhook: "+down.URL+"/hook\n    name: broken\n")
	out, _, err := gongkai(t, "notify-test", "-config", cfg)
	if err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("notify-test with one failing target: %v", err)
	}
	if !strings.Contains(out, "ok    team") || !strings.Contains(out, "FAIL  broken") {
		t.Errorf("notify-test output:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0]["id"] == "" || got[0]["event"] == nil {
		t.Errorf("receiver got %v, want one sample event with an id", got)
	}
}

func TestCrawlDeliversAlertsAfterTheBaseline(t *testing.T) {
	var mu sync.Mutex
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Event string `json:"event"`
			Title string `json:"title"`
		}
		json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		events = append(events, ev.Event+" "+ev.Title)
		mu.Unlock()
	}))
	defer hook.Close()
	cfg, site := demoConfig(t, "notify:\n  - webhook: "+hook.URL+"\n")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(events) != 0 {
		t.Errorf("baseline crawl alerted: %v", events)
	}
	mu.Unlock()
	site.Edit()
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil { // unchanged: nothing more
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 || !strings.HasPrefix(events[0]+events[1], "new") && !strings.HasPrefix(events[0]+events[1], "changed") {
		t.Fatalf("alerts = %v, want exactly one new and one changed", events)
	}
	joined := strings.Join(events, "\n")
	if !strings.Contains(joined, "new ") || !strings.Contains(joined, "changed 温州市公安局鹿城区分局") {
		t.Errorf("alerts = %v, want the new notice and the corrected Lucheng report", events)
	}
}

func TestVerifyFailsOnAFlippedByte(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := gongkai(t, "backup", "-config", cfg, copyPath); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	// Titles and search text are stored uncompressed: corrupt every copy
	// of one title (a single byte might land in a free page, which holds
	// no data and is rightly not reported).
	title := []byte("慈溪市公安局2022年法治政府建设工作情况")
	if bytes.Count(data, title) == 0 {
		t.Fatal("title not found in the copy")
	}
	data = bytes.ReplaceAll(data, title, []byte("慈溪市公安局2023年法治政府建设工作情况"))
	os.WriteFile(copyPath, data, 0o600)
	out, _, err := gongkai(t, "verify", "-config", cfg, "-db", copyPath)
	if err == nil || !strings.Contains(out, "DAMAGE") {
		t.Errorf("verify of a damaged copy: %v\n%s", err, out)
	}
	if out, _, err := gongkai(t, "verify", "-config", cfg); err != nil {
		t.Errorf("the original must still verify: %v\n%s", err, out)
	}
}

func TestExportToADeviceWritesToIt(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gongkai(t, "export", "-config", cfg, "-o", "/dev/null"); err != nil {
		t.Fatalf("export to /dev/null: %v", err)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", fi.Mode(), err)
	}
	if _, _, err := gongkai(t, "export", "-config", cfg, "-o", "/dev/full"); err == nil {
		t.Error("export to a full device reported success")
	}
}

// An overwritten page makes bbolt panic ("Page expected to be…") while
// opening or walking the file. verify must report that damage and fail,
// never panic: every page of a copy is overwritten in turn with another.
func TestVerifyReportsAnOverwrittenPage(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := gongkai(t, "backup", "-config", cfg, good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	damaged, panicked := 0, 0
	for p := 2; p < min(len(data)/pageSize, 100); p++ {
		src := 2
		if p == 2 {
			src = 3
		}
		bad := bytes.Clone(data)
		copy(bad[p*pageSize:(p+1)*pageSize], data[src*pageSize:(src+1)*pageSize])
		path := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err := gongkai(t, "verify", "-config", cfg, "-db", path)
		switch {
		case err != nil && !strings.Contains(out, "DAMAGE"):
			t.Errorf("page %d overwritten: verify failed without a DAMAGE line: %v\n%s", p, err, out)
		case err == nil && !strings.Contains(out, "ok: no damage"):
			t.Errorf("page %d overwritten: verify passed without saying so:\n%s", p, out)
		case err != nil:
			damaged++
		}
		if strings.Contains(out, "Page expected to be") {
			panicked++
		}
	}
	if damaged == 0 || panicked == 0 {
		t.Errorf("%d damaged copies reported, %d of them from a bbolt panic; want some of each", damaged, panicked)
	}
}
