package web

import (
	"errors"
	"github.com/gongkai/gongkai/archive/archivetest"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// A source that went blind shows a red "failing since" badge with the
// reason on its page and in the sources list; its events link to it.
func TestFailingSourceBadge(t *testing.T) {
	f := newFixture(t)
	// cixi's last run failed already (newFixture); a second failure alerts.
	second := f.t2.Add(12 * time.Hour)
	archivetest.EndRun(t, f.store, "cixi", archive.RunStats{Started: second}, errors.New("list page: HTTP 412"))
	h := f.server(Options{})
	r := get(t, h, "/sources/cixi")
	r.mustContain(t, "failing source page", `class="badge failing"`, "failing since 2025-01-24 10:00", "list page: HTTP 412", "Failing for 2 polls")
	get(t, h, "/sources/ninghai").mustNotContain(t, "healthy source page", "failing since")
	get(t, h, "/").mustContain(t, "sources page", "failing since 2025-01-24 10:00")
	get(t, h, "/events?source=cixi").mustContain(t, "events page", "监测失败 source failing", `href="/sources/cixi"`)
}

// The daemon adds its own state to /api/health.
func TestHealthExtra(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{Health: func() map[string]any { return map[string]any{"reload": map[string]any{"ok": true}} }})
	var got struct {
		Status string         `json:"status"`
		Reload map[string]any `json:"reload"`
	}
	getJSON(t, h, "/api/health", &got)
	if got.Status != "ok" || got.Reload["ok"] != true {
		t.Errorf("/api/health = %+v, want status ok and the daemon's reload", got)
	}
}
