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
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone must resolve on minimal systems too

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"

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
	// DefaultAlertAfterFailures is the failed polls before source_failed.
	DefaultAlertAfterFailures = 2
	// DefaultMaxDocs bounds the document requests of one run, and
	// DefaultMaxPageDocs the documents taken from one list page: a page
	// linking thousands of URLs must not turn into thousands of fetches.
	// Both stop short of a large column's real size; what is left is
	// fetched by the next runs.
	DefaultMaxDocs     = 20000
	DefaultMaxPageDocs = 500
)

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
	Parallel            int // concurrent requests per host; default 1
	Retries             int // attempts on 5xx/429/timeouts; default 3
	Timeout             time.Duration
	MaxBody             int64 // bytes; larger pages are skipped, never archived truncated
	Platform            string
	Link, Next          string            // CSS overrides for list pages
	Fields              map[string]string // CSS overrides for document fields
	Hosts               []string          // extra hosts the crawl may follow (besides the start URLs' hosts)
	Attachments         bool              // download attachments too (off by default)
	AlertOnBaseline     bool              // alert on the first crawl as well
	Robots              bool              // obey robots.txt; default true
	// AlertAfterFailures is how many consecutive failed polls send
	// source_failed; default 2.
	AlertAfterFailures int

	// MaxDocs bounds document requests per run, MaxPageDocs the documents
	// taken from one list page; 0 = no bound (a Source built in code).
	MaxDocs, MaxPageDocs int
	// RunBudget stops a run's backfill walk after this long (0 = none);
	// the backfill resumes at the next poll.
	RunBudget time.Duration

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
	File string
	List []Problem
}

func (e *Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", e.File, len(e.List))
	for _, p := range e.List {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Load reads and parses the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(data, path)
}

// Parse parses a config. name is used in messages. The error, if any, is a
// *Problems listing everything wrong.
func Parse(data []byte, name string) (*Config, error) {
	p := &parser{cfg: &Config{}}
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
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, &Problems{File: name, List: p.problems}
	}
	p.cfg.Warnings = p.warnings
	return p.cfg, nil
}

type parser struct {
	cfg      *Config
	problems []Problem
	warnings []Problem
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
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		if seen[k.Value] {
			p.add(k.Line, key, "appears twice")
			continue
		}
		seen[k.Value] = true
		fn, ok := set[k.Value]
		if !ok {
			p.warnings = append(p.warnings, Problem{Line: k.Line, Key: key, Msg: "unknown key, ignored"})
			continue
		}
		fn(v)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *parser) top(n *yaml.Node) {
	c := p.cfg
	listenLine := n.Line
	p.fields(n, "", map[string]func(*yaml.Node){
		"db":         func(v *yaml.Node) { c.DB = p.str(v, "db") },
		"timezone":   func(v *yaml.Node) { c.Timezone = p.str(v, "timezone"); p.zone(v) },
		"user_agent": func(v *yaml.Node) { c.UserAgent = p.str(v, "user_agent") },
		"web": func(v *yaml.Node) {
			p.fields(v, "web", map[string]func(*yaml.Node){
				"listen": func(v *yaml.Node) {
					c.Web.Listen = p.str(v, "web.listen")
					p.hostPort(v, "web.listen")
					listenLine = v.Line
				},
				"base_url": func(v *yaml.Node) { c.Web.BaseURL = p.url(v, "web.base_url") },
				"auth":     func(v *yaml.Node) { p.auth(v) },
			})
		},
		"sources": func(v *yaml.Node) { p.sources(v) },
		"notify":  func(v *yaml.Node) { p.notify(v) },
	})
	if c.Web.Listen != "" && !IsLoopback(c.Web.Listen) && !c.Web.Auth.Enabled() {
		p.warnings = append(p.warnings, Problem{Line: listenLine, Key: "web.listen",
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
		for _, name := range t.Sources {
			if !names[name] {
				p.add(t.Line, fmt.Sprintf("notify[%d].sources", i), "%q is not the name of a source", name)
			}
		}
	}
}

func (p *parser) has(key string) bool {
	for _, pr := range p.problems {
		if pr.Key == key || strings.HasPrefix(pr.Key, key+"[") {
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
		s := Source{Line: sn.Line, Revisit: -1, Robots: true, MaxDocs: -1, MaxPageDocs: -1}
		p.fields(sn, path, map[string]func(*yaml.Node){
			"name":       func(v *yaml.Node) { s.Name = p.str(v, path+".name") },
			"start":      func(v *yaml.Node) { s.Start = p.urls(v, path+".start") },
			"schedule":   func(v *yaml.Node) { s.Schedule = p.str(v, path+".schedule"); p.spec(v, path+".schedule") },
			"delay":      func(v *yaml.Node) { s.Delay = p.duration(v, path+".delay") },
			"revisit":    func(v *yaml.Node) { s.Revisit = p.duration(v, path+".revisit") },
			"timeout":    func(v *yaml.Node) { s.Timeout = p.duration(v, path+".timeout") },
			"max_pages":  func(v *yaml.Node) { s.MaxPages = p.count(v, path+".max_pages", 0) },
			"poll_pages": func(v *yaml.Node) { s.PollPages = p.count(v, path+".poll_pages", 1) },
			"parallel":   func(v *yaml.Node) { s.Parallel = p.count(v, path+".parallel", 1) },
			"retries": func(v *yaml.Node) {
				s.Retries = p.count(v, path+".retries", 1)
				p.atMost(v, path+".retries", s.Retries, 10)
			},
			"max_body":          func(v *yaml.Node) { s.MaxBody = int64(p.count(v, path+".max_body", 1024)) },
			"platform":          func(v *yaml.Node) { s.Platform = p.str(v, path+".platform") },
			"link":              func(v *yaml.Node) { s.Link = p.str(v, path+".link") },
			"next":              func(v *yaml.Node) { s.Next = p.str(v, path+".next") },
			"fields":            func(v *yaml.Node) { s.Fields = p.strMap(v, path+".fields") },
			"hosts":             func(v *yaml.Node) { s.Hosts = p.strList(v, path+".hosts") },
			"attachments":       func(v *yaml.Node) { s.Attachments = p.boolean(v, path+".attachments") },
			"alert_on_baseline": func(v *yaml.Node) { s.AlertOnBaseline = p.boolean(v, path+".alert_on_baseline") },
			"robots":            func(v *yaml.Node) { s.Robots = p.boolean(v, path+".robots") },
			"alert_after_failures": func(v *yaml.Node) {
				s.AlertAfterFailures = p.count(v, path+".alert_after_failures", 1)
			},
			"max_docs":          func(v *yaml.Node) { s.MaxDocs = p.count(v, path+".max_docs", 0) },
			"max_page_docs":     func(v *yaml.Node) { s.MaxPageDocs = p.count(v, path+".max_page_docs", 0) },
			"run_budget":        func(v *yaml.Node) { s.RunBudget = p.duration(v, path+".run_budget") },
		})
		switch {
		case s.Name == "":
			p.add(sn.Line, path+".name", "missing: every source needs a unique name")
		case strings.ContainsAny(s.Name, "/ \t?#"):
			p.add(sn.Line, path+".name", "%q: use letters, digits, - and _ only (it appears in URLs)", s.Name)
		case names[s.Name] > 0:
			p.add(sn.Line, path+".name", "%q is already the name of the source at line %d", s.Name, names[s.Name])
		default:
			names[s.Name] = sn.Line
		}
		if len(s.Start) == 0 && !p.has(path+".start") {
			p.add(sn.Line, path+".start", "missing: list the disclosure list page URL(s) to poll")
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
		t := Target{Line: tn.Line}
		p.fields(tn, path, map[string]func(*yaml.Node){
			"name":    func(v *yaml.Node) { t.Name = p.str(v, path+".name") },
			"webhook": func(v *yaml.Node) { t.Webhook = p.url(v, path+".webhook") },
			"secret":  func(v *yaml.Node) { t.Secret = p.str(v, path+".secret") },
			"url":     func(v *yaml.Node) { t.URL = p.str(v, path+".url") },
			"sources": func(v *yaml.Node) { t.Sources = p.strList(v, path+".sources") },
			"events":  func(v *yaml.Node) { t.Events = p.strList(v, path+".events") },
			"match":   func(v *yaml.Node) { t.Match = p.str(v, path+".match") },
			"exclude": func(v *yaml.Node) { t.Exclude = p.str(v, path+".exclude") },
			"digest":  func(v *yaml.Node) { t.Digest = p.boolean(v, path+".digest") },
		})
		if t.Webhook == "" && t.URL == "" && !p.has(path+".webhook") {
			p.add(tn.Line, path, "needs webhook: URL or url: SERVICE-URL")
		}
		p.cfg.Notify = append(p.cfg.Notify, t)
	}
}

func (p *parser) defaults() {
	c := p.cfg
	if c.DB == "" {
		c.DB = DefaultDB
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.Location == nil {
		c.Location, _ = time.LoadLocation(c.Timezone)
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Web.Listen == "" {
		c.Web.Listen = DefaultListen
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Schedule == "" {
			s.Schedule = DefaultSchedule
		}
		if s.Delay == 0 {
			s.Delay = DefaultDelay
		}
		if s.Revisit < 0 {
			s.Revisit = DefaultRevisit
		}
		if s.MaxPages == 0 {
			s.MaxPages = DefaultMaxPages
		}
		if s.PollPages == 0 {
			s.PollPages = DefaultPollPages
		}
		if s.MaxDocs < 0 {
			s.MaxDocs = DefaultMaxDocs
		}
		if s.MaxPageDocs < 0 {
			s.MaxPageDocs = DefaultMaxPageDocs
		}
		if s.Parallel == 0 {
			s.Parallel = 1
		}
		if s.Retries == 0 {
			s.Retries = DefaultRetries
		}
		if s.Timeout == 0 {
			s.Timeout = DefaultTimeout
		}
		if s.MaxBody == 0 {
			s.MaxBody = DefaultMaxBody
		}
		if s.AlertAfterFailures == 0 {
			s.AlertAfterFailures = DefaultAlertAfterFailures
		}
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

func (p *parser) boolean(v *yaml.Node, key string) bool {
	if !p.scalar(v, key) {
		return false
	}
	b, err := strconv.ParseBool(v.Value)
	if err != nil {
		p.add(v.Line, key, "%q is not true or false", v.Value)
	}
	return b
}

func (p *parser) count(v *yaml.Node, key string, minimum int) int {
	if !p.scalar(v, key) {
		return 0
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil || n < minimum {
		p.add(v.Line, key, "%q is not a whole number ≥ %d", v.Value, minimum)
		return 0
	}
	return n
}

// atMost reports a count above limit: more would only hammer a server
// that is down.
func (p *parser) atMost(v *yaml.Node, key string, n, limit int) {
	if n > limit {
		p.add(v.Line, key, "%d is more than %d", n, limit)
	}
}

func (p *parser) duration(v *yaml.Node, key string) time.Duration {
	if !p.scalar(v, key) {
		return 0
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil || d < 0 {
		p.add(v.Line, key, "%q is not a duration like 1s, 30m or 168h", v.Value)
		return 0
	}
	return d
}

func (p *parser) zone(v *yaml.Node) {
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
		out[v.Content[i].Value] = p.str(v.Content[i+1], join(key, v.Content[i].Value))
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
func (p *parser) auth(n *yaml.Node) {
	a := &p.cfg.Web.Auth
	p.fields(n, "web.auth", map[string]func(*yaml.Node){
		"token":         func(v *yaml.Node) { a.Token = p.str(v, "web.auth.token") },
		"user":          func(v *yaml.Node) { a.User = p.str(v, "web.auth.user") },
		"password_hash": func(v *yaml.Node) { a.PasswordHash = p.str(v, "web.auth.password_hash") },
	})
	switch {
	case a.Token != "" && (a.User != "" || a.PasswordHash != ""):
		p.add(n.Line, "web.auth", "set token or user + password_hash, not both")
	case a.Token != "" && len(a.Token) < 16:
		p.add(n.Line, "web.auth.token", "too short: use at least 16 random characters (openssl rand -hex 16)")
	case a.Token == "" && (a.User == "") != (a.PasswordHash == ""):
		p.add(n.Line, "web.auth", "user and password_hash go together")
	case a.PasswordHash != "":
		if _, err := bcrypt.Cost([]byte(a.PasswordHash)); err != nil {
			p.add(n.Line, "web.auth.password_hash", "not a bcrypt hash (make one with: htpasswd -nbBC 10 USER PASSWORD)")
		}
	case a.Token == "" && a.User == "" && !p.has("web.auth"):
		p.add(n.Line, "web.auth", "empty: set token, or user and password_hash")
	}
}

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
