package schedule

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestPanicDoesNotStopOtherJobsOrItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Location: time.UTC})
		var panics, good atomic.Int32
		if err := s.Add("bad", "@every 1m", func(context.Context) { panics.Add(1); panic("boom") }); err != nil {
			t.Fatal(err)
		}
		if err := s.Add("good", "@every 1m", func(context.Context) { good.Add(1) }); err != nil {
			t.Fatal(err)
		}
		s.Start(t.Context())
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		if err := s.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
		if panics.Load() != 3 || good.Load() != 3 {
			t.Errorf("after 3 minutes: panicking job ran %d times, good job %d; want 3 and 3", panics.Load(), good.Load())
		}
	})
}

func TestRunNeverOverlapsItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Location: time.UTC})
		var running, maxRunning, runs atomic.Int32
		s.Add("slow", "@every 1m", func(ctx context.Context) {
			n := running.Add(1)
			if n > maxRunning.Load() {
				maxRunning.Store(n)
			}
			runs.Add(1)
			select {
			case <-time.After(150 * time.Second): // longer than the interval
			case <-ctx.Done():
			}
			running.Add(-1)
		})
		s.Start(t.Context())
		time.Sleep(10 * time.Minute)
		s.Stop(t.Context())
		if maxRunning.Load() != 1 {
			t.Errorf("%d runs of one source at once, want 1", maxRunning.Load())
		}
		if runs.Load() < 3 {
			t.Errorf("only %d runs in 10 minutes", runs.Load())
		}
	})
}

func TestStopCancelsRunningJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Location: time.UTC})
		var cancelled atomic.Bool
		s.Add("long", "@every 1m", func(ctx context.Context) {
			<-ctx.Done()
			cancelled.Store(true)
		})
		s.Start(t.Context())
		time.Sleep(61 * time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if !cancelled.Load() {
			t.Error("Stop returned before the running job saw its context end")
		}
	})
}

func TestZoneAndNext(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s := New(Options{Location: loc})
	if err := s.Add("a", "0 8 * * *", func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("b", "TZ=Asia/Shanghai", func(context.Context) {}); err == nil {
		t.Error("a spec that makes cron panic was accepted")
	}
	s.Start(context.Background())
	defer s.Stop(context.Background())
	next, ok := s.Next("a")
	if !ok || next.In(loc).Hour() != 8 || next.In(loc).Minute() != 0 {
		t.Errorf("Next(a) = %v, %v; want 08:00 China time", next, ok)
	}
}

// A removed source's running poll finishes undisturbed, and it never runs
// again; a source added while running is scheduled.
func TestRemoveLetsTheRunningPollFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Location: time.UTC})
		var runs, finished, added atomic.Int32
		s.Add("old", "@every 1m", func(ctx context.Context) {
			runs.Add(1)
			select {
			case <-time.After(30 * time.Second):
				finished.Add(1)
			case <-ctx.Done():
			}
		})
		s.Start(t.Context())
		time.Sleep(70 * time.Second) // the first run is 10 s in
		if !s.Remove("old") || s.Remove("old") {
			t.Fatal("Remove: want true once, then false")
		}
		if err := s.Add("new", "@every 1m", func(context.Context) { added.Add(1) }); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		s.Stop(t.Context())
		if runs.Load() != 1 || finished.Load() != 1 {
			t.Errorf("removed source: %d runs, %d finished; want its one running poll to finish and no other", runs.Load(), finished.Load())
		}
		if added.Load() < 4 {
			t.Errorf("source added while running ran %d times in 5 minutes, want 5", added.Load())
		}
	})
}
