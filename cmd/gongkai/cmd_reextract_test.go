package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
)

func outboxLen(t *testing.T, db string) int {
	t.Helper()
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, err := st.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// A changed fields override, applied by reextract: the dry run reports it
// per field, the real run stores it without an alert, and the next crawl
// finds nothing changed.
func TestReextractReportsThenAppliesWithoutAlerts(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	db := filepath.Join(filepath.Dir(cfg), "gongkai.db")
	if _, stderr, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatalf("crawl: %v\n%s", err, stderr)
	}
	alerts := outboxLen(t, db)
	data, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(data, "    fields: {topic: h1}\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := gongkai(t, "reextract", "-config", cfg, "-dry-run")
	if err != nil {
		t.Fatalf("reextract -dry-run: %v\n%s", err, stderr)
	}
	m := regexp.MustCompile(`(\d+) documents read, (\d+) would change`).FindStringSubmatch(out)
	if m == nil || m[2] == "0" || !regexp.MustCompile(`(?m)^  topic +\d+ documents$`).MatchString(out) || !strings.Contains(out, "+ ") {
		t.Fatalf("dry run output:\n%s", out)
	}
	t.Logf("dry run:\n%s", out)
	if again, _, _ := gongkai(t, "reextract", "-config", cfg, "-dry-run"); again != out {
		t.Errorf("a dry run changed the archive:\n%s\nthen\n%s", out, again)
	}
	out, stderr, err = gongkai(t, "reextract", "-config", cfg)
	if err != nil || !strings.Contains(out, m[2]+" changed") {
		t.Fatalf("reextract: %v\n%s%s", err, out, stderr)
	}
	if n := outboxLen(t, db); n != alerts {
		t.Errorf("reextract alerted: %d outbox items, want %d", n, alerts)
	}
	if out, _, _ := gongkai(t, "reextract", "-config", cfg, "-dry-run"); !strings.Contains(out, " 0 would change") {
		t.Errorf("dry run after reextract:\n%s", out)
	}
	out, stderr, err = gongkai(t, "crawl", "-config", cfg)
	if err != nil || regexp.MustCompile(`[1-9]\d* changed`).MatchString(out+stderr) {
		t.Errorf("crawl after reextract: %v\n%s%s", err, out, stderr)
	}
	if n := outboxLen(t, db); n != alerts {
		t.Errorf("crawl after reextract alerted: %d outbox items, want %d", n, alerts)
	}
	if out, _, err := gongkai(t, "verify", "-config", cfg); err != nil {
		t.Errorf("verify: %v\n%s", err, out)
	}
}
