package plugin

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/config"
)

// kvLists counts the KV listings (reads of the installed apps and tokens).
var kvLists atomic.Int64

// newTestAPI is a server with no installed apps and an empty KV store,
// where "admin" is a system admin.
func newTestAPI(t *testing.T, settings map[string]any) *plugintest.API {
	t.Helper()
	api := &plugintest.API{}
	api.On("LoadPluginConfiguration", mock.Anything).Run(func(args mock.Arguments) {
		b, _ := json.Marshal(settings)
		require.NoError(t, json.Unmarshal(b, args.Get(0)))
	}).Return(nil)
	api.On("KVGet", mock.Anything).Return(nil, nil).Maybe()
	api.On("KVList", mock.Anything, mock.Anything).Run(func(mock.Arguments) { kvLists.Add(1) }).Return([]string{}, nil).Maybe()
	api.On("KVSetWithOptions", mock.Anything, mock.Anything, mock.Anything).Return(true, nil).Maybe() // cluster mutex
	api.On("KVDelete", mock.Anything).Return(nil).Maybe()
	api.On("RegisterCommand", mock.Anything).Return(nil)
	api.On("HasPermissionTo", "admin", model.PermissionManageSystem).Return(true).Maybe()
	api.On("HasPermissionTo", mock.Anything, model.PermissionManageSystem).Return(false).Maybe()
	api.On("GetConfig").Return(&model.Config{}).Maybe()
	for _, level := range []string{"LogDebug", "LogInfo", "LogWarn", "LogError"} {
		for n := 1; n <= 21; n += 2 { // a message and key-value pairs
			args := make([]any, n)
			for i := range args {
				args[i] = mock.Anything
			}
			api.On(level, args...).Maybe()
		}
	}
	return api
}

func activate(t *testing.T, api *plugintest.API, env map[string]string) *Plugin {
	t.Helper()
	p := New()
	p.getenv = func(k string) string { return env[k] }
	p.SetAPI(api)
	require.NoError(t, p.OnActivate())
	t.Cleanup(func() { require.NoError(t, p.OnDeactivate()) })
	return p
}

func TestActivateWithoutCredentials(t *testing.T) {
	api := newTestAPI(t, map[string]any{"S3Bucket": "console-bucket"})
	p := activate(t, api, nil)

	api.AssertCalled(t, "RegisterCommand", mock.MatchedBy(func(c *model.Command) bool { return c.Trigger == "apps" }))
	cfg := p.env.Config()
	assert.False(t, cfg.AWSEnabled())
	assert.Equal(t, "console-bucket", cfg.Bucket)
	_, err := p.env.Invoker()
	assert.ErrorContains(t, err, config.EnvAccessKey, "says what to set")
	api.AssertCalled(t, "LogWarn", "AWS apps are unavailable: set "+config.EnvAccessKey+" and "+config.EnvSecretKey+" in the server's environment and restart the server")
}

func TestConfigurationChangeBuildsANewSnapshot(t *testing.T) {
	api := newTestAPI(t, map[string]any{"CallTimeoutSeconds": 7, "AppTokenLifetimeSeconds": 60})
	p := activate(t, api, map[string]string{
		config.EnvAccessKey: "AKIATEST", config.EnvSecretKey: "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
	})
	first := p.env.current()
	inv, err := p.env.Invoker()
	require.NoError(t, err)
	assert.NotNil(t, inv)
	assert.Equal(t, int64(7), int64(p.env.CallTimeout().Seconds()))
	assert.Equal(t, int64(60), int64(p.env.TokenLifetime().Seconds()))

	require.NoError(t, p.OnConfigurationChange())
	assert.NotSame(t, first, p.env.current(), "a change builds a new snapshot; the old one is never modified")
	assert.Equal(t, first.cfg.Bucket, p.env.Config().Bucket)
}

func TestExecuteCommandRoutesByTriggerInAnyCase(t *testing.T) {
	api := newTestAPI(t, nil)
	p := activate(t, api, nil)
	for _, line := range []string{"/apps info", "/Apps info", "/APPS info"} {
		resp, appErr := p.ExecuteCommand(nil, &model.CommandArgs{UserId: "u1", Command: line})
		require.Nil(t, appErr)
		assert.Contains(t, resp.Text, "Lambda Apps "+Version, line)
		assert.NotContains(t, resp.Text, "Unknown command", line)
	}
	resp, _ := p.ExecuteCommand(nil, &model.CommandArgs{UserId: "u1", Command: "/nosuchapp hi"})
	assert.Contains(t, resp.Text, "no app owns this command")
}

func TestServeHTTPUsesTheRouter(t *testing.T) {
	api := newTestAPI(t, nil)
	p := activate(t, api, nil)
	serve := func(method, path, user string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader("{}"))
		if user != "" {
			r.Header.Set("Mattermost-User-Id", user)
		}
		w := httptest.NewRecorder()
		p.ServeHTTP(nil, w, r)
		return w
	}
	assert.Equal(t, http.StatusUnauthorized, serve(http.MethodPost, "/api/v1/ping", "").Code)
	w := serve(http.MethodPost, "/api/v1/ping", "u1")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), Version)
	assert.Equal(t, http.StatusForbidden, serve(http.MethodGet, "/api/v1/status", "u1").Code)
	w = serve(http.MethodGet, "/api/v1/status", "admin")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `"credentials_set":false`)
}

func TestClusterEventReloadsApps(t *testing.T) {
	api := newTestAPI(t, nil)
	p := activate(t, api, nil)
	before := kvLists.Load()
	p.OnPluginClusterEvent(nil, model.PluginClusterEvent{Id: eventAppsChanged})
	assert.Greater(t, kvLists.Load(), before, "the installed apps are read again from the KV store")
}

// The app services API tells apps' tokens by the session the server
// authenticated the request with: ServeHTTP passes it on.
func TestServeHTTPPassesTheSession(t *testing.T) {
	api := newTestAPI(t, nil)
	api.On("GetSession", "s1").Return(&model.Session{Id: "s1", UserId: "u1",
		ExpiresAt: model.GetMillis() + 60_000, Props: model.StringMap{}}, nil)
	p := activate(t, api, nil)
	serve := func(c *mmplugin.Context) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/kv/k", nil)
		r.Header.Set("Mattermost-User-Id", "u1")
		w := httptest.NewRecorder()
		p.ServeHTTP(c, w, r)
		return w
	}
	w := serve(nil)
	assert.Equal(t, http.StatusForbidden, w.Code)
	api.AssertNotCalled(t, "GetSession", mock.Anything)
	w = serve(&mmplugin.Context{SessionId: "s1"})
	assert.Equal(t, http.StatusForbidden, w.Code, "a person's own session")
	assert.Contains(t, w.Body.String(), "this API is for apps")
	api.AssertCalled(t, "GetSession", "s1")
}
