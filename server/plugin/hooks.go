package plugin

import (
	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
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

// UserHasLeftChannel reports user_left_channel (and bot_left_channel).
func (p *Plugin) UserHasLeftChannel(_ *mmplugin.Context, m *model.ChannelMember, _ *model.User) {
	if p.subs != nil && m != nil {
		p.subs.UserChannel(m, false)
	}
}

// UserHasJoinedTeam reports user_joined_team (and bot_joined_team).
func (p *Plugin) UserHasJoinedTeam(_ *mmplugin.Context, m *model.TeamMember, _ *model.User) {
	if p.subs != nil && m != nil {
		p.subs.UserTeam(m, true)
	}
}

// UserHasLeftTeam reports user_left_team (and bot_left_team).
func (p *Plugin) UserHasLeftTeam(_ *mmplugin.Context, m *model.TeamMember, _ *model.User) {
	if p.subs != nil && m != nil {
		p.subs.UserTeam(m, false)
	}
}

// ChannelHasBeenCreated reports channel_created.
func (p *Plugin) ChannelHasBeenCreated(_ *mmplugin.Context, ch *model.Channel) {
	if p.subs != nil && ch != nil {
		p.subs.ChannelCreated(ch)
	}
}
