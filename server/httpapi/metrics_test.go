package httpapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/callstats"
)

type brokenMetrics struct{}

func (brokenMetrics) WritePrometheus(io.Writer) error { return errors.New("disk on fire") }

func TestMetricsRoute(t *testing.T) {
	stats := callstats.New(callstats.Options{})
	stats.Record("hello", "/greet", appcall.OutcomeOK, time.Millisecond)
	admins := adminsFunc(func(id string) bool { return id == "admin" })
	tests := []struct {
		name     string
		metrics  Metrics
		user     string
		code     int
		wantBody string
		wantType string
	}{
		{"admin", stats, "admin", http.StatusOK, `lambda_apps_calls_total{app_id="hello",path="/greet",outcome="ok"} 1`, callstats.PrometheusContentType},
		{"user", stats, "u1", http.StatusForbidden, "manage_system", "application/json"},
		{"anonymous", stats, "", http.StatusUnauthorized, "not authenticated", "application/json"},
		{"not wired", nil, "admin", http.StatusServiceUnavailable, "not available", "application/json"},
		{"write fails", brokenMetrics{}, "admin", http.StatusInternalServerError, "server log", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRouter(Deps{Log: &nopLogger{}, Admins: admins, Metrics: tt.metrics})
			req := httptest.NewRequest(http.MethodGet, "/api/v1/metrics", nil)
			if tt.user != "" {
				req.Header.Set(UserIDHeader, tt.user)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			assert.Equal(t, tt.code, w.Code, w.Body.String())
			assert.Contains(t, w.Body.String(), tt.wantBody)
			assert.True(t, strings.HasPrefix(w.Header().Get("Content-Type"), tt.wantType), w.Header().Get("Content-Type"))
			assert.NotContains(t, w.Body.String(), "disk on fire")
		})
	}
}
