//go:build linux

package main

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// add while the daemon runs: the new sources are written, the daemon gets
// SIGHUP (its pid from /api/health, checked to hold the archive) and
// schedules them.
func TestAddReloadsTheDaemon(t *testing.T) {
	t.Parallel()
	s := newAddSite(t, "hanweb")
	cfg, _, _ := writeAddConfig(t, s)
	c := startGongkai(t, "run", "-config", cfg)
	var base string
	until(t, time.Minute, "the daemon's web UI", func() bool {
		out := c.stdout.String()
		i := strings.Index(out, "web UI on ")
		if i < 0 {
			return false
		}
		base = strings.TrimSuffix(strings.Fields(out[i+len("web UI on "):])[0], "/")
		return true
	})
	stdout, stderr, err := gongkai(t, "add", "-config", cfg, "-delay", "0", "-all", s.srv.URL+s.exp.Directory)
	if err != nil {
		t.Fatalf("add: %v\n%s\n%s", err, stdout, stderr)
	}
	if want := fmt.Sprintf("sent SIGHUP to the gongkai daemon (pid %d)", c.cmd.Process.Pid); !strings.Contains(stdout, want) {
		t.Fatalf("add output lacks %q:\n%s", want, stdout)
	}
	var h daemonHealth
	until(t, time.Minute, "the reload to show in /api/health", func() bool {
		h, _ = getHealth(base)
		return h.Reload != nil
	})
	added := slices.Clone(h.Reload.Added)
	slices.Sort(added)
	if !h.Reload.OK || strings.Join(added, ",") != "site-col3001,site-col3002,site-col3003" || len(h.Scheduled) != 4 {
		t.Errorf("after add: reload %+v, scheduled %v; want the three new sources added and scheduled", *h.Reload, h.Scheduled)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Errorf("daemon exit %d\n%s", code, c.stderr.String())
	}
}
