package discover

import (
	"regexp"
	"strings"
)

// lonsunPlatform is Lonsun 龙讯 (Anhui): columns
// /public/column/<organId>?type=4&catId=…&action=list, documents
// /public/<organId>/<id>.html. Its lists read generically.
type lonsunPlatform struct{}

var lonsunDocRe = regexp.MustCompile(`^/public/(?:[0-9A-Za-z]+/)+\d+\.html?$`)

func (lonsunPlatform) name() string               { return "lonsun" }
func (lonsunPlatform) docPaths() []*regexp.Regexp { return []*regexp.Regexp{lonsunDocRe} }

// score: its document links, with a point more on its own column pages.
func (lonsunPlatform) score(pg *page) int {
	n := scoreLinks * countPaths(pg.links, lonsunDocRe)
	if n > 0 && strings.Contains(pg.raw, "/public/column/") {
		n++
	}
	return n
}

func (lonsunPlatform) parse(p *parser, pg *page) { p.genericPage(pg.doc.Selection, pg.raw) }
