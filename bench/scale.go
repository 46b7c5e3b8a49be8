package main

// The scale benchmark: archives of many realistic documents written
// straight through the archive's API (no HTTP, so 100k documents take
// minutes), then what reading them costs through a daemon-like server in a
// child process: list, document and search pages, its memory, and the
// bytes on disk against the raw HTML and a WARC.gz of the same captures.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/export"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/mapped"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
)

// serveEnv makes the binary a read-only daemon for the read workload.
const serveEnv = "GONGKAI_BENCH_SERVE"

type scaleOptions struct {
	docs      int    // of the size being measured
	sizeList  string // all sizes of the run, as given to -scale
	reads     int    // requests per measured kind
	dir       string
	out       string
	reuse     bool // keep an archive already in dir (same -scale): only reindex and read
	readsOnly bool // keep the archive and its index: only the read workload
	sizes     bool // only build and break the archive's bytes down
}

// scaleFigures are one size's numbers that the growth table compares.
type scaleFigures map[string]float64

// scaleSources are the archive's sources; documents are spread over them.
var scaleSources = []string{"ninghai-xxgk", "cixi-xxgk", "yuyao-xxgk", "fenghua-xxgk"}

// gen makes the documents of the scale archive, deterministic per id.
type gen struct {
	m    *model
	site *site // for the page chrome
	docs int   // how many the archive gets, for sourceOf
}

// scaleDoc is one version of a generated document and its page.
type scaleDoc struct {
	id      int
	version int
	source  string
	url     string
	rec     extract.Document
	page    []byte
	at      time.Time
}

var scaleEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *gen) doc(id int) []scaleDoc {
	r := rand.New(rand.NewPCG(uint64(id), 0x5ca1e))
	src := sourceOf(id, g.docs)
	pub := scaleEpoch.Add(-time.Duration(id) * 57 * time.Minute) // ~11 years at 100k
	kinds := []string{"的通知", "的实施意见", "工作方案", "年度报告", "的公告", "的批复"}
	rec := extract.Document{
		Title:     g.m.line(r, 8+r.IntN(14)) + kinds[r.IntN(len(kinds))],
		IndexNo:   fmt.Sprintf("11330226002966124X/%s-%06d", pub.Format("2006"), id),
		Published: pub.Format("2006-01-02"),
		Written:   pub.Add(-72 * time.Hour).Format("2006-01-02"),
		Publisher: g.m.line(r, 4+r.IntN(4)) + "办公室",
		DocNo:     fmt.Sprintf("宁政办发〔%s〕%d号", pub.Format("2006"), id%300+1),
		Topic:     "综合政务",
		Access:    "主动公开",
		// Most notices are short, some reports long: 400 characters plus
		// an exponential tail averaging 1,200, at most 12,000.
		Body: g.m.text(r, 400+min(int(r.ExpFloat64()*1200), 11600)),
	}
	if r.IntN(5) == 0 {
		rec.Attachments = []extract.Attachment{{Name: g.m.line(r, 10) + ".pdf", URL: fmt.Sprintf("https://www.example.gov.cn/module/download/%d.pdf", id)}}
	}
	u := fmt.Sprintf("https://www.%s.gov.cn/art/%s/art_1229_%d.html", strings.TrimSuffix(src, "-xxgk"), pub.Format("2006/1/2"), id)
	at := scaleEpoch.Add(time.Duration(id) * time.Second)
	out := []scaleDoc{{id: id, version: 1, source: src, url: u, rec: rec, page: g.page(rec), at: at}}
	// 5% of documents change once or twice after publication.
	if id%20 == 7 {
		for v := 2; v <= 2+r.IntN(2); v++ {
			rec.Body = strings.Replace(rec.Body, "。", "。"+g.m.line(r, 30)+"。", 1+r.IntN(3))
			at = at.Add(30 * 24 * time.Hour)
			out = append(out, scaleDoc{id: id, version: v, source: src, url: u, rec: rec, page: g.page(rec), at: at})
		}
	}
	return out
}

// page renders a record in the bench site's real-size chrome.
func (g *gen) page(rec extract.Document) []byte {
	var b bytes.Buffer
	head(&b, rec.Title+"_人民政府")
	fmt.Fprintf(&b, `<div class="main"><table class="xxgk_table"><tr><td class="t">索引号</td><td>%s</td><td class="t">发布机构</td><td>%s</td></tr>
<tr><td class="t">发文字号</td><td>%s</td><td class="t">成文日期</td><td>%s</td></tr><tr><td class="t">发布日期</td><td>%s</td><td class="t">公开方式</td><td>主动公开</td></tr></table>
<h1 class="title">%s</h1><div id="zoom">`, rec.IndexNo, rec.Publisher, rec.DocNo, rec.Written, rec.Published, rec.Title)
	for _, p := range strings.Split(rec.Body, "\n") {
		b.WriteString("<p style=\"text-indent:2em\">" + p + "</p>\n")
	}
	b.WriteString("</div>")
	for _, a := range rec.Attachments {
		fmt.Fprintf(&b, `<p>附件：<a href="%s">%s</a></p>`, a.URL, a.Name)
	}
	b.WriteString("</div>")
	g.site.foot(&b)
	return b.Bytes()
}

// sourceOf spreads the ids over the sources in blocks, so the archive is
// written one crawl run per source.
func sourceOf(id, docs int) string {
	return scaleSources[min((id-1)*len(scaleSources)/max(docs, 1), len(scaleSources)-1)]
}

// buildScale writes docs documents into a new archive at db, one quiet
// crawl run per source with the archive's default group commits, and
// returns the raw HTML bytes and the body text bytes it wrote.
func buildScale(ctx context.Context, db string, docs int, logf func(string, ...any)) (raw, text int64, versions int, err error) {
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	g := &gen{m: trainModel(), site: newSite(0, 25), docs: docs}
	// Two generators feed one writer; results are written in id order.
	ids := make(chan int)
	type batch struct {
		id int
		vs []scaleDoc
	}
	out := make(chan batch, 64)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for id := range ids {
				out <- batch{id, g.doc(id)}
			}
		})
	}
	go func() {
		defer close(ids)
		for id := 1; id <= docs; id++ {
			select {
			case ids <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	start := time.Now()
	pending := map[int][]scaleDoc{}
	next := 1
	var run *archive.Run
	runSource := ""
	rules := fmt.Sprintf("r%d", extract.RulesVersion)
	defer func() {
		if run != nil {
			run.End(context.WithoutCancel(ctx), archive.RunStats{}, err)
		}
	}()
	for b := range out {
		pending[b.id] = b.vs
		for vs, ok := pending[next]; ok; vs, ok = pending[next] {
			delete(pending, next)
			next++
			for _, d := range vs {
				if d.source != runSource {
					if run != nil {
						if err := run.End(ctx, archive.RunStats{New: next - 1}, nil); err != nil {
							return 0, 0, 0, err
						}
					}
					if run, err = st.Begin(ctx, d.source, archive.RunOptions{Quiet: true, Rules: rules}); err != nil {
						return 0, 0, 0, err
					}
					runSource = d.source
				}
				_, err := run.Record(ctx, archive.Observation{URL: d.url, Doc: d.rec,
					Listing: archive.Listing{Title: d.rec.Title, Date: d.rec.Published},
					Capture: archive.Capture{URL: d.url, Method: http.MethodGet, Proto: "HTTP/1.1", Status: 200,
						Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Server": {"nginx"}}, Body: d.page, FetchedAt: d.at}})
				if err != nil {
					return 0, 0, 0, fmt.Errorf("record %d v%d: %w", d.id, d.version, err)
				}
				raw += int64(len(d.page))
				text += int64(len(d.rec.Body))
				versions++
			}
			if n := next - 1; n%10000 == 0 {
				logf("scale: %d documents written (%.0f/s)", n, float64(n)/time.Since(start).Seconds())
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, 0, 0, err
	}
	if run != nil {
		err = run.End(ctx, archive.RunStats{}, nil)
		run = nil
	}
	return raw, text, versions, err
}

// scanSearch is search without an index: every document's current record
// read and matched as a substring, the way /search worked before the index.
func scanSearch(ctx context.Context, st *archive.Store, text string) (int, error) {
	n := 0
	q := archive.ListQuery{Limit: 1000}
	for {
		p, err := st.List(ctx, q)
		if err != nil {
			return 0, err
		}
		for _, d := range p.Docs {
			_, rec, err := st.Current(ctx, d.ID)
			if err != nil {
				return 0, err
			}
			if strings.Contains(rec.Title+"\n"+rec.IndexNo+"\n"+rec.DocNo+"\n"+rec.Body, text) {
				n++
			}
		}
		if p.Next == "" {
			return n, nil
		}
		q.After = p.Next
	}
}

// counter counts bytes written.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// runScale measures each size in turn, each in its own directory under
// o.dir when there are several, and then how the figures grow from the
// smallest size to the largest.
func runScale(ctx context.Context, o scaleOptions, sizes []int, w io.Writer) error {
	if o.reads <= 0 {
		o.reads = 40
	}
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "gongkai-scale-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	var figs []scaleFigures
	o.sizeList = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(sizes)), ","), "[]")
	for _, n := range sizes {
		so := o
		so.docs, so.dir = n, dir
		if len(sizes) > 1 {
			so.dir = filepath.Join(dir, strconv.Itoa(n))
			if err := os.MkdirAll(so.dir, 0o755); err != nil {
				return err
			}
		}
		rows, fig, err := measureScale(ctx, so)
		if err != nil {
			return fmt.Errorf("%d documents: %w", n, err)
		}
		table := render(rows)
		fmt.Fprintf(w, "\n%d documents\n\n%s", n, table)
		if o.out != "" && !o.sizes && !o.readsOnly {
			if err := writeScaleSection(so, table); err != nil {
				return err
			}
		}
		figs = append(figs, fig)
	}
	if len(sizes) < 2 || o.sizes {
		return nil
	}
	table := render(growthRows(sizes[0], sizes[len(sizes)-1], figs[0], figs[len(figs)-1]))
	fmt.Fprintf(w, "\ngrowth from %d to %d documents\n\n%s", sizes[0], sizes[len(sizes)-1], table)
	if o.out != "" {
		return writeGrowthSection(o, sizes, table)
	}
	return nil
}

// growthRows compare the figures of two sizes against the targets.
func growthRows(small, large int, a, b scaleFigures) []row {
	var rows []row
	for _, g := range growthMeasures {
		x, y := a[g.key], b[g.key]
		if x == 0 || y == 0 {
			continue
		}
		rows = append(rows, row{g.key, fmt.Sprintf("%s → %s: ×%.2f", g.format(x), g.format(y), y/x), g.target})
	}
	return rows
}

var growthMeasures = []struct {
	key    string
	format func(float64) string
	target string
}{
	{"list page /api/docs p95", fmtMs, "target: < 1.5× growth"},
	{"list page /sources/NAME p95", fmtMs, "target: < 1.5× growth"},
	{"document page p95", fmtMs, "target: < 1.5× growth"},
	{"search rare term p95", fmtMs, "target: < 2× growth"},
	{"search common term p95", fmtMs, "target: < 2× growth"},
	{"search phrase p95", fmtMs, "target: < 2× growth"},
	{"search page p95", fmtMs, "target: < 2× growth"},
	{"search rare term next page p95", fmtMs, "target: < 2× growth"},
	{"search common term next page p95", fmtMs, "target: < 2× growth"},
	{"search phrase next page p95", fmtMs, "target: < 2× growth"},
	{"search rare term rank=all p95", fmtMs, "every match ranked (opt-in): grows with the matches"},
	{"search common term rank=all p95", fmtMs, "every match ranked (opt-in): grows with the matches"},
	{"search phrase rank=all p95", fmtMs, "every match ranked (opt-in): grows with the matches"},
	{"daemon RSS during reads", func(v float64) string { return fmt.Sprintf("%.0f MB", v) }, "target: < 300 MB"},
	{"reindex", func(v float64) string { return fmt.Sprintf("%.0f s", v) }, ""},
	{"archive / raw HTML", fmtPct, "target: ≤ the WARC.gz (about 26–33% of raw)"},
	{"archive / WARC.gz", fmtPct, "target: ≤ 100%"},
	{"index / raw HTML", fmtPct, "target: ≤ 100%"},
}

func fmtMs(v float64) string  { return fmt.Sprintf("%.1f ms", v) }
func fmtPct(v float64) string { return fmt.Sprintf("%.0f%%", v) }

// measureScale builds (or reuses) one archive of o.docs documents and
// measures it.
func measureScale(ctx context.Context, o scaleOptions) ([]row, scaleFigures, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	var rows []row
	fig := scaleFigures{}
	add := func(what, value, note string) { rows = append(rows, row{what, value, note}) }
	db := filepath.Join(o.dir, "gongkai.db")
	if o.readsOnly {
		logf("scale: %d documents: reads only, on %s and its index", o.docs, db)
		reads, err := readWorkload(ctx, db, o, fig)
		return reads, fig, err
	}
	os.RemoveAll(search.Dir(db))
	var raw, text int64
	var versions int
	if _, err := os.Stat(db); o.reuse && err == nil {
		logf("scale: reusing %s; generating the documents again only to count them", db)
		g := &gen{m: trainModel(), site: newSite(0, 25), docs: o.docs}
		for id := 1; id <= o.docs; id++ {
			for _, d := range g.doc(id) {
				raw, text, versions = raw+int64(len(d.page)), text+int64(len(d.rec.Body)), versions+1
			}
		}
	} else {
		os.Remove(db)
		logf("scale: writing %d documents to %s", o.docs, db)
		t0, c0 := time.Now(), cpuTime()
		var err error
		if raw, text, versions, err = buildScale(ctx, db, o.docs, logf); err != nil {
			return nil, nil, err
		}
		build, buildCPU := time.Since(t0), cpuTime()-c0
		add("archive build (a Run per source, group commits)", fmt.Sprintf("%.0f docs/s (%.0f s)", float64(o.docs)/build.Seconds(), build.Seconds()),
			fmt.Sprintf("%d documents, %d versions; %.0f s of CPU including the text generation", o.docs, versions, buildCPU.Seconds()))
	}

	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		return nil, nil, err
	}
	if o.sizes {
		defer st.Close()
		var warc counter
		if _, err := export.WARC(ctx, st, &warc, export.Options{}); err != nil {
			return nil, nil, err
		}
		sz, err := st.Sizes(ctx)
		if err != nil {
			return nil, nil, err
		}
		return append(rows, sizeRows(sz, raw, warc.n)...), fig, nil
	}
	logf("scale: reindex")
	t0, c0 := time.Now(), cpuTime()
	if err := search.Rebuild(ctx, search.Dir(db), st, search.Options{}, nil); err != nil {
		st.Close()
		return nil, nil, err
	}
	reindex, reindexCPU := time.Since(t0), cpuTime()-c0
	fig["reindex"] = reindex.Seconds()
	add("reindex from scratch (search.Rebuild)", fmt.Sprintf("%.0f s", reindex.Seconds()),
		fmt.Sprintf("%.0f docs/s, %.1f MB/s of body text; %.0f s of CPU (%.1f MB/s of text per CPU second)", float64(o.docs)/reindex.Seconds(),
			float64(text)/(1<<20)/reindex.Seconds(), reindexCPU.Seconds(), float64(text)/(1<<20)/reindexCPU.Seconds()))

	logf("scale: WARC export for comparison")
	var warc counter
	t0 = time.Now()
	if _, err := export.WARC(ctx, st, &warc, export.Options{}); err != nil {
		st.Close()
		return nil, nil, err
	}
	warcTime := time.Since(t0)

	// Today's search, for comparison: a substring scan of every document.
	var scan []float64
	for range 3 {
		t := time.Now()
		if _, err := scanSearch(ctx, st, "法治政府建设"); err != nil {
			st.Close()
			return nil, nil, err
		}
		scan = append(scan, ms(time.Since(t)))
	}
	st.Close()

	logf("scale: read workload")
	reads, err := readWorkload(ctx, db, o, fig)
	if err != nil {
		return nil, nil, err
	}
	// After the reads: the serving child has opened the index, and bleve
	// has deleted the segment files the rebuild's merge replaced.
	dbSize := fileSize(db)
	ixSize, _ := dirSize(search.Dir(db))
	pct := func(n, of int64) string { return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of)) }
	add("raw HTML of the captures", mb(raw), fmt.Sprintf("%.1f KB a page; body text %s (%.1f KB a version)", float64(raw)/float64(versions)/1024, mb(text), float64(text)/float64(versions)/1024))
	add("WARC.gz of the same captures (gzip per record)", mb(warc.n), pct(warc.n, raw)+" of raw; export took "+fmt.Sprintf("%.0f s", warcTime.Seconds()))
	add("archive file", mb(dbSize), pct(dbSize, raw)+" of raw, "+pct(dbSize, warc.n)+" of the WARC.gz")
	fig["archive / raw HTML"], fig["archive / WARC.gz"] = 100*float64(dbSize)/float64(raw), 100*float64(dbSize)/float64(warc.n)
	fig["index / raw HTML"] = 100 * float64(ixSize) / float64(raw)
	add("search index", mb(ixSize), pct(ixSize, raw)+" of raw, "+pct(ixSize, warc.n)+" of the WARC.gz, "+fmt.Sprintf("%.1f× the body text", float64(ixSize)/float64(text)))

	rows = append(rows, reads...)
	slices.Sort(scan)
	add("search without the index (substring scan of every current record)", fmt.Sprintf("%.0f ms", scan[1]), "median of 3, in-process: what /search cost before the index")
	if p50 := fig["search phrase p50"]; p50 > 0 {
		add("search with the index against the scan", fmt.Sprintf("%.0f× faster", scan[1]/p50), "the scan's median against the phrase search's p50 (the scan looks for 法治政府建设); target ≥ 50×")
	}

	return rows, fig, nil
}

// sizeRows break an archive's bytes down by bucket: the stored keys and
// values, and the pages bbolt allocated for them.
func sizeRows(sz archive.Sizes, raw, warc int64) []row {
	pct := func(n, of int64) string { return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(of, 1))) }
	rows := []row{
		{"raw HTML of the captures", mb(raw), ""},
		{"WARC.gz of the same captures (gzip per record)", mb(warc), pct(warc, raw) + " of raw"},
		{"archive file", mb(sz.Disk), fmt.Sprintf("%s of raw, %s of the WARC.gz; page size %d", pct(sz.Disk, raw), pct(sz.Disk, warc), sz.PageSize)},
		{"of which in use by the database", mb(sz.File), fmt.Sprintf("%s of raw, %s of the WARC.gz; the rest is the tail bbolt grows the file by ahead of need (at most 16 MB)", pct(sz.File, raw), pct(sz.File, warc))},
	}
	var alloc int64
	for _, b := range sz.Buckets {
		alloc += b.Alloc
		if b.Alloc < sz.File/1000 {
			continue
		}
		rows = append(rows, row{"bucket " + b.Name, mb(b.Alloc) + " allocated",
			fmt.Sprintf("%d keys, %s of keys and values (%.0f%% of allocated), %s of raw", b.Keys, mb(b.Values),
				100*float64(b.Values)/float64(max(b.Alloc, 1)), pct(b.Alloc, raw))})
	}
	rows = append(rows, row{"free pages", mb(sz.Free), pct(sz.Free, sz.File) + " of the file"},
		row{"rest (meta, freelist, small buckets)", mb(sz.File - alloc - sz.Free), ""})
	return rows
}

// cpuTime is the user and system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// readWorkload starts the daemon-like child on db and measures requests.
func readWorkload(ctx context.Context, db string, o scaleOptions, fig scaleFigures) ([]row, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, db)
	cmd.Env = append(os.Environ(), serveEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer cmd.Wait()
	defer stdin.Close()
	out := bufio.NewReader(stdout)
	addr, err := out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("serve child: %w: %s", err, stderr.String())
	}
	base := "http://" + strings.TrimSpace(addr)
	hc := &http.Client{Timeout: 5 * time.Minute}
	get := func(path string, v any) (time.Duration, error) {
		t := time.Now()
		res, err := hc.Get(base + path)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return 0, err
		}
		took := time.Since(t)
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("GET %s: %d %s", path, res.StatusCode, body)
		}
		if v != nil {
			return took, json.Unmarshal(body, v)
		}
		return took, nil
	}
	var rows []row
	measure := func(what, key, note string, paths func(i int) (string, any), after func(i int, v any)) error {
		var ds []float64
		for i := range o.reads {
			p, v := paths(i)
			d, err := get(p, v)
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			if after != nil {
				after(i, v)
			}
			ds = append(ds, ms(d))
		}
		slices.Sort(ds)
		rows = append(rows, row{what, fmt.Sprintf("p50 %.1f ms, p95 %.1f ms", pctl(ds, 50), pctl(ds, 95)), note})
		fig[key], fig[strings.Replace(key, "p95", "p50", 1)] = pctl(ds, 95), pctl(ds, 50)
		fmt.Fprintf(os.Stderr, "scale: %s: p95 %.1f ms; serving child maps %s\n", what, pctl(ds, 95), residentByFile(cmd.Process.Pid, db))
		return nil
	}
	r := rand.New(rand.NewPCG(42, 42))

	// Warm up: first requests open files and fill caches.
	get("/api/docs?limit=1", nil)

	var cursor string
	if err := measure("list page: /api/docs, 50 a page, following next", "list page /api/docs p95", fmt.Sprintf("%d pages from the first", o.reads), func(int) (string, any) {
		return "/api/docs?limit=50&after=" + url.QueryEscape(cursor), &struct{ Next string }{}
	}, func(_ int, v any) { cursor = v.(*struct{ Next string }).Next }); err != nil {
		return nil, err
	}
	if err := measure("list page: /sources/NAME (HTML)", "list page /sources/NAME p95", "first page of a source, filtered by status", func(i int) (string, any) {
		return "/sources/" + scaleSources[i%len(scaleSources)] + "?status=live", nil
	}, nil); err != nil {
		return nil, err
	}
	if err := measure("document page: /docs/ID (HTML)", "document page p95", "random documents", func(int) (string, any) {
		return fmt.Sprintf("/docs/%d", 1+r.IntN(o.docs)), nil
	}, nil); err != nil {
		return nil, err
	}
	// Rare terms: six characters from a random document's body.
	g := &gen{m: trainModel(), site: newSite(0, 25), docs: o.docs}
	var rare []string
	for len(rare) < o.reads {
		body := []rune(g.doc(1 + r.IntN(o.docs))[0].rec.Body)
		at := r.IntN(max(len(body)-6, 1))
		if term := string(body[at : at+6]); isHan(term) {
			rare = append(rare, term)
		}
	}
	type sr struct {
		Total int    `json:"total"`
		Next  string `json:"next"`
	}
	for _, q := range []struct {
		what, key string
		terms     []string
	}{
		{"search: rare term", "search rare term p95", rare},
		{"search: common term", "search common term p95", []string{"工作", "发展", "建设", "管理"}},
		{"search: phrase", "search phrase p95", []string{`"法治政府建设"`, `"高质量发展"`, `"人民群众"`, `"安全生产"`}},
	} {
		var hits []int
		next := make([]string, o.reads)
		if err := measure(q.what+" (/api/search, 20 hits)", q.key, "", func(i int) (string, any) {
			return "/api/search?limit=20&q=" + url.QueryEscape(q.terms[i%len(q.terms)]), &sr{}
		}, func(i int, v any) { hits, next[i] = append(hits, v.(*sr).Total), v.(*sr).Next }); err != nil {
			return nil, err
		}
		slices.Sort(hits)
		rows[len(rows)-1].note = fmt.Sprintf("%s; matches: median %d, max %d", strings.Join(q.terms[:min(4, len(q.terms))], " "), hits[len(hits)/2], hits[len(hits)-1])
		// The next page, which a search ranked in spans may take from an
		// older span, and the same search ranking every match.
		// Only searches with a next page count: the others are replayed.
		var paged []string
		for i, n := range next {
			if n != "" {
				paged = append(paged, "/api/search?limit=20&q="+url.QueryEscape(q.terms[i%len(q.terms)])+"&after="+url.QueryEscape(n))
			}
		}
		if len(paged) > 0 {
			if err := measure(q.what+", next page", strings.Replace(q.key, " p95", " next page p95", 1),
				fmt.Sprintf("following the first page's next (%d of the %d searches had one)", len(paged), len(next)), func(i int) (string, any) {
					return paged[i%len(paged)], nil
				}, nil); err != nil {
				return nil, err
			}
		}
		if err := measure(q.what+", rank=all", strings.Replace(q.key, " p95", " rank=all p95", 1), "every match ranked over the whole archive", func(i int) (string, any) {
			return "/api/search?limit=20&rank=all&q=" + url.QueryEscape(q.terms[i%len(q.terms)]), nil
		}, nil); err != nil {
			return nil, err
		}
	}
	if err := measure("search page: /search?q= (HTML, 50 hits)", "search page p95", "common term with snippets", func(i int) (string, any) {
		return "/search?q=" + url.QueryEscape([]string{"工作", "发展"}[i%2]), nil
	}, nil); err != nil {
		return nil, err
	}
	stdin.Close()
	var mem crawlResult
	if err := json.NewDecoder(out).Decode(&mem); err != nil {
		return nil, fmt.Errorf("serve child: %w: %s", err, stderr.String())
	}
	rows = append(rows, row{"daemon RSS during the read workload", mb(mem.MaxRSS),
		"VmHWM of the serving child, archive and index pages mapped from the page cache included; target < 300 MB; " + rssParts(mem) + "; mapped at the end: " + mem.Mapped})
	fig["daemon RSS during reads"] = float64(mem.MaxRSS) / (1 << 20)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		rows = append(rows, row{"load average after the reads", strings.Join(strings.Fields(string(load))[:3], " "), "1, 5 and 15 minutes; the machine has " + strconv.Itoa(runtime.NumCPU()) + " CPUs"})
	}
	return rows, nil
}

func isHan(s string) bool {
	for _, r := range s {
		if r < 0x4e00 || r > 0x9fff {
			return false
		}
	}
	return true
}

// pctl is the p-th percentile of sorted values.
func pctl(sorted []float64, p int) float64 {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// serveMain is the read workload's daemon: the archive and its index
// behind the web server, on a free port it prints; it runs until stdin
// closes, then prints its memory figures as JSON.
func serveMain() int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "bench serve:", err); return 2 }
	db := os.Args[1]
	st, err := archive.Open(db, archive.Options{})
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	ix, err := search.OpenExisting(search.Dir(db), st, search.Options{})
	if err != nil {
		return fail(err)
	}
	defer ix.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	// As the daemon does (cmd/gongkai): mapped archive and index pages are
	// unmapped when they pass the budget.
	lim := &mapped.Limiter{Release: []mapped.Releaser{st, ix}}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go lim.Run(ctx)
	srv := &http.Server{Handler: lim.Wrap(web.New(st, web.Options{Search: ix}))}
	go srv.Serve(ln)
	fmt.Println(ln.Addr())
	peakAnon := samplePeakAnon()
	io.Copy(io.Discard, os.Stdin)
	res := crawlResult{PeakAnon: peakAnon(), MaxRSS: selfHWM(), RSSAnon: procStatus("self", "RssAnon"), RSSFile: procStatus("self", "RssFile"),
		Mapped: residentByFile(os.Getpid(), db)}
	srv.Close()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// scaleMarkers delimit one size's section in the results file, so the
// tables of several sizes live side by side and a rerun replaces its own.
func scaleMarkers(docs int) (begin, end string) {
	return fmt.Sprintf("<!-- scale %d: begin -->", docs), fmt.Sprintf("<!-- scale %d: end -->", docs)
}

// writeScaleSection puts the table into o.out between the markers of its
// size, keeping the rest of the file (the crawl benchmark's results, other
// sizes).
func writeScaleSection(o scaleOptions, table string) error {
	begin, end := scaleMarkers(o.docs)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Scale: %d documents\n\n", begin, o.docs)
	fmt.Fprintf(&b, "Produced by `go run ./bench -scale %s -out bench/RESULTS.md` on %s; %d CPUs (%s); %s RAM; %s.\n", o.sizeList, machine(), runtime.NumCPU(), cpuModel(), memTotal(), runtime.Version())
	b.WriteString(`Documents are written through the archive's own API (one quiet Run per source,
group commits), spread over 4 sources; each page is about 20 KB of real-site chrome around body text
sampled from an order-2 character model of the seed reports (unique per
document), 5% of documents have 2–3 versions. Reads go over HTTP to a
daemon-like child process (archive + search index + web server) on
loopback, which runs the daemon's mapped-memory limiter; each figure is over
the stated requests after one warm-up request. The load average after the
reads is in the table: above the 2 cores, other jobs shared the machine and
wall-clock figures are pessimistic; CPU seconds are given where they tell
more.

`)
	b.WriteString(table)
	b.WriteString(end + "\n")
	return replaceSection(o.out, begin, end, b.String())
}

// writeGrowthSection puts the growth table into o.out, between its own
// markers.
func writeGrowthSection(o scaleOptions, sizes []int, table string) error {
	begin, end := "<!-- scale growth: begin -->", "<!-- scale growth: end -->"
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Scale: growth from %d to %d documents\n\n", begin, sizes[0], sizes[len(sizes)-1])
	list := o.sizeList
	if o.readsOnly {
		fmt.Fprintf(&b, "Produced by `go run ./bench -scale %s -reads-only -out bench/RESULTS.md` on the archives and indexes of the run below: the read workload of each size again, one after the other, on a quiet machine (sizes and reindex times are in the tables of each size).\n\n", list)
	} else {
		fmt.Fprintf(&b, "Produced by `go run ./bench -scale %s -out bench/RESULTS.md`: all sizes in one run, on the same machine, one after the other.\n\n", list)
	}
	b.WriteString(table)
	b.WriteString(end + "\n")
	return replaceSection(o.out, begin, end, b.String())
}

// replaceSection replaces the text between begin and end in the file at
// path (markers included) with section, or appends it.
func replaceSection(path, begin, end, section string) error {
	return putSection(path, begin, end, section, false)
}

// putSection replaces the text between begin and end in the file at path
// (markers included) with section; without the markers it puts section at
// the top or the end of the file.
func putSection(path, begin, end, section string, top bool) error {
	old, _ := os.ReadFile(path)
	s := string(old)
	switch i, j := strings.Index(s, begin), strings.Index(s, end); {
	case i >= 0 && j > i:
		s = s[:i] + section + s[j+len(end)+1:]
	case top:
		s = section + "\n" + s
	default:
		s = strings.TrimRight(s, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// residentByFile says how much of pid's resident memory is pages of the
// archive file db, of its search index and of everything else, from
// /proc/PID/smaps ("" where that is not available).
func residentByFile(pid int, db string) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return ""
	}
	defer f.Close()
	var archiveKB, indexKB, fileKB, anonKB int64
	cur := &anonKB
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			switch path := strings.Join(fs[5:], " "); {
			case path == db:
				cur = &archiveKB
			case strings.HasPrefix(path, search.Dir(db)+"/"):
				cur = &indexKB
			case strings.HasPrefix(path, "/"):
				cur = &fileKB
			default:
				cur = &anonKB
			}
			continue
		}
		if len(fs) >= 2 && fs[0] == "Rss:" {
			kb, _ := strconv.ParseInt(fs[1], 10, 64)
			*cur += kb
		}
	}
	return fmt.Sprintf("archive %s, index %s, other files %s, anon %s", mb(archiveKB<<10), mb(indexKB<<10), mb(fileKB<<10), mb(anonKB<<10))
}
