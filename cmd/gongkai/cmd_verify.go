package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
)

func cmdVerify(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("verify", "", "Run bbolt's consistency check and recompute every stored digest (content fingerprints and raw capture SHA-256). Exit status 1 on damage.", &c)
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	st, err := openDamaged(cfg.DB, log)
	var damaged *damagedError
	if errors.As(err, &damaged) {
		fmt.Fprintf(e.stdout, "%s: could not be opened\nDAMAGE: %v\n", cfg.DB, damaged.reason)
		return fmt.Errorf("%s: 1 problem(s) found", cfg.DB)
	}
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

// damagedError is a panic of bbolt while opening a damaged file.
type damagedError struct{ reason any }

func (e *damagedError) Error() string { return fmt.Sprintf("damaged archive: %v", e.reason) }

// openDamaged opens the archive read-only for verify. bbolt panics on some
// damaged pages as it opens the file ("Page expected to be…"); verify
// exists to report such damage, so the panic becomes a *damagedError.
func openDamaged(path string, log *slog.Logger) (st *archive.Store, err error) {
	defer func() {
		if p := recover(); p != nil {
			st, err = nil, &damagedError{reason: p}
		}
	}()
	return archive.Open(path, archive.Options{ReadOnly: true, Timeout: 500 * time.Millisecond, Logger: log})
}

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
	cfg, err := e.loadConfig(c, log)
	if err != nil {
		return err
	}
	if err := checkOutput(out, cfg.DB, force); err != nil {
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
	redact := newRedactor(cfg)
	for _, r := range n.Test(ctx) {
		if r.Err != nil {
			failed++
			fmt.Fprintf(e.stdout, "FAIL  %s: %s\n", redact.text(r.Target), redact.text(r.Err.Error()))
		} else {
			fmt.Fprintf(e.stdout, "ok    %s\n", r.Target)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d target(s) failed", failed, len(cfg.Notify))
	}
	return nil
}
