//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricValue returns the value of the sample name{labels} in a Prometheus
// text exposition, 0 when it is absent (a counter not yet seen).
func metricValue(t *testing.T, exposition, name, labels string) float64 {
	t.Helper()
	prefix := name + "{" + labels + "} "
	for _, line := range strings.Split(exposition, "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, line)
			return f
		}
	}
	return 0
}

func (s *stack) metrics(t *testing.T) string {
	t.Helper()
	code, header, body := s.pluginDo(t, s.adminToken, http.MethodGet, "/api/v1/metrics", nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.True(t, strings.HasPrefix(header.Get("Content-Type"), "text/plain; version=0.0.4"), header.Get("Content-Type"))
	return string(body)
}

// TestCallMetrics makes calls to the sample app through the real server and
// reads them back: the Prometheus endpoint (admins only), /apps info
// <app_id> (admins only) and the status.
func TestCallMetrics(t *testing.T) {
	installHello(t)
	s := getStack(t)
	calls := func(path, outcome string) string {
		return fmt.Sprintf(`app_id="%s",path="%s",outcome="%s"`, helloID, path, outcome)
	}
	greetOK, failAppError, crashFunctionError := calls("/greet", "ok"), calls("/fail", "app_error"), calls("/crash", "function_error")
	webhookOK := calls("/webhook/notify", "ok")
	greetSeries := fmt.Sprintf(`app_id="%s",path="/greet"`, helloID)
	webhookURL := s.helloWebhookURL(t)

	before := s.metrics(t)
	// Through the REST API, a slash command and a remote webhook.
	for i := range 3 {
		code, resp := s.call(t, s.userToken, "/greet", map[string]any{"name": fmt.Sprintf("metrics %d", i)})
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, "ok", resp.Type, resp.Text)
	}
	code, resp := s.call(t, s.userToken, "/fail", nil)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "error", resp.Type)
	code, resp = s.call(t, s.userToken, "/crash", nil)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "error", resp.Type)
	s.command(t, s.userToken, "/hello greet metrics")
	hook, err := http.Post(webhookURL, "application/json", strings.NewReader(`{"user_id":"`+s.adminID(t)+`","text":"metrics"}`)) //nolint:noctx // test
	require.NoError(t, err)
	require.NoError(t, hook.Body.Close())
	require.Equal(t, http.StatusOK, hook.StatusCode)

	after := s.metrics(t)
	deltas := []struct {
		name, labels string
		want         float64
	}{
		{"lambda_apps_calls_total", greetOK, 4},
		{"lambda_apps_calls_total", failAppError, 1},
		{"lambda_apps_calls_total", crashFunctionError, 1},
		{"lambda_apps_calls_total", webhookOK, 1},
		{"lambda_apps_call_duration_seconds_count", greetSeries, 4},
		{"lambda_apps_call_duration_seconds_bucket", greetSeries + `,le="+Inf"`, 4},
	}
	for _, d := range deltas {
		got := metricValue(t, after, d.name, d.labels) - metricValue(t, before, d.name, d.labels)
		assert.Equal(t, d.want, got, "%s{%s} went up by the calls made", d.name, d.labels)
	}
	assert.Contains(t, after, "# TYPE lambda_apps_calls_total counter")
	assert.Contains(t, after, "# TYPE lambda_apps_call_duration_seconds histogram")
	assert.Greater(t, metricValue(t, after, "lambda_apps_call_duration_seconds_sum", greetSeries), 0.0)
	assertNoSecrets(t, after)

	code, _, body := s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/metrics", nil)
	assert.Equal(t, http.StatusForbidden, code, "a regular user: %s", body)
	assert.NotContains(t, string(body), helloID)

	info := s.command(t, s.adminToken, "/apps info "+helloID)
	assert.Contains(t, info, "#### Calls to "+helloID)
	assert.Contains(t, info, "| Errors: `app_error` |")
	assert.Contains(t, info, "| Errors: `function_error` |")
	assert.Regexp(t, "\\| `/greet` \\| ([4-9]|\\d\\d+) \\| 0 \\|", info, "the last hour has at least the 4 greetings, no error")
	assert.Contains(t, info, "| `/webhook/notify` |")
	total := int(metricValue(t, after, "lambda_apps_calls_total", greetOK))
	assert.Contains(t, info, fmt.Sprintf(" | %d | 0 | ", total), "since start: the same count as the Prometheus endpoint")

	userInfo := s.command(t, s.userToken, "/apps info "+helloID)
	assert.Contains(t, userInfo, "can only be seen by a system administrator")
	assert.NotContains(t, userInfo, "/greet")

	code, status := s.pluginGET(t, s.adminToken, "/api/v1/status")
	require.Equal(t, http.StatusOK, code)
	var st struct {
		AppCalls []struct {
			AppID      string `json:"app_id"`
			SinceStart struct {
				Calls    int            `json:"calls"`
				Outcomes map[string]int `json:"outcomes"`
			} `json:"since_start"`
		} `json:"app_calls"`
	}
	decodeJSON(t, status, &st)
	var found bool
	for _, a := range st.AppCalls {
		if a.AppID == helloID {
			found = true
			assert.GreaterOrEqual(t, a.SinceStart.Calls, 7)
			assert.GreaterOrEqual(t, a.SinceStart.Outcomes["function_error"], 1)
		}
	}
	assert.True(t, found, "%s", status)
}

// helloWebhookURL asks the sample app for its webhook URL (with the secret),
// as an admin.
func (s *stack) helloWebhookURL(t *testing.T) string {
	t.Helper()
	admin := s.listen(t, s.adminToken)
	assert.Empty(t, s.command(t, s.adminToken, "/hello webhook"))
	shown := admin.ephemeral(t, "/webhook/notify?secret=")
	url := regexp.MustCompile(`https?://\S+/webhook/notify\?secret=[0-9a-f]{64}`).FindString(shown.Message)
	require.NotEmpty(t, url, "the app shows its webhook URL")
	return url
}
