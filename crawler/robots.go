package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
)

// errRobots marks a URL that robots.txt disallows; it is skipped, not an
// error of the site.
var errRobots = errors.New("disallowed by robots.txt")

// robots answers "may this URL be fetched" from each host's robots.txt,
// fetched once per run. colly's own check is off: the crawler needs the
// answer before fetching too (to leave disallowed list entries out of its
// decisions), and one robots.txt request per host is enough.
type robots struct {
	client *http.Client
	agent  string
	mu     sync.Mutex
	hosts  map[string]*robotstxt.RobotsData // nil value = allow all
}

func (rb *robots) allowed(ctx context.Context, raw string) bool {
	if rb == nil {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	rb.mu.Lock()
	defer rb.mu.Unlock() // one fetch per host even when workers ask at once
	data, ok := rb.hosts[u.Host]
	if !ok {
		data = rb.fetch(ctx, u)
		rb.hosts[u.Host] = data
	}
	if data == nil {
		return true
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return data.TestAgent(path, rb.agent)
}

// fetch reads robots.txt the way colly and most crawlers do: a 4xx means
// no rules, a 5xx or a failed request means "disallow all" for this run.
func (rb *robots) fetch(ctx context.Context, u *url.URL) *robotstxt.RobotsData {
	target := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return disallowAll
	}
	req.Header.Set("User-Agent", rb.agent)
	res, err := rb.client.Do(req)
	if err != nil {
		return disallowAll
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 512<<10))
	if err != nil {
		return disallowAll
	}
	data, err := robotstxt.FromStatusAndBytes(res.StatusCode, body)
	if err != nil {
		return nil // unparseable rules: treat as none, like robotstxt's own 4xx case
	}
	return data
}

var disallowAll = func() *robotstxt.RobotsData {
	d, err := robotstxt.FromStatusAndBytes(http.StatusInternalServerError, nil)
	if err != nil {
		panic(fmt.Sprintf("robots: %v", err)) // cannot happen: a fixed input
	}
	return d
}()
