package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/gongkai/gongkai/web/api"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/term"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/crawler/discover"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/atomicfile"
)

// addOptions are the flags of gongkai add.
type addOptions struct {
	common
	url     string
	sel     string
	all     bool
	dryRun  bool
	delay   time.Duration
	columns int
}

func cmdAdd(ctx context.Context, e *env, args []string) error {
	var o addOptions
	fs := e.flags("add", "[-select 1,3 | -all] [-dry-run] URL", `Onboard a site: read a 政府信息公开 directory (or column) page, detect its
platform, list the columns it links to with their document counts, three
titles and the fields extracted from a sample document, and append the chosen
columns to the config as sources (comments and layout kept).`, &o.common)
	fs.StringVar(&o.sel, "select", "", "add these columns, by number in the listing (e.g. 1,3)")
	fs.BoolVar(&o.all, "all", false, "add every column found")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the YAML that would be appended; change nothing")
	fs.DurationVar(&o.delay, "delay", config.DefaultDelay, "pause between requests to the site")
	fs.IntVar(&o.columns, "columns", 60, "read at most this many column links")
	if err := parse(fs, args); err != nil {
		return err
	}
	// The URL may come before or after the flags.
	if fs.NArg() > 0 {
		o.url = fs.Arg(0)
		if err := parse(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	if o.url == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	log := e.logger(o.verbose)
	conf, err := readConfigFile(o.config)
	if err != nil {
		return err
	}
	cols, err := probeColumns(ctx, e, o, conf, log)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return fmt.Errorf("no column listing documents found on %s (try the URL of a column page, or set platform/link in the config by hand)", o.url)
	}
	printColumns(e.stdout, o.url, cols)
	chosen, err := choose(e, o, len(cols))
	if err != nil || len(chosen) == 0 {
		return err
	}
	var picked []addedColumn
	for _, i := range chosen {
		picked = append(picked, cols[i-1])
	}
	out, lines, err := appendSources(conf.data, newSources(conf.names, picked))
	if err != nil {
		return fmt.Errorf("%s: %w", o.config, err)
	}
	// Never write a config the next start would refuse.
	cfg, err := config.Parse(out, o.config)
	if err == nil {
		if ps := check(cfg); len(ps) > 0 {
			err = &config.Problems{File: o.config, List: ps}
		}
	}
	if err != nil {
		return fmt.Errorf("the config with the new sources would not be valid, nothing written: %w", err)
	}
	if o.dryRun {
		fmt.Fprintf(e.stdout, "\n%s with the new sources (dry run, nothing written):\n", o.config)
		printLines(e.stdout, out, lines[0].first, lines[len(lines)-1].last)
		return nil
	}
	if err := writeConfig(o.config, out, conf.mode); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nadded %d source(s) to %s:\n", len(lines), o.config)
	for _, l := range lines {
		fmt.Fprintf(e.stdout, "  line %d: %s\n", l.first, l.name)
	}
	if daemonHolds(cfg.DB) {
		reloadDaemon(ctx, e.stdout, cfg)
	}
	return nil
}

// reloadDaemon asks the daemon holding the archive to reload the config:
// it reads the daemon's pid from its /api/health and sends it SIGHUP, but
// only after checking (on Linux, in /proc) that this process has the
// archive file open, so a stranger answering on web.listen is never
// signalled. Otherwise it says how to reload by hand.
func reloadDaemon(ctx context.Context, w io.Writer, cfg *config.Config) {
	by := "reload it to start watching them: kill -HUP its pid, or systemctl reload gongkai"
	c := api.NewClient(daemonURL(cfg.Web.Listen), api.Options{HTTP: &http.Client{Timeout: 10 * time.Second},
		Authorize: func(req *http.Request) { authorize(req, cfg.Web.Auth) }})
	h, err := c.Health(ctx)
	if err != nil || h.PID <= 0 {
		fmt.Fprintf(w, "A gongkai daemon holds %s; its API gave no pid (%v): %s.\n", cfg.DB, err, by)
		return
	}
	if !holdsFile(h.PID, cfg.DB) {
		fmt.Fprintf(w, "A gongkai daemon holds %s, but process %d (named by its API) cannot be checked to be it: %s.\n", cfg.DB, h.PID, by)
		return
	}
	p, err := os.FindProcess(h.PID)
	if err == nil {
		err = p.Signal(syscall.SIGHUP)
	}
	if err != nil {
		fmt.Fprintf(w, "A gongkai daemon (pid %d) holds %s; SIGHUP failed (%v): %s.\n", h.PID, cfg.DB, err, by)
		return
	}
	fmt.Fprintf(w, "sent SIGHUP to the gongkai daemon (pid %d): it reloads the config and schedules the new sources (see /api/health).\n", h.PID)
}

// holdsFile reports whether process pid has the file at path open (Linux:
// its /proc/PID/fd entries).
func holdsFile(pid int, path string) bool {
	want, err := os.Stat(path)
	if err != nil {
		return false
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if fi, err := os.Stat(filepath.Join(dir, fd.Name())); err == nil && os.SameFile(fi, want) {
			return true
		}
	}
	return false
}

// configFile is the config as text plus what add needs from it.
type configFile struct {
	data      []byte
	mode      os.FileMode
	names     map[string]bool
	userAgent string
	loc       *time.Location
}

// readConfigFile reads the config add appends to; a missing file is an
// empty config (add creates it), a broken one is refused.
func readConfigFile(name string) (configFile, error) {
	c := configFile{mode: 0o644, names: map[string]bool{}, userAgent: config.DefaultUserAgent}
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		c.loc, err = time.LoadLocation(config.DefaultTimezone)
		return c, err
	}
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	cfg, err := config.Parse(data, name)
	var ps *config.Problems
	if errors.As(err, &ps) && onlyNoSources(ps) {
		// A config still without sources is where add starts from.
		c.data = data
		c.loc, err = time.LoadLocation(config.DefaultTimezone)
		return c, err
	}
	if err != nil {
		return c, fmt.Errorf("fix the config before adding to it: %w", err)
	}
	if fi, err := os.Stat(name); err == nil {
		c.mode = fi.Mode().Perm()
	}
	c.data, c.userAgent, c.loc = data, cfg.UserAgent, cfg.Location
	for _, s := range cfg.Sources {
		c.names[s.Name] = true
	}
	return c, nil
}

func onlyNoSources(ps *config.Problems) bool {
	for _, p := range ps.List {
		if p.Key != "sources" {
			return false
		}
	}
	return len(ps.List) > 0
}

// addedColumn is a column page that lists documents.
type addedColumn struct {
	discover.Column
	platform  string
	entries   []discover.Entry
	total     int // declared document count, 0 unknown
	pages     int // declared list pages, 0 unknown
	sample    extract.Document
	sampleOf  string // the sample document's URL
	sampleErr error
}

// count says how many documents the column holds, as exactly as its first
// page tells.
func (c addedColumn) count() string {
	switch {
	case c.total > 0:
		return fmt.Sprintf("%d documents", c.total)
	case c.pages > 1:
		return fmt.Sprintf("about %d documents (%d on page 1 of %d)", c.pages*len(c.entries), len(c.entries), c.pages)
	}
	return fmt.Sprintf("%d documents", len(c.entries))
}

// probeColumns reads the directory page, then every column it links to
// (and the page itself when it lists documents), each with one sample
// document through the extractor.
func probeColumns(ctx context.Context, e *env, o addOptions, conf configFile, log *slog.Logger) ([]addedColumn, error) {
	src := config.Source{Name: "add", Start: []string{o.url}, Delay: o.delay, Timeout: config.DefaultTimeout,
		MaxBody: config.DefaultMaxBody, Retries: 2, Parallel: 1, Robots: true}
	pr, err := crawler.New(nil, crawler.Options{UserAgent: conf.userAgent, Location: conf.loc, Logger: log}).Probe(ctx, src)
	if err != nil {
		return nil, err
	}
	dir, err := pr.Get(ctx, discover.Request{URL: o.url})
	if err != nil {
		return nil, err
	}
	links, err := discover.Columns(dir.URL, dir.Body)
	if err != nil {
		return nil, err
	}
	if len(links) > o.columns {
		fmt.Fprintf(e.stderr, "%d column links; reading the first %d (see -columns)\n", len(links), o.columns)
		links = links[:o.columns]
	}
	title := strings.TrimSpace(extractTitle(dir.Body))
	if title == "" {
		title = "this page"
	}
	todo := append([]discover.Column{{URL: dir.URL, Name: title}}, links...)
	fmt.Fprintf(e.stderr, "reading %d column page(s) of %s…\n", len(links), o.url)
	var out []addedColumn
	for i, c := range todo {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		page := dir
		if i > 0 {
			if page, err = pr.Get(ctx, discover.Request{URL: c.URL}); err != nil {
				fmt.Fprintf(e.stderr, "  skipped %s: %v\n", c.Name, err)
				continue
			}
		}
		res, err := discover.Parse(page.URL, page.ContentType, page.Body, discover.Options{Location: conf.loc})
		if err != nil || len(res.Entries) == 0 {
			if i > 0 {
				fmt.Fprintf(e.stderr, "  skipped %s (%s): lists no documents\n", c.Name, c.URL)
			}
			continue
		}
		col := addedColumn{Column: c, platform: res.Platform, entries: res.Entries, total: res.Total, pages: res.Pages}
		col.sampleOf = res.Entries[0].URL
		if doc, err := pr.Get(ctx, discover.Request{URL: col.sampleOf}); err != nil {
			col.sampleErr = err
		} else {
			col.sample, col.sampleErr = extract.Extract(doc.Body, doc.URL, extract.Options{Location: conf.loc})
		}
		out = append(out, col)
	}
	return out, nil
}

var titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// extractTitle is a page's <title>, up to the site name after "_" or "-".
func extractTitle(body []byte) string {
	m := titleRe.FindSubmatch(body)
	if m == nil {
		return ""
	}
	t := strings.Join(strings.Fields(string(m[1])), " ")
	for _, sep := range []string{"_", " - ", "—"} {
		if i := strings.Index(t, sep); i > 0 {
			t = t[:i]
		}
	}
	return t
}

func printColumns(w io.Writer, dir string, cols []addedColumn) {
	fmt.Fprintf(w, "%d column(s) listing documents on %s:\n", len(cols), dir)
	for i, c := range cols {
		fmt.Fprintf(w, "\n%2d. %s — %s (platform %s)\n    %s\n", i+1, c.Name, c.count(), c.platform, c.URL)
		for _, en := range c.entries[:min(3, len(c.entries))] {
			date := en.Date
			if date == "" {
				date = "          "
			}
			fmt.Fprintf(w, "    · %s  %s\n", date, en.Title)
		}
		if c.sampleErr != nil {
			fmt.Fprintf(w, "    sample %s: %v\n", c.sampleOf, c.sampleErr)
			continue
		}
		var fields []string
		for _, f := range extract.Fields() {
			if v := strings.TrimSpace(f.Value(c.sample)); f.Meta && v != "" {
				if r := []rune(v); len(r) > 40 {
					v = string(r[:40]) + "…"
				}
				fields = append(fields, f.ZH+" "+v)
			}
		}
		if len(fields) == 0 {
			fields = []string{"no fields extracted"}
		}
		fmt.Fprintf(w, "    sample %s\n      %s\n", c.sampleOf, strings.Join(fields, " · "))
	}
}

// choose returns the 1-based column numbers to add: -all, -select, or an
// answer typed at a terminal.
func choose(e *env, o addOptions, n int) ([]int, error) {
	switch {
	case o.all:
		var all []int
		for i := 1; i <= n; i++ {
			all = append(all, i)
		}
		return all, nil
	case o.sel != "":
		return parseSelection(o.sel, n)
	case !term.IsTerminal(int(os.Stdin.Fd())):
		return nil, errors.New("choose the columns to add with -select 1,3 or -all")
	}
	fmt.Fprint(e.stdout, "\nAdd which columns? (numbers like 1,3 or all; empty adds none): ")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	line = strings.TrimSpace(line)
	switch line {
	case "":
		fmt.Fprintln(e.stdout, "nothing added")
		return nil, nil
	case "all":
		return choose(e, addOptions{all: true}, n)
	}
	return parseSelection(line, n)
}

func parseSelection(s string, n int) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		i, err := strconv.Atoi(f)
		if err != nil || i < 1 || i > n {
			return nil, fmt.Errorf("-select %q: %q is not a column number between 1 and %d", s, f, n)
		}
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-select %q: no column number", s)
	}
	return out, nil
}

// newSource is a source add writes: a name, its start URL and a comment
// naming the column.
type newSource struct {
	name, start, comment string
}

var nameJunk = regexp.MustCompile(`[^a-z0-9_-]+`)

// newSources names each column after its site and path (ninghai-col3001,
// ninghai-xxgk-tzgg), unique among the config's names.
func newSources(taken map[string]bool, cols []addedColumn) []newSource {
	used := map[string]bool{}
	for n := range taken {
		used[n] = true
	}
	var out []newSource
	for _, c := range cols {
		base := sourceName(c.URL)
		name := base
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		used[name] = true
		out = append(out, newSource{name: name, start: c.URL, comment: c.Name + ", " + c.count()})
	}
	return out
}

func sourceName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "source"
	}
	site := "site"
	if net.ParseIP(u.Hostname()) == nil {
		for _, l := range strings.Split(strings.ToLower(u.Hostname()), ".") {
			if l != "www" && l != "xxgk" && l != "zwgk" && l != "" {
				site = l
				break
			}
		}
	}
	p := strings.TrimSuffix(u.Path, "/")
	if b := path.Base(p); strings.HasPrefix(b, "index.") || strings.HasPrefix(b, "default.") {
		p = path.Dir(p)
	} else {
		p = strings.TrimSuffix(p, path.Ext(p))
	}
	parts := []string{site}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		s = strings.Trim(nameJunk.ReplaceAllString(strings.ToLower(s), "-"), "-")
		// Hanweb's /col/col3001/: the bare prefix adds nothing.
		if s != "" && !(i+1 < len(segs) && strings.HasPrefix(strings.ToLower(segs[i+1]), s)) {
			parts = append(parts, s)
		}
	}
	for _, v := range u.Query() {
		if s := strings.Trim(nameJunk.ReplaceAllString(strings.ToLower(strings.Join(v, "-")), "-"), "-"); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "-")
}

// addedLines is where one new source sits in the written file.
type addedLines struct {
	name        string
	first, last int
}

// appendSources appends sources to the config's sources list and returns
// the new file and where each new source is. When the list is a block
// sequence (or absent) the new items are inserted as text after its last
// item, so every other byte of the file (comments, blank lines, quoting)
// stays as it was; an empty or flow-style list is rewritten through
// yaml.Node, which keeps comments but may re-indent.
func appendSources(data []byte, srcs []newSource) ([]byte, []addedLines, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("parse: %w", err)
	}
	var root *yaml.Node
	if len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	if root != nil && root.Kind != yaml.MappingNode {
		return nil, nil, errors.New("the top level is not a mapping")
	}
	lines := splitLines(data)
	var out []byte
	var seqIndex int // index of the first new item in the sources sequence
	switch idx := sourcesKey(root); {
	case idx < 0:
		text := string(bytes.TrimRight(data, "\n"))
		if text != "" {
			text += "\n\n"
		}
		out = []byte(text + "sources:\n" + renderItems(srcs, 2))
	case root.Content[idx+1].Kind == yaml.SequenceNode && root.Content[idx+1].Style&yaml.FlowStyle == 0 && len(root.Content[idx+1].Content) > 0:
		seq := root.Content[idx+1]
		seqIndex = len(seq.Content)
		end := len(lines) // the last line (1-based) that belongs to the list
		if idx+2 < len(root.Content) {
			end = root.Content[idx+2].Line - 1
		}
		for end > seq.Content[len(seq.Content)-1].Line && isTopLevelGap(lines[end-1]) {
			end--
		}
		var b bytes.Buffer
		for _, l := range lines[:end] {
			b.WriteString(l)
		}
		if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteString(renderItems(srcs, seq.Column-1))
		for _, l := range lines[end:] {
			b.WriteString(l)
		}
		out = b.Bytes()
	default:
		seq := root.Content[idx+1]
		if seq.Kind != yaml.SequenceNode && !(seq.Kind == yaml.ScalarNode && seq.Tag == "!!null") {
			return nil, nil, errors.New("sources is not a list")
		}
		seqIndex = len(seq.Content)
		seq.Kind, seq.Tag, seq.Style, seq.Value = yaml.SequenceNode, "!!seq", 0, ""
		for _, s := range srcs {
			seq.Content = append(seq.Content, itemNode(s))
		}
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(&doc); err != nil {
			return nil, nil, fmt.Errorf("encode: %w", err)
		}
		out = b.Bytes()
	}
	// Where the new sources landed, from the file as written.
	var check yaml.Node
	if err := yaml.Unmarshal(out, &check); err != nil {
		return nil, nil, fmt.Errorf("the new config does not parse: %w", err)
	}
	seq := check.Content[0].Content[sourcesKey(check.Content[0])+1]
	if len(seq.Content) != seqIndex+len(srcs) {
		return nil, nil, fmt.Errorf("the new config has %d sources, want %d", len(seq.Content), seqIndex+len(srcs))
	}
	var at []addedLines
	for i, s := range srcs {
		n := seq.Content[seqIndex+i]
		last := lastLine(n)
		at = append(at, addedLines{name: s.name, first: n.Line, last: last})
	}
	return out, at, nil
}

func sourcesKey(root *yaml.Node) int {
	if root == nil {
		return -1
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sources" {
			return i
		}
	}
	return -1
}

func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

// isTopLevelGap reports whether a line is blank or a comment in column 0:
// such lines before the next top-level key belong to it, not to the list.
func isTopLevelGap(line string) bool {
	t := strings.TrimRight(line, "\r\n")
	return strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#")
}

func splitLines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, string(data))
			break
		}
		out = append(out, string(data[:i+1]))
		data = data[i+1:]
	}
	return out
}

func itemNode(s newSource) *yaml.Node {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	name := str(s.name)
	name.LineComment = "# " + s.comment
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		str("name"), name,
		str("start"), {Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{str(s.start)}},
	}}
}

// renderItems writes sources as block sequence items, the dash indented by
// indent spaces.
func renderItems(srcs []newSource, indent int) string {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range srcs {
		seq.Content = append(seq.Content, itemNode(s))
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(seq); err != nil {
		panic(fmt.Sprintf("encode new sources: %v", err)) // cannot happen: strings only
	}
	pad := strings.Repeat(" ", indent)
	var out strings.Builder
	for _, l := range splitLines(b.Bytes()) {
		out.WriteString(pad + l)
	}
	return out.String()
}

func printLines(w io.Writer, data []byte, first, last int) {
	for i, l := range splitLines(data) {
		if n := i + 1; n >= first && n <= last {
			fmt.Fprintf(w, "%4d  %s", n, strings.TrimRight(l, "\n")+"\n")
		}
	}
}

// writeConfig replaces the config atomically, keeping its permissions.
func writeConfig(name string, data []byte, mode os.FileMode) error {
	if err := atomicfile.Write(name, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	if err := os.Chmod(name, mode); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// daemonHolds reports whether another gongkai process holds the archive.
func daemonHolds(db string) bool {
	if _, err := os.Stat(db); err != nil {
		return false
	}
	st, err := archive.Open(db, archive.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		return errors.Is(err, archive.ErrLocked)
	}
	st.Close()
	return false
}
