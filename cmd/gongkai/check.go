package main

import (
	"errors"
	"fmt"
	"sort"

	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler/discover"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/notify"
)

// check runs the validations that need the packages behind the config (CSS
// selectors, platform names, notification targets) as a config.Check, so
// they are reported with the parser's problems, each at its own key's line.
// Keys are checked one at a time so every problem names the key it is about.
func check(cfg *config.Config) []config.Problem {
	var out []config.Problem
	redact := newRedactor(cfg) // shoutrrr's errors echo keys and tokens
	add := func(k string, err error) {
		if err != nil {
			out = append(out, config.Problem{Line: cfg.Line(k), Key: k, Msg: redact.text(err.Error())})
		}
	}
	for i, s := range cfg.Sources {
		names := make([]string, 0, len(s.Fields))
		for name := range s.Fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			add(key("sources", i, "fields."+name), extract.ValidateFields(map[string]string{name: s.Fields[name]}))
		}
		add(key("sources", i, "platform"), discover.ValidateOptions(discover.Options{Platform: s.Platform}))
		add(key("sources", i, "link"), discover.ValidateOptions(discover.Options{Link: s.Link}))
		add(key("sources", i, "next"), discover.ValidateOptions(discover.Options{Next: s.Next}))
	}
	for i, t := range targets(cfg) {
		if t.Webhook == "" && t.URL == "" {
			continue // the parser reported it
		}
		before := len(out)
		// inner drops the "notify target NAME:" wrapping: the key says it.
		inner := func(err error) error {
			if u := errors.Unwrap(err); u != nil {
				return u
			}
			return err
		}
		if t.Webhook != "" {
			add(key("notify", i, "webhook"), inner(notify.ValidateTarget(notify.Target{Webhook: t.Webhook})))
		}
		if t.URL != "" {
			add(key("notify", i, "url"), inner(notify.ValidateTarget(notify.Target{URL: t.URL})))
		}
		// A valid stand-in endpoint isolates each filter's own problems.
		base := notify.Target{Webhook: "http://127.0.0.1/"}
		events, match, exclude := base, base, base
		events.Events, match.Match, exclude.Exclude = t.Events, t.Match, t.Exclude
		add(key("notify", i, "events"), inner(notify.ValidateTarget(events)))
		add(key("notify", i, "match"), inner(notify.ValidateTarget(match)))
		add(key("notify", i, "exclude"), inner(notify.ValidateTarget(exclude)))
		if len(out) == before {
			// What no single key explains (webhook and url both set, a
			// secret on a url target) is reported at the target.
			add(key("notify", i, ""), notify.ValidateTarget(t))
		}
	}
	return out
}

func key(list string, i int, field string) string {
	k := fmt.Sprintf("%s[%d]", list, i)
	if field != "" {
		k += "." + field
	}
	return k
}
