package mmnotify

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstallConsent(t *testing.T) {
	const consentBody = `{"error":"consent required: app a.b 2 asks for what the installed version 1 was not granted: permissions act_as_user; locations /post_menu",
		"code":"consent_required","app_id":"a.b","version":"2","installed_version":"1",
		"new_permissions":["act_as_user"],"new_locations":["/post_menu"]}`
	tests := []struct {
		name        string
		req         InstallRequest
		status      int
		respBody    string
		wantBody    string
		wantConsent bool
		wantErr     *Error // Action, URL are not compared
	}{
		{
			name: "grant is sent", req: InstallRequest{AppID: "a.b", Version: "2", Grant: true},
			status: 200, respBody: `{}`, wantBody: `{"app_id":"a.b","version":"2","grant":true}`,
		},
		{
			name: "consent required names what is new", req: InstallRequest{AppID: "a.b", Version: "2"},
			status: 409, respBody: consentBody, wantBody: `{"app_id":"a.b","version":"2"}`, wantConsent: true,
			wantErr: &Error{Status: 409, Code: CodeConsentRequired, InstalledVersion: "1",
				Message:        "consent required: app a.b 2 asks for what the installed version 1 was not granted: permissions act_as_user; locations /post_menu",
				NewPermissions: []string{"act_as_user"}, NewLocations: []string{"/post_menu"}},
		},
		{
			name: "another conflict is not a consent request", req: InstallRequest{AppID: "a.b", Version: "2"},
			status: 409, respBody: `{"error":"nothing to do"}`, wantBody: `{"app_id":"a.b","version":"2"}`,
			wantErr: &Error{Status: 409, Message: "nothing to do"},
		},
		{
			name: "the consent code with another status is not a consent request", req: InstallRequest{AppID: "a.b", Version: "2"},
			status: 500, respBody: `{"error":"boom","code":"consent_required"}`, wantBody: `{"app_id":"a.b","version":"2"}`,
			wantErr: &Error{Status: 500, Message: "boom", Code: CodeConsentRequired},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakePlugin{status: tt.status, body: tt.respBody}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c, err := New(srv.URL, "tok", srv.Client())
			require.NoError(t, err)
			err = c.InstallApp(context.Background(), tt.req)
			require.Len(t, fake.requests, 1)
			assert.Equal(t, "/plugins/lambda-apps/api/v1/install-app", fake.requests[0].Path)
			assert.JSONEq(t, tt.wantBody, fake.requests[0].Body)
			assert.Equal(t, tt.wantConsent, errors.Is(err, ErrConsentRequired))
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			assert.Contains(t, err.Error(), "could not install app a.b 2 on Mattermost: POST "+srv.URL+"/plugins/lambda-apps/api/v1/install-app answered")
			var e *Error
			require.ErrorAs(t, err, &e)
			got := *e
			got.Action, got.URL = "", ""
			assert.Equal(t, *tt.wantErr, got)
		})
	}
}
