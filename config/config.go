// Package config reads gongkai.yaml: the archive file, the timezone, the web
// listener, the sources to watch and the notification targets. It reports
// every problem at once, each with its line, and never panics on bad input
// (robfig/cron does on some specs; they are checked here first).
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone must resolve on minimal systems too

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/gongkai/gongkai/internal/chinatime"
)

// Defaults applied by Parse where the file is silent.
const (
	DefaultDB        = "gongkai.db"
	DefaultTimezone  = chinatime.Name
	DefaultListen    = "127.0.0.1:8080"
	DefaultUserAgent = "gongkai/0.1 (+https://github.com/gongkai/gongkai)"
	DefaultSchedule  = "0 8,20 * * *"
	DefaultDelay     = time.Second
	DefaultRevisit   = 168 * time.Hour
	DefaultMaxPages  = 0 // list pages per run of a backfill; 0 = walk to the natural end
	DefaultPollPages = 3 // list pages on later polls: new documents appear on page 1
	DefaultRetries   = 3
	DefaultTimeout   = 30 * time.Second
	DefaultMaxBody   = 20 << 20
	DefaultParallel  = 1
	// DefaultMaxDocs bounds the documents fetched in one run; a backfill cut
	// by it continues at the next poll.
	DefaultMaxDocs = 10000
	// DefaultMaxPageDocs bounds the documents taken from one list page: real
	// list pages link 15–100 documents; a page linking thousands is hostile.
	DefaultMaxPageDocs = 500
	// DefaultRunBudget bounds one run's wall time so one source cannot hog
	// a daemon; a backfill cut by it continues at the next poll.
	DefaultRunBudget          = time.Hour
	DefaultAlertAfterFailures = 2 // failed runs in a row before a source_failed alert
)

// DefaultSource returns a Source with every default applied. It is the one
// place source defaults are set: Parse starts every source from it and
// overwrites only the keys the file sets, so an explicit 0 or false stays 0
// or false.
func DefaultSource() Source {
	return Source{
		Schedule:           DefaultSchedule,
		Delay:              DefaultDelay,
		Revisit:            DefaultRevisit,
		MaxPages:           DefaultMaxPages,
		PollPages:          DefaultPollPages,
		MaxDocs:            DefaultMaxDocs,
		MaxPageDocs:        DefaultMaxPageDocs,
		RunBudget:          DefaultRunBudget,
		AlertAfterFailures: DefaultAlertAfterFailures,
		Parallel:           DefaultParallel,
		Retries:            DefaultRetries,
		Timeout:            DefaultTimeout,
		MaxBody:            DefaultMaxBody,
		Robots:             true,
	}
}

// Complete fills the keys of a Source built in code (not parsed) whose zero
// value cannot be meant (Timeout, MaxBody, Retries, Parallel, PollPages,
// Schedule), from DefaultSource. Keys where zero has a meaning (Delay: none,
// Revisit: every poll, MaxPages/MaxDocs/MaxPageDocs/RunBudget: no limit,
// AlertAfterFailures: never) keep their zero.
func (s Source) Complete() Source {
	d := DefaultSource()
	if s.Timeout <= 0 {
		s.Timeout = d.Timeout
	}
	if s.MaxBody <= 0 {
		s.MaxBody = d.MaxBody
	}
	if s.Retries <= 0 {
		s.Retries = d.Retries
	}
	if s.Parallel <= 0 {
		s.Parallel = d.Parallel
	}
	if s.PollPages <= 0 {
		s.PollPages = d.PollPages
	}
	if s.Schedule == "" {
		s.Schedule = d.Schedule
	}
	return s
}

// Config is a parsed gongkai.yaml.
type Config struct {
	DB        string
	Timezone  string
	Location  *time.Location
	UserAgent string
	Web       Web
	Sources   []Source
	Notify    []Target

	// Warnings are problems that do not stop gongkai (unknown keys).
	Warnings []Problem

	lines map[string]int // key path (sources[0].fields.body) → line
}

// Line returns the line of a key path such as "sources[0].fields.body" or
// "notify[1].events", falling back to its nearest parent in the file (0 when
// none is known, e.g. for a Config built in code).
func (c *Config) Line(key string) int {
	for key != "" {
		if n, ok := c.lines[key]; ok {
			return n
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// Web configures the UI/API listener.
type Web struct {
	Listen  string // default 127.0.0.1:8080
	BaseURL string // public URL of the UI, for links in alerts and feeds
	Auth    WebAuth
}

// WebAuth is the optional web.auth: a bearer token, or a user with a bcrypt
// password hash for basic auth. The zero value means no auth.
type WebAuth struct {
	Token        string
	User         string
	PasswordHash string // bcrypt, e.g. from htpasswd -nbBC 10 USER PASSWORD
}

// Enabled reports whether any credential is configured.
func (a WebAuth) Enabled() bool { return a.Token != "" || a.User != "" }

// Source is one disclosure site (or column) to watch.
type Source struct {
	Name     string
	Start    []string      // list page URLs
	Schedule string        // 5-field cron spec or @every/@daily…
	Delay    time.Duration // minimum gap between requests to one host
	Revisit  time.Duration // re-check known documents this often; 0 = every poll
	// MaxPages bounds the list pages a backfill walks in one run (0 = to
	// the natural end; what is left resumes at the next poll), PollPages
	// the first list pages every later poll reads.
	MaxPages, PollPages int
	MaxDocs             int           // documents fetched per run; 0 = no limit
	MaxPageDocs         int           // documents taken from one list page; 0 = no limit
	RunBudget           time.Duration // wall time of one run; 0 = no limit
	AlertAfterFailures  int           // failed runs in a row before a source_failed alert; ≥ 1 (0 in code = 2)
	Parallel            int           // concurrent requests per host; default 1
	Retries             int           // attempts on 5xx/429/timeouts; default 3
	Timeout             time.Duration
	MaxBody             int64 // bytes; larger pages are skipped, never archived truncated
	Platform            string
	Link, Next          string            // CSS overrides for list pages
	Fields              map[string]string // CSS overrides for document fields
	Hosts               []string          // extra hosts the crawl may follow (besides the start URLs' hosts)
	Attachments         bool              // download attachments too (off by default)
	AlertOnBaseline     bool              // alert on the first crawl as well
	Robots              bool              // obey robots.txt; default true

	Line int // where the source starts in the file
}

// Target is one notification target (see package notify for the meaning).
type Target struct {
	Name           string
	Webhook        string
	Secret         string
	URL            string
	Sources        []string
	Events         []string
	Match, Exclude string
	Digest         bool

	Line int
}

// Problem is one thing wrong in the file.
type Problem struct {
	Line int
	Key  string
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Key, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Key, p.Msg)
}

// Problems is the error Parse returns: every problem found, in line order.
type Problems struct {
	File     string
	List     []Problem
	Warnings []Problem // unknown keys, reported alongside (not part of Error)
}

func (e *Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", e.File, len(e.List))
	for _, p := range e.List {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// A Check validates what package config cannot judge on its own (CSS
// selectors, platform names, notification service URLs). It runs on every
// parse, also when the file has other problems, so one run reports
// everything; use Config.Line for each problem's line.
type Check func(*Config) []Problem

// Load reads and parses the file at path.
func Load(path string, checks ...Check) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(data, path, checks...)
}

// Parse parses a config. name is used in messages. The error, if any, is a
// *Problems listing everything wrong, the checks' findings included, in
// line order.
func Parse(data []byte, name string, checks ...Check) (*Config, error) {
	p := &parser{cfg: &Config{lines: map[string]int{}}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
		if _, serr := fmt.Sscanf(msg, "line %d:", &line); serr == nil {
			_, msg, _ = strings.Cut(msg, ": ")
		}
		return nil, &Problems{File: name, List: []Problem{{Line: line, Key: "yaml", Msg: msg}}}
	}
	if len(root.Content) == 0 {
		p.add(0, "config", "the file is empty; it needs at least one source")
	} else {
		p.top(root.Content[0])
	}
	p.defaults()
	for _, check := range checks {
		p.problems = append(p.problems, check(p.cfg)...)
	}
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, &Problems{File: name, List: p.problems, Warnings: p.warnings}
	}
	p.cfg.Warnings = p.warnings
	return p.cfg, nil
}

type parser struct {
	cfg      *Config
	problems []Problem
	warnings []Problem
	// keys collects every key the parser knows at the places it met
	// ("sources[].max_docs"), for the test that the README lists them all.
	keys map[string]bool
}

func (p *parser) add(line int, key, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// fields walks a mapping node, calling set for each known key and warning
// about unknown ones.
func (p *parser) fields(n *yaml.Node, path string, set map[string]func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, path, "must be a mapping of keys to values")
		return
	}
	if p.keys != nil {
		for k := range set {
			p.keys[join(listIndex.ReplaceAllString(path, "[]"), k)] = true
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		if seen[k.Value] {
			p.add(k.Line, key, "appears twice")
			continue
		}
		seen[k.Value] = true
		p.cfg.lines[key] = k.Line
		fn, ok := set[k.Value]
		if !ok {
			p.warnings = append(p.warnings, Problem{Line: k.Line, Key: key, Msg: "unknown key, ignored"})
			continue
		}
		fn(v)
	}
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *parser) top(n *yaml.Node) {
	c := p.cfg
	p.fields(n, "", map[string]func(*yaml.Node){
		"db":         func(v *yaml.Node) { p.nonEmpty(v, "db", &c.DB) },
		"timezone":   func(v *yaml.Node) { p.nonEmpty(v, "timezone", &c.Timezone); p.zone(v) },
		"user_agent": func(v *yaml.Node) { p.nonEmpty(v, "user_agent", &c.UserAgent) },
		"web":        func(v *yaml.Node) { p.web(v) },
		"sources":    func(v *yaml.Node) { p.sources(v) },
		"notify":     func(v *yaml.Node) { p.notify(v) },
	})
	if c.Web.Listen != "" && !IsLoopback(c.Web.Listen) && !c.Web.Auth.Enabled() {
		p.warnings = append(p.warnings, Problem{Line: c.Line("web.listen"), Key: "web.listen",
			Msg: fmt.Sprintf("%s is reachable from other machines and web.auth is not set: anyone who can reach it can read the whole archive (set web.auth; /api/backup and /api/export stay closed without it)", c.Web.Listen)})
	}
	if len(c.Sources) == 0 && !p.has("sources") {
		p.add(n.Line, "sources", "missing: add at least one source to watch")
	}
	names := map[string]bool{}
	for _, s := range c.Sources {
		names[s.Name] = true
	}
	for i, t := range c.Notify {
		key := fmt.Sprintf("notify[%d].sources", i)
		for _, name := range t.Sources {
			if !names[name] {
				p.add(c.Line(key), key, "%q is not the name of a source", name)
			}
		}
	}
}

func (p *parser) web(n *yaml.Node) {
	w := &p.cfg.Web
	p.fields(n, "web", map[string]func(*yaml.Node){
		"listen": func(v *yaml.Node) {
			if p.nonEmpty(v, "web.listen", &w.Listen) {
				p.hostPort(v, "web.listen")
			}
		},
		"base_url": func(v *yaml.Node) { w.BaseURL = p.url(v, "web.base_url") },
		"auth":     func(v *yaml.Node) { p.auth(v) },
	})
}

func (p *parser) auth(n *yaml.Node) {
	a := &p.cfg.Web.Auth
	p.fields(n, "web.auth", map[string]func(*yaml.Node){
		"token": func(v *yaml.Node) {
			if p.nonEmpty(v, "web.auth.token", &a.Token) && len(a.Token) < 16 {
				p.add(v.Line, "web.auth.token", "is %d characters; use at least 16 (e.g. openssl rand -hex 16)", len(a.Token))
			}
		},
		"user": func(v *yaml.Node) { p.nonEmpty(v, "web.auth.user", &a.User) },
		"password_hash": func(v *yaml.Node) {
			if p.nonEmpty(v, "web.auth.password_hash", &a.PasswordHash) && !isBcrypt(a.PasswordHash) {
				p.add(v.Line, "web.auth.password_hash", "is not a bcrypt hash ($2b$…, 60 characters; make one with htpasswd -nbB USER PASSWORD)")
			}
		},
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	switch {
	case a.User != "" && a.PasswordHash == "" && !p.has("web.auth.password_hash"):
		p.add(p.cfg.Line("web.auth.user"), "web.auth.password_hash", "missing: user needs a password_hash")
	case a.User == "" && a.PasswordHash != "" && !p.has("web.auth.user"):
		p.add(p.cfg.Line("web.auth.password_hash"), "web.auth.user", "missing: password_hash needs a user")
	case a.Token == "" && a.User == "" && a.PasswordHash == "" && !p.has("web.auth"):
		p.add(n.Line, "web.auth", "needs token, or user and password_hash")
	}
}

// isBcrypt reports whether h has the shape of a bcrypt hash; checking a
// password against it is the web server's job.
func isBcrypt(h string) bool {
	if len(h) != 60 {
		return false
	}
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$"} {
		if strings.HasPrefix(h, prefix) {
			return h[6] == '$' && h[4] >= '0' && h[4] <= '3' && h[5] >= '0' && h[5] <= '9'
		}
	}
	return false
}

func (p *parser) has(key string) bool {
	for _, pr := range p.problems {
		if pr.Key == key || strings.HasPrefix(pr.Key, key+"[") || strings.HasPrefix(pr.Key, key+".") {
			return true
		}
	}
	return false
}

func (p *parser) sources(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "sources", "must be a list of sources")
		return
	}
	if len(n.Content) == 0 {
		p.add(n.Line, "sources", "is empty: add at least one source to watch")
	}
	names := map[string]int{}
	for i, sn := range n.Content {
		path := fmt.Sprintf("sources[%d]", i)
		p.cfg.lines[path] = sn.Line
		k := func(name string) string { return path + "." + name }
		s := DefaultSource()
		s.Line = sn.Line
		p.fields(sn, path, map[string]func(*yaml.Node){
			"name":                 func(v *yaml.Node) { s.Name = p.str(v, k("name")) },
			"start":                func(v *yaml.Node) { s.Start = p.urls(v, k("start")) },
			"schedule":             func(v *yaml.Node) { s.Schedule = p.str(v, k("schedule")); p.spec(v, k("schedule")) },
			"delay":                func(v *yaml.Node) { p.duration(v, k("delay"), 0, &s.Delay) },
			"revisit":              func(v *yaml.Node) { p.duration(v, k("revisit"), 0, &s.Revisit) },
			"timeout":              func(v *yaml.Node) { p.duration(v, k("timeout"), time.Second, &s.Timeout) },
			"run_budget":           func(v *yaml.Node) { p.duration(v, k("run_budget"), 0, &s.RunBudget) },
			"max_pages":            func(v *yaml.Node) { p.count(v, k("max_pages"), 0, 0, &s.MaxPages) },
			"poll_pages":           func(v *yaml.Node) { p.count(v, k("poll_pages"), 1, 0, &s.PollPages) },
			"max_docs":             func(v *yaml.Node) { p.count(v, k("max_docs"), 0, 0, &s.MaxDocs) },
			"max_page_docs":        func(v *yaml.Node) { p.count(v, k("max_page_docs"), 0, 0, &s.MaxPageDocs) },
			"alert_after_failures": func(v *yaml.Node) { p.count(v, k("alert_after_failures"), 1, 0, &s.AlertAfterFailures) },
			"parallel":             func(v *yaml.Node) { p.count(v, k("parallel"), 1, 0, &s.Parallel) },
			// More retries would only hammer a server that is down.
			"retries": func(v *yaml.Node) { p.count(v, k("retries"), 1, 10, &s.Retries) },
			"max_body": func(v *yaml.Node) {
				var n int
				if p.count(v, k("max_body"), 1024, 0, &n) {
					s.MaxBody = int64(n)
				}
			},
			"platform":          func(v *yaml.Node) { s.Platform = p.str(v, k("platform")) },
			"link":              func(v *yaml.Node) { s.Link = p.str(v, k("link")) },
			"next":              func(v *yaml.Node) { s.Next = p.str(v, k("next")) },
			"fields":            func(v *yaml.Node) { s.Fields = p.strMap(v, k("fields")) },
			"hosts":             func(v *yaml.Node) { s.Hosts = p.strList(v, k("hosts")) },
			"attachments":       func(v *yaml.Node) { p.boolean(v, k("attachments"), &s.Attachments) },
			"alert_on_baseline": func(v *yaml.Node) { p.boolean(v, k("alert_on_baseline"), &s.AlertOnBaseline) },
			"robots":            func(v *yaml.Node) { p.boolean(v, k("robots"), &s.Robots) },
		})
		nameLine := p.cfg.Line(k("name"))
		switch {
		case s.Name == "":
			if !p.has(k("name")) {
				p.add(sn.Line, k("name"), "missing: every source needs a unique name")
			}
		case strings.ContainsAny(s.Name, "/ \t?#"):
			p.add(nameLine, k("name"), "%q: use letters, digits, - and _ only (it appears in URLs)", s.Name)
		case names[s.Name] > 0:
			p.add(nameLine, k("name"), "%q is already the name of the source at line %d", s.Name, names[s.Name])
		default:
			names[s.Name] = sn.Line
		}
		if len(s.Start) == 0 && !p.has(k("start")) {
			p.add(sn.Line, k("start"), "missing: list the disclosure list page URL(s) to poll")
		}
		p.cfg.Sources = append(p.cfg.Sources, s)
	}
}

func (p *parser) notify(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "notify", "must be a list of targets")
		return
	}
	for i, tn := range n.Content {
		path := fmt.Sprintf("notify[%d]", i)
		p.cfg.lines[path] = tn.Line
		k := func(name string) string { return path + "." + name }
		t := Target{Line: tn.Line}
		p.fields(tn, path, map[string]func(*yaml.Node){
			"name":    func(v *yaml.Node) { t.Name = p.str(v, k("name")) },
			"webhook": func(v *yaml.Node) { t.Webhook = p.url(v, k("webhook")) },
			"secret":  func(v *yaml.Node) { t.Secret = p.str(v, k("secret")) },
			"url":     func(v *yaml.Node) { t.URL = p.str(v, k("url")) },
			"sources": func(v *yaml.Node) { t.Sources = p.strList(v, k("sources")) },
			"events":  func(v *yaml.Node) { t.Events = p.strList(v, k("events")) },
			"match":   func(v *yaml.Node) { t.Match = p.str(v, k("match")) },
			"exclude": func(v *yaml.Node) { t.Exclude = p.str(v, k("exclude")) },
			"digest":  func(v *yaml.Node) { p.boolean(v, k("digest"), &t.Digest) },
		})
		if t.Webhook == "" && t.URL == "" && !p.has(k("webhook")) && !p.has(k("url")) {
			p.add(tn.Line, path, "needs webhook: URL or url: SERVICE-URL")
		}
		p.cfg.Notify = append(p.cfg.Notify, t)
	}
}

// Default returns the config of a file that sets nothing and watches
// nothing: every top-level default applied, no sources. Commands that only
// read an archive (-db FILE) use it when there is no config file.
func Default() *Config {
	c := &Config{lines: map[string]int{}}
	fillDefaults(c)
	return c
}

// defaults fills the top-level keys the file did not set; source defaults
// come from DefaultSource.
func (p *parser) defaults() { fillDefaults(p.cfg) }

func fillDefaults(c *Config) {
	if c.DB == "" {
		c.DB = DefaultDB
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.Location == nil {
		c.Location, _ = time.LoadLocation(DefaultTimezone)
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Web.Listen == "" {
		c.Web.Listen = DefaultListen
	}
}

func (p *parser) scalar(v *yaml.Node, key string) bool {
	if v.Kind != yaml.ScalarNode {
		p.add(v.Line, key, "must be a single value")
		return false
	}
	return true
}

func (p *parser) str(v *yaml.Node, key string) string {
	if !p.scalar(v, key) {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// nonEmpty sets *dst to a string key that may be left out but not set
// empty: an explicit "" would silently mean the default otherwise.
func (p *parser) nonEmpty(v *yaml.Node, key string, dst *string) bool {
	if !p.scalar(v, key) {
		return false
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		p.add(v.Line, key, "is empty: leave the key out for the default")
		return false
	}
	*dst = s
	return true
}

func (p *parser) boolean(v *yaml.Node, key string, dst *bool) {
	if !p.scalar(v, key) {
		return
	}
	b, err := strconv.ParseBool(v.Value)
	if err != nil {
		p.add(v.Line, key, "%q is not true or false", v.Value)
		return
	}
	*dst = b
}

// count sets *dst to a whole number ≥ minimum and, when limit > 0, ≤ limit.
func (p *parser) count(v *yaml.Node, key string, minimum, limit int, dst *int) bool {
	if !p.scalar(v, key) {
		return false
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil || n < minimum {
		p.add(v.Line, key, "%q is not a whole number ≥ %d", v.Value, minimum)
		return false
	}
	if limit > 0 && n > limit {
		p.add(v.Line, key, "%d is more than %d", n, limit)
		return false
	}
	*dst = n
	return true
}

// duration sets *dst to a duration ≥ minimum.
func (p *parser) duration(v *yaml.Node, key string, minimum time.Duration, dst *time.Duration) {
	if !p.scalar(v, key) {
		return
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil || d < 0 {
		p.add(v.Line, key, "%q is not a duration like 1s, 30m or 168h", v.Value)
		return
	}
	if d < minimum {
		p.add(v.Line, key, "%s is less than %s", d, minimum)
		return
	}
	*dst = d
}

func (p *parser) zone(v *yaml.Node) {
	if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
		return // reported by nonEmpty
	}
	loc, err := time.LoadLocation(v.Value)
	if err != nil {
		p.add(v.Line, "timezone", "%q is not a time zone like Asia/Shanghai", v.Value)
		return
	}
	p.cfg.Location = loc
}

func (p *parser) hostPort(v *yaml.Node, key string) {
	_, port, err := splitHostPort(v.Value)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		p.add(v.Line, key, "%q is not host:port (like 127.0.0.1:8080)", v.Value)
	}
}

func (p *parser) url(v *yaml.Node, key string) string {
	s := p.str(v, key)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add(v.Line, key, "%q is not an http(s) URL", s)
		return ""
	}
	return s
}

func (p *parser) strList(v *yaml.Node, key string) []string {
	if v.Kind == yaml.ScalarNode {
		if s := strings.TrimSpace(v.Value); s != "" {
			return []string{s}
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, key, "must be a list")
		return nil
	}
	var out []string
	for _, e := range v.Content {
		if s := p.str(e, key); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) urls(v *yaml.Node, key string) []string {
	nodes := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		nodes = v.Content
	}
	var out []string
	for _, e := range nodes {
		if s := p.url(e, key); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) strMap(v *yaml.Node, key string) map[string]string {
	if v.Kind != yaml.MappingNode {
		p.add(v.Line, key, "must be a mapping")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := join(key, v.Content[i].Value)
		p.cfg.lines[k] = v.Content[i].Line
		out[v.Content[i].Value] = p.str(v.Content[i+1], k)
	}
	return out
}

// spec checks a cron spec the way the daemon will parse it, without letting
// robfig/cron panic (it does on "TZ=Asia/Shanghai" with no fields).
func (p *parser) spec(v *yaml.Node, key string) {
	if err := CheckSchedule(v.Value); err != nil {
		p.add(v.Line, key, "%v", err)
	}
}

// CheckSchedule reports whether spec is a schedule gongkai accepts: five
// fields (minute hour day month weekday) or a descriptor (@daily,
// @every 6h…). The zone comes from the config's timezone, not the spec.
func CheckSchedule(spec string) (err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return errors.New("empty schedule")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return fmt.Errorf("%q: set the zone with the top-level timezone key, not in the spec", spec)
	}
	if !strings.HasPrefix(spec, "@") && len(strings.Fields(spec)) != 5 {
		return fmt.Errorf("%q has %d fields; want 5 (minute hour day month weekday) or @daily/@every 6h", spec, len(strings.Fields(spec)))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a valid schedule", spec)
		}
	}()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("%q: %v", spec, err)
	}
	if every, ok := s.(cron.ConstantDelaySchedule); ok && every.Delay < time.Minute {
		return fmt.Errorf("%q polls more than once a minute; government sites deserve more politeness", spec)
	}
	// robfig/cron gives up after five years and returns the zero time, so a
	// date that never comes (30 February) would silently never crawl.
	if s.Next(time.Now()).IsZero() {
		return fmt.Errorf("%q never fires (no such date in the next five years)", spec)
	}
	return nil
}

// auth parses web.auth: either token, or user and password_hash (bcrypt).

// IsLoopback reports whether a listen address (host:port) only accepts
// connections from this machine. An empty host or 0.0.0.0 listens everywhere.
func IsLoopback(listen string) bool {
	host, _, err := splitHostPort(listen)
	if err != nil {
		return false
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func splitHostPort(s string) (string, string, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return "", "", errors.New("no port")
	}
	if _, err := strconv.Atoi(s[i+1:]); err != nil {
		return "", "", err
	}
	return s[:i], s[i+1:], nil
}
