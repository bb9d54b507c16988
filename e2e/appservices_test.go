//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appDo sends a request with an app's token to a path on the site.
func (s *stack) appDo(t *testing.T, client *http.Client, token, method, path string, body []byte) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(out)
}

// TestAppServicesWithAnAppsToken uses the bot token the sample app got in a
// call (read from the server's sessions, as the app would receive it) on
// the app services API, at the plugin's own URL and at the original
// framework's URL under the compatibility path, and on the REST API through
// the compatibility path.
func TestAppServicesWithAnAppsToken(t *testing.T) {
	installHello(t)
	s := getStack(t)
	user := s.listen(t, s.userToken)
	assert.Empty(t, s.command(t, s.userToken, "/hello greet services"))
	user.ephemeral(t, "Hello, services!") // the call expanded a bot token
	token := s.newestBotSession(t).token
	bot, _, err := s.client(s.adminToken).GetUserByUsername(context.Background(), helloID, "")
	require.NoError(t, err)

	for _, base := range []string{
		"/plugins/" + pluginID + "/api/v1",
		"/plugins/" + pluginID + "/compat/plugins/com.mattermost.apps/api/v1",
	} {
		t.Run(base, func(t *testing.T) {
			do := func(method, path, body string) (int, string) {
				code, _, out := s.appDo(t, http.DefaultClient, token, method, base+path, []byte(body))
				return code, out
			}
			code, out := do(http.MethodPut, "/kv/ab/e2e-key", `{"n":1}`)
			require.Equal(t, http.StatusOK, code, out)
			assert.JSONEq(t, `{"changed":true}`, out)
			code, out = do(http.MethodPost, "/kv/ab/e2e-key", `{"n":1}`)
			require.Equal(t, http.StatusOK, code, out)
			assert.JSONEq(t, `{"changed":false}`, out, "the same value again")
			code, out = do(http.MethodGet, "/kv/ab/e2e-key", "")
			require.Equal(t, http.StatusOK, code, out)
			assert.JSONEq(t, `{"n":1}`, out)
			code, out = do(http.MethodGet, "/kv/e2e-key", "")
			require.Equal(t, http.StatusOK, code, out)
			assert.JSONEq(t, `{}`, out, "another prefix is another key")
			code, _ = do(http.MethodDelete, "/kv/ab/e2e-key", "")
			require.Equal(t, http.StatusOK, code)
			code, out = do(http.MethodGet, "/kv/ab/e2e-key", "")
			assert.JSONEq(t, `{}`, out, "deleted (%d)", code)

			refusals := []struct {
				name, method, path, body string
				want                     int
				says                     string
			}{
				{"a value over 8192 bytes", http.MethodPut, "/kv/big", `"` + strings.Repeat("x", 8200) + `"`, http.StatusRequestEntityTooLarge, "8192"},
				{"a value that is not JSON", http.MethodPut, "/kv/bad", `{"n":`, http.StatusBadRequest, "not valid JSON"},
				{"a prefix of 3 characters", http.MethodPut, "/kv/abc/key", `1`, http.StatusBadRequest, "longer than the limit of 2"},
				{"a bot storing user OAuth2 data", http.MethodPost, "/oauth2/user", `{"token":"x"}`, http.StatusForbidden, "bots may not"},
				{"a bot storing the app's OAuth2 client (an admin's acting-user token may)", http.MethodPost, "/oauth2/app", `{"client_id":"x"}`, http.StatusForbidden, "acting_user_access_token"},
				{"a subscription to a channel the bot cannot read", http.MethodPost, "/subscribe", `{"subject":"user_joined_channel","channel_id":"` + s.channelID + `","call":{"path":"/x"}}`, http.StatusForbidden, "cannot read the channel"},
				{"an unknown subject", http.MethodPost, "/subscribe", `{"subject":"post_created","call":{"path":"/x"}}`, http.StatusBadRequest, "unknown subject"},
				{"a bot subject scoped to a team", http.MethodPost, "/subscribe", `{"subject":"bot_joined_team","team_id":"` + s.teamID + `","call":{"path":"/x"}}`, http.StatusBadRequest, "not scoped"},
			}
			for _, r := range refusals {
				code, out := do(r.method, r.path, r.body)
				assert.Equal(t, r.want, code, "%s: %s", r.name, out)
				assert.Contains(t, out, r.says, r.name)
			}

			// The bot itself joining or leaving channels.
			sub := `{"subject":"user_joined_channel","call":{"path":"/joined"}}`
			code, out = do(http.MethodPost, "/subscribe", sub)
			require.Equal(t, http.StatusOK, code, out)
			code, out = do(http.MethodGet, "/subscribe", "")
			require.Equal(t, http.StatusOK, code, out)
			var list []map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &list))
			require.Len(t, list, 1, out)
			assert.Equal(t, "user_joined_channel", list[0]["subject"])
			code, out = do(http.MethodPost, "/unsubscribe", sub)
			require.Equal(t, http.StatusOK, code, out)
			code, out = do(http.MethodPost, "/unsubscribe", sub)
			assert.Equal(t, http.StatusNotFound, code, out)
		})
	}

	t.Run("another app's token sees none of this app's data", func(t *testing.T) {
		const other = helloID + "-other"
		deployHelloAs(t, other, "Hello other")
		t.Cleanup(func() {
			s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/uninstall-app", map[string]string{"app_id": other})
		})
		code, _, out := s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/call", map[string]any{"path": "/greet",
			"context": map[string]string{"app_id": other, "channel_id": s.channelID, "team_id": s.teamID}})
		require.Equal(t, http.StatusOK, code, "%s", out)
		otherToken := s.newestBotSessionOf(t, other).token
		require.NotEqual(t, token, otherToken)
		kv := "/plugins/" + pluginID + "/compat/plugins/com.mattermost.apps/api/v1/kv/ab/shared"
		code, _, body := s.appDo(t, http.DefaultClient, token, http.MethodPut, kv, []byte(`{"owner":"hello"}`))
		require.Equal(t, http.StatusOK, code, body)
		code, _, body = s.appDo(t, http.DefaultClient, otherToken, http.MethodGet, kv, nil)
		require.Equal(t, http.StatusOK, code, body)
		assert.JSONEq(t, `{}`, body, "the same key is another value for another app")
		code, _, body = s.appDo(t, http.DefaultClient, otherToken, http.MethodDelete, kv, nil)
		require.Equal(t, http.StatusOK, code, body)
		_, _, body = s.appDo(t, http.DefaultClient, token, http.MethodGet, kv, nil)
		assert.JSONEq(t, `{"owner":"hello"}`, body, "another app cannot delete it")
	})

	t.Run("the REST API through the compatibility path", func(t *testing.T) {
		code, _, out := s.appDo(t, http.DefaultClient, token, http.MethodGet, "/plugins/"+pluginID+"/compat/api/v4/users/me", nil)
		require.Equal(t, http.StatusOK, code, out)
		var me map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &me))
		assert.Equal(t, bot.Id, me["id"], "the request went on with the app's own token")

		// Whatever the server answers the app's token, the app gets: the
		// same status through the compatibility path as directly.
		for _, p := range []string{"/api/v4/channels/" + s.channelID, "/api/v4/users/me/teams", "/api/v4/system/ping"} {
			direct, _, _ := s.appDo(t, http.DefaultClient, token, http.MethodGet, p, nil)
			forwarded, _, out := s.appDo(t, http.DefaultClient, token, http.MethodGet, "/plugins/"+pluginID+"/compat"+p, nil)
			assert.Equal(t, direct, forwarded, "%s: %s", p, out)
		}

		// A request with a body: the body goes on too.
		code, _, out = s.appDo(t, http.DefaultClient, token, http.MethodPost, "/plugins/"+pluginID+"/compat/api/v4/users/ids",
			[]byte(`["`+bot.Id+`"]`))
		require.Equal(t, http.StatusOK, code, out)
		assert.Contains(t, out, bot.Id)

		code, _, out = s.appDo(t, http.DefaultClient, s.userToken, http.MethodGet, "/plugins/"+pluginID+"/compat/api/v4/users/me", nil)
		assert.Equal(t, http.StatusForbidden, code, "a person's token is not forwarded: %s", out)
	})

	t.Run("links are redirected to the site", func(t *testing.T) {
		code, hdr, _ := s.appDo(t, noRedirects, token, http.MethodGet, "/plugins/"+pluginID+"/compat/_redirect/pl/abc", nil)
		assert.Equal(t, http.StatusFound, code)
		assert.Equal(t, strings.TrimRight(s.url, "/")+"/_redirect/pl/abc", hdr.Get("Location"))
	})
}
