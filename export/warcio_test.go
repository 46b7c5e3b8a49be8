package export

import (
	"bytes"
	"github.com/gongkai/gongkai/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWARCWithWarcio validates the output with an independent reader, the
// warcio.js package (scripts/warccheck). CI installs it with `npm ci`.
func TestWARCWithWarcio(t *testing.T) {
	dir := filepath.Join("..", "scripts", "warccheck")
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed; the warcio.js cross-check needs it")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "warcio")); err != nil {
		testenv.Missing(t, "warcio.js is not installed: run `npm ci` in %s", dir)
	}

	data, _ := writeWARC(t, sampleSource(), Options{Software: "gongkai/test", Operator: "test"})
	file := filepath.Join(t.TempDir(), "sample.warc.gz")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	runWarccheck(t, node, dir, file, "warcinfo=1,response=2,revisit=1,request=3")

	// The checker must be able to fail: a flipped payload byte breaks both
	// digests and the gzip CRC.
	bad := bytes.Clone(data)
	bad[len(bad)/2] ^= 0xff
	badFile := filepath.Join(t.TempDir(), "bad.warc.gz")
	if err := os.WriteFile(badFile, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(dir, "check.js"), badFile)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("warccheck accepted a corrupted file:\n%s", out)
	}
}

func runWarccheck(t *testing.T, node, dir, file, expect string) {
	t.Helper()
	cmd := exec.Command(node, filepath.Join(dir, "check.js"), file, "--expect", expect)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("warccheck %s: %v\n%s", file, err, out)
	}
	t.Logf("%s", out)
}
