package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/testenv"
)

// TestDemoInBrowser runs `gongkai demo` as a newcomer would and drives its
// UI in headless Chromium (scripts/browser/demo.mjs): the real crawl of the
// sample site, then sources → documents → the corrected report → its diff,
// the sandboxed raw page and the feed.
func TestDemoInBrowser(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "browser test needs node on PATH")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "browser test needs Chromium at %s (apt-get install chromium)", chromium)
	}
	dir, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "browser"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "browser test needs playwright-core: cd %s && npm ci", dir)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"demo", "-listen", freeAddr(t)}, &out, &errb) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v\n%s", err, errb.String())
		}
	}()
	ui := regexp.MustCompile(`Open the archive:\s+(http://\S+)/`)
	m := ui.FindStringSubmatch(out.waitFor(t, done, "UI address from the demo", func(s string) bool { return ui.MatchString(s) }))
	bctx, bcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer bcancel()
	cmd := exec.CommandContext(bctx, node, "demo.mjs", m[1], t.TempDir())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	res, err := cmd.CombinedOutput()
	t.Logf("demo.mjs:\n%s", res)
	if err != nil {
		t.Fatalf("browser checks on the demo failed: %v", err)
	}
}
