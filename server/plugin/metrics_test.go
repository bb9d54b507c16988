package plugin

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// The calls the plugin counts reach the metrics route, the status and
// `/apps info`; counts of apps that are not installed are dropped when the
// installed apps change on another node.
func TestCallStatsAreWired(t *testing.T) {
	api := newTestAPI(t, nil)
	p := activate(t, api, nil)
	p.stats.Record("gone.app", "/greet", appcall.OutcomeOK, time.Millisecond)

	get := func(path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Mattermost-User-Id", "admin")
		w := httptest.NewRecorder()
		p.ServeHTTP(nil, w, r)
		return w
	}
	w := get("/api/v1/metrics")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `lambda_apps_calls_total{app_id="gone.app",path="/greet",outcome="ok"} 1`)
	assert.Contains(t, get("/api/v1/status").Body.String(), `"app_calls":[{"app_id":"gone.app"`)
	resp, _ := p.ExecuteCommand(nil, &model.CommandArgs{UserId: "admin", Command: "/apps info gone.app"})
	assert.Contains(t, resp.Text, "| Calls | 1 | 1 |")

	p.OnPluginClusterEvent(nil, model.PluginClusterEvent{Id: eventAppsChanged})
	assert.NotContains(t, get("/api/v1/metrics").Body.String(), "gone.app", "the app is not installed")
	assert.Empty(t, p.stats.All())
}
