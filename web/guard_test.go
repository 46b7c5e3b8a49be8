package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

const (
	testToken = "0123456789abcdef0123456789abcdef"
	testHash  = "$2a$04$vLyLy5ulojyiDOyltNr9iOCx8sUIMQ7YvyR/pAy7pXslM/8u9Zwku" // bcrypt of "s3cret"
)

type request struct {
	path, host string
	bearer     string
	user, pass string
}

func (q request) do(h http.Handler) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, q.path, nil)
	req.Host = q.host
	if q.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+q.bearer)
	}
	if q.user != "" {
		req.SetBasicAuth(q.user, q.pass)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// A page elsewhere whose name is rebound to 127.0.0.1 sends its own name as
// Host: only the names this server is reached by are answered.
func TestHostAllowList(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{Listen: "127.0.0.1:8080", BaseURL: "https://archive.example.org"})
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", http.StatusOK},
		{"localhost:8080", http.StatusOK},
		{"LOCALHOST", http.StatusOK},
		{"[::1]:8080", http.StatusOK},
		{"192.168.1.5:8080", http.StatusOK},
		{"archive.example.org", http.StatusOK},
		{"evil.example:8080", http.StatusMisdirectedRequest},
		{"archive.example.org.evil.example", http.StatusMisdirectedRequest},
		{"", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		for _, path := range []string{"/", "/api/docs", "/api/backup", "/feed.atom"} {
			if got := (request{path: path, host: tt.host}).do(h).Code; got != tt.want && !(got == http.StatusNotFound && path == "/feed.atom") {
				t.Errorf("GET %s with Host %q = %d, want %d", path, tt.host, got, tt.want)
			}
		}
	}
	// The listen host is allowed when it is a name.
	named := f.server(Options{Listen: "gongkai.lan:8080"})
	if got := (request{path: "/", host: "gongkai.lan:8080"}).do(named).Code; got != http.StatusOK {
		t.Errorf("Host = the listen host: %d, want 200", got)
	}
}

// Feed links come from base_url or a vetted Host, never from whatever Host
// a request names.
func TestFeedLinksNeverFromAnUnlistedHost(t *testing.T) {
	f := newFixture(t)
	var got FeedOptions
	h := f.server(Options{Listen: "127.0.0.1:8080", Feed: func(_ []archive.Event, o FeedOptions) ([]byte, error) {
		got = o
		return []byte("<feed/>"), nil
	}})
	if w := (request{path: "/feed.atom", host: "evil.example"}).do(h); w.Code == http.StatusOK || strings.Contains(got.BaseURL, "evil") {
		t.Errorf("feed for Host evil.example = %d, base %q", w.Code, got.BaseURL)
	}
	if w := (request{path: "/feed.atom", host: "localhost:8080"}).do(h); w.Code != http.StatusOK || got.BaseURL != "http://localhost:8080" {
		t.Errorf("feed for Host localhost:8080 = %d, base %q", w.Code, got.BaseURL)
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t)
	token := f.server(Options{Listen: "0.0.0.0:8080", Auth: Auth{Token: testToken}})
	basic := f.server(Options{Listen: "0.0.0.0:8080", Auth: Auth{User: "archivist", PasswordHash: testHash}})
	const host = "10.0.0.2:8080"
	tests := []struct {
		name string
		h    http.Handler
		q    request
		want int
	}{
		{"no token", token, request{path: "/", host: host}, http.StatusUnauthorized},
		{"wrong token", token, request{path: "/api/docs", host: host, bearer: "0123456789abcdef0123456789abcdee"}, http.StatusUnauthorized},
		{"token", token, request{path: "/api/docs", host: host, bearer: testToken}, http.StatusOK},
		{"token backup", token, request{path: "/api/backup", host: host, bearer: testToken}, http.StatusOK},
		{"token on basic", basic, request{path: "/", host: host, bearer: testToken}, http.StatusUnauthorized},
		{"no password", basic, request{path: "/static/style.css", host: host}, http.StatusUnauthorized},
		{"wrong password", basic, request{path: "/", host: host, user: "archivist", pass: "guess"}, http.StatusUnauthorized},
		{"wrong user", basic, request{path: "/", host: host, user: "admin", pass: "s3cret"}, http.StatusUnauthorized},
		{"password", basic, request{path: "/", host: host, user: "archivist", pass: "s3cret"}, http.StatusOK},
		{"password again", basic, request{path: "/api/export", host: host, user: "archivist", pass: "s3cret"}, http.StatusOK},
		{"wrong password after a right one", basic, request{path: "/", host: host, user: "archivist", pass: "s3cret!"}, http.StatusUnauthorized},
		{"rebinding with the token", token, request{path: "/", host: "evil.example", bearer: testToken}, http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.q.do(tt.h)
			if w.Code != tt.want {
				t.Fatalf("GET %s = %d, want %d: %s", tt.q.path, w.Code, tt.want, w.Body)
			}
			if w.Code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// Password guesses are rationed: once the burst of bcrypt checks is spent,
// a new credential gets 429 with Retry-After, a remembered one still gets
// in, and the ration refills with time.
func TestPasswordChecksAreRationed(t *testing.T) {
	f := newFixture(t)
	basic := f.server(Options{Listen: "0.0.0.0:8080", Auth: Auth{User: "archivist", PasswordHash: testHash}})
	const host = "10.0.0.2:8080"
	right := request{path: "/", host: host, user: "archivist", pass: "s3cret"}
	if w := right.do(basic); w.Code != http.StatusOK {
		t.Fatalf("right password = %d", w.Code)
	}
	limited := 0
	for i := range 2 * bcryptBurst {
		w := (request{path: "/", host: host, user: "archivist", pass: fmt.Sprint("guess", i)}).do(basic)
		switch w.Code {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			limited++
			if w.Header().Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		default:
			t.Fatalf("guess %d = %d", i, w.Code)
		}
	}
	if limited == 0 {
		t.Errorf("%d quick wrong guesses were all checked, want the ration to stop some", 2*bcryptBurst)
	}
	if w := right.do(basic); w.Code != http.StatusOK {
		t.Errorf("remembered password during the flood = %d, want 200", w.Code)
	}

	var v verified
	t0 := time.Unix(1000, 0)
	for i := range bcryptBurst {
		if !v.take(t0) {
			t.Fatalf("check %d of the burst refused", i)
		}
	}
	if v.take(t0) {
		t.Error("a check past the burst was allowed")
	}
	if !v.take(t0.Add(time.Second / bcryptPerSecond)) {
		t.Error("no check allowed after the refill time")
	}
}

// Without auth, the whole-archive dumps are only served on loopback.
func TestDumpsNeedAuthOffLoopback(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		listen string
		dumps  int
	}{
		{"127.0.0.1:8080", http.StatusOK},
		{"localhost:8080", http.StatusOK},
		{"0.0.0.0:8080", http.StatusForbidden},
		{":8080", http.StatusForbidden},
		{"192.168.1.5:8080", http.StatusForbidden},
	} {
		h := f.server(Options{Listen: tt.listen})
		for _, path := range []string{"/api/backup", "/api/export"} {
			w := (request{path: path, host: "127.0.0.1:8080"}).do(h)
			if w.Code != tt.dumps || tt.dumps == http.StatusForbidden && !strings.Contains(w.Body.String(), "web.auth") {
				t.Errorf("listen %s: GET %s = %d %s, want %d", tt.listen, path, w.Code, w.Body, tt.dumps)
			}
		}
		if w := (request{path: "/api/docs", host: "127.0.0.1:8080"}).do(h); w.Code != http.StatusOK {
			t.Errorf("listen %s: /api/docs = %d, want 200", tt.listen, w.Code)
		}
	}
}
