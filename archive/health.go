package archive

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Health is what the archive tracks to tell a watch that went blind from a
// quiet source: a poll counts as failed when no list page could be read,
// when the list pages yielded no document although the last good poll had
// some (a redesign or a block page), or when every new document of the poll
// lacks a field that all of the source's earlier documents had. After
// AlertAfter consecutive failed polls one source_failed event is written;
// the first good poll after it writes one source_recovered.
type Health struct {
	FailingSince time.Time `json:"failing_since,omitzero"` // first failed poll of the current streak
	Reason       string    `json:"reason,omitempty"`       // why the latest poll failed
	Failures     int       `json:"failures,omitempty"`     // consecutive failed polls
	Alerted      bool      `json:"alerted,omitempty"`      // source_failed was written for this streak
	LastEntries  int       `json:"last_entries"`           // list entries of the last good poll
	// Field presence over the source's new documents, from good polls:
	// Docs documents were counted, Fields[key] of them had the field.
	Docs   int            `json:"docs_counted,omitempty"`
	Fields map[string]int `json:"fields,omitempty"`
}

// Failing reports whether source_failed was sent and the source has not
// recovered since: what the UI shows as "failing since".
func (h Health) Failing() bool { return h.Alerted }

// DefaultAlertAfter is the failed polls before source_failed when the
// source's alert_after_failures is unset.
const DefaultAlertAfter = 2

// minFieldHistory is how many earlier documents must all have had a field
// before its absence counts: a young source proves nothing.
const minFieldHistory = 5

// pollFailure is why a finished poll counts as failed, or "" when it
// worked. A cancelled run (the daemon stopping) says nothing either way:
// ok is false.
func pollFailure(h Health, stats RunStats, runErr error) (reason string, ok bool) {
	switch {
	case errors.Is(runErr, context.Canceled):
		return "", false
	case runErr != nil:
		return runErr.Error(), true
	case stats.ListPages > 0 && stats.ListEntries == 0 && h.LastEntries > 0:
		return fmt.Sprintf("the list pages listed no documents (the last good poll listed %d)", h.LastEntries), true
	}
	if stats.NewFields > 0 && h.Docs >= minFieldHistory {
		var lost []string
		for key, n := range h.Fields {
			if n == h.Docs && stats.Fields[key] == 0 {
				lost = append(lost, key)
			}
		}
		if len(lost) > 0 {
			sort.Strings(lost)
			return fmt.Sprintf("%s missing on all %d new documents (all %d earlier documents had it)",
				strings.Join(lost, ", "), stats.NewFields, h.Docs), true
		}
	}
	return "", true
}

// applyHealth updates a source's health with a finished poll and writes
// source_failed or source_recovered when the poll crosses a line. It
// returns why the poll failed ("" when it worked or was cancelled).
func (s *Store) applyHealth(tx *bolt.Tx, st *SourceState, stats RunStats, runErr error) (string, error) {
	h := &st.Health
	reason, ok := pollFailure(*h, stats, runErr)
	if !ok {
		return "", nil
	}
	at := stats.Started.Add(stats.Duration)
	if reason == "" {
		if h.Alerted {
			ev := Event{Kind: EventSourceRecovered, FetchedAt: at, Since: h.FailingSince, Polls: h.Failures,
				Reason: h.Reason, Summary: fmt.Sprintf("recovered after %d failed polls", h.Failures)}
			if err := s.addSourceEvent(tx, st.Name, ev); err != nil {
				return "", err
			}
		}
		h.FailingSince, h.Reason, h.Failures, h.Alerted = time.Time{}, "", 0, false
		if stats.ListPages > 0 {
			h.LastEntries = stats.ListEntries
		}
		if stats.NewFields > 0 {
			if h.Fields == nil {
				h.Fields = map[string]int{}
			}
			h.Docs += stats.NewFields
			for k, n := range stats.Fields {
				h.Fields[k] += n
			}
		}
		return "", nil
	}
	if h.Failures == 0 {
		h.FailingSince = stats.Started
	}
	h.Failures++
	h.Reason = reason
	threshold := stats.AlertAfter
	if threshold <= 0 {
		threshold = DefaultAlertAfter
	}
	if h.Failures >= threshold && !h.Alerted {
		h.Alerted = true
		ev := Event{Kind: EventSourceFailed, FetchedAt: at, Since: h.FailingSince, Polls: h.Failures,
			Reason: reason, Summary: fmt.Sprintf("%d failed polls in a row", h.Failures)}
		if err := s.addSourceEvent(tx, st.Name, ev); err != nil {
			return "", err
		}
	}
	return reason, nil
}

// addSourceEvent writes an event about a whole source (Doc 0). It is always
// delivered, even before the source's baseline: a watch that never worked
// is worth an alert too.
func (s *Store) addSourceEvent(tx *bolt.Tx, source string, ev Event) error {
	title := source + ": failing — " + ev.Reason
	if ev.Kind == EventSourceRecovered {
		title = source + ": working again"
	}
	return s.addEvent(tx, Doc{Source: source, Title: title}, ev, false)
}
