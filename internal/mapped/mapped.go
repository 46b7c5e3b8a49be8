// Package mapped keeps the pages of memory-mapped files that a long-running
// process has read from piling up in its resident set.
//
// The archive (bbolt) and the search index (bleve's zap segments) are read
// through memory maps. Every page a read touches stays mapped into the
// process, and the kernel maps the neighbours of each faulted page too
// (fault-around, 64 KB or a whole large folio), so a daemon that serves
// searches and document pages for weeks ends up with most of its archive
// and index counted in its RSS, although they are only the kernel's page
// cache, shared and reclaimable. A Limiter watches the process's resident
// file pages and, when they pass a budget, unmaps them (madvise
// MADV_DONTNEED): they stay in the page cache, and the next read maps them
// again with a minor fault, without I/O. What the process itself allocates
// is never touched.
package mapped

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Releaser unmaps the pages of its mapped files from the process (see
// Release). Implementations must only release mappings they know to be
// alive for the duration of the call.
type Releaser interface {
	ReleaseMapped() error
}

// Limiter releases mapped pages when the process's resident file-backed
// memory passes Budget. It looks after every request of a handler it wraps
// (reads map pages in bursts: one search maps megabytes) and every Every.
type Limiter struct {
	Budget   int64         // bytes of resident file pages allowed (default 128 MiB)
	Every    time.Duration // how often to look without requests (default 5s)
	Logger   *slog.Logger
	Release  []Releaser
	resident func() (int64, bool) // test seam: ResidentFile

	once sync.Once
	kick chan struct{}
}

func (l *Limiter) init() {
	l.once.Do(func() {
		l.kick = make(chan struct{}, 1)
		if l.Budget <= 0 {
			l.Budget = 128 << 20
		}
		if l.Every <= 0 {
			l.Every = 5 * time.Second
		}
		if l.Logger == nil {
			l.Logger = slog.New(slog.DiscardHandler)
		}
		if l.resident == nil {
			l.resident = ResidentFile
		}
	})
}

// Kick asks for a look soon; it never blocks.
func (l *Limiter) Kick() {
	l.init()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Wrap returns h, kicking the limiter after each request.
func (l *Limiter) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer l.Kick()
		h.ServeHTTP(w, r)
	})
}

// Run watches until ctx ends. Where the resident file memory cannot be read
// (not Linux) it returns at once.
func (l *Limiter) Run(ctx context.Context) {
	l.init()
	if _, ok := l.resident(); !ok {
		return
	}
	t := time.NewTicker(l.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.kick:
		}
		l.check()
	}
}

// check releases every mapping once the budget is passed.
func (l *Limiter) check() {
	n, ok := l.resident()
	if !ok || n <= l.Budget {
		return
	}
	for _, r := range l.Release {
		if err := r.ReleaseMapped(); err != nil {
			l.Logger.Warn("could not release mapped pages", "err", err)
		}
	}
	after, _ := l.resident()
	l.Logger.Debug("released mapped file pages", "before_mb", n>>20, "after_mb", after>>20)
}
