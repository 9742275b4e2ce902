package telemetry

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// HTTPMetrics counts and times the requests of a gin engine:
//
//	trackgate_http_requests_total{route, method, class}
//	trackgate_http_request_duration_seconds{route, method}
//
// route is the route template (c.FullPath(), such as
// /v1/buckets/:bucket), or "(unmatched)" when no route matched: never the
// concrete path, which may hold a bucket or a locator. method is one of
// the standard methods or "OTHER"; class is the status class, 2xx to 5xx.
type HTTPMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series caches the children of each (route, method, status), so
	// that a request costs no label hashing.
	series sync.Map // httpSeriesKey -> *httpSeries
}

type httpSeriesKey struct {
	route, method string
	status        int
}

type httpSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// UnmatchedRoute is the route label of a request no route matched.
const UnmatchedRoute = "(unmatched)"

// NewHTTPMetrics registers the HTTP collectors with reg.
func NewHTTPMetrics(reg prometheus.Registerer) *HTTPMetrics {
	m := &HTTPMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by route template, method and status class.",
		}, []string{"route", "method", "class"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Middleware counts every request once its handlers have run. Put it
// first, so that requests refused by later middleware count too.
func (m *HTTPMetrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		s := m.seriesOf(Route(c), Method(c.Request.Method), c.Writer.Status())
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	}
}

// seriesOf is the cached children of a request's labels; their number
// is bounded by routes × methods × statuses.
func (m *HTTPMetrics) seriesOf(route, method string, status int) *httpSeries {
	key := httpSeriesKey{route, method, status}
	if s, ok := m.series.Load(key); ok {
		return s.(*httpSeries)
	}
	s, _ := m.series.LoadOrStore(key, &httpSeries{
		requests: m.requests.WithLabelValues(route, method, StatusClass(status)),
		duration: m.duration.WithLabelValues(route, method),
	})
	return s.(*httpSeries)
}

// Route is the request's route template, or UnmatchedRoute.
func Route(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return UnmatchedRoute
}

// Method is m when it is a standard method, else "OTHER", so that a
// client cannot mint label values.
func Method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// StatusClass is "1xx" to "5xx", or "other" for a status out of range.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
