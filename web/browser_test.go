package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/internal/testenv"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web/internal/demo"
)

// TestBrowser drives the UI in headless Chromium with scripts/browser/browse.mjs:
// sources → a source's documents → a document → the diff, plus the raw
// page's sandbox. It needs node, Chromium and the script's node_modules
// (cd scripts/browser && npm ci); CI installs them. Set
// GONGKAI_SCREENSHOTS=dir to keep the screenshots.
func TestBrowser(t *testing.T) {
	runBrowserScript(t, "browse.mjs")
}

// TestBrowserSearch searches a Chinese phrase in headless Chromium with
// scripts/browser/search.mjs and checks the highlighted snippets.
func TestBrowserSearch(t *testing.T) {
	runBrowserScript(t, "search.mjs")
}

// runBrowserScript serves the demo archive, with its search index, and
// runs a script of scripts/browser against it.
func runBrowserScript(t *testing.T, script string) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "browser test needs node on PATH")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "browser test needs Chromium at %s (apt-get install chromium, or set CHROMIUM)", chromium)
	}
	dir, err := filepath.Abs(filepath.Join("..", "scripts", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "browser test needs playwright-core: cd %s && npm ci", dir)
	}

	store := archivetest.Open(t)
	if err := demo.Seed(context.Background(), store, time.Date(2025, 1, 23, 2, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(t.TempDir(), "search"), store, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := newLocalServer(t, New(store, Options{Search: ix}))

	shots := os.Getenv("GONGKAI_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, srv, shots)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", script, out)
	if err != nil {
		t.Fatalf("browser checks failed: %v", err)
	}
}

// newLocalServer serves h on 127.0.0.1 for the test's lifetime and returns its URL.
func newLocalServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
