// Package metrics owns the daemon's Prometheus metrics, served at /metrics
// in the text exposition format. Every name starts with gongkai_ and every
// per-source metric has a source label. A Metrics has its own registry (no
// global default registry), so two daemons can live in one test.
//
// Counters (polls, fetches, versions, deliveries) count since the daemon
// started; gauges read from the archive at scrape time (documents, the last
// good poll, archive size, outbox depth) survive restarts.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gongkai/gongkai/archive"
)

// Archive is what the scrape-time gauges read; *archive.Store satisfies it.
type Archive interface {
	Sources(ctx context.Context) ([]archive.SourceState, error)
	OutboxLen(ctx context.Context) (int, error)
	Path() string
}

// Poll outcomes (label outcome of gongkai_polls_total).
const (
	PollOK       = "ok"       // the poll worked
	PollFailed   = "failed"   // no list page, or a health failure (see archive.Health)
	PollCanceled = "canceled" // the daemon stopped during the poll
)

// Options configure New. The zero value works (no archive gauges).
type Options struct {
	Archive Archive
	Logger  *slog.Logger // scrape errors; nil discards
	// ScrapeTimeout bounds the archive reads of one scrape; default 10s.
	ScrapeTimeout time.Duration
}

// Metrics holds the daemon's metrics and their registry.
type Metrics struct {
	reg  *prometheus.Registry
	opts Options
	log  *slog.Logger

	polls        *prometheus.CounterVec
	pollDuration *prometheus.HistogramVec
	fetches      *prometheus.CounterVec
	fetchErrors  *prometheus.CounterVec
	versions     *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
	indexLag     prometheus.Gauge

	mu      sync.Mutex
	sources []string // configured sources, always reported
}

// New registers every metric in a fresh registry.
func New(opts Options) *Metrics {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ScrapeTimeout <= 0 {
		opts.ScrapeTimeout = 10 * time.Second
	}
	m := &Metrics{reg: prometheus.NewRegistry(), opts: opts, log: opts.Logger}
	m.polls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_polls_total",
		Help: "Polls of a source by outcome (ok, failed, canceled)."}, []string{"source", "outcome"})
	m.pollDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gongkai_poll_duration_seconds",
		Help:    "How long a poll of a source took.",
		Buckets: []float64{1, 5, 15, 60, 300, 900, 3600, 4 * 3600}}, []string{"source"})
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_fetches_total",
		Help: "Requests made for a source: list pages, documents and attachments."}, []string{"source"})
	m.fetchErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_fetch_errors_total",
		Help: "Requests or documents of a source that ended in an error."}, []string{"source"})
	m.versions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_versions_total",
		Help: "Versions archived for a source, by kind (new document, changed document)."}, []string{"source", "kind"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongkai_deliveries_total",
		Help: "Notification deliveries by target and outcome (ok, error)."}, []string{"target", "outcome"})
	m.indexLag = prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongkai_search_index_lag",
		Help: "Archive changes the search index has not indexed yet."})
	m.reg.MustRegister(m.polls, m.pollDuration, m.fetches, m.fetchErrors, m.versions, m.deliveries, m.indexLag,
		archiveCollector{m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogError{m.log}})
}

// SetSources names the configured sources (at start and on every reload):
// each gets its per-source series even before its first poll, so an alert
// on a source that never worked can fire.
func (m *Metrics) SetSources(names []string) {
	names = append([]string{}, names...) // never nil: nil means "not told"
	slices.Sort(names)
	m.mu.Lock()
	m.sources = names
	m.mu.Unlock()
	for _, n := range names {
		for _, o := range []string{PollOK, PollFailed, PollCanceled} {
			m.polls.WithLabelValues(n, o)
		}
		m.fetches.WithLabelValues(n)
		m.fetchErrors.WithLabelValues(n)
	}
}

// Poll records a finished poll: its outcome, its duration and what it
// fetched and archived.
func (m *Metrics) Poll(source, outcome string, s archive.RunStats) {
	m.polls.WithLabelValues(source, outcome).Inc()
	m.pollDuration.WithLabelValues(source).Observe(s.Duration.Seconds())
	m.fetches.WithLabelValues(source).Add(float64(s.ListPages + s.Fetched + s.Files))
	m.fetchErrors.WithLabelValues(source).Add(float64(s.Errors))
	if s.New > 0 {
		m.versions.WithLabelValues(source, archive.EventNew).Add(float64(s.New))
	}
	if s.Changed > 0 {
		m.versions.WithLabelValues(source, archive.EventChanged).Add(float64(s.Changed))
	}
}

// Delivery records one delivery attempt's end (after its retries) to a
// notification target; err nil means delivered.
func (m *Metrics) Delivery(target string, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.deliveries.WithLabelValues(target, outcome).Inc()
}

// SetIndexLag is the search indexer's hook: how many archive changes it
// has not indexed yet.
func (m *Metrics) SetIndexLag(changes uint64) { m.indexLag.Set(float64(changes)) }

// Outcome classifies a finished poll from the crawl's error and the
// source's state written at the run's end.
func Outcome(err error, st archive.SourceState) string {
	switch {
	case errors.Is(err, context.Canceled):
		return PollCanceled
	case err != nil, st.LastError != "":
		return PollFailed
	}
	return PollOK
}

var (
	descDocs = prometheus.NewDesc("gongkai_documents", "Archived documents of a source by status (live, withdrawn).",
		[]string{"source", "status"}, nil)
	descLastOK = prometheus.NewDesc("gongkai_last_success_timestamp_seconds",
		"When the source's last good poll started (Unix time; 0 = never).", []string{"source"}, nil)
	descFailing = prometheus.NewDesc("gongkai_source_failing",
		"1 while the source is failing (source_failed sent, not recovered).", []string{"source"}, nil)
	descSize = prometheus.NewDesc("gongkai_archive_size_bytes", "Size of the archive file.", nil, nil)
	descOut  = prometheus.NewDesc("gongkai_outbox_events", "Events waiting in the outbox for delivery.", nil, nil)
	descUp   = prometheus.NewDesc("gongkai_archive_scrape_ok", "1 when the archive could be read for this scrape.", nil, nil)
)

// archiveCollector reads the gauges that live in the archive at scrape time.
type archiveCollector struct{ m *Metrics }

func (c archiveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDocs, descLastOK, descFailing, descSize, descOut, descUp} {
		ch <- d
	}
}

func (c archiveCollector) Collect(ch chan<- prometheus.Metric) {
	a := c.m.opts.Archive
	if a == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.m.opts.ScrapeTimeout)
	defer cancel()
	ok := 1.0
	if fi, err := os.Stat(a.Path()); err == nil {
		ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(fi.Size()))
	}
	if n, err := a.OutboxLen(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descOut, prometheus.GaugeValue, float64(n))
	} else {
		ok = 0
		c.m.log.Warn("metrics: outbox", "err", err)
	}
	states, err := a.Sources(ctx)
	if err != nil {
		ok = 0
		c.m.log.Warn("metrics: sources", "err", err)
	}
	c.m.mu.Lock()
	configured := c.m.sources
	c.m.mu.Unlock()
	// Documents of every archived source; poll health only of the
	// configured ones (when known), so that a source removed from the
	// config does not look like one that stopped working.
	watched := func(string) bool { return true }
	if configured != nil {
		watched = func(name string) bool { _, ok := slices.BinarySearch(configured, name); return ok }
	}
	seen := map[string]bool{}
	for _, st := range states {
		seen[st.Name] = true
		ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(st.Docs-st.Withdrawn), st.Name, archive.StatusLive)
		ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(st.Withdrawn), st.Name, archive.StatusWithdrawn)
		if watched(st.Name) {
			ch <- prometheus.MustNewConstMetric(descLastOK, prometheus.GaugeValue, unix(st.LastOK), st.Name)
			ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, boolValue(st.Health.Failing()), st.Name)
		}
	}
	for _, name := range configured {
		if !seen[name] && err == nil {
			ch <- prometheus.MustNewConstMetric(descLastOK, prometheus.GaugeValue, 0, name)
			ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, 0, name)
		}
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, ok)
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// slogError adapts promhttp's error log to slog.
type slogError struct{ l *slog.Logger }

func (s slogError) Println(v ...any) { s.l.Error("metrics: serve", "err", v) }
