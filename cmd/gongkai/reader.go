package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/export"
	"github.com/gongkai/gongkai/web"
)

// reader is what the read commands (docs, show, diff, export) need. bbolt
// lets one process hold the file, so while the daemon runs they read
// through its API instead of the file.
type reader interface {
	Docs(ctx context.Context, q archive.Query) ([]archive.Doc, int, error)
	Lookup(ctx context.Context, ref string) (archive.Doc, error)
	Versions(ctx context.Context, id uint64) ([]archive.Version, error) // records may be empty when remote
	Version(ctx context.Context, id uint64, n int) (archive.Version, error)
	JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error)
	Close() error
}

// openReader opens the archive file, or, when the daemon holds it, its API.
func openReader(ctx context.Context, cfg *config.Config, log *slog.Logger) (reader, error) {
	st, err := archive.Open(cfg.DB, archive.Options{Timeout: 300 * time.Millisecond, ReadOnly: true, Logger: log})
	if err == nil {
		return localReader{st}, nil
	}
	if !errors.Is(err, archive.ErrLocked) {
		return nil, err
	}
	base := daemonURL(cfg.Web.Listen)
	r := &remoteReader{base: base, auth: cfg.Web.Auth, client: &http.Client{Timeout: 5 * time.Minute}}
	if herr := r.get(ctx, "/api/health", nil); herr != nil {
		return nil, fmt.Errorf("%w, and its API at %s does not answer (%v); check web.listen in the config", err, base, herr)
	}
	log.Debug("archive in use; reading through the daemon's API", "url", base)
	return r, nil
}

type localReader struct{ *archive.Store }

func (l localReader) JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error) {
	return export.JSONL(ctx, l.Store, w, export.Options{Since: since})
}

type remoteReader struct {
	base   string
	auth   config.WebAuth
	client *http.Client
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

func (r *remoteReader) Close() error { return nil }

func (r *remoteReader) do(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return nil, err
	}
	authorize(req, r.auth)
	res, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("daemon API: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		defer res.Body.Close()
		var e struct {
			Error string `json:"error"`
		}
		json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&e)
		switch res.StatusCode {
		case http.StatusNotFound:
			return nil, fmt.Errorf("%s: %w", e.Error, archive.ErrNotFound)
		case http.StatusUnauthorized:
			e.Error += authHint(r.auth)
		}
		return nil, fmt.Errorf("daemon API %s: HTTP %d: %s", path, res.StatusCode, e.Error)
	}
	return res, nil
}

func (r *remoteReader) get(ctx context.Context, path string, v any) error {
	res, err := r.do(ctx, path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if v == nil {
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return fmt.Errorf("daemon API %s: %w", path, err)
	}
	return nil
}

func (r *remoteReader) Docs(ctx context.Context, q archive.Query) ([]archive.Doc, int, error) {
	v := url.Values{}
	for k, s := range map[string]string{"source": q.Source, "status": q.Status, "q": q.Text, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	} else {
		v.Set("limit", "1000000")
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	var out struct {
		Total int           `json:"total"`
		Docs  []archive.Doc `json:"docs"`
	}
	err := r.get(ctx, "/api/docs?"+v.Encode(), &out)
	return out.Docs, out.Total, err
}

func (r *remoteReader) Lookup(ctx context.Context, ref string) (archive.Doc, error) {
	var out struct {
		Doc archive.Doc `json:"doc"`
	}
	err := r.get(ctx, "/api/lookup?ref="+url.QueryEscape(ref), &out)
	return out.Doc, err
}

func (r *remoteReader) Versions(ctx context.Context, id uint64) ([]archive.Version, error) {
	var out struct {
		Versions []web.VersionInfo `json:"versions"`
	}
	if err := r.get(ctx, fmt.Sprintf("/api/docs/%d", id), &out); err != nil {
		return nil, err
	}
	vs := make([]archive.Version, len(out.Versions))
	for i, v := range out.Versions {
		vs[i] = archive.Version{Doc: id, N: v.N, FetchedAt: v.FetchedAt, SHA256: v.SHA256, RawSHA256: v.RawSHA256, RawSize: v.RawSize}
		vs[i].Record.Title = v.Title
	}
	return vs, nil
}

func (r *remoteReader) Version(ctx context.Context, id uint64, n int) (archive.Version, error) {
	var v archive.Version
	err := r.get(ctx, fmt.Sprintf("/api/docs/%d/versions/%d", id, n), &v)
	return v, err
}

func (r *remoteReader) JSONL(ctx context.Context, w io.Writer, since time.Time) (int, error) {
	path := "/api/export?format=jsonl"
	if !since.IsZero() {
		path += "&since=" + url.QueryEscape(since.Format(time.RFC3339))
	}
	res, err := r.do(ctx, path)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(w, res.Body)
	if err != nil {
		return 0, fmt.Errorf("daemon API export: %w", err)
	}
	return int(n), nil
}
