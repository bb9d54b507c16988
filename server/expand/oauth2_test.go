package expand

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

type fakeOAuth2 struct {
	app   apps.OAuth2App
	users map[string]string
	err   error
}

func (f fakeOAuth2) RemoteOAuth2App(apps.AppID) (apps.OAuth2App, error) { return f.app, f.err }
func (f fakeOAuth2) RemoteOAuth2User(_ apps.AppID, userID string) (json.RawMessage, error) {
	if f.err != nil {
		return nil, f.err
	}
	if v, ok := f.users[userID]; ok {
		return json.RawMessage(v), nil
	}
	return nil, nil
}

// botsAPI is fakeAPI where "b1" is a bot.
type botsAPI struct{ *fakeAPI }

func (b botsAPI) GetUser(id string) (*model.User, error) {
	u, err := b.fakeAPI.GetUser(id)
	if u != nil {
		u.IsBot = id == "b1"
	}
	return u, err
}

func TestExpandOAuth2(t *testing.T) {
	stored := fakeOAuth2{
		app: apps.OAuth2App{ClientID: "cid", ClientSecret: "secret", RemoteRootURL: "https://remote.example.com",
			Data: json.RawMessage(`{"sa":"x"}`)},
		users: map[string]string{"u1": `{"token":"t"}`, "u2": `{}`, "b1": `{"token":"bot"}`},
	}
	granted := installed(apps.PermissionActAsUser, apps.PermissionRemoteOAuth2)
	for _, tc := range []struct {
		name     string
		app      bool // granted remote_oauth2
		store    OAuth2
		user     string
		app2     apps.ExpandLevel // oauth2_app
		user2    apps.ExpandLevel // oauth2_user
		want     string           // JSON of context.oauth2, "" for none
		wantErr  bool
		errMatch string
	}{
		{name: "app and user", app: true, store: stored, user: "u1", app2: "all", user2: "all",
			want: `{"client_id":"cid","client_secret":"secret","remote_root_url":"https://remote.example.com","data":{"sa":"x"},
				"connect_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/connect",
				"complete_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/complete","user":{"token":"t"}}`},
		{name: "app only", app: true, store: stored, user: "u1", app2: "+all",
			want: `{"client_id":"cid","client_secret":"secret","remote_root_url":"https://remote.example.com","data":{"sa":"x"},
				"connect_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/connect",
				"complete_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/complete"}`},
		{name: "no client stored yet: the URLs", app: true, store: fakeOAuth2{}, user: "u1", app2: "all",
			want: `{"connect_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/connect",
				"complete_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/complete"}`},
		{name: "user only", app: true, store: stored, user: "u1", user2: "all", want: `{"user":{"token":"t"}}`},
		{name: "user without data", app: true, store: stored, user: "u3", user2: "+all"},
		{name: "user data {} is none", app: true, store: stored, user: "u2", user2: "all"},
		{name: "levels other than all expand nothing (v1.2)", app: true, store: stored, user: "u1", app2: "summary", user2: "+id"},
		{name: "not granted, optional", store: stored, user: "u1", app2: "all", user2: "all"},
		{name: "not granted, required app", store: stored, user: "u1", app2: "+all", wantErr: true, errMatch: "remote_oauth2"},
		{name: "not granted, required user", store: stored, user: "u1", user2: "+all", wantErr: true, errMatch: "remote_oauth2"},
		{name: "a bot has no user data", app: true, store: stored, user: "b1", user2: "all"},
		{name: "a bot, required", app: true, store: stored, user: "b1", user2: "+all", wantErr: true, errMatch: "bot"},
		{name: "no acting user, required", app: true, store: stored, user2: "+all", wantErr: true, errMatch: "no acting user"},
		{name: "store fails, required", app: true, store: fakeOAuth2{err: errors.New("kv down")}, user: "u1", app2: "+all",
			wantErr: true, errMatch: "kv down"},
		{name: "no store", app: true, user: "u1", app2: "+all", wantErr: true, errMatch: "not available"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := New(botsAPI{&fakeAPI{}}, &fakeTokens{})
			if tc.store != nil {
				e.OAuth2 = tc.store
			}
			app := installed(apps.PermissionActAsUser)
			if tc.app {
				app = granted
			}
			creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{OAuth2App: tc.app2, OAuth2User: tc.user2}}}
			creq.Context.MattermostSiteURL = "https://mm.example.com/"
			creq.Context.AppPath = "/plugins/lambda-apps/apps/hello"
			err := e.Expand(context.Background(), app, tc.user, true, creq)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrRequired)
				assert.Contains(t, err.Error(), tc.errMatch)
				return
			}
			require.NoError(t, err)
			if tc.want == "" {
				assert.Empty(t, creq.Context.OAuth2)
				return
			}
			assert.JSONEq(t, tc.want, string(creq.Context.OAuth2))
		})
	}
}

// An app on the compatibility path builds its API URLs from another site
// URL, but the OAuth2 URLs it hands to users and remote services are the
// plugin's own.
func TestExpandOAuth2URLsIgnoreTheCompatibilityPath(t *testing.T) {
	e := New(botsAPI{&fakeAPI{}}, &fakeTokens{})
	e.OAuth2 = fakeOAuth2{}
	e.OAuth2Base = func(id apps.AppID) string { return "https://mm.example.com/plugins/lambda-apps/apps/" + string(id) }
	creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{OAuth2App: apps.ExpandAll}}}
	creq.Context.MattermostSiteURL = "https://mm.example.com/plugins/lambda-apps/compat"
	creq.Context.AppPath = "/plugins/com.mattermost.apps/apps/hello"
	require.NoError(t, e.Expand(context.Background(), installed(apps.PermissionRemoteOAuth2), "u1", true, creq))
	assert.JSONEq(t, `{"connect_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/connect",
		"complete_url":"https://mm.example.com/plugins/lambda-apps/apps/hello/oauth2/remote/complete"}`, string(creq.Context.OAuth2))
}
