package archive_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func benchObservation(rng *rand.Rand, chrome string, i int) archive.Observation {
	u := fmt.Sprintf("https://www.ninghai.gov.cn/art/2025/%d.html", i)
	body := fakePage(rng, chrome, i)
	return archive.Observation{URL: u,
		Doc: extract.Document{Title: fmt.Sprintf("第%d号通知", i), Published: fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28),
			Body: string(body[len(body)/2 : len(body)/2+600])},
		Capture: archive.Capture{URL: u, Method: "GET", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: body}}
}

func benchChrome() string {
	var b strings.Builder
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "<li><a href=\"/col/col%d/index.html\">栏目%d</a></li>", 1000+i*7, i)
	}
	return b.String()
}

// fill writes n documents through one run.
func fill(b *testing.B, s *archive.Store, n int) {
	rng := rand.New(rand.NewSource(1))
	chrome := benchChrome()
	run, err := s.Begin(ctx, "bench", archive.RunOptions{BatchDocs: 512})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := run.Record(ctx, benchObservation(rng, chrome, i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkList reads the 50-document page in the middle of a listing: its
// cost should not grow with the archive.
func BenchmarkList(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := archive.Open(filepath.Join(b.TempDir(), "gongkai.db"), archive.Options{DictAfter: -1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fill(b, s, n)
			// The cursor of the page in the middle.
			q := archive.ListQuery{Limit: 50}
			for range n / 100 {
				p, err := s.List(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				q.After = p.Next
			}
			b.ResetTimer()
			for range b.N {
				p, err := s.List(ctx, q)
				if err != nil || len(p.Docs) != 50 {
					b.Fatal(len(p.Docs), err)
				}
			}
		})
	}
}

// BenchmarkRecord is the archive side of a first crawl: new documents, one
// commit (and fsync) per document against group commits.
func BenchmarkRecord(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s, err := archive.Open(filepath.Join(b.TempDir(), "gongkai.db"), archive.Options{DictAfter: -1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			rng := rand.New(rand.NewSource(1))
			chrome := benchChrome()
			obs := make([]archive.Observation, b.N)
			for i := range obs {
				obs[i] = benchObservation(rng, chrome, i)
			}
			run, err := s.Begin(ctx, "bench", archive.RunOptions{BatchDocs: batch})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := run.Record(ctx, obs[i]); err != nil {
					b.Fatal(err)
				}
			}
			if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
				b.Fatal(err)
			}
		})
	}
}
