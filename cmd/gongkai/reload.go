package main

import (
	"context"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/schedule"
)

// reloadStatus is the last reload's outcome, shown in /api/health.
type reloadStatus struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error,omitempty"` // the refused config's problems, with their lines
	Added   []string  `json:"added,omitempty"`
	Removed []string  `json:"removed,omitempty"`
	Changed []string  `json:"changed,omitempty"`
}

// sourceSet is the daemon's running sources: what is scheduled, and which
// of them have a poll going (so a rescheduled source never overlaps its
// own run, and "crawl now" never doubles a scheduled one).
type sourceSet struct {
	mu      sync.Mutex
	sources map[string]config.Source
	running map[string]bool
	last    *reloadStatus
}

// tryStart marks name running; false when a poll of it is going already.
func (s *sourceSet) tryStart(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		s.running = map[string]bool{}
	}
	if s.running[name] {
		return false
	}
	s.running[name] = true
	return true
}

func (s *sourceSet) done(name string) {
	s.mu.Lock()
	delete(s.running, name)
	s.mu.Unlock()
}

func (s *sourceSet) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.sources {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (s *sourceSet) status() *reloadStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// apply schedules want in place of the running sources: new ones are
// added, removed ones unscheduled (a poll of theirs already going
// finishes), changed ones rescheduled with their new settings.
func (d *daemon) apply(sched *schedule.Scheduler, want []config.Source) (added, removed, changed []string, err error) {
	d.set.mu.Lock()
	defer d.set.mu.Unlock()
	if d.set.sources == nil {
		d.set.sources = map[string]config.Source{}
	}
	next := map[string]config.Source{}
	for _, src := range want {
		next[src.Name] = src
	}
	for name, old := range d.set.sources {
		src, keep := next[name]
		if keep && sameSource(old, src) {
			continue
		}
		sched.Remove(name)
		delete(d.set.sources, name)
		if keep {
			changed = append(changed, name)
		} else {
			removed = append(removed, name)
		}
	}
	for _, src := range want {
		if _, ok := d.set.sources[src.Name]; ok {
			continue
		}
		if err := sched.Add(src.Name, src.Schedule, d.job(src)); err != nil {
			return added, removed, changed, err
		}
		d.set.sources[src.Name] = src
		if !slices.Contains(changed, src.Name) {
			added = append(added, src.Name)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	slices.Sort(changed)
	return added, removed, changed, nil
}

// sameSource compares two sources' settings, ignoring where they sit in
// the file.
func sameSource(a, b config.Source) bool {
	a.Line, b.Line = 0, 0
	return reflect.DeepEqual(a, b)
}

// reload reads the config file again and applies its sources. A config
// with problems is refused whole: the running one stays in force. Settings
// other than the sources (db, web, notify, timezone) need a restart.
func (d *daemon) reload(sched *schedule.Scheduler) {
	st := &reloadStatus{At: time.Now().UTC()}
	defer func() {
		d.set.mu.Lock()
		d.set.last = st
		d.set.mu.Unlock()
	}()
	d.log.Info("reloading config", "config", d.configPath)
	cfg, err := d.load()
	if err != nil {
		st.Error = err.Error()
		d.log.Error("config reload refused; the running config stays", "config", d.configPath, "err", err)
		return
	}
	if cfg.DB != d.cfg.DB || cfg.Web != d.cfg.Web || cfg.Timezone != d.cfg.Timezone ||
		cfg.UserAgent != d.cfg.UserAgent || !reflect.DeepEqual(cfg.Notify, d.cfg.Notify) {
		d.log.Warn("config reload: only sources are reloaded; db, web, notify, timezone and user_agent changes need a restart")
	}
	st.Added, st.Removed, st.Changed, err = d.apply(sched, cfg.Sources)
	if err != nil {
		st.Error = err.Error()
		d.log.Error("config reload partly applied", "err", err)
		return
	}
	st.OK = true
	if d.metrics != nil {
		d.metrics.SetSources(d.set.names())
	}
	d.log.Info("config reloaded", "sources", len(cfg.Sources), "added", st.Added, "removed", st.Removed, "changed", st.Changed)
}

// notifyReload routes SIGHUP to a channel: from then on it no longer
// kills the process. Call stop when the daemon ends.
func notifyReload() (hup <-chan os.Signal, stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)
	return c, func() { signal.Stop(c) }
}

// watchReload reloads on every SIGHUP until ctx ends.
func (d *daemon) watchReload(ctx context.Context, hup <-chan os.Signal, sched *schedule.Scheduler) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			d.reload(sched)
		}
	}
}
