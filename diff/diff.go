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
	"unicode/utf8"

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
	sentenceTimeout = time.Second
	charTimeout     = 100 * time.Millisecond
)

// Work bounds, so that a crafted pair of bodies (megabytes of sentences, or
// a few enormous ones) costs a page view no more than a real report does.
// Past a bound the result says Truncated and stays a correct diff of what it
// shows.
const (
	// MaxSentences is how many sentences of each body are compared; the
	// rest is left out.
	MaxSentences = 10000
	// MaxChanges is how many changed sentences (insert, delete, change) are
	// listed; later ones are counted, not paired or shown.
	MaxChanges = 1000
	// Changed sentences are marked character by character while both sides
	// together stay under maxCharPair runes, until charBudget runes in all
	// have been compared; past that a change shows as old and new whole.
	maxCharPair = 4000
	charBudget  = 200000
	// pairBudget bounds the runes compared to pair removed sentences with
	// inserted ones; past it, blocks pair in order or not at all.
	pairBudget = 2000000
)

// Cost is the work a comparison did: sentences compared, runes compared to
// pair changed sentences, runes compared character by character.
type Cost struct {
	Sentences int
	PairWork  int
	CharRunes int
}

// budget tracks the work of one comparison against the bounds above.
type budget struct {
	Cost
	changes int
}

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
	// Truncated is set when the bodies were too large to compare in full
	// (see MaxSentences, MaxChanges): Body then shows the first changes,
	// and the counts past them pair no sentences (changes count as one
	// removed and one added).
	Truncated bool `json:"truncated,omitempty"`
	Cost      Cost `json:"-"`
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
	var b budget
	r.Body, r.Added, r.Removed, r.Changed, r.Truncated = text(old.Body, new.Body, &b)
	r.Cost = b.Cost
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
	var b budget
	ops, _, _, _, _ := text(old, new, &b)
	return ops
}

// text compares two bodies within the work bounds and counts the added,
// removed and changed sentences. Past MaxChanges the ops stop and
// truncated is set; the counts go on.
func text(old, new string, b *budget) (ops []Op, added, removed, changed int, truncated bool) {
	sa, sb := Sentences(old), Sentences(new)
	if len(sa) > MaxSentences || len(sb) > MaxSentences {
		sa, sb = sa[:min(len(sa), MaxSentences)], sb[:min(len(sb), MaxSentences)]
		truncated = true
	}
	b.Sentences = len(sa) + len(sb)
	var dels, ins []string
	flush := func() {
		if b.changes >= MaxChanges {
			added, removed = added+len(ins), removed+len(dels)
			truncated = truncated || len(dels)+len(ins) > 0
		} else {
			for _, op := range pair(dels, ins, b) {
				switch op.Kind {
				case Insert:
					added++
				case Delete:
					removed++
				case Change:
					changed++
				}
				if b.changes < MaxChanges {
					ops = append(ops, op)
					b.changes++
				} else {
					truncated = true
				}
			}
		}
		dels, ins = dels[:0], ins[:0]
	}
	for _, d := range sentenceDiff(sa, sb) {
		switch d.kind {
		case Equal:
			flush()
			if b.changes < MaxChanges {
				ops = append(ops, Op{Kind: Equal, Old: d.text, New: d.text})
			}
		case Delete:
			dels = append(dels, d.text)
		case Insert:
			ins = append(ins, d.text)
		}
	}
	flush()
	return ops, added, removed, changed, truncated
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
	if len(table) == len(ra)+len(rb) {
		// No sentence in common (a rewrite, or a crafted pair): the diff
		// is all removed then all added, without a search that would
		// run into its timeout.
		out := make([]token, 0, len(ra)+len(rb))
		for _, s := range a {
			out = append(out, token{kind: Delete, text: s})
		}
		for _, s := range b {
			out = append(out, token{kind: Insert, text: s})
		}
		return out
	}
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
func pair(dels, ins []string, b *budget) []Op {
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
	// Pairing compares every removed sentence with every inserted one,
	// at a cost in runes of n·Σ|dels| + m·Σ|ins|.
	cost := n*runes(dels) + m*runes(ins)
	var pairs [][2]int
	if m*n <= maxPairCells && b.PairWork+cost <= pairBudget {
		b.PairWork += cost
		bd := make([]map[uint64]int, m)
		for i, d := range dels {
			bd[i] = bigrams(d)
		}
		bi := make([]map[uint64]int, n)
		for j, s := range ins {
			bi[j] = bigrams(s)
		}
		pairs = bestPairs(bd, bi)
	} else {
		for k := 0; k < m && k < n; k++ {
			c := utf8.RuneCountInString(dels[k]) + utf8.RuneCountInString(ins[k])
			if b.PairWork+c > pairBudget {
				break
			}
			b.PairWork += c
			if dice(bigrams(dels[k]), bigrams(ins[k])) >= minSimilarity {
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
			ops = append(ops, Op{Kind: Change, Old: dels[i], New: ins[j], Spans: b.chars(dels[i], ins[j])})
			i++
			j++
		}
	}
	return ops
}

// bestPairs finds the order-preserving pairing of similar sentences with
// the greatest total similarity.
func bestPairs(bd, bi []map[uint64]int) [][2]int {
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

func runes(ss []string) int {
	n := 0
	for _, s := range ss {
		n += utf8.RuneCountInString(s)
	}
	return n
}

// bigrams counts the pairs of adjacent runes of s (with a start and end
// marker), each pair packed into one integer.
func bigrams(s string) map[uint64]int {
	out := make(map[uint64]int, utf8.RuneCountInString(s)+1)
	prev := rune(0)
	for _, r := range s {
		out[uint64(prev)<<32|uint64(r)]++
		prev = r
	}
	out[uint64(prev)<<32]++
	return out
}

func dice(a, b map[uint64]int) float64 {
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

// chars is Chars within the budget: a pair too long, or past the budget,
// shows as the old sentence removed and the new one inserted.
func (b *budget) chars(old, new string) []Span {
	n := utf8.RuneCountInString(old) + utf8.RuneCountInString(new)
	if n > maxCharPair || b.CharRunes+n > charBudget {
		return []Span{{Kind: Delete, Text: old}, {Kind: Insert, Text: new}}
	}
	b.CharRunes += n
	return Chars(old, new)
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
