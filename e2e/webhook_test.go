//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRemoteWebhookReachesTheApp: an outside service posts to the app's
// webhook URL (no Mattermost session, the app's secret); the plugin passes
// it on to the app on Lambda asynchronously, and the app, acting as its bot
// through the REST API, sends the user a direct message.
func TestRemoteWebhookReachesTheApp(t *testing.T) {
	installHello(t)
	s := getStack(t)
	admin := s.listen(t, s.adminToken)
	user := s.listen(t, s.userToken)
	me, _, err := s.client(s.userToken).GetMe(context.Background(), "")
	require.NoError(t, err)

	// Only a system admin gets the URL (the app checks the expanded roles).
	assert.Empty(t, s.command(t, s.userToken, "/hello webhook"))
	user.ephemeral(t, "Only a system admin may see the webhook URL")
	assert.Empty(t, s.command(t, s.adminToken, "/hello webhook"))
	shown := admin.ephemeral(t, "/webhook/notify?secret=")
	webhookURL := regexp.MustCompile(`https?://\S+/webhook/notify\?secret=[0-9a-f]{64}`).FindString(shown.Message)
	require.NotEmpty(t, webhookURL, shown.Message)
	// The app builds it from its site URL and app path: the compatibility
	// path's form of the original framework's webhook URL.
	compatPrefix := s.url + "/plugins/lambda-apps/compat/plugins/com.mattermost.apps/apps/hello-lambda/webhook/notify?secret="
	require.True(t, strings.HasPrefix(webhookURL, compatPrefix), webhookURL)
	secret := webhookURL[strings.Index(webhookURL, "secret=")+len("secret="):]
	nativeURL := s.url + "/plugins/lambda-apps/apps/hello-lambda/webhook/notify?secret=" + secret

	// The secret never shows in the admin API.
	for _, path := range []string{"/api/v1/status", "/api/v1/catalog"} {
		_, body := s.pluginGET(t, s.adminToken, path)
		assert.NotContains(t, string(body), secret, path)
	}
	_, _, body := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/install-app", map[string]string{"app_id": helloID})
	assert.NotContains(t, string(body), secret, "install-app")
	assert.NotContains(t, s.command(t, s.adminToken, "/apps list"), secret)

	send := func(url, body string) (int, string) {
		resp, err := http.Post(url, "application/json", strings.NewReader(body)) //nolint:noctx // test
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out["error"]
	}
	for _, u := range []string{webhookURL, nativeURL} { // both forms reach the webhook
		code, msg := send(strings.Replace(u, secret, strings.Repeat("0", 64), 1), `{}`)
		assert.Equal(t, http.StatusUnauthorized, code, u)
		assert.Contains(t, msg, "wrong ?secret=", u)
	}

	code, msg := send(webhookURL, `{"user_id":"`+me.Id+`","text":"disk full on db-1"}`)
	require.Equal(t, http.StatusOK, code, msg)
	user.wait(t, string(model.WebsocketEventPosted), func(ev *model.WebSocketEvent) bool {
		var p model.Post
		raw, _ := ev.GetData()["post"].(string)
		return json.Unmarshal([]byte(raw), &p) == nil && p.Message == "Webhook: disk full on db-1"
	})
}
