package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Timeouts of the HTTP server. WriteTimeout bounds every page and API
// answer; the two long downloads (/api/export, /api/backup) replace it with
// a rolling deadline: each write must finish within streamStall, so a slow
// but steady client gets the whole file and a stalled one is cut off.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second // requests are GETs without bodies
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	streamStall       = time.Minute
)

// HTTPServer returns an http.Server for h with the timeouts above, so that
// no client, however slow, holds a connection (or the archive) for ever.
func HTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
}

// streamWriter writes a long response: before each write it moves the
// connection's write deadline streamStall ahead and checks ctx. Writers
// without deadlines (httptest.ResponseRecorder) are written to directly.
type streamWriter struct {
	ctx context.Context
	w   http.ResponseWriter
	rc  *http.ResponseController
}

func newStreamWriter(ctx context.Context, w http.ResponseWriter) *streamWriter {
	return &streamWriter{ctx: ctx, w: w, rc: http.NewResponseController(w)}
}

func (s *streamWriter) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if err := s.rc.SetWriteDeadline(time.Now().Add(streamStall)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return 0, err
	}
	return s.w.Write(p)
}

// snapshot writes a backup of the archive to an unlinked temporary file in
// dir ("" = the system's) and returns it rewound, with its size. The read
// transaction lasts only as long as the local disk write, never as long as
// a client takes to download. The caller closes the file, which frees it.
func (s *Server) snapshot(ctx context.Context, dir string) (*os.File, int64, error) {
	f, err := os.CreateTemp(dir, "gongkai-backup-*.db")
	if err != nil {
		return nil, 0, fmt.Errorf("backup snapshot: %w", err)
	}
	// Unlinked at once: the space returns when f closes, even after a crash.
	// Where an open file cannot be removed, it is removed on the way out.
	if os.Remove(f.Name()) != nil {
		defer os.Remove(f.Name())
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	n, err := s.r.Backup(ctx, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("backup snapshot: %w", err)
	}
	return f, n, nil
}
