package discover

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/gongkai/gongkai/internal/chinatime"
)

// Names of the platforms in registry (platform.go), accepted in
// Options.Platform and reported in Result.Platform.
const (
	PlatformHanweb  = "hanweb"
	PlatformTRS     = "trs"
	PlatformNFCMS   = "nfcms"
	PlatformGkmlpt  = "gkmlpt"
	PlatformGovCN   = "govcn"
	PlatformGeneric = "generic"
)

// ErrPlatform reports an unknown Options.Platform name.
var ErrPlatform = errors.New("unknown platform")

// Options tunes Parse. The zero value detects the platform and reads dates
// in China time.
type Options struct {
	Platform string         // force a platform (see the Platform constants); "" = detect
	Link     string         // CSS override: selects document <a> elements
	Next     string         // CSS override: selects next-page <a> elements
	Location *time.Location // zone for list dates; nil = Asia/Shanghai
}

// ValidateOptions checks the platform name and that the selectors compile.
func ValidateOptions(o Options) error {
	if o.Platform != "" && !knownPlatform(o.Platform) {
		return fmt.Errorf("%w %q (want one of %s)", ErrPlatform, o.Platform, strings.Join(Platforms(), ", "))
	}
	if _, err := compileSelector(o.Link); err != nil {
		return fmt.Errorf("link selector: %w", err)
	}
	if _, err := compileSelector(o.Next); err != nil {
		return fmt.Errorf("next selector: %w", err)
	}
	return nil
}

func knownPlatform(name string) bool {
	_, ok := lookupPlatform(name)
	return ok
}

// compileSelector returns nil for an empty selector.
func compileSelector(s string) (goquery.Matcher, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	sel, err := cascadia.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", s, err)
	}
	return sel, nil
}

func (o Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return chinatime.Location() // Options.Location nil
}
