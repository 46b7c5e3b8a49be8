package discover

import "regexp"

// nfcmsPlatform is Guangdong's NFCMS: lists index.html, index_2.html … with
// 下一页, documents …/content/post_N.html. Its pages read generically.
type nfcmsPlatform struct{}

var nfcmsDocRe = regexp.MustCompile(`/post_\d+\.s?html?$`)

func (nfcmsPlatform) name() string               { return PlatformNFCMS }
func (nfcmsPlatform) docPaths() []*regexp.Regexp { return []*regexp.Regexp{nfcmsDocRe} }
func (nfcmsPlatform) score(pg *page) int         { return scoreLinks * countPaths(pg.links, nfcmsDocRe) }
func (nfcmsPlatform) parse(p *parser, pg *page)  { p.genericPage(pg.doc.Selection, pg.raw) }
