package diff

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

// crafted builds a pair of ~size-byte bodies designed to be expensive:
// every sentence of length n (runes) differs in every seventh character.
func crafted(seed int64, size, n int) (string, string) {
	r := rand.New(rand.NewSource(seed))
	var a, b strings.Builder
	for a.Len() < size {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = rune(0x4E00 + r.Intn(2000))
		}
		a.WriteString(string(rs) + "。")
		for i := 0; i < len(rs); i += 7 {
			rs[i] = '改'
		}
		b.WriteString(string(rs) + "。")
	}
	return a.String(), b.String()
}

// A crafted pair of 1.7 MB bodies costs a bounded amount of work, whatever
// the shape of its sentences, and says it is truncated.
func TestDocumentsWorkIsBounded(t *testing.T) {
	const size = 1700 << 10
	tests := []struct {
		name      string
		n         int // runes per sentence
		truncated bool
	}{
		{"one huge sentence", size, false},
		{"long sentences", 3000, false},
		{"many short sentences", 5, true},
		{"blocks at the pairing limit", 40, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := crafted(1, size, tt.n)
			res := Documents(docWithBody(a), docWithBody(b))
			changes := 0
			for _, op := range res.Body {
				if op.Kind != Equal {
					changes++
				}
			}
			c := res.Cost
			if c.Sentences > 2*MaxSentences || c.PairWork > pairBudget || c.CharRunes > charBudget || changes > MaxChanges {
				t.Errorf("cost %+v with %d changes shown; want at most %d sentences, %d pairing, %d char runes, %d changes",
					c, changes, 2*MaxSentences, pairBudget, charBudget, MaxChanges)
			}
			if res.Truncated != tt.truncated || (res.Notice() != "") != tt.truncated {
				t.Errorf("Truncated = %v, notice %q; want %v", res.Truncated, res.Notice(), tt.truncated)
			}
			if res.Added+res.Removed+res.Changed == 0 {
				t.Error("a pair that differs everywhere compared equal")
			}
			for _, op := range res.Body {
				if op.Kind == Change && len(op.Spans) == 0 {
					t.Fatalf("a change without spans: the views cannot show it")
				}
			}
		})
	}
}

func docWithBody(body string) extract.Document { return extract.Document{Title: "t", Body: body} }
