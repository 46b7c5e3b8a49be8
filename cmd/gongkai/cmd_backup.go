package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
)

func cmdBackup(ctx context.Context, e *env, args []string) error {
	var c common
	var force bool
	fs := e.flags("backup", "[-force] FILE", "Write a consistent copy of the archive to FILE, also while the daemon runs (through its API).", &c)
	fs.BoolVar(&force, "force", false, "replace FILE if it exists")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	out := fs.Arg(0)
	log := e.logger(c.verbose)
	cfg, err := e.readConfig(c, log)
	if err != nil {
		return err
	}
	if err := checkOutput(out, cfg.DB, force); err != nil {
		return err
	}
	var n int64
	st, err := archive.Open(cfg.DB, storeOptions(log, true))
	switch {
	case err == nil:
		defer st.Close()
		n, err = st.BackupFile(ctx, out)
	case errors.Is(err, archive.ErrLocked):
		log.Debug("archive in use; backing up through the daemon's API")
		n, err = remoteBackup(ctx, daemonURL(cfg.Web.Listen)+"/api/backup", cfg.Web.Auth, out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup: %d bytes written to %s\n", n, out)
	return nil
}

func remoteBackup(ctx context.Context, u string, auth config.WebAuth, out string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	authorize(req, auth)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("backup through the daemon: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&e)
		if res.StatusCode == http.StatusUnauthorized {
			e.Error += authHint(auth)
		}
		return 0, fmt.Errorf("backup through the daemon: HTTP %d: %s", res.StatusCode, e.Error)
	}
	n, err := writeFileAtomic(out, func(w io.Writer) (int, error) {
		n, err := io.Copy(w, res.Body)
		return int(n), err
	})
	return int64(n), err
}
