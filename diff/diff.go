// Package diff compares two versions of a document in a way that reads well
// in Chinese: the body is compared sentence by sentence (split after 。！？；
// and at line breaks), the characters that changed inside a changed sentence
// are marked, and metadata changes are listed separately. It is pure: no I/O
// beyond the writer it is given, no archive access, safe for concurrent use.
package diff

import (
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/gongkai/gongkai/extract"
)

// Op kinds. A change pairs a removed sentence with the similar sentence that
// replaced it; its Spans say which characters differ.
const (
	Equal  = "equal"
	Insert = "insert"
	Delete = "delete"
	Change = "change"
)

// Time bounds for the underlying diff. When a bound is hit the result is
// still a correct diff, only a less minimal one, so a pathological pair of
// versions cannot stall a page or a notification.
const (
	sentenceTimeout = 2 * time.Second
	charTimeout     = 250 * time.Millisecond
)

// Op is one sentence of the compared bodies. Equal and change ops carry both
// texts; insert carries only New, delete only Old.
type Op struct {
	Kind  string `json:"kind"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
	Spans []Span `json:"spans,omitempty"` // change only: Old is the equal+delete spans, New the equal+insert spans
}

// Span is a run of characters inside a changed sentence.
type Span struct {
	Kind string `json:"kind"` // Equal, Insert or Delete
	Text string `json:"text"`
}

// FieldChange is a metadata field whose value differs between the versions.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Result is the comparison of two versions. Added, Removed and Changed count
// sentences.
type Result struct {
	Fields  []FieldChange `json:"fields"`
	Body    []Op          `json:"body"`
	Added   int           `json:"added"`
	Removed int           `json:"removed"`
	Changed int           `json:"changed"`
}

// Same reports whether the versions compared equal in every field and sentence.
func (r Result) Same() bool {
	return len(r.Fields) == 0 && r.Added == 0 && r.Removed == 0 && r.Changed == 0
}

// Attachments is the FieldChange.Field of a changed attachment list, which
// Documents reports after the metadata fields of extract.Fields().
const Attachments = "attachments"

// Documents compares two extracted documents: metadata fields first (those
// of extract.Fields() with Meta set, in the table's order, then the
// attachment list), then the body sentence by sentence.
func Documents(old, new extract.Document) Result {
	var r Result
	for _, f := range extract.Fields() {
		if !f.Meta {
			continue
		}
		if o, n := f.Value(old), f.Value(new); o != n {
			r.Fields = append(r.Fields, FieldChange{Field: f.Key, Old: o, New: n})
		}
	}
	if o, n := attachmentList(old), attachmentList(new); o != n {
		r.Fields = append(r.Fields, FieldChange{Field: Attachments, Old: o, New: n})
	}
	r.Body = Text(old.Body, new.Body)
	for _, op := range r.Body {
		switch op.Kind {
		case Insert:
			r.Added++
		case Delete:
			r.Removed++
		case Change:
			r.Changed++
		}
	}
	return r
}

func attachmentList(d extract.Document) string {
	lines := make([]string, len(d.Attachments))
	for i, a := range d.Attachments {
		lines[i] = strings.TrimSpace(a.Name + " " + a.URL)
	}
	return strings.Join(lines, "\n")
}

// Text compares two bodies sentence by sentence. Concatenating the Old texts
// of the non-insert ops gives Sentences(old), and likewise for New.
func Text(old, new string) []Op {
	a, b := Sentences(old), Sentences(new)
	var ops []Op
	var dels, ins []string
	flush := func() {
		ops = append(ops, pair(dels, ins)...)
		dels, ins = dels[:0], ins[:0]
	}
	for _, d := range sentenceDiff(a, b) {
		switch d.kind {
		case Equal:
			flush()
			ops = append(ops, Op{Kind: Equal, Old: d.text, New: d.text})
		case Delete:
			dels = append(dels, d.text)
		case Insert:
			ins = append(ins, d.text)
		}
	}
	flush()
	return ops
}

// Sentences splits text after each 。！？； and at line breaks. The
// punctuation, and closing quotes or brackets right after it, stay with their
// sentence; surrounding whitespace (including the full-width indent of
// Chinese paragraphs) is trimmed and empty sentences are dropped.
func Sentences(text string) []string {
	var out []string
	rs := []rune(text)
	start := 0
	emit := func(end int) {
		if s := strings.TrimFunc(string(rs[start:end]), unicode.IsSpace); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\n' || r == '\r':
			emit(i)
			start = i + 1
		case isTerminator(r):
			j := i + 1
			for j < len(rs) && (isTerminator(rs[j]) || isCloser(rs[j])) {
				j++
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(rs))
	return out
}

func isTerminator(r rune) bool {
	switch r {
	case '。', '！', '？', '；':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', '】', '》', '"', '\'', ')':
		return true
	}
	return false
}

type token struct {
	kind string
	text string
}

// sentenceDiff runs the character diff over sentences by giving every
// distinct sentence its own rune.
func sentenceDiff(a, b []string) []token {
	ids := map[string]rune{}
	var table []string
	encode := func(ss []string) []rune {
		out := make([]rune, len(ss))
		for i, s := range ss {
			id, ok := ids[s]
			if !ok {
				id = tokenRune(len(table))
				ids[s] = id
				table = append(table, s)
			}
			out[i] = id
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = sentenceTimeout
	var out []token
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		kind := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			kind = Insert
		case diffmatchpatch.DiffDelete:
			kind = Delete
		}
		for _, r := range d.Text {
			out = append(out, token{kind: kind, text: table[tokenIndex(r)]})
		}
	}
	return out
}

// tokenRune maps a sentence index to a valid rune (the diff round-trips its
// runes through strings, so surrogates must be skipped).
func tokenRune(i int) rune {
	r := rune(i + 1)
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

func tokenIndex(r rune) int {
	if r >= 0xE000 {
		r -= 0x800
	}
	return int(r - 1)
}

// Pairing a removed sentence with an inserted one as a change needs this
// much similarity (Dice coefficient over character bigrams).
const minSimilarity = 0.4

// Above this many candidate pairs in one block of replaced sentences, the
// optimal pairing is skipped and sentences are paired in order.
const maxPairCells = 40000

// pair turns a block of removed and inserted sentences into ops, pairing
// similar sentences as changes while keeping both sides in order.
func pair(dels, ins []string) []Op {
	if len(dels) == 0 || len(ins) == 0 {
		ops := make([]Op, 0, len(dels)+len(ins))
		for _, d := range dels {
			ops = append(ops, Op{Kind: Delete, Old: d})
		}
		for _, s := range ins {
			ops = append(ops, Op{Kind: Insert, New: s})
		}
		return ops
	}
	m, n := len(dels), len(ins)
	bd := make([]map[string]int, m)
	for i, d := range dels {
		bd[i] = bigrams(d)
	}
	bi := make([]map[string]int, n)
	for j, s := range ins {
		bi[j] = bigrams(s)
	}
	var pairs [][2]int
	if m*n <= maxPairCells {
		pairs = bestPairs(bd, bi)
	} else {
		for k := 0; k < m && k < n; k++ {
			if dice(bd[k], bi[k]) >= minSimilarity {
				pairs = append(pairs, [2]int{k, k})
			}
		}
	}
	var ops []Op
	i, j := 0, 0
	for _, p := range append(pairs, [2]int{m, n}) {
		for ; i < p[0]; i++ {
			ops = append(ops, Op{Kind: Delete, Old: dels[i]})
		}
		for ; j < p[1]; j++ {
			ops = append(ops, Op{Kind: Insert, New: ins[j]})
		}
		if i < m && j < n {
			ops = append(ops, Op{Kind: Change, Old: dels[i], New: ins[j], Spans: Chars(dels[i], ins[j])})
			i++
			j++
		}
	}
	return ops
}

// bestPairs finds the order-preserving pairing of similar sentences with
// the greatest total similarity.
func bestPairs(bd, bi []map[string]int) [][2]int {
	m, n := len(bd), len(bi)
	sim := make([][]float64, m)
	for i := range sim {
		sim[i] = make([]float64, n)
		for j := range sim[i] {
			sim[i][j] = dice(bd[i], bi[j])
		}
	}
	// score[i][j]: best total for dels[i:], ins[j:].
	score := make([][]float64, m+1)
	for i := range score {
		score[i] = make([]float64, n+1)
	}
	for i := m - 1; i >= 0; i-- {
		for j := n - 1; j >= 0; j-- {
			best := max(score[i+1][j], score[i][j+1])
			if s := sim[i][j]; s >= minSimilarity {
				best = max(best, s+score[i+1][j+1])
			}
			score[i][j] = best
		}
	}
	var pairs [][2]int
	for i, j := 0, 0; i < m && j < n; {
		switch s := sim[i][j]; {
		case s >= minSimilarity && score[i][j] == s+score[i+1][j+1]:
			pairs = append(pairs, [2]int{i, j})
			i++
			j++
		case score[i][j] == score[i+1][j]:
			i++
		default:
			j++
		}
	}
	return pairs
}

func bigrams(s string) map[string]int {
	rs := []rune(s)
	out := make(map[string]int, len(rs)+1)
	prev := rune(0)
	for _, r := range rs {
		out[string([]rune{prev, r})]++
		prev = r
	}
	out[string([]rune{prev, 0})]++
	return out
}

func dice(a, b map[string]int) float64 {
	var common, na, nb int
	for k, c := range a {
		na += c
		common += min(c, b[k])
	}
	for _, c := range b {
		nb += c
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}

// Chars compares two strings character by character, cleaned up so that
// the spans fall on meaningful boundaries rather than scattered characters.
func Chars(old, new string) []Span {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = charTimeout
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(old, new, false))
	spans := make([]Span, 0, len(diffs))
	for _, d := range diffs {
		kind := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			kind = Insert
		case diffmatchpatch.DiffDelete:
			kind = Delete
		}
		spans = append(spans, Span{Kind: kind, Text: d.Text})
	}
	return spans
}
