// Package expand fills in the expanded part of a call's context: the
// Mattermost objects (acting user, channel, team, post...) at the level the
// app asked for, and short-lived access tokens for apps granted act_as_bot
// or act_as_user. Everything is checked against what the acting user may
// see.
package expand

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// ErrRequired is wrapped when a required (+) expansion is not possible.
var ErrRequired = errors.New("required context is not available")

// API is the part of the Mattermost API the expander reads.
type API interface {
	GetUser(userID string) (*model.User, error)
	GetChannel(channelID string) (*model.Channel, error)
	GetChannelMember(channelID, userID string) (*model.ChannelMember, error)
	GetTeam(teamID string) (*model.Team, error)
	GetTeamMember(teamID, userID string) (*model.TeamMember, error)
	GetPost(postID string) (*model.Post, error)
	CanReadChannel(userID, channelID string) bool
	CanViewTeam(userID, teamID string) bool
}

// Tokens issues the access tokens apps get (tokens.Issuer).
type Tokens interface {
	Token(appID apps.AppID, userID string) (string, error)
}

// OAuth2 gives the remote OAuth2 data apps stored with the app services API
// (appservices.Service).
type OAuth2 interface {
	RemoteOAuth2App(appID apps.AppID) (apps.OAuth2App, error)
	// RemoteOAuth2User returns nil when the app stored nothing for userID.
	RemoteOAuth2User(appID apps.AppID, userID string) (json.RawMessage, error)
}

// Expander fills in contexts.
type Expander struct {
	api    API
	tokens Tokens

	// WebhookSecret, when set, gives the app's remote webhook secret,
	// expanded with the app (level all) for apps granted remote_webhooks.
	WebhookSecret func(apps.AppID) (string, error)
	// OAuth2, when set, gives the data expanded as "oauth2" (levels
	// oauth2_app and oauth2_user, for apps granted remote_oauth2).
	OAuth2 OAuth2
	// OAuth2Base, when set, gives the URL under which an app's OAuth2
	// browser routes are served (the real site URL and the plugin's app
	// path, whatever site URL the app itself is given): users open them
	// and remote services redirect to them, so they must not depend on
	// the compatibility path. Without it they are built from the call's
	// mattermost_site_url and app_path.
	OAuth2Base func(apps.AppID) string
}

// New returns an Expander.
func New(api API, tokens Tokens) *Expander {
	return &Expander{api: api, tokens: tokens}
}

// Expand fills creq.Context's expanded fields for app, on behalf of
// actingUserID ("" for calls the plugin makes on its own). userToken says
// whether the acting user started the call, so that the app may get a token
// to act as them; calls the plugin makes in the background get none.
func (e *Expander) Expand(ctx context.Context, app *store.InstalledApp, actingUserID string, userToken bool, creq *apps.CallRequest) error {
	c := &creq.Context
	ex := creq.Expand
	if ex == nil {
		ex = &apps.Expand{}
	}
	granted := apps.Permissions(app.GrantedPermissions)
	if granted.Contains(apps.PermissionActAsBot) && app.BotUserID != "" {
		tok, err := e.tokens.Token(app.ID(), app.BotUserID)
		if err != nil {
			return fmt.Errorf("create the bot's access token: %w", err)
		}
		c.BotAccessToken = tok
	}
	var problems []error
	need := func(level apps.ExpandLevel, what string, err error) {
		if err != nil && level.Required() {
			problems = append(problems, fmt.Errorf("%s: %w", what, err))
		}
	}

	if actingUserID != "" && (ex.ActingUser.Level() != apps.ExpandNone || ex.Locale.Level() != apps.ExpandNone) {
		u, err := e.getUser(ctx, actingUserID)
		if err == nil {
			c.ActingUser = userJSON(u, ex.ActingUser.Level())
			if ex.Locale.Level() != apps.ExpandNone {
				c.Locale = u.Locale
			}
		}
		need(ex.ActingUser, "acting_user", err)
	} else if actingUserID == "" {
		need(ex.ActingUser, "acting_user", errors.New("no acting user"))
	}
	if l := ex.ActingUserAccessToken.Level(); l != apps.ExpandNone {
		var err error
		switch {
		case !granted.Contains(apps.PermissionActAsUser):
			err = errors.New("the app was not granted act_as_user")
		case actingUserID == "":
			err = errors.New("no acting user")
		case !userToken:
			err = errors.New("the plugin, not the user, makes this call")
		default:
			c.ActingUserAccessToken, err = e.tokens.Token(app.ID(), actingUserID)
		}
		need(ex.ActingUserAccessToken, "acting_user_access_token", err)
	}
	if l := ex.App.Level(); l != apps.ExpandNone {
		secret := ""
		if l == apps.ExpandAll && granted.Contains(apps.PermissionRemoteWebhooks) && e.WebhookSecret != nil {
			var err error
			secret, err = e.WebhookSecret(app.ID())
			need(ex.App, "app", err)
		}
		c.App = appJSON(app, l, secret)
	}
	e.expandOAuth2(ctx, app, c, ex, actingUserID, need)
	e.expandChannel(c, ex, actingUserID, need)
	e.expandTeam(c, ex, actingUserID, need)
	e.expandPosts(c, ex, actingUserID, need)
	if l := ex.User.Level(); l != apps.ExpandNone {
		var err error
		var u *model.User
		if c.UserID == "" {
			err = errors.New("no user in the context")
		} else if u, err = e.getUser(ctx, c.UserID); err == nil {
			c.User = userJSON(u, l)
		}
		need(ex.User, "user", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %w", ErrRequired, errors.Join(problems...))
	}
	return nil
}

type needFunc func(level apps.ExpandLevel, what string, err error)

// expandOAuth2 fills in c.OAuth2 as v1.2 did: only at level all (other
// levels expand nothing), for apps granted remote_oauth2; oauth2_app gives
// the app's remote OAuth2 client and its connect/complete URLs,
// oauth2_user the data the app stored for the acting user (not for bots;
// nothing when the app stored none, or {}).
func (e *Expander) expandOAuth2(ctx context.Context, app *store.InstalledApp, c *apps.Context, ex *apps.Expand, actingUserID string, need needFunc) {
	wantApp, wantUser := ex.OAuth2App.Level() == apps.ExpandAll, ex.OAuth2User.Level() == apps.ExpandAll
	if !wantApp && !wantUser {
		return
	}
	var notGranted error
	switch {
	case !apps.Permissions(app.GrantedPermissions).Contains(apps.PermissionRemoteOAuth2):
		notGranted = fmt.Errorf("the app was not granted %s", apps.PermissionRemoteOAuth2)
	case e.OAuth2 == nil:
		notGranted = errors.New("remote OAuth2 is not available")
	}
	var oc apps.OAuth2Context
	set := false
	if wantApp {
		err := notGranted
		if err == nil {
			oc.OAuth2App, err = e.OAuth2.RemoteOAuth2App(app.ID())
		}
		if err == nil {
			base := strings.TrimRight(c.MattermostSiteURL, "/") + c.AppPath
			if e.OAuth2Base != nil {
				base = e.OAuth2Base(app.ID())
			}
			oc.ConnectURL, oc.CompleteURL = base+apps.RemoteOAuth2ConnectPath, base+apps.RemoteOAuth2CompletePath
			set = true
		}
		need(ex.OAuth2App, "oauth2_app", err)
	}
	if wantUser {
		err := notGranted
		var u *model.User
		switch {
		case err != nil:
		case actingUserID == "":
			err = errors.New("no acting user")
		default:
			if u, err = e.getUser(ctx, actingUserID); err == nil && u.IsBot {
				err = errors.New("the acting user is a bot")
			}
		}
		if err == nil {
			var data json.RawMessage
			if data, err = e.OAuth2.RemoteOAuth2User(app.ID(), actingUserID); err == nil && len(data) > 0 && string(data) != "{}" {
				oc.User, set = data, true
			}
		}
		need(ex.OAuth2User, "oauth2_user", err)
	}
	if set {
		c.OAuth2 = marshal(&oc)
	}
}

func (e *Expander) expandChannel(c *apps.Context, ex *apps.Expand, actingUserID string, need needFunc) {
	if ex.Channel.Level() == apps.ExpandNone && ex.ChannelMember.Level() == apps.ExpandNone {
		return
	}
	var err error
	var ch *model.Channel
	switch {
	case c.ChannelID == "":
		err = errors.New("no channel in the context")
	case actingUserID != "" && !e.api.CanReadChannel(actingUserID, c.ChannelID):
		err = errors.New("the acting user cannot read the channel")
	default:
		ch, err = e.api.GetChannel(c.ChannelID)
	}
	if l := ex.Channel.Level(); l != apps.ExpandNone {
		if ch != nil {
			c.Channel = channelJSON(ch, l)
		}
		need(ex.Channel, "channel", err)
	}
	if l := ex.ChannelMember.Level(); l != apps.ExpandNone {
		merr := err
		if merr == nil && actingUserID != "" {
			var m *model.ChannelMember
			if m, merr = e.api.GetChannelMember(c.ChannelID, actingUserID); merr == nil {
				c.ChannelMember = marshal(m)
			}
		}
		need(ex.ChannelMember, "channel_member", merr)
	}
}

func (e *Expander) expandTeam(c *apps.Context, ex *apps.Expand, actingUserID string, need needFunc) {
	if ex.Team.Level() == apps.ExpandNone && ex.TeamMember.Level() == apps.ExpandNone {
		return
	}
	var err error
	var team *model.Team
	switch {
	case c.TeamID == "":
		err = errors.New("no team in the context")
	case actingUserID != "" && !e.api.CanViewTeam(actingUserID, c.TeamID):
		err = errors.New("the acting user is not on the team")
	default:
		team, err = e.api.GetTeam(c.TeamID)
	}
	if l := ex.Team.Level(); l != apps.ExpandNone {
		if team != nil {
			c.Team = teamJSON(team, l)
		}
		need(ex.Team, "team", err)
	}
	if l := ex.TeamMember.Level(); l != apps.ExpandNone {
		merr := err
		if merr == nil && actingUserID != "" {
			var m *model.TeamMember
			if m, merr = e.api.GetTeamMember(c.TeamID, actingUserID); merr == nil {
				c.TeamMember = marshal(m)
			}
		}
		need(ex.TeamMember, "team_member", merr)
	}
}

func (e *Expander) expandPosts(c *apps.Context, ex *apps.Expand, actingUserID string, need needFunc) {
	get := func(id string) (*model.Post, error) {
		if id == "" {
			return nil, errors.New("no post in the context")
		}
		p, err := e.api.GetPost(id)
		if err != nil {
			return nil, err
		}
		if actingUserID != "" && !e.api.CanReadChannel(actingUserID, p.ChannelId) {
			return nil, errors.New("the acting user cannot read the post's channel")
		}
		return p, nil
	}
	if l := ex.Post.Level(); l != apps.ExpandNone {
		p, err := get(c.PostID)
		if p != nil {
			c.Post = postJSON(p, l)
		}
		need(ex.Post, "post", err)
	}
	if l := ex.RootPost.Level(); l != apps.ExpandNone {
		p, err := get(c.RootPostID)
		if p != nil {
			c.RootPost = postJSON(p, l)
		}
		need(ex.RootPost, "root_post", err)
	}
}

func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
