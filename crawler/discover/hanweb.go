package discover

import "github.com/PuerkitoBio/goquery"

func (p *parser) hanwebPage(doc *goquery.Document, raw string) {
	p.genericPage(doc.Selection, raw)
}

func (p *parser) dataproxyAnswer(raw string) {}
