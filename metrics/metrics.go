// Package metrics serves Loa Phường's counters in the Prometheus text
// format. The parts of the program keep plain counters of their own (the
// bot's Metrics, the scheduler's and the news sources' Stats) and register
// functions that read them; nothing is counted twice and no part imports
// Prometheus.
package metrics

import (
	"net/http"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds the series /metrics serves.
type Registry struct {
	reg *prometheus.Registry
}

// New returns a registry with the Go runtime's and the process's own series
// (memory, goroutines, open files, CPU time).
func New() *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Registry{reg: reg}
}

// Counter adds a counter whose value read returns at each scrape; it panics
// if the name is taken or invalid, as a mistake in the program would.
func (r *Registry) Counter(name, help string, read func() float64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, read))
}

// Gauge adds a gauge whose value read returns at each scrape.
func (r *Registry) Gauge(name, help string, read func() float64) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
}

// Counters adds a counter with one label: read returns the value of each
// label value at each scrape (for example outcome → count).
func (r *Registry) Counters(name, help, label string, read func() map[string]float64) {
	r.reg.MustRegister(&labelled{desc: prometheus.NewDesc(name, help, []string{label}, nil), kind: prometheus.CounterValue, read: read})
}

// Gauges adds a gauge with one label, read like Counters.
func (r *Registry) Gauges(name, help, label string, read func() map[string]float64) {
	r.reg.MustRegister(&labelled{desc: prometheus.NewDesc(name, help, []string{label}, nil), kind: prometheus.GaugeValue, read: read})
}

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// labelled is a series per label value, read from a function at each scrape.
type labelled struct {
	desc *prometheus.Desc
	kind prometheus.ValueType
	read func() map[string]float64
}

// Describe sends the series' description.
func (l *labelled) Describe(ch chan<- *prometheus.Desc) { ch <- l.desc }

// Collect sends one sample per label value, in label order.
func (l *labelled) Collect(ch chan<- prometheus.Metric) {
	values := l.read()
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ch <- prometheus.MustNewConstMetric(l.desc, l.kind, values[k], k)
	}
}

// Uints turns a map of counts into the float values Counters reads.
func Uints(m map[string]uint64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}
