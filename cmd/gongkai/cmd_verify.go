package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/gongkai/gongkai/archive"
)

func cmdVerify(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("verify", "", "Run bbolt's consistency check and recompute every stored digest (content fingerprints and raw capture SHA-256). Exit status 1 on damage.", &c)
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	st, err := archive.Open(cfg.DB, archive.Options{ReadOnly: true, Timeout: 500 * time.Millisecond, Logger: log})
	if errors.Is(err, archive.ErrLocked) {
		return fmt.Errorf("%w\nverify a consistent copy instead: gongkai backup copy.db && gongkai verify -db copy.db", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: checked bbolt pages, %d documents, %d versions (content SHA-256), %d raw captures (SHA-256), %d re-extractions, %d events, list index and counters\n",
		cfg.DB, r.Docs, r.Versions, r.Captures, r.Reextractions, r.Events)
	for _, p := range r.Problems {
		fmt.Fprintln(e.stdout, "DAMAGE:", p)
	}
	if !r.OK() {
		return fmt.Errorf("%s: %d problem(s) found", cfg.DB, len(r.Problems))
	}
	fmt.Fprintln(e.stdout, "ok: no damage found")
	return nil
}

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
	cfg, err := e.loadConfig(c, log)
	if err != nil {
		return err
	}
	var n int64
	st, err := archive.Open(cfg.DB, archive.Options{ReadOnly: true, Timeout: 300 * time.Millisecond, Logger: log})
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

func cmdCompact(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("compact", "", "Rewrite the archive without the free pages bbolt keeps (the daemon must be stopped). The old file is kept as FILE.old until the new one verifies.", &c)
	cfg, _, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	tmp := cfg.DB + ".compact"
	os.Remove(tmp)
	if err := archive.Compact(ctx, cfg.DB, tmp); err != nil {
		return err
	}
	st, err := archive.Open(tmp, archive.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	r, err := st.Verify(ctx)
	st.Close()
	if err != nil || !r.OK() {
		os.Remove(tmp)
		return fmt.Errorf("compacted copy did not verify (%v %v); the original is untouched", err, r.Problems)
	}
	before, _ := os.Stat(cfg.DB)
	after, _ := os.Stat(tmp)
	if err := os.Rename(cfg.DB, cfg.DB+".old"); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := os.Rename(tmp, cfg.DB); err != nil {
		return fmt.Errorf("compact: %w (the original is at %s.old)", err, cfg.DB)
	}
	os.Remove(cfg.DB + ".old")
	fmt.Fprintf(e.stdout, "compacted %s: %d → %d bytes\n", cfg.DB, before.Size(), after.Size())
	return nil
}

func cmdNotifyTest(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("notify-test", "", "Send a sample event to every notification target and say which succeeded.", &c)
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	if len(cfg.Notify) == 0 {
		return fmt.Errorf("%s has no notify: targets", c.config)
	}
	n, err := newNotifier(nil, cfg, log)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range n.Test(ctx) {
		if r.Err != nil {
			failed++
			fmt.Fprintf(e.stdout, "FAIL  %s: %v\n", r.Target, r.Err)
		} else {
			fmt.Fprintf(e.stdout, "ok    %s\n", r.Target)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d target(s) failed", failed, len(cfg.Notify))
	}
	return nil
}
