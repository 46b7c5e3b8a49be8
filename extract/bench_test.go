package extract

import (
	"strings"
	"testing"
)

// BenchmarkExtract runs Extract over every fixture page (the corpus: real
// templates and the shapes written for them), already decoded.
func BenchmarkExtract(b *testing.B) {
	benchPages(b, func(f fixture) bool { return true })
}

// BenchmarkExtractReports runs Extract over the full-size report pages
// (testdata/seeds: the five seed reports as their sites serve them).
func BenchmarkExtractReports(b *testing.B) {
	benchPages(b, func(f fixture) bool { return strings.HasPrefix(f.name, "seeds/") })
}

// benchPages reports throughput and, since benchmarks here often share a
// machine, also the process CPU time per op (cpu-ns/op): wall time grows
// with the neighbours' load, CPU time much less.
func benchPages(b *testing.B, keep func(fixture) bool) {
	var fx []fixture
	var pages [][]byte
	total := 0
	for _, f := range fixtures(b) {
		if !keep(f) {
			continue
		}
		p, _, err := Decode(f.raw, "")
		if err != nil {
			b.Fatal(err)
		}
		fx = append(fx, f)
		pages = append(pages, p)
		total += len(p)
	}
	if len(pages) == 0 {
		b.Fatal("no pages")
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		for i, p := range pages {
			if _, err := Extract(p, fx[i].url, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	if cpu := cpuTime() - start; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
