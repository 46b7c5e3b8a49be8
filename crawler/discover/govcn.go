package discover

import (
	"regexp"
	"strings"
)

// govcnPlatform is gov.cn (the State Council and its departments). It is
// built with TRS: createPageHTML counts for it only when its policy links
// outnumber TRS article links. Its pages read generically.
type govcnPlatform struct{}

var (
	govcnPolicyRe = regexp.MustCompile(`/zhengce/content/\d{6}/content_\d+\.htm`)
	// gov.cn and others: content_5678901.htm
	govcnDocRe = regexp.MustCompile(`/content_\d+\.s?html?$`)
)

func (govcnPlatform) name() string               { return PlatformGovCN }
func (govcnPlatform) docPaths() []*regexp.Regexp { return []*regexp.Regexp{govcnDocRe} }

func (govcnPlatform) score(pg *page) int {
	n := scoreLinks * countPaths(pg.links, govcnPolicyRe)
	switch {
	case strings.Contains(pg.raw, "createPageHTML"):
		return scoreMarker + n
	case n == 0 && strings.Contains(pg.raw, "policyLibraryOverview"):
		return 1 // only when no platform counts a single link
	}
	return n
}

func (govcnPlatform) parse(p *parser, pg *page) { p.genericPage(pg.doc.Selection, pg.raw) }
