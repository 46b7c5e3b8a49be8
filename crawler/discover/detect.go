package discover

import (
	"regexp"
	"strings"
)

var (
	gkmlptConfigRe = regexp.MustCompile(`window\._CONFIG\s*=\s*\{[^;]{0,1000}?SID\s*:`)
	hanwebDocRe    = regexp.MustCompile(`/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|/col/col\d+/art/\d{4}/art_[0-9a-fA-F]{32}\.html`)
	trsDocRe       = regexp.MustCompile(`/t\d{8}_\d+\.s?html?`)
	nfcmsDocRe     = regexp.MustCompile(`/post_\d+\.html`)
	govcnDocRe     = regexp.MustCompile(`/zhengce/content/\d{6}/content_\d+\.htm`)
)

// detect names the platform a list page was built with. Markers of the list
// machinery (Hanweb's datastore, TRS's createPageHTML, gkmlpt's _CONFIG) are
// decisive; otherwise the most frequent document URL shape wins, so that a
// sidebar linking to another platform's pages does not mislead.
func detect(raw string, r *resolver) string {
	switch {
	case gkmlptConfigRe.MatchString(raw):
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
		{PlatformHanweb, countLocal(raw, hanwebDocRe, r)},
		{PlatformGovCN, countLocal(raw, govcnDocRe, r)},
		{PlatformTRS, countLocal(raw, trsDocRe, r)},
		{PlatformNFCMS, countLocal(raw, nfcmsDocRe, r)},
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
	l := strings.ToLower(raw)
	return strings.Contains(l, "webid=") && strings.Contains(l, "pageid=") && strings.Contains(l, "tplsetid")
}

// countLocal counts the matches of re that are links to the page's own host:
// a footer linking gov.cn's policy library does not make a page gov.cn.
func countLocal(raw string, re *regexp.Regexp, r *resolver) int {
	n := 0
	for _, m := range re.FindAllStringIndex(raw, 200) {
		start := strings.LastIndexAny(raw[max(0, m[0]-300):m[0]], "\"'=( \n>") + max(0, m[0]-300) + 1
		if r.resolve(raw[start:m[1]]) != nil {
			n++
		}
	}
	return n
}
