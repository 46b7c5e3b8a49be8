//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// daemonHealth is the part of /api/health the reload test reads.
type daemonHealth struct {
	Status    string               `json:"status"`
	PID       int                  `json:"pid"`
	Scheduled map[string]time.Time `json:"scheduled"`
	Reload    *reloadStatus        `json:"reload"`
}

func getHealth(base string) (daemonHealth, bool) {
	var h daemonHealth
	res, err := http.Get(base + "/api/health")
	if err != nil {
		return h, false
	}
	defer res.Body.Close()
	return h, res.StatusCode == http.StatusOK && json.NewDecoder(res.Body).Decode(&h) == nil
}

// metricSources parses /metrics with Prometheus's parser and returns the
// sources that have a last-success series.
func metricSources(t *testing.T, base string) map[string]bool {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("the daemon's /metrics does not parse: %v", err)
	}
	out := map[string]bool{}
	if f := fams["gongkai_last_success_timestamp_seconds"]; f != nil {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if l.GetName() == "source" {
					out[l.GetValue()] = true
				}
			}
		}
	}
	return out
}

// A running daemon picks up an added source on SIGHUP, and keeps its
// running config when the new file is broken, saying which lines are wrong.
func TestReloadOnSIGHUP(t *testing.T) {
	t.Parallel()
	site := newSlowSite(t, 3, 0)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gongkai.yaml")
	listen := freePort(t)
	base := "http://" + listen
	write := func(sources string) {
		yaml := fmt.Sprintf("db: %s\nweb: {listen: %s}\nsources:\n%s", filepath.Join(dir, "gongkai.db"), listen, sources)
		if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	one := fmt.Sprintf("  - name: one\n    start: [%s]\n    schedule: \"@every 6h\"\n", site.listURL())
	two := fmt.Sprintf("  - name: two\n    start: [%s]\n    schedule: \"0 3 * * *\"\n", site.listURL())
	write(one)

	c := startGongkai(t, "run", "-config", cfg)
	until(t, time.Minute, "the daemon to answer /api/health", func() bool { _, ok := getHealth(base); return ok })
	if h, _ := getHealth(base); len(h.Scheduled) != 1 || h.Reload != nil || h.PID != c.cmd.Process.Pid {
		t.Fatalf("health at start = %+v, want source one scheduled, no reload yet and pid %d", h, c.cmd.Process.Pid)
	}
	if got := metricSources(t, base); !got["one"] {
		t.Errorf("/metrics has last-success series for %v, want one", got)
	}

	hup := func() {
		t.Helper()
		if err := c.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}
	write(one + two)
	hup()
	var h daemonHealth
	until(t, time.Minute, "the reload to show in /api/health", func() bool {
		h, _ = getHealth(base)
		return h.Reload != nil
	})
	if !h.Reload.OK || strings.Join(h.Reload.Added, ",") != "two" || h.Scheduled["two"].IsZero() || h.Scheduled["one"].IsZero() {
		t.Fatalf("after adding a source and SIGHUP: health = %+v, reload = %+v; want two added and both scheduled", h, *h.Reload)
	}
	if got := metricSources(t, base); !got["one"] || !got["two"] {
		t.Errorf("/metrics after the reload has series for %v, want one and two", got)
	}

	first := h.Reload.At
	write(one + two + "  - name: three\n    start: [not a url]\n    schedule: \"every day\"\n")
	hup()
	until(t, time.Minute, "the second reload to show in /api/health", func() bool {
		h, _ = getHealth(base)
		return h.Reload != nil && h.Reload.At.After(first)
	})
	if h.Reload.OK || !strings.Contains(h.Reload.Error, "line 11: sources[2].start") || !strings.Contains(h.Reload.Error, "line 12: sources[2].schedule") {
		t.Errorf("broken config reload = %+v, want it refused with the lines of start and schedule (11, 12)", *h.Reload)
	}
	if len(h.Scheduled) != 2 || h.Scheduled["two"].IsZero() {
		t.Errorf("after a refused reload: scheduled = %v, want one and two still", h.Scheduled)
	}
	until(t, time.Minute, "the refused reload in the log", func() bool {
		return strings.Contains(c.stderr.String(), "config reload refused")
	})

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != 0 {
		t.Errorf("exit %d after SIGTERM\n%s", code, c.stderr.String())
	}
}
