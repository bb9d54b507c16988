package plugin

import (
	"encoding/json"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"

	"github.com/lambda-apps/lambda-apps/server/readcache"
)

// The server's hooks that apps can subscribe to (server/subscriptions).
// They only queue the event: delivery is asynchronous.

// UserHasBeenCreated reports user_created.
func (p *Plugin) UserHasBeenCreated(_ *mmplugin.Context, user *model.User) {
	if p.subs != nil && user != nil {
		p.subs.UserCreated(user.Id)
	}
}

// UserHasJoinedChannel reports user_joined_channel (and bot_joined_channel).
func (p *Plugin) UserHasJoinedChannel(_ *mmplugin.Context, m *model.ChannelMember, _ *model.User) {
	if p.subs != nil && m != nil {
		p.subs.UserChannel(m, true)
	}
}

// UserHasLeftChannel reports user_left_channel (and bot_left_channel), and
// forgets that the user may read the channel.
func (p *Plugin) UserHasLeftChannel(_ *mmplugin.Context, m *model.ChannelMember, _ *model.User) {
	if m == nil {
		return
	}
	p.revokeRead(m.UserId, m.ChannelId)
	if p.subs != nil {
		p.subs.UserChannel(m, false)
	}
}

// UserHasJoinedTeam reports user_joined_team (and bot_joined_team).
func (p *Plugin) UserHasJoinedTeam(_ *mmplugin.Context, m *model.TeamMember, _ *model.User) {
	if p.subs != nil && m != nil {
		p.subs.UserTeam(m, true)
	}
}

// UserHasLeftTeam reports user_left_team (and bot_left_team), and forgets
// which channels the user may read (the server removed them from the
// team's channels without a UserHasLeftChannel for each).
func (p *Plugin) UserHasLeftTeam(_ *mmplugin.Context, m *model.TeamMember, _ *model.User) {
	if m == nil {
		return
	}
	p.revokeRead(m.UserId, "")
	if p.subs != nil {
		p.subs.UserTeam(m, false)
	}
}

// UserHasBeenDeactivated forgets which channels the user may read.
func (p *Plugin) UserHasBeenDeactivated(_ *mmplugin.Context, user *model.User) {
	if user != nil {
		p.revokeRead(user.Id, "")
	}
}

// readRevoked is the data of eventReadRevoked: ChannelID "" for all of the
// user's channels.
type readRevoked struct {
	UserID    string `json:"user_id"`
	ChannelID string `json:"channel_id,omitempty"`
}

// revokeRead forgets that userID may read channelID ("" every channel), on
// this node and, through a cluster event, on the others.
func (p *Plugin) revokeRead(userID, channelID string) {
	if p.readable == nil || userID == "" {
		return
	}
	p.readable.Forget(userID, channelID)
	data, err := json.Marshal(readRevoked{UserID: userID, ChannelID: channelID})
	if err == nil {
		err = p.API.PublishPluginClusterEvent(model.PluginClusterEvent{Id: eventReadRevoked, Data: data},
			model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeReliable})
	}
	if err != nil {
		p.client.Log.Warn("Could not tell the other cluster nodes that a user left a channel or team; they forget it within the cache's lifetime",
			"user_id", userID, "channel_id", channelID, "ttl", readcache.TTL.String(), "error", err.Error())
	}
}

// ChannelHasBeenCreated reports channel_created.
func (p *Plugin) ChannelHasBeenCreated(_ *mmplugin.Context, ch *model.Channel) {
	if p.subs != nil && ch != nil {
		p.subs.ChannelCreated(ch)
	}
}
