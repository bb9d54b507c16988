package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/pluginapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/oauth2flow"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// oauth2Apps and oauth2Calls stand in for the installed apps and the app
// calls of a real oauth2flow.Service behind the routes.
type oauth2Apps map[apps.AppID]*store.InstalledApp

func (f oauth2Apps) Get(id apps.AppID) (*store.InstalledApp, error) {
	if a, ok := f[id]; ok {
		return a, nil
	}
	return nil, store.ErrNotFound
}

type oauth2Calls struct{ completed []map[string]any }

func (c *oauth2Calls) Call(_ context.Context, _ *store.InstalledApp, creq *apps.CallRequest, _ string) (*apps.CallResponse, error) {
	switch creq.Path {
	case apps.DefaultGetOAuth2ConnectURLPath:
		return &apps.CallResponse{Type: apps.CallResponseTypeOK,
			Data: "https://remote.example.com/authorize?state=" + url.QueryEscape(creq.Values["state"].(string))}, nil
	case apps.DefaultOnOAuth2CompletePath:
		c.completed = append(c.completed, creq.Values)
		if creq.Values["code"] == "bad" {
			return &apps.CallResponse{Type: apps.CallResponseTypeError, Text: "the remote service refused <the code>"}, nil
		}
		return &apps.CallResponse{Type: apps.CallResponseTypeOK}, nil
	}
	return nil, fmt.Errorf("no function serves %s", creq.Path)
}

func TestOAuth2Routes(t *testing.T) {
	granted := []apps.Permission{apps.PermissionActAsUser, apps.PermissionRemoteOAuth2}
	installed := oauth2Apps{
		"hello": {Manifest: apps.Manifest{AppID: "hello", DisplayName: "Hello <b>Lambda</b>"}, GrantedPermissions: granted},
		"plain": {Manifest: apps.Manifest{AppID: "plain"}, GrantedPermissions: []apps.Permission{apps.PermissionActAsUser}},
	}
	calls := &oauth2Calls{}
	flow := oauth2flow.New(oauth2flow.Deps{Apps: installed, Calls: calls, KV: &pluginapi.MemoryStore{}, Log: &nopLogger{}})
	r := NewRouter(Deps{Log: &nopLogger{}, OAuth2: flow})
	get := func(user, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if user != "" {
			req.Header.Set(UserIDHeader, user)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}

	// Connect: a redirect to the remote service, with the state.
	w := get("u1", "/apps/hello/oauth2/remote/connect")
	require.Equal(t, http.StatusFound, w.Code, w.Body.String())
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	loc, err := url.Parse(w.Header().Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "remote.example.com", loc.Host)
	state := loc.Query().Get("state")
	require.NotEmpty(t, state)
	complete := "/apps/hello/oauth2/remote/complete?code=c1&code=c2&state=" + url.QueryEscape(state)

	// Another user cannot use it; the owner can, once.
	w = get("u2", complete)
	assert.Equal(t, http.StatusForbidden, w.Code)
	assert.Contains(t, w.Body.String(), "This link has expired or was already used: start again from Hello &lt;b&gt;Lambda&lt;/b&gt;.")
	w = get("u1", complete)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
	assert.Contains(t, w.Header().Get("Content-Security-Policy"), "default-src 'none'")
	assert.Contains(t, w.Body.String(), "<h1>Connected</h1>")
	assert.Contains(t, w.Body.String(), "connected to Hello &lt;b&gt;Lambda&lt;/b&gt;", "the app's name is escaped")
	assert.NotContains(t, w.Body.String(), state, "the page does not repeat the state")
	require.Len(t, calls.completed, 1)
	assert.Equal(t, map[string]any{"code": "c1", "state": state}, calls.completed[0], "the first value of each query parameter")
	w = get("u1", complete)
	assert.Equal(t, http.StatusForbidden, w.Code, "a replayed link is refused")
	assert.Contains(t, w.Body.String(), "expired or was already used")
	assert.Len(t, calls.completed, 1)

	// The app refuses the code: its reason, escaped.
	w = get("u1", "/apps/hello/oauth2/remote/connect")
	loc, err = url.Parse(w.Header().Get("Location"))
	require.NoError(t, err)
	w = get("u1", "/apps/hello/oauth2/remote/complete?code=bad&state="+url.QueryEscape(loc.Query().Get("state")))
	assert.Equal(t, http.StatusBadGateway, w.Code)
	assert.Contains(t, w.Body.String(), "the remote service refused &lt;the code&gt;")

	tests := []struct {
		name, user, path string
		want             int
		text             string
	}{
		{"connect without a user", "", "/apps/hello/oauth2/remote/connect", http.StatusUnauthorized, "Log in to Mattermost first"},
		{"complete without a user", "", complete, http.StatusUnauthorized, "Log in to Mattermost first"},
		{"complete without a state", "u1", "/apps/hello/oauth2/remote/complete?code=c1", http.StatusBadRequest, "start again from Hello"},
		{"connect to an app not granted remote_oauth2", "u1", "/apps/plain/oauth2/remote/connect", http.StatusForbidden, "was not granted remote_oauth2"},
		{"complete for an app not granted remote_oauth2", "u1", "/apps/plain/oauth2/remote/complete?state=" + state, http.StatusForbidden, "was not granted remote_oauth2"},
		{"connect to an app not installed", "u1", "/apps/nope/oauth2/remote/connect", http.StatusNotFound, "Could not connect the app nope: this app is not installed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(tc.user, tc.path)
			assert.Equal(t, tc.want, w.Code)
			assert.Contains(t, w.Body.String(), tc.text)
		})
	}
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		req := httptest.NewRequest(method, "/apps/hello/oauth2/remote/connect", nil)
		req.Header.Set(UserIDHeader, "u1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code, method)
	}
}

func TestOAuth2RoutesWithoutTheFlow(t *testing.T) {
	r := NewRouter(Deps{Log: &nopLogger{}})
	for _, path := range []string{"/apps/hello/oauth2/remote/connect", "/apps/hello/oauth2/remote/complete?state=x"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set(UserIDHeader, "u1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		assert.Equal(t, http.StatusServiceUnavailable, w.Code, path)
		assert.Contains(t, w.Body.String(), "not available")
	}
}

func TestOAuth2RoutesAreListed(t *testing.T) {
	got := map[Route]bool{}
	for _, r := range Routes() {
		got[r] = true
	}
	assert.True(t, got[Route{http.MethodGet, "/apps/{app_id}/oauth2/remote/connect"}])
	assert.True(t, got[Route{http.MethodGet, "/apps/{app_id}/oauth2/remote/complete"}])
}

// oauth2Page keeps internal causes off the page.
func TestOAuth2PageHidesCauses(t *testing.T) {
	a := &api{Deps{Log: &nopLogger{}, OAuth2: oauth2flow.New(oauth2flow.Deps{Apps: oauth2Apps{}})}}
	w := httptest.NewRecorder()
	a.oauth2Failure(w, "hello", failure.Hide(failure.Internal, "could not check the link", fmt.Errorf("KV: pq: connection refused to db-secret-host")))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Contains(t, w.Body.String(), "could not check the link")
	assert.NotContains(t, w.Body.String(), "db-secret-host")
	assert.True(t, strings.HasPrefix(w.Body.String(), "<!DOCTYPE html>"))
}

func TestOnlyTheOAuth2PagesAnswerHTMLWithoutAUser(t *testing.T) {
	r := NewRouter(Deps{Log: &nopLogger{}})
	for path, wantType := range map[string]string{
		"/apps/hello/oauth2/remote/connect":  "text/html; charset=utf-8",
		"/apps/hello/oauth2/remote/complete": "text/html; charset=utf-8",
		"/api/v1/bindings":                   "application/json",
		"/apps/hello/oauth2/remote/other":    "application/json",
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		assert.Equal(t, http.StatusUnauthorized, w.Code, path)
		assert.Equal(t, wantType, w.Header().Get("Content-Type"), path)
	}
}
