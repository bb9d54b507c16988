package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/store"
)

const secret = "0123456789abcdef"

type recLog struct{ lines []string }

func (l *recLog) Debug(msg string, kv ...any) { l.lines = append(l.lines, fmt.Sprint(msg, kv)) }
func (l *recLog) Warn(msg string, kv ...any)  { l.lines = append(l.lines, fmt.Sprint(msg, kv)) }

type fixture struct {
	h         *Handler
	log       *recLog
	apps      map[apps.AppID]*store.InstalledApp
	notified  []*apps.CallRequest
	notifyErr error
	now       time.Time
}

func newFixture() *fixture {
	f := &fixture{log: &recLog{}, now: time.Unix(1_800_000_000, 0), apps: map[apps.AppID]*store.InstalledApp{}}
	granted := []apps.Permission{apps.PermissionActAsBot, apps.PermissionRemoteWebhooks}
	for id, auth := range map[apps.AppID]apps.RemoteWebhookAuthType{"hook": "", "open": "none", "signed": "jwt"} {
		f.apps[id] = &store.InstalledApp{Manifest: apps.Manifest{AppID: id, RemoteWebhookAuthType: auth}, GrantedPermissions: granted}
	}
	f.apps["custom"] = &store.InstalledApp{Manifest: apps.Manifest{AppID: "custom",
		OnRemoteWebhook: &apps.Call{Path: "/hooks", Expand: &apps.Expand{App: apps.ExpandAll}}}, GrantedPermissions: granted}
	f.apps["off"] = &store.InstalledApp{Manifest: apps.Manifest{AppID: "off"}, GrantedPermissions: granted, Disabled: true}
	f.apps["plain"] = &store.InstalledApp{Manifest: apps.Manifest{AppID: "plain"}, GrantedPermissions: []apps.Permission{apps.PermissionActAsBot}}
	f.h = New(Deps{
		App: func(id apps.AppID) (*store.InstalledApp, error) {
			if a, ok := f.apps[id]; ok {
				return a, nil
			}
			return nil, store.ErrNotFound
		},
		Secret: func(apps.AppID) (string, error) { return secret, nil },
		Notify: func(_ context.Context, _ *store.InstalledApp, creq *apps.CallRequest, acting string) error {
			if acting != "" {
				return errors.New("webhooks have no acting user")
			}
			f.notified = append(f.notified, creq)
			return f.notifyErr
		},
		Log: f.log,
		Now: func() time.Time { return f.now },
	})
	return f
}

func (f *fixture) send(appID apps.AppID, rest, query, body string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/apps/"+string(appID)+"/webhook"+rest+query, strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.h.Serve(w, r, appID, rest)
	return w
}

func jwtFor(t *testing.T, alg, key string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(claims)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func TestWebhookAuthAndRouting(t *testing.T) {
	f := newFixture()
	exp := float64(f.now.Add(time.Hour).Unix())
	tests := []struct {
		name     string
		app      apps.AppID
		rest     string
		query    string
		header   http.Header
		wantCode int
		wantPath string
		wantErr  string
	}{
		{"secret", "hook", "/alert", "?secret=" + secret + "&x=1", nil, http.StatusOK, "/webhook/alert", ""},
		{"no path", "hook", "", "?secret=" + secret, nil, http.StatusOK, "/webhook", ""},
		{"no secret", "hook", "/alert", "", nil, http.StatusUnauthorized, "", "missing or wrong ?secret="},
		{"wrong secret", "hook", "/alert", "?secret=nope", nil, http.StatusUnauthorized, "", "missing or wrong ?secret="},
		{"auth none", "open", "/x", "", nil, http.StatusOK, "/webhook/x", ""},
		{"custom path", "custom", "/a/b", "?secret=" + secret, nil, http.StatusOK, "/hooks/a/b", ""},
		{"jwt", "signed", "/j", "", bearer(jwtFor(t, "HS256", secret, map[string]any{"exp": exp})), http.StatusOK, "/webhook/j", ""},
		{"jwt without exp", "signed", "/j", "", bearer(jwtFor(t, "HS256", secret, map[string]any{"sub": "x"})), http.StatusUnauthorized, "", "the JWT has no exp claim"},
		{"jwt exp too far", "signed", "/j", "", bearer(jwtFor(t, "HS256", secret, map[string]any{"exp": float64(f.now.Add(24 * time.Hour).Unix())})), http.StatusUnauthorized, "", "webhook JWTs may be valid for at most 60 minutes"},
		{"jwt missing", "signed", "/j", "?secret=" + secret, nil, http.StatusUnauthorized, "", "missing Authorization: Bearer"},
		{"jwt wrong key", "signed", "/j", "", bearer(jwtFor(t, "HS256", "other", map[string]any{"exp": exp})), http.StatusUnauthorized, "", "does not match"},
		{"jwt alg none", "signed", "/j", "", bearer(jwtFor(t, "none", secret, map[string]any{"exp": exp})), http.StatusUnauthorized, "", `only HS256`},
		{"jwt expired", "signed", "/j", "", bearer(jwtFor(t, "HS256", secret, map[string]any{"exp": float64(f.now.Add(-2 * time.Minute).Unix())})), http.StatusUnauthorized, "", "expired"},
		{"jwt not yet", "signed", "/j", "", bearer(jwtFor(t, "HS256", secret, map[string]any{"nbf": float64(f.now.Add(30 * time.Minute).Unix()), "exp": exp})), http.StatusUnauthorized, "", "not valid yet"},
		{"jwt garbage", "signed", "/j", "", bearer("a.b"), http.StatusUnauthorized, "", "not a JWT"},
		{"dot segments", "hook", "/../install", "?secret=" + secret, nil, http.StatusBadRequest, "", ". or .. segments"},
		{"unknown app", "nope", "/x", "?secret=" + secret, nil, http.StatusNotFound, "", "no such webhook"},
		{"disabled app", "off", "/x", "?secret=" + secret, nil, http.StatusNotFound, "", "no such webhook"},
		{"not granted remote_webhooks", "plain", "/x", "?secret=" + secret, nil, http.StatusNotFound, "", "no such webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.notified = nil
			w := f.send(tt.app, tt.rest, tt.query, `{"n":1}`, tt.header)
			require.Equal(t, tt.wantCode, w.Code, w.Body.String())
			if tt.wantErr != "" {
				assert.Contains(t, w.Body.String(), tt.wantErr)
				assert.Empty(t, f.notified, "refused webhooks never reach the app")
				return
			}
			require.Len(t, f.notified, 1)
			assert.Equal(t, tt.wantPath, f.notified[0].Path)
			assert.Equal(t, tt.app, f.notified[0].Context.AppID)
		})
	}
	for _, line := range f.log.lines {
		assert.NotContains(t, line, secret, "the secret is never logged")
	}
	assert.Equal(t, apps.ExpandAll, newFixtureCustomExpand(t))
}

func newFixtureCustomExpand(t *testing.T) apps.ExpandLevel {
	f := newFixture()
	require.Equal(t, http.StatusOK, f.send("custom", "", "?secret="+secret, "", nil).Code)
	return f.notified[0].Expand.App
}

func TestWebhookValues(t *testing.T) {
	f := newFixture()
	header := http.Header{"Content-Type": {"application/json"}, "X-Event": {"a", "b"}, "Authorization": {"Bearer x"}, "Cookie": {"c=1"}}
	require.Equal(t, http.StatusOK, f.send("hook", "/e", "?secret="+secret+"&b=2&a=1", `{"alert":"disk full"}`, header).Code)
	v := f.notified[0].Values
	assert.JSONEq(t, `{"alert":"disk full"}`, string(v["data"].(json.RawMessage)))
	assert.Equal(t, map[string]string{"Content-Type": "application/json", "X-Event": "a, b"}, v["headers"], "credentials are not passed on")
	assert.Equal(t, http.MethodPost, v["httpMethod"])
	assert.Equal(t, "a=1&b=2", v["rawQuery"], "the secret is not passed on")

	require.Equal(t, http.StatusOK, f.send("open", "", "", "plain text", nil).Code)
	assert.Equal(t, "plain text", f.notified[1].Values["data"])
	require.Equal(t, http.StatusOK, f.send("open", "", "", "", nil).Code)
	assert.Nil(t, f.notified[2].Values["data"])
}

func TestWebhookLimitsAndFailures(t *testing.T) {
	f := newFixture()
	w := f.send("open", "", "", strings.Repeat("x", MaxBodyBytes+1), nil)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Contains(t, w.Body.String(), "over 128 KB")
	assert.Empty(t, f.notified)

	for _, tt := range []struct {
		err  error
		code int
	}{
		{appcall.InvokeFailure("hello", fmt.Errorf("x: %w", lambdainvoke.ErrPayloadTooLarge)), http.StatusRequestEntityTooLarge},
		{fmt.Errorf("x: %w", appcall.ErrNoFunction), http.StatusNotFound},
		{appcall.InvokeFailure("hello", fmt.Errorf("x: %w", lambdainvoke.ErrNotDeployed)), http.StatusNotFound},
		{appcall.InvokeFailure("hello", fmt.Errorf("x: %w", lambdainvoke.ErrThrottled)), http.StatusTooManyRequests},
		{appcall.InvokeFailure("hello", errors.New("dial tcp: connection refused")), http.StatusBadGateway},
	} {
		f.notifyErr = tt.err
		w := f.send("open", "", "", "{}", nil)
		assert.Equal(t, tt.code, w.Code, tt.err.Error())
		assert.Contains(t, w.Body.String(), `"error"`)
		assert.NotContains(t, w.Body.String(), "dial tcp", "the sender learns nothing of the plugin's AWS set-up")
	}
}
