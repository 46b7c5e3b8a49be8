package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outputsOntoArchive are output paths that all name the archive at dir/gongkai.db.
func outputsOntoArchive(t *testing.T, dir string) map[string]string {
	t.Helper()
	db := filepath.Join(dir, "gongkai.db")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.Symlink(dir, filepath.Join(other, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(db, filepath.Join(other, "filelink.db")); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"same path":         db,
		"dot-dot":           dir + "/sub/../gongkai.db",
		"symlinked dir":     filepath.Join(other, "dirlink", "gongkai.db"),
		"symlink to the db": filepath.Join(other, "filelink.db"),
		"lock":              db + ".lock",
	}
}

func TestOutputNeverReplacesTheArchive(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(cfg)
	for name, out := range outputsOntoArchive(t, dir) {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{
				{"export", "-config", cfg, "-format", "jsonl", "-o", out},
				{"backup", "-config", cfg, out},
			} {
				_, _, err := gongkai(t, args...)
				if err == nil || !strings.Contains(err.Error(), "is the archive") {
					t.Errorf("%s onto the archive (%s): %v, want a refusal", args[0], out, err)
				}
			}
			if out, _, err := gongkai(t, "verify", "-config", cfg); err != nil {
				t.Fatalf("the archive no longer verifies: %v\n%s", err, out)
			}
		})
	}
}

func TestOutputNeedsForceToReplace(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "existing")
	for _, cmd := range [][]string{
		{"export", "-config", cfg, "-o", out},
		{"backup", "-config", cfg, out},
	} {
		os.WriteFile(out, []byte("keep me"), 0o600)
		_, _, err := gongkai(t, cmd...)
		if err == nil || !strings.Contains(err.Error(), "-force") {
			t.Errorf("%s onto an existing file: %v, want a refusal naming -force", cmd[0], err)
		}
		if b, _ := os.ReadFile(out); string(b) != "keep me" {
			t.Errorf("%s replaced an existing file without -force", cmd[0])
		}
		forced := append(append([]string{}, cmd[:len(cmd)-1]...), "-force", cmd[len(cmd)-1])
		if cmd[0] == "export" {
			forced = append(append([]string{}, cmd[:3]...), "-force", "-o", out)
		}
		if _, _, err := gongkai(t, forced...); err != nil {
			t.Errorf("%v: %v", forced, err)
		}
		if b, _ := os.ReadFile(out); string(b) == "keep me" {
			t.Errorf("%v did not replace the file", forced)
		}
	}
}

// With the daemon holding the archive, backup goes through the API: the
// output checks still run first, so the live file and its lock stay put and
// documents archived afterwards are kept.
func TestOutputChecksWhileTheDaemonRuns(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	stop := runDaemon(t, cfg)

	dir := filepath.Dir(cfg)
	for name, out := range outputsOntoArchive(t, dir) {
		for _, args := range [][]string{
			{"backup", "-config", cfg, out},
			{"export", "-config", cfg, "-o", out},
		} {
			if _, _, err := gongkai(t, args...); err == nil || !strings.Contains(err.Error(), "is the archive") {
				t.Errorf("%s, %s onto the live archive: %v, want a refusal", name, args[0], err)
			}
		}
	}
	existing := filepath.Join(t.TempDir(), "old.db")
	os.WriteFile(existing, []byte("keep me"), 0o600)
	if _, _, err := gongkai(t, "backup", "-config", cfg, existing); err == nil {
		t.Error("backup through the daemon replaced an existing file without -force")
	}
	if _, _, err := gongkai(t, "backup", "-config", cfg, "-force", existing); err != nil {
		t.Errorf("backup -force through the daemon: %v", err)
	}
	// The daemon still holds the lock: a second writer is refused.
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("crawl while the daemon runs: %v, want the lock to be held", err)
	}
	stop()
	if out, _, err := gongkai(t, "verify", "-config", cfg); err != nil {
		t.Fatalf("the archive no longer verifies: %v\n%s", err, out)
	}
	if out, _, err := gongkai(t, "verify", "-config", cfg, "-db", existing); err != nil {
		t.Fatalf("the forced backup does not verify: %v\n%s", err, out)
	}
}
