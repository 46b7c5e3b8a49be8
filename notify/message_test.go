package notify

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

func TestText(t *testing.T) {
	tests := []struct {
		name  string
		event archive.Event
		base  string
		want  string
	}{
		{
			name:  "new without optional fields",
			event: archive.Event{Kind: archive.EventNew, Source: "xiangshan", Title: "象山县 关于\n印发的通知", URL: "http://x.gov.cn/1.html"},
			want:  "【新发布】象山县 关于 印发的通知\n来源: xiangshan\n链接: http://x.gov.cn/1.html",
		},
		{
			name:  "withdrawn gives the reason and the archived copy",
			event: archive.Event{Kind: archive.EventWithdrawn, Source: "xiangshan", Title: "通知", URL: "http://x.gov.cn/1.html", Doc: 7, Version: 2, Summary: "404"},
			base:  "http://archive.local",
			want:  "【已撤回】通知\n来源: xiangshan\n链接: http://x.gov.cn/1.html\n存档: http://archive.local/docs/7/v/2\n原因: 404",
		},
		{
			name: "source failing",
			event: archive.Event{Kind: archive.EventSourceFailed, Source: "s", Title: "s: failing — no list page", Reason: "no list page could be fetched",
				Since: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), Polls: 2},
			want: "【监测失败】s: failing — no list page\n来源: s\n原因: no list page could be fetched\n失败起始: 2026-03-01T08:00:00Z\n连续失败次数: 2",
		},
		{
			name:  "restored",
			event: archive.Event{Kind: archive.EventRestored, Source: "s", Title: "指南", Published: "2022-01-01"},
			want:  "【已恢复】指南\n来源: s\n发布日期: 2022-01-01",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := text(tc.event, tc.base); got != tc.want {
				t.Errorf("text(%s) =\n%s\nwant\n%s", tc.name, got, tc.want)
			}
		})
	}
}

// A webhook receiver learns from a health event which source, why, since
// when and after how many polls.
func TestPayloadHealth(t *testing.T) {
	e := archive.Event{ID: "a-9", Kind: archive.EventSourceFailed, Source: "s", Reason: "HTTP 500",
		Since: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), Polls: 2}
	data, err := json.Marshal(newPayload(e, ""))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"event": "source_failed", "source": "s", "reason": "HTTP 500", "since": "2026-03-01T08:00:00Z", "polls": 2.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("payload[%q] = %v, want %v (payload %s)", k, got[k], v, data)
		}
	}
	doc, _ := json.Marshal(newPayload(archive.Event{Kind: archive.EventNew}, ""))
	var plain map[string]any
	if err := json.Unmarshal(doc, &plain); err != nil || plain["since"] != nil || plain["polls"] != nil {
		t.Errorf("a document event's payload carries health fields: %s", doc)
	}
}

// A target that keeps only health events gets them and nothing else.
func TestWantsHealthEvents(t *testing.T) {
	c, err := compile(Target{Webhook: "https://hooks.example.org/x", Events: []string{archive.EventSourceFailed, archive.EventSourceRecovered}})
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]bool{archive.EventSourceFailed: true, archive.EventSourceRecovered: true, archive.EventNew: false} {
		if got := c.wants(archive.Event{Kind: kind, Source: "s"}); got != want {
			t.Errorf("wants(%s) = %v, want %v", kind, got, want)
		}
	}
}
