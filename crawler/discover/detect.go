package discover

import (
	"net/url"
	"regexp"
	"strings"
)

// The helpers platforms score pages with (see platform.go).

// hasJpaasPager is a cheap check for the pager div of Zhejiang jpaas
// column pages (attributes naming webid and pageid).
func hasJpaasPager(raw string) bool {
	return containsFold(raw, "pageid=") && containsFold(raw, "webid=") && containsFold(raw, "tplsetid")
}

// containsFold reports whether s contains the lower-case ASCII word sub in
// any letter case, without copying s.
func containsFold(s, sub string) bool {
	if sub == "" || sub[0] >= 0x80 {
		return strings.Contains(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// countPaths counts the same-host links whose path matches re: a footer
// linking gov.cn's policy library does not make a page gov.cn.
func countPaths(links []*url.URL, re *regexp.Regexp) int {
	n := 0
	for _, u := range links {
		if re.MatchString(u.Path) {
			n++
		}
	}
	return n
}
