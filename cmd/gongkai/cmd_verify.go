package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/archive"
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
	st, err := archive.Open(cfg.DB, storeOptions(log, true))
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
	fmt.Fprintf(e.stdout, "%s: checked bbolt pages, %d documents, %d versions (content SHA-256), %d raw captures (SHA-256), %d events\n",
		cfg.DB, r.Docs, r.Versions, r.Captures, r.Events)
	for _, p := range r.Problems {
		fmt.Fprintln(e.stdout, "DAMAGE:", p)
	}
	if !r.OK() {
		return fmt.Errorf("%s: %d problem(s) found", cfg.DB, len(r.Problems))
	}
	fmt.Fprintln(e.stdout, "ok: no damage found")
	return nil
}
