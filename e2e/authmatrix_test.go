//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/httpapi"
)

// Who sends a request in the auth matrix.
const (
	anonymous    = iota // no Mattermost session
	user                // a regular user, in a channel they read
	notInChannel        // the same user, naming a private channel they are not in
	admin               // a system admin
	roles
)

// matrixEntry says how to call one route and what each role gets.
type matrixEntry struct {
	path string     // concrete path ({channel} is the role's channel)
	raw  bool       // do not follow redirects (the status is the redirect's)
	body func() any // nil: no body
	want [roles]int // status per role
	note string     // why, for the failure message
}

// TestAuthMatrix calls every route of the plugin as every kind of caller and
// checks the status. The routes come from the router itself
// (httpapi.Routes): a new route without an entry here fails the test.
func TestAuthMatrix(t *testing.T) {
	installHello(t)
	s := getStack(t)
	ctx := context.Background()
	private, _, err := s.client(s.adminToken).CreateChannel(ctx, &model.Channel{TeamId: s.teamID,
		Name: "matrix-private-" + model.NewId()[:6], DisplayName: "Matrix private", Type: model.ChannelTypePrivate})
	require.NoError(t, err)

	token := base64.RawURLEncoding.EncodeToString([]byte(`{"a":"` + helloID + `","c":["hello","pick"],"f":"topic"}`))
	// The role's channel goes into a call's context (see below).
	call := func() any {
		return map[string]any{"path": "/greet", "values": map[string]string{"name": "m"},
			"context": map[string]string{"app_id": helloID}}
	}
	nope := func() any { return map[string]string{"app_id": "matrix-nope"} }
	kvValue := func() any { return map[string]string{"matrix": "value"} }
	subscription := func() any { return map[string]any{"subject": "user_created", "call": map[string]string{"path": "/x"}} }
	oauth2App := func() any { return map[string]string{"client_id": "matrix", "client_secret": "matrix"} }
	adminOnly := [roles]int{401, 403, 403, 200}
	lifecycle := [roles]int{401, 403, 403, 404} // the admin gets past auth: no such app
	// The app services API answers only the tokens the plugin gives apps in
	// their calls: a person's own session, an admin's included, gets 403.
	// (Calling it with an app's token needs an app that hands its token
	// out; the unit tests in server/appservices cover that side.)
	appsOnly := [roles]int{401, 403, 403, 403}
	const appsOnlyNote = "for apps' tokens only"
	entries := map[httpapi.Route]matrixEntry{
		{Method: "POST", Path: "/api/v1/ping"}: {path: "/api/v1/ping", want: [roles]int{401, 200, 200, 200}},
		{Method: "POST", Path: "/api/v1/call"}: {path: "/api/v1/call", body: call, want: [roles]int{401, 200, 403, 200},
			note: "a call may carry only a channel the user reads"},
		{Method: "GET", Path: "/api/v1/bindings"}: {path: "/api/v1/bindings?channel_id={channel}&team_id=" + s.teamID,
			want: [roles]int{401, 200, 403, 200}},
		{Method: "POST", Path: "/api/v1/dialog"}: {path: "/api/v1/dialog", body: func() any { return map[string]any{"state": "forged"} },
			want: [roles]int{401, 200, 200, 200}, note: "a refused submission is a dialog answer with an error"},
		{Method: "POST", Path: "/api/v1/dialog/lookup"}: {path: "/api/v1/dialog/lookup",
			body: func() any {
				return map[string]any{"state": "forged", "submission": map[string]string{"selected_field": "topic"}}
			},
			want: [roles]int{401, 400, 400, 400}},
		{Method: "POST", Path: "/api/v1/post-action"}: {path: "/api/v1/post-action",
			body: func() any {
				return map[string]any{"post_id": "matrix", "context": map[string]string{"lambda_apps_action": "forged"}}
			},
			want: [roles]int{401, 403, 403, 403}, note: "only clicks on buttons the plugin signed (the server sends those)"},
		{Method: "GET", Path: "/api/v1/autocomplete/{kind}"}: {path: "/api/v1/autocomplete/installed", want: [roles]int{401, 200, 200, 200},
			note: "answers an empty list to non-admins"},
		{Method: "GET", Path: "/api/v1/lookup/{token}"}: {path: "/api/v1/lookup/" + token + "?channel_id={channel}&team_id=" + s.teamID + "&user_input=hello+pick+g&parsed=hello+pick+",
			want: [roles]int{401, 200, 403, 200}},
		{Method: "GET", Path: "/api/v1/apps/{app_id}/static/{name:.+}"}:  {path: "/api/v1/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		{Method: "HEAD", Path: "/api/v1/apps/{app_id}/static/{name:.+}"}: {path: "/api/v1/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		{Method: "GET", Path: "/api/v1/status"}:                          {path: "/api/v1/status", want: adminOnly},
		{Method: "GET", Path: "/api/v1/metrics"}:                         {path: "/api/v1/metrics", want: adminOnly},
		{Method: "GET", Path: "/api/v1/catalog"}:                         {path: "/api/v1/catalog", want: adminOnly},
		{Method: "POST", Path: "/api/v1/refresh"}:                        {path: "/api/v1/refresh", want: adminOnly},
		{Method: "POST", Path: "/api/v1/install-app"}:                    {path: "/api/v1/install-app", body: nope, want: lifecycle},
		{Method: "POST", Path: "/api/v1/uninstall-app"}:                  {path: "/api/v1/uninstall-app", body: nope, want: lifecycle},
		{Method: "POST", Path: "/api/v1/enable-app"}:                     {path: "/api/v1/enable-app", body: nope, want: lifecycle},
		{Method: "POST", Path: "/api/v1/disable-app"}:                    {path: "/api/v1/disable-app", body: nope, want: lifecycle},
		{Method: "GET", Path: "/api/v1/kv/{key}"}:                        {path: "/api/v1/kv/matrix", want: appsOnly, note: appsOnlyNote},
		{Method: "PUT", Path: "/api/v1/kv/{key}"}:                        {path: "/api/v1/kv/matrix", body: kvValue, want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/kv/{key}"}:                       {path: "/api/v1/kv/matrix", body: kvValue, want: appsOnly, note: appsOnlyNote},
		{Method: "DELETE", Path: "/api/v1/kv/{key}"}:                     {path: "/api/v1/kv/matrix", want: appsOnly, note: appsOnlyNote},
		{Method: "GET", Path: "/api/v1/kv/{prefix}/{key}"}:               {path: "/api/v1/kv/mx/matrix", want: appsOnly, note: appsOnlyNote},
		{Method: "PUT", Path: "/api/v1/kv/{prefix}/{key}"}:               {path: "/api/v1/kv/mx/matrix", body: kvValue, want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/kv/{prefix}/{key}"}:              {path: "/api/v1/kv/mx/matrix", body: kvValue, want: appsOnly, note: appsOnlyNote},
		{Method: "DELETE", Path: "/api/v1/kv/{prefix}/{key}"}:            {path: "/api/v1/kv/mx/matrix", want: appsOnly, note: appsOnlyNote},
		{Method: "PUT", Path: "/api/v1/oauth2/app"}:                      {path: "/api/v1/oauth2/app", body: oauth2App, want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/oauth2/app"}:                     {path: "/api/v1/oauth2/app", body: oauth2App, want: appsOnly, note: appsOnlyNote},
		{Method: "GET", Path: "/api/v1/oauth2/user"}:                     {path: "/api/v1/oauth2/user", want: appsOnly, note: appsOnlyNote},
		{Method: "PUT", Path: "/api/v1/oauth2/user"}:                     {path: "/api/v1/oauth2/user", body: kvValue, want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/oauth2/user"}:                    {path: "/api/v1/oauth2/user", body: kvValue, want: appsOnly, note: appsOnlyNote},
		// Connecting calls the app and redirects to its provider: the matrix
		// uses an app that is not installed (TestRemoteOAuth2Connect covers
		// the flow); a forged state is refused before any app is called.
		{Method: "GET", Path: "/apps/{app_id}/oauth2/remote/connect"}: {path: "/apps/matrix-nope/oauth2/remote/connect",
			want: [roles]int{401, 404, 404, 404}, note: "a browser route for logged-in users"},
		{Method: "GET", Path: "/apps/{app_id}/oauth2/remote/complete"}: {path: "/apps/" + helloID + "/oauth2/remote/complete?state=forged&code=x",
			want: [roles]int{401, 400, 400, 400}, note: "a browser route for logged-in users; the state must be one the user started"},
		{Method: "*", Path: "/apps/{app_id}/webhook"}: {path: "/apps/" + helloID + "/webhook/notify",
			body: func() any { return map[string]string{"user_id": s.adminID(t), "text": "matrix"} },
			want: [roles]int{401, 401, 401, 401}, note: "only the app's webhook secret opens it; a Mattermost session does not"},
		{Method: "GET", Path: "/apps/{app_id}/static/{name:.+}"}:  {path: "/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		{Method: "HEAD", Path: "/apps/{app_id}/static/{name:.+}"}: {path: "/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		// The compatibility path (server/compat).
		{Method: "GET", Path: "/compat/plugins/com.mattermost.apps/apps/{app_id}/static/{name:.+}"}: {
			path: "/compat/plugins/com.mattermost.apps/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		{Method: "HEAD", Path: "/compat/plugins/com.mattermost.apps/apps/{app_id}/static/{name:.+}"}: {
			path: "/compat/plugins/com.mattermost.apps/apps/" + helloID + "/static/icon.png", want: [roles]int{401, 200, 200, 200}},
		{Method: "*", Path: "/compat/api/v4/"}: {path: "/compat/api/v4/users/me", want: appsOnly,
			note: "forwards only the tokens the plugin gave apps"},
		{Method: "*", Path: "/compat/plugins/com.mattermost.apps/apps/{app_id}/webhook"}: {
			path: "/compat/plugins/com.mattermost.apps/apps/" + helloID + "/webhook/notify",
			body: func() any { return map[string]string{"user_id": s.adminID(t), "text": "matrix"} },
			want: [roles]int{401, 401, 401, 401}, note: "only the app's webhook secret opens it"},
		{Method: "*", Path: "/compat/plugins/com.mattermost.apps/apps/{app_id}/"}: {
			path: "/compat/plugins/com.mattermost.apps/apps/" + helloID + "/oauth2/remote/connect", raw: true,
			want: [roles]int{307, 307, 307, 307}, note: "a redirect to the plugin's own app path"},
		{Method: "*", Path: "/compat/"}: {path: "/compat/_redirect/pl/x", raw: true, want: [roles]int{307, 307, 307, 307},
			note: "a redirect to the site"},
		{Method: "*", Path: "/compat"}:                       {path: "/compat", raw: true, want: [roles]int{307, 307, 307, 307}, note: "a redirect to the site"},
		{Method: "GET", Path: "/api/v1/debug/pprof/"}:        {path: "/api/v1/debug/pprof/", want: adminOnly},
		{Method: "GET", Path: "/api/v1/debug/pprof/profile"}: {path: "/api/v1/debug/pprof/profile?seconds=1", want: adminOnly},
		{Method: "GET", Path: "/api/v1/debug/pprof/trace"}:   {path: "/api/v1/debug/pprof/trace?seconds=1", want: adminOnly},
		{Method: "GET", Path: "/api/v1/debug/pprof/{name}"}:  {path: "/api/v1/debug/pprof/goroutine", want: adminOnly},
		{Method: "GET", Path: "/api/v1/subscribe"}:           {path: "/api/v1/subscribe", want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/subscribe"}:          {path: "/api/v1/subscribe", body: subscription, want: appsOnly, note: appsOnlyNote},
		{Method: "POST", Path: "/api/v1/unsubscribe"}:        {path: "/api/v1/unsubscribe", body: subscription, want: appsOnly, note: appsOnlyNote},
	}
	// The app services API is served under the original framework's URL too.
	for route, e := range entries {
		if strings.HasPrefix(route.Path, "/api/v1/kv/") || strings.HasPrefix(route.Path, "/api/v1/oauth2/") ||
			strings.HasPrefix(route.Path, "/api/v1/subscribe") || strings.HasPrefix(route.Path, "/api/v1/unsubscribe") {
			const old = "/compat/plugins/com.mattermost.apps"
			route.Path = old + route.Path
			e.path = old + e.path
			entries[route] = e
		}
	}

	tokens := [roles]string{"", s.userToken, s.userToken, s.adminToken}
	channels := [roles]string{s.channelID, s.channelID, private.Id, s.channelID}
	names := [roles]string{"anonymous", "user", "user not in the channel", "system admin"}
	for _, route := range httpapi.Routes() {
		e, ok := entries[route]
		if !assert.True(t, ok, "route %s %s has no entry in the auth matrix: add one", route.Method, route.Path) {
			continue
		}
		method := route.Method
		if method == "*" {
			method = http.MethodPost
		}
		for role := 0; role < roles; role++ {
			path := strings.ReplaceAll(e.path, "{channel}", channels[role])
			var body any
			if e.body != nil {
				body = e.body()
				if m, isMap := body.(map[string]any); isMap {
					if c, hasCtx := m["context"].(map[string]string); hasCtx {
						c["channel_id"] = channels[role]
					}
				}
			}
			do := s.pluginDo
			if e.raw {
				do = s.pluginDoNoRedirect
			}
			code, _, out := do(t, tokens[role], method, path, body, "X-Requested-With", "XMLHttpRequest")
			assert.Equal(t, e.want[role], code, "%s %s as %s (%s): %s", method, route.Path, names[role], e.note, out)
		}
	}
	assert.Len(t, entries, len(httpapi.Routes()), "every entry is a route the router serves")
}

func (s *stack) adminID(t *testing.T) string {
	t.Helper()
	me, _, err := s.client(s.adminToken).GetMe(context.Background(), "")
	require.NoError(t, err)
	return me.Id
}
