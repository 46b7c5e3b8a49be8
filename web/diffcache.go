package web

import (
	"container/list"
	"sync"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/diff"
)

// Bounds of the caches of computed comparisons. Versions never change once
// stored, and the key carries both records' digests, so an entry is never
// stale; the bounds only keep memory in check.
const (
	summaryEntries = 4096     // timeline entries: field names and counts
	diffEntries    = 256      // whole comparisons for the diff page and API
	diffBytes      = 64 << 20 // their text, in total
)

// pairKey names the comparison of two versions of a document by their
// record digests, so a re-extracted record is compared anew.
type pairKey struct {
	doc      uint64
	a, b     int
	sha, shb string
}

func keyOf(doc uint64, va, vb archive.Version) pairKey {
	return pairKey{doc: doc, a: va.N, b: vb.N, sha: va.SHA256, shb: vb.SHA256}
}

// lru is a least-recently-used cache bounded by entries and by a size the
// caller measures. Values larger than an eighth of the size bound are not
// kept.
type lru[V any] struct {
	mu         sync.Mutex
	maxEntries int
	maxSize    int
	size       int
	ll         *list.List // of *lruEntry[V], front = most recent
	m          map[pairKey]*list.Element
	misses     int // computations, for tests
}

type lruEntry[V any] struct {
	key  pairKey
	val  V
	size int
}

func newLRU[V any](entries, size int) *lru[V] {
	return &lru[V]{maxEntries: entries, maxSize: size, ll: list.New(), m: map[pairKey]*list.Element{}}
}

// get returns the cached value for k, or computes, caches and returns it.
// Two requests for the same missing key may both compute it.
func (c *lru[V]) get(k pairKey, compute func() (V, int)) V {
	c.mu.Lock()
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		v := e.Value.(*lruEntry[V]).val
		c.mu.Unlock()
		return v
	}
	c.misses++
	c.mu.Unlock()

	v, size := compute()
	if size > c.maxSize/8 {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return v
	}
	c.m[k] = c.ll.PushFront(&lruEntry[V]{key: k, val: v, size: size})
	c.size += size
	for c.ll.Len() > c.maxEntries || c.size > c.maxSize {
		old := c.ll.Remove(c.ll.Back()).(*lruEntry[V])
		delete(c.m, old.key)
		c.size -= old.size
	}
	return v
}

// resultSize approximates the memory a comparison holds: its text.
func resultSize(r diff.Result) int {
	n := 64
	for _, f := range r.Fields {
		n += len(f.Old) + len(f.New)
	}
	for _, op := range r.Body {
		n += 48 + len(op.Old) + len(op.New)
		for _, sp := range op.Spans {
			n += 24 + len(sp.Text)
		}
	}
	return n
}

// timelineSummary is what a timeline entry shows of a comparison.
type timelineSummary struct {
	fields []string
	counts string
}

// comparison is diff.Documents of two versions, cached.
func (s *Server) comparison(doc uint64, va, vb archive.Version) diff.Result {
	return s.diffs.get(keyOf(doc, va, vb), func() (diff.Result, int) {
		r := diff.Documents(va.Record, vb.Record)
		return r, resultSize(r)
	})
}

// summary is the timeline's view of a comparison, cached apart from whole
// comparisons so that a long timeline does not evict the diff pages.
func (s *Server) summary(doc uint64, va, vb archive.Version) timelineSummary {
	return s.summaries.get(keyOf(doc, va, vb), func() (timelineSummary, int) {
		res := diff.Documents(va.Record, vb.Record)
		var out timelineSummary
		for _, f := range res.Fields {
			out.fields = append(out.fields, f.Field)
		}
		if res.Added+res.Removed+res.Changed > 0 {
			out.counts = res.BodyCounts()
		}
		n := len(out.counts)
		for _, f := range out.fields {
			n += len(f)
		}
		return out, n
	})
}
