package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/feed"
)

// Payload is the JSON body a webhook receives for one event. Receivers
// drop duplicates by ID, which is also sent as the X-Gongkai-Event-Id
// header and never changes across retries and restarts.
type Payload struct {
	ID         string    `json:"id"`
	Event      string    `json:"event"`
	Source     string    `json:"source"`
	URL        string    `json:"url"`
	Title      string    `json:"title"`
	IndexNo    string    `json:"index_no"`
	Published  string    `json:"published"`
	Version    int       `json:"version"`
	FetchedAt  time.Time `json:"fetched_at"`
	Summary    string    `json:"summary"`
	ArchiveURL string    `json:"archive_url,omitempty"`
	// Source health events (source_failed, source_recovered) only.
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since,omitzero"`
	Polls  int       `json:"polls,omitempty"`
}

// Digest is the JSON body a digest webhook receives: all the events of
// one delivery pass. ID is derived from the event IDs, so a resent digest
// of the same events carries the same ID.
type Digest struct {
	ID     string    `json:"id"`
	Digest bool      `json:"digest"` // always true; tells a Digest from a Payload
	Count  int       `json:"count"`
	Events []Payload `json:"events"`
}

func newPayload(e archive.Event, baseURL string) Payload {
	return Payload{
		ID:         e.ID,
		Event:      e.Kind,
		Source:     e.Source,
		URL:        e.URL,
		Title:      e.Title,
		IndexNo:    e.IndexNo,
		Published:  e.Published,
		Version:    e.Version,
		FetchedAt:  e.FetchedAt,
		Summary:    e.Summary,
		ArchiveURL: archiveURL(baseURL, e),
		Reason:     e.Reason,
		Since:      e.Since,
		Polls:      e.Polls,
	}
}

func newDigest(events []archive.Event, baseURL string) Digest {
	d := Digest{Digest: true, Count: len(events), Events: make([]Payload, len(events))}
	h := sha256.New()
	for i, e := range events {
		d.Events[i] = newPayload(e, baseURL)
		h.Write([]byte(e.ID))
		h.Write([]byte{0})
	}
	d.ID = "digest-" + hex.EncodeToString(h.Sum(nil)[:12])
	return d
}

// archiveURL links to the archived version in the web UI, or is empty when
// no base URL is configured; the same link the feeds carry.
func archiveURL(base string, e archive.Event) string { return feed.ArchiveURL(base, e) }

// kindLabel is the Chinese label shown for an event kind.
func kindLabel(kind string) string {
	switch kind {
	case archive.EventNew:
		return "新发布"
	case archive.EventChanged:
		return "已更新"
	case archive.EventWithdrawn:
		return "已撤回"
	case archive.EventRestored:
		return "已恢复"
	case archive.EventSourceFailed:
		return "监测失败"
	case archive.EventSourceRecovered:
		return "监测恢复"
	}
	return kind
}

// text is the message a shoutrrr target receives for one event.
func text(e archive.Event, baseURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【%s】%s", kindLabel(e.Kind), oneLine(e.Title))
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "\n%s: %s", label, oneLine(value))
		}
	}
	line("来源", e.Source)
	line("索引号", e.IndexNo)
	line("发布日期", e.Published)
	line("链接", e.URL)
	line("存档", archiveURL(baseURL, e))
	if e.Kind == archive.EventSourceFailed || e.Kind == archive.EventSourceRecovered {
		line("原因", e.Reason)
		if !e.Since.IsZero() {
			line("失败起始", e.Since.Format(time.RFC3339))
		}
		if e.Polls > 0 {
			line("连续失败次数", fmt.Sprint(e.Polls))
		}
		return b.String()
	}
	if e.Kind == archive.EventWithdrawn {
		line("原因", e.Summary) // the archive records why it counts as withdrawn
	} else {
		line("变化", e.Summary)
	}
	return b.String()
}

// digestText lists a pass's events in one message: a count line, then one
// line per event.
func digestText(events []archive.Event, baseURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【政府信息公开】本次共 %d 条变动", len(events))
	for i, e := range events {
		fmt.Fprintf(&b, "\n%d. 【%s】%s (%s)", i+1, kindLabel(e.Kind), oneLine(e.Title), e.Source)
		if e.Published != "" {
			fmt.Fprintf(&b, " %s", e.Published)
		}
		if link := archiveURL(baseURL, e); link != "" && e.Kind == archive.EventWithdrawn {
			fmt.Fprintf(&b, " %s", link) // the original is gone
		} else if e.URL != "" {
			fmt.Fprintf(&b, " %s", e.URL)
		}
	}
	return b.String()
}

// oneLine keeps a field from breaking the message's line layout.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
