package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseGood(t *testing.T) {
	c, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 2 || len(c.Notify) != 2 {
		t.Fatalf("got %d sources, %d targets; want 2, 2", len(c.Sources), len(c.Notify))
	}
	s := c.Sources[0]
	if s.Name != "ninghai-police" || s.Delay != 2*time.Second || s.Revisit != 168*time.Hour || s.Line != 6 {
		t.Errorf("source 0 = %+v", s)
	}
	g := c.Sources[1]
	if g.Revisit != 0 {
		t.Errorf("revisit: 0s parsed as %v, want 0 (re-check every poll)", g.Revisit)
	}
	if len(g.Start) != 1 || g.Fields["body"] != "#UCAP-CONTENT" || g.Delay != DefaultDelay || g.MaxPages != 0 {
		t.Errorf("source 1 = %+v", g)
	}
	if c.Location.String() != "Asia/Shanghai" || c.Web.BaseURL != "http://archive.example.org" {
		t.Errorf("location %v, base %q", c.Location, c.Web.BaseURL)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse([]byte("sources:\n  - name: a\n    start: [http://example.gov.cn/]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sources[0]
	if c.DB != DefaultDB || c.Web.Listen != DefaultListen || s.Schedule != DefaultSchedule || s.Revisit != DefaultRevisit || !s.Robots || s.Retries != 3 {
		t.Errorf("defaults not applied: %+v %+v", c, s)
	}
}

// Every field wrong in turn: each gives a problem naming its key and line.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // substrings of the problems, in order
	}{
		{"not yaml", "sources: [\n", []string{"line 1: yaml: did not find"}},
		{"empty", "", []string{"the file is empty"}},
		{"no sources", "db: x.db\n", []string{"sources: missing"}},
		{"sources not a list", "sources: abc\n", []string{"line 1: sources: must be a list"}},
		{"bad timezone", "timezone: Mars/Olympus\nsources: [{name: a, start: http://a.cn/}]\n", []string{`line 1: timezone: "Mars/Olympus" is not a time zone`}},
		{"bad listen", "web: {listen: localhost}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 1: web.listen"}},
		{"missing name and start", "sources:\n  - schedule: '@daily'\n", []string{"line 2: sources[0].name: missing", "line 2: sources[0].start: missing"}},
		{"duplicate names", "sources:\n  - {name: a, start: http://a.cn/}\n  - {name: a, start: http://b.cn/}\n", []string{`line 3: sources[1].name: "a" is already the name of the source at line 2`}},
		{"bad start url", "sources:\n  - name: a\n    start: [ftp://a.cn/]\n", []string{"line 3: sources[0].start"}},
		{"cron panics", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: TZ=Asia/Shanghai\n", []string{"line 4: sources[0].schedule"}},
		{"cron six fields", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: '0 0 8 * * *'\n", []string{"has 6 fields"}},
		{"cron out of range", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: '99 8 * * *'\n", []string{"line 4: sources[0].schedule"}},
		{"every too often", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: '@every 1s'\n", []string{"more than once a minute"}},
		{"bad delay", "sources:\n  - name: a\n    start: http://a.cn/\n    delay: fast\n", []string{`line 4: sources[0].delay: "fast" is not a duration`}},
		{"negative revisit", "sources:\n  - name: a\n    start: http://a.cn/\n    revisit: -1h\n", []string{"line 4: sources[0].revisit"}},
		{"bad max_pages", "sources:\n  - name: a\n    start: http://a.cn/\n    max_pages: -1\n", []string{"line 4: sources[0].max_pages"}},
		{"zero poll_pages", "sources:\n  - name: a\n    start: http://a.cn/\n    poll_pages: 0\n", []string{`line 4: sources[0].poll_pages: "0" is not a whole number ≥ 1`}},
		{"zero timeout", "sources:\n  - name: a\n    start: http://a.cn/\n    timeout: 0s\n", []string{"line 4: sources[0].timeout: 0s is less than 1s"}},
		{"empty db", "db: ''\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 1: db: is empty"}},
		{"short token", "web:\n  auth: {token: abc}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: web.auth.token: is 3 characters"}},
		{"user without hash", "web:\n  auth:\n    user: ann\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 3: web.auth.password_hash: missing"}},
		{"hash not bcrypt", "web:\n  auth:\n    user: ann\n    password_hash: secret\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 4: web.auth.password_hash: is not a bcrypt hash"}},
		{"empty auth", "web:\n  auth: {}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: web.auth: needs token"}},
		{"negative max_docs", "sources:\n  - name: a\n    start: http://a.cn/\n    max_docs: -5\n", []string{"line 4: sources[0].max_docs"}},
		{"bad run_budget", "sources:\n  - name: a\n    start: http://a.cn/\n    run_budget: forever\n", []string{"line 4: sources[0].run_budget"}},
		{"bad bool", "sources:\n  - name: a\n    start: http://a.cn/\n    attachments: sometimes\n", []string{"line 4: sources[0].attachments"}},
		{"name with slash", "sources:\n  - name: a/b\n    start: http://a.cn/\n", []string{"line 2: sources[0].name"}},
		{"target without url", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - secret: x\n", []string{"line 3: notify[0]: needs webhook"}},
		{"bad webhook", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - webhook: not a url\n", []string{"line 3: notify[0].webhook"}},
		{"too many retries", "sources:\n  - name: a\n    start: http://a.cn/\n    retries: 1000\n", []string{"line 4: sources[0].retries: 1000 is more than 10"}},
		{"listen port out of range", "web: {listen: ':99999'}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 1: web.listen"}},
		{"target filter names no source", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - webhook: http://h.cn/\n    sources: [a, b]\n", []string{`line 4: notify[0].sources: "b" is not the name of a source`}},
		{"never fires", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: '0 0 30 2 *'\n", []string{"line 4: sources[0].schedule: \"0 0 30 2 *\" never fires"}},
		{"duplicate key", "db: a\ndb: b\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: db: appears twice"}},
		{"several at once", "timezone: X/Y\nsources:\n  - name: a\n    start: http://a.cn/\n    delay: soon\n    schedule: '* *'\n",
			[]string{"line 1: timezone", "line 5: sources[0].delay", "line 6: sources[0].schedule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "gongkai.yaml")
			var ps *Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse error = %v, want *Problems", err)
			}
			if len(ps.List) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps.List), len(tt.want), err)
			}
			for i, w := range tt.want {
				if got := ps.List[i].String(); !strings.Contains(got, w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got, w)
				}
			}
		})
	}
}

func TestUnknownKeysWarn(t *testing.T) {
	c, err := Parse([]byte("sources:\n  - name: a\n    start: http://a.cn/\n    shedule: '@daily'\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || c.Warnings[0].Line != 4 || c.Warnings[0].Key != "sources[0].shedule" {
		t.Errorf("warnings = %+v, want one for sources[0].shedule at line 4", c.Warnings)
	}
}

func TestCheckScheduleNeverPanics(t *testing.T) {
	for _, spec := range []string{"TZ=Asia/Shanghai", "CRON_TZ=UTC", "@every", "@every -1h", "@bogus", "* * * * * * *", "0 8,20 * * *", "@daily", "0 0 31 2 *", "60 * * * *", "*/0 * * * *"} {
		_ = CheckSchedule(spec) // must not panic
	}
	for _, ok := range []string{"0 8,20 * * *", "@daily", "@every 6h", "*/15 9-17 * * 1-5"} {
		if err := CheckSchedule(ok); err != nil {
			t.Errorf("CheckSchedule(%q) = %v, want ok", ok, err)
		}
	}
}

func TestWebAuth(t *testing.T) {
	const hash = "$2a$04$vLyLy5ulojyiDOyltNr9iOCx8sUIMQ7YvyR/pAy7pXslM/8u9Zwku" // bcrypt of "s3cret"
	c, err := Parse([]byte("web:\n  listen: 0.0.0.0:8080\n  auth:\n    user: archivist\n    password_hash: '"+hash+"'\nsources: [{name: a, start: http://a.cn/}]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Web.Auth.User != "archivist" || c.Web.Auth.PasswordHash != hash || !c.Web.Auth.Enabled() {
		t.Errorf("web.auth = %+v", c.Web.Auth)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings with auth set: %v", c.Warnings)
	}
}

func TestOpenListenWithoutAuthWarns(t *testing.T) {
	tests := []struct {
		listen string
		warn   bool
	}{
		{"127.0.0.1:8080", false},
		{"localhost:8080", false},
		{"[::1]:8080", false},
		{"0.0.0.0:8080", true},
		{":8080", true},
		{"192.168.1.5:8080", true},
	}
	for _, tt := range tests {
		c, err := Parse([]byte("web: {listen: '"+tt.listen+"'}\nsources: [{name: a, start: http://a.cn/}]\n"), "x.yaml")
		if err != nil {
			t.Fatal(err)
		}
		got := len(c.Warnings) == 1 && c.Warnings[0].Key == "web.listen" && c.Warnings[0].Line == 1 && strings.Contains(c.Warnings[0].Msg, "web.auth")
		if got != tt.warn {
			t.Errorf("listen %s: warnings %v, want a web.auth warning: %v", tt.listen, c.Warnings, tt.warn)
		}
	}
}

// Every key: left out it takes its default; set to zero or false it is
// zero or false (or a problem where zero cannot be meant), never the
// default in disguise.
func TestExplicitZeroIsNotUnset(t *testing.T) {
	d := DefaultSource()
	tests := []struct {
		key, zero string
		get       func(Source) any
		unset     any // the value when the key is left out
		explicit  any // the value of "key: zero"; nil = a problem
	}{
		{"delay", "0s", func(s Source) any { return s.Delay }, DefaultDelay, time.Duration(0)},
		{"revisit", "0s", func(s Source) any { return s.Revisit }, DefaultRevisit, time.Duration(0)},
		{"run_budget", "0s", func(s Source) any { return s.RunBudget }, DefaultRunBudget, time.Duration(0)},
		{"timeout", "0s", func(s Source) any { return s.Timeout }, DefaultTimeout, nil},
		{"max_pages", "0", func(s Source) any { return s.MaxPages }, 0, 0},
		{"max_docs", "0", func(s Source) any { return s.MaxDocs }, DefaultMaxDocs, 0},
		{"max_page_docs", "0", func(s Source) any { return s.MaxPageDocs }, DefaultMaxPageDocs, 0},
		{"alert_after_failures", "0", func(s Source) any { return s.AlertAfterFailures }, DefaultAlertAfterFailures, nil},
		{"poll_pages", "0", func(s Source) any { return s.PollPages }, DefaultPollPages, nil},
		{"parallel", "0", func(s Source) any { return s.Parallel }, DefaultParallel, nil},
		{"retries", "0", func(s Source) any { return s.Retries }, DefaultRetries, nil},
		{"max_body", "0", func(s Source) any { return s.MaxBody }, int64(DefaultMaxBody), nil},
		{"robots", "false", func(s Source) any { return s.Robots }, true, false},
		{"attachments", "false", func(s Source) any { return s.Attachments }, false, false},
		{"alert_on_baseline", "false", func(s Source) any { return s.AlertOnBaseline }, false, false},
		{"schedule", "''", func(s Source) any { return s.Schedule }, DefaultSchedule, nil},
	}
	const base = "sources:\n  - name: a\n    start: http://a.cn/\n"
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c, err := Parse([]byte(base), "x.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c.Sources[0]); got != tt.unset {
				t.Errorf("%s left out = %v, want the default %v", tt.key, got, tt.unset)
			}
			if got := tt.get(d); got != tt.unset {
				t.Errorf("DefaultSource().%s = %v, want %v", tt.key, got, tt.unset)
			}
			c, err = Parse([]byte(base+"    "+tt.key+": "+tt.zero+"\n"), "x.yaml")
			if tt.explicit == nil {
				var ps *Problems
				if !errors.As(err, &ps) || len(ps.List) != 1 || ps.List[0].Line != 4 {
					t.Fatalf("%s: %s = %v, want one problem at line 4 (zero cannot be meant)", tt.key, tt.zero, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c.Sources[0]); got != tt.explicit {
				t.Errorf("%s: %s parsed as %v, want %v", tt.key, tt.zero, got, tt.explicit)
			}
		})
	}
}

func TestNewKeysParse(t *testing.T) {
	const y = `web:
  auth:
    token: 0123456789abcdef0123
    user: ann
    password_hash: "$2b$10$abcdefghijklmnopqrstuuOlPzJ3O7l3pe8g.v3l6yVLbG3C2u0B."
sources:
  - name: a
    start: http://a.cn/
    max_docs: 300
    max_page_docs: 40
    run_budget: 20m
    alert_after_failures: 5
    max_pages: 150
`
	c, err := Parse([]byte(y), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sources[0]
	if s.MaxDocs != 300 || s.MaxPageDocs != 40 || s.RunBudget != 20*time.Minute || s.AlertAfterFailures != 5 || s.MaxPages != 150 {
		t.Errorf("source = %+v", s)
	}
	a := c.Web.Auth
	if a.Token != "0123456789abcdef0123" || a.User != "ann" || !strings.HasPrefix(a.PasswordHash, "$2b$10$") {
		t.Errorf("auth = %+v", a)
	}
	if got := c.Line("web.auth.password_hash"); got != 5 {
		t.Errorf("Line(web.auth.password_hash) = %d, want 5", got)
	}
	if got := c.Line("sources[0].run_budget"); got != 11 {
		t.Errorf("Line(sources[0].run_budget) = %d, want 11", got)
	}
	if got := c.Line("sources[0].fields.body"); got != 7 {
		t.Errorf("Line of a key the file lacks = %d, want its source's line 7", got)
	}
}

// A Source built in code gets the limits whose zero cannot be meant, and
// keeps the zeros that mean something.
func TestComplete(t *testing.T) {
	s := Source{Name: "a"}.Complete()
	if s.Timeout != DefaultTimeout || s.MaxBody != DefaultMaxBody || s.Retries != DefaultRetries || s.Parallel != 1 || s.PollPages != DefaultPollPages {
		t.Errorf("Complete() = %+v, want the limits filled", s)
	}
	if s.Delay != 0 || s.Revisit != 0 || s.MaxPages != 0 || s.MaxDocs != 0 || s.RunBudget != 0 {
		t.Errorf("Complete() = %+v, want meaningful zeros kept", s)
	}
}

// Checks run even when the file has other problems, and their findings
// join the parser's in line order, so one run reports everything.
func TestChecksRunWithOtherProblems(t *testing.T) {
	y := "sources:\n  - name: a\n    start: http://a.cn/\n    delay: soon\n    fields:\n      body: '##'\n"
	check := func(c *Config) []Problem {
		var out []Problem
		for i, s := range c.Sources {
			for k := range s.Fields {
				key := fmt.Sprintf("sources[%d].fields.%s", i, k)
				out = append(out, Problem{Line: c.Line(key), Key: key, Msg: "bad selector"})
			}
		}
		return out
	}
	_, err := Parse([]byte(y), "x.yaml", check)
	var ps *Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v", err)
	}
	want := "x.yaml: 2 problem(s):\n  line 4: sources[0].delay: \"soon\" is not a duration like 1s, 30m or 168h\n  line 6: sources[0].fields.body: bad selector"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
}

// The README's example gongkai.yaml promises "all keys below": every key
// the parser knows appears in it (commented out or not), and the keys it
// sets parse.
func TestReadmeListsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i := strings.Index(readme, "(all keys below")
	if i < 0 {
		t.Fatal("README lacks the example gongkai.yaml introduced by \"(all keys below\"")
	}
	block := readme[i:]
	start := strings.Index(block, "```yaml\n")
	end := strings.Index(block[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README's example gongkai.yaml is not a ```yaml block")
	}
	example := block[start+8 : start+8+end]
	if _, err := Parse([]byte(strings.ReplaceAll(example, "$2y$10$…", "$2y$10$"+strings.Repeat("a", 53))), "README.md"); err != nil {
		t.Errorf("README's example does not parse: %v", err)
	}

	// Every key the parser offers, met through a file that reaches every
	// mapping (a source, a target, web.auth, fields).
	p := &parser{cfg: &Config{lines: map[string]int{}}, keys: map[string]bool{}}
	var root yaml.Node
	full := "web: {auth: {token: 0123456789abcdef}}\nsources: [{name: a, start: http://a.cn/, fields: {body: x}}]\nnotify: [{webhook: http://h.cn/}]\n"
	if err := yaml.Unmarshal([]byte(full), &root); err != nil {
		t.Fatal(err)
	}
	p.top(root.Content[0])
	if len(p.keys) < 40 {
		t.Fatalf("the parser offered only %d keys: %v", len(p.keys), p.keys)
	}
	for k := range p.keys {
		leaf := k[strings.LastIndex(k, ".")+1:]
		if !regexp.MustCompile(`(^|[\s{,#])` + regexp.QuoteMeta(leaf) + `:`).MatchString(example) {
			t.Errorf("README's example gongkai.yaml lacks the key %s", k)
		}
	}
}
