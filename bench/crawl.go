package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/crawler"
)

// crawlArgs is one crawl phase, passed to the child process as JSON.
type crawlArgs struct {
	Kind     string        `json:"kind"` // "gongkai" or "colly"
	DB       string        `json:"db,omitempty"`
	Start    string        `json:"start,omitempty"`
	URLs     string        `json:"urls,omitempty"` // file of URLs, one a line (colly)
	Parallel int           `json:"parallel"`
	Revisit  time.Duration `json:"revisit"`
	MaxPages int           `json:"max_pages"`
	Label    string        `json:"label,omitempty"` // names the CPU profile
}

// crawlResult is what a phase reports back.
type crawlResult struct {
	Stats   archive.RunStats `json:"stats"`
	Seconds float64          `json:"seconds"`
	Bytes   int64            `json:"bytes"` // colly: body bytes received
	Err     string           `json:"err,omitempty"`
	// MaxRSS is the child's peak resident set (VmHWM), read by the child
	// itself: rusage's maxrss of an exec'd child starts at the parent's
	// high-water mark, which here includes the site server.
	MaxRSS int64 `json:"max_rss"`
	// Mapped is where the resident pages were at the end (scale reads).
	Mapped string `json:"mapped,omitempty"`
	// CPU is the child's own user + system CPU time, in seconds.
	CPU float64 `json:"cpu"`
	// At exit: anonymous memory (the Go heap and stacks) and file pages
	// (the bbolt file is memory-mapped; pages it reads count as resident
	// but are page cache the kernel can drop).
	RSSAnon int64 `json:"rss_anon"`
	RSSFile int64 `json:"rss_file"`
	// PeakAnon is the largest anonymous RSS sampled every 10ms: the memory
	// the crawl itself needs, without the archive's page-cache pages.
	PeakAnon int64 `json:"peak_anon"`
}

// transport is the HTTP transport both crawlers get: the default one with
// enough idle connections kept for the parallelism, so neither pays for
// reconnecting.
func transport(parallel int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.MaxIdleConnsPerHost = max(parallel*2, 2)
	return t
}

// runPhase runs one crawl in this process.
func runPhase(ctx context.Context, a crawlArgs) crawlResult {
	switch a.Kind {
	case "gongkai":
		return gongkaiCrawl(ctx, a)
	case "colly":
		return bareColly(ctx, a)
	}
	return crawlResult{Err: "unknown phase kind " + a.Kind}
}

// gongkaiCrawl is the pipeline under test: crawler, extractor, archive,
// with politeness off (no delay) and the given parallelism.
func gongkaiCrawl(ctx context.Context, a crawlArgs) crawlResult {
	st, err := archive.Open(a.DB, archive.Options{})
	if err != nil {
		return crawlResult{Err: err.Error()}
	}
	defer st.Close()
	c := crawler.New(st, crawler.Options{Transport: transport(a.Parallel)})
	src := config.Source{Name: "bench", Start: []string{a.Start}, Revisit: a.Revisit, MaxPages: a.MaxPages,
		PollPages: config.DefaultPollPages, Parallel: a.Parallel, Retries: config.DefaultRetries,
		Timeout: config.DefaultTimeout, MaxBody: config.DefaultMaxBody, Robots: true}
	start := time.Now()
	stats, err := c.Crawl(ctx, src)
	res := crawlResult{Stats: stats, Seconds: time.Since(start).Seconds()}
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

// bareColly fetches the same URLs with a colly collector and the same
// concurrency, doing nothing with the bodies: the network-bound limit the
// pipeline is compared with.
func bareColly(ctx context.Context, a crawlArgs) crawlResult {
	f, err := os.Open(a.URLs)
	if err != nil {
		return crawlResult{Err: err.Error()}
	}
	var urls []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		urls = append(urls, sc.Text())
	}
	f.Close()
	c := colly.NewCollector(colly.StdlibContext(ctx))
	c.AllowURLRevisit = true
	c.IgnoreRobotsTxt = true
	c.MaxBodySize = config.DefaultMaxBody + 1
	c.WithTransport(transport(a.Parallel))
	c.SetRequestTimeout(config.DefaultTimeout)
	var bytes atomic.Int64
	var errs atomic.Int64
	c.OnResponse(func(r *colly.Response) { bytes.Add(int64(len(r.Body))) })
	c.OnError(func(*colly.Response, error) { errs.Add(1) })
	start := time.Now()
	work := make(chan string)
	var wg sync.WaitGroup
	for range max(a.Parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				c.Visit(u)
			}
		}()
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
	res := crawlResult{Seconds: time.Since(start).Seconds(), Bytes: bytes.Load()}
	res.Stats.Fetched = len(urls)
	res.Stats.Errors = int(errs.Load())
	if res.Stats.Errors > 0 {
		res.Err = fmt.Sprintf("%d requests failed", res.Stats.Errors)
	}
	return res
}

// selfHWM is this process's peak RSS in bytes.
func selfHWM() int64 { return procStatus("self", "VmHWM") }

func procHWM(pid string) int64 { return procStatus(pid, "VmHWM") }

// procStatus reads a kB field of /proc/<pid>/status, in bytes (0 if
// unavailable).
func procStatus(pid, field string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// samplePeakAnon samples this process's anonymous RSS every 10ms until the
// returned function is called, which returns the largest sample.
func samplePeakAnon() func() int64 {
	stop, peak := make(chan struct{}), make(chan int64, 1)
	go func() {
		var m int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			m = max(m, procStatus("self", "RssAnon"))
			select {
			case <-stop:
				peak <- m
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(stop); return <-peak }
}

// childMain runs one phase as the child process: arguments as JSON on
// stdin, the result as JSON on stdout.
func childMain() int {
	var a crawlArgs
	if err := json.NewDecoder(os.Stdin).Decode(&a); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 2
	}
	if path := os.Getenv("GONGKAI_BENCH_CPUPROFILE"); path != "" && a.Kind == "gongkai" {
		f, err := os.Create(path + "." + a.Label)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if path := os.Getenv("GONGKAI_BENCH_MEMPROFILE"); path != "" && a.Kind == "gongkai" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			if f, err := os.Create(path + "." + a.Label); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	peakAnon := samplePeakAnon()
	res := runPhase(context.Background(), a)
	res.PeakAnon = peakAnon()
	res.MaxRSS = selfHWM()
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	res.RSSAnon, res.RSSFile = procStatus("self", "RssAnon"), procStatus("self", "RssFile")
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 2
	}
	return 0
}
