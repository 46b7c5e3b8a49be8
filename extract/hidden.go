package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// isHidden reports an element a browser does not show: inline
// display:none or visibility:hidden, the hidden attribute,
// aria-hidden="true", or a class that frameworks and templates use to hide
// (ng-hide, hide, hidden, sr-only). Templates keep unused headers, empty
// xxgk blocks and print copies of the article in such elements; their text
// is no field and no body.
func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			if hiddenStyle(a.Val) {
				return true
			}
		case "class":
			if hiddenClass(a.Val) {
				return true
			}
		}
	}
	return false
}

// hiddenClasses are the class names that hide an element.
var hiddenClasses = []string{"ng-hide", "hide", "hidden", "sr-only"}

func hiddenClass(class string) bool {
	hit := false
	eachField(class, func(f string) bool {
		for _, h := range hiddenClasses {
			if strings.EqualFold(f, h) {
				hit = true
				return false
			}
		}
		return true
	})
	return hit
}

// hiddenStyle reports an inline style with display:none or
// visibility:hidden (spacing, case and !important ignored).
func hiddenStyle(style string) bool {
	if !strings.Contains(style, "isplay") && !strings.Contains(style, "isibility") &&
		!strings.Contains(style, "ISPLAY") && !strings.Contains(style, "ISIBILITY") {
		return false
	}
	for decl := range strings.SplitSeq(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.TrimSpace(prop)
		val = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important"))
		switch {
		case strings.EqualFold(prop, "display") && strings.EqualFold(val, "none"),
			strings.EqualFold(prop, "visibility") && strings.EqualFold(val, "hidden"):
			return true
		}
	}
	return false
}
