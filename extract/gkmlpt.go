package extract

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// detail is the DETAIL object Guangdong's gkmlpt embeds in its detail pages
// (window._CONFIG = {…, DETAIL: {…"content":"\u003Cp\u003E…"}, TREE: …}):
// the page's body is rendered from it by script.
type detail struct {
	title   string
	content string
	fields  map[string]string
}

// detailKeys maps DETAIL keys to fields, first present wins.
var detailKeys = []struct {
	field string
	keys  []string
}{
	{FieldIndexNo, []string{"identifier", "index_no"}},
	{FieldDocNo, []string{"document_number", "file_number"}},
	{FieldPublisher, []string{"publisher", "source"}},
	{FieldPublished, []string{"display_publish_time", "publish_time", "first_publish_time"}},
	{FieldWritten, []string{"date", "written_date"}},
	{FieldTopic, []string{"classify_main_name", "classify_theme_name"}},
}

// maxDetailScan bounds the search for the DETAIL object.
const maxDetailScan = 4

// findDetail decodes the gkmlpt DETAIL object, or returns nil.
func findDetail(page []byte, loc *time.Location) *detail {
	rest := page // without "DETAIL" the first Index ends the search
	for tries := 0; tries < maxDetailScan; tries++ {
		i := bytes.Index(rest, []byte("DETAIL"))
		if i < 0 {
			return nil
		}
		rest = rest[i+len("DETAIL"):]
		j := 0
		for j < len(rest) && (rest[j] == '"' || rest[j] == '\'' || rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		if j >= len(rest) || rest[j] != ':' {
			continue
		}
		j++
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		if j >= len(rest) || rest[j] != '{' {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(rest[j:]))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			continue
		}
		return newDetail(m, loc)
	}
	return nil
}

func newDetail(m map[string]any, loc *time.Location) *detail {
	d := &detail{
		title:   collapse(jsonString(m["title"])),
		content: jsonString(m["content"]),
		fields:  map[string]string{},
	}
	published := ""
	for _, dk := range detailKeys {
		for _, k := range dk.keys {
			v := strings.TrimSpace(jsonString(m[k]))
			if v == "" {
				continue
			}
			if isDateField(dk.field) {
				v = dateFromString(v, loc)
			} else {
				v = cleanValue(dk.field, v)
			}
			if v != "" {
				d.fields[dk.field] = v
				if dk.field == FieldPublished {
					published = k
				}
				break
			}
		}
	}
	// With no separate publish time, "date" is the publication date.
	if published == "" && d.fields[FieldWritten] != "" {
		d.fields[FieldPublished] = d.fields[FieldWritten]
		delete(d.fields, FieldWritten)
	}
	return d
}

func jsonString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	}
	return ""
}

// walk parses the DETAIL content as an HTML fragment and tokenizes it as
// body.
func (d *detail) walk() *walker {
	w := newWalker(true)
	root, err := html.Parse(strings.NewReader(d.content))
	if err != nil {
		return w
	}
	w.inBody = 1
	w.walkNodes(root)
	return w
}
