package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost-plugin-apps/apps"
	"github.com/mattermost/mattermost-plugin-apps/apps/appclient"
)

// welcomePrefix starts every welcome DM.
const welcomePrefix = "compat-go welcomes you"

// channelEvent is the user_joined_channel event of the call's channel.
func channelEvent(creq *apps.CallRequest) (apps.Event, error) {
	if creq.Context.ChannelID == "" {
		return apps.Event{}, fmt.Errorf("run it in a channel (the call has no channel_id)")
	}
	return apps.Event{Subject: apps.SubjectUserJoinedChannel, ChannelID: creq.Context.ChannelID}, nil
}

// subscribe subscribes, as the acting user, to users joining the
// call's channel; the notification DMs them.
func (a *app) subscribe(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	ev, err := channelEvent(creq)
	if err != nil {
		return errorf("subscribe: %v", err)
	}
	sub := &apps.Subscription{
		Event: ev,
		Call:  apps.Call{Path: pathUserJoinedNotif, Expand: expandNotification},
	}
	if err := appclient.AsActingUser(creq.Context).Subscribe(sub); err != nil {
		return errorf("subscribe: the server refused the subscription to %s: %v", ev.Subject, err)
	}
	return apps.NewTextResponse("subscribe: subscribed to %s in this channel; I will DM whoever joins it", ev.Subject)
}

// unsubscribe removes the acting user's subscription of the channel.
func (a *app) unsubscribe(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	ev, err := channelEvent(creq)
	if err != nil {
		return errorf("unsubscribe: %v", err)
	}
	if err := appclient.AsActingUser(creq.Context).Unsubscribe(&apps.Subscription{Event: ev}); err != nil {
		return errorf("unsubscribe: the server refused: %v", err)
	}
	return apps.NewTextResponse("unsubscribe: unsubscribed from %s in this channel", ev.Subject)
}

// subscriptions lists the acting user's subscriptions of this app.
func (a *app) subscriptions(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	subs, err := appclient.AsActingUser(creq.Context).GetSubscriptions()
	if err != nil {
		return errorf("subscriptions: the server refused: %v", err)
	}
	if len(subs) == 0 {
		return apps.NewTextResponse("subscriptions: none")
	}
	lines := make([]string, 0, len(subs))
	for _, s := range subs {
		lines = append(lines, fmt.Sprintf("- %s → %s", s.String(), s.Call.Path))
	}
	return apps.NewTextResponse("subscriptions:\n%s", strings.Join(lines, "\n"))
}

// userJoinedChannel is the user_joined_channel notification: the bot DMs
// the user who joined.
func (a *app) userJoinedChannel(_ context.Context, creq *apps.CallRequest) apps.CallResponse {
	cc := creq.Context
	userID := cc.UserID
	if userID == "" && cc.User != nil {
		userID = cc.User.Id
	}
	if userID == "" {
		return errorf("user_joined_channel: the notification names no user")
	}
	channel := cc.ChannelID
	if cc.Channel != nil && cc.Channel.Name != "" {
		channel = "~" + cc.Channel.Name
	}
	who := userID
	if cc.User != nil && cc.User.Username != "" {
		who = "@" + cc.User.Username
	}
	post, err := appclient.AsBot(cc).DM(userID, "%s, %s, to %s.", welcomePrefix, who, channel)
	if err != nil {
		return errorf("user_joined_channel: DM the user: %v", err)
	}
	a.log.Info("welcomed a user", "user_id", userID, "channel_id", cc.ChannelID, "post_id", post.Id)
	return apps.NewTextResponse("welcomed %s", who)
}
