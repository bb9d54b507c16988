package plugin

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	mmplugin "github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/pluginapi"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/install"
	"github.com/lambda-apps/lambda-apps/server/readcache"
)

// mattermostAPI adapts pluginapi to install.MattermostAPI.
type mattermostAPI struct{ c *pluginapi.Client }

func (m mattermostAPI) GetUserByUsername(username string) (*model.User, error) {
	u, err := m.c.User.GetByUsername(username)
	if errors.Is(err, pluginapi.ErrNotFound) {
		return nil, install.ErrNotFound
	}
	return u, err
}

func (m mattermostAPI) GetBot(botUserID string, includeDeleted bool) (*model.Bot, error) {
	return m.c.Bot.Get(botUserID, includeDeleted)
}

func (m mattermostAPI) CreateBot(bot *model.Bot) (*model.Bot, error) {
	if err := m.c.Bot.Create(bot); err != nil {
		return nil, err
	}
	return bot, nil
}

func (m mattermostAPI) PatchBot(botUserID string, patch *model.BotPatch) (*model.Bot, error) {
	return m.c.Bot.Patch(botUserID, patch)
}

func (m mattermostAPI) UpdateBotActive(botUserID string, active bool) (*model.Bot, error) {
	return m.c.Bot.UpdateActive(botUserID, active)
}

func (m mattermostAPI) SetProfileImage(userID string, data []byte) error {
	return m.c.User.SetProfileImage(userID, bytes.NewReader(data))
}

// mattermost adapts pluginapi to what the services read of Mattermost
// (expand.API, appcall.ContextAPI, httpapi.Admins). readable, when set,
// remembers granted read permissions on channels (readcache).
type mattermost struct {
	c        *pluginapi.Client
	readable *readcache.Cache
}

func (e mattermost) IsSystemAdmin(userID string) bool {
	return userID != "" && e.c.User.HasPermissionTo(userID, model.PermissionManageSystem)
}

func (e mattermost) GetUser(id string) (*model.User, error)       { return e.c.User.Get(id) }
func (e mattermost) GetChannel(id string) (*model.Channel, error) { return e.c.Channel.Get(id) }
func (e mattermost) GetTeam(id string) (*model.Team, error)       { return e.c.Team.Get(id) }
func (e mattermost) GetPost(id string) (*model.Post, error)       { return e.c.Post.GetPost(id) }

func (e mattermost) GetChannelMember(channelID, userID string) (*model.ChannelMember, error) {
	return e.c.Channel.GetMember(channelID, userID)
}

func (e mattermost) GetTeamMember(teamID, userID string) (*model.TeamMember, error) {
	return e.c.Team.GetMember(teamID, userID)
}

func (e mattermost) CanReadChannel(userID, channelID string) bool {
	if e.readable != nil && e.readable.Allowed(userID, channelID) {
		return true
	}
	ok := e.c.User.HasPermissionToChannel(userID, channelID, model.PermissionReadChannel)
	if ok && e.readable != nil {
		e.readable.Remember(userID, channelID)
	}
	return ok
}

func (e mattermost) CanViewTeam(userID, teamID string) bool {
	return e.c.User.HasPermissionToTeam(userID, teamID, model.PermissionViewTeam)
}

// sessionAPI adapts pluginapi to tokens.SessionAPI.
type sessionAPI struct{ c *pluginapi.Client }

// CreateSession creates a session for userID. The server takes the
// session's roles as given, so they are the user's own: a session without
// roles could do nothing (every REST call would be refused).
func (e sessionAPI) CreateSession(userID string, appID apps.AppID, expiresAt time.Time) (string, string, error) {
	u, err := e.c.User.Get(userID)
	if err != nil {
		return "", "", fmt.Errorf("read the user: %w", err)
	}
	props := model.StringMap{appservices.SessionPropAppID: string(appID)}
	if u.IsBot {
		props[model.SessionPropIsBot] = model.SessionPropIsBotValue
	}
	s, err := e.c.Session.Create(&model.Session{
		UserId:    userID,
		Roles:     u.GetRawRoles(),
		ExpiresAt: expiresAt.UnixMilli(),
		Props:     props,
	})
	if err != nil {
		return "", "", err
	}
	return s.Id, s.Token, nil
}

// GetSession reads a session (appservices.Sessions).
func (e sessionAPI) GetSession(sessionID string) (*model.Session, error) {
	return e.c.Session.Get(sessionID)
}

// RevokeSession revokes a session; one that is already gone is fine.
func (e sessionAPI) RevokeSession(sessionID string) error {
	err := e.c.Session.Revoke(sessionID)
	if err == nil {
		return nil
	}
	if _, gerr := e.c.Session.Get(sessionID); gerr != nil {
		return nil //nolint:nilerr // the session does not exist (any more): revoked
	}
	return err
}

// websocket tells clients to fetch their bindings again (bindings.Clients):
// the event clients see is "custom_lambda-apps_refresh_bindings".
type websocket struct{ api mmplugin.API }

func (w websocket) RefreshBindings(userID string) {
	w.api.PublishWebSocketEvent(eventRefreshBindings, map[string]any{}, &model.WebsocketBroadcast{UserId: userID})
}

// clusterEvent tells the other cluster nodes to reload what this one changed.
type clusterEvent struct {
	p  *Plugin
	id string
}

func notifier(p *Plugin, id string) clusterEvent { return clusterEvent{p, id} }

func (c clusterEvent) publish() {
	err := c.p.API.PublishPluginClusterEvent(model.PluginClusterEvent{Id: c.id},
		model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeReliable})
	if err != nil {
		c.p.client.Log.Warn("Could not notify the other cluster nodes", "event", c.id, "error", err.Error())
	}
}
