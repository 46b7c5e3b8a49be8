package search

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"

	zap "github.com/gongkai/gongkai/search/internal/zapx"
)

// TestSegmentsArePatchedZap: both an index kept current by the crawl and a
// rebuilt one read their segments through internal/zapx.
func TestSegmentsArePatchedZap(t *testing.T) {
	f := corpus()
	path := filepath.Join(t.TempDir(), "full")
	if err := Rebuild(context.Background(), path, f, Options{Batch: 2}, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := OpenExisting(path, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	for name, ix := range map[string]*Index{"incremental": openIndex(t, f), "rebuilt": rebuilt} {
		var n int
		err := ix.withSnapshot(func(s *scorch.IndexSnapshot) error {
			for _, seg := range s.Segments() {
				n++
				switch seg.Segment().(type) {
				case *zap.Segment, *zap.SegmentBase:
				default:
					t.Errorf("%s index: segment %d is a %T, want internal/zapx's", name, n, seg.Segment())
				}
			}
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("%s index: %d segments, %v", name, n, err)
		}
	}
}
