package crawler

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// errOffScope marks a URL outside the hosts a source may reach. It is
// checked before any request, robots.txt and redirects included, so a link
// on a crawled page can never make gongkai contact another server.
var errOffScope = errors.New("outside the source's hosts")

// scope is the set of host:port pairs one source may request, over http or
// https only. A start URL allows its own host and port; when that port is
// its scheme's default, the host's other default port too (sites move from
// http to https). An entry of the source's hosts list allows the given
// port, or the default ports 80 and 443 when it names none.
type scope map[string]bool

func newScope(start, hosts []string) (scope, error) {
	s := scope{}
	for _, raw := range start {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("start url %q: %w", raw, err)
		}
		host, port, ok := hostPort(u)
		if !ok {
			return nil, fmt.Errorf("start url %q: %w", raw, errOffScope)
		}
		s[net.JoinHostPort(host, port)] = true
		if port == "80" || port == "443" {
			s.addDefaults(host)
		}
	}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if host, port, err := net.SplitHostPort(h); err == nil {
			s[net.JoinHostPort(host, port)] = true
			continue
		}
		s.addDefaults(strings.Trim(h, "[]"))
	}
	return s, nil
}

func (s scope) addDefaults(host string) {
	s[net.JoinHostPort(host, "80")] = true
	s[net.JoinHostPort(host, "443")] = true
}

// hostPort is u's lower-cased host and its port, the scheme's default when
// absent; ok is false for anything but http and https.
func hostPort(u *url.URL) (host, port string, ok bool) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Hostname() == "" {
		return "", "", false
	}
	port = u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return strings.ToLower(u.Hostname()), port, true
}

// check reports whether u may be requested; the error names why not.
func (s scope) check(u *url.URL) error {
	host, port, ok := hostPort(u)
	if !ok {
		return fmt.Errorf("%s: %w (only http and https)", u.Redacted(), errOffScope)
	}
	if !s[net.JoinHostPort(host, port)] {
		return fmt.Errorf("%s: %w", u.Redacted(), errOffScope)
	}
	return nil
}

func (s scope) allows(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && s.check(u) == nil
}

// scopedTransport refuses every request outside its scope before it leaves
// the process: the last line behind the fetcher's own check, for redirects
// and for anything a library requests on its own.
type scopedTransport struct {
	scope scope
	next  http.RoundTripper
}

func (t scopedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.scope.check(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}
