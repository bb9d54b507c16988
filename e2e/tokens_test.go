//go:build e2e

package e2e

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	_ "github.com/lib/pq" // the server's PostgreSQL, to read the sessions the plugin created
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setTokenLifetime sets the plugin's App token lifetime (seconds).
func (s *stack) setTokenLifetime(t *testing.T, seconds int) {
	t.Helper()
	ctx := context.Background()
	c := s.client(s.adminToken)
	cfg, _, err := c.GetConfig(ctx)
	require.NoError(t, err)
	if cfg.PluginSettings.Plugins == nil {
		cfg.PluginSettings.Plugins = map[string]map[string]any{}
	}
	if cfg.PluginSettings.Plugins[pluginID] == nil {
		cfg.PluginSettings.Plugins[pluginID] = map[string]any{}
	}
	cfg.PluginSettings.Plugins[pluginID]["apptokenlifetimeseconds"] = seconds
	_, _, err = c.UpdateConfig(ctx, cfg)
	require.NoError(t, err)
}

// resetAppTokens disables and enables the sample app: its tokens are
// revoked and the next call gets a new one, with the current lifetime.
func (s *stack) resetAppTokens(t *testing.T) {
	t.Helper()
	for _, step := range []string{"disable", "enable"} {
		code, _, body := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/"+step+"-app", map[string]string{"app_id": helloID})
		require.Equal(t, http.StatusOK, code, "%s", body)
	}
}

type appSession struct {
	token               string
	createAt, expiresAt int64
}

// newestBotSession reads the newest session the plugin created for the
// sample app's bot: the bot_access_token the app got in its last call.
func (s *stack) newestBotSession(t *testing.T) appSession {
	t.Helper()
	return s.newestBotSessionOf(t, helloID)
}

// newestBotSessionOf is newestBotSession for the app whose bot is named
// appID.
func (s *stack) newestBotSessionOf(t *testing.T, appID string) appSession {
	t.Helper()
	db, err := sql.Open("postgres", mustEnv(t, "MM_SQL_DSN"))
	require.NoError(t, err)
	defer db.Close()
	bot, _, err := s.client(s.adminToken).GetUserByUsername(context.Background(), appID, "")
	require.NoError(t, err)
	var out appSession
	err = db.QueryRow(`select token, createat, expiresat from sessions
		where userid = $1 and props::text like '%lambda_apps_app_id%' order by createat desc limit 1`, bot.Id).
		Scan(&out.token, &out.createAt, &out.expiresAt)
	require.NoError(t, err, "the app's call should have created a bot session")
	return out
}

func (s *stack) expiresAt(t *testing.T, token string) (int64, bool) {
	t.Helper()
	db, err := sql.Open("postgres", mustEnv(t, "MM_SQL_DSN"))
	require.NoError(t, err)
	defer db.Close()
	var at int64
	err = db.QueryRow(`select expiresat from sessions where token = $1`, token).Scan(&at)
	return at, err == nil
}

// tokenWorks reports whether the server accepts token.
func (s *stack) tokenWorks(t *testing.T, token string) bool {
	t.Helper()
	_, resp, err := s.client(token).GetMe(context.Background(), "")
	if err != nil {
		require.NotNil(t, resp, "the server did not answer: %v", err)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%v", err)
		return false
	}
	return true
}

func (s *stack) waitRefused(t *testing.T, token string, within time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for s.tokenWorks(t, token) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: the token still works after %s", what, within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestAppTokensEnd: a token handed to an app is refused once its lifetime
// is over, even though the app used it (Mattermost extends a session on
// activity), and at once when the app is disabled.
func TestAppTokensEnd(t *testing.T) {
	installHello(t)
	s := getStack(t)
	const lifetime = 6
	s.setTokenLifetime(t, lifetime)
	t.Cleanup(func() { s.setTokenLifetime(t, 900) })
	s.resetAppTokens(t)

	code, resp := s.call(t, s.userToken, "/greet", map[string]any{"name": "tokens"})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	sess := s.newestBotSession(t)
	assert.InDelta(t, lifetime*1000, sess.expiresAt-sess.createAt, 1000, "the session's own expiry is the configured lifetime")

	// Minute 0: the app uses its token. The server extends the session on
	// activity, to its web session length.
	require.True(t, s.tokenWorks(t, sess.token), "the token works while it is valid")
	if at, ok := s.expiresAt(t, sess.token); ok {
		t.Logf("after one use the server's expiry of the session is %s after its creation", time.Duration(at-sess.createAt)*time.Millisecond)
	}
	// After the lifetime the plugin has revoked it, whatever the server's expiry.
	s.waitRefused(t, sess.token, (lifetime+30)*time.Second, "after its lifetime")
	assert.Greater(t, time.Now().UnixMilli()-sess.createAt, int64(lifetime*1000-1000), "not refused before its lifetime")
	if _, ok := s.expiresAt(t, sess.token); ok {
		t.Error("the revoked session is still in the database")
	}

	// Disabling the app revokes its tokens at once.
	s.setTokenLifetime(t, 900)
	s.resetAppTokens(t)
	code, resp = s.call(t, s.userToken, "/greet", map[string]any{"name": "again"})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	sess = s.newestBotSession(t)
	require.True(t, s.tokenWorks(t, sess.token))
	code, _, body := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/disable-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	s.waitRefused(t, sess.token, 10*time.Second, "after the app was disabled")
	code, _, body = s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
}
