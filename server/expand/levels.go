package expand

import (
	"encoding/json"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/store"
)

func userJSON(u *model.User, l apps.ExpandLevel) json.RawMessage {
	switch l {
	case apps.ExpandID:
		return marshal(map[string]string{"id": u.Id})
	case apps.ExpandSummary:
		return marshal(map[string]any{
			"id": u.Id, "username": u.Username, "first_name": u.FirstName, "last_name": u.LastName,
			"nickname": u.Nickname, "locale": u.Locale, "is_bot": u.IsBot, "roles": u.Roles, "timezone": u.Timezone,
		})
	}
	c := *u
	c.Sanitize(map[string]bool{"email": true, "fullname": true})
	return marshal(&c)
}

func channelJSON(ch *model.Channel, l apps.ExpandLevel) json.RawMessage {
	switch l {
	case apps.ExpandID:
		return marshal(map[string]string{"id": ch.Id})
	case apps.ExpandSummary:
		return marshal(map[string]any{
			"id": ch.Id, "team_id": ch.TeamId, "type": ch.Type, "name": ch.Name,
			"display_name": ch.DisplayName, "header": ch.Header, "purpose": ch.Purpose,
		})
	}
	return marshal(ch)
}

func teamJSON(t *model.Team, l apps.ExpandLevel) json.RawMessage {
	switch l {
	case apps.ExpandID:
		return marshal(map[string]string{"id": t.Id})
	case apps.ExpandSummary:
		return marshal(map[string]any{"id": t.Id, "name": t.Name, "display_name": t.DisplayName, "type": t.Type})
	}
	c := *t
	c.Sanitize()
	return marshal(&c)
}

func postJSON(p *model.Post, l apps.ExpandLevel) json.RawMessage {
	switch l {
	case apps.ExpandID:
		return marshal(map[string]string{"id": p.Id})
	case apps.ExpandSummary:
		return marshal(map[string]any{
			"id": p.Id, "channel_id": p.ChannelId, "root_id": p.RootId, "user_id": p.UserId,
			"message": p.Message, "create_at": p.CreateAt, "type": p.Type,
		})
	}
	return marshal(p)
}

// appJSON is the app at level l; at level all it includes the app's remote
// webhook secret when one is given.
func appJSON(app *store.InstalledApp, l apps.ExpandLevel, webhookSecret string) json.RawMessage {
	m := app.Manifest
	switch l {
	case apps.ExpandID:
		return marshal(map[string]string{"app_id": string(m.AppID)})
	case apps.ExpandSummary:
		return marshal(map[string]any{
			"app_id": m.AppID, "version": m.Version, "display_name": m.DisplayName,
			"bot_user_id": app.BotUserID, "bot_username": app.BotUsername,
		})
	}
	all := map[string]any{
		"app_id": m.AppID, "version": m.Version, "display_name": m.DisplayName, "description": m.Description,
		"homepage_url": m.HomepageURL, "bot_user_id": app.BotUserID, "bot_username": app.BotUsername,
		"granted_permissions": app.GrantedPermissions, "granted_locations": app.GrantedLocations,
		"disabled": app.Disabled,
	}
	if webhookSecret != "" {
		all["webhook_secret"] = webhookSecret
		all["remote_webhook_auth_type"] = m.RemoteWebhookAuthType
	}
	return marshal(all)
}
