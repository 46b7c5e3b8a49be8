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
	limit  *Hosts // robots.txt requests wait their turn like the rest
	own    Politeness
	agent  string
	scope  scope // hosts outside it are not asked: the fetcher refuses them anyway
	mu     sync.Mutex
	hosts  map[string]*robotstxt.RobotsData // nil value = allow all
	notes  map[string]string                // host → why its robots.txt could not be read
}

func (rb *robots) allowed(ctx context.Context, raw string) bool {
	if rb == nil {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if rb.scope != nil && rb.scope.check(u) != nil {
		// Not robots.txt's call, and its request would itself leave
		// the source's hosts: the fetcher refuses the URL.
		return true
	}
	rb.mu.Lock()
	defer rb.mu.Unlock() // one fetch per host even when workers ask at once
	data, ok := rb.hosts[u.Host]
	if !ok {
		var note string
		data, note = rb.fetch(ctx, u)
		rb.hosts[u.Host] = data
		if note != "" {
			if rb.notes == nil {
				rb.notes = map[string]string{}
			}
			rb.notes[u.Host] = note
		}
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

// why says why every URL of raw's host is disallowed when its robots.txt
// could not be read, "" otherwise.
func (rb *robots) why(raw string) string {
	if rb == nil {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return rb.notes[u.Host]
}

// fetch reads robots.txt the way colly and most crawlers do: a 4xx means
// no rules, a 5xx or a failed request means "disallow all" for this run
// (the note says which).
func (rb *robots) fetch(ctx context.Context, u *url.URL) (*robotstxt.RobotsData, string) {
	const all = "; every URL of the host is treated as disallowed this run"
	target := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return disallowAll, "robots.txt: " + err.Error() + all
	}
	req.Header.Set("User-Agent", rb.agent)
	done, err := rb.limit.turn(ctx, target, rb.own)
	if err != nil {
		return disallowAll, "robots.txt could not be fetched: " + err.Error() + all
	}
	defer done()
	res, err := rb.client.Do(req)
	if err != nil {
		return disallowAll, "robots.txt could not be fetched: " + err.Error() + all
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 512<<10))
	if err != nil {
		return disallowAll, "robots.txt could not be read: " + err.Error() + all
	}
	data, err := robotstxt.FromStatusAndBytes(res.StatusCode, body)
	if err != nil {
		return nil, "" // unparseable rules: treat as none, like robotstxt's own 4xx case
	}
	if res.StatusCode >= 500 {
		return data, fmt.Sprintf("robots.txt answered HTTP %d%s", res.StatusCode, all)
	}
	return data, ""
}

var disallowAll = func() *robotstxt.RobotsData {
	d, err := robotstxt.FromStatusAndBytes(http.StatusInternalServerError, nil)
	if err != nil {
		panic(fmt.Sprintf("robots: %v", err)) // cannot happen: a fixed input
	}
	return d
}()
