package extract

import (
	"testing"
	"time"
)

func TestNormalizeDate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"iso", "2025-01-23", "2025-01-23"},
		{"chinese", "2025年1月23日", "2025-01-23"},
		{"chinese padded", "2025年01月23日", "2025-01-23"},
		{"slashes", "2025/01/23", "2025-01-23"},
		{"slashes unpadded", "2025/1/3", "2025-01-03"},
		{"dots", "2020.03.16", "2020-03-16"},
		{"brackets", "[2026-01-01]", "2026-01-01"},
		{"full-width brackets and digits", "【２０２５－０１－２３】", "2025-01-23"},
		{"minutes", "2025-01-23 14:48", "2025-01-23 14:48"},
		{"seconds", "2025-01-23 14:48:26", "2025-01-23 14:48:26"},
		{"two spaces before time", "2019-02-12  16:43", "2019-02-12 16:43"},
		{"gov.cn hyphen before time", "2025-01-23-10:00:00", "2025-01-23 10:00:00"},
		{"unpadded PubDate", "2026-9-8 10:00", "2026-09-08 10:00"},
		{"trailing label", "2025-01-23 14:48:26 信息来源:宁海县公安局", "2025-01-23 14:48:26"},
		{"chinese with time", "2025年1月23日 9:05", "2025-01-23 09:05"},
		{"chinese hour minute", "2025年1月23日 9时05分", "2025-01-23 09:05"},
		{"rfc3339 converted to China time", "2025-01-23T02:00:00Z", "2025-01-23 10:00:00"},
		{"rfc3339 with offset", "2025-01-23T10:00:00+08:00", "2025-01-23 10:00:00"},
		{"leap day", "2024-02-29", "2024-02-29"},
		{"bad time kept as date", "2025-01-23 25:61", "2025-01-23"},

		{"index part", "2025-52138", ""},
		{"index part with month", "2026-02-00018", ""},
		{"whole index number", "002966124/2025-41880", ""},
		{"compact index", "20191202-189769", ""},
		{"lone year", "2025", ""},
		{"copyright years", "2003-2025", ""},
		{"copyright line", "版权所有 © 2025", ""},
		{"no leap day", "2025-02-29", ""},
		{"month 13", "2025-13-01", ""},
		{"mixed separators", "2025-01/23", ""},
		{"empty", "", ""},
		{"words", "主动公开", ""},
		{"placeholder", "{{ detail.date }}", ""},
		{"year out of range", "1800-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeDate(tt.in); got != tt.want {
				t.Errorf("NormalizeDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateFromStringEpoch(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"1736870400", "2025-01-15"},             // midnight China time: date only
		{"1736994600", "2025-01-16 10:30:00"},    // seconds
		{"1736994600000", "2025-01-16 10:30:00"}, // gov.cn milliseconds
		{"2025-01-16", "2025-01-16"},
	}
	for _, tt := range tests {
		if got := dateFromString(tt.in, loc); got != tt.want {
			t.Errorf("dateFromString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	utc := dateFromString("1736870400", time.UTC)
	if utc != "2025-01-14 16:00:00" {
		t.Errorf("dateFromString(1736870400, UTC) = %q, want 2025-01-14 16:00:00", utc)
	}
}
