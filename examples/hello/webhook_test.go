package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

func TestWebhookURL(t *testing.T) {
	withSecret := `{"app_id":"hello-lambda","webhook_secret":"s3cret"}`
	ctx := func(actingUser, app string) apps.CallRequest {
		c := apps.Context{ExpandedContext: expanded(actingUser, app, "")}
		c.MattermostSiteURL = "https://mm.example.com"
		c.AppPath = "/plugins/lambda-apps/apps/hello-lambda"
		return apps.CallRequest{Context: c}
	}
	admin := `{"id":"u1","roles":"system_user system_admin"}`
	_, resp, _ := call(t, "/webhook-url", ctx(admin, withSecret))
	assert.Equal(t, apps.CallResponseTypeOK, resp.Type)
	assert.Contains(t, resp.Text, "https://mm.example.com/plugins/lambda-apps/apps/hello-lambda/webhook/notify?secret=s3cret")

	_, resp, _ = call(t, "/webhook-url", ctx(`{"id":"u2","roles":"system_user"}`, withSecret))
	assert.Equal(t, apps.CallResponseTypeError, resp.Type)
	assert.NotContains(t, resp.Text, "s3cret")

	_, resp, _ = call(t, "/webhook-url", ctx(admin, `{"app_id":"hello-lambda"}`))
	assert.Equal(t, apps.CallResponseTypeError, resp.Type)
	assert.Contains(t, resp.Text, "grant the app remote_webhooks")
}

// fakeMattermost records the REST calls the app makes as its bot.
type fakeMattermost struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeMattermost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
	f.mu.Unlock()
	switch r.URL.Path {
	case "/api/v4/channels/direct":
		_ = json.NewEncoder(w).Encode(map[string]string{"id": "dm1"})
	case "/api/v4/posts":
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"p1"}`))
	// A remote OAuth2 provider under /remote: the code "good" is worth the
	// token "at-1", whose user is remote-alice.
	case "/remote/token":
		form, _ := url.ParseQuery(string(body))
		if form.Get("code") != "good" || form.Get("client_secret") != "cs" || form.Get("grant_type") != "authorization_code" {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"at-1","token_type":"bearer"}`))
	case "/remote/userinfo":
		if r.Header.Get("Authorization") != "Bearer at-1" {
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"username":"remote-alice"}`))
	// The plugin's app services API.
	case "/plugins/lambda-apps/api/v1/oauth2/app", "/plugins/lambda-apps/api/v1/oauth2/user":
		_, _ = w.Write([]byte(`{}`))
	default:
		http.Error(w, `{"message":"nope"}`, http.StatusForbidden)
	}
}

func TestNotifyWebhookSendsDirectMessage(t *testing.T) {
	mm := &fakeMattermost{}
	srv := httptest.NewServer(mm)
	defer srv.Close()
	ctx := apps.Context{ExpandedContext: apps.ExpandedContext{MattermostSiteURL: srv.URL, BotUserID: "bot1", BotAccessToken: "tok"}}

	_, resp, _ := call(t, "/webhook/notify", apps.CallRequest{Context: ctx, Values: map[string]any{"data": map[string]any{"user_id": "u1", "text": "disk full"}}})
	require.Equal(t, apps.CallResponseTypeOK, resp.Type, resp.Text)
	assert.Equal(t, []string{
		`POST /api/v4/channels/direct Bearer tok ["bot1","u1"]`,
		`POST /api/v4/posts Bearer tok {"channel_id":"dm1","message":"Webhook: disk full"}`,
	}, mm.calls)

	tests := []struct {
		name   string
		values map[string]any
		ctx    apps.Context
		want   string
	}{
		{"no data", nil, ctx, "must be"},
		{"text missing", map[string]any{"data": map[string]any{"user_id": "u1"}}, ctx, "must be"},
		{"data is text", map[string]any{"data": "hello"}, ctx, "must be"},
		{"no token", map[string]any{"data": map[string]any{"user_id": "u1", "text": "x"}}, apps.Context{ExpandedContext: apps.ExpandedContext{MattermostSiteURL: srv.URL}}, "no bot access token"},
		{"Mattermost refuses", map[string]any{"data": map[string]any{"user_id": "u1", "text": "x"}}, apps.Context{ExpandedContext: apps.ExpandedContext{MattermostSiteURL: srv.URL + "/nope", BotAccessToken: "t"}}, "HTTP 403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, resp, _ := call(t, "/webhook/notify", apps.CallRequest{Context: tt.ctx, Values: tt.values})
			assert.Equal(t, apps.CallResponseTypeError, resp.Type)
			assert.True(t, strings.Contains(resp.Text, tt.want), resp.Text)
		})
	}
}
