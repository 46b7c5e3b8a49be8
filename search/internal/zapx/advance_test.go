package zap_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/character"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	upstream "github.com/blevesearch/zapx/v17"

	zap "github.com/gongkai/gongkai/search/internal/zapx"
)

// densities are the share of documents holding each test term: from
// nearly every document (a common character pair) to a handful.
var densities = []float64{0.97, 0.6, 0.2, 0.05, 0.01, 0.001}

func term(k int) string { return fmt.Sprintf("t%d", k) }

// segmentFile writes a segment of n documents whose "body" field holds
// term(k) with probability densities[k], one to three times, at random
// positions, and returns its path.
func segmentFile(tb testing.TB, n int) string {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	an := &analysis.DefaultAnalyzer{Tokenizer: character.NewCharacterTokenizer(func(r rune) bool { return r != ' ' })}
	docs := make([]index.Document, n)
	for i := range docs {
		var words []string
		for k, p := range densities {
			if r.Float64() < p {
				for range 1 + r.IntN(3) {
					words = append(words, term(k))
				}
			}
			words = append(words, "filler")
		}
		r.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		d := document.NewDocument(fmt.Sprint(i))
		d.AddIDField()
		d.AddField(document.NewTextFieldCustom("body", nil, []byte(strings.Join(words, " ")),
			index.IndexField|index.IncludeTermVectors, an))
		d.VisitFields(func(f index.Field) { f.Analyze() })
		docs[i] = d
	}
	seg, _, err := (&zap.ZapPlugin{}).New(docs)
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "seg.zap")
	if err := zap.PersistSegmentBase(seg.(*zap.SegmentBase), path); err != nil {
		tb.Fatal(err)
	}
	return path
}

type opener interface {
	Open(path string) (segment.Segment, error)
}

func iterator(tb testing.TB, o opener, path, t string, except *roaring.Bitmap, freq, locs bool) segment.PostingsIterator {
	tb.Helper()
	seg, err := o.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { seg.Close() })
	dict, err := seg.Dictionary("body")
	if err != nil {
		tb.Fatal(err)
	}
	pl, err := dict.PostingsList([]byte(t), except, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pl.Iterator(freq, freq, locs, nil)
}

func describe(p segment.Posting) string {
	if p == nil {
		return "end"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "doc %d freq %d norm %g", p.Number(), p.Frequency(), p.Norm())
	for _, l := range p.Locations() {
		fmt.Fprintf(&b, " %d:%d-%d", l.Pos(), l.Start(), l.End())
	}
	return b.String()
}

// TestAdvanceMatchesUpstream walks the same postings with this copy and
// with the upstream zapx v17 it was taken from, through the same random
// mix of Next and of Advance by short and long jumps, with and without
// deleted documents and with every combination of freq/norm and
// locations: the two must return the same postings, frequencies, norms
// and locations at every step.
func TestAdvanceMatchesUpstream(t *testing.T) {
	const n = 30000
	path := segmentFile(t, n)
	r := rand.New(rand.NewPCG(3, 4))
	deleted := roaring.New()
	for range n / 10 {
		deleted.Add(uint32(r.IntN(n)))
	}
	for k := range densities {
		for _, except := range []*roaring.Bitmap{nil, deleted} {
			for _, mode := range []struct{ freq, locs bool }{{true, true}, {true, false}, {false, false}} {
				name := fmt.Sprintf("%s/deleted=%v/freq=%v/locs=%v", term(k), except != nil, mode.freq, mode.locs)
				t.Run(name, func(t *testing.T) {
					ours := iterator(t, &zap.ZapPlugin{}, path, term(k), except, mode.freq, mode.locs)
					theirs := iterator(t, &upstream.ZapPlugin{}, path, term(k), except, mode.freq, mode.locs)
					var at uint64
					for step := 0; ; step++ {
						var a, b segment.Posting
						var errA, errB error
						var op string
						switch jump := r.IntN(4); {
						case step == 0 || jump == 0:
							op = "next"
							a, errA = ours.Next()
							b, errB = theirs.Next()
						default:
							// short jumps stay in a chunk, long ones cross many.
							target := at + 1 + uint64(r.IntN([]int{0, 8, 600, 6000}[jump]))
							op = fmt.Sprintf("advance(%d)", target)
							a, errA = ours.Advance(target)
							b, errB = theirs.Advance(target)
						}
						if errA != nil || errB != nil {
							t.Fatalf("step %d %s: errors %v / %v", step, op, errA, errB)
						}
						if got, want := describe(a), describe(b); got != want {
							t.Fatalf("step %d %s: got %s, upstream %s", step, op, got, want)
						}
						if a == nil {
							return
						}
						at = a.Number()
					}
				})
			}
		}
	}
}

// BenchmarkAdvance advances a scored iterator over the densest term to
// documents spread across a large segment, the way a conjunction with a
// date range does: the upstream code steps through every posting before
// each target, this copy jumps to the target's chunk.
func BenchmarkAdvance(b *testing.B) {
	path := segmentFile(b, 200000)
	for _, c := range []struct {
		name string
		o    opener
	}{{"upstream", &upstream.ZapPlugin{}}, {"gongkai", &zap.ZapPlugin{}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				it := iterator(b, c.o, path, term(0), nil, true, false)
				for target := uint64(150000); target < 200000; target += 2500 {
					if _, err := it.Advance(target); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
