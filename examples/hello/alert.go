package main

import (
	"context"
	"log"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// alertMessage is the text of the alert post.
const alertMessage = "Alert: disk almost full on db1"

// alertBindings are the in-post bindings of the alert post: an attachment
// with an Acknowledge button (answers ok and updates the post), a Snooze
// button (answers with a form) and a Severity select (one call, the option
// in the location).
func alertBindings() []apps.Binding {
	user := &apps.Expand{ActingUser: apps.ExpandSummary}
	return []apps.Binding{{
		AppID:       appID,
		Location:    "alert",
		Label:       "Disk almost full",
		Description: "db1: 91% of /var used",
		Icon:        "icon.png",
		Bindings: []apps.Binding{
			{Location: "ack", Label: "Acknowledge", Submit: &apps.Call{Path: "/alert/ack", Expand: &apps.Expand{ActingUser: apps.ExpandSummary, Post: apps.ExpandSummary}}},
			{Location: "snooze", Label: "Snooze", Submit: &apps.Call{Path: "/alert/snooze", Expand: user}},
			{
				Location: "severity",
				Label:    "Severity",
				Submit:   &apps.Call{Path: "/alert/severity", Expand: user},
				Bindings: []apps.Binding{{Location: "low", Label: "Low"}, {Location: "high", Label: "High"}},
			},
		},
	}}
}

// appID is this app's ID (manifest.json).
const appID = "hello-lambda"

// postAlert answers /hello alert: the app's bot posts a message with
// in-post bindings to the channel, through the REST API with the bot's
// access token, as alerting apps do.
func postAlert(ctx context.Context, req request) apps.CallResponse {
	c := req.Context
	if c.BotAccessToken == "" || c.MattermostSiteURL == "" || c.ChannelID == "" {
		return errorResponse("The call has no bot access token, site URL or channel.")
	}
	post := map[string]any{
		"channel_id": c.ChannelID,
		"message":    alertMessage,
		"props":      map[string]any{"app_bindings": alertBindings()},
	}
	var created struct {
		ID string `json:"id"`
	}
	mm := mattermost{url: c.MattermostSiteURL, token: c.BotAccessToken}
	if err := mm.post(ctx, "/api/v4/posts", post, &created); err != nil {
		log.Printf("alert: post: %v", err)
		return errorResponse("Could not post the alert (add the app's bot to this channel): %v", err)
	}
	return apps.NewDataResponse(map[string]string{"post_id": created.ID})
}

// ackAlert answers the Acknowledge button: a note for the user and the
// post updated to say who acknowledged it.
func ackAlert(_ context.Context, req request) apps.CallResponse {
	who := "someone"
	if req.ActingUser != nil && req.ActingUser.Username != "" {
		who = "@" + req.ActingUser.Username
	}
	message := alertMessage
	if req.Post != nil && req.Post.Message != "" {
		message = strings.SplitN(req.Post.Message, "\n", 2)[0]
	}
	return apps.CallResponse{
		Type: apps.CallResponseTypeOK,
		Text: "You acknowledged the alert.",
		Data: map[string]any{"update": map[string]any{"message": message + "\nAcknowledged by " + who + "."}},
	}
}

// snoozeForm answers the Snooze button with a form.
func snoozeForm(context.Context, request) apps.CallResponse {
	return apps.NewFormResponse(&apps.Form{
		Title:  "Snooze the alert",
		Submit: apps.NewCall("/alert/snooze/submit"),
		Fields: []apps.Field{{
			Name: "minutes", Label: "For", Type: apps.FieldTypeStaticSelect, IsRequired: true,
			Options: []apps.SelectOption{{Label: "15 minutes", Value: "15"}, {Label: "1 hour", Value: "60"}},
		}},
	})
}

// snoozeSubmit answers the snooze form.
func snoozeSubmit(_ context.Context, req request) apps.CallResponse {
	minutes := valueString(req.Values["minutes"])
	if minutes == "" {
		return errorResponse("Choose how long to snooze.")
	}
	return apps.NewTextResponse("Snoozed for %s minutes.", minutes)
}

// setSeverity answers the Severity select: the chosen option is the last
// segment of the call's location (/in_post/alert/severity/<option>).
func setSeverity(_ context.Context, req request) apps.CallResponse {
	loc := string(req.Context.Location)
	option := loc[strings.LastIndexByte(loc, '/')+1:]
	switch option {
	case "low", "high":
		return apps.NewTextResponse("Severity set to %s.", option)
	}
	return errorResponse("Unknown severity %q.", option)
}
