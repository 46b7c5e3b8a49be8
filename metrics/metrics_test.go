package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/archive/archivetest"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/metrics"
)

// scrape fetches /metrics and parses it with Prometheus's own parser.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", res.Status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text format: %v", err)
	}
	return fams
}

// value finds the sample of family name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	t.Helper()
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsExposition(t *testing.T) {
	st := archivetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	archivetest.Record(t, st, archivetest.Page{Source: "xiangshan", URL: "http://x.gov.cn/1.html",
		Doc: extract.Document{Title: "关于印发的通知", Body: "正文"}, At: at})
	stats := archive.RunStats{Started: at, Duration: 3 * time.Second, ListPages: 2, Fetched: 1, New: 1, Errors: 1, ListEntries: 1}
	archivetest.EndRun(t, st, "xiangshan", stats, nil)

	m := metrics.New(metrics.Options{Archive: st})
	m.SetSources([]string{"xiangshan", "ninghai"})
	src, _ := st.Source(ctx, "xiangshan")
	m.Poll("xiangshan", metrics.Outcome(nil, src), stats)
	m.Poll("ninghai", metrics.Outcome(errors.New("no list page could be fetched"), archive.SourceState{}), archive.RunStats{ListPages: 1, Errors: 1})
	m.Delivery("webhook ops", nil)
	m.Delivery("webhook ops", errors.New("503"))
	m.SetIndexLag(7)

	fams := scrape(t, m.Handler())
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"gongkai_polls_total", map[string]string{"source": "xiangshan", "outcome": "ok"}, 1},
		{"gongkai_polls_total", map[string]string{"source": "ninghai", "outcome": "failed"}, 1},
		{"gongkai_polls_total", map[string]string{"source": "ninghai", "outcome": "ok"}, 0},
		{"gongkai_poll_duration_seconds", map[string]string{"source": "xiangshan"}, 1},
		{"gongkai_fetches_total", map[string]string{"source": "xiangshan"}, 3},
		{"gongkai_fetch_errors_total", map[string]string{"source": "xiangshan"}, 1},
		{"gongkai_versions_total", map[string]string{"source": "xiangshan", "kind": "new"}, 1},
		{"gongkai_documents", map[string]string{"source": "xiangshan", "status": "live"}, 1},
		{"gongkai_documents", map[string]string{"source": "xiangshan", "status": "withdrawn"}, 0},
		{"gongkai_last_success_timestamp_seconds", map[string]string{"source": "xiangshan"}, float64(at.Unix())},
		{"gongkai_last_success_timestamp_seconds", map[string]string{"source": "ninghai"}, 0},
		{"gongkai_source_failing", map[string]string{"source": "xiangshan"}, 0},
		{"gongkai_outbox_events", nil, 1},
		{"gongkai_deliveries_total", map[string]string{"target": "webhook ops", "outcome": "ok"}, 1},
		{"gongkai_deliveries_total", map[string]string{"target": "webhook ops", "outcome": "error"}, 1},
		{"gongkai_search_index_lag", nil, 7},
		{"gongkai_archive_scrape_ok", nil, 1},
	} {
		got, ok := value(t, fams, tc.name, tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (present %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	m.SetSources([]string{"ninghai"}) // xiangshan removed from the config
	fams = scrape(t, m.Handler())
	if _, ok := value(t, fams, "gongkai_last_success_timestamp_seconds", map[string]string{"source": "xiangshan"}); ok {
		t.Error("a source removed from the config still has a last-success series: the not-polled alert would fire for it")
	}
	if n, ok := value(t, fams, "gongkai_documents", map[string]string{"source": "xiangshan", "status": "live"}); !ok || n != 1 {
		t.Errorf("documents of a removed source = %v (present %v), want its 1 archived document still counted", n, ok)
	}
	if size, ok := value(t, fams, "gongkai_archive_size_bytes", nil); !ok || size <= 0 {
		t.Errorf("gongkai_archive_size_bytes = %v (present %v), want the file's size", size, ok)
	}
}

// Two daemons in one process each have their own registry.
func TestMetricsRegistryPerInstance(t *testing.T) {
	a, b := metrics.New(metrics.Options{}), metrics.New(metrics.Options{})
	a.SetSources([]string{"one"})
	a.Poll("one", metrics.PollOK, archive.RunStats{})
	if _, ok := value(t, scrape(t, b.Handler()), "gongkai_polls_total", map[string]string{"source": "one"}); ok {
		t.Error("a poll counted in one Metrics shows in another")
	}
}
