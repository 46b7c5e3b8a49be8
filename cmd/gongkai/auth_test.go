package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With web.auth set, the daemon answers nobody without it, and the CLI's
// reads and backups through the daemon carry it from the config.
func TestCLISendsTheConfiguredAuth(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	cfg, _ := demoConfig(t, "")
	if _, _, err := gongkai(t, "crawl", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(cfg)
	listen := ""
	for _, l := range strings.Split(string(data), "\n") {
		if s, ok := strings.CutPrefix(l, "web: {listen: "); ok {
			listen = strings.TrimSuffix(s, "}")
		}
	}
	authed := strings.Replace(string(data), "web: {listen: "+listen+"}", "web: {listen: "+listen+", auth: {token: "+token+"}}", 1)
	if err := os.WriteFile(cfg, []byte(authed), 0o644); err != nil {
		t.Fatal(err)
	}
	defer runDaemon(t, cfg)()

	res, err := http.Get("http://" + listen + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/docs without the token = %d, want 401", res.StatusCode)
	}
	if out, _, err := gongkai(t, "docs", "-config", cfg); err != nil || !strings.Contains(out, "宁海县公安局2024年法治政府建设年度报告") {
		t.Errorf("docs through the daemon with auth: %v\n%s", err, out)
	}
	if out, _, err := gongkai(t, "export", "-config", cfg); err != nil || strings.Count(out, "\n") != 9 {
		t.Errorf("export through the daemon with auth: %v, %d lines", err, strings.Count(out, "\n"))
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := gongkai(t, "backup", "-config", cfg, backup); err != nil {
		t.Fatalf("backup through the daemon with auth: %v", err)
	}
	// A wrong token in the config: the CLI says why it was refused.
	wrong := strings.Replace(authed, token, "ffffffffffffffffffffffffffffffff", 1)
	wrongCfg := filepath.Join(filepath.Dir(cfg), "wrong.yaml")
	os.WriteFile(wrongCfg, []byte(wrong), 0o644)
	if _, _, err := gongkai(t, "docs", "-config", wrongCfg); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("docs with a wrong token: %v, want a 401", err)
	}
}

func TestValidateWarnsOnAnOpenListen(t *testing.T) {
	cfg, _ := demoConfig(t, "")
	data, _ := os.ReadFile(cfg)
	open := strings.Replace(string(data), "web: {listen: 127.0.0.1:", "web: {listen: 0.0.0.0:", 1)
	os.WriteFile(cfg, []byte(open), 0o644)
	out, _, err := gongkai(t, "validate", "-config", cfg)
	if err != nil || !strings.Contains(out, "warning: line 2: web.listen") || !strings.Contains(out, "web.auth") {
		t.Errorf("validate of listen 0.0.0.0 without auth: %v\n%s", err, out)
	}
}
