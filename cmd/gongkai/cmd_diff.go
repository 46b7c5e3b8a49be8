package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/gongkai/gongkai/diff"
)

func cmdDiff(ctx context.Context, e *env, args []string) error {
	var c common
	var color string
	var asJSON bool
	fs := e.flags("diff", "URL|ID [V1 V2]", "What changed between two versions of a document (default: the last two): metadata first, then the body by sentence.", &c)
	fs.StringVar(&color, "color", "auto", "highlight changed characters: auto, always or never")
	fs.BoolVar(&asJSON, "json", false, "print the diff as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 && fs.NArg() != 3 {
		fs.Usage()
		return errUsage
	}
	r, err := e.reader(ctx, c)
	if err != nil {
		return err
	}
	defer r.Close()
	d, vs, latest, err := lookupDoc(ctx, r, fs.Arg(0))
	if err != nil {
		return err
	}
	b := latest.N
	a := b - 1
	if fs.NArg() == 3 {
		if a, err = strconv.Atoi(fs.Arg(1)); err != nil {
			return fmt.Errorf("V1 %q is not a version number", fs.Arg(1))
		}
		if b, err = strconv.Atoi(fs.Arg(2)); err != nil {
			return fmt.Errorf("V2 %q is not a version number", fs.Arg(2))
		}
	}
	if a < 1 || b < 1 || a > len(vs) || b > len(vs) {
		if len(vs) == 1 {
			return fmt.Errorf("document %d has one version: nothing to compare", d.ID)
		}
		return fmt.Errorf("document %d has versions 1 to %d", d.ID, len(vs))
	}
	va, err := r.Version(ctx, d.ID, a)
	if err != nil {
		return err
	}
	vb, err := r.Version(ctx, d.ID, b)
	if err != nil {
		return err
	}
	res := diff.Documents(va.Record, vb.Record)
	if asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s\n%s\nv%d (%s) → v%d (%s)\n\n", termSafe(vb.Record.Title), termSafe(d.URL), a, local(va.FetchedAt), b, local(vb.FetchedAt))
	return diff.WriteTerminal(e.stdout, safeResult(res), useColor(color, e))
}

func useColor(mode string, e *env) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
}
