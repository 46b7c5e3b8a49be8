package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func TestJSONL(t *testing.T) {
	tests := []struct {
		name     string
		since    time.Time
		versions []string // url#version of each line
	}{
		{"all", time.Time{}, []string{
			"http://example.gov.cn/art/2025/1/23/art_1229104585_1.html#1",
			"http://example.gov.cn/art/2025/1/23/art_1229104585_1.html#2",
			"http://example.gov.cn/art/2025/1/24/art_1229104585_2.html?a=1#1",
		}},
		{"since is inclusive", t0.Add(48 * time.Hour), []string{
			"http://example.gov.cn/art/2025/1/23/art_1229104585_1.html#2",
			"http://example.gov.cn/art/2025/1/24/art_1229104585_2.html?a=1#1",
		}},
		{"since after everything", t0.Add(1000 * time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := JSONL(context.Background(), sampleSource(), &buf, Options{Since: tt.since})
			if err != nil {
				t.Fatalf("JSONL: %v", err)
			}
			if n != len(tt.versions) {
				t.Errorf("JSONL returned n = %d, want %d", n, len(tt.versions))
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				if l == "" {
					continue
				}
				var line Line
				dec := json.NewDecoder(strings.NewReader(l))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&line); err != nil {
					t.Fatalf("line %q: %v", l, err)
				}
				got = append(got, line.URL+"#"+strconv.Itoa(line.Version))
			}
			if strings.Join(got, "\n") != strings.Join(tt.versions, "\n") {
				t.Errorf("JSONL(since %v) lines =\n%s\nwant\n%s", tt.since, strings.Join(got, "\n"), strings.Join(tt.versions, "\n"))
			}
		})
	}
}

func TestJSONLSchema(t *testing.T) {
	var buf bytes.Buffer
	if _, err := JSONL(context.Background(), sampleSource(), &buf, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`{"url":"http://example.gov.cn/art/2025/1/23/art_1229104585_1.html","source":"demo","version":1,"fetched_at":"2025-01-23T06:48:26Z","sha256":"aa","status":"live","title":"年度报告","index_no":"002966124/2025-41880","published":"2025-01-23","written":"","publisher":"","doc_no":"","topic":"","access":"","body":"第一版。","attachments":[]}`,
		`{"url":"http://example.gov.cn/art/2025/1/23/art_1229104585_1.html","source":"demo","version":2,"fetched_at":"2025-01-25T06:48:26Z","sha256":"bb","status":"live","title":"年度报告","index_no":"002966124/2025-41880","published":"2025-01-23","written":"","publisher":"","doc_no":"","topic":"","access":"","body":"第二版。","attachments":[{"name":"附件.pdf","url":"http://example.gov.cn/a.pdf"}]}`,
		`{"url":"http://example.gov.cn/art/2025/1/24/art_1229104585_2.html?a=1","source":"demo","version":1,"fetched_at":"2025-01-26T06:48:26Z","sha256":"cc","status":"withdrawn","title":"通知","index_no":"","published":"","written":"","publisher":"","doc_no":"","topic":"","access":"","body":"第一版。","attachments":[]}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("JSONL wrote %d lines, want %d", len(lines), len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d =\n%s\nwant\n%s", i, lines[i], want[i])
		}
	}
}

func TestJSONLErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := JSONL(ctx, sampleSource(), &bytes.Buffer{}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("JSONL with a cancelled context = %v, want context.Canceled", err)
	}
}

// Every field of the one field table appears in the export, with its value:
// a field added to extract.Fields() cannot be left out of the archive's
// portable form.
func TestJSONLHasEveryField(t *testing.T) {
	var doc extract.Document
	for _, f := range extract.Fields() {
		*f.Ptr(&doc) = "<" + f.Key + "> 值"
	}
	src := &fakeSource{}
	src.add(archive.Doc{ID: 1, URL: "http://example.gov.cn/a.html", Source: "demo", Status: archive.StatusLive},
		archive.Version{FetchedAt: t0, SHA256: "aa", Record: doc}, archive.Capture{})
	var buf bytes.Buffer
	if _, err := JSONL(context.Background(), src, &buf, Options{}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	for _, f := range extract.Fields() {
		if got, want := m[f.Key], "<"+f.Key+"> 值"; got != want {
			t.Errorf("JSONL %q = %v, want %q", f.Key, got, want)
		}
	}
	if !strings.Contains(buf.String(), `"<body> 值"`) {
		t.Errorf("JSONL escaped HTML characters: %s", buf.String())
	}
	var line Line
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line.Fields["access"] != "<access> 值" {
		t.Errorf("Line round trip: %+v, %v", line, err)
	}
}
