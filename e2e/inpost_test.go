//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const alertMessage = "Alert: disk almost full on db1" // examples/hello/alert.go

// TestInPostBindings: the sample app posts a message with in-post bindings
// through the REST API as its bot; the plugin renders them as interactive
// message attachments, and a regular user's clicks through Mattermost's own
// action route (POST /api/v4/posts/{post_id}/actions/{action_id}) reach
// the app as that user and show its answers.
func TestInPostBindings(t *testing.T) {
	installHello(t)
	s := getStack(t)
	ctx := context.Background()
	admin, user := s.client(s.adminToken), s.client(s.userToken)
	bot, _, err := admin.GetUserByUsername(ctx, helloID, "")
	require.NoError(t, err)
	// The bot posts into the channel: it must be a member.
	_, _, err = admin.AddTeamMember(ctx, s.teamID, bot.Id)
	require.NoError(t, err)
	_, _, err = admin.AddChannelMember(ctx, s.channelID, bot.Id)
	require.NoError(t, err)
	me, _, err := user.GetMe(ctx, "")
	require.NoError(t, err)

	ws := s.listen(t, s.userToken)
	s.command(t, s.userToken, "/hello alert")
	post := s.waitPost(t, s.userToken, func(p *model.Post) bool { return p.UserId == bot.Id && p.Message == alertMessage })

	// What clients get: the attachments with their buttons and select, the
	// original bindings, and no signed context (the server keeps it).
	assert.NotNil(t, post.GetProp("app_bindings"), "the original bindings stay for clients that render them")
	raw, err := json.Marshal(post.GetProps())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "lambda_apps_action", "the signed action never reaches clients")
	atts := post.Attachments()
	require.Len(t, atts, 1, "%s", raw)
	assert.Equal(t, "Disk almost full", atts[0].Title)
	assert.Equal(t, "db1: 91% of /var used", atts[0].Text)
	actions := map[string]*model.PostAction{}
	for _, a := range atts[0].Actions {
		actions[a.Name] = a
	}
	require.Contains(t, actions, "Acknowledge")
	require.Contains(t, actions, "Snooze")
	require.Contains(t, actions, "Severity")
	assert.Equal(t, model.PostActionTypeSelect, actions["Severity"].Type)
	assert.Len(t, actions["Severity"].Options, 2)

	// A button: the app answers ok (an ephemeral post from its bot) and
	// updates its post.
	_, err = user.DoPostAction(ctx, post.Id, actions["Acknowledge"].Id)
	require.NoError(t, err)
	got := ws.ephemeral(t, "You acknowledged the alert.")
	assert.Equal(t, bot.Id, got.UserId)
	updated := s.waitPost(t, s.userToken, func(p *model.Post) bool {
		return p.Id == post.Id && strings.Contains(p.Message, "Acknowledged by @"+me.Username)
	})
	require.Len(t, updated.Attachments(), 1, "the update keeps one rendering of the buttons")
	assert.Len(t, updated.Attachments()[0].Actions, 3)

	// A select: the chosen option is the call's location.
	_, err = user.DoPostActionWithCookie(ctx, post.Id, actions["Severity"].Id, "high", "")
	require.NoError(t, err)
	ws.ephemeral(t, "Severity set to high.")

	// A button whose answer is a form: a dialog opens for the user.
	_, err = user.DoPostAction(ctx, post.Id, actions["Snooze"].Id)
	require.NoError(t, err)
	dialog := ws.dialog(t)
	assert.Equal(t, "Snooze the alert", dialog.Dialog.Title)

	// A disabled app's buttons call nothing: the user is told why.
	code, _, body := s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/disable-app", map[string]string{"app_id": helloID})
	require.Equal(t, http.StatusOK, code, "%s", body)
	t.Cleanup(func() {
		s.pluginDo(t, s.adminToken, http.MethodPost, "/api/v1/enable-app", map[string]string{"app_id": helloID})
	})
	_, err = user.DoPostAction(ctx, post.Id, actions["Acknowledge"].Id)
	require.NoError(t, err)
	refused := ws.ephemeral(t, "disabled")
	assert.Contains(t, refused.Message, "**Error:**")
}

// TestInPostBindingsRefusals: only the app's bot makes buttons, and the
// plugin's action route answers only actions it signed.
func TestInPostBindingsRefusals(t *testing.T) {
	installHello(t)
	s := getStack(t)
	ctx := context.Background()
	user := s.client(s.userToken)

	// A regular user's post with app_bindings keeps them but gets no
	// attachments: nobody can make buttons that call an app in its name.
	bindings := []map[string]any{{"app_id": helloID, "location": "alert", "label": "Fake", "bindings": []map[string]any{
		{"location": "ack", "label": "Acknowledge", "submit": map[string]string{"path": "/alert/ack"}}}}}
	p, _, err := user.CreatePost(ctx, &model.Post{ChannelId: s.channelID, Message: "not an app", Props: model.StringInterface{"app_bindings": bindings}})
	require.NoError(t, err)
	p, _, err = user.GetPost(ctx, p.Id, "")
	require.NoError(t, err)
	assert.NotNil(t, p.GetProp("app_bindings"))
	assert.Empty(t, p.Attachments(), "no buttons for a post that is not the app's bot's")

	// Posting to the plugin's route directly, without a signed action or
	// with a forged one, calls nothing.
	for _, forged := range []any{nil, "pa1.eyJhIjoiaGVsbG8tbGFtYmRhIiwibCI6ImFsZXJ0L2FjayIsImQiOiIifQ.AAAA"} {
		body := map[string]any{"post_id": p.Id, "context": map[string]any{"lambda_apps_action": forged}}
		code, _, out := s.pluginDo(t, s.userToken, http.MethodPost, "/api/v1/post-action", body)
		assert.Equal(t, http.StatusForbidden, code, "%s", out)
	}
	code, _, _ := s.pluginDo(t, "", http.MethodPost, "/api/v1/post-action", map[string]any{})
	assert.Equal(t, http.StatusUnauthorized, code)
}

// waitPost returns the first recent post of the test channel, as token's
// user sees it, for which match is true; it fails after 30 s.
func (s *stack) waitPost(t *testing.T, token string, match func(*model.Post) bool) *model.Post {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, _, err := s.client(token).GetPostsForChannel(context.Background(), s.channelID, 0, 30, "", false, false)
		require.NoError(t, err)
		for _, id := range list.Order {
			if p := list.Posts[id]; match(p) {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no matching post in the channel within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
