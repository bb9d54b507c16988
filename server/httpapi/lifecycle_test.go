package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// adminIDs makes the listed user IDs system admins.
type adminIDs []string

func (a adminIDs) IsSystemAdmin(userID string) bool {
	for _, id := range a {
		if id == userID {
			return true
		}
	}
	return false
}

// quietLog discards log lines.
type quietLog struct{}

func (quietLog) Error(string, ...any) {}
func (quietLog) Warn(string, ...any)  {}
func (quietLog) Debug(string, ...any) {}

// lifecycleFake records install requests and fails with err.
type lifecycleFake struct {
	installs []install.Request
	steps    []string
	err      error
}

func (f *lifecycleFake) Install(_ context.Context, req install.Request) (*install.Result, error) {
	f.installs = append(f.installs, req)
	if f.err != nil {
		return nil, f.err
	}
	return &install.Result{App: &store.InstalledApp{Manifest: apps.Manifest{AppID: req.AppID, Version: req.Version}},
		Messages: []string{"Installed app `" + string(req.AppID) + "`."}}, nil
}

func (f *lifecycleFake) step(name string, id apps.AppID) (*install.Result, error) {
	f.steps = append(f.steps, name+" "+string(id))
	return &install.Result{Messages: []string{name + " done"}}, f.err
}

func (f *lifecycleFake) Uninstall(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("uninstall", id)
}

func (f *lifecycleFake) Enable(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("enable", id)
}

func (f *lifecycleFake) Disable(_ context.Context, id apps.AppID, _ string) (*install.Result, error) {
	return f.step("disable", id)
}

func TestInstallAppConsent(t *testing.T) {
	consent := &install.ConsentError{AppID: "hello", Version: "2.0.0", InstalledVersion: "1.0.0",
		NewPermissions: apps.Permissions{apps.PermissionActAsUser}, NewLocations: apps.Locations{"/post_menu"}}
	tests := []struct {
		name, path, body string
		err              error // what the lifecycle answers
		wantCode         int
		wantRequest      *install.Request // nil: the lifecycle is not asked
		wantSteps        []string
		// wantBody are fields of the JSON answer; wantError is in "error".
		wantBody  map[string]any
		wantError []string
	}{
		{
			name: "first install needs no grant", path: "/api/v1/install-app", body: `{"app_id":"hello"}`,
			wantCode: http.StatusOK, wantRequest: &install.Request{AppID: "hello", ActingUserID: "admin"},
		},
		{
			name: "grant with version is passed on", path: "/api/v1/install-app", body: `{"app_id":"hello","version":"2.0.0","grant":true}`,
			wantCode: http.StatusOK, wantRequest: &install.Request{AppID: "hello", Version: "2.0.0", ActingUserID: "admin", Grant: true},
		},
		{
			name: "grant false is no consent", path: "/api/v1/install-app", body: `{"app_id":"hello","version":"2.0.0","grant":false}`,
			err:      consent,
			wantCode: http.StatusConflict, wantRequest: &install.Request{AppID: "hello", Version: "2.0.0", ActingUserID: "admin"},
			wantBody: map[string]any{"code": "consent_required"},
		},
		{
			name: "consent required is 409 naming what is new", path: "/api/v1/install-app", body: `{"app_id":"hello","version":"2.0.0"}`,
			err:      consent,
			wantCode: http.StatusConflict, wantRequest: &install.Request{AppID: "hello", Version: "2.0.0", ActingUserID: "admin"},
			wantBody: map[string]any{
				"code": "consent_required", "app_id": "hello", "version": "2.0.0", "installed_version": "1.0.0",
				"new_permissions": []any{"act_as_user"}, "new_locations": []any{"/post_menu"},
			},
			wantError: []string{"consent required", "act_as_user", "/post_menu", `"grant": true`, "/apps install listed hello --version 2.0.0"},
		},
		{
			name: "a wrapped consent error is mapped too", path: "/api/v1/install-app", body: `{"app_id":"hello"}`,
			err:      fmt.Errorf("install hello: %w", &install.ConsentError{AppID: "hello", Version: "2.0.0", InstalledVersion: "2.0.0", NewLocations: apps.Locations{"/in_post"}}),
			wantCode: http.StatusConflict, wantRequest: &install.Request{AppID: "hello", ActingUserID: "admin"},
			wantBody:  map[string]any{"code": "consent_required", "new_locations": []any{"/in_post"}},
			wantError: []string{"install hello: consent required", "/in_post"},
		},
		{
			name: "grant without version is refused", path: "/api/v1/install-app", body: `{"app_id":"hello","grant":true}`,
			wantCode: http.StatusBadRequest, wantError: []string{`"grant": true needs "version"`},
		},
		{
			name: "grant is only for install", path: "/api/v1/uninstall-app", body: `{"app_id":"hello","version":"1","grant":true}`,
			wantCode: http.StatusBadRequest, wantError: []string{`"grant" is only for install-app, not uninstall-app`},
		},
		{
			name: "grant must be a boolean", path: "/api/v1/install-app", body: `{"app_id":"hello","version":"1","grant":"yes"}`,
			wantCode: http.StatusBadRequest, wantError: []string{"expected {"},
		},
		{
			name: "nothing to do stays 409 without the consent code", path: "/api/v1/enable-app", body: `{"app_id":"hello"}`,
			err:      fmt.Errorf("%w: app hello is already enabled", install.ErrNoChange),
			wantCode: http.StatusConflict, wantSteps: []string{"enable hello"},
			wantError: []string{"already enabled"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lc := &lifecycleFake{err: tt.err}
			r := NewRouter(Deps{Log: quietLog{}, Admins: adminIDs{"admin"}, Lifecycle: lc})
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
			req.Header.Set(UserIDHeader, "admin")
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)

			require.Equal(t, tt.wantCode, w.Code, w.Body.String())
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			var body map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
			if tt.wantRequest == nil {
				assert.Empty(t, lc.installs, "the lifecycle is not asked")
			} else {
				assert.Equal(t, []install.Request{*tt.wantRequest}, lc.installs)
			}
			assert.Equal(t, tt.wantSteps, lc.steps)
			for k, v := range tt.wantBody {
				assert.Equal(t, v, body[k], k)
			}
			if tt.wantBody["code"] == nil {
				assert.NotContains(t, body, "code")
			}
			for _, s := range tt.wantError {
				assert.Contains(t, body["error"], s)
			}
			if tt.wantCode == http.StatusOK {
				assert.NotContains(t, body, "error")
			}
		})
	}
}

func TestInstallAppNeedsAdmin(t *testing.T) {
	lc := &lifecycleFake{}
	r := NewRouter(Deps{Log: quietLog{}, Admins: adminIDs{"admin"}, Lifecycle: lc})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/install-app", strings.NewReader(`{"app_id":"hello","version":"2.0.0","grant":true}`))
	req.Header.Set(UserIDHeader, "u1")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	assert.Equal(t, http.StatusForbidden, w.Code)
	assert.Empty(t, lc.installs, "a user's grant is no consent")
}
