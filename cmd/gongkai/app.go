package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
)

// errUsage is returned for a wrong command line; the usage was printed.
var errUsage = errors.New("usage")

// env is what a command may touch: its output streams. Nothing else is
// global; every command reads its own flags.
type env struct {
	stdout, stderr io.Writer
}

type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "", "the daemon: crawl every source on its schedule, deliver alerts, serve the web UI", cmdRun},
		{"crawl", "[-source NAME]...", "crawl all (or the named) sources once now, then exit", cmdCrawl},
		{"demo", "", "crawl a bundled sample disclosure site into a temporary archive and serve the UI", cmdDemo},
		{"docs", "[-source S] [-q TEXT] [-json]", "list archived documents", cmdDocs},
		{"show", "[-json] URL|ID", "one document with its version history", cmdShow},
		{"diff", "URL|ID [V1 V2]", "what changed between two versions (default: the last two)", cmdDiff},
		{"export", "-format jsonl|warc [-o FILE] [-since DATE]", "export every stored version as JSON lines or WARC/1.1", cmdExport},
		{"extract", "[-url URL] [-json] FILE|URL", "run the extractor on one saved page or live URL", cmdExtract},
		{"validate", "", "check the config and print every problem with its line", cmdValidate},
		{"add", "[-select 1,3 | -all] [-dry-run] URL", "list the columns of a 政府信息公开 directory page and add the chosen ones as sources", cmdAdd},
		{"verify", "", "check the archive's consistency and every stored digest", cmdVerify},
		{"reindex", "[-check]", "rebuild the search index from the archive (or check it is in step)", cmdReindex},
		{"reextract", "[-source S] [-dry-run]", "re-run the current extractor over every stored capture (no alerts)", cmdReextract},
		{"backup", "[-force] FILE", "write a consistent copy of the archive (works while the daemon runs)", cmdBackup},
		{"compact", "", "rewrite the archive file without free pages (daemon stopped)", cmdCompact},
		{"notify-test", "", "send a sample event to every notification target", cmdNotifyTest},
		{"version", "", "print the version and the source revision of this binary", cmdVersion},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `gongkai watches government information-disclosure pages (政府信息公开)
and keeps a permanent, deduplicated archive of every version they publish.

Usage: gongkai COMMAND [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command except demo and extract takes -config FILE (default
./gongkai.yaml) and -db FILE; "gongkai COMMAND -h" shows its flags. Start
with "gongkai demo" to see it work without a config.
`)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "gongkai: unknown command %q\n\n", name)
	usage(stderr)
	return errUsage
}

// defaultConfigPath is where commands look for the config without -config.
const defaultConfigPath = "gongkai.yaml"

// common are the flags every command that reads the config has.
type common struct {
	config  string
	db      string
	verbose bool
}

func (e *env) flags(name, args, summary string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gongkai %s [flags] %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	if c != nil {
		fs.StringVar(&c.config, "config", defaultConfigPath, "config file")
		fs.StringVar(&c.db, "db", "", "archive file (overrides the config's db; use it to read a backup)")
		fs.BoolVar(&c.verbose, "v", false, "verbose: log each list page, platform and document")
	}
	return fs
}

// parse parses flags, turning a flag error into errUsage (flag has printed it).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func (e *env) logger(verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return e.loggerAt(level)
}

func (e *env) loggerAt(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// start parses a command's flags and loads its config: the preamble of
// every command that works on an archive.
func (e *env) start(fs *flag.FlagSet, args []string, c *common) (*config.Config, *slog.Logger, error) {
	if err := parse(fs, args); err != nil {
		return nil, nil, err
	}
	log := e.logger(c.verbose)
	cfg, err := e.loadConfig(*c, log)
	return cfg, log, err
}

// loadConfig reads the config and logs its warnings (unknown keys).
func (e *env) loadConfig(c common, log *slog.Logger) (*config.Config, error) {
	cfg, err := config.Load(c.config, check)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w\n(write a gongkai.yaml — see README.md — or pass -config FILE; \"gongkai demo\" runs without one)", err)
		}
		return nil, err
	}
	for _, w := range cfg.Warnings {
		log.Warn("config", "problem", w.String())
	}
	if c.db != "" {
		cfg.DB = c.db
	}
	return cfg, nil
}

// lockWait is how long a command waits for the archive's file lock before
// it gives up with archive.ErrLocked: the README promises that a second
// writer fails "within a second".
const lockWait = 500 * time.Millisecond

// readConfig is loadConfig for the commands that only read an archive:
// given -db FILE and no config file at the default path, they need none
// (reading a backup or a colleague's archive).
func (e *env) readConfig(c common, log *slog.Logger) (*config.Config, error) {
	if c.db != "" && c.config == defaultConfigPath {
		if _, err := os.Stat(c.config); errors.Is(err, os.ErrNotExist) {
			cfg := config.Default()
			cfg.DB = c.db
			return cfg, nil
		}
	}
	return e.loadConfig(c, log)
}

// openStore opens the archive for writing, failing fast if it is in use.
func openStore(path string, log *slog.Logger) (*archive.Store, error) {
	return archive.Open(path, storeOptions(log, false))
}

// storeOptions are the options every command opens the archive with.
func storeOptions(log *slog.Logger, readOnly bool) archive.Options {
	return archive.Options{Timeout: lockWait, ReadOnly: readOnly, Logger: log}
}

// sortedNames returns the source names of cfg, for messages.
func sortedNames(cfg *config.Config) string {
	var names []string
	for _, s := range cfg.Sources {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
