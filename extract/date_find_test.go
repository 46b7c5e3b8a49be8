package extract

import "testing"

func TestFindDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"通知公告 2025-01-23", "2025-01-23"},
		{"发布于2024年7月25日，来源：市公安局", "2024-07-25"},
		{"索引号 002966124/2025-41880 发布 2025-02-30 成文 2025-02-28", "2025-02-28"},
		{"SY310107202603028 2026-02-00018", ""},
		{"占位 1900-01-01", ""},
		{"发布时间：2025-01-23T08:00:00Z", "2025-01-23 16:00:00"},
		{"no date", ""},
	}
	for _, tt := range tests {
		if got := FindDate(tt.in); got != tt.want {
			t.Errorf("FindDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
