package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/gongkai/gongkai/export"
	"github.com/gongkai/gongkai/internal/atomicfile"

	"github.com/gongkai/gongkai/internal/chinatime"
)

func cmdExport(ctx context.Context, e *env, args []string) error {
	var c common
	var format, out, since string
	var force bool
	fs := e.flags("export", "-format jsonl|warc [-o FILE] [-since DATE]", `Export every stored version: jsonl (one JSON object per version, the
documented schema) or warc (WARC/1.1, gzip per record, with the raw captures).`, &c)
	fs.StringVar(&format, "format", "jsonl", "jsonl or warc")
	fs.StringVar(&out, "o", "", "write to FILE (default standard output; required for warc)")
	fs.BoolVar(&force, "force", false, "replace FILE if it exists")
	fs.StringVar(&since, "since", "", "only versions fetched at or after this date (YYYY-MM-DD, China time) or RFC 3339 time")
	if err := parse(fs, args); err != nil {
		return err
	}
	var from time.Time
	if since != "" {
		var err error
		if from, err = parseSince(since); err != nil {
			return err
		}
	}
	if format != "jsonl" && format != "warc" {
		return fmt.Errorf("-format %q: want jsonl or warc", format)
	}
	if format == "warc" && out == "" {
		return fmt.Errorf("-format warc needs -o FILE.warc.gz")
	}
	log := e.logger(c.verbose)
	cfg, err := e.readConfig(c, log)
	if err != nil {
		return err
	}
	if out != "" {
		if err := checkOutput(out, cfg.DB, force); err != nil {
			return err
		}
	}
	r, err := openReader(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer r.Close()
	write := func(w io.Writer) (int, error) { return r.JSONL(ctx, w, from) }
	if format == "warc" {
		local, ok := r.(*localReader)
		if !ok {
			return fmt.Errorf("WARC export reads the archive file, which the daemon holds: take a backup (gongkai backup copy.db) and run: gongkai export -db copy.db -format warc -o %s", out)
		}
		write = func(w io.Writer) (int, error) {
			return export.WARC(ctx, local.Store, w, export.Options{Since: from, Software: "gongkai", Filename: filepath.Base(out)})
		}
	}
	if out == "" {
		bw := bufio.NewWriter(e.stdout)
		if _, err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	n, err := writeFileAtomic(out, write)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d to %s\n", n, out)
	return nil
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, chinatime.Location()); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("-since %q: want YYYY-MM-DD or an RFC 3339 time", s)
}

// writeFileAtomic writes a file that never appears truncated (see
// atomicfile) and returns what write counted.
func writeFileAtomic(path string, write func(io.Writer) (int, error)) (int, error) {
	var n int
	err := atomicfile.Write(path, func(w io.Writer) (err error) {
		n, err = write(w)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
