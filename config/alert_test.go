package config

import (
	"strings"
	"testing"
)

func TestAlertAfterFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string // the source's alert_after_failures line, "" = unset
		want int
		err  string
	}{
		{"default", "", DefaultAlertAfterFailures, ""},
		{"set", "    alert_after_failures: 5\n", 5, ""},
		{"zero is refused", "    alert_after_failures: 0\n", 0, "line 4: sources[0].alert_after_failures"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte("sources:\n  - name: s\n    start: [https://www.example.gov.cn/col/index.html]\n"+tc.line), "gongkai.yaml")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse = %v, want an error naming %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Sources[0].AlertAfterFailures; got != tc.want {
				t.Errorf("AlertAfterFailures = %d, want %d", got, tc.want)
			}
		})
	}
}
