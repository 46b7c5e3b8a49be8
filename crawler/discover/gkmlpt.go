package discover

import "github.com/PuerkitoBio/goquery"

func (p *parser) gkmlptPage(doc *goquery.Document, raw string) {
	p.genericPage(doc.Selection, raw)
}

func (p *parser) parseJSON(body []byte) error { return nil }
