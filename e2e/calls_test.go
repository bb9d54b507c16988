//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const helloID = "hello-lambda"

// pluginDo sends a request to a plugin route; token "" sends none.
func (s *stack) pluginDo(t testing.TB, token, method, path string, body any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	return s.pluginDoWith(t, http.DefaultClient, token, method, path, body, headers...)
}

// noRedirects is a client that returns redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// pluginDoNoRedirect is pluginDo returning a redirect as it is.
func (s *stack) pluginDoNoRedirect(t testing.TB, token, method, path string, body any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	return s.pluginDoWith(t, noRedirects, token, method, path, body, headers...)
}

func (s *stack) pluginDoWith(t testing.TB, client *http.Client, token, method, path string, body any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+"/plugins/"+pluginID+path, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, out
}

var helloOnce sync.Once

// installHello deploys and installs the sample app with appsctl once per
// run (returning appsctl's output the first time), and makes sure it is
// installed and enabled.
func installHello(t *testing.T) string {
	t.Helper()
	s := getStack(t)
	var out string
	helloOnce.Do(func() { out = deployHello(t) })
	// Earlier tests may have disabled or uninstalled it.
	s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/install-app", map[string]string{"app_id": helloID})
	s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloID})
	return out
}

type callResponse struct {
	Type  string          `json:"type"`
	Text  string          `json:"text"`
	Data  json.RawMessage `json:"data"`
	Form  json.RawMessage `json:"form"`
	Error string          `json:"error"`
}

func (s *stack) call(t *testing.T, token, path string, values map[string]any) (int, callResponse) {
	t.Helper()
	creq := map[string]any{
		"path": path, "values": values,
		"expand":  map[string]string{"acting_user": "summary"},
		"context": map[string]string{"app_id": helloID, "channel_id": s.channelID, "team_id": s.teamID},
	}
	return s.postCall(t, token, creq)
}

// postCall sends a call request to POST /api/v1/call as token's user and
// decodes the answer.
func (s *stack) postCall(t *testing.T, token string, creq map[string]any) (int, callResponse) {
	t.Helper()
	code, _, body := s.pluginDo(t, token, http.MethodPost, "/api/v1/call", creq)
	var resp callResponse
	require.NoError(t, json.Unmarshal(body, &resp), "%s", body)
	return code, resp
}

func TestCatalogListsSampleApp(t *testing.T) {
	installHello(t)
	s := getStack(t)
	code, _, body := s.pluginDo(t, s.adminToken, http.MethodGet, "/api/v1/catalog", nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var cat struct {
		Size int `json:"catalog_size"`
		Apps []struct {
			AppID     string   `json:"app_id"`
			Version   string   `json:"version"`
			Supported bool     `json:"supported"`
			Versions  []string `json:"versions"`
		} `json:"apps"`
	}
	decodeJSON(t, body, &cat)
	var found bool
	for _, a := range cat.Apps {
		if a.AppID == helloID {
			found = true
			assert.Equal(t, "0.1.0", a.Version)
			assert.True(t, a.Supported)
		}
	}
	assert.True(t, found, "%s", body)

	code, _, _ = s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/catalog", nil)
	assert.Equal(t, http.StatusForbidden, code)

	info := s.command(t, s.adminToken, "/apps info")
	assert.Contains(t, info, "| Installed apps | 1 (1 enabled) |")
	assert.Regexp(t, `\| Apps in catalog \| [1-9]\d* \(`, info)
}

func TestCallsReachTheAppOnLambda(t *testing.T) {
	installHello(t)
	s := getStack(t)

	code, resp := s.call(t, s.userToken, "/greet", map[string]any{"name": "e2e"})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok", resp.Type)
	assert.Equal(t, "Hello, e2e!", resp.Text)

	code, resp = s.call(t, s.userToken, "/greet", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok", resp.Type)
	assert.NotEmpty(t, resp.Text, "greets the acting user")

	code, resp = s.call(t, s.userToken, "/survey/form", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "form", resp.Type)
	assert.Contains(t, string(resp.Form), `"submit"`)

	code, resp = s.call(t, s.userToken, "/fail", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "error", resp.Type)

	code, resp = s.call(t, s.userToken, "/crash", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "error", resp.Type)
	assert.Contains(t, resp.Text, "Runtime.ExitError")

	code, resp = s.call(t, s.userToken, "/greet", map[string]any{"name": "again"})
	require.Equal(t, http.StatusOK, code, "the function recovers after a crash")
	assert.Equal(t, "Hello, again!", resp.Text)

	code, resp = s.call(t, s.userToken, "/slow", map[string]any{"seconds": 60})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "error", resp.Type)
	assert.Contains(t, resp.Text, "timed out", "the function's own 5 s timeout")

	code, resp = s.call(t, s.userToken, "/nowhere", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, resp.Text, "HTTP status 404")
}

func TestCallRefusals(t *testing.T) {
	installHello(t)
	s := getStack(t)
	code, resp := s.call(t, s.userToken, "/ping", nil)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Equal(t, "error", resp.Type)
	code, resp = s.call(t, s.userToken, "/install", nil)
	assert.Equal(t, http.StatusForbidden, code, "on_install is not callable from clients: %s", resp.Text)

	code, _, body := s.pluginDo(t, "", http.MethodPost, "/api/v1/call", map[string]any{"path": "/greet"})
	assert.Equal(t, http.StatusUnauthorized, code, "%s", body)

	code, _, body = s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/call", map[string]any{"path": "/greet", "context": map[string]string{"app_id": "not-installed"}})
	assert.Equal(t, http.StatusNotFound, code, "%s", body)
	assert.Contains(t, string(body), `"type":"error"`)

	code, _, body = s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/call", "not an object")
	assert.Equal(t, http.StatusBadRequest, code, "%s", body)

	// Disabled apps get no calls; enabling restores them.
	code, _, body = s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/disable-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	code, resp = s.call(t, s.userToken, "/greet", nil)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, resp.Text, "disabled")
	code, _, _ = s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloID})
	assert.Equal(t, http.StatusForbidden, code, "only admins enable apps")
	code, _, body = s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	code, resp = s.call(t, s.userToken, "/greet", map[string]any{"name": "back"})
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "Hello, back!", resp.Text)
}

func TestStaticAssets(t *testing.T) {
	installHello(t)
	s := getStack(t)
	code, h, body := s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/"+helloID+"/static/icon.png", nil)
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, "image/png", h.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte("\x89PNG")))
	etag := h.Get("ETag")
	require.NotEmpty(t, etag)
	assert.Contains(t, h.Get("Cache-Control"), "max-age")

	code, _, body = s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/"+helloID+"/static/icon.png", nil, "If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, code, "%s", body)

	code, _, _ = s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/"+helloID+"/static/missing.png", nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _, _ = s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/not-installed/static/icon.png", nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _, _ = s.pluginDo(t, s.userToken, http.MethodGet, "/api/v1/apps/"+helloID+"/static/..%2F..%2Fmanifests%2Fx.json", nil)
	assert.NotEqual(t, http.StatusOK, code)
	code, _, _ = s.pluginDo(t, "", http.MethodGet, "/api/v1/apps/"+helloID+"/static/icon.png", nil)
	assert.Equal(t, http.StatusUnauthorized, code)
}

func TestBotAccountCreated(t *testing.T) {
	installHello(t)
	s := getStack(t)
	u, _, err := s.client(s.adminToken).GetUserByUsername(t.Context(), helloID, "")
	require.NoError(t, err)
	assert.True(t, u.IsBot)
	assert.True(t, strings.EqualFold(u.Username, helloID))
}
