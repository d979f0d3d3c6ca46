package server

import "github.com/prometheus/client_golang/prometheus"

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newHTTPMetrics registers the request counter and latency histogram, labelled by method,
// route pattern and status code.
func newHTTPMetrics(registry prometheus.Registerer) *httpMetrics {
	labels := []string{"method", "route", "status"}
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency in seconds, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, labels),
	}
	registry.MustRegister(m.requests, m.duration)
	return m
}
