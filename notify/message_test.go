package notify

import (
	"testing"

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
