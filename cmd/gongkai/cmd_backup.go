package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gongkai/gongkai/archive"
)

func cmdBackup(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("backup", "FILE", "Write a consistent copy of the archive to FILE, also while the daemon runs (through its API).", &c)
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
	var n int64
	st, err := archive.Open(cfg.DB, storeOptions(log, true))
	switch {
	case err == nil:
		defer st.Close()
		n, err = st.BackupFile(ctx, out)
	case errors.Is(err, archive.ErrLocked):
		log.Debug("archive in use; backing up through the daemon's API")
		n, err = remoteBackup(ctx, "http://"+cfg.Web.Listen+"/api/backup", out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup: %d bytes written to %s\n", n, out)
	return nil
}

func remoteBackup(ctx context.Context, u, out string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("backup through the daemon: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("backup through the daemon: HTTP %d", res.StatusCode)
	}
	n, err := writeFileAtomic(out, func(w io.Writer) (int, error) {
		n, err := io.Copy(w, res.Body)
		return int(n), err
	})
	return int64(n), err
}
