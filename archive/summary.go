package archive

import (
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/extract"
)

// Summary says briefly what changed between two records: the fields that
// differ, then up to maxSentences of the first new or edited body sentences.
// It goes into the changed event, so a watcher sees the edit in the alert.
func Summary(old, cur extract.Document, maxSentences int) string {
	var fields []string
	pairs := []struct{ name, a, b string }{
		{"title", old.Title, cur.Title}, {"index_no", old.IndexNo, cur.IndexNo},
		{"published", old.Published, cur.Published}, {"written", old.Written, cur.Written},
		{"publisher", old.Publisher, cur.Publisher}, {"doc_no", old.DocNo, cur.DocNo},
		{"topic", old.Topic, cur.Topic}, {"access", old.Access, cur.Access},
	}
	for _, p := range pairs {
		if normSpace(p.a) != normSpace(p.b) {
			fields = append(fields, fmt.Sprintf("%s: %q → %q", p.name, p.a, p.b))
		}
	}
	if len(old.Attachments) != len(cur.Attachments) {
		fields = append(fields, fmt.Sprintf("attachments: %d → %d", len(old.Attachments), len(cur.Attachments)))
	}
	var parts []string
	if len(fields) > 0 {
		parts = append(parts, "fields changed: "+strings.Join(fields, "; "))
	}
	before := map[string]int{}
	for _, s := range Sentences(normBody(old.Body)) {
		before[s]++
	}
	var added []string
	for _, s := range Sentences(normBody(cur.Body)) {
		if before[s] > 0 {
			before[s]--
			continue
		}
		if len(added) < maxSentences {
			added = append(added, s)
		}
	}
	removed := 0
	for _, n := range before {
		removed += n
	}
	if len(added) > 0 {
		parts = append(parts, "body: "+strings.Join(added, " "))
	} else if removed > 0 {
		parts = append(parts, fmt.Sprintf("body: %d sentence(s) removed", removed))
	}
	return strings.Join(parts, "\n")
}

// Sentences splits Chinese text into sentences on 。！？； and newlines,
// keeping the punctuation with its sentence.
func Sentences(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for _, r := range text {
		if r == '\n' {
			flush()
			continue
		}
		cur.WriteRune(r)
		switch r {
		case '。', '！', '？', '；', '!', '?', ';':
			flush()
		}
	}
	flush()
	return out
}
