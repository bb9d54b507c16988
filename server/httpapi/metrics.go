package httpapi

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/lambda-apps/lambda-apps/server/callstats"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// getMetrics handles GET /api/v1/metrics (system admins): the counts of
// calls to apps on this node in the Prometheus text format.
func (a *api) getMetrics(w http.ResponseWriter, _ *http.Request) {
	if a.Metrics == nil {
		httpjson.Error(w, http.StatusServiceUnavailable, errors.New("call metrics are not available"))
		return
	}
	var b bytes.Buffer
	if err := a.Metrics.WritePrometheus(&b); err != nil {
		a.Log.Error("Could not write the call metrics", "error", err.Error())
		httpjson.Error(w, http.StatusInternalServerError, errors.New("could not write the call metrics; the server log has the details"))
		return
	}
	w.Header().Set("Content-Type", callstats.PrometheusContentType)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}
