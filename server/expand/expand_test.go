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
	"github.com/lambda-apps/lambda-apps/server/store"
)

type fakeAPI struct {
	readable map[string]bool // channel IDs user u1 may read
}

var errNotFound = errors.New("not found")

func (f *fakeAPI) GetUser(id string) (*model.User, error) {
	if id == "gone" {
		return nil, errNotFound
	}
	return &model.User{Id: id, Username: "name-" + id, Email: "x@example.com", Password: "hash", Locale: "de"}, nil
}
func (f *fakeAPI) GetChannel(id string) (*model.Channel, error) {
	return &model.Channel{Id: id, TeamId: "t1", Name: "town", DisplayName: "Town", Type: model.ChannelTypeOpen}, nil
}
func (f *fakeAPI) GetChannelMember(ch, u string) (*model.ChannelMember, error) {
	return &model.ChannelMember{ChannelId: ch, UserId: u, Roles: "channel_user"}, nil
}
func (f *fakeAPI) GetTeam(id string) (*model.Team, error) {
	return &model.Team{Id: id, Name: "team", DisplayName: "Team", Email: "team@example.com", InviteId: "secret"}, nil
}
func (f *fakeAPI) GetTeamMember(t, u string) (*model.TeamMember, error) {
	return &model.TeamMember{TeamId: t, UserId: u}, nil
}
func (f *fakeAPI) GetPost(id string) (*model.Post, error) {
	return &model.Post{Id: id, ChannelId: "c-" + id, Message: "hello"}, nil
}
func (f *fakeAPI) CanReadChannel(_, ch string) bool { return f.readable[ch] }
func (f *fakeAPI) CanViewTeam(_, t string) bool     { return t == "t1" }

// fakeTokens issues one token per app and user (tokens.Issuer's reuse and
// expiry are tested in its package).
type fakeTokens struct{ issued []string }

func (f *fakeTokens) Token(app apps.AppID, u string) (string, error) {
	f.issued = append(f.issued, string(app)+"|"+u)
	return "token-" + string(app) + "-" + u, nil
}

func installed(perms ...apps.Permission) *store.InstalledApp {
	return &store.InstalledApp{Manifest: apps.Manifest{AppID: "hello", Version: "1"}, BotUserID: "bot1", GrantedPermissions: perms}
}

func TestExpandLevels(t *testing.T) {
	api := &fakeAPI{readable: map[string]bool{"c1": true, "c-p1": true}}
	e := New(api, &fakeTokens{})
	creq := &apps.CallRequest{
		Call: apps.Call{Expand: &apps.Expand{
			ActingUser: apps.ExpandSummary, Locale: apps.ExpandAll, Channel: apps.ExpandID, Team: apps.ExpandAll,
			Post: apps.ExpandSummary, App: apps.ExpandSummary, ChannelMember: apps.ExpandAll,
		}},
		Context: apps.Context{ChannelID: "c1", TeamID: "t1", PostID: "p1"},
	}
	require.NoError(t, e.Expand(context.Background(), installed(), "u1", true, creq))
	c := creq.Context
	assert.JSONEq(t, `{"id":"u1","username":"name-u1","first_name":"","last_name":"","nickname":"","locale":"de","is_bot":false,"roles":"","timezone":null}`, string(c.ActingUser))
	assert.Equal(t, "de", c.Locale)
	assert.JSONEq(t, `{"id":"c1"}`, string(c.Channel))
	assert.Contains(t, string(c.ChannelMember), `"channel_user"`)
	assert.NotContains(t, string(c.Team), "secret", "team invite ID is sanitized")
	assert.Contains(t, string(c.Post), `"message":"hello"`)
	assert.Contains(t, string(c.App), `"bot_user_id":"bot1"`)
	assert.Empty(t, c.BotAccessToken, "no act_as_bot")
	assert.Empty(t, c.ActingUserAccessToken)
}

func TestExpandAllUserIsSanitized(t *testing.T) {
	e := New(&fakeAPI{}, &fakeTokens{})
	creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{ActingUser: apps.ExpandAll}}}
	require.NoError(t, e.Expand(context.Background(), installed(), "u1", true, creq))
	var u map[string]any
	require.NoError(t, json.Unmarshal(creq.Context.ActingUser, &u))
	assert.Empty(t, u["password"])
	assert.Equal(t, "name-u1", u["username"])
}

func TestTokens(t *testing.T) {
	toks := &fakeTokens{}
	e := New(&fakeAPI{}, toks)
	creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{ActingUserAccessToken: apps.ExpandAll}}}
	require.NoError(t, e.Expand(context.Background(), installed(apps.PermissionActAsBot, apps.PermissionActAsUser), "u1", true, creq))
	assert.Equal(t, "token-hello-bot1", creq.Context.BotAccessToken)
	assert.Equal(t, "token-hello-u1", creq.Context.ActingUserAccessToken)
	assert.Equal(t, []string{"hello|bot1", "hello|u1"}, toks.issued)

	// The plugin's background calls never get a token to act as the user.
	toks.issued = nil
	creq = &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{ActingUserAccessToken: apps.ExpandAll, ActingUser: apps.ExpandSummary}}}
	require.NoError(t, e.Expand(context.Background(), installed(apps.PermissionActAsBot, apps.PermissionActAsUser), "admin", false, creq))
	assert.Empty(t, creq.Context.ActingUserAccessToken)
	assert.Contains(t, string(creq.Context.ActingUser), `"id":"admin"`, "the app still learns who the user is")
	assert.Equal(t, []string{"hello|bot1"}, toks.issued)
	creq = &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{ActingUserAccessToken: "+all"}}}
	require.ErrorIs(t, e.Expand(context.Background(), installed(apps.PermissionActAsUser), "admin", false, creq), ErrRequired)

	creq = &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{ActingUserAccessToken: "+all"}}}
	err := e.Expand(context.Background(), installed(), "u1", true, creq)
	require.ErrorIs(t, err, ErrRequired)
	assert.Contains(t, err.Error(), "act_as_user")
	assert.Empty(t, creq.Context.ActingUserAccessToken)
}

func TestPermissionsAndRequired(t *testing.T) {
	api := &fakeAPI{readable: map[string]bool{}}
	e := New(api, &fakeTokens{})
	tests := []struct {
		name    string
		expand  apps.Expand
		ctx     apps.Context
		wantErr string
	}{
		{"unreadable channel optional", apps.Expand{Channel: apps.ExpandAll}, apps.Context{ChannelID: "secret"}, ""},
		{"unreadable channel required", apps.Expand{Channel: "+all"}, apps.Context{ChannelID: "secret"}, "cannot read the channel"},
		{"unreadable post required", apps.Expand{Post: "+summary"}, apps.Context{PostID: "p9"}, "cannot read the post's channel"},
		{"foreign team required", apps.Expand{Team: "+id"}, apps.Context{TeamID: "t2"}, "not on the team"},
		{"missing user required", apps.Expand{User: "+summary"}, apps.Context{UserID: "gone"}, "user"},
		{"no channel required", apps.Expand{Channel: "+id"}, apps.Context{}, "no channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := tt.expand
			creq := &apps.CallRequest{Call: apps.Call{Expand: &ex}, Context: tt.ctx}
			err := e.Expand(context.Background(), installed(), "u1", true, creq)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Empty(t, creq.Context.Channel, "nothing leaks")
				return
			}
			require.ErrorIs(t, err, ErrRequired)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestWebhookSecretExpandedWithTheApp(t *testing.T) {
	e := New(&fakeAPI{}, &fakeTokens{})
	e.WebhookSecret = func(id apps.AppID) (string, error) { return "s3cret-" + string(id), nil }
	expandApp := func(level apps.ExpandLevel, perms ...apps.Permission) string {
		creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{App: level}}}
		require.NoError(t, e.Expand(context.Background(), installed(perms...), "", true, creq))
		return string(creq.Context.App)
	}
	assert.Contains(t, expandApp(apps.ExpandAll, apps.PermissionActAsBot, apps.PermissionRemoteWebhooks), `"webhook_secret":"s3cret-hello"`)
	assert.NotContains(t, expandApp(apps.ExpandSummary, apps.PermissionActAsBot, apps.PermissionRemoteWebhooks), "webhook_secret", "only at level all")
	assert.NotContains(t, expandApp(apps.ExpandAll, apps.PermissionActAsBot), "webhook_secret", "only with remote_webhooks granted")

	e.WebhookSecret = func(apps.AppID) (string, error) { return "", errors.New("kv down") }
	creq := &apps.CallRequest{Call: apps.Call{Expand: &apps.Expand{App: "+all"}}}
	err := e.Expand(context.Background(), installed(apps.PermissionActAsBot, apps.PermissionRemoteWebhooks), "", true, creq)
	require.ErrorIs(t, err, ErrRequired)
	assert.Contains(t, err.Error(), "kv down")
}
