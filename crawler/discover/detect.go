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
func detect(raw string) string {
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
		{PlatformHanweb, len(hanwebDocRe.FindAllStringIndex(raw, 200))},
		{PlatformGovCN, len(govcnDocRe.FindAllStringIndex(raw, 200))},
		{PlatformTRS, len(trsDocRe.FindAllStringIndex(raw, 200))},
		{PlatformNFCMS, len(nfcmsDocRe.FindAllStringIndex(raw, 200))},
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
