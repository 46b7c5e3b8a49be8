package archive

import (
	"fmt"
	"net/url"
	"strings"
)

// CanonicalURL is a document's identity: the URL with the fragment dropped,
// scheme and host lower-cased, the default port dropped and an empty path
// written as "/". Relative and protocol-relative links must be resolved by the
// caller first (they need the page they were found on).
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("canonical url %q: not absolute", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Fragment = ""
	u.RawFragment = ""
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	if strings.Contains(u.Hostname(), ":") { // IPv6 literal
		host = "[" + strings.ToLower(u.Hostname()) + "]"
		if port != "" {
			host += ":" + port
		}
	}
	u.Host = host
	if u.Path == "" {
		u.Path = "/"
	}
	u.ForceQuery = false
	return u.String(), nil
}
