package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/extract"
)

func cmdReextract(ctx context.Context, e *env, args []string) error {
	var c common
	fs := e.flags("reextract", "[-source S] [-dry-run]", "Run the current extractor over every document's latest stored capture. What changes is stored as re-extraction records (the versions stay as they were) and alerts nobody: the publisher changed nothing. The daemon must be stopped.", &c)
	source := fs.String("source", "", "only this source's documents")
	dryRun := fs.Bool("dry-run", false, "report what would change; store nothing")
	cfg, log, err := e.start(fs, args, &c)
	if err != nil {
		return err
	}
	sources := map[string]config.Source{}
	for _, s := range cfg.Sources {
		sources[s.Name] = s
	}
	if *source != "" {
		if _, ok := sources[*source]; !ok {
			return fmt.Errorf("no source %q in %s", *source, c.config)
		}
	}
	st, err := archive.Open(cfg.DB, archive.Options{ReadOnly: *dryRun, Timeout: 500 * time.Millisecond, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	cr := newCrawler(st, cfg, log, nil)
	src := func(name string) config.Source {
		if s, ok := sources[name]; ok {
			return s
		}
		return config.Source{Name: name} // no longer configured: the default rules
	}
	bar := newBar(e.stderr, "reextract")
	rep, err := st.Reextract(ctx, archive.ReextractOptions{
		Source: *source,
		Rules:  func(name string) string { return cr.ExtractionID(src(name)) },
		Extract: func(_ context.Context, name string, cp archive.Capture) (extract.Document, error) {
			return cr.Extract(src(name), cp)
		},
		DryRun:   *dryRun,
		Progress: bar.update,
	})
	bar.done()
	if err != nil {
		return err
	}
	printReextract(e.stdout, rep, *dryRun)
	return nil
}

func printReextract(w io.Writer, rep archive.ReextractReport, dryRun bool) {
	verb := "changed"
	if dryRun {
		verb = "would change (dry run, nothing stored)"
	}
	fmt.Fprintf(w, "%d documents read, %d %s, %d could not be extracted, %d files skipped\n", rep.Docs, rep.Changed, verb, rep.Failed, rep.Skipped)
	for _, f := range append(extract.Fields(), extract.Field{Key: extract.FieldAttachments, ZH: "附件", EN: "Attachments"}) {
		n := rep.Fields[f.Key]
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-12s %d documents\n", f.Key, n)
		for _, x := range rep.Examples[f.Key] {
			fmt.Fprintf(w, "    doc %d %s\n      - %s\n      + %s\n", x.Doc, x.URL, clip(x.Old), clip(x.New))
		}
	}
	var other []string
	for k := range rep.Fields {
		if _, ok := extract.FieldByKey(k); !ok && k != extract.FieldAttachments {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	for _, k := range other {
		fmt.Fprintf(w, "  %-12s %d documents\n", k, rep.Fields[k])
	}
}

// clip shows one line of at most 80 runes, quoted with control characters escaped.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return strconv.Quote(s)
}

// bar is a progress bar on a terminal, nothing elsewhere.
type bar struct{ pb *progressbar.ProgressBar }

func newBar(w io.Writer, what string) *bar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &bar{}
	}
	return &bar{pb: progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))}
}

func (b *bar) update(done, total int) {
	if b.pb == nil {
		return
	}
	if b.pb.GetMax() != total {
		b.pb.ChangeMax(total)
	}
	_ = b.pb.Set(done)
}

func (b *bar) done() {
	if b.pb != nil {
		_ = b.pb.Finish()
	}
}
