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
	if 'A' <= sub[0] && sub[0] <= 'Z' {
		return false // s is folded to lower case: an upper-case word never matches
	}
	last := len(s) - len(sub) // the last place sub can start
	// next finds the next place at or after i where the byte c is; it
	// remembers where it found it (at), or that there is none (-2), so
	// each case of sub's first byte is searched for once per occurrence.
	next := func(at *int, i int, c byte) {
		if *at == -2 || *at >= i {
			return
		}
		if k := strings.IndexByte(s[i:last+1], c); k >= 0 {
			*at = i + k
		} else {
			*at = -2
		}
	}
	first, other := sub[0], sub[0]
	if 'a' <= first && first <= 'z' {
		other = first - ('a' - 'A')
	}
	atFirst, atOther := -1, -1
	if other == first {
		atOther = -2
	}
	for i := 0; i <= last; i++ {
		next(&atFirst, i, first)
		next(&atOther, i, other)
		switch {
		case atFirst == -2 && atOther == -2:
			return false
		case atFirst == -2:
			i = atOther
		case atOther == -2:
			i = atFirst
		default:
			i = min(atFirst, atOther)
		}
		j := 1
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
