package discover

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	hanwebDocRe = regexp.MustCompile(`/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|/col/col\d+/art/\d{4}/art_[0-9a-fA-F]{32}\.html`)
	trsDocRe    = regexp.MustCompile(`\bt\d{8}_\d+\.s?html?`)
	nfcmsDocRe  = regexp.MustCompile(`/post_\d+\.html`)
	govcnDocRe  = regexp.MustCompile(`/zhengce/content/\d{6}/content_\d+\.htm`)
)

// detect names the platform a list page was built with. Markers of the list
// machinery (Hanweb's datastore, TRS's createPageHTML, gkmlpt's _CONFIG) are
// decisive; otherwise the most frequent document URL shape wins, so that a
// sidebar linking to another platform's pages does not mislead.
func detect(raw string, links []*url.URL) string {
	switch {
	case gkmlptSID(raw) != "":
		return PlatformGkmlpt
	case strings.Contains(raw, "<datastore>"), strings.Contains(raw, ".jpage("),
		strings.Contains(raw, "jpaas-publish-server"), strings.Contains(raw, "tr_main_value_"),
		hasJpaasPager(raw):
		return PlatformHanweb
	}
	counts := []struct {
		name string
		n    int
	}{
		{PlatformHanweb, countPaths(links, hanwebDocRe)},
		{PlatformGovCN, countPaths(links, govcnDocRe)},
		{PlatformTRS, countPaths(links, trsDocRe)},
		{PlatformNFCMS, countPaths(links, nfcmsDocRe)},
	}
	if strings.Contains(raw, "createPageHTML") {
		// gov.cn is built with TRS too; its policy links tell it apart.
		if counts[1].n > counts[2].n {
			return PlatformGovCN
		}
		return PlatformTRS
	}
	best, bestN := PlatformGeneric, 0
	for _, c := range counts {
		if c.n > bestN {
			best, bestN = c.name, c.n
		}
	}
	if best == PlatformGeneric && strings.Contains(raw, "policyLibraryOverview") {
		return PlatformGovCN
	}
	return best
}

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
