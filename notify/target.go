package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/gongkai/gongkai/archive"
)

// Target is one place alerts go to: a JSON webhook or any shoutrrr service
// URL (smtp://, wecom://, lark://, telegram://, ntfy://, gotify://,
// generic://…), with optional filters. Exactly one of Webhook and URL is set.
type Target struct {
	// Name labels the target in logs and in notify-test output. Empty means
	// one derived from the endpoint with credentials, paths and queries
	// removed (see DisplayName).
	Name string `yaml:"name" json:"name,omitempty"`
	// Webhook receives an HTTP POST of a JSON Payload per event.
	Webhook string `yaml:"webhook" json:"webhook,omitempty"`
	// Secret, for webhooks, signs each body with HMAC-SHA256; the header
	// X-Gongkai-Signature carries "sha256=<hex>".
	Secret string `yaml:"secret" json:"-"`
	// URL is a shoutrrr service URL; the target receives a readable
	// Chinese text message.
	URL string `yaml:"url" json:"url,omitempty"`

	// Sources keeps only events of these sources; empty means all.
	Sources []string `yaml:"sources" json:"sources,omitempty"`
	// Events keeps only these kinds (new, changed, withdrawn, restored,
	// source_failed, source_recovered);
	// empty means all.
	Events []string `yaml:"events" json:"events,omitempty"`
	// Match keeps only events whose title matches this regular expression.
	Match string `yaml:"match" json:"match,omitempty"`
	// Exclude drops events whose title matches this regular expression.
	Exclude string `yaml:"exclude" json:"exclude,omitempty"`
	// Digest sends one message per delivery pass (that is, per finished
	// crawl) listing all of the pass's events instead of one per event.
	Digest bool `yaml:"digest" json:"digest,omitempty"`
}

// Kinds lists the event kinds a target can filter on, in display order.
func Kinds() []string {
	return []string{archive.EventNew, archive.EventChanged, archive.EventWithdrawn, archive.EventRestored,
		archive.EventSourceFailed, archive.EventSourceRecovered}
}

// Key is the target's stable identity in the outbox's delivered map. It
// derives from the endpoint only (so renaming a target or editing its
// filters does not resend anything) and holds no secret: credentials in
// the URL enter only through a digest.
func (t Target) Key() string {
	endpoint, kind := strings.TrimSpace(t.Webhook), "webhook"
	if endpoint == "" {
		endpoint = strings.TrimSpace(t.URL)
		kind = "url"
		if u, err := url.Parse(endpoint); err == nil && u.Scheme != "" {
			kind = strings.ToLower(u.Scheme)
		}
	}
	sum := sha256.Sum256([]byte(endpoint))
	return kind + "-" + hex.EncodeToString(sum[:8])
}

// DisplayName is Name or, when that is empty, a label safe to log: a
// webhook's scheme and host, or a service URL's Key (service URLs may keep
// their token in any part, host included, as in wecom://KEY).
func (t Target) DisplayName() string {
	switch {
	case t.Name != "":
		return t.Name
	case strings.TrimSpace(t.Webhook) != "":
		if w := strings.TrimSpace(t.Webhook); urlInText.MatchString(w) {
			return RedactURLs(w, "…")
		}
		return "(url)"
	default:
		return t.Key()
	}
}

// ValidateTarget reports what is wrong with a target: not exactly one of
// webhook and url, an unusable webhook URL, a url no shoutrrr service
// accepts, a secret on a non-webhook target, an unknown event kind or a bad
// regular expression. Messages never contain the target's credentials.
func ValidateTarget(t Target) error {
	var errs []error
	webhook, svc := strings.TrimSpace(t.Webhook), strings.TrimSpace(t.URL)
	switch {
	case webhook == "" && svc == "":
		errs = append(errs, errors.New("set one of webhook and url"))
	case webhook != "" && svc != "":
		errs = append(errs, errors.New("set only one of webhook and url"))
	case webhook != "":
		u, err := url.Parse(webhook)
		switch {
		case err != nil:
			errs = append(errs, errors.New("webhook is not a valid URL"))
		case u.Scheme != "http" && u.Scheme != "https":
			errs = append(errs, fmt.Errorf("webhook must be an http or https URL, not %q", u.Scheme))
		case u.Host == "":
			errs = append(errs, errors.New("webhook URL has no host"))
		}
	default:
		// A few services (matrix with a user) log in while initializing;
		// validation must not touch the network, so their requests fail
		// with errOffline, which counts as having parsed the URL.
		if _, err := locate(svc, offline); err != nil && !errors.Is(err, errOffline) {
			errs = append(errs, fmt.Errorf("url: %w", err))
		}
		if t.Secret != "" {
			errs = append(errs, errors.New("secret applies only to webhook targets"))
		}
	}
	for _, k := range t.Events {
		if !slices.Contains(Kinds(), k) {
			errs = append(errs, fmt.Errorf("unknown event kind %q (want one of %s)", k, strings.Join(Kinds(), ", ")))
		}
	}
	if _, err := regexp.Compile(t.Match); err != nil {
		errs = append(errs, fmt.Errorf("match: %w", err))
	}
	if _, err := regexp.Compile(t.Exclude); err != nil {
		errs = append(errs, fmt.Errorf("exclude: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("notify target %s: %w", t.DisplayName(), err)
	}
	return nil
}

// locate turns a shoutrrr URL into a ready service using shoutrrr's own
// router, so the schemes accepted are exactly the library's. It mirrors
// router.Locate but hands the service client before Initialize, because
// some services (matrix) already make requests there.
func locate(rawURL string, client types.HTTPClient) (types.Service, error) {
	var r router.ServiceRouter
	scheme, u, err := r.ExtractServiceName(rawURL)
	if err != nil {
		return nil, scrub(err)
	}
	svc, err := r.NewService(scheme)
	if err != nil {
		return nil, scrub(err)
	}
	if setter, ok := svc.(types.HTTPClientSetter); ok && client != nil {
		setter.SetHTTPClient(client)
	}
	if u.Scheme != scheme { // "generic+https://…" style custom URLs
		custom, ok := svc.(types.CustomURLService)
		if !ok {
			return nil, fmt.Errorf("%s service takes no custom URLs", scheme)
		}
		if u, err = custom.GetServiceURLFromCustom(u); err != nil {
			return nil, scrub(fmt.Errorf("%s: %w", scheme, err))
		}
	}
	if err := svc.Initialize(u, nil); err != nil {
		return nil, scrub(fmt.Errorf("%s: %w", scheme, err))
	}
	return svc, nil
}

var errOffline = errors.New("no network while validating")

// offline is the HTTP client used for validation: it sends nothing.
var offline types.HTTPClient = offlineClient{}

type offlineClient struct{}

func (offlineClient) Do(*http.Request) (*http.Response, error) { return nil, errOffline }

// target is a validated Target ready for matching.
type target struct {
	Target
	key     string
	name    string
	sources map[string]bool
	kinds   map[string]bool
	match   *regexp.Regexp
	exclude *regexp.Regexp
	busy    chan struct{} // holds a shoutrrr send until it returns (see shout)
	running chan struct{} // holds the target's delivery of a pass until it ends
}

func compile(t Target) (*target, error) {
	if err := ValidateTarget(t); err != nil {
		return nil, err
	}
	c := &target{Target: t, key: t.Key(), name: t.DisplayName(), busy: make(chan struct{}, 1), running: make(chan struct{}, 1)}
	c.Webhook, c.URL = strings.TrimSpace(t.Webhook), strings.TrimSpace(t.URL)
	if len(t.Sources) > 0 {
		c.sources = make(map[string]bool, len(t.Sources))
		for _, s := range t.Sources {
			c.sources[s] = true
		}
	}
	if len(t.Events) > 0 {
		c.kinds = make(map[string]bool, len(t.Events))
		for _, k := range t.Events {
			c.kinds[k] = true
		}
	}
	if t.Match != "" {
		c.match = regexp.MustCompile(t.Match) // validated above
	}
	if t.Exclude != "" {
		c.exclude = regexp.MustCompile(t.Exclude)
	}
	return c, nil
}

// wants reports whether the target's filters keep the event.
func (t *target) wants(e archive.Event) bool {
	if t.sources != nil && !t.sources[e.Source] {
		return false
	}
	if t.kinds != nil && !t.kinds[e.Kind] {
		return false
	}
	if t.match != nil && !t.match.MatchString(e.Title) {
		return false
	}
	if t.exclude != nil && t.exclude.MatchString(e.Title) {
		return false
	}
	return true
}

// RedactURLs replaces every URL in s (request URLs quoted by net/http and
// shoutrrr carry keys and tokens in their userinfo, path and query): an
// http(s) URL keeps its scheme and host, with mark for the rest; any other
// keeps only its scheme.
func RedactURLs(s, mark string) string {
	return urlInText.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" {
			scheme, _, _ := strings.Cut(raw, "://")
			return scheme + "://" + mark
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return u.Scheme + "://" + mark
		}
		r := u.Scheme + "://" + u.Host
		if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Opaque != "" {
			r += "/" + mark
		}
		return r
	})
}

var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// scrubbed is an error whose message has every URL redacted; it still
// unwraps to the original for errors.Is and errors.As.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub hides URLs (and so credentials) in errors from net/http and
// shoutrrr, which quote the full request URL.
func scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := RedactURLs(err.Error(), "…")
	return &scrubbed{msg: msg, err: err}
}
