// Package schedule runs each source's crawl on its cron spec (robfig/cron
// v3) in the configured zone: a source's run never overlaps itself, a panic
// in one job is logged and does not stop the others, and every run gets a
// context derived from the scheduler's, so stopping ends them all.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gongkai/gongkai/config"

	"github.com/gongkai/gongkai/internal/chinatime"
)

// Job is one scheduled run. It must return when ctx is done.
type Job func(ctx context.Context)

// Options configure a Scheduler. The zero value works.
type Options struct {
	Location *time.Location // default Asia/Shanghai
	Logger   *slog.Logger   // default discards
	// Timeout bounds one run; default 6h. A run still going then is cancelled.
	Timeout time.Duration
}

// Scheduler owns the cron instance and the runs it starts.
type Scheduler struct {
	cron    *cron.Cron
	opts    Options
	mu      sync.Mutex
	entries map[string]cron.EntryID
	ctx     context.Context
	cancel  context.CancelFunc
}

// New returns a stopped scheduler.
func New(opts Options) *Scheduler {
	if opts.Location == nil {
		opts.Location = chinatime.Location()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 6 * time.Hour
	}
	l := cronLogger{opts.Logger}
	// SkipIfStillRunning must wrap Recover: the other order leaves the
	// skip lock held after a panic and the job never runs again.
	c := cron.New(cron.WithLocation(opts.Location), cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	return &Scheduler{cron: c, opts: opts, entries: map[string]cron.EntryID{}}
}

// Add schedules job under name with a spec already checked by
// config.CheckSchedule (checked again here so a bad spec cannot panic).
func (s *Scheduler) Add(name, spec string, job Job) error {
	if err := config.CheckSchedule(spec); err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.entries[name]; dup {
		return fmt.Errorf("schedule %s: already scheduled", name)
	}
	id, err := s.cron.AddFunc(spec, func() { s.runJob(name, job) })
	if err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	s.entries[name] = id
	return nil
}

// Remove unschedules name. A run of it already going is not interrupted:
// it ends as it would have. It reports whether name was scheduled.
func (s *Scheduler) Remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.entries[name]
	if ok {
		s.cron.Remove(id)
		delete(s.entries, name)
	}
	return ok
}

func (s *Scheduler) runJob(name string, job Job) {
	s.mu.Lock()
	parent := s.ctx
	s.mu.Unlock()
	if parent == nil || parent.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(parent, s.opts.Timeout)
	defer cancel()
	start := time.Now()
	s.opts.Logger.Info("scheduled run", "source", name)
	job(ctx)
	s.opts.Logger.Info("scheduled run done", "source", name, "duration", time.Since(start).Round(time.Millisecond))
}

// Next is the next scheduled run of name.
func (s *Scheduler) Next(name string) (time.Time, bool) {
	s.mu.Lock()
	id, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}, false
	}
	e := s.cron.Entry(id)
	return e.Next, !e.Next.IsZero()
}

// Start begins scheduling; runs get contexts derived from ctx.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.mu.Unlock()
	s.cron.Start()
}

// Stop stops scheduling, cancels running jobs, and waits for them to
// return or for ctx to end.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop scheduler: runs still going: %w", ctx.Err())
	}
}

// cronLogger adapts slog to cron's logger (cron logs panics it recovered).
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
