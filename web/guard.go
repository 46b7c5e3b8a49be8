package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongkai/gongkai/config"
)

// Auth is the optional credential every request must carry: a bearer
// token, or basic auth with a user and a bcrypt hash of the password. The
// zero value means no auth.
type Auth struct {
	Token        string
	User         string
	PasswordHash string
}

func (a Auth) enabled() bool { return a.Token != "" || a.User != "" }

// dumpPaths hand out the whole archive at once. Without auth they are only
// served on a loopback listener.
var dumpPaths = map[string]bool{"/api/backup": true, "/api/export": true}

// guard answers the requests the server must refuse and reports whether it
// did. In order:
//   - a Host that is not a loopback name, an IP address, the listen host or
//     BaseURL's host (DNS rebinding: a page on evil.example whose name now
//     resolves to 127.0.0.1 sends Host: evil.example) gets 421;
//   - with Auth set, a request without the credential gets 401;
//   - without Auth, the dumps get 403 unless the listener is loopback.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	if !s.hostAllowed(r.Host) {
		s.deny(w, r, http.StatusMisdirectedRequest, "this server does not answer for host "+r.Host+" (set web.base_url to the name it is reached by)")
		return true
	}
	switch {
	case s.o.Auth.enabled():
		ok, limited := s.authorized(r)
		if limited {
			w.Header().Set("Retry-After", "1")
			s.deny(w, r, http.StatusTooManyRequests, "too many password checks: try again in a second")
			return true
		}
		if !ok {
			if s.o.Auth.User != "" {
				w.Header().Set("WWW-Authenticate", `Basic realm="gongkai", charset="UTF-8"`)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="gongkai"`)
			}
			s.deny(w, r, http.StatusUnauthorized, "authentication required (web.auth)")
			return true
		}
	case dumpPaths[r.URL.Path] && s.o.Listen != "" && !config.IsLoopback(s.o.Listen):
		s.deny(w, r, http.StatusForbidden, r.URL.Path+" hands out the whole archive: on a listen address other than loopback it needs web.auth")
		return true
	}
	return false
}

func (s *Server) deny(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	http.Error(w, msg, code)
}

// hostAllowed reports whether a Host header names this server. With no
// Listen configured (tests, embedding) every host is allowed.
func (s *Server) hostAllowed(hostport string) bool {
	if s.o.Listen == "" {
		return true
	}
	host := hostOnly(hostport)
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true // an address is not a name an attacker can rebind
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if h := hostOnly(s.o.Listen); h != "" && strings.EqualFold(h, host) {
		return true
	}
	if u, err := url.Parse(s.o.BaseURL); err == nil && u.Host != "" && strings.EqualFold(u.Hostname(), host) {
		return true
	}
	return false
}

// hostOnly strips the port and IPv6 brackets from host[:port].
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// authorized checks the request's credential in constant time. A bcrypt
// comparison costs tens of milliseconds, so credentials that verified once
// are remembered by digest (a page loads a stylesheet too), and the
// comparisons of credentials not seen before are rationed (limited is set
// when none is left): unrationed, a client guessing passwords as fast as it
// can would get a few dozen guesses a second and keep both cores of a small
// server busy with bcrypt, slowing every crawl.
func (s *Server) authorized(r *http.Request) (ok, limited bool) {
	a := s.o.Auth
	if a.Token != "" {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		want, got := sha256.Sum256([]byte(a.Token)), sha256.Sum256([]byte(strings.TrimSpace(tok)))
		return ok && subtle.ConstantTimeCompare(want[:], got[:]) == 1, false
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false, false
	}
	wantUser, gotUser := sha256.Sum256([]byte(a.User)), sha256.Sum256([]byte(user))
	if subtle.ConstantTimeCompare(wantUser[:], gotUser[:]) != 1 {
		return false, false
	}
	key := sha256.Sum256([]byte(user + "\x00" + pass))
	if s.auth.known(key) {
		return true, false
	}
	if !s.auth.take(time.Now()) {
		return false, true
	}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(pass)) != nil {
		return false, false
	}
	s.auth.remember(key)
	return true, false
}

// bcryptPerSecond rations the password checks of credentials not seen
// before: about a tenth of a core at bcrypt's default cost, and 170,000
// guesses a day at most, against which a password worth the name holds.
// bcryptBurst checks may be spent at once (several people logging in).
const (
	bcryptPerSecond = 2
	bcryptBurst     = 5
)

// verified remembers a few credentials that passed bcrypt. Only correct
// passwords get in, so a handful of slots is plenty. It also holds the
// ration of bcrypt checks: a bucket of bcryptBurst tokens refilled at
// bcryptPerSecond.
type verified struct {
	mu     sync.Mutex
	keys   [][32]byte
	tokens float64
	filled time.Time
}

// take spends one bcrypt check, if the ration has one.
func (v *verified) take(now time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.filled.IsZero() {
		v.tokens = bcryptBurst
	} else {
		v.tokens = min(bcryptBurst, v.tokens+max(now.Sub(v.filled).Seconds(), 0)*bcryptPerSecond)
	}
	v.filled = now
	if v.tokens < 1 {
		return false
	}
	v.tokens--
	return true
}

func (v *verified) known(k [32]byte) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, x := range v.keys {
		if subtle.ConstantTimeCompare(x[:], k[:]) == 1 {
			return true
		}
	}
	return false
}

func (v *verified) remember(k [32]byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.keys) >= 8 {
		v.keys = v.keys[1:]
	}
	v.keys = append(v.keys, k)
}
