package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/search"
)

func cmdVerify(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("verify", "", "Run bbolt's consistency check and recompute every stored digest (content fingerprints and raw capture SHA-256). Exit status 1 on damage.", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	log := e.logger(c.verbose)
	cfg, err := e.readConfig(c, log)
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
	// The search index is derived data: its drift is reported, not damage.
	if d, err := indexDrift(ctx, st, search.Dir(cfg.DB), log); err != nil {
		fmt.Fprintf(e.stdout, "search index: %v\n", err)
	} else {
		fmt.Fprintln(e.stdout, d)
	}
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
	return archive.Open(path, storeOptions(log, true))
}
