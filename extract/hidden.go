package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// elemAttrs reads, in one pass over n's attributes, its class and id and
// whether a browser hides it: inline display:none or visibility:hidden,
// the hidden attribute, aria-hidden="true", or a class that frameworks and
// templates use to hide (ng-hide, hide, hidden, sr-only). Templates keep
// unused headers, empty xxgk blocks and print copies of the article in
// such elements; their text is no field and no body.
func elemAttrs(attrs []html.Attribute) (class, id string, hidden bool) {
	for _, a := range attrs {
		switch a.Key {
		case "class":
			class = a.Val
			hidden = hidden || hiddenClass(a.Val)
		case "id":
			id = a.Val
		case "hidden":
			hidden = true
		case "aria-hidden":
			hidden = hidden || strings.EqualFold(strings.TrimSpace(a.Val), "true")
		case "style":
			hidden = hidden || hiddenStyle(a.Val)
		}
	}
	return class, id, hidden
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
