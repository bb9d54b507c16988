package main

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

// oauth2Request is a call with the expanded oauth2 context the plugin
// sends: the client configured against the fake provider under srvURL.
func oauth2Request(srvURL string, values map[string]any, user json.RawMessage) apps.CallRequest {
	oc, _ := json.Marshal(apps.OAuth2Context{
		OAuth2App:   apps.OAuth2App{RemoteRootURL: srvURL + "/remote", ClientID: "cid", ClientSecret: "cs"},
		ConnectURL:  srvURL + "/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/connect",
		CompleteURL: srvURL + "/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/complete",
		User:        user,
	})
	c := apps.Context{AppID: "hello-lambda", UserID: "u1"}
	c.MattermostSiteURL = srvURL
	c.AppPath = "/plugins/lambda-apps/apps/hello-lambda"
	c.ActingUserAccessToken = "user-token"
	c.OAuth2 = oc
	return apps.CallRequest{Values: values, Context: c}
}

func TestOAuth2Connect(t *testing.T) {
	_, resp, _ := call(t, "/oauth2/connect", oauth2Request("https://mm.example.com", map[string]any{"state": "st-1"}, nil))
	require.Equal(t, apps.CallResponseTypeOK, resp.Type, resp.Text)
	u, err := url.Parse(resp.Data.(string))
	require.NoError(t, err)
	assert.Equal(t, "https://mm.example.com/remote/authorize", u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, url.Values{
		"response_type": {"code"}, "client_id": {"cid"}, "state": {"st-1"},
		"redirect_uri": {"https://mm.example.com/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/complete"},
	}, u.Query())
	assert.NotContains(t, resp.Data, "cs", "the client secret stays out of the browser's URL")
}

func TestOAuth2CompleteStoresTheUser(t *testing.T) {
	mm := &fakeMattermost{}
	srv := httptest.NewServer(mm)
	defer srv.Close()

	_, resp, _ := call(t, "/oauth2/complete", oauth2Request(srv.URL, map[string]any{"code": "good", "state": "st-1"}, nil))
	require.Equal(t, apps.CallResponseTypeOK, resp.Type, resp.Text)
	assert.Equal(t, "Connected as remote-alice.", resp.Text)
	require.Len(t, mm.calls, 3)
	token, err := url.ParseQuery(strings.TrimPrefix(mm.calls[0], "POST /remote/token  "))
	require.NoError(t, err, mm.calls[0])
	assert.Equal(t, url.Values{"grant_type": {"authorization_code"}, "code": {"good"}, "client_id": {"cid"}, "client_secret": {"cs"},
		"redirect_uri": {srv.URL + "/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/complete"}}, token)
	assert.Equal(t, "GET /remote/userinfo Bearer at-1 ", mm.calls[1])
	assert.Equal(t, `POST /plugins/lambda-apps/api/v1/oauth2/user Bearer user-token {"remote_user":"remote-alice","access_token":"at-1"}`, mm.calls[2],
		"stored with the acting user's token")

	_, resp, _ = call(t, "/oauth2/me", oauth2Request(srv.URL, nil, json.RawMessage(`{"remote_user":"remote-alice","access_token":"at-1"}`)))
	assert.Equal(t, "You are connected to the remote service as remote-alice.", resp.Text)
	assert.NotContains(t, resp.Text, "at-1")

	tests := []struct {
		name   string
		req    apps.CallRequest
		wanted string
	}{
		{"the provider refused", oauth2Request(srv.URL, map[string]any{"error": "access_denied", "state": "s"}, nil), "did not connect your account: access_denied"},
		{"no code", oauth2Request(srv.URL, map[string]any{"state": "s"}, nil), "sent no code"},
		{"a bad code", oauth2Request(srv.URL, map[string]any{"code": "bad", "state": "s"}, nil), "/remote/token: HTTP 400"},
		{"no acting user token", func() apps.CallRequest {
			r := oauth2Request(srv.URL, map[string]any{"code": "good"}, nil)
			r.Context.ActingUserAccessToken = ""
			return r
		}(), "expand acting_user_access_token"},
		{"not configured", apps.CallRequest{Values: map[string]any{"code": "good"}}, "not configured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, _ := call(t, "/oauth2/complete", tc.req)
			assert.Equal(t, apps.CallResponseTypeError, resp.Type)
			assert.Contains(t, resp.Text, tc.wanted)
		})
	}
}

func TestOAuth2Configure(t *testing.T) {
	mm := &fakeMattermost{}
	srv := httptest.NewServer(mm)
	defer srv.Close()
	admin := json.RawMessage(`{"id":"u1","username":"root","roles":"system_user system_admin"}`)
	values := map[string]any{"remote_root_url": "https://remote.example.com/", "client_id": "cid", "client_secret": "cs"}
	req := oauth2Request(srv.URL, values, nil)
	req.Context.ActingUser = admin
	_, resp, _ := call(t, "/oauth2/configure", req)
	require.Equal(t, apps.CallResponseTypeOK, resp.Type, resp.Text)
	assert.NotContains(t, resp.Text, "cs", "the secret is not repeated")
	assert.Contains(t, resp.Text, "/plugins/lambda-apps/apps/hello-lambda/oauth2/remote/connect")
	require.Len(t, mm.calls, 1)
	assert.Equal(t, `POST /plugins/lambda-apps/api/v1/oauth2/app Bearer user-token {"remote_root_url":"https://remote.example.com","client_id":"cid","client_secret":"cs"}`, mm.calls[0])

	req.Context.ActingUser = json.RawMessage(`{"id":"u2","roles":"system_user"}`)
	_, resp, _ = call(t, "/oauth2/configure", req)
	assert.Contains(t, resp.Text, "Only a system admin")
	req.Context.ActingUser = admin
	req.Values = map[string]any{"remote_root_url": "javascript:x", "client_id": "cid", "client_secret": "cs"}
	_, resp, _ = call(t, "/oauth2/configure", req)
	assert.Contains(t, resp.Text, "remote_root_url must be")
	assert.Len(t, mm.calls, 1, "nothing stored")
}
