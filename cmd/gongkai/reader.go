package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/export"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web/api"
)

// reader is what the read commands (docs, show, diff, export) need. bbolt
// lets one process hold the file, so while the daemon runs they read
// through its API instead of the file.
type reader interface {
	List(ctx context.Context, q archive.ListQuery) (archive.Page, error)
	Search(ctx context.Context, q search.Query) (search.Result, error)
	Lookup(ctx context.Context, ref string) (archive.Doc, error)
	Versions(ctx context.Context, id uint64) ([]archive.Version, error) // records may be empty when remote
	Version(ctx context.Context, id uint64, n int) (archive.Version, error)
	JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error)
	Close() error
}

// openReader opens the archive file, or, when the daemon holds it, its API.
func openReader(ctx context.Context, cfg *config.Config, log *slog.Logger) (reader, error) {
	st, err := archive.Open(cfg.DB, storeOptions(log, true))
	if err == nil {
		return &localReader{Store: st, log: log}, nil
	}
	if !errors.Is(err, archive.ErrLocked) {
		return nil, err
	}
	base := daemonURL(cfg.Web.Listen)
	r := remoteReader{api.NewClient(base, api.Options{
		Authorize:        func(req *http.Request) { authorize(req, cfg.Web.Auth) },
		UnauthorizedHint: authHint(cfg.Web.Auth),
	})}
	if _, herr := r.Health(ctx); herr != nil {
		return nil, fmt.Errorf("%w, and its API at %s does not answer (%v); check web.listen in the config", err, base, herr)
	}
	log.Debug("archive in use; reading through the daemon's API", "url", base)
	return r, nil
}

// localReader reads the archive file and, for searches, the index beside it.
type localReader struct {
	*archive.Store
	log   *slog.Logger
	index *search.Index
}

func (l *localReader) JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error) {
	return export.JSONL(ctx, l.Store, w, export.Options{Since: since})
}

// Search opens the index on first use and brings it up to date first.
func (l *localReader) Search(ctx context.Context, q search.Query) (search.Result, error) {
	if l.index == nil {
		ix, err := search.OpenExisting(search.Dir(l.Path()), l.Store, search.Options{Logger: l.log})
		if err != nil {
			return search.Result{}, err
		}
		l.index = ix
		if _, err := ix.CatchUp(ctx); err != nil {
			return search.Result{}, err
		}
	}
	return l.index.Search(ctx, q)
}

func (l *localReader) Close() error {
	if l.index != nil {
		l.index.Close()
	}
	return l.Store.Close()
}

// daemonURL is the base URL the CLI reaches the daemon's API at: its
// listen address, with a wildcard host (":8080", "0.0.0.0:8080") replaced
// by loopback.
func daemonURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// passwordEnv holds the web.auth password for the CLI: the config keeps
// only its bcrypt hash.
const passwordEnv = "GONGKAI_PASSWORD"

// authorize adds the config's web.auth credential to a request to the daemon.
func authorize(req *http.Request, a config.WebAuth) {
	switch {
	case a.Token != "":
		req.Header.Set("Authorization", "Bearer "+a.Token)
	case a.User != "":
		req.SetBasicAuth(a.User, os.Getenv(passwordEnv))
	}
}

// authHint explains a 401 from the daemon.
func authHint(a config.WebAuth) string {
	if a.User != "" && os.Getenv(passwordEnv) == "" {
		return fmt.Sprintf(" (set %s to the password of web.auth.user %q)", passwordEnv, a.User)
	}
	return " (check web.auth in the config)"
}

// remoteReader reads through the daemon's API.
type remoteReader struct{ *api.Client }

func (r remoteReader) Close() error { return nil }

func (r remoteReader) Lookup(ctx context.Context, ref string) (archive.Doc, error) {
	d, err := r.Client.Lookup(ctx, ref)
	return d.Doc, err
}

func (r remoteReader) Versions(ctx context.Context, id uint64) ([]archive.Version, error) {
	d, err := r.Client.Doc(ctx, id)
	if err != nil {
		return nil, err
	}
	vs := make([]archive.Version, len(d.Versions))
	for i, v := range d.Versions {
		vs[i] = archive.Version{Doc: id, N: v.N, FetchedAt: v.FetchedAt, SHA256: v.SHA256, RawSHA256: v.RawSHA256, RawSize: v.RawSize}
		vs[i].Record.Title = v.Title
	}
	return vs, nil
}

func (r remoteReader) JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error) {
	n, err := r.Export(ctx, w, since)
	return int(n), err
}
