// Package feed renders archive events as Atom feeds, so watchers can follow
// new, changed, withdrawn and restored disclosures, and sources failing and
// recovering, in any feed reader. It
// only formats: the caller chooses the events (all sources, or one).
package feed

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/gongkai/gongkai/archive"
)

// Options describe the feed around the entries. The zero value works.
type Options struct {
	// Title of the feed; "" means "gongkai".
	Title string
	// SelfURL is where the feed is served; it becomes the feed's self link
	// and id. "" gives a fixed tag URI id and no self link.
	SelfURL string
	// BaseURL is the web UI's base; when set every entry also links to the
	// archived version (BaseURL/docs/<doc>/v/<version>).
	BaseURL string
	// Updated is the feed's update time; zero means the newest event's.
	Updated time.Time
}

// tagPrefix starts every id. Ids derive from event ids only, so an entry
// keeps its id whatever URL the feed is served from.
const tagPrefix = "tag:gongkai,2025:"

// EntryID is the Atom id of an event's entry.
func EntryID(e archive.Event) string {
	id := e.ID
	if id == "" {
		id = "seq-" + strconv.FormatUint(e.Seq, 10)
	}
	return tagPrefix + "event/" + url.PathEscape(id)
}

// ArchiveURL links to the archived version an event is about, or is "" when
// base is empty.
func ArchiveURL(base string, e archive.Event) string {
	if base == "" || e.Doc == 0 {
		return ""
	}
	u := strings.TrimRight(base, "/") + "/docs/" + strconv.FormatUint(e.Doc, 10)
	if e.Version > 0 {
		u += "/v/" + strconv.Itoa(e.Version)
	}
	return u
}

// Label is an entry title's prefix for an event kind, English then Chinese.
func Label(kind string) string {
	switch kind {
	case archive.EventNew:
		return "[new 新发布]"
	case archive.EventChanged:
		return "[changed 已更新]"
	case archive.EventWithdrawn:
		return "[withdrawn 已撤回]"
	case archive.EventRestored:
		return "[restored 已恢复]"
	case archive.EventSourceFailed:
		return "[source failing 监测失败]"
	case archive.EventSourceRecovered:
		return "[source recovered 监测恢复]"
	}
	return "[" + kind + "]"
}

// Atom renders events, in the order given (newest first is usual), as an
// Atom 1.0 document. Each entry has a stable id built from the event id, a
// title prefixed by its kind, an alternate link to the original page, a
// related link to the archived version when BaseURL is set, the fetch time
// as published and updated date, and a plain-text summary.
func Atom(events []archive.Event, o Options) ([]byte, error) {
	f := &feeds.Feed{
		Title:   o.Title,
		Author:  &feeds.Author{Name: "gongkai"},
		Updated: o.Updated,
	}
	if f.Title == "" {
		f.Title = "gongkai"
	}
	if f.Updated.IsZero() {
		for _, e := range events {
			if e.FetchedAt.After(f.Updated) {
				f.Updated = e.FetchedAt
			}
		}
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0) // empty feed: a fixed date keeps output reproducible
	}
	for _, e := range events {
		f.Add(&feeds.Item{
			Id:          EntryID(e),
			Title:       Label(e.Kind) + " " + e.Title,
			Link:        &feeds.Link{Href: e.URL, Rel: "alternate"},
			Description: summary(e),
			Created:     e.FetchedAt,
			Updated:     e.FetchedAt,
		})
	}

	af := (&feeds.Atom{Feed: f}).AtomFeed()
	af.Id = o.SelfURL
	if af.Id == "" {
		af.Id = tagPrefix + "feed"
		af.Link = nil
	} else {
		af.Link = &feeds.AtomLink{Href: o.SelfURL, Rel: "self", Type: "application/atom+xml"}
	}
	for i, entry := range af.Entries {
		e := events[i]
		if !e.FetchedAt.IsZero() {
			entry.Published = e.FetchedAt.Format(time.RFC3339)
		}
		// gorilla/feeds marks summaries as HTML; ours is plain text.
		if entry.Summary != nil {
			entry.Summary.Type = "text"
		}
		if e.URL == "" { // gorilla/feeds writes an empty link for a missing one
			entry.Links = entry.Links[:0]
		}
		if a := ArchiveURL(o.BaseURL, e); a != "" {
			entry.Links = append(entry.Links, feeds.AtomLink{Href: a, Rel: "related", Type: "text/html"})
		}
	}

	var buf bytes.Buffer
	if err := feeds.WriteXML(af, &buf); err != nil {
		return nil, fmt.Errorf("render atom feed: %w", err)
	}
	return buf.Bytes(), nil
}

// summary is the entry text: where the document comes from and what
// changed.
func summary(e archive.Event) string {
	var lines []string
	add := func(label, v string) {
		if v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	add("来源 source", e.Source)
	add("索引号 index no.", e.IndexNo)
	add("发布日期 published", e.Published)
	if e.Version > 0 {
		add("版本 version", strconv.Itoa(e.Version))
	}
	if e.Reason != "" {
		add("原因 reason", e.Reason)
		if !e.Since.IsZero() {
			add("失败起始 failing since", e.Since.Format(time.RFC3339))
		}
		add("连续失败 failed polls", strconv.Itoa(e.Polls))
		return strings.Join(lines, "\n")
	}
	if e.Kind == archive.EventWithdrawn {
		add("原因 reason", e.Summary)
	} else {
		add("变化 change", e.Summary)
	}
	return strings.Join(lines, "\n")
}
