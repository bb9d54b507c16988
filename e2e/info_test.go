//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pluginVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../plugin.json")
	require.NoError(t, err)
	var m struct{ Version string }
	require.NoError(t, json.Unmarshal(b, &m))
	return m.Version
}

func assertNoSecrets(t *testing.T, text string) {
	t.Helper()
	for _, k := range []string{"MM_APPS_AWS_SECRET_KEY", "MM_APPS_AWS_ACCESS_KEY"} {
		if v := os.Getenv(k); v != "" {
			assert.NotContains(t, text, v, "%s leaked", k)
		}
	}
}

func TestPluginRunsAndAnswersInfo(t *testing.T) {
	s := getStack(t)
	s.waitPluginRunning(t)

	text := s.command(t, s.adminToken, "/apps info")
	assert.Contains(t, text, "Lambda Apps "+pluginVersion(t))
	assert.Contains(t, text, "| Invoke credentials | set |")
	assert.Contains(t, text, "| Region | `us-east-1` (environment) |")
	assert.Contains(t, text, "| Bucket | `"+os.Getenv("MM_APPS_S3_BUCKET")+"` (environment) |")
	assert.Contains(t, text, "| Bucket reachable | yes |")
	assertNoSecrets(t, text)

	// Other users see what they need: the version, whether apps work, the
	// enabled apps; nothing of the AWS set-up.
	text = s.command(t, s.userToken, "/apps info")
	assert.Contains(t, text, "Lambda Apps "+pluginVersion(t))
	assert.Contains(t, text, "Apps are available.")
	for _, hidden := range []string{os.Getenv("MM_APPS_S3_BUCKET"), "us-east-1", "Invoke credentials", "127.0.0.1"} {
		assert.NotContains(t, text, hidden)
	}
	assertNoSecrets(t, text)
}

func TestAppsHelp(t *testing.T) {
	s := getStack(t)
	text := s.command(t, s.userToken, "/apps help")
	assert.Contains(t, text, "`/apps info [app_id]`")
	assert.Contains(t, text, "`/apps help`")
	assert.Equal(t, text, s.command(t, s.userToken, "/apps"), "bare /apps shows the help")
	assert.Contains(t, s.command(t, s.userToken, "/apps frobnicate"), "Unknown sub-command `frobnicate`")
}

func TestStatusRoute(t *testing.T) {
	s := getStack(t)
	code, body := s.pluginGET(t, s.adminToken, "/api/v1/status")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var st struct {
		PluginVersion   string `json:"plugin_version"`
		CredentialsSet  bool   `json:"credentials_set"`
		BucketReachable bool   `json:"bucket_reachable"`
	}
	decodeJSON(t, body, &st)
	assert.Equal(t, pluginVersion(t), st.PluginVersion)
	assert.True(t, st.CredentialsSet)
	assert.True(t, st.BucketReachable)
	assertNoSecrets(t, string(body))

	code, body = s.pluginGET(t, s.userToken, "/api/v1/status")
	assert.Equal(t, http.StatusForbidden, code, "%s", body)
	assert.Contains(t, string(body), `"error"`)

	code, body = s.pluginGET(t, "", "/api/v1/status")
	assert.Equal(t, http.StatusUnauthorized, code, "%s", body)
}

func TestInfoWithoutCredentials(t *testing.T) {
	s := getStack(t)
	s.restartWithEnv(t, func(env map[string]string) {
		delete(env, "MM_APPS_AWS_ACCESS_KEY")
		delete(env, "MM_APPS_AWS_SECRET_KEY")
	})
	text := s.command(t, s.adminToken, "/apps info")
	assert.Contains(t, text, "| Invoke credentials | not set |")
	assert.Contains(t, text, "| Bucket reachable | no: not checked: AWS apps are unavailable until MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY are set")
}

func TestInfoWithUnreachableBucket(t *testing.T) {
	s := getStack(t)
	s.restartWithEnv(t, func(env map[string]string) {
		env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9" // discard port: nothing listens
	})
	text := s.command(t, s.adminToken, "/apps info")
	assert.Contains(t, text, "| Invoke credentials | set |")
	assert.Contains(t, text, "| Bucket reachable | no: S3 endpoint unreachable")
	assert.Contains(t, text, "AWS_ENDPOINT_URL")
	assertNoSecrets(t, text)
}

func TestInfoWithMissingBucket(t *testing.T) {
	s := getStack(t)
	s.restartWithEnv(t, func(env map[string]string) {
		env["MM_APPS_S3_BUCKET"] = "no-such-bucket-here"
	})
	text := s.command(t, s.adminToken, "/apps info")
	assert.Contains(t, text, "| Bucket | `no-such-bucket-here` (environment) |")
	assert.Contains(t, text, "bucket \"no-such-bucket-here\" does not exist")
}

func TestRestartWithS3DownServesCachedCatalog(t *testing.T) {
	installHello(t)
	s := getStack(t)
	s.restartWithEnv(t, func(env map[string]string) {
		env["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9" // S3 down; Lambda still reachable
	})
	// The catalog is served from the KV cache at once; the failed sync
	// attempt against S3 shows up when it has given up.
	text := s.command(t, s.adminToken, "/apps info")
	assert.Regexp(t, `\| Apps in catalog \| [1-9]\d* \(`, text)
	assert.Contains(t, text, "(served from the cache)")
	require.Eventually(t, func() bool {
		text = s.command(t, s.adminToken, "/apps info")
		return strings.Contains(text, "| Catalog problem | ")
	}, 60*time.Second, 250*time.Millisecond, "the failed sync is reported: %s", text)
	assert.Contains(t, text, "unreachable")

	code, _, body := s.pluginDo(t, s.adminToken, http.MethodGet, "/api/v1/catalog", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"app_id":"`+helloID+`"`)

	code, resp := s.call(t, s.userToken, "/greet", map[string]any{"name": "cached"})
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "Hello, cached!", resp.Text, "installed apps keep working while S3 is down")

	assert.Contains(t, s.command(t, s.adminToken, "/apps refresh"), "failed")
}
