package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gongkai/gongkai/archive"
)

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
