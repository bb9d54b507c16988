//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lambdaapps "github.com/lambda-apps/lambda-apps"
)

var dialogURL = lambdaapps.PluginPath() + "/api/v1/dialog"

// TestForgedDialogStatesAreRefused is the attack of the security report: a
// logged-in user edits a dialog's state to make the plugin call another
// path (the sample app's /webhook/notify DMs anyone as the app's bot) or to
// reuse someone else's dialog. The server forwards the submission to the
// plugin; the plugin refuses it before any app is called.
func TestForgedDialogStatesAreRefused(t *testing.T) {
	installHello(t)
	s := getStack(t)
	forged, err := json.Marshal(map[string]any{
		"k": "form", "a": helloID, "ch": s.channelID,
		"c": map[string]any{"path": "/webhook/notify", "expand": map[string]string{"app": "all"}},
	})
	require.NoError(t, err)
	values := map[string]any{"user_id": "anyone", "text": "pwned"}

	// Through the server's dialog route, as the web client submits.
	resp, _, err := s.client(s.userToken).SubmitInteractiveDialog(context.Background(), model.SubmitDialogRequest{
		URL: dialogURL, CallbackId: helloID, State: string(forged), ChannelId: s.channelID, TeamId: s.teamID, Submission: values,
	})
	require.NoError(t, err)
	assert.Contains(t, resp.Error, "was changed")

	// Straight to the plugin's route.
	code, _, body := s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/dialog",
		map[string]any{"state": string(forged), "channel_id": s.channelID, "submission": values})
	assert.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), "was changed")

	// The dialog lookup route reads the same state.
	code, _, body = s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/dialog/lookup",
		map[string]any{"state": string(forged), "submission": map[string]any{"selected_field": "topic"}})
	assert.Equal(t, http.StatusBadRequest, code, "%s", body)

	// A genuine dialog opened for the admin cannot be submitted by the user.
	admin := s.listen(t, s.adminToken)
	assert.Empty(t, s.command(t, s.adminToken, "/hello pick"))
	d := admin.dialog(t)
	resp, err = s.submitDialog(t, s.userToken, d, map[string]any{"topic": "go"})
	require.NoError(t, err)
	assert.Contains(t, resp.Error, "opened for another user")
	resp, err = s.submitDialog(t, s.adminToken, d, map[string]any{"topic": "go"})
	require.NoError(t, err)
	assert.Empty(t, resp.Error, "the admin's own submission goes through")
}

// TestCallContextIsVerified: a call may only carry channels, teams and
// posts the user can see, and they must agree with each other.
func TestCallContextIsVerified(t *testing.T) {
	installHello(t)
	s := getStack(t)
	ctx := context.Background()
	adminClient := s.client(s.adminToken)
	private, _, err := adminClient.CreateChannel(ctx, &model.Channel{TeamId: s.teamID, Name: "e2e-private-" + model.NewId()[:6], DisplayName: "Private", Type: model.ChannelTypePrivate})
	require.NoError(t, err)
	secretPost, _, err := adminClient.CreatePost(ctx, &model.Post{ChannelId: private.Id, Message: "secret"})
	require.NoError(t, err)
	publicPost, _, err := adminClient.CreatePost(ctx, &model.Post{ChannelId: s.channelID, Message: "public"})
	require.NoError(t, err)

	call := func(c map[string]string) (int, callResponse) { return s.greetIn(t, c) }
	for _, tc := range []struct {
		name  string
		c     map[string]string
		field string
	}{
		{"a channel the user cannot read", map[string]string{"channel_id": private.Id}, "channel_id"},
		{"a team the user is not on", map[string]string{"team_id": model.NewId()}, "team_id"},
		{"a post in a channel the user cannot read", map[string]string{"post_id": secretPost.Id}, "post_id"},
		{"a post that is not in the call's channel", map[string]string{"channel_id": s.channelID, "post_id": secretPost.Id}, "post_id"},
		{"a root post in a channel the user cannot read", map[string]string{"root_post_id": secretPost.Id}, "root_post_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, resp := call(tc.c)
			assert.Equal(t, http.StatusForbidden, code, "%+v", resp)
			assert.Contains(t, resp.Error, "context."+tc.field)
		})
	}
	code, resp := call(map[string]string{"channel_id": s.channelID, "team_id": s.teamID, "post_id": publicPost.Id})
	assert.Equal(t, http.StatusOK, code, "%+v", resp)
	assert.Equal(t, "Hello, x!", resp.Text)
}

// greetIn calls the sample app's /greet as the regular user with the
// context c (the app ID added).
func (s *stack) greetIn(t *testing.T, c map[string]string) (int, callResponse) {
	t.Helper()
	c["app_id"] = helloID
	return s.postCall(t, s.userToken, map[string]any{"path": "/greet", "values": map[string]string{"name": "x"}, "context": c})
}

// TestTeamOfTheCallFollowsTheChannel: a call's team is accepted when it is
// the team of a channel the user reads, without reading the team's members
// (appcall.verifyContextWith). That rests on Mattermost removing whoever
// leaves a team from its channels; this checks it on the real server: once
// the user leaves the team, a call with its channel and team is refused. A
// direct message's team is checked on its own.
func TestTeamOfTheCallFollowsTheChannel(t *testing.T) {
	installHello(t)
	s := getStack(t)
	ctx := context.Background()
	admin, user := s.client(s.adminToken), s.client(s.userToken)
	me, _, err := user.GetMe(ctx, "")
	require.NoError(t, err)
	adminUser, _, err := admin.GetMe(ctx, "")
	require.NoError(t, err)
	team, _, err := admin.CreateTeam(ctx, &model.Team{Name: "e2e-team-" + model.NewId()[:8], DisplayName: "Other", Type: model.TeamOpen})
	require.NoError(t, err)
	_, _, err = admin.AddTeamMember(ctx, team.Id, me.Id)
	require.NoError(t, err)
	ch, _, err := admin.CreateChannel(ctx, &model.Channel{TeamId: team.Id, Name: "e2e-other-" + model.NewId()[:6], DisplayName: "Other", Type: model.ChannelTypePrivate})
	require.NoError(t, err)
	_, _, err = admin.AddChannelMember(ctx, ch.Id, me.Id)
	require.NoError(t, err)
	dm, _, err := user.CreateDirectChannel(ctx, me.Id, adminUser.Id)
	require.NoError(t, err)

	call := func(c map[string]string) (int, callResponse) { t.Helper(); return s.greetIn(t, c) }
	code, resp := call(map[string]string{"channel_id": ch.Id, "team_id": team.Id})
	require.Equal(t, http.StatusOK, code, "a member of the team and the channel: %+v", resp)
	code, resp = call(map[string]string{"channel_id": dm.Id, "team_id": team.Id})
	require.Equal(t, http.StatusOK, code, "a DM with a team the user is on: %+v", resp)

	// Leaving a private channel: the plugin remembered for readcache.TTL
	// (10 s) that the user reads it, and forgets it when the server's
	// UserHasLeftChannel hook runs (asynchronously, right after the
	// removal); refused well before the TTL.
	ch2, _, err := admin.CreateChannel(ctx, &model.Channel{TeamId: team.Id, Name: "e2e-other-" + model.NewId()[:6], DisplayName: "Other 2", Type: model.ChannelTypePrivate})
	require.NoError(t, err)
	_, _, err = admin.AddChannelMember(ctx, ch2.Id, me.Id)
	require.NoError(t, err)
	code, resp = call(map[string]string{"channel_id": ch2.Id, "team_id": team.Id})
	require.Equal(t, http.StatusOK, code, "%+v", resp)
	_, err = admin.RemoveUserFromChannel(ctx, ch2.Id, me.Id)
	require.NoError(t, err)
	refusedSoon := func(c map[string]string, field, what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			code, resp := call(c)
			if code == http.StatusForbidden {
				assert.Contains(t, resp.Error, "context."+field, what)
				return
			}
			require.True(t, time.Now().Before(deadline), "%s: still %d after 5 s: %+v", what, code, resp)
			time.Sleep(50 * time.Millisecond)
		}
	}
	refusedSoon(map[string]string{"channel_id": ch2.Id, "team_id": team.Id}, "channel_id", "the channel after leaving it")

	_, err = admin.RemoveTeamMember(ctx, team.Id, me.Id)
	require.NoError(t, err)
	refusedSoon(map[string]string{"channel_id": ch.Id, "team_id": team.Id}, "channel_id", "the team's channel after leaving the team")
	code, resp = call(map[string]string{"channel_id": dm.Id, "team_id": team.Id})
	assert.Equal(t, http.StatusForbidden, code, "a DM with a team the user left: %+v", resp)
	assert.Contains(t, resp.Error, "context.team_id")
	code, resp = call(map[string]string{"channel_id": s.channelID, "team_id": team.Id})
	assert.Equal(t, http.StatusForbidden, code, "a channel of another team: %+v", resp)
	assert.Contains(t, resp.Error, "context.team_id")
}

// TestAppCallingGETsNeedTheXHRHeader: the server authenticates plugin GETs by
// cookie without a CSRF check, so the GETs that call apps as the user want
// X-Requested-With, as Mattermost's API does. The server's own autocomplete
// request to /lookup (TestDynamicSelectAndMultiselect) still goes through.
func TestAppCallingGETsNeedTheXHRHeader(t *testing.T) {
	installHello(t)
	s := getStack(t)
	path := "/api/v1/bindings?channel_id=" + s.channelID + "&team_id=" + s.teamID
	code, _, body := s.pluginDo(t, s.userToken, http.MethodGet, path, nil, "User-Agent", "Mozilla/5.0", "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusForbidden, code, "%s", body)
	assert.Contains(t, string(body), "X-Requested-With")
	code, _, body = s.pluginDo(t, s.userToken, http.MethodGet, path, nil, "X-Requested-With", "XMLHttpRequest")
	assert.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), "channel_header")
}
