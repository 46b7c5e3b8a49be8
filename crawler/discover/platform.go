package discover

import (
	"net/url"
	"regexp"

	"github.com/PuerkitoBio/goquery"
)

// platform is one CMS family discover knows: its name (the value of the
// source's platform key and of Result.Platform), the document URL shapes it
// publishes, how strongly a list page looks like it, and how to read such
// a page. Adding a platform is one file with its type and one line in
// registry below.
type platform interface {
	name() string
	// docPaths are the URL path shapes of its document pages (see
	// IsDocumentURL); nil when it has none of its own.
	docPaths() []*regexp.Regexp
	// score says how much pg looks like the platform: 0 not at all. The
	// highest score wins, the earlier platform in registry on a tie. A
	// marker of the platform's list machinery (a script only it writes)
	// should outweigh any count of links.
	score(pg *page) int
	// parse reads pg's entries and next pages into p.
	parse(p *parser, pg *page)
}

// page is an HTML list page as the platforms see it.
type page struct {
	doc   *goquery.Document
	raw   string
	links []*url.URL // same-host links, resolved; filled only when detecting
}

// Score tiers: a decisive marker of the list machinery beats any link
// count; link counts are doubled so that a one-point bonus can break a tie
// without changing any other order.
const (
	scoreMarker = 1 << 24
	scoreLinks  = 2
)

// registry lists the platforms in detection order (ties go to the earlier
// one). generic must stay last: it reads any page and wins only when no
// other platform scores.
var registry = []platform{
	gkmlptPlatform{},
	hanwebPlatform{},
	govcnPlatform{},
	trsPlatform{},
	nfcmsPlatform{},
	lonsunPlatform{},
	genericPlatform{},
}

// Platforms returns the names Options.Platform accepts, in detection order.
func Platforms() []string {
	names := make([]string, len(registry))
	for i, pl := range registry {
		names[i] = pl.name()
	}
	return names
}

func lookupPlatform(name string) (platform, bool) {
	for _, pl := range registry {
		if pl.name() == name {
			return pl, true
		}
	}
	return nil, false
}

// detect picks the platform of pg: the highest score, generic when none
// scores.
func detect(pg *page) platform {
	best, bestScore := registry[len(registry)-1], 0
	for _, pl := range registry {
		if s := pl.score(pg); s > bestScore {
			best, bestScore = pl, s
		}
	}
	return best
}
