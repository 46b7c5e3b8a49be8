package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/config"
)

func cmdValidate(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("validate", "", "Check the config and print every problem at once, with its line.", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(c.config, check)
	if err != nil {
		var ps *config.Problems
		if errors.As(err, &ps) {
			fmt.Fprintln(e.stdout, (&config.Problems{File: ps.File, List: newRedactor(nil).problems(ps.List)}).Error())
			for _, w := range ps.Warnings {
				fmt.Fprintf(e.stdout, "%s: warning: %s\n", c.config, w)
			}
			return fmt.Errorf("%s is not valid", c.config)
		}
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stdout, "%s: warning: %s\n", c.config, w)
	}
	fmt.Fprintf(e.stdout, "%s: ok — %d source(s), %d notification target(s), archive %s, zone %s\n",
		c.config, len(cfg.Sources), len(cfg.Notify), cfg.DB, cfg.Timezone)
	for _, s := range cfg.Sources {
		fmt.Fprintf(e.stdout, "  %s: %q, %d start URL(s), delay %s, revisit %s\n", s.Name, s.Schedule, len(s.Start), s.Delay, s.Revisit)
	}
	return nil
}
