// Command browserserve serves the web UI over a throwaway archive filled with
// the demo documents, for the browser test and for looking at the UI by hand:
//
//	go run ./web/internal/browserserve
//
// It prints the URL (on 127.0.0.1, a free port) on its first line and
// serves until interrupted; the archive is deleted on exit.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
	"github.com/gongkai/gongkai/web/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "browserserve:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "gongkai-browserserve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := archive.Open(filepath.Join(dir, "gongkai.db"), archive.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	if err := demo.Seed(ctx, store, time.Date(2025, 1, 23, 2, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	next := time.Now().Add(time.Hour).Truncate(time.Hour)
	ix, err := search.Open(search.Dir(store.Path()), store, search.Options{Logger: log})
	if err != nil {
		return err
	}
	defer ix.Close()
	if _, err := ix.CatchUp(ctx); err != nil {
		return err
	}
	h := web.New(store, web.Options{Logger: log, Schedule: func(string) (time.Time, bool) { return next, true }, Search: ix})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
