package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestPrintVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want []string
	}{
		{"release with VCS stamp", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-03-01T08:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			[]string{"gongkai v1.2.0\n", "revision 0123abcd (2026-03-01T08:00:00Z), modified\n", "go"}},
		{"dev build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, []string{"gongkai (devel)\n", "revision unknown"}},
		{"no build info", nil, []string{"gongkai (unknown)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			printVersion(&b, tc.info)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("printVersion(%s) = %q, want it to contain %q", tc.name, b.String(), w)
				}
			}
		})
	}
}

// The command itself answers with this binary's build info.
func TestVersionCommand(t *testing.T) {
	out, _, err := gongkai(t, "version")
	if err != nil || !strings.HasPrefix(out, "gongkai ") || !strings.Contains(out, "go1.") {
		t.Errorf("gongkai version = %q, %v; want a version line and the Go version", out, err)
	}
}
