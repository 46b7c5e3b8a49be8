package main

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/notify"
)

// Notification URLs carry credentials anywhere: wecom://KEY,
// telegram://TOKEN@telegram, gotify://host/TOKEN, smtp://user:PASS@host,
// ?secret=… . shoutrrr's parse errors echo parts of them, so everything
// printed about a target goes through a redactor first.

const redacted = "***"

// redactor hides the credentials of cfg's notification targets.
type redactor struct{ secrets []string }

func newRedactor(cfg *config.Config) redactor {
	var r redactor
	if cfg == nil {
		return r
	}
	for _, t := range cfg.Notify {
		r.add(t.Secret)
		r.addURL(t.URL, true)
		r.addURL(t.Webhook, false)
	}
	// Longest first, so that a token is not left half-hidden by a
	// shorter one inside it.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	r.secrets = slices.Compact(r.secrets)
	return r
}

// minSecret is the shortest part redacted on its own: shorter parts (a
// port, "to", "1") would blank out ordinary words of the message.
const minSecret = 4

func (r *redactor) add(s string) {
	if len(s) < minSecret {
		return
	}
	r.secrets = append(r.secrets, s)
	for _, dec := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if d, err := dec(s); err == nil && d != s && len(d) >= minSecret {
			r.secrets = append(r.secrets, d)
		}
	}
}

// addURL registers every part of raw but its scheme and query keys: the
// host too when withHost (a service URL may keep its key there).
func (r *redactor) addURL(raw string, withHost bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		r.add(raw)
		return
	}
	if !withHost {
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			host := rest[:i]
			if at := strings.LastIndex(host, "@"); at >= 0 {
				r.addParts(host[:at], scheme, nil)
			}
			rest = rest[i:]
		} else {
			rest = ""
		}
	}
	var keys []string
	if _, query, ok := strings.Cut(rest, "?"); ok {
		for _, kv := range strings.Split(query, "&") {
			k, _, _ := strings.Cut(kv, "=")
			keys = append(keys, k)
		}
	}
	r.addParts(rest, scheme, keys)
}

// addParts splits s at URL delimiters and adds each part that is neither
// the scheme nor a query key.
func (r *redactor) addParts(s, scheme string, keys []string) {
	for _, part := range strings.FieldsFunc(s, func(c rune) bool { return strings.ContainsRune(":/@?&=#, \t", c) }) {
		if strings.EqualFold(part, scheme) || slices.Contains(keys, part) {
			continue
		}
		r.add(part)
	}
}

// text hides every registered credential in s, and every URL's userinfo,
// path and query.
func (r redactor) text(s string) string {
	s = notify.RedactURLs(s, redacted)
	for _, sec := range r.secrets {
		if len(sec) >= wholeSecret {
			s = strings.ReplaceAll(s, sec, redacted)
		} else {
			s = replaceWord(s, sec)
		}
	}
	return s
}

// wholeSecret is the length from which a part is hidden wherever it
// appears; a shorter one only where it stands alone, so that a user
// "user" does not turn "username" into "***name".
const wholeSecret = 8

func replaceWord(s, word string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, word)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(word)
		if (i == 0 || !isAlnum(s[i-1])) && (end == len(s) || !isAlnum(s[end])) {
			b.WriteString(s[:i] + redacted)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// problems redacts the messages of the notification targets' problems.
func (r redactor) problems(ps []config.Problem) []config.Problem {
	out := slices.Clone(ps)
	for i := range out {
		if strings.HasPrefix(out[i].Key, "notify") {
			out[i].Msg = r.text(out[i].Msg)
		}
	}
	return out
}
