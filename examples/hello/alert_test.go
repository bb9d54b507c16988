package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

func TestAlertPostsInPostBindingsAsTheBot(t *testing.T) {
	mm := &fakeMattermost{}
	srv := httptest.NewServer(mm)
	defer srv.Close()
	ctx := apps.Context{AppID: appID, ChannelID: "c1",
		ExpandedContext: apps.ExpandedContext{MattermostSiteURL: srv.URL, BotUserID: "bot1", BotAccessToken: "tok"}}

	_, resp, _ := call(t, "/alert", apps.CallRequest{Context: ctx})
	require.Equal(t, apps.CallResponseTypeOK, resp.Type, resp.Text)
	require.Len(t, mm.calls, 1)
	method, rest, _ := strings.Cut(mm.calls[0], " /api/v4/posts Bearer tok ")
	assert.Equal(t, "POST", method, "the bot creates the post through the REST API")
	var post struct {
		ChannelID string `json:"channel_id"`
		Message   string `json:"message"`
		Props     struct {
			AppBindings []apps.Binding `json:"app_bindings"`
		} `json:"props"`
	}
	require.NoError(t, json.Unmarshal([]byte(rest), &post), rest)
	assert.Equal(t, "c1", post.ChannelID)
	assert.Equal(t, alertMessage, post.Message)
	require.Len(t, post.Props.AppBindings, 1)
	top := post.Props.AppBindings[0]
	assert.Equal(t, apps.AppID(appID), top.AppID)
	var labels []string
	for _, b := range top.Bindings {
		labels = append(labels, b.Label)
	}
	assert.Equal(t, []string{"Acknowledge", "Snooze", "Severity"}, labels)
	assert.Len(t, top.Bindings[2].Bindings, 2, "the severity select has two options")
}
