package config

import (
	"errors"
	"strings"
	"testing"
	"time"
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
	if len(g.Start) != 1 || g.Fields["body"] != "#UCAP-CONTENT" || g.Delay != DefaultDelay || g.MaxPages != DefaultMaxPages {
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
		{"bad bool", "sources:\n  - name: a\n    start: http://a.cn/\n    attachments: sometimes\n", []string{"line 4: sources[0].attachments"}},
		{"name with slash", "sources:\n  - name: a/b\n    start: http://a.cn/\n", []string{"line 2: sources[0].name"}},
		{"target without url", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - secret: x\n", []string{"line 3: notify[0]: needs webhook"}},
		{"bad webhook", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - webhook: not a url\n", []string{"line 3: notify[0].webhook"}},
		{"too many retries", "sources:\n  - name: a\n    start: http://a.cn/\n    retries: 1000\n", []string{"line 4: sources[0].retries: 1000 is more than 10"}},
		{"listen port out of range", "web: {listen: ':99999'}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 1: web.listen"}},
		{"target filter names no source", "sources: [{name: a, start: http://a.cn/}]\nnotify:\n  - webhook: http://h.cn/\n    sources: [a, b]\n", []string{`line 3: notify[0].sources: "b" is not the name of a source`}},
		{"never fires", "sources:\n  - name: a\n    start: http://a.cn/\n    schedule: '0 0 30 2 *'\n", []string{"line 4: sources[0].schedule: \"0 0 30 2 *\" never fires"}},
		{"auth token and user", "web: {auth: {token: 0123456789abcdef0123, user: u}}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 1: web.auth: set token or user"}},
		{"auth short token", "web:\n  auth: {token: abc}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: web.auth.token: too short"}},
		{"auth user without hash", "web:\n  auth: {user: u}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: web.auth: user and password_hash go together"}},
		{"auth plain password", "web:\n  auth: {user: u, password_hash: s3cret}\nsources: [{name: a, start: http://a.cn/}]\n", []string{"line 2: web.auth.password_hash: not a bcrypt hash"}},
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
