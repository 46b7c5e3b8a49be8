package main

import (
	"context"
	"fmt"
)

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
