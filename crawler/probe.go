package crawler

import (
	"context"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler/discover"
)

// Prober fetches single pages of one source outside a crawl run, under the
// same rules as a crawl: the source's hosts only, robots.txt, the delay
// between requests, retries, max_body (as received and once inflated).
// `gongkai add` reads a site's directory, its columns and sample documents
// with it. A Prober belongs to the ctx it was made with.
type Prober struct {
	f *fetcher
}

// Page is one fetched page, decoded to UTF-8.
type Page struct {
	URL         string // after redirects
	ContentType string
	Body        []byte
}

// Probe returns a Prober for src (its Start URLs set the hosts it may
// reach).
func (c *Crawler) Probe(ctx context.Context, src config.Source) (*Prober, error) {
	r := &run{Crawler: c, src: src.Complete(), log: c.opts.Logger.With("source", src.Name)}
	f, err := r.newFetcher(ctx)
	if err != nil {
		return nil, err
	}
	return &Prober{f: f}, nil
}

// Get fetches req and decodes it.
func (p *Prober) Get(ctx context.Context, req discover.Request) (Page, error) {
	res := p.f.get(ctx, req, nil)
	if res.err != nil {
		if res.status != 0 {
			return Page{}, fmt.Errorf("get %s: HTTP %d: %w", req.URL, res.status, res.err)
		}
		return Page{}, fmt.Errorf("get %s: %w", req.URL, res.err)
	}
	body, err := p.f.decode(res)
	if err != nil {
		return Page{}, fmt.Errorf("get %s: %w", req.URL, err)
	}
	if discover.Challenge(body) {
		return Page{}, fmt.Errorf("get %s: %w", req.URL, errChallenge)
	}
	u := req.URL
	if res.finalURL != "" && req.Method == "" {
		u = res.finalURL
	}
	return Page{URL: u, ContentType: res.header.Get("Content-Type"), Body: body}, nil
}

var errChallenge = errors.New("the site answered with an anti-bot challenge page; it needs a browser and is not supported")
