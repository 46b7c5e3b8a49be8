package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
)

// The read-only commands work on an archive file alone: a backup or a
// colleague's archive needs no gongkai.yaml.
func TestReadCommandsNeedOnlyDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "copy.db")
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const url = "http://www.example.gov.cn/art/2025/1/1/art_1_1.html"
	for _, body := range []string{"全县警情同比下降14.83%。", "全县警情同比下降14.38%。"} {
		archivetest.Record(t, st, archivetest.Page{URL: url, Doc: extract.Document{Title: "年度报告", Body: body}})
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // no gongkai.yaml here
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"docs", "-db", db}, "年度报告"},
		{[]string{"show", "-db", db, "1"}, "14.38"},
		{[]string{"diff", "-db", db, "-color", "never", "1"}, "v1 ("},
		{[]string{"export", "-db", db}, `"version":2`},
		{[]string{"verify", "-db", db}, "ok: no damage found"},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			out, stderr, err := gongkai(t, tt.args...)
			if err != nil {
				t.Fatalf("gongkai %s: %v\n%s", strings.Join(tt.args, " "), err, stderr)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("gongkai %s printed\n%s\nwant it to contain %q", strings.Join(tt.args, " "), out, tt.want)
			}
		})
	}
	// A config asked for by name is still required.
	if _, _, err := gongkai(t, "docs", "-db", db, "-config", "missing.yaml"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("docs -config missing.yaml: %v, want an error naming the file", err)
	}
}
